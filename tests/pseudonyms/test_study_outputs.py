"""Proof on the sample study: with a pseudonym table for its participants and hospitals,
every output (reports md, html, docx, csv, xlsx; codings and attributes exports; show;
matrix and joint displays; a qdpx) holds no real name by ``qcode pseudonyms check``; with
--real-names the same outputs are caught, each hit named; and the pseudonymised qdpx imports
back with every coding on the same (pseudonymised) words.

Five of the sample's nine participants are named in their transcripts (as speakers); the
other four are labelled only by role (B, Respondent), so the table holds the five names,
the 29 hospitals of transcripts/hospitals.csv (with the first word of each name alone, as
people say "Nidelva"), and two towns named in attributes and text.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from qcode.bundled import bundled_dir
from qcode.coding.store import coder_names, current_codings
from qcode.demo import run_demo
from qcode.errors import ExitCode
from qcode.project import Project, open_project
from qcode.pseudonyms.table import import_file
from qcode.pseudonyms.view import pseudonymised

PARTICIPANTS = ["Torunn Vollstad", "Hildegunn Åsvik", "Halvard Strømsvik",
                "Maren Solbakk-Aune", "Torill Havmyr"]
TOWNS = ["Tromsø", "Hamar"]


def _table(path: Path) -> Path:
    rows = [["real", "pseudonym", "kind", "variants"]]
    rows += [[name, f"P{i:02d}", "person", ""] for i, name in enumerate(PARTICIPANTS, 1)]
    with (bundled_dir("transcripts") / "hospitals.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), 1):
            name = row["hospital_name"]
            rows.append([name, f"Hospital {i}", "organisation", name.split()[0]])
    rows += [[town, f"Town {i}", "place", ""] for i, town in enumerate(TOWNS, 1)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("pseudonymised-study")
    run_demo(base / "demo", date="2026-01-31")
    project = open_project(base / "demo")
    change = import_file(project, _table(base / "names.csv"))
    assert len(change.added) == len(PARTICIPANTS) + 29 + len(TOWNS)
    return base / "demo"


OUTPUTS = {
    "report.md": ["report", "-o", "{out}", "--date", "2026-01-31"],
    "report.html": ["report", "-o", "{out}", "--date", "2026-01-31", "--joint", "hospital"],
    "report.docx": ["report", "-o", "{out}", "--date", "2026-01-31"],
    "report.csv": ["report", "-o", "{out}", "--date", "2026-01-31"],
    "report.xlsx": ["report", "-o", "{out}", "--date", "2026-01-31"],
    "codings.csv": ["codings", "export", "--coder", "consensus", "-o", "{out}"],
    "lars.jsonl": ["codings", "export", "--coder", "lars", "-f", "jsonl", "-o", "{out}"],
    "study.qdpx": ["export", "qdpx", "{out}"],
    "joint.html": ["joint", "--by", "hospital", "-f", "html", "-o", "{out}"],
    "matrix.json": ["matrix", "--split-by", "hospital", "-f", "json", "-o", "{out}"],
}
STDOUT = {
    "attributes.csv": ["attributes", "show", "-f", "csv"],
    "L01.json": ["show", "L01", "--coder", "consensus", "-f", "json"],
    "L01.txt": ["show", "L01", "--coder", "consensus"],
}


def _outputs(invoke, study: Path, folder: Path, *extra: str) -> list[Path]:  # type: ignore[no-untyped-def]
    folder.mkdir()
    made = []
    for name, args in {**OUTPUTS, **STDOUT}.items():
        out = folder / name
        r = invoke("--project", str(study), *[a.format(out=out) for a in args], *extra)
        assert r.exit_code == 0, (name, r.stderr)
        if name in STDOUT:
            out.write_text(r.stdout, encoding="utf-8")
        made.append(out)
    return made


def test_pseudonymised_outputs_hold_no_real_name(invoke, study: Path,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    files = _outputs(invoke, study, tmp_path / "out")
    r = invoke("--project", str(study), "pseudonyms", "check", *map(str, files))
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == f"No identifying string found in {len(files)} files\n"
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "P01" in text and "Hospital 2" in text  # the pseudonyms are there instead


def test_real_names_are_caught_and_named(invoke, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = _outputs(invoke, study, tmp_path / "real", "--real-names")
    r = invoke("--project", str(study), "pseudonyms", "check", "-f", "json",
               *map(str, files))
    assert r.exit_code == ExitCode.LEAKS_FOUND
    hits = json.loads(r.stdout)["hits"]
    named = {Path(h["file"]).name for h in hits}
    assert named >= {"report.md", "report.html", "report.docx", "report.csv", "report.xlsx",
                     "codings.csv", "lars.jsonl", "study.qdpx", "attributes.csv", "L01.json",
                     "L01.txt"}
    assert {h["entry"] for h in hits} >= {*PARTICIPANTS, "Lofotkysten sykehus",
                                          "Nidelva universitetssykehus", "Hamar", "Tromsø"}
    first = next(h for h in hits if Path(h["file"]).name == "L01.txt")
    assert first["found"] == "Torunn Vollstad" and first["place"].startswith("line ")


def test_the_qdpx_imports_back_with_every_coding_on_the_same_words(
        invoke, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "study.qdpx"
    assert invoke("--project", str(study), "export", "qdpx", str(path)).exit_code == 0
    r = invoke("import", "qdpx", str(path), "--into", str(tmp_path / "copy"))
    assert r.exit_code == 0, r.stderr
    copy = open_project(tmp_path / "copy")
    real = open_project(study)
    with pseudonymised(real) as (view, _):
        coders = coder_names(view)
        assert coder_names(copy) == coders
        for coder in coders:
            want = sorted((c.doc, c.code, c.start, c.end, c.quote)
                          for c in current_codings(view, coder))
            got = sorted((c.doc, c.code, c.start, c.end, c.quote)
                         for c in current_codings(copy, coder))
            assert got == want
            texts = {d.id: d.text for d in copy.documents()}
            assert all(texts[d][s:e] == q for d, _, s, e, q in got)
        assert [d.text for d in copy.documents()] == [d.text for d in view.documents()]
    names = [n for d in copy.documents() for n in PARTICIPANTS if n in d.text]
    assert names == []


def test_the_view_leaves_the_project_untouched(study: Path) -> None:
    project = open_project(study)
    before = {p: p.read_bytes() for p in study.rglob("*") if p.is_file()}
    with pseudonymised(project) as (view, report):
        assert isinstance(view, Project) and view.root != project.root
        assert report is not None and report.documents == 9 and report.left == {}
        assert not (view.root / "pseudonyms.csv").exists()
        root = view.root
    assert not root.exists()
    assert {p: p.read_bytes() for p in study.rglob("*") if p.is_file()} == before
    shutil.rmtree(root, ignore_errors=True)
