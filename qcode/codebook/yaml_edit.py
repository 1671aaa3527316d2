"""Rewrite ``codebook.yaml`` for one change, keeping the user's comments, order and quoting.

ruamel.yaml reads the file as a round-trip document (comments and key order attached to
the nodes it keeps); :func:`apply` changes only the entries a change names, and
:func:`render` writes the document back. A code added goes after the last code of its
theme x level cell (or at the end), so the file stays in the order a person gave it.

ruamel.yaml (about 25 ms to import) is imported by the functions that use it: every command
that opens the codebook imports this module (through :mod:`qcode.codebook.commit`, to
finish a change a kill interrupted), and only a change actually rewrites the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qcode.errors import CodebookError

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

#: the order of a new code's fields in the file
FIELD_ORDER = ("id", "name", "theme", "level", "definition", "include", "exclude", "examples",
               "keywords", "keywords_no", "parent", "source", "retired")


def _yaml(flush_lists: bool = False) -> YAML:
    from ruamel.yaml import YAML  # heavy: see the module's docstring

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a user's long line
    if flush_lists:  # "codes:" then "- id: ..." at the same indentation
        y.indent(mapping=2, sequence=2, offset=0)
    else:
        y.indent(mapping=2, sequence=4, offset=2)
    return y


def flush_lists(text: str) -> bool:
    """Whether the file writes its lists' dashes flush under their key."""
    return re.search(r"^- ", text, re.MULTILINE) is not None


def parse(text: str, path: str = "codebook.yaml") -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise CodebookError(f"{path}: cannot be rewritten: YAML syntax error "
                            f"({type(exc).__name__})",
                            hint="fix it with: qcode codebook check") from None


def render(doc: Any, flush: bool = False) -> str:
    buf = io.StringIO()
    _yaml(flush).dump(doc, buf)
    return buf.getvalue()


def _codes(doc: Any) -> Any:
    codes = doc.get("codes") if isinstance(doc, Mapping) else None
    if not isinstance(codes, list):
        raise CodebookError("the codebook has no list of codes to change",
                            hint="check it with: qcode codebook check")
    return codes


def _index(codes: CommentedSeq, code_id: str) -> int:
    for i, entry in enumerate(codes):
        if isinstance(entry, Mapping) and str(entry.get("id")) == code_id:
            return i
    raise CodebookError(f"code {code_id} is not in codebook.yaml",
                        hint="check it with: qcode codebook check")


def _entry(code: Mapping[str, Any]) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entry = CommentedMap()
    for key in FIELD_ORDER:
        value = code.get(key)
        if value in (None, "", [], ()):
            continue
        entry[key] = CommentedSeq(value) if isinstance(value, list | tuple) else value
    return entry


def _insert(codes: CommentedSeq, code: Mapping[str, Any], after: str | None = None) -> None:
    entry = _entry(code)
    at = len(codes)
    if after is not None:
        at = _index(codes, after) + 1
    else:
        for i, other in enumerate(codes):
            if isinstance(other, Mapping) and other.get("theme") == code.get("theme") \
                    and other.get("level") == code.get("level"):
                at = i + 1
    codes.insert(at, entry)


def _set(entry: CommentedMap, key: str, value: Any) -> None:
    from ruamel.yaml.comments import CommentedSeq

    if value in (None, "", [], ()):
        entry.pop(key, None)
        return
    value = CommentedSeq(value) if isinstance(value, list | tuple) else value
    if key in entry:
        was = entry[key]
        if isinstance(value, CommentedSeq) and isinstance(was, CommentedSeq) \
                and was.fa.flow_style():
            value.fa.set_flow_style()  # [a, b] stays on one line
        entry[key] = value
        return
    # a new field goes where FIELD_ORDER puts it among the fields present
    rank = FIELD_ORDER.index(key) if key in FIELD_ORDER else len(FIELD_ORDER)
    pos = len(entry)
    for i, k in enumerate(entry):
        if k in FIELD_ORDER and FIELD_ORDER.index(k) > rank:
            pos = i
            break
    entry.insert(pos, key, value)


def _repoint_parents(codes: CommentedSeq, old: str, new: str | None) -> None:
    from ruamel.yaml.comments import CommentedMap

    for entry in codes:
        if isinstance(entry, CommentedMap) and entry.get("parent") == old:
            if new is None:
                entry.pop("parent")
            else:
                entry["parent"] = new


def apply(doc: Any, change: Mapping[str, Any]) -> None:
    """Change the round-trip document ``doc`` in place as the log event ``change`` says."""
    codes = _codes(doc)
    op = change["op"]
    if op in ("add", "accept"):
        _insert(codes, change["new_code"])
    elif op == "edit":
        entry = codes[_index(codes, change["code"])]
        for key, value in change["fields"].items():
            _set(entry, key, value)
    elif op in ("rename", "move"):
        entry = codes[_index(codes, change["code"])]
        for key in ("name", "theme", "level"):
            if change.get(key) is not None:
                _set(entry, key, change[key])
        if change.get("new_id"):
            entry["id"] = change["new_id"]
            _repoint_parents(codes, change["code"], change["new_id"])
    elif op == "merge":
        for src in change["codes"]:
            if src != change["into"]:
                del codes[_index(codes, src)]
                _repoint_parents(codes, src, change["into"])
    elif op == "split":
        after = change["code"]
        for new in change["parts"]:
            if isinstance(new, Mapping):
                _insert(codes, new, after=after)
                after = new["id"]
        _set(codes[_index(codes, change["code"])], "retired", True)
    elif op == "retire":
        _set(codes[_index(codes, change["code"])], "retired", True)
    else:  # proposals and rejections do not touch the file
        return


def rewrite(text: str, change: Mapping[str, Any], path: str = "codebook.yaml") -> str:
    """``text`` of codebook.yaml after ``change``, comments and order kept."""
    doc = parse(text, path)
    apply(doc, change)
    return render(doc, flush_lists(text))
