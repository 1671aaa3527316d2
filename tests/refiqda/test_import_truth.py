"""Imports tell the truth: anything dropped exits PARTIAL with its report, an import that
takes nothing is refused and writes nothing, and codes without a level never silently lose
their codings in a project with levels."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding.store import add_codes, coder_names, current_codings
from qcode.errors import ExitCode
from qcode.project import Project, init_project
from qcode.refiqda.exporter import export_qdpx
from tests.builders import make_doc

FLAT_CODEBOOK = """\
name: Flat study
themes:
  - {id: T, name: Telemedicine}
codes:
  - {id: VIDEO, name: Video visits, theme: T}
  - {id: MONEY, name: Money, theme: T}
"""


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


@pytest.fixture
def flat_qdpx(tmp_path: Path) -> Path:
    """A .qdpx from a study whose codebook has no levels: 3 codings by ann."""
    (tmp_path / "flat.yaml").write_text(FLAT_CODEBOOK, encoding="utf-8")
    source = init_project(tmp_path / "flat", codebook=tmp_path / "flat.yaml")
    doc = make_doc("F1", [("I", "Do you use video?"), ("R", "Yes, it saves money.")])
    source.save_document(doc)
    add_codes(source, "ann", doc, ["F1:0002"], ["VIDEO", "MONEY"])
    add_codes(source, "ann", doc, ["F1:0001"], ["VIDEO"])
    path = tmp_path / "flat.qdpx"
    export_qdpx(source, path)
    return path


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


def test_codes_without_a_level_are_refused_before_writing(q: Callable[..., Any],
                                                          project: Project,
                                                          flat_qdpx: Path) -> None:
    before = listing(project.root)
    result = q("import", "qdpx", str(flat_qdpx))
    assert result.exit_code == ExitCode.CONFLICT, result.output
    assert result.stderr == (
        f"Error: {flat_qdpx}: 2 codes in the file have no level, but every code of this "
        "project has one (micro, meso, macro); 3 codings on them would be lost; nothing "
        "was imported\n"
        "  'Video visits' (VIDEO)\n"
        "  'Money' (MONEY)\n"
        "Hint: place them with --map-levels \"*=micro\" (every code without a level) or "
        "name the file's level nodes (--map-levels \"Macro=macro,...\"), or import into a "
        "new project with --into DIR\n")
    assert listing(project.root) == before  # no document, no codebook backup, no log


def test_map_levels_star_places_them_and_keeps_every_coding(q: Callable[..., Any],
                                                            project: Project,
                                                            flat_qdpx: Path) -> None:
    result = q("import", "qdpx", str(flat_qdpx), "--map-levels", "*=meso")
    assert result.exit_code == ExitCode.OK, result.output
    cb = Project(project.root).codebook
    assert cb.code("VIDEO") is not None and cb.code("VIDEO").level == "meso"
    assert cb.code("MONEY").level == "meso"
    assert coder_names(project) == ["ann"]
    assert sorted((c.segment, c.code) for c in current_codings(project, "ann")) == [
        ("F1:0001", "VIDEO"), ("F1:0002", "MONEY"), ("F1:0002", "VIDEO")]


def test_into_a_new_project_keeps_the_codes_as_they_are(invoke: Callable[..., Any],
                                                        tmp_path: Path,
                                                        flat_qdpx: Path) -> None:
    result = invoke("import", "qdpx", str(flat_qdpx), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.OK, result.output
    assert len(current_codings(Project(tmp_path / "new"), "ann")) == 3


def without_sources(qdpx: Path, target: Path) -> Path:
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            if not info.filename.lower().startswith("sources/"):
                out.writestr(info, src.read(info))
    return target


def test_an_import_that_dropped_something_exits_partial(q: Callable[..., Any],
                                                        project: Project, tmp_path: Path,
                                                        flat_qdpx: Path) -> None:
    lossy = without_sources(flat_qdpx, tmp_path / "lossy.qdpx")
    result = q("import", "qdpx", str(lossy), "--map-levels", "*=meso")
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert "Dropped (1):\n  1 x source: missing text: its text file is not in the archive\n" \
        in result.stdout
    assert result.stderr.endswith(
        f"Error: 1 item of {lossy} could not be imported (listed under 'Dropped'); the rest "
        "was imported\n")
    assert Project(project.root).codebook.code("VIDEO") is not None  # the rest was taken


def test_dry_run_with_drops_exits_partial_and_writes_nothing(q: Callable[..., Any],
                                                             project: Project,
                                                             tmp_path: Path,
                                                             flat_qdpx: Path) -> None:
    lossy = without_sources(flat_qdpx, tmp_path / "lossy.qdpx")
    before = listing(project.root)
    result = q("import", "qdpx", str(lossy), "--dry-run", "--format", "json")
    assert result.exit_code == ExitCode.PARTIAL
    assert result.stderr.endswith("would not be imported (listed under 'Dropped'); dry run: "
                                  "nothing was written\n")
    assert listing(project.root) == before


def test_an_import_that_takes_nothing_is_refused(q: Callable[..., Any], project: Project,
                                                 tmp_path: Path, flat_qdpx: Path) -> None:
    first = q("import", "qdpx", str(flat_qdpx), "--map-levels", "*=meso")
    assert first.exit_code == ExitCode.OK  # the file's codebook and text are in now
    lossy = without_sources(flat_qdpx, tmp_path / "lossy.qdpx")
    project.load_document("F1")  # in the project; only this copy of the file lacks its text
    before = listing(project.root)
    result = q("import", "qdpx", str(lossy), "--map-levels", "*=meso")
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert result.stderr.startswith(
        f"Error: {lossy}: nothing in the file could be imported (1 item dropped); nothing "
        "was written\n  1 x source: missing text: its text file is not in the archive\n")
    assert listing(project.root) == before  # no second codebook backup, no log line


def test_into_with_nothing_importable_creates_no_project(invoke: Callable[..., Any],
                                                         tmp_path: Path) -> None:
    empty = init_project(tmp_path / "empty", codebook=None)
    path = tmp_path / "empty.qdpx"
    export_qdpx(empty, path)
    with zipfile.ZipFile(path) as zf:
        qde = next(n for n in zf.namelist() if n.endswith(".qde"))
        xml = zf.read(qde).decode("utf-8")
    start, end = xml.find("<CodeBook>"), xml.find("</CodeBook>") + len("</CodeBook>")
    stripped = tmp_path / "nothing.qdpx"
    with zipfile.ZipFile(stripped, "w") as zf:
        zf.writestr(qde, xml[:start] + xml[end:] if start >= 0 else xml)
    result = invoke("import", "qdpx", str(stripped), "--into", str(tmp_path / "new"))
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert result.stderr.startswith(
        f"Error: {stripped}: no text source, code or coding could be imported, so the new "
        "project would be empty; nothing was written\n")
    assert not (tmp_path / "new").exists()


def test_same_codebook_again_writes_no_backup(q: Callable[..., Any], project: Project,
                                              tmp_path: Path) -> None:
    qdc = tmp_path / "cb.qdc"
    assert q("export", "qdc", str(qdc)).exit_code == ExitCode.OK
    assert q("import", "qdc", str(qdc)).exit_code == ExitCode.OK
    backups = list(project.root.glob("codebook.before-import-*"))
    result = q("import", "qdc", str(qdc))
    assert result.exit_code == ExitCode.OK, result.output
    assert "the project's codebook is already this one; nothing was written" in result.stderr
    assert list(project.root.glob("codebook.before-import-*")) == backups


def test_codings_import_of_an_empty_file_is_refused(q: Callable[..., Any], project: Project,
                                                    tmp_path: Path) -> None:
    project.save_document(make_doc("D1", [("I", "Hello?"), ("R", "Hello.")]))
    path = tmp_path / "none.csv"
    path.write_text("doc,segment,code\n", encoding="utf-8")
    result = q("codings", "import", str(path), "--coder", "ann")
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert result.stderr == (
        f"Error: {path}: no codings in the file (it is empty, or holds only a header); "
        "nothing was imported\n"
        "Hint: the columns are doc, segment, code (and optionally start, end, quote, memo)\n")
    assert coder_names(project) == []
