"""``qcode check --fix``: only what is safe and cannot lose anything.

- finish an interrupted ``ingest --replace`` (re-anchoring is idempotent);
- remove temp files of killed writes (untouched for 10 minutes: no live writer holds one);
- add qcode's lines to the ``.gitignore`` (nothing else in it changes);
- move a document file a killed ``docs rename``, ``remove`` or ``restore`` left behind;
- add qcode's union-merge lines to the ``.gitattributes``;
- settle git conflict markers in a coder log by keeping both sides, when every line of
  both is a readable event (both sides are appends).

An interrupted import needs the options it was given, and everything else (a damaged
line, a conflict marker, an orphaned coding) needs a person: those are only reported. A
coder log that lost lines this machine had read is left reported too: accepting it
silences a data-loss warning, so it is done only when asked for by name
(:func:`accept_lost_lines`, ``qcode check --accept-lost-lines --coder NAME``), never as a
side effect of ``--fix`` run for another finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qcode._io.atomic import write_text
from qcode._io.gitattributes import ensure_gitattributes
from qcode._io.gitignore import gitignore_text
from qcode._io.leftovers import sweep_project
from qcode._io.nofollow import read_nofollow
from qcode.coding.store import load_state, log_path
from qcode.doctor.logs import accept_log, settle_conflict
from qcode.doctor.problem import relative
from qcode.doctor.run import CheckReport, check_project
from qcode.documents.moves import finish_moves
from qcode.ingest.replace import finish_pending as finish_replaces
from qcode.project import DATA_FOLDERS, Project


def fix_project(project: Project) -> CheckReport:
    """Do the safe repairs, then check again: the report lists what is left and, in
    ``fixed``, one line per thing done."""
    before = check_project(project)
    kinds = {p.kind for p in before.problems}
    done: list[str] = []
    if "pending_rename" in kinds:
        for moved in finish_moves(project):
            done.append(f"finished moving {moved}")
    if "pending_replace" in kinds:
        for report in finish_replaces(project):
            done.append(f"finished re-anchoring the codings of {report.doc}")
    if "temp_file" in kinds:
        for path in sweep_project(project.root, DATA_FOLDERS):
            done.append(f"removed the leftover temp file {relative(project.root, path)}")
    if "gitignore" in kinds:
        ignore = project.root / ".gitignore"
        existing = read_nofollow(ignore).decode("utf-8") if ignore.exists() else ""
        text = gitignore_text(existing)
        if text is not None:
            write_text(ignore, text)
            done.append("added qcode's machine-local patterns to .gitignore")
    if "gitattributes" in kinds and ensure_gitattributes(project.root):
        done.append("declared qcode's append-only logs to git's union merge in "
                    ".gitattributes (commit it)")
    for p in before.problems:
        if p.kind == "log_conflict":
            done += settle_conflict(project, p.path)
    after = check_project(project)
    return CheckReport(after.problems, tuple(done))


@dataclass(frozen=True)
class Accepted:
    """What :func:`accept_lost_lines` did: one line per log accepted (``done``), and the
    logs of the coders named that had lost nothing (``nothing_lost``, paths)."""

    done: tuple[str, ...]
    nothing_lost: tuple[str, ...]


def accept_lost_lines(project: Project, coders: Sequence[str]) -> Accepted:
    """Take the log of each of ``coders`` that lost lines this machine had read as it is
    now, so the finding goes (what it lost is still in git's history). A log that lost
    nothing is left as it is. An unknown coder is refused (NotFoundError) before anything
    is accepted."""
    paths = [log_path(project, c) for c in coders]
    done: list[str] = []
    nothing: list[str] = []
    for coder, path in zip(coders, paths, strict=True):
        rel = relative(project.root, path)
        if load_state(project, coder).not_append is None:
            nothing.append(rel)
        else:
            done += accept_log(project, rel)
    return Accepted(tuple(done), tuple(nothing))
