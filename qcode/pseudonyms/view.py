"""The pseudonymised view of a project: what every output is made from.

:func:`pseudonymised` writes a throw-away copy of the project into a private temporary
folder, with every document's text, title, source name, speaker labels and attribute
values rewritten, every coding's, memo's and decision's span moved onto the same words of
the new text (and its quote taken from there), memo text, the registry and the codebook
rewritten, and hands out a :class:`~qcode.project.Project` on it. The exporters read that
project exactly as they read the real one, so none of them needs to know about pseudonyms;
the copy is deleted when the ``with`` block ends. The table itself is never copied.

The documents and logs are rewritten as JSON, without building models: the exporter
validates what it reads, once, as it does for the real project.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode._io.nofollow import read_nofollow
from qcode.documents.log import DocMap, document_map
from qcode.errors import ProjectDamagedError
from qcode.memos.log import FOLDER as MEMOS_FOLDER
from qcode.project import SETTINGS_FILE, Project, damaged_document_hint
from qcode.pseudonyms.rewrite import Match, OffsetMap, Rewriter, apply_matches
from qcode.pseudonyms.table import TABLE_FILE, load
from qcode.registry.table import project_path as registry_path

#: keys of log events whose string values are free text (rewritten, no offsets)
TEXT_KEYS = frozenset({"quote", "memo", "text", "note", "body", "comment", "reason",
                       "title", "speaker"})
#: top-level files of a project that hold no participant data (copied as they are)
_COPIED = (SETTINGS_FILE, "codebook.log.jsonl", "documents.log.jsonl", "sets.json")


@dataclass
class Rewritten:
    """One document's old and new text and where the old offsets went."""

    old: str
    new: str
    offsets: OffsetMap


@dataclass
class ViewReport:
    """What the view rewrote, and the names it had to leave (they straddle a segment or
    turn boundary, so replacing them would tear the segment apart)."""

    documents: int = 0
    replacements: int = 0
    left: dict[str, int] = field(default_factory=dict)


def _boundaries(raw: dict[str, Any]) -> list[int]:
    cuts: set[int] = set()
    for part in ("turns", "segments"):
        for item in raw.get(part) or ():
            if isinstance(item, dict):
                cuts.update(v for v in (item.get("start"), item.get("end"))
                            if isinstance(v, int))
    return sorted(cuts)


def _torn(m: Match, cuts: list[int]) -> bool:
    i = bisect_right(cuts, m.start)
    return i < len(cuts) and cuts[i] < m.end


def rewrite_text(rw: Rewriter, text: str, cuts: list[int], report: ViewReport,
                 doc_id: str) -> Rewritten:
    """``text`` rewritten, except matches that a boundary in ``cuts`` falls inside."""
    found = rw.matches(text)
    matches = [m for m in found if not _torn(m, cuts)]
    if len(matches) < len(found):
        report.left[doc_id] = len(found) - len(matches)
    new, offsets = apply_matches(text, matches)
    report.replacements += len(matches)
    return Rewritten(text, new, offsets)


def rewrite_document(raw: dict[str, Any], rw: Rewriter, report: ViewReport
                     ) -> Rewritten | None:
    """Rewrite a document's JSON in place; its texts, or None when it has no text."""
    text = raw.get("text")
    if not isinstance(text, str):
        return None
    done = rewrite_text(rw, text, _boundaries(raw), report, str(raw.get("id")))
    raw["text"] = done.new
    if done.offsets.changed and raw.get("sha256"):  # the real file's hash would let anyone
        # holding a guess of the real transcript confirm it: the rewritten text's instead
        raw["sha256"] = hashlib.sha256(done.new.encode("utf-8")).hexdigest()
    om = done.offsets
    for part in ("turns", "segments"):
        for item in raw.get(part) or ():
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
                item["start"], item["end"] = om.start(item["start"]), om.end(item["end"])
            if isinstance(item.get("speaker"), str):
                item["speaker"] = rw.replace(item["speaker"])
    for key in ("title", "source_name"):
        if isinstance(raw.get(key), str):
            raw[key] = rw.replace(raw[key])
    for key in ("attributes", "original_speakers"):
        values = raw.get(key)
        if isinstance(values, dict):
            raw[key] = {k: rw.replace(v) if isinstance(v, str) else v
                        for k, v in values.items()}
    return done


def rewrite_event(ev: Any, rw: Rewriter, texts: Callable[[str], Rewritten | None]) -> Any:
    """A log event (any JSON) with its spans moved and its free text rewritten."""
    if isinstance(ev, list):
        return [rewrite_event(v, rw, texts) if isinstance(v, dict | list) else v for v in ev]
    if not isinstance(ev, dict):
        return ev
    out = dict(ev)  # the event's own key order
    quoted = False
    doc, start, end = ev.get("doc"), ev.get("start"), ev.get("end")
    if isinstance(doc, str) and isinstance(start, int) and isinstance(end, int):
        done = texts(doc)
        if done is not None and done.offsets.changed:
            new_start, new_end = done.offsets.start(start), done.offsets.end(end)
            out["start"], out["end"] = new_start, new_end
            quote = ev.get("quote")
            if isinstance(quote, str) and done.old[start:end] == quote:
                out["quote"] = done.new[new_start:new_end]
                quoted = True
    for key, value in ev.items():
        if key in TEXT_KEYS and isinstance(value, str):
            if not (quoted and key == "quote"):
                out[key] = rw.replace(value)
        elif isinstance(value, dict | list):
            out[key] = rewrite_event(value, rw, texts)
    return out


def _rewrite_log(src: Path, dst: Path, rw: Rewriter,
                 texts: Callable[[str], Rewritten | None]) -> None:
    lines = []
    for line in read_nofollow(src).splitlines(keepends=True):
        try:
            ev = json.loads(line)
        except ValueError:
            lines.append(line)  # a damaged line stays damaged: the reader reports it
            continue
        body = json.dumps(rewrite_event(ev, rw, texts), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        lines.append(body + (b"\n" if line.endswith(b"\n") else b""))
    dst.write_bytes(b"".join(lines))


def _logs(folder: Path) -> list[Path]:
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(p for p in folder.glob("*.jsonl") if p.is_file() and not p.is_symlink())


def build_view(project: Project, rw: Rewriter, into: Path) -> ViewReport:
    """Write the pseudonymised copy of ``project`` into the empty folder ``into``."""
    report = ViewReport()
    for name in _COPIED:
        src = project.root / name
        if src.is_file() and not src.is_symlink():
            shutil.copyfile(src, into / name)
    where = Path(project.settings.codebook)
    if not where.is_absolute() and ".." not in where.parts:  # else the view reads it there
        (into / where).parent.mkdir(parents=True, exist_ok=True)
        if project.codebook_path.is_file():
            (into / where).write_text(rw.replace(read_nofollow(
                project.codebook_path).decode("utf-8")), encoding="utf-8")
    docs_out = into / "documents"
    docs_out.mkdir()
    texts: dict[str, Rewritten | None] = {}
    for doc_id in project.document_ids():
        path = project.document_path(doc_id)
        try:
            raw = json.loads(read_nofollow(path))
        except ValueError:
            raw = None
        if not isinstance(raw, dict):  # named here, by its real path, not the copy's
            raise ProjectDamagedError(f"{path}: not a valid qcode document",
                                      hint=damaged_document_hint(doc_id))
        texts[doc_id] = rewrite_document(raw, rw, report)
        report.documents += 1
        (docs_out / f"{doc_id}.json").write_text(json.dumps(raw, ensure_ascii=False),
                                                 encoding="utf-8")
    moves: DocMap = document_map(project)

    def text_of(doc: str) -> Rewritten | None:
        return texts.get(moves.current(doc))

    for folder in ("codings", "reconciliations", MEMOS_FOLDER):
        logs = _logs(project.root / folder)
        (into / folder).mkdir()
        for log in logs:
            _rewrite_log(log, into / folder / log.name, rw, text_of)
    registry = registry_path(project.root).parent
    if registry.is_dir() and not registry.is_symlink():
        (into / registry.name).mkdir(exist_ok=True)
        for src in sorted(registry.iterdir()):
            if src.is_file() and not src.is_symlink() and not src.name.startswith("."):
                (into / registry.name / src.name).write_text(
                    rw.replace(src.read_text(encoding="utf-8")), encoding="utf-8")
    return report


PREFIX = "qcode-pseudonymised-"
OWNER = ".owner-pid"
#: a view folder younger than this without its owner's pid may be in the making
FRESH_SECONDS = 60.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_views(folder: Path | None = None) -> list[Path]:
    """Delete the views that killed commands left (their process is gone), so no copy of
    the transcripts outlives the command that made it; the folders removed."""
    base = Path(folder or tempfile.gettempdir())
    gone = []
    for old in base.glob(PREFIX + "*"):
        try:
            info = old.lstat()
        except OSError:
            continue
        if not old.is_dir() or old.is_symlink() or info.st_uid != os.getuid():
            continue
        try:
            pid = int((old / OWNER).read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            pid = 0
        if pid and _alive(pid):
            continue
        if not pid and time.time() - info.st_mtime < FRESH_SECONDS:
            continue  # just made: its owner is about to write its pid
        shutil.rmtree(old, ignore_errors=True)
        gone.append(old)
    return gone


@contextmanager
def pseudonymised(project: Project, rw: Rewriter | None = None
                  ) -> Iterator[tuple[Project, ViewReport | None]]:
    """``(view, report)``: the pseudonymised project while the block runs, or the project
    itself and None when its table is empty. The copy lives in a private temporary folder
    (mode 0700) deleted when the block ends; one a killed command left is deleted by the
    next view."""
    rw = rw if rw is not None else Rewriter(load(project))
    if rw.empty:
        yield project, None
        return
    sweep_stale_views()
    into = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        (into / OWNER).write_text(str(os.getpid()), encoding="ascii")
        report = build_view(project, rw, into)
        assert not (into / TABLE_FILE).exists()
        yield Project(into), report
    finally:
        shutil.rmtree(into, ignore_errors=True)
