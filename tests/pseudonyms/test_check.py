"""qcode pseudonyms check: every output format is read as a reader meets it, each hit is
named with its file and place, and the exit code says what was found."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from qcode.pseudonyms.check import check_files
from qcode.pseudonyms.rewrite import Rewriter
from qcode.pseudonyms.table import add
from qcode.pseudonyms.variants import Entry

RW = Rewriter([Entry("Torunn Vollstad", "P07"),
               Entry("Lofotkysten sykehus", "Hospital A", "organisation", ("Lofotkysten",))])


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


def _found(paths: list[Path], fuzzy: float | None = 88.0) -> list[tuple[str, str, str, str]]:
    return [(Path(h.file).name, h.place, h.found, h.how)
            for h in check_files(RW, paths, fuzzy=fuzzy).hits]


def test_text_formats(tmp_path: Path) -> None:
    md = tmp_path / "r.md"
    md.write_text("# Report\n\n> We started — Torunns idea.\n", encoding="utf-8")
    html = tmp_path / "r.html"
    html.write_text("<p>at Lofotkysten&nbsp;sykehus and <b>Torunn</b> <i>Vollstad</i></p>",
                    encoding="utf-8")
    data = tmp_path / "r.json"
    data.write_text(json.dumps({"excerpts": [{"quote": "fine"}, {"quote": "Ask VOLLSTAD"}],
                                "Lofotkysten": 1}, ensure_ascii=True), encoding="utf-8")
    assert _found([md, html, data]) == [
        ("r.md", "line 3, column 16", "Torunn", "exact"),
        ("r.html", "line 1, column 7", "Lofotkysten\xa0sykehus", "exact"),
        ("r.html", "line 1, column 34", "Torunn", "exact"),
        ("r.html", "line 1, column 48", "Vollstad", "exact"),
        ("r.html", "line 1, column 28 (text with tags removed)", "Torunn Vollstad", "exact"),
        ("r.json", "$.excerpts[1].quote, line 1, column 5", "VOLLSTAD", "exact"),
        ("r.json", "$ (key), line 1, column 1", "Lofotkysten", "exact")]


def test_zipped_formats_docx_with_a_name_split_over_runs_xlsx_and_qdpx(tmp_path: Path
                                                                        ) -> None:
    docx = _zip(tmp_path / "r.docx", {
        "word/document.xml": "<w:p><w:r><w:t>Tor</w:t></w:r><w:r><w:t>unn Vollstad"
                             "</w:t></w:r></w:p>",
        "docProps/core.xml": "<dc:creator>T. V.</dc:creator>"})
    xlsx = _zip(tmp_path / "r.xlsx", {"xl/sharedStrings.xml": "<si><t>Lofotkysten</t></si>"})
    qdpx = _zip(tmp_path / "s.qdpx", {
        "project.qde": '<TextSource name="Torunn Vollstad interview"/>',
        "sources/1.txt": "nothing here\nbut Lofotkysten sykehus"})
    assert _found([docx, xlsx, qdpx]) == [
        ("r.docx", "word/document.xml, line 1, column 45", "Vollstad", "exact"),
        ("r.docx", "word/document.xml, line 1, column 1 (text with tags removed)",
         "Torunn Vollstad", "exact"),
        ("r.docx", "docProps/core.xml, line 1, column 13", "T. V", "exact"),
        ("r.xlsx", "xl/sharedStrings.xml, line 1, column 8", "Lofotkysten", "exact"),
        ("s.qdpx", "project.qde, line 1, column 19", "Torunn Vollstad", "exact"),
        ("s.qdpx", "sources/1.txt, line 2, column 5", "Lofotkysten sykehus", "exact")]


def test_fuzzy_finds_misspellings_with_a_capital(tmp_path: Path) -> None:
    md = tmp_path / "r.md"
    md.write_text("Torun Volstad said so; Lofotkystn too; torun volstad; Tore Vold.\n",
                  encoding="utf-8")
    assert _found([md]) == [
        ("r.md", "line 1, column 1", "Torun Volstad", "fuzzy 93%"),  # not Torun, Volstad
        ("r.md", "line 1, column 24", "Lofotkystn", "fuzzy 95%")]
    assert _found([md], fuzzy=None) == []


@pytest.fixture
def p(project: Project) -> tuple[str, ...]:
    return ("--project", str(project.root))


def test_cli_exit_codes_and_lines(invoke, p: tuple[str, ...], project: Project,  # type: ignore[no-untyped-def]
                                  tmp_path: Path) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text("P07 at Hospital A\n", encoding="utf-8")
    r = invoke(*p, "pseudonyms", "check", str(clean))
    assert r.exit_code == ExitCode.INSUFFICIENT_DATA
    assert r.stderr == ("Error: the pseudonym table is empty: there is nothing to check for\n"
                        "Hint: add entries with: qcode pseudonyms add \"NAME\" P01\n")
    add(project, Entry("Torunn Vollstad", "P07"))
    r = invoke(*p, "pseudonyms", "check", str(clean))
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "No identifying string found in 1 "
                                                        "file\n")
    leak = tmp_path / "leak.csv"
    leak.write_text("quote\nAsk Torunn\n", encoding="utf-8")
    r = invoke(*p, "pseudonyms", "check", str(clean), str(leak))
    assert r.exit_code == ExitCode.LEAKS_FOUND == 11
    assert r.stdout == (f"{leak}: line 2, column 5: 'Torunn' (exact: Torunn Vollstad)\n")
    assert r.stderr == "1 identifying string found in 1 of 2 files\n"
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    r = invoke(*p, "pseudonyms", "check", str(clean), str(pdf), "-f", "json")
    assert r.exit_code == ExitCode.PARTIAL
    assert json.loads(r.stdout) == {
        "schema_version": 1, "files": [str(clean), str(pdf)], "hits": [],
        "unscanned": {str(pdf): "cannot read .pdf files (md, html, docx, xlsx, csv, json, "
                                "qdpx and plain text can be checked)"}}
    assert r.stderr == (f"Warning: {pdf} was not scanned: cannot read .pdf files (md, html, "
                        "docx, xlsx, csv, json, qdpx and plain text can be checked)\n"
                        "No identifying string found in 1 file\n")


def test_a_folder_is_every_file_in_it(tmp_path: Path) -> None:
    out = tmp_path / "output"
    (out / "sub").mkdir(parents=True)
    (out / "a.md").write_text("nothing\n", encoding="utf-8")
    (out / "sub" / "b.csv").write_text("x\nTorunn Vollstad\n", encoding="utf-8")
    (out / ".hidden.md").write_text("Torunn Vollstad\n", encoding="utf-8")
    result = check_files(RW, [out])
    assert result.files == [str(out / "a.md"), str(out / "sub" / "b.csv")]
    assert [(Path(h.file).name, h.place) for h in result.hits] == [("b.csv",
                                                                     "line 2, column 1")]
