"""Archives (.docx transcripts, .qdpx projects) are bounded in what they may expand to."""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qcode._io import limits
from qcode.errors import ExitCode
from qcode.project import Project
from qcode.refiqda.exporter import export_qdpx
from tests.builders import DATA, make_doc

WORD = DATA / "formats" / "docx_word_transcribe.docx"


@pytest.fixture(autouse=True)
def default_limits() -> Iterator[None]:
    yield
    limits.use_project_limits(limits.Limits())


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


def rezip(source: Path, target: Path, extra: dict[str, bytes] | None = None,
          drop: tuple[str, ...] = ()) -> Path:
    """A copy of the ZIP ``source`` with ``extra`` entries added (deflated)."""
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename not in drop:
                out.writestr(info.filename, src.read(info))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return target


def declare_size(path: Path, entry: str, size: int) -> None:
    """Make the local and central headers of ``entry`` claim ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    name = entry.encode()
    for signature, name_len_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30),
                                                     (b"PK\x01\x02", 28, 24, 46)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + name_len_at)[0]
            if bytes(data[at + name_at:at + name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def hint(key: str, value: str) -> str:
    return (f"Hint: if the file is right, raise the limit: QCODE_{key.upper()}={value} "
            f"qcode ..., or in qcode.toml: [limits] {key} = {value}\n")


# ------------------------------------------------------------------ .docx


def test_docx_part_with_a_bomb_ratio_is_refused(q: Callable[..., Any], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                project: Project) -> None:
    path = rezip(WORD, tmp_path / "talk.docx", {"word/media/pad.bin": b"\0" * 3_000_000})
    assert path.stat().st_size < 60_000
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}: refused: entry 'word/media/pad.bin' expands ")
    assert first.endswith(" times (a zip bomb?), more than the limit max_zip_ratio = 200; "
                          "nothing was ingested")
    assert result.stderr.endswith(hint("max_zip_ratio", "800"))
    assert project.document_ids() == []
    monkeypatch.setenv("QCODE_MAX_ZIP_RATIO", "100000")  # the bound, and only it, refused it
    assert q("ingest", str(path)).exit_code == ExitCode.OK


def test_docx_over_the_archive_bound_is_refused(q: Callable[..., Any], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_ARCHIVE_MB", "0.001")
    path = rezip(WORD, tmp_path / "talk.docx")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}: refused: the archive expands to ")
    assert first.endswith(" bytes, more than the limit max_archive_mb = 0.001; nothing was "
                          "ingested")


def test_docx_whose_sizes_lie_is_stopped_while_streaming(q: Callable[..., Any],
                                                         tmp_path: Path) -> None:
    path = rezip(WORD, tmp_path / "talk.docx", {"word/media/pad.bin": b"\0" * 3_000_000})
    declare_size(path, "word/media/pad.bin", 1000)  # passes the directory check
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}: ")
    assert "entry 'word/media/pad.bin'" in first and first.endswith("nothing was ingested")


def test_plain_docx_still_ingests(q: Callable[..., Any], tmp_path: Path) -> None:
    path = rezip(WORD, tmp_path / "talk.docx")
    assert q("ingest", str(path)).exit_code == ExitCode.OK


# ------------------------------------------------------------------ .qdpx


@pytest.fixture
def exported(project: Project, tmp_path: Path) -> Path:
    project.save_document(make_doc("N01", [("I", "How is it going?"),
                                           ("R", "Video calls save travel.")]))
    path = tmp_path / "study.qdpx"
    export_qdpx(project, path)
    return path


def test_qdpx_source_with_a_bomb_ratio_is_refused(invoke: Callable[..., Any], tmp_path: Path,
                                                  exported: Path) -> None:
    path = rezip(exported, tmp_path / "bomb.qdpx", {"sources/pad.txt": b"a" * 3_000_000})
    result = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0].startswith(
        f"Error: {path}: refused: entry 'sources/pad.txt' expands ")
    assert not (tmp_path / "new").exists()


def test_qdpx_with_two_project_files_is_ambiguous(invoke: Callable[..., Any], tmp_path: Path,
                                                  exported: Path) -> None:
    with zipfile.ZipFile(exported) as zf:
        qde = next(n for n in zf.namelist() if n.endswith(".qde"))
        body = zf.read(qde)
    path = rezip(exported, tmp_path / "two.qdpx", {"other.qde": body})
    result = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}: refused as ambiguous: 2 project files at the top of the archive "
        f"({', '.join(sorted([qde, 'other.qde']))}); nothing was imported\n"
        "Hint: export one project per .qdpx, or unpack it and import the .qde you mean\n")
    assert not (tmp_path / "new").exists()


def test_qdpx_source_above_the_transcript_bound_is_refused(
        invoke: Callable[..., Any], tmp_path: Path, exported: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_TRANSCRIPT_MB", "0.00001")  # 10 characters
    result = invoke("import", "qdpx", str(exported), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith(
        f"Error: {exported}: source 'N01': the transcript holds 42 characters, "
        "more than the limit max_transcript_mb = 1e-05; nothing was imported\n")
    assert not (tmp_path / "new").exists()


def test_qdpx_source_with_too_many_lines_is_refused(
        invoke: Callable[..., Any], tmp_path: Path, exported: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_SEGMENTS", "1")
    result = invoke("import", "qdpx", str(exported), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "the transcript has 2 segments (turns, cues or paragraphs), more than the limit " \
           "max_segments = 1; nothing was imported" in result.stderr


@pytest.mark.parametrize(("kind", "hint"), [("qdpx", "give the path of a .qdpx file"),
                                            ("qdc", "save a codebook file to a file and "
                                                    "give that file's path")])
def test_a_device_is_never_opened_as_an_archive(q: Callable[..., Any], kind: str,
                                                hint: str) -> None:
    result = q("import", kind, "/dev/zero", "--dry-run")
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert result.stderr == ("Error: /dev/zero is not a regular file (a device, pipe or "
                             f"socket); nothing was imported\nHint: {hint}\n")


def test_qdpx_media_are_not_read_so_not_counted(invoke: Callable[..., Any], tmp_path: Path,
                                                exported: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCODE_MAX_ARCHIVE_MB", "1")
    path = rezip(exported, tmp_path / "media.qdpx",
                 {"sources/interview.mp4": os.urandom(1_500_000)})  # incompressible
    result = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.OK, result.output
    assert Project(tmp_path / "new").document_ids() == ["N01"]
    bigger = rezip(exported, tmp_path / "text.qdpx",
                   {"sources/extra.txt": os.urandom(1_500_000)})  # a text: read, counted
    result = invoke("import", "qdpx", str(bigger), "--into", str(tmp_path / "new2"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "more than the limit max_archive_mb = 1" in result.stderr
