"""Python's cycle collector paused for the length of one allocation-heavy step.

Reconciling and diffing build hundreds of thousands of small, short-lived objects (code
sets, units, decisions) that reference counting frees; none form cycles that must go before
the step ends. The cycle collector still runs every few hundred allocations and, as the
heap grows, rescans everything alive: about a third of a large reconciliation's CPU time.
:func:`gc_paused` turns it off for the decorated call and back on after (when it was on),
so nesting is harmless. Nothing is collected on the way out: what the step left alive is
moved to the oldest generation (:func:`settle`) and collected by a later full pass.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def gc_paused(fn: Callable[P, T]) -> Callable[P, T]:
    """Run ``fn`` with the cycle collector off (results are unchanged: only when garbage
    cycles are freed moves)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_on:
                settle()
                gc.enable()

    return wrapper


def settle() -> None:
    """Move every object the collector tracks to its oldest generation without scanning
    them (``freeze`` then ``unfreeze``), so turning it back on does not rescan at once all
    that the paused step left alive (a full pass over a large plan takes most of a second).
    Objects someone else froze stay frozen: then ours join them."""
    if gc.get_freeze_count():
        gc.freeze()
        return
    gc.freeze()
    gc.unfreeze()
