"""Coding the hits of a search: every hit (its exact span, or with ``whole`` the segments
it touches) gets the codes, as ONE action of the coder.

The events are planned from the coder's state (a code already on exactly that span is left
alone; two hits on one segment with ``whole`` code it once) with origin ``search``, then
appended by :func:`qcode.coding.store.append_events` as one line of the coder's log: one
fsynced append under the coder's lock, with the project lock held shared (so it waits for
an ``ingest --replace``). ``qcode undo --coder C`` reverts the whole action. A dry run
plans the same events and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qcode.codebook.lookup import resolve_code
from qcode.coding import store
from qcode.coding.drafts import AddDraft, MemoDraft
from qcode.errors import UsageError
from qcode.models import CodingEvent, Document
from qcode.project import Project
from qcode.search.run import Hit


@dataclass(frozen=True)
class Target:
    """One span to code: ``[start, end)`` of ``doc``, in ``segments``."""

    doc: str
    start: int
    end: int
    segments: tuple[str, ...]


@dataclass(frozen=True)
class HitCoding:
    """What coding the hits does (or, on a dry run, would do)."""

    coder: str
    codes: list[str]
    whole: bool
    targets: list[Target]
    #: the add events (one per target and code not already there)
    events: list[AddDraft]
    #: (target, code) pairs already coded, left alone
    already: int
    dry_run: bool
    written: list[CodingEvent]

    @property
    def added(self) -> int:
        return len(self.events)


def _targets(docs: dict[str, Document], hits: Sequence[Hit], whole: bool) -> list[Target]:
    out: dict[tuple[str, int, int], Target] = {}
    for h in hits:
        if whole:
            doc = docs[h.doc]
            for sid in h.segments:
                seg = doc.segment(sid)
                assert seg is not None  # the hit was found in this document's segments
                out.setdefault((h.doc, seg.start, seg.end),
                               Target(h.doc, seg.start, seg.end, (sid,)))
        else:
            out.setdefault((h.doc, h.start, h.end), Target(h.doc, h.start, h.end, h.segments))
    return list(out.values())


def code_hits(project: Project, hits: Sequence[Hit], coder: str, codes: Sequence[str], *,
              whole: bool = False, dry_run: bool = False) -> HitCoding:
    """Code ``hits`` with ``codes`` (ids or names) for ``coder`` as one action (see the
    module docstring); with ``dry_run``, only say what would be coded."""
    store.log_path(project, coder, create=True)  # a valid name, not clashing with another
    if not codes:
        raise UsageError("--code needs at least one code", hint="e.g. --code GOV-MAC-01")
    code_ids = list(dict.fromkeys(resolve_code(project.codebook, c).id for c in codes))
    docs = {d: project.load_document(d) for d in dict.fromkeys(h.doc for h in hits)}
    targets = _targets(docs, hits, whole)
    state = store.load_state_or_empty(project, coder)
    events: list[AddDraft] = []
    for t in targets:
        planned: list[AddDraft | MemoDraft] = store.span_add_events(
            state, docs[t.doc], t.start, t.end, code_ids, origin="search")
        events.extend(e for e in planned if e["op"] == "add")
    already = len(targets) * len(code_ids) - len(events)
    written = [] if dry_run or not events else store.append_events(project, coder, events)
    return HitCoding(coder, code_ids, whole, targets, events, already, dry_run, written)
