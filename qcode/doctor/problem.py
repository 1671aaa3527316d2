"""One finding of ``qcode check``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: the kinds of finding, in the order they are reported
KINDS = (
    "unreadable_file", "conflict_marker", "log_conflict", "rewritten_log", "symlink",
    "pending_import", "pending_replace", "pending_rename", "temp_file", "gitignore",
    "gitattributes", "damaged_log", "orphaned_codings", "quote_mismatch",
    "stale_reconciliation",
)
#: kinds ``qcode check --fix`` settles (not ``rewritten_log``: accepting a log that lost
#: lines takes ``qcode check --accept-lost-lines --coder NAME``, never ``--fix`` alone)
FIXABLE = frozenset({"pending_replace", "pending_rename", "temp_file", "gitignore",
                     "gitattributes", "log_conflict"})


@dataclass(frozen=True)
class Problem:
    """What is wrong, where (a path relative to the project, and a line when known), and
    what to do about it. ``message`` never quotes transcript text."""

    kind: str
    path: str
    message: str
    hint: str
    line: int | None = None
    count: int = 1

    @property
    def fixable(self) -> bool:
        return self.kind in FIXABLE

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "path": self.path, "line": self.line,
                "count": self.count, "message": self.message, "hint": self.hint,
                "fixable": self.fixable}


def relative(root: Path, path: Path) -> str:
    """``path`` relative to the project root, with '/' separators."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
