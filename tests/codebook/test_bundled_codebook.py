"""The bundled default codebook (codebooks/telemedicine-norway.yaml) is complete and usable."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from qcode import bundled
from qcode.codebook import load as codebook
from qcode.models import Code, Codebook

SOURCES = {"from_paper", "from_literature"}
LEVEL_ABBR = {"micro": "MIC", "meso": "MES", "macro": "MAC"}
CODE_ID = re.compile(r"\b[A-Z]{3}-M[A-Z]{2}-\d{2}\b")


@pytest.fixture(scope="module")
def path() -> Path:
    return bundled.bundled_codebook()


@pytest.fixture(scope="module")
def cb(path: Path) -> Codebook:
    return codebook.load(path)


def test_default_name_points_at_telemedicine_codebook(path: Path) -> None:
    assert path.name == "telemedicine-norway.yaml"
    assert path == bundled.bundled_codebook("telemedicine-norway.yaml")


def test_check_reports_no_errors_and_no_warnings(path: Path) -> None:
    result = codebook.check_file(path)
    assert result.errors == []
    assert result.warnings == []


def test_header_states_draft_status_fictional_quotes_and_seed_paper(path: Path) -> None:
    header = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("#"))
    assert "DRAFT" in header
    assert "FICTIONAL" in header
    assert "10.1186/s12911-017-0576-4" in header
    assert "Alami" in header


def test_metadata_and_rules(cb: Codebook) -> None:
    assert cb.name and cb.version and cb.description
    assert len(cb.rules) >= 3
    assert any("RHF" in rule and "macro" in rule for rule in cb.rules)


def test_three_themes(cb: Codebook) -> None:
    assert [t.id for t in cb.themes] == ["GOV", "ORG", "ECO"]
    assert all(t.name and t.description for t in cb.themes)


def test_three_levels_in_order(cb: Codebook) -> None:
    assert [lv.id for lv in cb.levels] == ["micro", "meso", "macro"]
    assert all(lv.name and lv.description for lv in cb.levels)


def test_at_least_thirty_codes_and_every_cell_filled(cb: Codebook) -> None:
    assert len(cb.codes) >= 30
    assert cb.empty_cells() == []
    for theme in cb.themes:
        for level in cb.levels:
            assert cb.cell(theme.id, level.id), f"empty cell {theme.id} x {level.id}"


def test_ids_and_names_unique(cb: Codebook) -> None:
    ids = Counter(c.id for c in cb.codes)
    names = Counter(c.name.casefold() for c in cb.codes)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [i for i, n in names.items() if n > 1] == []


def test_ids_encode_theme_and_level(cb: Codebook) -> None:
    for c in cb.codes:
        assert c.level is not None
        assert re.fullmatch(rf"{c.theme}-{LEVEL_ABBR[c.level]}-\d{{2}}", c.id), c.id


@cache
def _codes() -> tuple[Code, ...]:
    return tuple(codebook.load(bundled.bundled_codebook()).codes)


@pytest.mark.parametrize("code", _codes(), ids=lambda c: c.id)
def test_code_is_fully_described(code: Code) -> None:
    assert code.definition.strip()
    assert len(code.include) >= 1 and all(i.strip() for i in code.include)
    assert len(code.exclude) >= 1 and all(e.strip() for e in code.exclude)
    assert len(code.examples) >= 1 and all(e.strip() for e in code.examples)
    assert code.keywords, "English keywords missing"
    assert code.keywords_no, "Norwegian keywords missing"
    assert code.source in SOURCES


@pytest.mark.parametrize("code", _codes(), ids=lambda c: c.id)
def test_keywords_are_lower_case_and_not_repeated(code: Code) -> None:
    for words in (code.keywords, code.keywords_no):
        assert all(w == w.lower() and w.strip() == w and w for w in words)
        assert len(set(words)) == len(words)


@pytest.mark.parametrize("code", _codes(), ids=lambda c: c.id)
def test_every_exclude_names_another_existing_code(code: Code) -> None:
    known = {c.id for c in _codes()}
    for line in code.exclude:
        named = CODE_ID.findall(line)
        assert named, f"{code.id}: exclude line names no code to use instead"
        assert set(named) <= known
        assert code.id not in named


def test_at_least_one_code_rests_on_the_paper(cb: Codebook) -> None:
    from_paper = [c for c in cb.codes if c.source == "from_paper"]
    assert from_paper
    assert any(c.source == "from_literature" for c in cb.codes)


def test_some_codes_mark_variation(cb: Codebook) -> None:
    assert any(c.variation_relevant for c in cb.codes)


def test_norwegian_keywords_hold_compounds(cb: Codebook) -> None:
    words = {w for c in cb.codes for w in c.keywords_no}
    assert "videokonsultasjon" in words
    assert any("helseforetak" in w for w in words)


def test_lookup_by_id_and_name(cb: Codebook) -> None:
    first = cb.codes[0]
    assert codebook.resolve_code(cb, first.id) == first
    assert codebook.resolve_code(cb, first.name.upper()) == first
