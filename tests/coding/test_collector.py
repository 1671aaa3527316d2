"""The collector pause: what a read made while paused is counted as old when the collector
is switched on again (no young collection walks it), yet a cycle among it is still
collected; objects someone else froze stay frozen."""

from __future__ import annotations

import gc
import weakref

from qcode.coding.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_objects_made_while_paused_are_old_and_cycles_are_still_collected() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        made = [{"n": i} for i in range(50_000)]
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
    assert gc.isenabled()
    young, middle, _ = gc.get_count()
    assert young < 1_000 and middle == 0  # a walk over 50,000 dicts is not pending
    assert any(obj is made for obj in gc.get_objects(generation=2))
    del a, b
    gc.collect()
    assert gone() is None  # the cycle made while paused was collected
    assert len(made) == 50_000


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    keep = [{"frozen": True}]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            _ = [{"n": i} for i in range(1_000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    assert keep


def test_a_pause_inside_a_pause_leaves_the_collector_off_until_the_outer_ends() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
