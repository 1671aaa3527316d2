"""The segment view of a fold: the codes present on each segment, derived from the spans.

:class:`qcode.coding.fold.CoderState` keeps every span under its first segment
(``spans``), and the spans that cross segments also in ``multi``; the view (``codes``) maps
each segment to its codes, each with the add event of one span of the code that overlaps
it. These functions build it from those two mappings (the fold calls them through
``fold.refresh`` and ``fold.rebuild_view``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qcode.coding.events import loads

#: (doc, first segment) -> {(code, start, end): add event}
Spans = dict[tuple[str, str], dict[tuple[str, int, int], Any]]
#: (doc, segment) -> {code: add event}
View = dict[tuple[str, str], dict[str, dict[str, Any]]]


def view_of(spans: Spans, multi: Spans, key: tuple[str, str]) -> dict[str, dict[str, Any]]:
    """The view of one segment: its codes, from the spans that overlap it."""
    view = {k[0]: ev for k, ev in spans.get(key, {}).items()}
    if multi:
        doc, seg = key
        for (d, first), by_key in multi.items():
            if d == doc and first != seg:
                for k, ev in by_key.items():
                    if seg in ev["segments"]:
                        view.setdefault(k[0], ev)
    return view


def refresh_view(codes: View, spans: Spans, multi: Spans,
                 keys: Iterable[tuple[str, str]]) -> None:
    """Bring the view of the segments ``keys`` (doc, segment) up to date, in place."""
    for key in keys:
        view = view_of(spans, multi, key)
        if view:
            codes[key] = view
        else:
            codes.pop(key, None)


def build_view(spans: Spans, multi: Spans) -> View:
    """The whole view (after a fold); event lines still held as bytes by the one-pass
    fold become dicts on the way, in ``spans`` and ``multi`` too."""
    codes: View = {}
    for key, on in spans.items():
        view = {}
        for k, ev in on.items():
            if type(ev) is bytes:
                ev = on[k] = loads(ev)
            view[k[0]] = ev
        codes[key] = view
    for (doc, first), by_key in multi.items():
        for k, ev in by_key.items():
            ev = spans[(doc, first)][k]  # the dict the bytes became
            by_key[k] = ev
            for seg in ev["segments"]:
                if seg != first:
                    codes.setdefault((doc, seg), {}).setdefault(k[0], ev)
    return codes


def touched_segments(ev: dict[str, Any], spans: Spans, multi: Spans) -> list[tuple[str, str]]:
    """The segments whose view an add or remove event may change (given the spans before
    it, and again after it for an add across segments)."""
    key = (ev["doc"], ev["segment"])
    out = [key]
    if multi or ev.get("segments"):
        for k_ev in (*spans.get(key, {}).values(), ev):
            out.extend((ev["doc"], s) for s in k_ev.get("segments") or ())
    return out
