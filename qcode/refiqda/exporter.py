"""A project -> a ``.qdpx``: schema-valid, deterministic (stable GUIDs, sorted, fixed ZIP
timestamps, no creation times), so two exports of the same project are byte-identical.

Mapping: coders -> Users; the codebook -> CodeBook (see :mod:`.codebook_xml`) plus level
and codebook Sets; attributes -> Variables (Text) and one Case per document with its
VariableValues and a SourceRef (cases are how NVivo and QualCoder model interviewees, and
MAXQDA reads them too); documents -> TextSources with ``internal://<GUID>.txt`` in
``sources/`` (UTF-8, no BOM, LF or CRLF); each coded span (a whole segment, part of one,
or a stretch across segments) -> one PlainTextSelection at exactly the span (code points,
exclusive end, over the text as written) with one Coding per coder and code; memos (on
segments) -> Notes referenced from the segment's selection. The document's qcode structure
(title, turns, segments, provenance) rides in the TextSource Description trailer.
"""

from __future__ import annotations

import io
import json
import zipfile
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple
from xml.etree.ElementTree import Element

from qcode.coding.collector import collector_paused
from qcode.coding.fold import CoderState, SpanKey
from qcode.coding.store import coder_names, load_state, log_path
from qcode.coding.usable import Omissions, known_parts, omissions, usable_states
from qcode.models import Document
from qcode.outputs import write_output
from qcode.project import Project
from qcode.refiqda import xmlwrite as xw
from qcode.refiqda.codebook_xml import (
    ORIGIN,
    PROJECT_NS,
    XSI,
    code_guid,
    codes_element,
    export_tree,
    set_element,
    trailer_json,
    with_encoded_trailer,
)
from qcode.refiqda.guids import guid

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # also what zipfile gives an entry opened by name
QDE = "project.qde"
#: every entry's permissions (rw-r--r--)
ENTRY_MODE = 0o644 << 16
#: zlib's fastest level: a quarter of the default level's time on transcripts (0.09 s
#: against 0.38 s for 16 MB), for a file about a sixth larger (issue 19)
ZIP_LEVEL = 1


@dataclass
class ExportSummary:
    path: str
    coders: list[str]
    documents: int = 0
    codes: int = 0
    selections: int = 0
    codings: int = 0
    memos: int = 0
    skipped: list[str] = field(default_factory=list)
    #: unreadable log lines and codings of unknown codes, documents or segments, left out
    omissions: Omissions = field(default_factory=Omissions)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.path, "coders": self.coders, "documents": self.documents,
                "codes": self.codes, "selections": self.selections, "codings": self.codings,
                "memos": self.memos, "skipped": self.skipped}


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def doc_trailer(doc: Document) -> dict[str, Any]:
    return {"kind": "document", "id": doc.id, "title": doc.title, "format": doc.format,
            "unit": doc.unit, "sha256": doc.sha256, "source_name": doc.source_name,
            "encoding": doc.encoding,
            "turns": [[t.speaker, t.start, t.end, t.time_start, t.time_end]
                      for t in doc.turns],
            "segments": [[s.id, s.start, s.end, s.speaker, s.turn, s.time_start, s.time_end]
                         for s in doc.segments]}


@collector_paused()
def build_qdpx(project: Project, coders: list[str] | None = None,
               line_endings: str = "lf") -> tuple[bytes, ExportSummary]:
    """The ``.qdpx`` bytes for ``project`` (all coders unless ``coders`` is given).

    ``project.qde`` is written as text directly (:mod:`.xmlwrite`), the same characters
    ElementTree wrote from a tree of elements; only the codebook's small subtrees are
    still built as elements. It is compressed into the archive as it is written, a
    document at a time (deflate gives the same bytes however its input is cut), and each
    document is let go once written: the whole ``.qde`` is never held (76 MB at 2,000
    transcripts, held three times over: as pieces, joined, encoded)."""
    cb = project.codebook
    names = coders if coders else coder_names(project)
    summary = ExportSummary(path="", coders=list(names), codes=len(cb.codes))
    docs = _read_documents(project)
    # the segments of the documents just read: not looked up again (through the index,
    # which in a pseudonymised view's new folder would validate every document twice)
    known = known_parts(project, segments={d.id: frozenset(d.bounds) for d in docs})
    usable = usable_states(project, [load_state(project, c) for c in names], known=known)
    summary.omissions = omissions(usable)
    states = {st.coder: st for st in usable}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
        # an entry opened by name gets the archive's method and level and _ZIP_TIME
        with zf.open(QDE, "w") as qde:
            files = _write_qde(project, names, docs, states, line_endings == "crlf",
                               summary, qde)
        zf.getinfo(QDE).external_attr = ENTRY_MODE  # open() made it 0600
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ENTRY_MODE
            zf.writestr(info, files.pop(name), compresslevel=ZIP_LEVEL)
    return buf.getvalue(), summary


def _flush(out: list[str], sink: IO[bytes]) -> None:
    sink.write("".join(out).encode("utf-8"))
    out.clear()


def _write_qde(project: Project, names: list[str], docs: list[_Doc],
               states: dict[str, CoderState], crlf: bool, summary: ExportSummary,
               sink: IO[bytes]) -> dict[str, bytes]:
    """``project.qde`` into ``sink``; the texts of the sources (entry name -> bytes).
    Empties ``docs`` as it goes."""
    cb = project.codebook
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n' + xw.start_tag("Project", {
        "name": project.name, "origin": ORIGIN,
        "xsi:schemaLocation": f"{PROJECT_NS} Project.xsd", "xmlns": PROJECT_NS,
        "xmlns:xsi": XSI}) + ">"]
    if names:
        xw.open_(out, 1, "Users", {})
        for c in names:
            xw.leaf(out, 2, "User", {"guid": guid("coder", c), "name": c, "id": c})
        xw.close(out, 1, "Users")
    roots, sets = export_tree(cb)
    book = Element("CodeBook")
    book.append(codes_element(roots, PROJECT_NS))
    xw.subtree(out, 1, book)
    keys = sorted({k for d in docs for k in d.attributes})
    if keys:
        xw.open_(out, 1, "Variables", {})
        for k in keys:
            xw.leaf(out, 2, "Variable", {"guid": guid("variable", k), "name": k,
                                         "typeOfVariable": "Text"})
        xw.close(out, 1, "Variables")
    if docs:
        xw.open_(out, 1, "Cases", {})
        for d in docs:
            xw.open_(out, 2, "Case", {"guid": guid("case", d.id), "name": d.id})
            for k in sorted(d.attributes):
                xw.open_(out, 3, "VariableValue", {})
                xw.leaf(out, 4, "VariableRef", {"targetGUID": guid("variable", k)})
                xw.leaf(out, 4, "TextValue", {}, d.attributes[k])
                xw.close(out, 3, "VariableValue")
            xw.leaf(out, 3, "SourceRef", {"targetGUID": guid("document", d.id)})
            xw.close(out, 2, "Case")
        xw.close(out, 1, "Cases")
    _flush(out, sink)
    context = _Context(states, {c.id: code_guid(c.id) for c in cb.codes},
                       {c: guid("coder", c) for c in states}, crlf, summary)
    files: dict[str, bytes] = {}
    notes: list[str] = []
    marked = _segments_by_document(states)
    doc_ids = {d.id for d in docs}
    summary.documents = len(docs)
    if docs:
        xw.open_(out, 1, "Sources", {})
        docs.reverse()
        while docs:  # each document let go once it is written
            d = docs.pop()
            _source(d, context, marked.pop(d.id, {}), out, files, notes)
            _flush(out, sink)
        xw.close(out, 1, "Sources")
    if notes:
        xw.open_(out, 1, "Notes", {})
        out += notes
        xw.close(out, 1, "Notes")
    for coder, st in states.items():
        gone = sorted({doc for (doc, _) in st.codes if doc not in doc_ids})
        summary.skipped += [f"{coder}: codings on document {g}, which is not in the project"
                            for g in gone]
    sets_el = Element("Sets")
    for s in sets:
        sets_el.append(set_element(s, PROJECT_NS, "targetGUID"))
    xw.subtree(out, 1, sets_el)
    out.append("\n</Project>\n")
    _flush(out, sink)
    return files


@dataclass
class _Context:
    """What every source's selections look up: the coders' states, the GUIDs of the
    codebook's codes and of the coders (each computed once, not once per coding)."""

    states: dict[str, CoderState]
    code_guids: dict[str, str]
    coder_guids: dict[str, str]
    crlf: bool
    summary: ExportSummary


#: one coder's marks in one document: (first segment, (code, start, end)) of each span,
#: and the segments with a memo
Marks = tuple[list[tuple[str, SpanKey]], list[str]]


def _segments_by_document(states: dict[str, CoderState]) -> dict[str, dict[str, Marks]]:
    """document -> coder -> the spans the coder coded and the segments they wrote a memo
    on, built in one pass over every coder's state (scanning each state per document was
    quadratic)."""
    out: dict[str, dict[str, Marks]] = {}
    for coder, st in states.items():
        for (doc, seg), by_key in st.spans.items():
            out.setdefault(doc, {}).setdefault(coder, ([], []))[0].extend(
                (seg, k) for k in by_key)
        for doc, seg in st.memos:
            out.setdefault(doc, {}).setdefault(coder, ([], []))[1].append(seg)
    return out


Chosen = list[tuple[str, str, dict[str, tuple[list[str], str | None]]]]


def _selections(d: _Doc, cx: _Context, marked: dict[str, Marks]
                ) -> tuple[Chosen, list[int]]:
    """The selections of one document: (first segment, "" for a whole segment or
    "start-end", coder -> (codes, memo)) in order, and their offsets (code points)."""
    summary, known, by_id = cx.summary, cx.code_guids, d.bounds
    # (start, end, first segment) -> coder -> (codes, memo); a whole segment's span is
    # its segment's offsets (a coding made before spans has none)
    on: dict[tuple[int, int, str], dict[str, tuple[list[str], str | None]]] = \
        defaultdict(dict)
    missing: set[str] = set()
    for coder, st in cx.states.items():
        spans, memo_segs = marked.get(coder, ([], []))
        for seg, (code, start, end) in sorted(spans):
            if code not in known:
                summary.skipped.append(f"{coder}: {d.id} {seg}: code {code} is not in the "
                                       "codebook")
                continue
            segment = by_id.get(seg)
            if segment is None:
                missing.add(seg)
                continue
            if start < 0 or end < 0:
                start, end = segment
            on[(start, end, seg)].setdefault(coder, ([], None))[0].append(code)
        for seg in memo_segs:
            segment = by_id.get(seg)
            if segment is None:
                missing.add(seg)
                continue
            codes, _ = on[(*segment, seg)].get(coder, ([], None))
            on[(*segment, seg)][coder] = (codes, st.memos[(d.id, seg)])
    summary.skipped += [f"{d.id} {seg_id}: no such segment in the document"
                        for seg_id in sorted(missing)]
    chosen: Chosen = []
    offsets: list[int] = []
    for start, end, seg_id in sorted(on):
        coders = {c: (sorted(set(v[0])), v[1]) for c, v in sorted(on[(start, end, seg_id)]
                                                                  .items()) if v[0] or v[1]}
        if coders:
            whole = (start, end) == by_id[seg_id]
            chosen.append((seg_id, "" if whole else f"{start}-{end}", coders))
            offsets += [start, end]
    return chosen, offsets


class _Doc(NamedTuple):
    """What the export keeps of a document once it is read: its validated record, with a
    model object for every turn and segment, took about 250 KB of memory per transcript
    of 100 turns (half a gigabyte at 2,000), and is let go as soon as this is made."""

    id: str
    attributes: dict[str, str]
    #: the Description's first line
    title: str
    #: :func:`doc_trailer` as :func:`.codebook_xml.trailer_json` encodes it
    trailer: str
    text: str
    #: segment id -> [start, end)
    bounds: dict[str, tuple[int, int]]


def _read_documents(project: Project) -> list[_Doc]:
    """Every document of the project (:meth:`Project.load_document`, with its errors), in
    the order of :meth:`Project.documents`, as the export keeps it."""
    out = []
    for doc_id in project.document_ids():
        d = project.load_document(doc_id)
        out.append(_Doc(d.id, d.attributes, f"{d.title} (qcode document {d.id}; {d.format}; "
                        f"{len(d.segments)} segments)", trailer_json(doc_trailer(d)),
                        d.text, {s.id: (s.start, s.end) for s in d.segments}))
    return out


def trailer_with_done(trailer: str, done: list[str]) -> str:
    """``trailer`` (an encoded :func:`doc_trailer`) with ``"done": done`` added, as
    :func:`.codebook_xml.trailer_json` encodes the dict with it: keys are sorted and
    "done" comes before every key of :func:`doc_trailer`, so it goes first."""
    return '{"done": ' + json.dumps(done, ensure_ascii=False) + ", " + trailer[1:]


def _source(d: _Doc, cx: _Context, marked: dict[str, Marks], out: list[str],
            files: dict[str, bytes], notes: list[str]) -> None:
    """One TextSource with its selections, codings and note references into ``out``; its
    text into ``files``, its memos' Notes into ``notes``."""
    summary = cx.summary
    sguid = guid("document", d.id)
    xw.open_(out, 2, "TextSource", {"guid": sguid, "name": d.id,
                                    "plainTextPath": f"internal://{sguid}.txt"})
    done = [cx.coder_guids[c] for c, st in cx.states.items() if d.id in st.done]
    # who marked the document completely coded (agreement needs it)
    trailer = trailer_with_done(d.trailer, done) if done else d.trailer
    xw.leaf(out, 3, "Description", {}, with_encoded_trailer(d.title, trailer))
    text = d.text.replace("\n", "\r\n") if cx.crlf else d.text
    files[f"sources/{sguid}.txt"] = text.encode("utf-8")
    chosen, offsets = _selections(d, cx, marked)
    # every selection's offsets at once: with CRLF, one pass over the text, not one each
    units = crlf_positions(d.text, offsets) if cx.crlf else offsets
    for i, (seg_id, part, coders) in enumerate(chosen):
        span = (part,) if part else ()  # a whole segment keeps the GUIDs it always had
        only = f' creatingUser="{cx.coder_guids[next(iter(coders))]}"' \
            if len(coders) == 1 else ""
        # GUIDs and numbers need no escaping: written as they are
        sel = guid("selection", d.id, seg_id, *span)
        out.append(f'\n      <PlainTextSelection guid="{sel}" startPosition='
                   f'"{units[2 * i]}" endPosition="{units[2 * i + 1]}"{only}>')
        summary.selections += 1
        refs = []
        for coder, (codes, memo) in coders.items():
            user = cx.coder_guids[coder]
            for code in codes:
                cguid = guid("coding", coder, d.id, seg_id, code, *span)
                out.append(f'\n        <Coding guid="{cguid}" creatingUser="{user}">\n'
                           f'          <CodeRef targetGUID="{cx.code_guids[code]}" />\n'
                           '        </Coding>')
                summary.codings += 1
            if memo:
                nguid = guid("memo", coder, d.id, seg_id)
                xw.open_(notes, 2, "Note", {"guid": nguid, "name": f"Memo by {coder} on "
                                            f"{seg_id}", "creatingUser": user})
                xw.leaf(notes, 3, "PlainTextContent", {}, memo)
                xw.close(notes, 2, "Note")
                refs.append(nguid)
                summary.memos += 1
        out += [f'\n        <NoteRef targetGUID="{r}" />' for r in refs]
        out.append("\n      </PlainTextSelection>")
    xw.close(out, 2, "TextSource")


def crlf_positions(text: str, offsets: list[int]) -> list[int]:
    """Code-point offsets of LF ``text`` in the same text with CRLF line ends: each offset
    plus the line feeds before it (what ``offsets.to_units(text, "cp", offsets,
    crlf=True)`` computes, without numpy, which the exporter no longer imports: a tenth of
    a second or more of every ``export qdpx`` command's start-up)."""
    if not offsets:
        return []
    feeds: list[int] = []
    at = text.find("\n")
    while at >= 0:
        feeds.append(at)
        at = text.find("\n", at + 1)
    return [o + bisect_left(feeds, o) for o in offsets]


def export_qdpx(project: Project, path: Path, coders: list[str] | None = None,
                line_endings: str = "lf") -> ExportSummary:
    for c in coders or []:
        log_path(project, c)  # NotFoundError for an unknown coder
    data, summary = build_qdpx(project, coders, line_endings)
    write_output(Path(path), data)
    summary.path = str(path)
    return summary

