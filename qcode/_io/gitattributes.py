"""The ``.gitattributes`` that lets git merge a project's append-only logs by itself.

Coder logs, decision logs, memo logs, the codebook's change log and the documents log only
ever gain lines. Declared with git's built-in ``union`` merge driver, two people's new lines
are both kept when they pull, with no conflict to settle by hand; qcode reads such a log
the same whatever order the merge left its lines in (:mod:`qcode.coding.order`).
``qcode init`` writes the file and ``qcode check --fix`` adds the lines an older project
lacks; nothing else in the file is changed.
"""

from __future__ import annotations

from pathlib import Path

from qcode._io.atomic import write_text
from qcode._io.nofollow import read_nofollow

#: the append-only logs of a project (paths from its root), merged by keeping both sides
UNION_LOGS = ("codings/*.jsonl", "reconciliations/*.jsonl", "memos/*.jsonl",
              "codebook.log.jsonl", "documents.log.jsonl")
ATTRIBUTES = tuple(f"{path} merge=union" for path in UNION_LOGS)
HEADER = ("# qcode: append-only logs; git merges them keeping the lines of both sides "
          "(no conflicts)")


def gitattributes_text(existing: str) -> str | None:
    """``existing`` with the missing lines of :data:`ATTRIBUTES` added (None: nothing
    missing). A line is there when its path has ``merge=union`` among its attributes.

    >>> gitattributes_text("") == HEADER + "\\n" + "".join(a + "\\n" for a in ATTRIBUTES)
    True
    """
    have = set()
    for line in existing.splitlines():
        parts = line.split()
        if parts and "merge=union" in parts[1:]:
            have.add(parts[0])
    missing = [f"{path} merge=union" for path in UNION_LOGS if path not in have]
    if not missing:
        return None
    head = existing if not existing or existing.endswith("\n") else existing + "\n"
    if HEADER not in existing:
        head += HEADER + "\n"
    return head + "".join(line + "\n" for line in missing)


def ensure_gitattributes(folder: Path) -> bool:
    """Give ``folder``'s ``.gitattributes`` the lines of :data:`ATTRIBUTES` it lacks;
    whether it changed."""
    target = Path(folder) / ".gitattributes"
    try:
        existing = read_nofollow(target).decode("utf-8")
    except FileNotFoundError:
        existing = ""
    text = gitattributes_text(existing)
    if text is None:
        return False
    write_text(target, text)
    return True
