"""Python's cyclic garbage collector paused while a read command builds its records.

Reading a large project makes hundreds of thousands of small objects (the fold's events
and spans, codings, excerpts, agreement columns) that all live until the command ends and
hold no reference cycles. The collector, which runs whenever enough new objects have been
made, then walks every one of them again and again and frees nothing: at 2,000 transcripts
it cost about a quarter of a report's CPU time (benchmarks/README.md). Commands pause it
around that work with :func:`collector_paused`; it is switched on again afterwards (if it
was on), with what was made meanwhile counted as old (:func:`settled`) so that the next
young collections do not walk it all; a full collection still collects any cycle left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (or a decorated call); nested
    pauses leave it to the outermost one to switch it on again."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            settled()
            gc.enable()


def settled() -> None:
    """Count every object alive now as old (in the collector's oldest generation) without
    walking them: the objects a read made while the collector was paused would otherwise be
    walked by the next young collection, and again by the middle one (0.17 s of a warm
    ``matrix`` at 2,000 transcripts). They are still collected, if ever part of a cycle, by
    the next full collection. Left alone where someone else froze objects (``gc.freeze``)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()  # every generation into the permanent one (a list splice)
        gc.unfreeze()  # and from there into the oldest generation
