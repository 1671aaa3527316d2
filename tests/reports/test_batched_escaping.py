"""The report writers escape quotes and source lines many at a time (issue 19, report
speed); each batch must give exactly what escaping one text at a time gives."""

from __future__ import annotations

import random
from html import escape

import pytest

from qcode.counts.excerpts import Excerpt
from qcode.reports.html import escape_many
from qcode.reports.markup import (
    md_escape,
    md_escape_many,
    md_quote,
    md_quotes,
    source_line,
    source_lines,
)

# every character the escapers treat specially, and some that look like them
HOSTILE = list("\\`*_{}[]<>#|&~!\"'\n\r\t\x00\x1b\x0b\x0c\x7f\x85\x9f\xa0\xab\xc2"
               "\u00e9\u20ac\u2028\u3000\ud800 .")


def _texts(rng: random.Random, share: float) -> list[str]:
    """Up to 1,500 short texts; ``share`` of their characters hostile."""
    return ["".join(rng.choice(HOSTILE) if rng.random() < share else rng.choice("abc ")
                    for _ in range(rng.randrange(0, 14)))
            for _ in range(rng.randrange(0, 1500))]


@pytest.mark.parametrize("seed", range(40))
def test_md_escape_many_is_md_escape_of_each(seed: int) -> None:
    rng = random.Random(seed)
    texts = _texts(rng, rng.random() ** 4)  # mostly plain, sometimes every other char
    assert md_escape_many(texts) == [md_escape(t) for t in texts]


@pytest.mark.parametrize("seed", range(40))
def test_escape_many_is_html_escape_of_each(seed: int) -> None:
    rng = random.Random(seed)
    texts = _texts(rng, rng.random() ** 4)
    assert escape_many(texts) == [escape(t) for t in texts]


def test_one_hostile_text_in_a_long_plain_run() -> None:
    """A single text that must go the long way (a line break, a C1 control, punctuation)
    among thousands of plain ones: only it changes."""
    for odd in ("two\nlines", "esc\x1b[31m", "c1\x85", "*bold*", "tab\there", "cr\rx",
                "\u00ab\u00e9\u00bb", ""):
        texts = ["plain words"] * 3000
        texts[1234] = odd
        assert md_escape_many(texts) == [md_escape(t) for t in texts]
        assert escape_many(texts) == [escape(t) for t in texts]


def _excerpt(rng: random.Random, k: int) -> Excerpt:
    seg = f"D{k % 7}:{k:04d}"
    last = rng.choice(["", seg, f"D{k % 7}:{k + 2:04d}", f"E:{k:04d}"])
    return Excerpt("C", "T", "L", f"D{k % 7}", "Title", seg,
                   rng.choice(["Ann  Lee", "", " \t", "RESPONDENT", "Int\u00e9rviewer*"]),
                   rng.choice([None, 0.0, 65.4, 3725.9]), None,
                   "".join(rng.choice(HOSTILE + list("abc ")) for _ in range(10)), None,
                   rng.choice([{}, {"region": "North", "role": "nurse"}, {"region": ""}]),
                   "manual", 0, 5, last, rng.choice(["", "before *"]),
                   rng.choice(["", "after\nwards"]))


@pytest.mark.parametrize("attributes", [(), ("region",), ("role", "region", "none")])
def test_source_lines_and_quotes_are_each_excerpts(attributes: tuple[str, ...]) -> None:
    rng = random.Random(7)
    excerpts = [_excerpt(rng, k) for k in range(600)]
    assert source_lines(excerpts, attributes) == [source_line(e, attributes)
                                                  for e in excerpts]
    assert md_quotes(excerpts) == [md_quote(e) for e in excerpts]
