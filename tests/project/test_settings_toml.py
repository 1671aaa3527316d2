"""qcode.toml is written by tomli-w: any project name reads back as it was given."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.errors import UsageError
from qcode.project import Project, Settings, init_project, settings_toml


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_any_text_name_round_trips_through_the_settings_text(name: str) -> None:
    settings_ = Settings(name=name, created="2026-12-07T01:00:00Z")
    data = tomllib.loads(settings_toml(settings_))
    assert Settings.model_validate(data["project"]) == settings_


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1))
def test_any_text_name_round_trips_through_init(tmp_path: Path, name: str) -> None:
    folder = tmp_path / f"p{abs(hash(name))}"
    init_project(folder, name=name)
    assert Project(folder).name == name


def test_init_with_a_control_character_in_the_name(invoke, tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "study"), "--name", "a\x01b")
    assert result.exit_code == 0, result.output
    assert Project(tmp_path / "study").name == "a\x01b"
    assert 'name = "a\\u0001b"' in (tmp_path / "study" / "qcode.toml").read_text()


@pytest.mark.parametrize("name", ["ab\ud800", "\udcff", 'quote " and back\\slash'])
def test_names_tomli_w_handles_or_refuses(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "study"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UsageError, match="not valid Unicode"):
            init_project(folder, name=name)
        assert not folder.exists()  # refused before anything was created
    else:
        assert init_project(folder, name=name).name == name


def test_a_name_that_cannot_be_stored_is_refused_in_one_line(invoke, tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "study"), "--name", "a\udcffb")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the project name cannot be stored: it holds a character that is not valid "
        "Unicode (position 2)\nHint: give the name with --name in plain UTF-8 text\n")
    assert not (tmp_path / "study").exists()
