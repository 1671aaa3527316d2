"""Document sets: named lists of documents in ``sets.json`` (written atomically), and
:func:`selected_documents`, the one place where ``--doc`` and ``--set`` become document ids.

A set holds ids as they were added; a renamed document is followed and an archived one
left out when the set is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode.documents.log import document_map
from qcode.errors import InvalidInputError, NotFoundError, UsageError
from qcode.project import Project

SETS_FILE = "sets.json"
SET_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def sets_path(project: Project) -> Path:
    return project.root / SETS_FILE


def read_sets(project: Project) -> dict[str, list[str]]:
    """Every set, name -> document ids as stored (renames not yet followed)."""
    path = sets_path(project)
    try:
        raw = json.loads(read_nofollow(path))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise InvalidInputError(f"{path}: not a valid sets file",
                                hint="fix it by hand, or restore it from git") from None
    sets = raw.get("sets") if isinstance(raw, dict) else None
    if not isinstance(sets, dict) or not all(
            isinstance(v, list) and all(isinstance(d, str) for d in v) for v in sets.values()):
        raise InvalidInputError(f"{path}: \"sets\" must map each name to a list of ids",
                                hint="fix it by hand, or restore it from git")
    return {str(k): list(v) for k, v in sets.items()}


def _write(project: Project, sets: dict[str, list[str]]) -> None:
    data = {"sets": {k: sets[k] for k in sorted(sets, key=str.casefold)}}
    atomic.write_text(sets_path(project), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def current_sets(project: Project) -> dict[str, list[str]]:
    """Every set with renamed documents under their current ids and archived ones left out."""
    dmap = document_map(project)
    out = {}
    for name, ids in read_sets(project).items():
        now = [dmap.current(d) for d in ids]
        out[name] = sorted({d for d in now if d not in dmap.archived})
    return out


def check_set_name(name: str) -> str:
    if not SET_NAME_RE.match(name):
        raise UsageError(f"'{name}' is not a valid set name",
                         hint="use letters, digits, '_', '-' or '.', at most 64 characters")
    return name


def add_to_set(project: Project, name: str, refs: Sequence[str]) -> tuple[list[str], list[str]]:
    """Add documents (ids or unique prefixes) to set ``name`` (created if new). Returns
    (the documents added, the set's documents now)."""
    check_set_name(name)
    ids = [project.resolve_document(r) for r in refs]
    sets = read_sets(project)
    have = sets.get(name, [])
    added = [d for d in dict.fromkeys(ids) if d not in have]
    sets[name] = sorted({*have, *added})
    _write(project, sets)
    return added, sets[name]


def remove_from_set(project: Project, name: str, refs: Sequence[str]) -> tuple[list[str], bool]:
    """Take documents out of set ``name``, or the whole set when ``refs`` is empty.
    Returns (the documents taken out, whether the set is gone)."""
    sets = read_sets(project)
    if name not in sets:
        raise NotFoundError(f"no document set '{name}'", hint=_known_sets(sets))
    if not refs:
        gone = sets.pop(name)
        _write(project, sets)
        return gone, True
    members = set(sets[name])
    taken = []
    for ref in refs:
        hits = [d for d in members if d == ref] or [d for d in members if d.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"set '{name}' has no document '{ref}'" if not hits else
                                f"ambiguous document prefix '{ref}': {', '.join(sorted(hits))}",
                                hint=f"its documents: {', '.join(sorted(members)) or 'none'}")
        members.discard(hits[0])
        taken.append(hits[0])
    sets[name] = sorted(members)
    _write(project, sets)
    return taken, False


def _known_sets(sets: dict[str, list[str]]) -> str:
    return (f"sets: {', '.join(sorted(sets, key=str.casefold))}" if sets
            else "make one with: qcode sets add NAME DOC...")


def selected_documents(project: Project, docs: Iterable[str] = (),
                       set_names: Iterable[str] = ()) -> list[str]:
    """The documents of ``--doc`` (ids or unique prefixes) and ``--set`` (names), each once,
    in order; [] when neither was given. A set that names no document of the project is
    refused, not read as "every document"."""
    out = [project.resolve_document(d) for d in docs]
    names = list(set_names)
    if names:
        sets = current_sets(project)
        for name in names:
            if name not in sets:
                raise NotFoundError(f"no document set '{name}'", hint=_known_sets(sets))
            members = [d for d in sets[name] if project.has_document(d)]
            if not members:
                raise UsageError(f"document set '{name}' has no document in this project",
                                 hint=f"add some with: qcode sets add {name} DOC...")
            out += members
    return list(dict.fromkeys(out))
