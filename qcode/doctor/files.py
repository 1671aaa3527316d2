"""The folder itself: leftovers of killed runs, unfinished steps, links where data lives,
git conflict markers in files that are rewritten whole, and the ``.gitignore``."""

from __future__ import annotations

import os
import re
from pathlib import Path

from qcode._io.gitattributes import gitattributes_text
from qcode._io.gitignore import gitignore_text
from qcode._io.leftovers import stale_temp_files
from qcode._io.nofollow import read_nofollow
from qcode.doctor.problem import Problem, relative
from qcode.documents.log import LOG_NAME, document_map
from qcode.documents.moves import pending_moves
from qcode.documents.sets import SETS_FILE
from qcode.ingest.replace import pending_ids
from qcode.project import DATA_FOLDERS, SETTINGS_FILE, Project
from qcode.refiqda.import_write import MARKER, pending_import

#: the lines git writes around a conflict it could not merge
CONFLICT_LINE = re.compile(rb"^(<{7} |={7}$|>{7} )", re.MULTILINE)


def conflict_lines(data: bytes) -> list[int]:
    """The 1-based lines of ``data`` that start a git conflict marker.

    >>> conflict_lines(b"a: 1\\n<<<<<<< HEAD\\nb\\n=======\\nc\\n>>>>>>> main\\n")
    [2, 4, 6]
    """
    if b"<<<<<<< " not in data and b"=======" not in data and b">>>>>>> " not in data:
        return []  # the usual file: three plain searches, not a scan line by line
    return [data.count(b"\n", 0, m.start()) + 1 for m in CONFLICT_LINE.finditer(data)]


def rewritten_files(project: Project) -> list[Path]:
    """The project files qcode rewrites whole (``qcode.toml``, the codebook, ``sets.json``
    and the documents), where a git merge conflict leaves markers in the file."""
    files = [project.root / SETTINGS_FILE, project.codebook_path, project.root / SETS_FILE]
    files += [project.document_path(i) for i in project.document_ids()]
    return files


def conflict_markers(project: Project) -> list[Problem]:
    found = []
    for path in rewritten_files(project):
        try:
            data = read_nofollow(path)
        except OSError:
            continue  # a missing or unreadable file is reported where it is read
        lines = conflict_lines(data)
        if lines:
            found.append(Problem(
                "conflict_marker", relative(project.root, path),
                f"git conflict marker{'s' if len(lines) > 1 else ''} on line"
                f"{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}",
                "this file is the lead's: settle the merge by hand (keep the lines of one "
                "side between the markers, delete the marker lines), then git add and "
                "git commit it",
                line=lines[0], count=len(lines)))
    return found


def links(project: Project) -> list[Problem]:
    """Symbolic links anywhere inside the data folders (qcode never reads or writes through
    one, so what they point at is left out)."""
    found = []
    for name in DATA_FOLDERS:
        top = project.root / name
        if not top.is_dir() or top.is_symlink():
            continue
        for folder, dirs, files in os.walk(top):
            for entry in sorted(dirs + files):
                path = Path(folder) / entry
                if path.is_symlink():
                    found.append(Problem(
                        "symlink", relative(project.root, path),
                        "a symbolic link in a data folder (qcode does not follow it)",
                        "replace the link with the file itself, or remove it"))
    return found


def pending_steps(project: Project) -> list[Problem]:
    found = []
    if (pending := pending_import(project)) is not None:
        source = pending.get("file", "?")
        found.append(Problem(
            "pending_import", MARKER,
            f"an import of {source} into this project was interrupted",
            f"complete it with: qcode import qdpx {source} (with the options you gave it), "
            "or delete the marker to give it up"))
    dmap = document_map(project)
    for path in pending_moves(project, dmap):
        found.append(Problem(
            "pending_rename", path,
            "a document rename, removal or restore was interrupted before this file moved",
            "qcode check --fix finishes it (so does any other command)"))
    if dmap.unreadable:
        n = len(dmap.unreadable)
        found.append(Problem(
            "damaged_log", LOG_NAME,
            f"{n} unreadable line{'s' if n != 1 else ''} "
            f"({', '.join(map(str, dmap.unreadable))})",
            "repair or remove those lines", line=dmap.unreadable[0], count=n))
    for doc in pending_ids(project):
        found.append(Problem(
            "pending_replace", relative(project.root, project.document_path(doc)),
            f"the re-anchoring of {doc}'s codings after 'ingest --replace' was interrupted",
            "qcode check --fix finishes it (so does any other command)"))
    return found


def temp_files(project: Project) -> list[Problem]:
    found = []
    for folder in (project.root, *(project.root / n for n in DATA_FOLDERS)):
        for path in stale_temp_files(folder):
            found.append(Problem(
                "temp_file", relative(project.root, path),
                "the temp file of a write that was killed (untouched for 10 minutes)",
                "qcode check --fix removes it"))
    return found


def gitignore(project: Project) -> list[Problem]:
    path = project.root / ".gitignore"
    try:
        existing = read_nofollow(path).decode("utf-8")
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError):
        return [Problem("unreadable_file", ".gitignore", "cannot be read as UTF-8 text",
                        "fix or remove the file")]
    if gitignore_text(existing) is None:
        return []
    return [Problem("gitignore", ".gitignore",
                    "does not keep qcode's machine-local files (locks, checkpoints, temp "
                    "files) out of git",
                    "qcode check --fix adds the missing lines")]


def gitattributes(project: Project) -> list[Problem]:
    path = project.root / ".gitattributes"
    try:
        existing = read_nofollow(path).decode("utf-8")
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError):
        return [Problem("unreadable_file", ".gitattributes", "cannot be read as UTF-8 text",
                        "fix or remove the file")]
    if gitattributes_text(existing) is None:
        return []
    return [Problem("gitattributes", ".gitattributes",
                    "does not declare qcode's append-only logs to git's union merge (a pull "
                    "could then stop with conflicts in them)",
                    "qcode check --fix adds the missing lines; commit .gitattributes")]


def folder_problems(project: Project) -> list[Problem]:
    """Every finding about the folder (none of them reads a coding)."""
    return [*conflict_markers(project), *links(project), *pending_steps(project),
            *temp_files(project), *gitignore(project), *gitattributes(project)]
