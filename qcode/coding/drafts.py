"""The events qcode writes to a coder log, typed: every field but ``seq`` and ``time``.

A draft is what a caller hands to :func:`qcode.coding.store.append_events`; the log file
numbers and stamps it and writes it through :class:`qcode.models.CodingEvent`. Reading goes
the other way: a log line is untrusted JSON, so it stays a ``dict[str, Any]`` that
:func:`qcode.coding.events.event_ok` checks before the fold uses it.

>>> draft: DoneDraft = {"op": "done", "doc": "N01"}
>>> sorted(draft)
['doc', 'op']
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from qcode.models import Origin


class AddDraft(TypedDict):
    """A code put on a span ``[start, end)`` of the document text, with the span's exact
    text as its quote; ``segment`` is the first segment the span lies in, and a span across
    segments lists them all in ``segments`` (a whole segment: its offsets and text)."""

    op: Literal["add"]
    doc: str
    segment: str
    code: str
    start: int
    end: int
    quote: str
    segments: NotRequired[list[str]]
    origin: NotRequired[Origin]
    #: for origin=reconciled: the decision behind it
    decision: NotRequired[str | None]


class RemoveDraft(TypedDict):
    """A code taken off a span: the span of ``segment`` with this code and these offsets
    (``span`` true; removes in logs written before spans lack it and take the code off
    the segment)."""

    op: Literal["remove"]
    doc: str
    segment: str
    code: str
    start: NotRequired[int | None]
    end: NotRequired[int | None]
    span: NotRequired[bool]
    origin: NotRequired[Origin]
    decision: NotRequired[str | None]


class MemoDraft(TypedDict):
    """A note on a segment; empty text clears it."""

    op: Literal["memo"]
    doc: str
    segment: str
    memo: str
    origin: NotRequired[Origin]


class DoneDraft(TypedDict):
    """A document marked completely coded (``done``), or not (``reopen``)."""

    op: Literal["done", "reopen"]
    doc: str
    origin: NotRequired[Origin]


class UndoDraft(TypedDict):
    """Reverts the event numbered ``target`` (whose id is ``target_id``, None in a log
    written before ids)."""

    op: Literal["undo"]
    doc: str
    target: int
    target_id: NotRequired[str | None]


EventDraft = AddDraft | RemoveDraft | MemoDraft | DoneDraft | UndoDraft
