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
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from qcode.coding.fold import CoderState, SpanKey
from qcode.coding.store import coder_names, load_state, log_path
from qcode.coding.usable import Omissions, omissions, usable_states
from qcode.models import Document
from qcode.outputs import write_output
from qcode.project import Project
from qcode.refiqda.codebook_exchange import ORIGIN
from qcode.refiqda.codebook_xml import (
    PROJECT_NS,
    XSI,
    code_guid,
    codes_element,
    export_tree,
    serialise,
    set_element,
    with_trailer,
    xml_safe,
)
from qcode.refiqda.guids import guid
from qcode.refiqda.offsets import to_units

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


def build_qdpx(project: Project, coders: list[str] | None = None,
               line_endings: str = "lf") -> tuple[bytes, ExportSummary]:
    """The ``.qdpx`` bytes for ``project`` (all coders unless ``coders`` is given)."""
    cb = project.codebook
    names = coders if coders else coder_names(project)
    summary = ExportSummary(path="", coders=list(names), codes=len(cb.codes))
    crlf = line_endings == "crlf"
    usable = usable_states(project, [load_state(project, c) for c in names])
    summary.omissions = omissions(usable)
    states = {st.coder: st for st in usable}
    root = Element(_q("Project"), {"name": xml_safe(project.name), "origin": ORIGIN,
                                   f"{{{XSI}}}schemaLocation": f"{PROJECT_NS} Project.xsd"})
    if names:
        users = SubElement(root, _q("Users"))
        for c in names:
            SubElement(users, _q("User"), {"guid": guid("coder", c), "name": c, "id": c})
    roots, sets = export_tree(cb)
    SubElement(root, _q("CodeBook")).append(codes_element(roots, PROJECT_NS))
    docs: list[Document] = project.documents()
    keys = sorted({k for d in docs for k in d.attributes})
    if keys:
        variables = SubElement(root, _q("Variables"))
        for k in keys:
            SubElement(variables, _q("Variable"), {"guid": guid("variable", k), "name": k,
                                                   "typeOfVariable": "Text"})
    if docs:
        cases = SubElement(root, _q("Cases"))
        for d in docs:
            case = SubElement(cases, _q("Case"), {"guid": guid("case", d.id), "name": d.id})
            for k in sorted(d.attributes):
                vv = SubElement(case, _q("VariableValue"))
                SubElement(vv, _q("VariableRef"), {"targetGUID": guid("variable", k)})
                SubElement(vv, _q("TextValue")).text = xml_safe(d.attributes[k])
            SubElement(case, _q("SourceRef"), {"targetGUID": guid("document", d.id)})
    known = {c.id for c in cb.codes}
    files: dict[str, bytes] = {}
    notes: list[Element] = []
    marked = _segments_by_document(states)
    if docs:
        sources = SubElement(root, _q("Sources"))
        for d in docs:
            sources.append(_source(d, states, marked.get(d.id, {}), known, crlf, files, notes,
                                   summary))
    if notes:
        SubElement(root, _q("Notes")).extend(notes)
    doc_ids = {d.id for d in docs}
    for coder, st in states.items():
        gone = sorted({doc for (doc, _) in st.codes if doc not in doc_ids})
        summary.skipped += [f"{coder}: codings on document {g}, which is not in the project"
                            for g in gone]
    sets_el = SubElement(root, _q("Sets"))
    for s in sets:
        sets_el.append(set_element(s, PROJECT_NS, "targetGUID"))
    summary.documents = len(docs)
    qde = serialise(root, PROJECT_NS)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", qde), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue(), summary


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


def _source(d: Document, states: dict[str, CoderState], marked: dict[str, Marks],
            known: set[str], crlf: bool, files: dict[str, bytes], notes: list[Element],
            summary: ExportSummary) -> Element:
    sguid = guid("document", d.id)
    title = f"{d.title} (qcode document {d.id}; {d.format}; {len(d.segments)} segments)"
    el = Element(_q("TextSource"), {"guid": sguid, "name": d.id,
                                    "plainTextPath": f"internal://{sguid}.txt"})
    trailer = doc_trailer(d)
    done = [guid("coder", c) for c, st in states.items() if d.id in st.done]
    if done:  # who marked the document completely coded (agreement needs it)
        trailer["done"] = done
    SubElement(el, _q("Description")).text = xml_safe(with_trailer(title, trailer))
    text = d.text.replace("\n", "\r\n") if crlf else d.text
    files[f"sources/{sguid}.txt"] = text.encode("utf-8")
    by_id = {s.id: s for s in d.segments}
    # (start, end, first segment) -> coder -> (codes, memo); a whole segment's span is
    # its segment's offsets (a coding made before spans has none)
    on: dict[tuple[int, int, str], dict[str, tuple[list[str], str | None]]] = \
        defaultdict(dict)
    missing: set[str] = set()
    for coder, st in states.items():
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
                start, end = segment.start, segment.end
            on[(start, end, seg)].setdefault(coder, ([], None))[0].append(code)
        for seg in memo_segs:
            segment = by_id.get(seg)
            if segment is None:
                missing.add(seg)
                continue
            codes, _ = on[(segment.start, segment.end, seg)].get(coder, ([], None))
            on[(segment.start, segment.end, seg)][coder] = (codes, st.memos[(d.id, seg)])
    summary.skipped += [f"{d.id} {seg_id}: no such segment in the document"
                        for seg_id in sorted(missing)]
    chosen: list[tuple[str, str, dict[str, tuple[list[str], str | None]]]] = []
    offsets: list[int] = []
    for start, end, seg_id in sorted(on):
        segment = by_id[seg_id]
        coders = {c: (sorted(set(v[0])), v[1]) for c, v in sorted(on[(start, end, seg_id)]
                                                                  .items()) if v[0] or v[1]}
        if coders:
            whole = (start, end) == (segment.start, segment.end)
            chosen.append((seg_id, "" if whole else f"{start}-{end}", coders))
            offsets += [start, end]
    # every selection's offsets at once: with CRLF, one pass over the text, not one each
    units = to_units(d.text, "cp", offsets, crlf=crlf)
    for i, (seg_id, part, coders) in enumerate(chosen):
        start, end = units[2 * i], units[2 * i + 1]
        span = (part,) if part else ()  # a whole segment keeps the GUIDs it always had
        attrs = {"guid": guid("selection", d.id, seg_id, *span),
                 "startPosition": str(start), "endPosition": str(end)}
        if len(coders) == 1:
            attrs["creatingUser"] = guid("coder", next(iter(coders)))
        sel = SubElement(el, _q("PlainTextSelection"), attrs)
        summary.selections += 1
        refs = []
        for coder, (codes, memo) in coders.items():
            for code in codes:
                coding = SubElement(sel, _q("Coding"), {
                    "guid": guid("coding", coder, d.id, seg_id, code, *span),
                    "creatingUser": guid("coder", coder)})
                SubElement(coding, _q("CodeRef"), {"targetGUID": code_guid(code)})
                summary.codings += 1
            if memo:
                nguid = guid("memo", coder, d.id, seg_id)
                note = Element(_q("Note"), {"guid": nguid, "name": f"Memo by {coder} on "
                                            f"{seg_id}", "creatingUser": guid("coder", coder)})
                SubElement(note, _q("PlainTextContent")).text = xml_safe(memo)
                notes.append(note)
                refs.append(nguid)
                summary.memos += 1
        for r in refs:
            SubElement(sel, _q("NoteRef"), {"targetGUID": r})
    return el


def export_qdpx(project: Project, path: Path, coders: list[str] | None = None,
                line_endings: str = "lf") -> ExportSummary:
    for c in coders or []:
        log_path(project, c)  # NotFoundError for an unknown coder
    data, summary = build_qdpx(project, coders, line_endings)
    write_output(Path(path), data)
    summary.path = str(path)
    return summary

