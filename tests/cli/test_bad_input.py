"""QA: bad input to the landed commands gets one clear line and a named exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from qcode.refiqda.exporter import export_qdpx


def test_init_under_a_file_is_one_line_not_a_bug(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    r = invoke("init", str(tmp_path / "afile" / "study"))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: cannot create a project in {tmp_path / 'afile' / 'study'} "
                        "(Not a directory)\n"
                        "Hint: choose a folder you can write to (its parent must be a "
                        "folder)\n")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a folder the user cannot write to")
def test_init_in_a_read_only_folder_is_one_line(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = invoke("init", str(ro / "study"))
    finally:
        ro.chmod(0o700)
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr.startswith(f"Error: cannot create a project in {ro / 'study'} "
                               "(Permission denied)\n")


def test_init_next_step_is_a_command_that_works(invoke, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    spaced = tmp_path / "my study"
    r = invoke("init", str(spaced))
    assert r.exit_code == 0
    assert r.stderr.splitlines()[-1] == f"Next: cd '{spaced}' && qcode ingest TRANSCRIPTS..."
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    r = invoke("init")
    assert r.exit_code == 0
    assert r.stderr.splitlines()[-1] == "Next: qcode ingest TRANSCRIPTS..."


def test_import_qdc_given_a_qdpx_says_so(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qdpx = tmp_path / "whole.qdpx"
    export_qdpx(project, qdpx)
    before = project.codebook_path.read_bytes()
    r = invoke("--project", str(project.root), "import", "qdc", str(qdpx))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {qdpx} is a ZIP archive (a .qdpx project?), not a .qdc "
                        "codebook; nothing was imported\n"
                        f"Hint: import a whole project with: qcode import qdpx {qdpx}\n")
    assert project.codebook_path.read_bytes() == before


def test_import_qdpx_given_a_qdc_says_so(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qdc = tmp_path / "codes.qdc"
    assert invoke("--project", str(project.root), "export", "qdc", str(qdc)).exit_code == 0
    r = invoke("import", "qdpx", str(qdc), "--into", str(tmp_path / "new"))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {qdc}: a REFI-QDA codebook (.qdc), not a project (.qdpx); "
                        "nothing was imported\n"
                        f"Hint: import it with: qcode import qdc {qdc}\n")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("args", [
    ("export", "qdpx", "{out}"),
    ("export", "qdc", "{out}"),
    ("codebook", "export", "{out}", "--format", "md"),
    ("registry", "summary", "--format", "svg", "-o", "{out}"),
])
def test_output_path_that_cannot_be_written_is_one_line(invoke, project: Project,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path, args: tuple) -> None:
    """An output path that is a folder, or lies under a file, was 'a bug in qcode'."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    p = ("--project", str(project.root))
    if "registry" in args:
        reg = tmp_path / "reg.csv"
        reg.write_text("year,region,hospital,specialty,outpatient_visits,"
                       "telemedicine_contacts\n2010,N,H,S,10,1\n", encoding="utf-8")
        assert invoke(*p, "registry", "import", str(reg)).exit_code == 0
    folder = tmp_path / "out"
    folder.mkdir()
    for out, why in ((folder, "Is a directory"), (tmp_path / "afile" / "x.out", None)):
        r = invoke(*p, *[a.format(out=out) for a in args])
        assert r.exit_code in (ExitCode.INVALID_INPUT, ExitCode.USAGE), r.stderr
        first = r.stderr.splitlines()[0]
        if why and r.exit_code == ExitCode.INVALID_INPUT:
            assert first == f"Error: cannot write {out} ({why}); nothing was written there"
        assert "bug" not in r.stderr and len(r.stderr.splitlines()) == 2
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_import_qdpx_given_a_folder(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A folder was reported as 'no such file'."""
    r = invoke("--project", str(project.root), "import", "qdpx", str(tmp_path))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {tmp_path} is a folder, not a .qdpx or .qde file; nothing "
                        "was imported\nHint: give the .qdpx file, or the .qde file of an "
                        "unpacked project\n")


def test_an_output_under_a_file_is_named_not_a_folder(invoke, project: Project,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    """-o afile/x.qdc said 'File exists' (from making the folder afile)."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = tmp_path / "afile" / "x.qdc"
    r = invoke("--project", str(project.root), "export", "qdc", str(out))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: cannot write {out} (Not a directory); nothing was written "
                        "there\nHint: give a file name in a folder you can write to\n")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"
