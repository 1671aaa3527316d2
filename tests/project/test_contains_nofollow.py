"""Scanning a data file for byte strings a chunk at a time finds exactly what a search of
the whole file finds, a needle cut by a chunk boundary included; a link is refused."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode._io.nofollow import contains_nofollow
from qcode.errors import ProjectDamagedError

_bytes = st.binary(max_size=60).map(lambda b: bytes(x % 4 + 97 for x in b))


@settings(max_examples=300, deadline=None)
@given(_bytes, st.lists(_bytes.filter(bool), min_size=1, max_size=3).map(tuple),
       st.integers(1, 9))
def test_a_chunked_scan_finds_what_the_whole_file_holds(data: bytes,
                                                        needles: tuple[bytes, ...],
                                                        chunk: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.jsonl"
        path.write_bytes(data)
        assert contains_nofollow(path, needles, chunk) == any(n in data for n in needles)


def test_the_consensus_marker_across_a_chunk_boundary_is_found(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    marker = b'"origin":"reconciled"'
    path.write_bytes(b"x" * 1000 + marker + b"y" * 10)
    for chunk in (1, 7, 1005, 1010, 4096):
        assert contains_nofollow(path, (marker,), chunk)
    assert not contains_nofollow(path, (b'"origin": "reconciled"',), 7)


def test_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real.jsonl").write_bytes(b"abc")
    os.symlink(tmp_path / "real.jsonl", tmp_path / "link.jsonl")
    with pytest.raises(ProjectDamagedError):
        contains_nofollow(tmp_path / "link.jsonl", (b"abc",))


@settings(max_examples=200, deadline=None)
@given(_bytes, st.lists(_bytes, min_size=2, max_size=3), _bytes.filter(bool),
       st.integers(1, 9), st.integers(0, 60))
def test_needles_with_a_common_end_are_found_where_one_of_them_is(
        data: bytes, heads: list[bytes], end: bytes, chunk: int, at: int) -> None:
    # the scan looks for the end the needles share first (one search a block, not one per
    # needle): as the two spellings of the consensus marker share '"reconciled"'
    needles = tuple(h + end for h in heads)
    for placed in (data, data[:at] + needles[-1] + data[at:]):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "log.jsonl"
            path.write_bytes(placed)
            assert contains_nofollow(path, needles, chunk) == \
                any(n in placed for n in needles)
