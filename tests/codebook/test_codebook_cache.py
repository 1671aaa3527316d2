"""The checked codebook kept in the index (qcode/codebook/cache.py): read back, it is the
very model the YAML checks to; it is used only for the same text, path and checking code;
reading never writes; a damaged or linked index is not believed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode import project as project_module
from qcode.bundled import bundled_codebook
from qcode.codebook import cache
from qcode.codebook.load import load
from qcode.index.documents import project_documents
from qcode.models import Codebook, Record
from qcode.project import INDEX_DIR, INDEX_FILE, Project, init_project
from tests.builders import interview


def _same(a: Record, b: Record) -> None:
    """Equal values, equal types (tuples stay tuples) and the same fields given."""
    assert a == b
    assert type(a) is type(b)
    assert a.model_fields_set == b.model_fields_set
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y), name
        if isinstance(x, tuple):
            assert len(x) == len(y)
            for u, v in zip(x, y, strict=True):
                if isinstance(u, Record):
                    _same(u, v)
                else:
                    assert type(u) is type(v)


def _round_trip(codebook: Codebook) -> Codebook:
    return cache.load_stored(cache.dump_codebook(codebook))


def test_the_bundled_codebook_reads_back_as_it_checks() -> None:
    checked = load(bundled_codebook())
    _same(_round_trip(checked), checked)


_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                 max_size=12)
_ids = st.from_regex(r"[A-Z]{2,4}-[0-9]{2}", fullmatch=True)


@st.composite
def _codebook_yaml(draw: Any) -> str:
    """A valid codebook text with optional fields present or left out at random."""
    levels = draw(st.sampled_from([[], ["micro", "macro"]]))
    themes = ["GOV", "ECO"]
    data: dict[str, Any] = {"themes": [{"id": t, "name": draw(_words) or t} for t in themes]}
    if levels:
        data["levels"] = [{"id": lv, "name": lv.title()} for lv in levels]
    for key in ("name", "version", "description"):
        if draw(st.booleans()):
            data[key] = draw(_words) or key
    if draw(st.booleans()):
        data["rules"] = draw(st.lists(_words.filter(str.strip), max_size=2))
    codes = []
    for cid in draw(st.lists(_ids, min_size=1, max_size=5, unique=True)):
        code: dict[str, Any] = {"id": cid, "name": draw(_words).strip() or cid,
                                "theme": draw(st.sampled_from(themes))}
        if levels:
            code["level"] = draw(st.sampled_from(levels))
        for key in ("definition", "source"):
            if draw(st.booleans()):
                code[key] = draw(_words).strip() or key
        for key in ("include", "keywords", "keywords_no", "examples"):
            if draw(st.booleans()):
                code[key] = [w for w in draw(st.lists(_words, max_size=3)) if w.strip()]
        for key in ("variation_relevant", "retired"):
            if draw(st.booleans()):
                code[key] = draw(st.booleans())
        codes.append(code)
    data["codes"] = codes
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_codebook_yaml())
def test_any_checked_codebook_reads_back_as_it_checks(tmp_path_factory: Any, text: str) -> None:
    path = tmp_path_factory.mktemp("cb") / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    checked = load(path)
    _same(_round_trip(checked), checked)


def test_a_body_that_is_not_a_codebook_is_refused() -> None:
    body = cache.dump_codebook(load(bundled_codebook()))
    for bad in (b"[]", b"{}", body.replace(b'"codes":[', b'"codes":[{"id":"X"},'),
                body.replace(b'"__set__"', b'"__nope__"', 1)):
        with pytest.raises((ValueError, KeyError, TypeError)):
            cache.load_stored(bad)


def test_the_key_is_the_text_the_path_and_the_checking_code(tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    a = cache.codebook_key(tmp_path / "codebook.yaml", "codes: []")
    assert a is not None
    assert cache.codebook_key(tmp_path / "codebook.yaml", "codes: []") == a
    assert cache.codebook_key(tmp_path / "codebook.yaml", "codes: [] ") != a
    assert cache.codebook_key(tmp_path / "other.yaml", "codes: []") != a  # names the codebook
    checker = tmp_path / "pkg" / "codebook"
    checker.mkdir(parents=True)
    for name in cache.CHECKING_MODULES:
        (tmp_path / "pkg" / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_DIR", tmp_path / "pkg")
    before = cache.codebook_key(tmp_path / "codebook.yaml", "codes: []")
    os.utime(tmp_path / "pkg" / "models.py", ns=(1, 1))  # a qcode edited or installed anew
    assert cache.codebook_key(tmp_path / "codebook.yaml", "codes: []") != before
    (tmp_path / "pkg" / "models.py").unlink()
    assert cache.codebook_key(tmp_path / "codebook.yaml", "codes: []") is None


def _study(tmp_path: Path) -> Project:
    project = init_project(tmp_path / "study")
    project.save_document(interview("T01"))
    return project


def _db(project: Project) -> Path:
    return project.root / INDEX_DIR / INDEX_FILE


def _rows(project: Project) -> int:
    con = sqlite3.connect(_db(project))
    try:
        return int(con.execute("SELECT count(*) FROM codebooks").fetchone()[0])
    finally:
        con.close()


def _no_yaml_check(monkeypatch: Any) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the codebook was checked from YAML")

    monkeypatch.setattr(project_module, "load_codebook", refuse)


def test_a_read_through_the_index_stores_the_codebook_and_the_next_uses_it(
        tmp_path: Path, monkeypatch: Any) -> None:
    project = _study(tmp_path)
    checked = Project(project.root).codebook  # checked from YAML: nothing stored yet
    assert not _db(project).exists()
    first = Project(project.root)
    first.codebook  # noqa: B018 - loaded before the documents are read
    project_documents(first)
    assert _rows(project) == 1
    assert first.codebook_to_index is None
    _no_yaml_check(monkeypatch)
    _same(Project(project.root).codebook, checked)


def test_an_edited_codebook_is_checked_again(tmp_path: Path, monkeypatch: Any) -> None:
    project = _study(tmp_path)
    first = Project(project.root)
    first.codebook  # noqa: B018
    project_documents(first)
    path = project.codebook_path
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Telemedicine in Norway (multilevel factors)", "name: Edited"), encoding="utf-8")
    again = Project(project.root)
    assert again.codebook.name == "Edited"
    assert again.codebook_to_index is not None  # checked from YAML, offered to the index
    broken = Project(project.root)
    path.write_text("codes: [", encoding="utf-8")
    with pytest.raises(Exception, match="YAML syntax error"):
        broken.codebook  # noqa: B018 - a broken file is refused as always, cache or not


def test_reading_writes_nothing_and_a_damaged_row_is_not_believed(tmp_path: Path,
                                                                  monkeypatch: Any) -> None:
    project = _study(tmp_path)
    first = Project(project.root)
    first.codebook  # noqa: B018
    project_documents(first)
    before = _db(project).read_bytes()
    for _ in range(2):
        Project(project.root).codebook  # noqa: B018
    assert _db(project).read_bytes() == before
    con = sqlite3.connect(_db(project))
    con.execute("UPDATE codebooks SET body = CAST(replace(CAST(body AS TEXT), 'Macro', 'Mucro')"
                " AS BLOB)")
    con.commit()
    con.close()
    got = Project(project.root)
    assert got.codebook.level("macro").name == "Macro"  # type: ignore[union-attr]
    assert got.codebook_to_index is not None


def test_a_linked_index_is_not_read(tmp_path: Path) -> None:
    project = _study(tmp_path)
    first = Project(project.root)
    first.codebook  # noqa: B018
    project_documents(first)
    elsewhere = tmp_path / "elsewhere"
    os.rename(project.root / INDEX_DIR, elsewhere)
    os.symlink(elsewhere, project.root / INDEX_DIR)
    assert cache.cached_codebook(_db(project), cache.codebook_key(
        project.codebook_path, project.codebook_path.read_text(encoding="utf-8")) or b"") is None
    linked_db = tmp_path / "db-link"
    os.symlink(elsewhere / INDEX_FILE, linked_db)
    assert cache.cached_codebook(linked_db, b"k") is None
