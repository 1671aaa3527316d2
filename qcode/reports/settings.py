"""What a report shows by default: the ``[report]`` table of ``qcode.toml``, and the choice
of attributes for each quote's source line.

::

    [report]
    attributes = ["stakeholder_level", "role"]  # shown in each quote's source line
    spread_by = "stakeholder_level"             # --per-code spreads exemplars across it

Attributes can identify a participant (a role held by one person, a small hospital), so a
report shows none of them unless the researcher names them: here, as the project's
choice of attributes that are safe to show, or with ``report --attributes`` for one
report. Without either, a source line names only the speaker, the document and the
segment (and its time).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qcode._io.nofollow import read_nofollow
from qcode.errors import NotFoundError, ProjectDamagedError, UsageError
from qcode.project import SETTINGS_FILE
from qcode.similar import suggestions

KEYS = ("attributes", "spread_by")
EXAMPLE = 'for example: [report] attributes = ["stakeholder_level", "role"]'


@dataclass(frozen=True)
class ReportSettings:
    """The ``[report]`` table: attributes safe to show (none by default) and the
    attribute ``--per-code`` spreads exemplars across (none: documents only)."""

    attributes: tuple[str, ...] = ()
    spread_by: str | None = None


def read_report_settings(root: Path) -> ReportSettings:
    """The ``[report]`` table of the project at ``root`` (defaults when there is none)."""
    path = root / SETTINGS_FILE
    try:
        data = tomllib.loads(read_nofollow(path).decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ReportSettings()  # the project itself reads (and refuses) a bad file first
    table = data.get("report", {})
    if not isinstance(table, dict):
        raise ProjectDamagedError(f"{path}: [report] must be a table", hint=EXAMPLE)
    for key in table:
        if key not in KEYS:
            near = suggestions(key, list(KEYS))
            raise ProjectDamagedError(
                f"{path}: [report] has no setting '{key}'"
                + (f"; did you mean '{near[0]}'?" if near else ""),
                hint=f"the settings are: {', '.join(KEYS)}")
    attrs = table.get("attributes", [])
    if not isinstance(attrs, list) or not all(isinstance(a, str) and a for a in attrs):
        raise ProjectDamagedError(f"{path}: [report] attributes must be a list of attribute "
                                  "names", hint=EXAMPLE)
    spread = table.get("spread_by")
    if spread is not None and (not isinstance(spread, str) or not spread):
        raise ProjectDamagedError(f"{path}: [report] spread_by must be an attribute name",
                                  hint='for example: spread_by = "stakeholder_level"')
    return ReportSettings(attributes=tuple(dict.fromkeys(attrs)), spread_by=spread)


def parse_attribute_option(values: Iterable[str]) -> list[str] | None:
    """``--attributes role,stakeholder_level`` (repeatable, or a comma list) as names;
    None when the option was not given.

    >>> parse_attribute_option(["role, stakeholder_level", "region"])
    ['role', 'stakeholder_level', 'region']
    >>> parse_attribute_option([]) is None
    True
    """
    values = list(values)
    if not values:
        return None
    return list(dict.fromkeys(n.strip() for v in values for n in v.split(",") if n.strip()))


def shown_attributes(requested: Sequence[str] | None, settings: ReportSettings,
                     known: Sequence[str], where: str = "--attributes") -> tuple[str, ...]:
    """The attributes a report shows: ``requested`` (``all``, ``none`` or names), else the
    settings' choice; a name no document has is refused with the names there are.

    >>> shown_attributes(["role"], ReportSettings(), ["region", "role"])
    ('role',)
    >>> shown_attributes(None, ReportSettings(("region",)), ["region", "role"])
    ('region',)
    >>> shown_attributes(["all"], ReportSettings(), ["region", "role"])
    ('region', 'role')
    """
    if requested is None:
        names, where = list(settings.attributes), f"{SETTINGS_FILE} [report] attributes"
    elif [n.casefold() for n in requested] == ["all"]:
        return tuple(known)
    elif [n.casefold() for n in requested] == ["none"]:
        return ()
    else:
        names = list(requested)
    if known:  # a project without documents yet cannot tell a typo
        for name in names:
            check_attribute(name, known, where)
    return tuple(names)


def check_attribute(name: str, known: Sequence[str], where: str) -> None:
    """Refuse an attribute name no document has, with the nearest names and the list."""
    if name in known:
        return
    if name.casefold() in ("all", "none"):
        raise UsageError(f"{where}: '{name}' stands alone (it means every attribute or none)",
                         hint="give --attributes all, --attributes none, or names")
    near = suggestions(name, list(known))
    raise NotFoundError(f"{where}: no document has the attribute '{name}'"
                        + (f"; did you mean {', '.join(repr(n) for n in near)}?" if near
                           else ""), hint=f"attributes: {', '.join(known)}")
