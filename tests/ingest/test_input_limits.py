"""Endless or enormous inputs are refused quickly, with one line naming the bound to raise."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qcode._io import limits
from qcode._io.textfile import read_user_text
from qcode.errors import ExitCode, InvalidInputError, ProjectDamagedError
from qcode.project import Project


@pytest.fixture(autouse=True)
def default_limits() -> Iterator[None]:
    """A project's [limits] stay in force until the next project opens: reset them after."""
    yield
    limits.use_project_limits(limits.Limits())


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


def hint(key: str, value: str) -> str:
    return (f"Hint: if the file is right, raise the limit: QCODE_{key.upper()}={value} "
            f"qcode ..., or in qcode.toml: [limits] {key} = {value}\n")


@pytest.mark.parametrize(("args", "what", "tail"), [
    (("ingest", "/dev/zero"), "a transcript", "; nothing was ingested"),
    (("codings", "import", "/dev/zero", "--coder", "ann"), "a codings file (CSV or JSONL)",
     "; nothing was imported"),
    (("registry", "import", "/dev/zero"), "a registry CSV", "; nothing was imported"),
    (("agree", "--ratings", "/dev/zero"), "a ratings CSV", ""),
    (("ingest", "x.txt", "--attributes", "/dev/zero"), "an attributes CSV",
     "; nothing was changed"),
])
def test_endless_device_is_refused_before_reading(q: Callable[..., Any], args: tuple[str, ...],
                                                  what: str, tail: str) -> None:
    began = time.perf_counter()
    result = q(*args)
    assert time.perf_counter() - began < 5
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert result.stderr == (
        f"Error: /dev/zero is not a regular file (a device, pipe or socket){tail}\n"
        f"Hint: save {what} to a file and give that file's path\n")


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInputError) as err:
        read_user_text(fifo, "a ratings CSV")  # would block forever on open() without O_NONBLOCK
    assert err.value.message == f"{fifo} is not a regular file (a device, pipe or socket)"


def test_file_above_max_file_mb_is_refused(q: Callable[..., Any], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_FILE_MB", "0.001")  # 1048 bytes
    path = tmp_path / "talk.txt"
    path.write_text("I: hello there\n" * 100, encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}: the file is 1500 bytes, more than the limit max_file_mb = 0.001; "
        "nothing was ingested\n" + hint("max_file_mb", "0.004"))


def vtt(cues: int) -> str:
    lines = ["WEBVTT", ""]
    for i in range(cues):
        lines += [f"00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.900",
                  f"<v {'AB'[i % 2]}>Sentence number {i}.", ""]
    return "\n".join(lines)


def test_too_many_cues_are_refused(q: Callable[..., Any], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch, project: Project) -> None:
    monkeypatch.setenv("QCODE_MAX_SEGMENTS", "20")
    path = tmp_path / "call.vtt"
    path.write_text(vtt(21), encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}: the transcript has 21 segments (turns, cues or paragraphs), more "
        "than the limit max_segments = 20; nothing was ingested\n" + hint("max_segments", "80"))
    assert project.document_ids() == []
    path.write_text(vtt(20), encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK


def test_sentences_beyond_max_segments_are_refused(q: Callable[..., Any], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_SEGMENTS", "5")
    path = tmp_path / "talk.txt"
    path.write_text("I: One. Two. Three. Four. Five. Six.\n", encoding="utf-8")
    result = q("ingest", str(path), "--unit", "sentence")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "the transcript has 6 segments" in result.stderr


def test_transcript_text_above_the_bound_is_refused(q: Callable[..., Any], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_TRANSCRIPT_MB", "0.0001")  # 104 characters
    path = tmp_path / "talk.txt"
    path.write_text("I: " + "word " * 30 + "\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}: the transcript holds over 104 characters, more than the limit "
        "max_transcript_mb = 0.0001; nothing was ingested\n"
        + hint("max_transcript_mb", "0.0004"))


def test_transcript_bound_counts_characters_not_bytes(q: Callable[..., Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      project: Project) -> None:
    monkeypatch.setenv("QCODE_MAX_TRANSCRIPT_MB", "0.0001")  # 104 characters
    path = tmp_path / "tromsø.txt"
    path.write_text("I: " + "ø" * 90 + "\n", encoding="utf-8")  # 184 bytes, 94 characters
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK, result.output
    assert project.document_ids() == ["tromso"]


def test_long_segment_bound_comes_from_qcode_toml(q: Callable[..., Any], tmp_path: Path,
                                                  project: Project) -> None:
    settings = project.root / "qcode.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + "\n[limits]\nmax_segment_chars = 50\n", encoding="utf-8")
    path = tmp_path / "talk.txt"
    path.write_text("I: Short question?\nR: " + "yes " * 20 + "\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}: segment talk:0002 holds 79 characters (every coding of it would "
        "store them all as its quote), more than the limit max_segment_chars = 50; nothing "
        "was ingested\n" + hint("max_segment_chars", "200"))
    assert project.document_ids() == []


def test_unknown_limit_in_qcode_toml_is_named(project: Project) -> None:
    settings = project.root / "qcode.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + "\n[limits]\nmax_words = 5\n", encoding="utf-8")
    with pytest.raises(ProjectDamagedError) as err:
        Project(project.root)
    assert err.value.message == f"{settings}: [limits] has no setting 'max_words'"


def test_bad_environment_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_SEGMENTS", "lots")
    with pytest.raises(InvalidInputError) as err:
        limits.current()
    assert err.value.message == "QCODE_MAX_SEGMENTS='lots' is not a positive number"
