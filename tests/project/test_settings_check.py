"""qcode.toml's [project] table is checked by hand (qcode/project.py: settings_problem),
without building pydantic's validator at start-up: the same verdict, first problem and
values as pydantic's validation of Settings, on anything TOML can hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from qcode.errors import ProjectDamagedError
from qcode.project import Project, Settings, init_project, settings_problem

_scalars = st.one_of(
    st.text(max_size=8), st.integers(), st.floats(allow_nan=False), st.booleans(),
    st.dates(), st.datetimes(timezones=st.just(dt.UTC)), st.times())
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6)
_keys = st.one_of(st.sampled_from(["name", "codebook", "unit", "created"]), st.text(max_size=6))
_tables = st.one_of(st.dictionaries(_keys, _values, max_size=6), _values)


def _pydantic(table: Any) -> tuple[str, str] | None:
    try:
        Settings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        return ".".join(str(p) for p in first["loc"]), first["msg"]
    return None


@settings(max_examples=400, deadline=None)
@given(table=_tables)
def test_the_hand_check_answers_as_pydantic(table: Any) -> None:
    assert settings_problem(table) == _pydantic(table)
    if settings_problem(table) is None:
        made = Settings.model_construct(_fields_set=set(table), **table)
        checked = Settings.model_validate(table)
        assert made == checked
        assert made.model_fields_set == checked.model_fields_set


@pytest.mark.parametrize(("project", "message"), [
    ({"codebook": "c.yaml"}, "[project] name: Field required"),
    ({"name": 3}, "[project] name: Input should be a valid string"),
    ({"name": "x", "colour": "red"}, "[project] colour: Extra inputs are not permitted"),
])
def test_a_bad_project_table_is_one_located_line(tmp_path: Path, project: dict[str, Any],
                                                 message: str) -> None:
    root = init_project(tmp_path / "study").root
    (root / "qcode.toml").write_text(tomli_w.dumps({"project": project}), encoding="utf-8")
    with pytest.raises(ProjectDamagedError) as err:
        Project(root)
    assert str(err.value.args[0]) == f"{root / 'qcode.toml'}: {message}"


def test_the_settings_read_are_those_written(tmp_path: Path) -> None:
    project = init_project(tmp_path / "study", name="Telemedicine")
    again = Project(project.root)
    assert again.settings == project.settings
    assert again.settings.name == "Telemedicine"
