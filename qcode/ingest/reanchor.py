"""Re-anchoring codings after a transcript is corrected and ingested again (``--replace``).

Every coding carries the quote it was made on. When a document is replaced, each coder's
codings (and memos) on it are looked up in the new text:

1. **exact**: the quote occurs in the new text (the occurrence nearest the old offset is
   taken); the coding goes to the new segment that holds most of it. If the segment id and
   offsets are unchanged, nothing is written (``unchanged``); otherwise it is ``moved``;
2. **fuzzy**: otherwise the new segment most like the quote (rapidfuzz ``ratio`` >= 80, or
   ``partial_ratio`` >= 90 when a segment was split or merged) takes it (``reanchored``,
   with the score);
3. otherwise the coding is ``orphaned``: it stays in the log exactly as it was (nothing is
   dropped) and the report lists it, so the coder can place it by hand.

A coding of part of a segment, or across segments (a span), keeps its words: the exact
quote first (the occurrence nearest the old offset), then the stretch of the old
neighbourhood most like it (rapidfuzz ``partial_ratio`` >= 90, never longer than the
quote); its new offsets and quote are the words found. A span that would no longer lie in
the segments is orphaned, never widened to a whole segment (:func:`locate_span`).

Moves are appended to each coder's log as one batch (remove at the old place, add at the
new one, same code, origin and decision), so ``qcode undo`` reverts a re-anchoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from qcode.coding import store as codings
from qcode.coding.drafts import AddDraft, EventDraft
from qcode.coding.spans import check_span, is_whole_segment, span_segments
from qcode.errors import UsageError
from qcode.models import Document, Segment
from qcode.project import Project

RATIO_CUTOFF = 80.0
PARTIAL_CUTOFF = 90.0

Outcome = Literal["unchanged", "moved", "reanchored", "orphaned"]


@dataclass(frozen=True)
class Placement:
    """Where one coding (or memo, ``code`` None) went."""

    coder: str
    code: str | None
    old_segment: str
    new_segment: str | None
    outcome: Outcome
    score: float = 100.0
    #: a coding of part of a segment (or across segments): its offsets before and after
    old_span: tuple[int, int] | None = None
    new_span: tuple[int, int] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"coder": self.coder, "code": self.code,
                               "old_segment": self.old_segment,
                               "new_segment": self.new_segment, "outcome": self.outcome,
                               "score": round(self.score, 1)}
        if self.old_span is not None:  # only spans say where in their segments they lie
            out["old_span"] = list(self.old_span)
            out["new_span"] = list(self.new_span) if self.new_span is not None else None
        return out

    def where(self, old: bool) -> str:
        seg, span = (self.old_segment, self.old_span) if old else \
            (self.new_segment, self.new_span)
        return f"{seg} {span[0]}-{span[1]}" if span is not None else f"{seg}"


@dataclass
class ReanchorReport:
    doc: str
    placements: list[Placement] = field(default_factory=list)

    def of(self, outcome: Outcome) -> list[Placement]:
        return [p for p in self.placements if p.outcome == outcome]

    def counts(self) -> dict[str, int]:
        return {o: len(self.of(o)) for o in ("unchanged", "moved", "reanchored", "orphaned")}

    def by_coder(self) -> dict[str, dict[str, int]]:
        """{coder: {"unchanged", "moved", "reanchored", "orphaned": count}}, coders sorted."""
        table: dict[str, dict[str, int]] = {}
        for p in sorted(self.placements, key=lambda p: p.coder):
            row = table.setdefault(p.coder, dict.fromkeys(
                ("unchanged", "moved", "reanchored", "orphaned"), 0))
            row[p.outcome] += 1
        return table

    def as_json(self) -> dict[str, Any]:
        return {"doc": self.doc, **self.counts(), "coders": self.by_coder(),
                "placements": [p.as_json() for p in self.placements
                               if p.outcome != "unchanged"]}

    def lines(self) -> list[str]:
        """A report for people (segment ids and codes only, never transcript text)."""
        c = self.counts()
        if not self.placements:
            return [f"Re-anchoring {self.doc}: no codings on it."]
        out = [f"Re-anchoring {self.doc}: {c['unchanged']} unchanged, {c['moved']} moved, "
               f"{c['reanchored']} re-anchored, {c['orphaned']} orphaned."]
        for p in self.placements:
            what = p.code or "memo"
            if p.outcome == "moved":
                out.append(f"  moved       {p.coder} {what}: {p.where(True)} -> "
                           f"{p.where(False)}")
            elif p.outcome == "reanchored":
                out.append(f"  re-anchored {p.coder} {what}: {p.where(True)} -> "
                           f"{p.where(False)} (similarity {p.score:.0f})")
            elif p.outcome == "orphaned":
                out.append(f"  orphaned    {p.coder} {what}: {p.where(True)} (kept as it was; "
                           "its quote is no longer in the transcript: place it by hand)")
        return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def locate(new: Document, quote: str, old_start: int) -> tuple[str, Outcome, float] | None:
    """(segment id, exact or fuzzy, score) for a quote in the new document, or None."""
    # rapidfuzz takes ~50 ms to import and only a replace re-anchors; every ingest imports this
    from rapidfuzz import fuzz

    if quote:
        best_pos, pos = -1, new.text.find(quote)
        while pos >= 0:
            if best_pos < 0 or abs(pos - old_start) < abs(best_pos - old_start):
                best_pos = pos
            pos = new.text.find(quote, pos + 1)
        if best_pos >= 0:
            end = best_pos + len(quote)
            seg = max(new.segments, key=lambda s: _overlap(s.start, s.end, best_pos, end))
            if _overlap(seg.start, seg.end, best_pos, end) > 0:
                return seg.id, "moved", 100.0
    if not quote.strip():
        return None
    best: tuple[float, int, str] | None = None
    for s in new.segments:
        text = new.text[s.start:s.end]
        score = fuzz.ratio(quote, text, score_cutoff=RATIO_CUTOFF)
        if not score and min(len(text), len(quote)) >= 20:
            score = fuzz.partial_ratio(quote, text, score_cutoff=PARTIAL_CUTOFF) * 0.99
        if score:
            key = (score, -abs(s.start - old_start), s.id)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    return best[2], "reanchored", best[0]


def nearest(text: str, quote: str, old_start: int) -> int:
    """The start of the occurrence of ``quote`` in ``text`` nearest ``old_start`` (-1: none)."""
    best, pos = -1, text.find(quote)
    while pos >= 0:
        if best < 0 or abs(pos - old_start) < abs(best - old_start):
            best = pos
        pos = text.find(quote, pos + 1)
    return best


def locate_span(new: Document, quote: str, old_start: int, old_end: int
                ) -> tuple[int, int, Outcome, float] | None:
    """Where a span's quote is in the new document: ``(start, end, outcome, score)``, or
    None. The exact quote first (the occurrence nearest the old place); else the stretch
    of the old neighbourhood (the old offsets widened by the quote's length on each side)
    most like it, rapidfuzz ``partial_ratio`` >= 90, no longer than the quote. The span
    found must lie in the new segments (:func:`qcode.coding.spans.check_span`)."""
    from rapidfuzz import fuzz  # see locate

    if not quote.strip():
        return None
    found: tuple[int, int, Outcome, float] | None = None
    pos = nearest(new.text, quote, old_start)
    if pos >= 0:
        found = (pos, pos + len(quote), "moved", 100.0)
    else:
        reach = max(len(quote), 40)
        lo, hi = max(0, old_start - reach), min(len(new.text), old_end + reach)
        al = fuzz.partial_ratio_alignment(quote, new.text[lo:hi], score_cutoff=PARTIAL_CUTOFF)
        if al is not None and al.dest_end - al.dest_start <= len(quote):
            start, end = lo + al.dest_start, lo + al.dest_end
            # no stray white space at the edges of a span
            text = new.text[start:end]
            start += len(text) - len(text.lstrip())
            end -= len(text) - len(text.rstrip())
            found = (start, end, "reanchored", float(al.score))
    if found is None:
        return None
    try:
        check_span(new, found[0], found[1])
    except UsageError:  # it would reach outside the segments: orphaned, never widened
        return None
    return found


def whole_segment_coding(old: Document, old_seg: Segment, ev: dict[str, Any]) -> bool:
    """Whether a coding on ``old_seg`` of ``old`` codes the whole segment (not a span)."""
    start, end, quote = ev.get("start"), ev.get("end"), ev.get("quote") or ""
    if is_whole_segment(old_seg, start, end):
        return True
    if old.text[start:end] == quote:
        return False  # the offsets hold in the old text: a part of the segment
    # the log was written against another version (an interrupted replace is re-run on the
    # new document): a quote that is a whole segment's text was a whole-segment coding
    return any(old.text[s.start:s.end] == quote for s in old.segments)


def place_span(report: ReanchorReport, coder: str, new: Document, ev: dict[str, Any],
               removes: list[EventDraft], adds: dict[tuple[str, str, int, int], EventDraft]
               ) -> None:
    """Re-anchor one coding of part of a segment (or across segments): the same words in
    the new text, or orphaned."""
    code, seg_id = ev["code"], ev["segment"]
    start, end, quote = ev.get("start") or 0, ev.get("end") or 0, ev.get("quote") or ""
    found = locate_span(new, quote, start, end)
    if found is None:
        report.placements.append(Placement(coder, code, seg_id, None, "orphaned", 0.0,
                                           (start, end)))
        return
    new_start, new_end, outcome, score = found
    touched = check_span(new, new_start, new_end)
    first = touched[0]
    new_quote = new.text[new_start:new_end]
    also = span_segments(touched)
    if ((first.id, new_start, new_end, new_quote) == (seg_id, start, end, quote)
            and (also or None) == (ev.get("segments") or None)):
        report.placements.append(Placement(coder, code, seg_id, first.id, "unchanged",
                                           100.0, (start, end), (start, end)))
        return
    report.placements.append(Placement(coder, code, seg_id, first.id, outcome, score,
                                       (start, end), (new_start, new_end)))
    removes.append({"op": "remove", "doc": new.id, "segment": seg_id, "code": code,
                    "start": ev.get("start"), "end": ev.get("end"), "span": True,
                    "origin": ev.get("origin", "manual")})
    add: AddDraft = {"op": "add", "doc": new.id, "segment": first.id, "code": code,
                     "start": new_start, "end": new_end, "quote": new_quote,
                     "origin": ev.get("origin", "manual"), "decision": ev.get("decision")}
    if also is not None:
        add["segments"] = also
    adds[(first.id, code, new_start, new_end)] = add


def reanchor_project(project: Project, old: Document | None,
                     new: Document) -> ReanchorReport:
    """Re-anchor every coder's codings and memos on ``old`` to ``new``; append the moves;
    return the report. Call it after the new document is saved.

    ``old`` is None when the old version could not be read (a damaged file): codings are
    then placed by their quotes alone, and memos stay on their segment id if it still
    exists.
    """
    report = ReanchorReport(new.id)
    found: tuple[str, Outcome, float] | None
    for coder in codings.coder_names(project):
        state = codings.load_state(project, coder)
        removes: list[EventDraft] = []
        adds: dict[tuple[str, str, int, int], EventDraft] = {}
        memo_events: list[EventDraft] = []
        for (doc_id, seg_id), by_key in sorted(state.spans.items()):
            if doc_id != new.id:
                continue
            for (code, _s, _e), ev in sorted(by_key.items()):
                old_seg = old.segment(seg_id) if old is not None else None
                if old is not None and old_seg is not None and \
                        not whole_segment_coding(old, old_seg, ev):
                    place_span(report, coder, new, ev, removes, adds)
                    continue
                quote = ev.get("quote") or (old.text[old_seg.start:old_seg.end]
                                            if old is not None and old_seg else "")
                start = ev.get("start") or (old_seg.start if old_seg else 0)
                found = locate(new, quote, start)
                if found is None:
                    report.placements.append(Placement(coder, code, seg_id, None, "orphaned",
                                                       0.0))
                    continue
                new_id, outcome, score = found
                seg = new.segment(new_id)
                assert seg is not None
                new_quote = new.text[seg.start:seg.end]
                if (new_id == seg_id and ev.get("start") == seg.start
                        and ev.get("end") == seg.end and ev.get("quote") == new_quote):
                    report.placements.append(Placement(coder, code, seg_id, new_id,
                                                       "unchanged"))
                    continue
                report.placements.append(Placement(coder, code, seg_id, new_id, outcome,
                                                   score))
                removes.append({"op": "remove", "doc": new.id, "segment": seg_id,
                                "code": code, "start": ev.get("start"), "end": ev.get("end"),
                                "span": True, "origin": ev.get("origin", "manual")})
                adds[(new_id, code, seg.start, seg.end)] = {
                    "op": "add", "doc": new.id, "segment": new_id, "code": code,
                    "start": seg.start, "end": seg.end, "quote": new_quote,
                    "origin": ev.get("origin", "manual"), "decision": ev.get("decision")}
        final: dict[str, list[str]] = {}
        current = {seg: m for (d, seg), m in state.memos.items() if d == new.id}
        for seg_id, memo in sorted(current.items()):
            old_seg = old.segment(seg_id) if old is not None else None
            if old is None:
                same = new.segment(seg_id)
                found = (seg_id, "unchanged", 100.0) if same is not None else None
            else:
                quote = old.text[old_seg.start:old_seg.end] if old_seg else ""
                found = locate(new, quote, old_seg.start if old_seg else 0)
            if found is None:
                report.placements.append(Placement(coder, None, seg_id, None, "orphaned", 0))
                final.setdefault(seg_id, []).append(memo)
                continue
            new_id, outcome, score = found
            outcome = "unchanged" if new_id == seg_id else outcome
            report.placements.append(Placement(coder, None, seg_id, new_id, outcome, score))
            final.setdefault(new_id, []).append(memo)
        for seg_id in sorted(set(current) - set(final)):
            memo_events.append({"op": "memo", "doc": new.id, "segment": seg_id, "memo": ""})
        for seg_id, memos in sorted(final.items()):
            text = " | ".join(memos)
            if current.get(seg_id) != text:
                memo_events.append({"op": "memo", "doc": new.id, "segment": seg_id,
                                    "memo": text})
        codings.append_events(project, coder, removes + list(adds.values()) + memo_events)
    return report
