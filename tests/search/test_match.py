"""Regex and fuzzy matching: the documented rules, and the one-line errors."""

from __future__ import annotations

import pytest

from qcode.errors import UsageError
from qcode.search.folding import fold
from qcode.search.match import Query, compile_query, fold_pattern


def hits(text: str, query: Query) -> list[tuple[str, float | None]]:
    return [(text[a:b], s) for a, b, s in compile_query(query).find(fold(text))]


def test_regex_runs_on_the_folded_text_ignoring_case() -> None:
    text = "Helse Nord og HELSE SØR-ØST, helsé vest"
    assert [t for t, _ in hits(text, Query(r"helse \w+", regex=True))] == \
        ["Helse Nord", "HELSE SØR", "helsé vest"]
    assert [t for t, _ in hits(text, Query(r"sør-øst", regex=True))] == ["SØR-ØST"]
    assert fold_pattern(r"h[eé]lse\b") == r"h[ee]lse\b"


def test_regex_whole_word_and_empty_matches() -> None:
    text = "video, videoen, videokonsultasjon"
    assert [t for t, _ in hits(text, Query("video\\w*", regex=True, whole_word=True))] == \
        ["video", "videoen", "videokonsultasjon"]
    assert hits(text, Query("x*", regex=True)) == []  # matches of nothing are not hits


def test_a_bad_regex_names_the_position() -> None:
    with pytest.raises(UsageError) as err:
        compile_query(Query("no (national strategy", regex=True))
    assert err.value.message == ("bad --regex pattern 'no (national strategy' at position 3: "
                                 "missing ), unterminated subpattern")


def test_fuzzy_finds_typos_and_inflections_by_ratio() -> None:
    text = "Telemedsin på sykehuset, telemedisinen og telefonen; sykehus."
    found = hits(text, Query("telemedisin", fuzzy=80))
    assert [(t, round(s or 0)) for t, s in found] == [("Telemedsin", 95), ("telemedisinen", 92)]
    assert [(t, round(s or 0)) for t, s in hits(text, Query("sykehus", fuzzy=85))] == \
        [("sykehuset", 88), ("sykehus", 100)]
    # 90 is stricter: the inflection falls out
    assert [t for t, _ in hits(text, Query("sykehus", fuzzy=90))] == ["sykehus"]


def test_fuzzy_phrases_compare_runs_of_words() -> None:
    text = "the vidoe consultation, a video consultations and video consult"
    found = hits(text, Query("video consultation", fuzzy=85))
    assert [t for t, _ in found] == ["vidoe consultation", "video consultations"]


@pytest.mark.parametrize(("query", "message"), [
    (Query("  "), "the search text is empty"),
    (Query("x", regex=True, fuzzy=80), "give --regex or --fuzzy, not both"),
    (Query("--", fuzzy=80), "--fuzzy needs a word to compare (letters or digits)"),
    (Query("x", fuzzy=101), "--fuzzy 101 is not a similarity from 1 to 100"),
    (Query("x", fuzzy=0), "--fuzzy 0 is not a similarity from 1 to 100"),
])
def test_bad_queries(query: Query, message: str) -> None:
    with pytest.raises(UsageError) as err:
        compile_query(query)
    assert err.value.message == message
