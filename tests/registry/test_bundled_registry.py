"""The bundled fictional registry data: current with its generator, and calibrated."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import pytest

from qcode.registry.table import bundled_registry, read
from tests.builders import ROOT

ROOT = ROOT
GENERATOR = ROOT / "transcripts" / "registry" / "generate.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("registry_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_file_is_what_the_generator_makes() -> None:
    gen = _generator()
    rows = gen.generate_rows()
    assert gen.check_targets(gen.calibration(rows)) == []
    assert bundled_registry().read_text(encoding="utf-8") == gen.to_csv(rows)


def test_it_uses_the_hospitals_of_the_sample_study() -> None:
    import csv

    with (ROOT / "transcripts" / "hospitals.csv").open(encoding="utf-8") as fh:
        hospitals = {(r["hospital"], r["region"]) for r in csv.DictReader(fh)}
    reg = read(bundled_registry())
    assert {(r.hospital, r.region) for r in reg.rows} == hospitals
    assert reg.years == tuple(range(2009, 2016))
    assert 15 <= len({r.specialty for r in reg.rows}) <= 20


@pytest.fixture(scope="module")
def summary_json(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    from typer.testing import CliRunner

    from qcode.cli.app import app
    from qcode.project import init_project

    root = init_project(tmp_path_factory.mktemp("bundled") / "study").root
    runner = CliRunner()
    result = runner.invoke(app, ["--project", str(root), "registry", "import",
                                 str(bundled_registry())])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["--project", str(root), "registry", "summary", "--format",
                                 "json", "--years", "2009-2015"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_calibration_targets_through_the_cli(summary_json: dict) -> None:  # type: ignore[type-arg]
    d = summary_json
    assert d["period"]["years"] == list(range(2009, 2016))
    assert 0.05 <= d["national"]["share_pct"] <= 0.15
    adoption = d["adoption"]
    assert (adoption["regions_using"], adoption["regions_total"]) == (4, 4)
    assert (adoption["hospitals_using"], adoption["hospitals_total"]) == (24, 29)
    assert adoption["sporadic"] > 0 and adoption["every_year"] > 0
    regions = {g["key"]: g for g in d["groups"]}
    assert set(regions) == {"Helse Nord", "Helse Midt-Norge", "Helse Vest", "Helse Sør-Øst"}
    for g in regions.values():
        assert 0 < g["share_pct"] <= 0.5
        assert all(y["share_pct"] <= 0.5 for y in g["years"])
    assert max(regions, key=lambda k: regions[k]["share_pct"]) == "Helse Nord"
    top = {s["specialty"] for s in d["specialties"] if s["contacts_rank"] <= 3}
    assert top == {"Rehabilitation", "Neurosurgery", "Skin and venereal diseases"}


def test_the_interviewed_hospitals_used_telemedicine(summary_json: dict) -> None:  # type: ignore[type-arg]
    classes = {h["hospital"]: h["regularity"] for h in summary_json["hospitals"]}
    assert classes["HN-02"] == "every_year"
    assert classes["HV-03"] == "every_year"
    assert classes["HM-02"] == "sporadic"
