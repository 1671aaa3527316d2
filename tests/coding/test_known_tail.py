"""An append right after this process's last append to the same log takes the last seq and
time from what it wrote (``log_file._known_tail``) instead of reading the last line back,
but only while the log ends with exactly those bytes: a line appended by someone else, a
torn line, or a log replaced since, are read back as before."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qcode.coding import log_file
from qcode.coding.drafts import EventDraft
from qcode.coding.log_file import append_locked


def _events(n: int, doc: str = "D1") -> list[EventDraft]:
    return [{"op": "add", "doc": doc, "segment": f"{doc}:{i + 1:04d}", "code": "C",
             "start": 0, "end": 1, "quote": "x"} for i in range(n)]


def _append(path: Path, events: list[EventDraft]) -> list[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
    try:
        return [r.seq for r in append_locked(fd, events, path).records]
    finally:
        os.close(fd)


def _lines(path: Path) -> list[object]:
    return [json.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


def test_the_next_append_continues_from_its_own_line(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "a.jsonl"
    assert _append(log, _events(3)) == [1, 2, 3]
    read_back: list[int] = []
    real = log_file._last_event
    monkeypatch.setattr(log_file, "_last_event",
                        lambda fd, size: read_back.append(size) or real(fd, size))
    assert _append(log, _events(2)) == [4, 5]
    assert _append(log, _events(1)) == [6]
    assert read_back == []  # each time the log ended with the line just written
    first, second, third = _lines(log)
    assert isinstance(first, list) and isinstance(second, list) and isinstance(third, dict)
    assert second[0]["time"] >= first[-1]["time"] and third["time"] >= second[-1]["time"]


def test_a_line_someone_else_appended_is_read_back(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    _append(log, _events(2))
    with open(log, "ab") as fh:  # another writer (another machine's line after a merge)
        fh.write(b'{"op":"done","seq":40,"time":"2999-01-01T00:00:00.000000Z","doc":"D1",'
                 b'"origin":"manual","id":"00aa00aa00aa00aa"}\n')
    assert _append(log, _events(1)) == [41]
    last = _lines(log)[-1]
    assert isinstance(last, dict) and last["time"] == "2999-01-01T00:00:00.000000Z"


def test_a_torn_line_after_it_is_closed_first(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    _append(log, _events(2))
    with open(log, "ab") as fh:
        fh.write(b'{"op":"add","seq":3,"ti')  # a writer killed mid-line
    assert _append(log, _events(1)) == [3]
    assert log.read_bytes().endswith(b'"ti\n' + log.read_bytes().split(b"\n")[-2] + b"\n")


def test_a_replaced_log_is_read_back(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    _append(log, _events(2))
    other = tmp_path / "b.jsonl"
    _append(other, _events(5))  # this process's last append is now to another log
    data = log.read_bytes()
    log.unlink()
    log.write_bytes(data[:data.index(b"\n") + 1] + data)  # same last line, more before it
    assert _append(log, _events(1)) == [3]
    _append(other, _events(1))
    os.replace(log, other)  # the other log replaced by one ending differently
    assert _append(other, _events(1)) == [4]
