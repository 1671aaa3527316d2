"""A ``.qdpx`` (or bare ``.qde``) -> documents, codebook and every coder's codings.

Everything is read, mapped and checked in memory first (:func:`plan_import`); only then is
anything written (:mod:`.import_write`), so a file that fails leaves the project untouched,
and a crash or kill while writing leaves it readable: running the same import again
completes it (the guarantee is spelled out in :mod:`.import_write`).

Targets:

- ``into`` a new folder: a new project is built in a hidden sibling folder and renamed into
  place at the end (all or nothing); its codebook is the file's codebook;
- the current project: codes are merged into its codebook by id (codes already there keep
  their definitions; new codes, themes and levels are added); a source whose text equals a
  project document's text is mapped onto that document; a new source whose document id is
  already taken by a different text refuses the import. Coders append to their logs
  (``origin: imported``); codings they already have are not repeated.

Each selection becomes a span coding of exactly its text (mapped to code points as
:mod:`.offsets` detects each source's counting model): part of a segment, a whole
segment, or a stretch across segments (white space before its first segment or after its
last is left out). Memos on a selection go on the segments it touches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from qcode._io import limits
from qcode.coding.collector import collector_paused
from qcode.coding.drafts import AddDraft, EventDraft
from qcode.coding.fold import CoderState
from qcode.coding.store import coder_names, load_state_or_empty, validate_coder_name
from qcode.errors import ConflictError, InvalidInputError, UsageError, WriteFailedError
from qcode.models import Codebook, Document
from qcode.project import Project
from qcode.refiqda.archive import Archive, open_any, sibling
from qcode.refiqda.codebook_exchange import check_namespace, checked
from qcode.refiqda.codebook_map import build_codebook
from qcode.refiqda.codebook_xml import split_trailer
from qcode.refiqda.documents import Overlaps, doc_id_from_name, foreign, from_trailer
from qcode.refiqda.guids import norm_guid
from qcode.refiqda.import_write import check_pending, write_new_project, write_plan
from qcode.refiqda.offsets import Selection, detect, source_text
from qcode.refiqda.project_xml import QCase, QProject, QSource, cases_by_source, read_qde
from qcode.refiqda.report import ImportReport, SourceReport

DEFAULT_CODER = "imported"
NEEDS_LEVEL = ("the project's codebook needs a level for every code; give one with "
               "--map-levels")


@dataclass
class Plan:
    codebook: Codebook
    codebook_yaml: str
    codebook_changed: bool
    new_documents: list[Document] = field(default_factory=list)
    events: dict[str, list[EventDraft]] = field(default_factory=dict)
    project_name: str = ""


# ------------------------------------------------------------------ coders


def coder_name(raw: str, fallback: str) -> str:
    """A REFI user name -> a valid qcode coder name.

    >>> coder_name("Kari Nordmann", "x"), coder_name("", "user-1b0b1791")
    ('Kari-Nordmann', 'user-1b0b1791')
    """
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", raw).strip("-_")[:32].strip("-_") or fallback
    try:
        return validate_coder_name(name)
    except UsageError:  # e.g. a reserved device name such as "con"
        return validate_coder_name(f"user-{name}"[:32]) if name != fallback else fallback


def _coders(qp: QProject, existing: list[str]) -> dict[str, str]:
    """normalised user GUID -> coder name (unique without case; existing spellings kept)."""
    known = {c.casefold(): c for c in existing}
    taken: set[str] = set()
    out: dict[str, str] = {}
    for g, raw in sorted(qp.users.items(), key=lambda x: x[1]):
        name = coder_name(raw, f"user-{re.sub('[^0-9a-z]', '', g)[:8]}")
        name = known.get(name.casefold(), name)
        base, n = name, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base[:29]}-{n}"
        taken.add(name.casefold())
        out[g] = name
    return out


# ------------------------------------------------------------------ sources


def _source_bytes(src: QSource, qp: QProject, archive: Archive) -> tuple[bytes | None, str]:
    """(bytes of the plain text, how it was found) for a source with a plainTextPath."""
    path = (src.plain_path or "").strip()
    scheme, sep, rest = path.partition("://")
    if not sep:
        scheme, rest = "", path
    name = rest.replace("\\", "/").rsplit("/", 1)[-1]
    data = archive.internal(name) if name else None
    if data is None and archive.folder is not None and name:
        data = sibling(archive.folder, name)
    if data is not None:
        return data, scheme or "bare name"
    if scheme == "absolute":
        return None, "it is an absolute path outside the project file (never read)"
    if archive.folder is not None:
        return None, "its text file is not beside the .qde (nor in its sources folder)"
    return None, "its text file is not in the archive"


def _codebook_for(qp: QProject, project: Project | None, report: ImportReport,
                  level_map: dict[str, str] | None) -> tuple[Codebook, str, bool]:
    coded = {norm_guid(c.code) for s in qp.sources for sel in s.selections
             for c in sel.codings} | {norm_guid(c.code) for s in qp.sources for c in s.whole}
    imported = build_codebook(qp.roots, qp.sets, report, level_map=level_map, coded=coded,
                              name=qp.name or "imported codebook")
    if project is None:
        cb, text = checked(imported, report.file)
        return cb, text, True
    merged = _merge(project.codebook, imported, report)
    if merged == project.codebook:
        return merged, "", False
    cb, text = checked(merged, report.file)
    return cb, text, True


def _merge(base: Codebook, new: Codebook, report: ImportReport) -> Codebook:
    themes = list(base.themes) + [t for t in new.themes if base.theme(t.id) is None]
    levels = list(base.levels)
    if base.levels:
        levels += [lv for lv in new.levels if base.level(lv.id) is None]
    codes = list(base.codes)
    renamed: dict[str, str] = {}
    ids = {c.id for c in codes}
    for c in new.codes:
        old = base.code(c.id)
        if old is not None and old.name.casefold() == c.name.casefold():
            continue
        if old is not None:
            same = next((b for b in codes if b.name.casefold() == c.name.casefold()), None)
            if same is not None:  # taken in before under another id (an earlier import)
                renamed[c.id] = same.id
                continue
            n, cid = 2, f"{c.id}-2"
            while cid in ids:
                n += 1
                cid = f"{c.id}-{n}"
            renamed[c.id] = cid
            report.note(f"code '{c.name}' is imported as {cid}: the project's {c.id} is "
                        f"'{old.name}'")
            c = c.model_copy(update={"id": cid})
        if not base.levels and c.level is not None:
            c = c.model_copy(update={"level": None})
        if base.levels and c.level is None:
            report.drop("code", f"'{c.name}' ({c.id})", NEEDS_LEVEL)
            renamed[c.id] = ""
            continue
        ids.add(c.id)
        codes.append(c)
    for g, cid in list(report.code_ids.items()):
        if cid in renamed:
            if renamed[cid]:
                report.code_ids[g] = renamed[cid]
            else:
                del report.code_ids[g]
    fixed = [c if c.parent is None or c.parent in ids else
             c.model_copy(update={"parent": renamed.get(c.parent) or None}) for c in codes]
    return base.model_copy(update={"themes": tuple(themes), "levels": tuple(levels),
                                   "codes": tuple(fixed)})


def _attributes(qp: QProject, src: QSource, cases: dict[str, list[QCase]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for case in cases.get(norm_guid(src.guid), ()):  # the cases naming it, in file order
        for vg, value in case.values.items():
            out[qp.variables.get(vg, vg)] = value
    for vg, value in src.values.items():
        out[qp.variables.get(vg, vg)] = value
    return {k: v for k, v in out.items() if k}


def _note_text(qp: QProject, archive: Archive, guid: str) -> tuple[str | None, str | None]:
    note = qp.notes.get(norm_guid(guid))
    if note is None:
        return None, None
    if note.content is not None:
        return note.content.strip(), note.user
    if note.plain_path:
        data = archive.internal(note.plain_path.rpartition("/")[2])
        if data is not None:
            return source_text(data).text.strip(), note.user
    return None, note.user


# ------------------------------------------------------------------ the plan


def plan_import(path: Path, project: Project | None = None, level_map: dict[str, str] | None = None,
                ) -> tuple[Plan, ImportReport]:
    """Read and map everything; write nothing."""
    archive = open_any(Path(path))
    where = f"{archive.where}/{archive.qde_name}" if archive.folder is None else archive.where
    qp = read_qde(archive.qde, where)
    report = ImportReport(file=str(path), kind="qde" if archive.folder else "qdpx",
                          origin=qp.origin, namespace=qp.namespace)
    check_namespace(report, "project")
    cb, yaml_text, changed = _codebook_for(qp, project, report, level_map)
    plan = Plan(cb, yaml_text, changed, project_name=qp.name)
    existing_coders = coder_names(project) if project is not None else []
    coders = _coders(qp, existing_coders)
    default = coders.get(norm_guid(qp.creating_user)) or DEFAULT_CODER
    by_text: dict[str, Document] = {}  # the project's documents (not this file's)
    existing: dict[str, Document] = {}
    if project is not None:
        for d in project.documents():
            by_text.setdefault(d.text, d)
            existing[d.id] = d
    planned: set[str] = set()
    adds: dict[str, dict[tuple[str, str, str, int, int], AddDraft]] = defaultdict(dict)
    whole: set[tuple[str, str, str, int, int]] = set()  # spans that are a whole segment
    memos: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    referenced_notes: set[str] = set()
    done: dict[str, set[str]] = defaultdict(set)  # coder -> documents marked complete
    cases = cases_by_source(qp.cases)
    for src in qp.sources:
        sr = SourceReport(guid=src.guid, name=src.name, selections=len(src.selections))
        report.sources.append(sr)
        if src.kind != "TextSource":
            sr.status = "skipped"
            report.drop("source", f"{src.kind} '{src.name}'", "qcode imports text sources "
                        "only")
            continue
        if src.content is not None and not src.plain_path:
            raw = src.content.encode("utf-8")
        else:
            data, how = _source_bytes(src, qp, archive)
            if data is None:
                sr.status = "missing"
                report.drop("source", f"source '{src.name}' ({src.guid}, "
                            f"{len(src.selections)} selections)", f"missing text: {how}")
                continue
            raw = data
        st = source_text(raw)
        _check_source(f"{path}: source '{src.name}'", st.text)
        attrs = _attributes(qp, src, cases)
        _, trailer = split_trailer(src.description)
        same_id = existing.get(str(trailer.get("id"))) if trailer else None
        doc = same_id if same_id is not None and same_id.text == st.text else \
            by_text.get(st.text)
        if doc is not None:
            sr.status = "matched"
            if attrs and {**doc.attributes, **attrs} != doc.attributes:
                report.note(f"document {doc.id}: attributes in the file were not applied "
                            "(the document was already in the project)")
        else:
            doc = None
            if trailer and trailer.get("kind") == "document":
                doc = from_trailer(trailer, st.text, attrs)
            if doc is None:
                doc = foreign(doc_id_from_name(src.name, src.guid),
                              Path(src.name).stem or src.name or src.guid, st.text, attrs,
                              src.name, raw)
            longest = max(doc.segments, key=lambda g: g.end - g.start, default=None)
            if longest is not None:
                limits.check_transcript(f"{path}: source '{src.name}'", NOTHING_IMPORTED,
                                        longest=(longest.id, longest.end - longest.start))
            if doc.id in existing:
                raise ConflictError(
                    f"{path}: source '{src.name}' would be document '{doc.id}', but the "
                    "project already has a different document with that id; nothing was "
                    "imported", hint="import into a new project with --into DIR, or rename "
                                     "the project's document")
            base, n = doc.id, 1
            while doc.id in planned:
                n += 1
                doc = doc.model_copy(update={"id": f"{base[:60]}-{n}"})
                doc = _renumber(doc)
            planned.add(doc.id)
            plan.new_documents.append(doc)
        sr.document = doc.id
        for g in (trailer or {}).get("done") or []:
            if isinstance(g, str) and coders.get(norm_guid(g)):
                done[coders[norm_guid(g)]].add(doc.id)
        for c in src.whole:
            report.drop("coding", f"coding {c.guid} of the whole source '{src.name}'",
                        "codes a whole source; qcode codes segments")
        sels = [Selection(s.guid, s.start, s.end, s.name) for s in src.selections
                if s.start is not None and s.end is not None]
        det, overlaps = detect(st, sels, qp.origin), Overlaps(doc.segments)
        sr.offsets = det.model + (" (ambiguous)" if det.ambiguous else "")
        sr.evidence = det.evidence(len(sels))
        for sel in src.selections:
            span = det.mapped.get(sel.guid)
            what = f"selection {sel.guid} in '{src.name}'"
            if span is None:
                report.drop("selection", what, "its positions do not fit the text")
                continue
            s, e = span
            segs = overlaps.of(s, e)
            if not segs:
                report.drop("selection", what, "it covers no segment (only white space)")
                continue
            sr.selections_taken += 1
            s, e = max(s, segs[0].start), min(e, segs[-1].end)
            also = [g.id for g in segs] if len(segs) > 1 else None
            is_whole = also is None and (s, e) == (segs[0].start, segs[0].end)
            sel_coder = coders.get(norm_guid(sel.user)) or coders.get(
                norm_guid(src.user)) or default
            for coding in sel.codings:
                cid = report.code_ids.get(norm_guid(coding.code))
                if cid is None:
                    report.drop("coding", f"coding {coding.guid} in '{src.name}'",
                                "its code is not in the imported codebook")
                    continue
                coder = coders.get(norm_guid(coding.user)) or sel_coder
                ev: AddDraft = {"op": "add", "doc": doc.id, "segment": segs[0].id,
                                "start": s, "end": e, "quote": doc.text[s:e], "code": cid,
                                "origin": "imported"}
                if also is not None:
                    ev["segments"] = also
                adds[coder].setdefault((doc.id, segs[0].id, cid, s, e), ev)
                if is_whole:
                    whole.add((doc.id, segs[0].id, cid, s, e))
                for ng in coding.notes:
                    referenced_notes.add(norm_guid(ng))
                    _memo(qp, archive, ng, coder, coders, doc, segs, memos)
            for ng in sel.notes:
                referenced_notes.add(norm_guid(ng))
                _memo(qp, archive, ng, sel_coder, coders, doc, segs, memos)
            if sel.description.strip() and not split_trailer(sel.description)[1]:
                for g in segs:
                    memos[sel_coder][(doc.id, g.id)].append(sel.description.strip())
    for g, note in qp.notes.items():
        if g not in referenced_notes:
            report.drop("note", f"note '{note.name}' ({note.guid})", "not attached to a "
                        "coded passage; qcode keeps memos on segments only")
    if qp.links:
        report.drop("link", f"{qp.links} links", "qcode has no links between items")
    if qp.graphs:
        report.drop("graph", f"{qp.graphs} graphs", "qcode has no graphs (concept maps)")
    for coder in sorted(set(adds) | set(memos) | set(done)):
        have = load_state_or_empty(project, coder) if project is not None and \
            coder in existing_coders else None
        evs: list[EventDraft] = [ev for key, ev in adds[coder].items()
                                 if have is None or not _has_span(have, key, key in whole)]
        for (doc_id, seg), texts in sorted(memos[coder].items()):
            text = "\n\n".join(dict.fromkeys(texts))
            if have is None or have.memos.get((doc_id, seg)) != text:
                evs.append({"op": "memo", "doc": doc_id, "segment": seg, "memo": text,
                            "origin": "imported"})
        evs += [{"op": "done", "doc": d, "origin": "imported"} for d in sorted(done[coder])
                if have is None or d not in have.done]
        if evs:
            plan.events[coder] = evs
    report.taken.update(
        codes=len(report.code_ids), documents=len(plan.new_documents),
        documents_matched=sum(1 for s in report.sources if s.status == "matched"),
        coders=len(plan.events),
        codings=sum(1 for evs in plan.events.values() for e in evs if e["op"] == "add"),
        memos=sum(1 for evs in plan.events.values() for e in evs if e["op"] == "memo"),
        completion_marks=sum(1 for evs in plan.events.values() for e in evs
                             if e["op"] == "done"),
        selections=sum(s.selections_taken for s in report.sources))
    return plan, report


NOTHING_IMPORTED = "; nothing was imported"


def _check_source(where: str, text: str) -> None:
    """Refuse a source text above the transcript bounds before it is segmented (every line
    with text may become a segment)."""
    limits.check_transcript(where, NOTHING_IMPORTED, chars=len(text))
    lines = sum(1 for line in text.split("\n") if line.strip())
    limits.check_transcript(where, NOTHING_IMPORTED, segments=lines)


def _memo(qp: QProject, archive: Archive, note_guid: str, coder: str,
          coders: dict[str, str], doc: Document, segs: list, memos: dict) -> None:
    text, user = _note_text(qp, archive, note_guid)
    if not text:
        return
    who = coders.get(norm_guid(user)) or coder
    for g in segs:
        memos[who][(doc.id, g.id)].append(text)


def _has_span(state: CoderState, key: tuple[str, str, str, int, int], whole: bool) -> bool:
    """Whether the coder has this span under this code already (a ``whole`` segment's
    span also as a coding made before spans, without offsets)."""
    doc, seg, code, start, end = key
    on = state.spans.get((doc, seg), {})
    return (code, start, end) in on or (whole and (code, -1, -1) in on)


def _renumber(doc: Document) -> Document:
    """Segment ids follow the document id (``D1:0001``)."""
    segs = tuple(s.model_copy(update={"id": f"{doc.id}:{s.id.rpartition(':')[2]}"})
                 for s in doc.segments)
    return doc.model_copy(update={"segments": segs})


@collector_paused()
def import_qdpx(path: Path, *, project: Project | None = None, into: Path | None = None,
                level_map: dict[str, str] | None = None, dry_run: bool = False,
                ) -> ImportReport:
    """Import a project file into ``project`` or a new project at ``into``."""
    if project is None and into is None:
        raise InvalidInputError("import qdpx needs a project: run it inside one, or give "
                                "--into DIR for a new one")
    blocked: str | None = None
    try:
        resuming = into is None and project is not None and check_pending(project, Path(path))
    except ConflictError as exc:
        if not dry_run:
            raise
        resuming, blocked = False, str(exc).replace("; nothing was imported", "")
    plan, report = plan_import(path, project if into is None else None, level_map)
    if blocked:
        report.notes.insert(0, f"{blocked}: complete it before importing this file")
    if resuming:
        report.notes.insert(0, "an earlier import of this file was interrupted; this run "
                            "completes it (what it had written is kept, nothing is written "
                            "twice)")
    if not plan.new_documents and not plan.events and not plan.codebook_changed:
        report.note("nothing new to import")
    if not dry_run:
        _refuse_a_lossy_plan(Path(path), plan, report, project if into is None else None)
    if into is not None and not plan.codebook.codes and not dry_run and any(
            d.kind == "code" for d in report.dropped):
        raise InvalidInputError(
            f"{path}: none of its codes could be imported, so the new project would have "
            "an empty codebook; nothing was written",
            hint="see why with --dry-run; for a code tree without levels, name its level "
                 "nodes with --map-levels, or leave --map-levels out",
            details=[f"{n} x {kind}: {reason}" for kind, reason, n
                     in report.dropped_by_reason()][:5])
    if into is not None and not dry_run and not (plan.new_documents or plan.events or
                                                 plan.codebook.codes):
        raise InvalidInputError(
            f"{path}: no text source, code or coding could be imported, so the new project "
            "would be empty; nothing was written",
            hint="see why with --dry-run", details=[
                f"{n} x {kind}: {reason}" for kind, reason, n in report.dropped_by_reason()][:5])
    if dry_run:
        return report
    if into is not None:
        write_new_project(into, plan, report)
    elif project is not None:  # always, when there is no --into (checked above)
        try:
            write_plan(project, plan, report, source=Path(path))
        except WriteFailedError as exc:
            raise WriteFailedError(
                f"{exc.message}; the import stopped part-way: what it wrote is kept, and "
                "running the same import again completes it", hint=exc.hint) from None
    return report


def _refuse_a_lossy_plan(path: Path, plan: Plan, report: ImportReport,
                         project: Project | None) -> None:
    """Refuse, before anything is written, an import into ``project`` that would drop
    codes for want of a level (and with them their codings), or that would take nothing
    at all from a file that is not already in the project."""
    lacking = [d for d in report.dropped if d.kind == "code" and d.reason == NEEDS_LEVEL]
    if project is not None and lacking:
        lost = sum(1 for d in report.dropped if d.kind == "coding")
        levels = ", ".join(lv.id for lv in project.codebook.levels)
        example = project.codebook.levels[0].id
        losing = f"; {lost} coding{'s' if lost != 1 else ''} on them would be lost" \
            if lost else ""
        raise ConflictError(
            f"{path}: {len(lacking)} code{'s' if len(lacking) != 1 else ''} in the file "
            f"{'have' if len(lacking) != 1 else 'has'} no level, but every code of this "
            f"project has one ({levels}){losing}; nothing was imported",
            hint=f"place them with --map-levels \"*={example}\" (every code without a level) "
                 "or name the file's level nodes (--map-levels \"Macro=macro,...\"), or "
                 "import into a new project with --into DIR",
            details=[d.what for d in lacking][:5])
    nothing = not plan.new_documents and not plan.events and not plan.codebook_changed
    matched = any(s.status == "matched" for s in report.sources)
    if nothing and report.dropped and not matched:
        raise InvalidInputError(
            f"{path}: nothing in the file could be imported ({len(report.dropped)} "
            f"item{'s' if len(report.dropped) != 1 else ''} dropped); nothing was written",
            hint="see why with --dry-run",
            details=[f"{n} x {kind}: {reason}" for kind, reason, n
                     in report.dropped_by_reason()][:5])


__all__ = ["Plan", "import_qdpx", "plan_import", "write_new_project", "write_plan"]
