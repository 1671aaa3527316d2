"""``qcode check --fix`` on coder logs: git conflict markers settled as a union of both
sides, and a log that is no longer an append accepted as it is now."""

from __future__ import annotations

from qcode._io.atomic import write_bytes
from qcode._io.locking import exclusive
from qcode._io.nofollow import read_nofollow
from qcode._io.project_lock import coding_write
from qcode.coding.conflicts import union_of_sides
from qcode.coding.continuity import accept, seen_path
from qcode.coding.log_file import lock_path
from qcode.project import Project


def settle_conflict(project: Project, rel: str) -> list[str]:
    """Rewrite the log at ``rel`` (relative to the project) with both sides of each
    conflict kept, under the coder's lock; what was done ([] when a side holds a line that
    is not a readable event, or the markers do not pair up: that needs a person)."""
    path = project.root / rel
    with coding_write(project.root), exclusive(lock_path(path)):
        merged = union_of_sides(read_nofollow(path))
        if merged is None:
            return []
        write_bytes(path, merged)
    return [f"kept both sides of the git conflict in {rel} (now: git add {rel} and "
            "git commit)"]


def accept_log(project: Project, rel: str) -> list[str]:
    """Take the coder log at ``rel`` as it is now as what this machine has read."""
    path = project.root / rel
    with exclusive(lock_path(path)):
        accept(seen_path(path), read_nofollow(path), path)
    return [f"accepted {rel} as it is now (what it lost is still in git's history)"]
