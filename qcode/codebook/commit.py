"""Make a codebook change durable: the log line first, then the rewritten ``codebook.yaml``.

Under the codebook lock, :func:`commit` finishes any change a kill interrupted, plans the
new change on the codebook as it is now, checks that the rewritten YAML is still a valid
codebook, appends the event (with the SHA-256 of the YAML before and after) with fsync,
and only then replaces the YAML atomically. A kill between the two leaves a log whose last
YAML-changing event has ``yaml_before`` equal to the file's hash: :func:`finish_pending`
(run by the next command that opens the codebook) redoes that one rewrite. A YAML edited
by hand afterwards matches neither hash and is left alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tomllib
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode.codebook.changes import Change
from qcode.codebook.history import (
    YAML_OPS,
    CodeMap,
    append_event,
    digest,
    fold,
    locked,
    log_path,
    read_history,
    who,
)
from qcode.codebook.load import check_text
from qcode.codebook.yaml_edit import rewrite
from qcode.errors import CodebookError, UsageError, WriteFailedError
from qcode.models import Codebook

#: fault injection for the crash tests: ``after-log`` kills the process (SIGKILL) between
#: the log append and the YAML rewrite
FAULT_ENV = "QCODE_CODEBOOK_FAULT"

Planner = Callable[[Codebook, CodeMap], Change]


def editors(root: Path) -> list[str] | None:
    """``[codebook] editors`` of qcode.toml: the people who may change the codebook (None:
    everyone)."""
    try:
        data = tomllib.loads(read_nofollow(root / "qcode.toml").decode("utf-8"))
    except (OSError, ValueError):
        return None
    table = data.get("codebook")
    names = table.get("editors") if isinstance(table, dict) else None
    if not isinstance(names, list) or not names:
        return None
    return [str(n) for n in names]


def may_edit(root: Path, person: str) -> bool:
    allowed = editors(root)
    return allowed is None or person in allowed


def require_editor(root: Path, person: str) -> None:
    allowed = editors(root)
    if allowed is not None and person not in allowed:
        raise UsageError(f"{person} may not change the codebook (qcode.toml [codebook] "
                         f"editors: {', '.join(allowed)})",
                         hint="propose a new code instead (qcode codebook add), or ask "
                              f"{allowed[0]} to make the change")


def _codebook(text: str, path: Path) -> Codebook:
    result = check_text(text, str(path))
    if result.codebook is None:
        first = result.errors[0] if result.errors else "not a codebook"
        raise CodebookError(f"the codebook cannot be changed while it has problems: {first}",
                            hint="fix them first: qcode codebook check")
    return result.codebook


def _read(path: Path) -> bytes:
    try:
        return read_nofollow(path)
    except FileNotFoundError:
        raise CodebookError(f"{path} is missing",
                            hint="restore it from a backup or git") from None


def _last_yaml_event(events: tuple[dict[str, Any], ...]) -> dict[str, Any] | None:
    for ev in reversed(events):
        if ev.get("op") in YAML_OPS and ev.get("yaml_before") != ev.get("yaml_after"):
            return ev
    return None


def _finish_locked(root: Path, yaml_path: Path) -> dict[str, Any] | None:
    last = _last_yaml_event(read_history(root).events)
    if last is None:
        return None
    data = _read(yaml_path)
    if digest(data) != last.get("yaml_before"):
        return None  # done, or the file was edited by hand since: left as it is
    atomic.write_bytes(yaml_path, rewrite(data.decode("utf-8"), last, str(yaml_path))
                       .encode("utf-8"))
    return last


def finish_pending(root: Path, yaml_path: Path) -> dict[str, Any] | None:
    """Redo the YAML rewrite of the last change if a kill stopped it (the event that was
    finished, or None). Costs one small read when there is no log; a project that cannot
    be written (a read-only copy) is left as it is."""
    if not log_path(root).exists():
        return None
    last = _last_yaml_event(read_history(root).events)
    if last is None:
        return None
    try:
        if digest(_read(yaml_path)) != last.get("yaml_before"):
            return None
    except CodebookError:
        return None
    # a copy that cannot be written (read-only, full disk) is read as it is: the codings of
    # the unfinished change are then named as left out, never silently dropped
    with contextlib.suppress(OSError, WriteFailedError), locked(root):
        return _finish_locked(root, yaml_path)
    return None


def commit(root: Path, yaml_path: Path, plan: Planner, *, why: str | None = None,
           by: str | None = None) -> dict[str, Any]:
    """Plan a change on the codebook as it is now and make it durable; return the event."""
    with locked(root):
        _finish_locked(root, yaml_path)
        before = _read(yaml_path)
        text = before.decode("utf-8")
        cb = _codebook(text, yaml_path)
        change = plan(cb, fold(read_history(root).events))
        after = text
        if change["op"] in YAML_OPS:
            after = rewrite(text, change, str(yaml_path))
            result = check_text(after, str(yaml_path))
            if result.errors:
                raise CodebookError(f"the change would leave {yaml_path.name} invalid: "
                                    f"{result.errors[0]}; nothing was changed",
                                    hint="check the names and ids you gave")
        event: dict[str, Any] = {
            "id": uuid.uuid4().hex[:12],
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "by": by or who(), **change}
        if why:
            event["why"] = why
        data = after.encode("utf-8")
        event["yaml_before"], event["yaml_after"] = digest(before), digest(data)
        append_event(root, event)
        if os.environ.get(FAULT_ENV) == "after-log":
            os.kill(os.getpid(), signal.SIGKILL)
        if data != before:
            atomic.write_bytes(yaml_path, data)
    return event


def summary(event: Mapping[str, Any]) -> str:
    """One line saying what an event did (history, and the commands' confirmations)."""
    op = event.get("op")
    code = event.get("code")
    new = event.get("new_code") or {}
    if op == "add":
        return f"added {new.get('id')} '{new.get('name')}' ({new.get('theme')} x " \
               f"{new.get('level')})"
    if op == "propose":
        return f"proposed {new.get('id')} '{new.get('name')}' ({new.get('theme')} x " \
               f"{new.get('level')}) [proposal {event.get('id')}]"
    if op == "edit":
        return f"edited {code}: {', '.join(sorted(event.get('fields') or {}))}"
    if op == "rename":
        parts = []
        if event.get("new_id"):
            parts.append(f"id {code} -> {event['new_id']}")
        if event.get("name"):
            parts.append(f"name -> '{event['name']}'")
        return f"renamed {code}: {'; '.join(parts)}"
    if op == "move":
        moved = f"moved {code} to {event.get('theme')} x {event.get('level')}"
        return moved + (f" as {event['new_id']}" if event.get("new_id") else "")
    if op == "merge":
        return f"merged {', '.join(event.get('codes') or ())} into {event.get('into')}"
    if op == "split":
        into = [c["id"] if isinstance(c, dict) else str(c) for c in event.get("parts") or ()]
        return f"split {code} into {', '.join(into)} (codings wait to be re-assigned)"
    if op == "retire":
        return f"retired {code}"
    if op == "accept":
        return f"accepted proposal {event.get('proposal')}: added {new.get('id')} " \
               f"'{new.get('name')}'"
    if op == "merge_proposal":
        return f"merged proposal {event.get('proposal')} ({code}) into {event.get('into')}"
    if op == "reject":
        return f"rejected proposal {event.get('proposal')} ({code})"
    return str(op)
