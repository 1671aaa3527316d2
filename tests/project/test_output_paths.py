"""A user-named output never lands in a project's own data (issue 12, item 1): however the
path is spelled, the command is refused with one line, exit 6, and the file is unchanged
byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from qcode._io.gitignore import IGNORED
from qcode.errors import ConflictError, ExitCode
from qcode.outputs import guard_output, write_output
from qcode.project import Project, init_project
from tests.builders import interview


def _refused(spelled: str, part: str, name: str) -> str:
    return (f"Error: {spelled} is in the project's data ({part}); writing there would "
            "replace the project's own files, so nothing was written\n"
            f"Hint: write it outside the project's data folders, e.g. output/{name}\n")


@pytest.fixture
def coded(invoke: Callable[..., Any], project: Project) -> Project:
    project.save_document(interview("T01"))
    for coder in ("ingrid", "lars"):
        r = invoke("--project", str(project.root), "tag", "T01", "T01:0002",
                   "--code", "GOV-MAC-01", "--coder", coder)
        assert r.exit_code == ExitCode.OK, r.stderr
    return project


def _snapshot(project: Project) -> dict[str, bytes]:
    """Every file of the project, by relative path, with its bytes (machine-local files,
    the .gitignore's patterns, left out: a read may refresh them)."""
    return {str(p.relative_to(project.root)): p.read_bytes()
            for p in sorted(project.root.rglob("*"))
            if p.is_file() and not any(fnmatch(p.name, pat) for pat in IGNORED)
            and not any(f"{part}/" in IGNORED  # a machine-local folder (the read index)
                        for part in p.relative_to(project.root).parts[:-1])}


@pytest.mark.parametrize("how", ["relative", "absolute", "dotdot", "dot-segments"])
def test_codings_export_over_the_coders_own_log_is_refused(
        invoke: Callable[..., Any], coded: Project, monkeypatch: pytest.MonkeyPatch,
        how: str) -> None:
    monkeypatch.chdir(coded.root)
    spelled = {"relative": "codings/ingrid.jsonl",
               "absolute": str(coded.root / "codings" / "ingrid.jsonl"),
               "dotdot": f"../{coded.root.name}/codings/ingrid.jsonl",
               "dot-segments": "documents/../codings/./ingrid.jsonl"}[how]
    before = _snapshot(coded)
    r = invoke("codings", "export", "--coder", "ingrid", "--format", "jsonl", "-o", spelled)
    assert r.exit_code == ExitCode.CONFLICT
    # Path() drops "./" but keeps "..": the message names the path as qcode read it
    assert r.stderr == _refused(str(Path(spelled)), "codings/", "ingrid.jsonl")
    assert _snapshot(coded) == before


def test_through_a_linked_folder_outside_the_project(
        invoke: Callable[..., Any], coded: Project, tmp_path: Path) -> None:
    link = tmp_path / "shortcut"
    link.symlink_to(coded.codings_dir, target_is_directory=True)
    before = _snapshot(coded)
    r = invoke("--project", str(coded.root), "codings", "export", "--coder", "ingrid",
               "--format", "jsonl", "-o", str(link / "lars.jsonl"))
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == _refused(str(link / "lars.jsonl"), "codings/", "lars.jsonl")
    assert _snapshot(coded) == before


@pytest.mark.parametrize(("args", "spelled", "part"), [
    (("export", "qdpx", "codings/lars.jsonl"), "codings/lars.jsonl", "codings/"),
    (("export", "qdc", "codebook.yaml"), "codebook.yaml", "codebook.yaml"),
    (("matrix", "--coder", "ingrid", "--format", "csv", "-o", "documents/T01.json"),
     "documents/T01.json", "documents/"),
    (("cooccur", "--coder", "lars", "--format", "json", "-o", "qcode.toml"), "qcode.toml",
     "qcode.toml"),
    (("report", "--coder", "ingrid", "-o", "reconciliations/r.md"), "reconciliations/r.md",
     "reconciliations/"),
    (("codebook", "export", "registry/registry.csv"), "registry/registry.csv", "registry/"),
    (("codings", "export", "--coder", "lars", "-o", "memos/x.csv"), "memos/x.csv", "memos/"),
    (("codings", "export", "--coder", "lars", "-o", "codings/.lars.lock"),
     "codings/.lars.lock", "codings/"),
])
def test_every_writer_refuses_the_projects_data(
        invoke: Callable[..., Any], coded: Project, monkeypatch: pytest.MonkeyPatch,
        args: tuple[str, ...], spelled: str, part: str) -> None:
    monkeypatch.chdir(coded.root)
    before = _snapshot(coded)
    r = invoke(*args)
    assert r.exit_code == ExitCode.CONFLICT, r.output
    assert r.stderr == _refused(spelled, part, Path(spelled).name)
    assert _snapshot(coded) == before


def test_outputs_elsewhere_in_the_project_folder_are_written(
        invoke: Callable[..., Any], coded: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(coded.root)
    r = invoke("codings", "export", "--coder", "ingrid", "--format", "jsonl",
               "-o", "output/ingrid.jsonl")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert (coded.root / "output" / "ingrid.jsonl").read_bytes().count(b"\n") == 1
    r = invoke("export", "qdpx", "study.qdpx")  # the project root itself is not data
    assert r.exit_code == ExitCode.OK, r.stderr


def test_an_output_that_is_a_symbolic_link_is_refused(
        invoke: Callable[..., Any], coded: Project, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_bytes(b"mine\n")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    r = invoke("--project", str(coded.root), "codings", "export", "--coder", "ingrid",
               "-o", str(link))
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == (f"Error: {link} is a symbolic link; qcode does not write output "
                        "through links, so nothing was written\n"
                        "Hint: give the path of a real file (or delete the link first)\n")
    assert link.is_symlink() and target.read_bytes() == b"mine\n"


def test_another_projects_data_is_protected_too(
        invoke: Callable[..., Any], coded: Project, tmp_path: Path) -> None:
    """--project names one project; the file lands in another one's codings/."""
    other = init_project(tmp_path / "other")
    log = other.codings_dir / "ingrid.jsonl"
    log.write_bytes(b"precious\n")
    r = invoke("--project", str(coded.root), "codings", "export", "--coder", "ingrid",
               "--format", "jsonl", "-o", str(log))
    assert r.exit_code == ExitCode.CONFLICT
    assert log.read_bytes() == b"precious\n"


def test_new_projects_are_not_made_inside_a_projects_data(
        invoke: Callable[..., Any], coded: Project) -> None:
    before = _snapshot(coded)
    for args in (("init", str(coded.documents_dir / "nested")),
                 ("demo", str(coded.codings_dir / "demo"))):
        r = invoke(*args)
        assert r.exit_code == ExitCode.CONFLICT, r.output
        assert "is in the project's data" in r.stderr
    assert _snapshot(coded) == before
    assert not (coded.documents_dir / "nested").exists()


def test_the_guard_needs_no_open_project(coded: Project, tmp_path: Path) -> None:
    """The library call finds the project from the target itself."""
    with pytest.raises(ConflictError, match=r"\(codings/\)"):
        write_output(coded.codings_dir / "ingrid.jsonl", "x\n")
    with pytest.raises(ConflictError, match=r"\(codebook.yaml\)"):
        guard_output(coded.root / "codebook.yaml")
    guard_output(tmp_path / "free.csv")  # no project around: allowed


def test_a_moved_codebook_setting_is_protected(coded: Project) -> None:
    """The codebook is protected under the name qcode.toml gives it."""
    settings = coded.root / "qcode.toml"
    text = settings.read_text(encoding="utf-8").replace('"codebook.yaml"', '"cb/main.yaml"')
    settings.write_text(text, encoding="utf-8")
    (coded.root / "cb").mkdir()
    (coded.root / "cb" / "main.yaml").write_bytes((coded.root / "codebook.yaml").read_bytes())
    with pytest.raises(ConflictError, match=r"\(cb/main.yaml\)"):
        guard_output(coded.root / "cb" / "main.yaml")


def test_a_new_project_folder_may_be_a_link_to_an_empty_folder(
        invoke: Callable[..., Any], tmp_path: Path) -> None:
    real = tmp_path / "synced" / "study"
    real.mkdir(parents=True)
    link = tmp_path / "study"
    link.symlink_to(real, target_is_directory=True)
    r = invoke("init", str(link))
    assert r.exit_code == ExitCode.OK, r.stderr
    assert (real / "qcode.toml").is_file()


@pytest.mark.parametrize(("spelled", "part"), [
    ("pseudonyms.csv", "pseudonyms.csv"),
    (".qcode.lock", ".qcode.lock"),
    (".gitignore", ".gitignore"),
    (".gitattributes", ".gitattributes"),
    (".qcode-index/index.sqlite", ".qcode-index/"),
])
def test_the_projects_root_files_are_refused_too(
        invoke: Callable[..., Any], coded: Project, monkeypatch: pytest.MonkeyPatch,
        spelled: str, part: str) -> None:
    """methods -o pseudonyms.csv replaced the pseudonym table with a Markdown paragraph (and
    made one where there was none); the lock, the git settings and the read index likewise."""
    monkeypatch.chdir(coded.root)
    assert invoke("methods").exit_code == ExitCode.OK  # a read first: the index is made
    target = coded.root / spelled
    before = target.read_bytes() if target.exists() else None
    r = invoke("methods", "--format", "md", "-o", spelled)
    assert r.exit_code == ExitCode.CONFLICT, r.output
    assert r.stderr == _refused(spelled, part, Path(spelled).name)
    after = target.read_bytes() if target.exists() else None
    if part == ".qcode-index/":  # a read refreshes the index itself: still the database
        assert after is None or after.startswith(b"SQLite format 3\0")
        assert not (coded.root / spelled).is_file() or b"Methods" not in after
    else:
        assert after == before


def test_the_root_names_are_the_ones_their_modules_use() -> None:
    from qcode._io.project_lock import LOCK_NAME
    from qcode.index.store import INDEX_DIR
    from qcode.outputs import ROOT_DATA_FILES, ROOT_DATA_FOLDERS
    from qcode.pseudonyms.table import TABLE_FILE
    assert {LOCK_NAME, TABLE_FILE} <= set(ROOT_DATA_FILES)
    assert INDEX_DIR in ROOT_DATA_FOLDERS
