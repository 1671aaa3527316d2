"""Load and validate the faceted codebook (YAML read with its line numbers).

The file has ordered ``levels`` (optional), ``themes`` and ``codes``; see
``codebooks/template.yaml`` for a commented example. Validation reports every problem at
once, each located by file, line and field, so a researcher can fix them in one pass.
Looking codes up (by id or name, with suggestions) is :mod:`qcode.codebook.lookup`; its
names are re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode._io.textfile import read_user_text
from qcode._io.yaml_limits import MAX_EXPANDED_NODES, alias_excess
from qcode.codebook.lookup import did_you_mean, resolve_code, resolve_facet, suggestions
from qcode.errors import CodebookError, located
from qcode.models import Code, Codebook, Level, Theme

__all__ = ["CheckResult", "Problem", "check_file", "check_text", "load", "read_codebook_text",
           "resolve_code", "resolve_facet", "suggestions"]

_TEXT_FIELDS = ("definition",)
_LIST_FIELDS = ("include", "exclude", "examples", "keywords", "keywords_no")
_CODE_FIELDS = {"id", "name", "theme", "level", "parent", "source", "variation_relevant", "retired",
                *_TEXT_FIELDS, *_LIST_FIELDS}
_FACET_FIELDS = {"id", "name", "description"}
_TOP_FIELDS = {"name", "version", "description", "levels", "themes", "codes", "rules"}


@dataclass(frozen=True)
class Problem:
    """One located finding about a codebook file."""

    path: str
    line: int | None
    field: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{located(self.path, self.line)}: {self.field}: {self.message}"


@dataclass(frozen=True)
class CheckResult:
    codebook: Codebook | None
    errors: list[Problem]
    warnings: list[Problem]


# ------------------------------------------------------------------ YAML with line numbers


class _Node:
    """A YAML value with the 1-based line it starts on."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def _convert(node: Any, mapping: type, sequence: type) -> _Node:
    """``node`` (PyYAML's, of the ``mapping`` and ``sequence`` node classes) as a _Node."""
    line = node.start_mark.line + 1
    items: Any = node.value
    if isinstance(node, mapping):
        out: dict[str, tuple[_Node, _Node]] = {}
        for k, v in items:
            key = _convert(k, mapping, sequence)
            out[str(key.value)] = (key, _convert(v, mapping, sequence))
        return _Node(out, line)
    if isinstance(node, sequence):
        return _Node([_convert(v, mapping, sequence) for v in items], line)
    tag = node.tag.rsplit(":", 1)[-1]
    raw = node.value
    if tag == "bool":
        return _Node(raw.lower() in ("true", "yes", "on", "y"), line)
    if tag == "null":
        return _Node(None, line)
    if tag == "int":
        try:
            return _Node(int(raw), line)
        except ValueError:
            return _Node(raw, line)
    return _Node(raw, line)


def _parse_yaml(text: str, path: str) -> _Node | None:
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        raise CodebookError(f"{path} is XML (a REFI-QDA .qdc codebook?), not a YAML codebook",
                            hint=f"convert it with: qcode import qdc {path} --output "
                                 "codebook.yaml")

    bomb_line = alias_excess(text)
    if bomb_line is not None:
        raise CodebookError(
            f"{located(path, bomb_line)}: the codebook uses YAML aliases beyond the limit "
            f"(more than {MAX_EXPANDED_NODES} values once expanded); nothing was read",
            hint="write the repeated parts out, or use fewer '*' aliases")
    import yaml  # here, not at the top: a codebook read from the index never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise CodebookError(
            f"{located(path, line)}: YAML syntax error: {what}",
            hint="check indentation and quoting on that line (a ':' inside text needs quotes)",
        ) from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: YAML syntax error: {type(exc).__name__}") from None
    return None if root is None else _convert(root, yaml.MappingNode, yaml.SequenceNode)


# ------------------------------------------------------------------ validation


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, line: int | None, field: str, message: str) -> None:
        self.errors.append(Problem(self.path, line, field, message))

    def warn(self, line: int | None, field: str, message: str) -> None:
        self.warnings.append(Problem(self.path, line, field, message, "warning"))

    def text(self, entry: dict[str, tuple[_Node, _Node]], key: str, where: str,
             line: int, *, required: bool = False) -> str | None:
        if key not in entry:
            if required:
                self.error(line, f"{where}.{key}", "missing (required)")
            return None
        node = entry[key][1]
        if node.value is None or (isinstance(node.value, str) and not node.value.strip()):
            if required:
                self.error(node.line, f"{where}.{key}", "empty (required)")
            return None
        if isinstance(node.value, dict | list):
            self.error(node.line, f"{where}.{key}", "must be text, not a list or mapping")
            return None
        return str(node.value).strip()

    def text_list(self, entry: dict[str, tuple[_Node, _Node]], key: str,
                  where: str) -> tuple[str, ...]:
        if key not in entry or entry[key][1].value is None:
            return ()
        node = entry[key][1]
        if isinstance(node.value, str):
            return (node.value.strip(),)
        if not isinstance(node.value, list):
            self.error(node.line, f"{where}.{key}", "must be a list of text")
            return ()
        out = []
        for item in node.value:
            if isinstance(item.value, dict | list) or item.value is None:
                self.error(item.line, f"{where}.{key}", "each item must be text")
            else:
                out.append(str(item.value).strip())
        return tuple(out)

    def unknown_fields(self, entry: dict[str, tuple[_Node, _Node]], allowed: set[str],
                       where: str) -> None:
        for key, (knode, _) in entry.items():
            if key not in allowed:
                self.warn(knode.line, f"{where}.{key}",
                          f"unknown field, ignored{did_you_mean(key, sorted(allowed))}")

    def facets(self, root: dict[str, tuple[_Node, _Node]], key: str,
               required: bool) -> list[tuple[Any, int]]:
        if key not in root or root[key][1].value is None:
            if required:
                self.error(1, key, f"missing: the codebook needs a list of {key}")
            return []
        node = root[key][1]
        if not isinstance(node.value, list):
            self.error(node.line, key, "must be a list of entries with id and name")
            return []
        seen: dict[str, int] = {}
        out = []
        for i, item in enumerate(node.value):
            where = f"{key}[{i}]"
            if not isinstance(item.value, dict):
                self.error(item.line, where, "malformed entry: expected id, name, description")
                continue
            fid = self.text(item.value, "id", where, item.line, required=True)
            name = self.text(item.value, "name", where, item.line, required=True)
            desc = self.text(item.value, "description", where, item.line) or ""
            self.unknown_fields(item.value, _FACET_FIELDS, where)
            if fid is None:
                continue
            if fid in seen:
                self.error(item.value["id"][1].line, f"{where}.id",
                           f"duplicate id '{fid}' (first at line {seen[fid]})")
                continue
            seen[fid] = item.value["id"][1].line
            out.append(((fid, name or fid, desc), item.line))
        return out


def check_text(text: str, path: str = "codebook.yaml") -> CheckResult:
    """Validate codebook YAML text; return the codebook (if usable) and every problem.

    YAML syntax errors raise :class:`CodebookError` with ``file:line``.
    """
    root = _parse_yaml(text, path)
    ck = _Checker(path)
    if root is None or not isinstance(root.value, dict):
        ck.error(1, "codebook", "the file must be a mapping with levels, themes and codes")
        return CheckResult(None, ck.errors, ck.warnings)
    top = root.value
    ck.unknown_fields(top, _TOP_FIELDS, "codebook")
    levels = [Level(id=i, name=n, description=d) for (i, n, d), _ in ck.facets(top, "levels",
                                                                                False)]
    themes = [Theme(id=i, name=n, description=d) for (i, n, d), _ in ck.facets(top, "themes",
                                                                                True)]
    level_ids = [lv.id for lv in levels]
    theme_ids = [t.id for t in themes]
    codes: list[Code] = []
    code_lines: dict[str, int] = {}
    parents: list[tuple[str, str, int]] = []
    code_node = top.get("codes", (None, None))[1]
    if code_node is None or code_node.value is None:
        ck.error(1, "codes", "missing: the codebook needs a list of codes")
    elif not isinstance(code_node.value, list):
        ck.error(code_node.line, "codes", "must be a list of codes")
    else:
        for i, item in enumerate(code_node.value):
            where = f"codes[{i}]"
            if not isinstance(item.value, dict):
                ck.error(item.line, where, "malformed entry: expected a mapping with id, name, "
                         "theme, level")
                continue
            e = item.value
            cid = ck.text(e, "id", where, item.line, required=True)
            if cid is not None:
                where = f"codes[{i}] ({cid})"
            name = ck.text(e, "name", where, item.line, required=True)
            theme = ck.text(e, "theme", where, item.line, required=True)
            level = ck.text(e, "level", where, item.line, required=bool(levels))
            ck.unknown_fields(e, _CODE_FIELDS, where)
            ok = cid is not None and name is not None and theme is not None
            if theme is not None and theme not in theme_ids:
                ck.error(e["theme"][1].line, f"{where}.theme",
                         f"unknown theme '{theme}'{did_you_mean(theme, theme_ids)}")
                ok = False
            if level is not None and level not in level_ids:
                known = ", ".join(level_ids) if level_ids else "none are defined"
                ck.error(e["level"][1].line, f"{where}.level",
                         f"unknown level '{level}' (levels: {known})"
                         f"{did_you_mean(level, level_ids)}")
                ok = False
            if cid is not None and cid in code_lines:
                ck.error(e["id"][1].line, f"{where}.id",
                         f"duplicate id '{cid}' (first at line {code_lines[cid]})")
                ok = False
            flag = e.get("variation_relevant", (None, _Node(False, item.line)))[1]
            if not isinstance(flag.value, bool):
                ck.error(flag.line, f"{where}.variation_relevant", "must be true or false")
            retired = e.get("retired", (None, _Node(False, item.line)))[1]
            if not isinstance(retired.value, bool):
                ck.error(retired.line, f"{where}.retired", "must be true or false")
            lists = {k: ck.text_list(e, k, where) for k in _LIST_FIELDS}
            definition = ck.text(e, "definition", where, item.line) or ""
            if cid is not None and cid not in code_lines:
                code_lines[cid] = e["id"][1].line
            if not ok or cid is None or name is None or theme is None:
                continue
            parent = ck.text(e, "parent", where, item.line)
            if parent is not None:
                parents.append((parent, where, e["parent"][1].line))
            codes.append(Code(
                id=cid, name=name, theme=theme, level=level, definition=definition,
                parent=parent, source=ck.text(e, "source", where, item.line),
                variation_relevant=flag.value is True, retired=retired.value is True,
                **lists,
            ))
    for parent, where, line in parents:
        if parent not in code_lines:
            ck.error(line, f"{where}.parent",
                     f"unknown parent code '{parent}'{did_you_mean(parent, list(code_lines))}")
    meta = {k: ck.text(top, k, "codebook", 1) or "" for k in ("name", "version", "description")}
    if ck.errors:
        return CheckResult(None, ck.errors, ck.warnings)
    cb = Codebook(name=meta["name"] or Path(path).stem, version=meta["version"],
                  description=meta["description"], rules=ck.text_list(top, "rules", "codebook"),
                  levels=tuple(levels), themes=tuple(themes),
                  codes=tuple(codes))
    for theme_id, level_id in cb.empty_cells():
        ck.warn(None, "codes", f"no code in cell {theme_id} x {level_id}")
    return CheckResult(cb, ck.errors, ck.warnings)


def check_file(path: Path | str) -> CheckResult:
    return check_text(read_codebook_text(Path(path)), str(path))


def load(path: Path | str, text: str | None = None) -> Codebook:
    """Load a codebook or raise :class:`CodebookError` listing every problem; ``text``:
    the file's text as :func:`read_codebook_text` read it (else it is read here)."""
    path = Path(path)
    result = check_text(read_codebook_text(path) if text is None else text, str(path))
    if result.codebook is None:
        n = len(result.errors)
        raise CodebookError(
            f"{path} has {n} problem{'s' if n != 1 else ''}",
            hint=f"run: qcode codebook check {path}",
            details=[str(p) for p in result.errors],
        )
    return result.codebook


def read_codebook_text(path: Path) -> str:
    """A codebook file's text (or the located error of a file that cannot be read)."""
    return read_user_text(path, "a YAML codebook")
