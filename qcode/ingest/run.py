"""Transcript files -> Documents in the project (decode, read turns, lay out, segment, save).

The library entry points:

- :func:`read_document` turns one file's bytes into a :class:`~qcode.models.Document`
  without touching any project;
- :func:`ingest` walks files and folders, applies attributes, enforces the re-ingest rules
  and saves documents; it returns an :class:`IngestReport` (what was added, left unchanged,
  updated or replaced, and which files failed and why) and never prints.

Re-ingest rules (segmentation is frozen at ingest):

- the same bytes under an existing id: nothing is re-read; only attributes given now are
  merged in (status ``unchanged`` or ``updated``);
- other bytes under an existing id: refused (ConflictError) unless ``replace=True``; then
  the new version is saved and every coder's codings on it are re-anchored here (status
  ``replaced``, the :class:`~qcode.ingest.reanchor.ReanchorReport` in ``outcome.reanchor``;
  the crash-safe order is in :mod:`qcode.ingest.replace`);
- the same bytes with another ``unit`` and ``replace=True``: the document is segmented
  again and its codings are re-anchored onto the new segments (without ``replace`` the
  segmentation stays frozen: ``unchanged``);
- a damaged ``documents/<id>.json`` under ``replace=True``: a copy of it is set aside
  (``outcome.set_aside``) and the codings are re-anchored by their quotes alone.

The whole run holds the project lock exclusively (:mod:`qcode._io.project_lock`): coding
commands wait meanwhile, and two replaces of one document run one after the other.
"""

from __future__ import annotations

import gc
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qcode import formats
from qcode._io import limits
from qcode._io.leftovers import sweep_temp_files
from qcode._io.project_lock import changing_text
from qcode._io.textfile import read_user_bytes
from qcode.documents.log import document_map
from qcode.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ProjectDamagedError,
    QcodeError,
    UsageError,
)
from qcode.index.documents import remember_saved
from qcode.ingest import replace as replacing
from qcode.ingest.attributes import AttributeTable, check_known, read_table, use_project_names
from qcode.ingest.decoding import decode, more_characters_than
from qcode.ingest.reanchor import ReanchorReport
from qcode.ingest.segmentation import UNITS, layout
from qcode.ingest.walk import Found, find_files
from qcode.models import Document
from qcode.project import DOC_ID_RE, Project

Status = Literal["added", "unchanged", "updated", "replaced"]
_ID_JUNK = re.compile(r"[^A-Za-z0-9_.-]+")
#: threads that save documents while the next file is parsed (saving waits on fsync)
SAVE_THREADS = 4
#: saved documents given to the read index at once (one transaction each)
INDEX_BATCH = 200


@dataclass(frozen=True)
class DocumentSummary:
    """What a report says of an ingested document (kept when the document itself is not)."""

    id: str
    format: str
    turns: int
    speakers: tuple[str, ...]
    segments: int


@dataclass
class Outcome:
    """One file that was ingested (or found already there).

    With ``IngestOptions(keep_documents=False)`` (``qcode ingest``) ``document`` is held
    only until it is saved (a replaced one, with its ``previous``, for its re-anchoring;
    an updated one's ``previous`` is let go with it); after that it is read back from the
    project when asked for, so a run over thousands of files does not hold them all (at
    10,000 transcripts: 2.5 GB). ``summary`` is always at hand."""

    path: Path
    status: Status
    held: Document | None
    previous: Document | None = None
    warnings: list[str] = field(default_factory=list)
    #: how the codings on a replaced document were re-anchored (None: no coder logs)
    reanchor: ReanchorReport | None = None
    #: where a copy of a damaged document that was replaced was kept
    set_aside: Path | None = None
    damaged: bool = False
    summary: DocumentSummary = field(init=False)
    _saved_in: Project | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        doc = self.held
        assert doc is not None  # an outcome is made with its document
        self.summary = DocumentSummary(doc.id, doc.format, len(doc.turns),
                                       tuple(doc.speakers), len(doc.segments))

    @property
    def doc_id(self) -> str:
        return self.summary.id

    @property
    def document(self) -> Document:
        """The document (read from the project once it was saved and let go)."""
        if self.held is not None:
            return self.held
        assert self._saved_in is not None  # only a saved document is let go
        return self._saved_in.load_document(self.summary.id)

    def let_go(self, project: Project) -> None:
        """Stop holding the document, which is in ``project`` as it is here (and the
        version an attribute update replaced)."""
        self._saved_in, self.held, self.previous = project, None, None


@dataclass
class Failure:
    """One path that could not be ingested, with the reason."""

    path: Path
    error: QcodeError


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    #: what the walk found: files taken, skipped (with reasons), excluded, links
    found: Found = field(default_factory=Found)
    #: re-anchorings of earlier, interrupted replaces that this run finished first
    finished: list[ReanchorReport] = field(default_factory=list)

    @property
    def skipped(self) -> list[Path]:
        """Files in walked folders that were not taken (hidden, Word lock files, other
        extensions); ``found.skipped`` has the reasons."""
        return [p for p, _ in self.found.skipped]

    @property
    def excluded(self) -> list[Path]:
        """Files (and folders) an ``--exclude`` pattern left out."""
        return [p for p, _ in self.found.excluded]

    @property
    def links(self) -> list[Path]:
        """Symbolic links (to files or folders) in walked folders: never followed."""
        return self.found.links

    @property
    def replaced(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "replaced"]


@dataclass(frozen=True)
class IngestOptions:
    """What ``qcode ingest`` was asked to do beyond the paths."""

    fmt: str = "auto"
    unit: str | None = None  # None: the project's default unit
    attributes: dict[str, str] = field(default_factory=dict)
    attributes_csv: Path | None = None
    doc_id: str | None = None
    replace: bool = False
    #: glob patterns of files (and folders) to leave out (:mod:`qcode.ingest.walk`)
    exclude: tuple[str, ...] = ()
    #: hold every document in the report (False: each is let go once saved, and
    #: ``outcome.document`` reads it back from the project; a replaced one is always held)
    keep_documents: bool = True


# ------------------------------------------------------------------ ids and paths


def doc_id_for(path: Path) -> str:
    """The document id from a file name: the stem, with runs of other characters as ``-``.

    Letters with accents keep their base letter, and æ ø å ß become ae o a ss, so no letter
    of a name is lost.

    >>> doc_id_for(Path("N01 national.docx")), doc_id_for(Path("GMT2024_Rec.transcript.vtt"))
    ('N01-national', 'GMT2024_Rec.transcript')
    >>> doc_id_for(Path("Intervju 3 – Ålesund, Tromsø (Bærum, café).txt"))
    'Intervju-3-Alesund-Tromso-Baerum-cafe'
    """
    stem = path.stem.translate(_LETTERS)
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return _ID_JUNK.sub("-", stem).strip("-.")[:64]


_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d",
                          "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "œ": "oe",
                          "Œ": "Oe"})



# ------------------------------------------------------------------ one document


def read_document(data: bytes, *, source: str, doc_id: str, fmt: str = "auto",
                  unit: str = "turn", attributes: dict[str, str] | None = None,
                  sha256: str | None = None) -> tuple[Document, list[str]]:
    """Bytes of one transcript file -> (Document, warnings). ``source`` is its file name;
    ``sha256`` the digest of ``data`` if the caller has it already."""
    if unit not in UNITS:
        raise UsageError(f"unknown segmentation unit '{unit}'",
                         hint=f"choose one of: {', '.join(UNITS)}")
    if not DOC_ID_RE.match(doc_id):
        raise UsageError(f"{source}: '{doc_id}' is not a valid document id",
                         hint="pass --id with letters, digits, '_', '-' or '.' "
                              "(at most 64 characters)")
    reader = formats.detect(source, data[:8192]) if fmt == "auto" else formats.by_name(fmt)
    if reader.binary:
        if not data:
            raise InvalidInputError(f"{source}: the file is empty; nothing was ingested")
        parsed = reader.read_bytes(data, source)
        encoding = "docx"
    else:
        if more_characters_than(data, limits.current().bytes("max_transcript_mb")):
            raise limits.too_large(source, "the transcript holds over "
                                   f"{limits.current().bytes('max_transcript_mb')} characters",
                                   "max_transcript_mb", NOTHING_INGESTED)
        decoded = decode(data, source)
        cues = decoded.text.count("-->") if reader.name in ("vtt", "srt") else 0
        # a cue starts at most one segment
        limits.check_transcript(source, NOTHING_INGESTED, chars=len(decoded.text), segments=cues)
        parsed = reader.read_text(decoded.text, source)
        encoding = decoded.encoding
    limits.check_transcript(source, NOTHING_INGESTED, chars=sum(len(t.text) for t in parsed.turns),
                            segments=len(parsed.turns))
    pairs: list[tuple[str, str]] = []
    times: list[tuple[float | None, float | None]] = []
    for t in parsed.turns:
        body = t.text.strip()
        if body:
            pairs.append((t.speaker.strip() or "unknown", body))
            times.append((t.time_start, t.time_end))
    if not pairs:
        raise InvalidInputError(f"{source}: no transcript text found ({reader.name} format); "
                                "nothing was ingested",
                                hint="check the file, or pass --format to choose the reader")
    text, turns, segments = layout(doc_id, pairs, unit, times)
    longest = max(segments, key=lambda seg: seg["end"] - seg["start"], default=None)
    limits.check_transcript(source, NOTHING_INGESTED, segments=len(segments), longest=(
        (longest["id"], longest["end"] - longest["start"]) if longest else None))
    attrs = dict(parsed.attributes)
    attrs.update(attributes or {})
    name = Path(source).name
    doc = Document.model_validate({
        "id": doc_id, "title": parsed.title or Path(source).stem, "format": reader.name,
        "unit": unit, "attributes": attrs, "text": text, "turns": turns,
        "segments": segments, "sha256": sha256 or hashlib.sha256(data).hexdigest(),
        "source_name": name, "encoding": encoding})
    return doc, list(parsed.warnings)


# ------------------------------------------------------------------ many documents


def ingest(project: Project, paths: Iterable[Path], options: IngestOptions | None = None,
           advance: Callable[[], None] | None = None) -> IngestReport:
    """Ingest files and folders into ``project``; see the module docstring for the rules.

    Usage errors (``--id`` with several files, an attributes CSV naming an unknown
    document, ...) are raised before anything is written. Per-file problems are collected
    in the report, so one bad file never stops the others.
    """
    options = options or IngestOptions()
    paths = list(paths)
    if options.fmt != "auto":
        formats.by_name(options.fmt)
    unit = options.unit or project.settings.unit
    if unit not in UNITS:
        raise UsageError(f"unknown segmentation unit '{unit}'",
                         hint=f"choose one of: {', '.join(UNITS)}")
    found = find_files(paths, options.exclude)
    files = found.files
    report = IngestReport(failures=[_missing(p) for p in found.missing], found=found)
    sweep_stale_temp_files(project)
    if options.doc_id is not None and len(files) + len(report.failures) > 1:
        raise UsageError("--id names one document, but several files were given; nothing "
                         "was ingested", hint="ingest that file on its own with --id")
    ids = [options.doc_id or doc_id_for(p) for p in files]
    table: AttributeTable | None = None
    if options.attributes_csv is not None:
        table = read_table(options.attributes_csv)
        check_known(table, set(ids) | set(project.document_ids()))
        use_project_names(project, table)
    first_of: dict[str, Path] = {}
    with changing_text(project.root):  # coding writes wait; replaces run one at a time
        report.finished = replacing.finish_locked(project)
        with _collector_paused(), _Writer(project, report, options.keep_documents) as writer:
            for path, doc_id in zip(files, ids, strict=True):
                _attempt(project, path, doc_id, unit, table, options, first_of, report,
                         writer)
                if advance is not None:
                    advance()
        for o in report.replaced:  # saved: now their codings follow the new text
            o.reanchor = replacing.reanchor_replaced(project, o.previous, o.document)
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch.

    Ingest allocates tens of thousands of small, acyclic records (freed by reference
    counting anyway); the collector's repeated passes over them cost about a quarter of the
    time of a 200-file batch (measured in benchmarks/bench_ingest.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _attempt(project: Project, path: Path, doc_id: str, unit: str,
             table: AttributeTable | None, options: IngestOptions,
             first_of: dict[str, Path], report: IngestReport, writer: _Writer) -> None:
    """Ingest one file; its failure goes into the report."""
    try:
        if doc_id in first_of:
            raise ConflictError(
                f"{path}: its document id '{doc_id}' is also the id of {first_of[doc_id]} "
                "in this run; nothing was ingested from it",
                hint="rename one of the files, or ingest it on its own with --id")
        first_of[doc_id] = path
        attrs = dict(table.rows.get(doc_id, {})) if table else {}
        attrs.update(options.attributes)
        writer.add(_one(project, path, doc_id, unit, attrs, options))
    except QcodeError as exc:
        report.failures.append(Failure(path, exc))
    except OSError as exc:
        report.failures.append(Failure(path, _unreadable(path, exc)))


def _missing(path: Path) -> Failure:
    return Failure(path, NotFoundError(
        f"{path}: no such file or folder; nothing was ingested from it",
        hint="check the path (quote names with spaces)"))


def _unreadable(path: Path, exc: OSError) -> InvalidInputError:
    return InvalidInputError(f"{path}: cannot be read or written "
                             f"({exc.strerror or type(exc).__name__}); nothing was ingested "
                             "from it")


class _Writer:
    """Saves documents on a background thread while the next file is parsed.

    Saving is fsync-bound and releases the GIL, so this overlaps disk waits with parsing.
    Outcomes are appended to the report in input order once their file is safely written.
    """

    def __init__(self, project: Project, report: IngestReport, keep: bool = True) -> None:
        self.project = project
        self.report = report
        self.keep = keep
        self.pending: list[tuple[Outcome, Future[bytes] | None]] = []
        self.swept = 0  # pending[:swept]: settled (saved ones given to the index)
        self.to_index: list[tuple[Document, bytes]] = []
        self.pool = ThreadPoolExecutor(max_workers=SAVE_THREADS, thread_name_prefix="qcode-save")

    def __enter__(self) -> _Writer:
        return self

    def add(self, outcome: Outcome) -> None:
        """Keep ``outcome``; save its document unless it is unchanged.

        Before a replacement is saved, the old document is kept as a hidden "re-anchoring
        pending" file, so an interrupted ``--replace`` can still re-anchor its codings.
        """
        if outcome.status == "replaced" and outcome.previous is not None:
            replacing.mark_pending(self.project, outcome.previous)
        elif outcome.status == "replaced":  # over a damaged file
            outcome.set_aside = replacing.set_damaged_aside(self.project, outcome.doc_id)
        future = (None if outcome.status == "unchanged" else
                  self.pool.submit(self.project.save_document, outcome.document))
        self.pending.append((outcome, future))
        self._settle_saved()

    def _settle_saved(self, every: bool = False) -> None:
        """Settle the documents saved so far (in order, up to the first still being saved):
        each goes to the read index (in batches) and, unless the report keeps documents,
        is let go, since it is in the project now; a replaced one is kept for its
        re-anchoring. ``every``: the saving is over, so the last batch is indexed too."""
        while self.swept < len(self.pending):
            outcome, future = self.pending[self.swept]
            if future is not None and not future.done():
                break
            if future is not None and future.exception() is None:
                self.to_index.append((outcome.document, future.result()))
                self.pending[self.swept] = (outcome, None)  # saved: its bytes not kept
            if not self.keep and outcome.status != "replaced" and \
                    (future is None or future.exception() is None):
                outcome.let_go(self.project)
            self.swept += 1
        if self.to_index and (every or len(self.to_index) >= INDEX_BATCH):
            remember_saved(self.project, self.to_index)
            self.to_index = []

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)
        self._settle_saved(every=True)
        for outcome, future in self.pending:
            error = future.exception() if future is not None else None
            if error is None:
                self.report.outcomes.append(outcome)
            elif isinstance(error, QcodeError):
                self.report.failures.append(Failure(outcome.path, error))
            elif isinstance(error, OSError):
                self.report.failures.append(Failure(outcome.path,
                                                    _unreadable(outcome.path, error)))
            else:
                raise error


NOTHING_INGESTED = "; nothing was ingested"


def _one(project: Project, path: Path, doc_id: str, unit: str, attrs: dict[str, str],
         options: IngestOptions) -> Outcome:
    data = read_user_bytes(path, "a transcript", consequence=NOTHING_INGESTED)
    digest = hashlib.sha256(data).hexdigest()
    moved = document_map(project)  # codings under a former or archived id follow it
    if doc_id in moved.renamed:
        raise ConflictError(
            f"{path}: '{doc_id}' was the id of a document renamed to "
            f"{moved.renamed[doc_id]}; a former id is not used again; nothing was changed",
            hint="ingest it under another id with --id")
    if doc_id in moved.archived:
        raise ConflictError(
            f"{path}: a document '{doc_id}' is in the archive (qcode docs remove); nothing "
            "was changed", hint=f"bring it back with: qcode docs restore {doc_id}, or give "
                                "this one another id with --id")
    try:
        old = project.load_document(doc_id) if project.has_document(doc_id) else None
    except ProjectDamagedError:
        if not options.replace:
            raise
        old = None  # replaced below; its codings are re-anchored by their quotes
        damaged = True
    else:
        damaged = False
    resegment = options.replace and options.unit not in (None, getattr(old, "unit", None))
    if old is not None and old.sha256 == digest and not resegment:
        frozen = [] if options.unit in (None, old.unit) else [
            f"{path}: {doc_id} stays segmented by {old.unit} (segmentation is frozen); "
            f"pass --replace to segment it again by {options.unit}"]
        merged = {**old.attributes, **attrs}
        if merged == old.attributes:
            return Outcome(path, "unchanged", old, warnings=frozen)
        updated = old.model_copy(update={"attributes": merged})
        return Outcome(path, "updated", updated, previous=old, warnings=frozen)
    if old is not None and not options.replace:
        raise ConflictError(
            f"{path}: document '{doc_id}' is already ingested from different bytes; "
            "nothing was changed",
            hint="pass --replace to ingest the new version over it (its codings are "
                 "re-anchored), or --id to ingest it as a new document")
    doc, warnings = read_document(
        data, source=str(path), doc_id=doc_id, fmt=options.fmt,
        unit=options.unit or (old.unit if old is not None else unit),
        attributes={**(old.attributes if old is not None else {}), **attrs}, sha256=digest)
    return Outcome(path, "replaced" if old is not None or damaged else "added", doc,
                   previous=old, warnings=warnings, damaged=damaged)


def sweep_stale_temp_files(project: Project) -> int:
    """Remove half-written ``.<id>.json.*.tmp`` files that a killed save left behind (the
    document itself is whole or absent); the rule is :mod:`qcode._io.leftovers`' (older
    than 10 minutes, so a save running in another process keeps its own)."""
    return len(sweep_temp_files(project.documents_dir))
