"""What a decision writes into the consensus coder's log: its spans, segment by segment.

A decision names the codes chosen for one segment and, where coders marked parts of it,
the consensus positions of each (``chosen_spans``); a chosen code without positions covers
the whole segment. :func:`decision_events` compares that with the consensus coder's spans
starting in the segment (within the decision's codes), and gives the events that take off
what is no longer chosen and add what is new; the state is brought up to date as it goes,
so several decisions on one segment in one batch build on each other, and
:class:`Written` keeps that state for the run's next decisions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode.coding.drafts import AddDraft, EventDraft, RemoveDraft
from qcode.coding.fold import CoderState
from qcode.reconcile.ledger import Decision


def wanted(d: Decision, bounds: tuple[int, int]) -> set[tuple[str, int, int]]:
    """The (code, start, end) spans the decision puts on its segment."""
    return {(code, s, e) for code in d.chosen if d.covers(code)
            for s, e in d.chosen_coverage(code, bounds)}


def decision_events(state: CoderState, text: str, bounds: tuple[int, int],
                    d: Decision) -> list[EventDraft]:
    """The consensus coder's events for decision ``d`` (origin ``reconciled``, each
    pointing to it; ``text``: the document's); ``state`` is updated to hold their result."""
    key = d.key
    on: dict[Any, dict[str, Any]] = state.spans.setdefault(key, {})
    # a span without offsets (an old log) is its whole segment
    have = {(k[0], *(bounds if k[1] < 0 else (k[1], k[2]))): k for k in on if d.covers(k[0])}
    want = wanted(d, bounds)
    events: list[EventDraft] = []
    for norm in sorted(set(have) - want):
        code, s, e = k = have[norm]
        gone: RemoveDraft = {"op": "remove", "doc": d.doc, "segment": d.segment, "code": code,
                             "start": None if s < 0 else s, "end": None if e < 0 else e,
                             "span": True, "origin": "reconciled", "decision": d.id}
        events.append(gone)
        del on[k]
    for code, s, e in sorted(want - set(have)):
        added: AddDraft = {"op": "add", "doc": d.doc, "segment": d.segment, "start": s,
                           "end": e, "quote": text[s:e], "code": code,
                           "origin": "reconciled", "decision": d.id}
        events.append(added)
        on[(code, s, e)] = dict(added)
    if on:
        view = state.codes.setdefault(key, {})
        view.clear()
        view.update({k[0]: ev for k, ev in on.items()})
    else:
        del state.spans[key]
        state.codes.pop(key, None)
    return events


@dataclass
class Written:
    """The consensus coder's state as a run's last append left it (``state``, brought up to
    date by :func:`decision_events`), and the log file's status just after that append,
    taken under the log's lock (``after``; None: nothing was appended)."""

    state: CoderState
    after: os.stat_result | None

    def current(self, log: Path) -> CoderState | None:
        """The state, while the log at ``log`` is still the file as that append left it
        (same size, times and inode: any later write changes its change time); else None,
        and the log must be folded again."""
        if self.after is None:
            return None
        try:
            now = os.lstat(log)
        except OSError:
            return None
        a = self.after
        same = (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns, now.st_ctime_ns) == \
            (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns)
        return self.state if same else None
