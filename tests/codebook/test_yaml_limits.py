"""YAML alias bombs in a codebook or in Markdown front matter are refused at once."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qcode._io.yaml_limits import alias_excess
from qcode.codebook.load import load
from qcode.errors import CodebookError, InvalidInputError
from qcode.formats.markdown import front_matter

LAUGHS = "abcdefghi"


def bomb_lines(key: str = "x") -> str:
    """Nine levels of nine aliases: 10^9 values once expanded, under a kilobyte of text."""
    out = [f"{key}{LAUGHS[0]}: &{LAUGHS[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in itertools.pairwise(LAUGHS):
        out.append(f"{key}{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(out) + "\n"


CODEBOOK_HEAD = """\
name: Study
levels:
  - {id: micro, name: Micro}
themes:
  - &theme {id: T1, name: Theme one}
codes:
  - id: C1
    name: First
    theme: T1
    level: micro
    keywords: &kw [video, distance]
  - id: C2
    name: Second
    theme: T1
    level: micro
    keywords: *kw
"""


def test_alias_bomb_codebook_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK_HEAD + bomb_lines(), encoding="utf-8")
    began = time.perf_counter()
    with pytest.raises(CodebookError) as err:
        load(path)
    assert time.perf_counter() - began < 0.5
    # line 22 is the "xf" line, where the expansion passes 200,000 values
    assert err.value.message == (
        f"{path}:22: the codebook uses YAML aliases beyond the limit (more than 200000 "
        "values once expanded); nothing was read")
    assert err.value.hint == "write the repeated parts out, or use fewer '*' aliases"


def test_codebook_with_a_few_anchors_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK_HEAD, encoding="utf-8")
    cb = load(path)
    assert [c.id for c in cb.codes] == ["C1", "C2"]
    assert list(cb.codes[1].keywords) == ["video", "distance"]


def test_many_aliases_of_a_small_value_are_refused() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 10_001) + "]\n"
    assert alias_excess(text) == 2
    assert alias_excess("a: &a 1\nb: [" + ", ".join(["*a"] * 100) + "]\n") is None


def test_bomb_in_markdown_front_matter_is_refused_quickly() -> None:
    text = "---\n" + bomb_lines() + "---\n**I:** Hello.\n"
    began = time.perf_counter()
    with pytest.raises(InvalidInputError) as err:
        front_matter(text, "talk.md")
    assert time.perf_counter() - began < 0.5
    assert err.value.message == (
        "talk.md:7: the front matter uses YAML aliases beyond the limit (more than 200000 "
        "values once expanded); nothing was ingested")


def test_front_matter_with_an_anchor_still_reads() -> None:
    attrs, _, used = front_matter("---\nsite: &s Bodø\nhome: *s\n---\n**I:** Hi.\n", "a.md")
    assert attrs == {"site": "Bodø", "home": "Bodø"}
    assert used == 4


def test_cli_codebook_check_refuses_a_bomb(invoke: Callable[..., object],
                                            tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(CODEBOOK_HEAD + bomb_lines(), encoding="utf-8")
    result = invoke("codebook", "check", str(path))
    assert result.exit_code == 4, result.output  # type: ignore[attr-defined]
    assert "uses YAML aliases beyond the limit" in result.output  # type: ignore[attr-defined]
