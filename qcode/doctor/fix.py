"""``qcode check --fix``: only what is safe and cannot lose anything.

- finish an interrupted ``ingest --replace`` (re-anchoring is idempotent);
- remove temp files of killed writes (untouched for 10 minutes: no live writer holds one);
- add qcode's lines to the ``.gitignore`` (nothing else in it changes);
- move a document file a killed ``docs rename``, ``remove`` or ``restore`` left behind;
- add qcode's union-merge lines to the ``.gitattributes``;
- settle git conflict markers in a coder log by keeping both sides, when every line of
  both is a readable event (both sides are appends);
- accept a coder log that is no longer an append of what this machine read (the finding
  said what is gone; git's history still has it).

An interrupted import needs the options it was given, and everything else (a damaged
line, a conflict marker, an orphaned coding) needs a person: those are only reported.
"""

from __future__ import annotations

from qcode._io.atomic import write_text
from qcode._io.gitattributes import ensure_gitattributes
from qcode._io.gitignore import gitignore_text
from qcode._io.leftovers import sweep_project
from qcode._io.nofollow import read_nofollow
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
        elif p.kind == "rewritten_log":
            done += accept_log(project, p.path)
    after = check_project(project)
    return CheckReport(after.problems, tuple(done))
