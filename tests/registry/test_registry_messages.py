"""QA: the registry summary's trend sentence names the period (it printed the last table
row's tuple, e.g. ``2009-('6/7',)``), no trend for a single year, singular counts in the
import line, and files written by qcode keep ordinary permissions (not 0600)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qcode._io import atomic
from qcode.project import Project
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "registry"


@pytest.mark.parametrize("by", ["region", "hospital", "specialty", "year"])
def test_trend_sentence_names_the_period(invoke, project: Project, by: str) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(project.root))
    assert invoke(*p, "registry", "import", str(DATA / "known_shares.csv")).exit_code == 0
    t = json.loads(invoke(*p, "registry", "summary", "--format", "json").stdout)["trend"]
    r = invoke(*p, "registry", "summary", "--by", by)
    assert r.exit_code == 0
    trend = [ln for ln in r.stdout.splitlines() if ln.startswith("Trend: ")]
    assert trend == [f"Trend: share {t['share_change_pp']:+.3f} percentage points 2010-2012; "
                     f"contacts {t['contacts_change_pct']:+.1f} %; "
                     f"visits {t['visits_change_pct']:+.1f} %"]


def test_one_year_has_no_trend_and_singular_counts(invoke, project: Project,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
                   "2010,North,N1,Rehabilitation,1,1\n", encoding="utf-8")
    p = ("--project", str(project.root))
    r = invoke(*p, "registry", "import", str(one))
    assert r.exit_code == 0
    assert r.stderr == ("Imported 1 row from one.csv: 2010, 1 region, 1 hospital, "
                        "1 specialty, 1 outpatient visit, 1 telemedicine contact\n")
    r = invoke(*p, "registry", "summary")
    assert r.exit_code == 0
    assert not [ln for ln in r.stdout.splitlines() if ln.startswith("Trend")]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_atomic_writes_keep_ordinary_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        atomic.write_text(new, "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        new.chmod(0o640)
        atomic.write_text(new, "y")  # an existing file keeps its mode
        assert stat.S_IMODE(new.stat().st_mode) == 0o640
    finally:
        os.umask(mask)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_project_files_are_readable_by_the_group(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mask = os.umask(0o022)
    try:
        assert invoke("init", str(tmp_path / "s")).exit_code == 0
    finally:
        os.umask(mask)
    for name in ("qcode.toml", "codebook.yaml"):
        assert stat.S_IMODE((tmp_path / "s" / name).stat().st_mode) == 0o644, name


def test_names_in_brackets_are_printed_as_written(invoke, project: Project,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    """rich read "[red]" style names from the file as markup and dropped them."""
    f = tmp_path / "b.csv"
    f.write_text("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
                 "2010,[north],H [red],Rehabilitation,10,1\n"
                 "2011,[north],H [red],Rehabilitation,10,1\n", encoding="utf-8")
    p = ("--project", str(project.root))
    assert invoke(*p, "registry", "import", str(f)).exit_code == 0
    r = invoke(*p, "registry", "summary")
    assert r.exit_code == 0
    assert "Every year (1): H [red]" in r.stdout.splitlines()
    assert any(ln.startswith("│ [north] ") for ln in r.stdout.splitlines())


def test_joint_keeps_the_attribute_name_as_written(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    """The group column was headed "Stakeholderlevel" (str.capitalize lowers the rest)."""
    from qcode.coding.store import add_codes
    from tests.builders import numbered_doc

    doc = numbered_doc("J1", 4).model_copy(update={"attributes": {"StakeholderLevel": "RHF"}})
    project.save_document(doc)
    add_codes(project, "ann", doc, ["J1:0002"], ["ORG-MIC-01"])
    p = ("--project", str(project.root), "joint", "--by", "attr:StakeholderLevel")
    md = invoke(*p, "--format", "md")
    assert md.exit_code == 0
    assert "| StakeholderLevel | Telemedicine share |" in md.stdout
    table = invoke(*p)
    assert table.exit_code == 0
    assert "┃ StakeholderLevel " in table.stdout
