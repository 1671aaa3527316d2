"""Case and accent folding with its offset map: every hit lies on text that folds to the
query, the fast path folds as the per-cluster loop does, and the documented rule holds."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.search.folding import fold, fold_query, fold_slow, is_mark
from qcode.search.match import Query, compile_query

#: letters that fold in every way the rule names: case, accents, ß, ligatures, marks,
#: the letters of their own (æ ø å œ) and white space
ALPHABET = ("abcdeEÉéèÊëSsßẞﬁﬂfilOoØøÖöÅåAaÆæœŒİıΣσς \n\t.,-"
            "\u0301\u030a\u0308")


def whitespace_free(text: str) -> str:
    return " ".join(text.split())


def find(text: str, query: str, *, whole_word: bool = False) -> list[tuple[int, int]]:
    matcher = compile_query(Query(query, whole_word=whole_word))
    return [(a, b) for a, b, _s in matcher.find(fold(text))]


texts = st.text(alphabet=ALPHABET, max_size=60)


@settings(max_examples=400, deadline=None)
@given(texts, st.data())
def test_every_hit_folds_to_the_query(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    query = text[i:j]
    if not fold_query(query).split():
        return
    for start, end in find(text, query):
        assert 0 <= start < end <= len(text)
        assert whitespace_free(fold_query(text[start:end])) == \
            whitespace_free(fold_query(query))
        # a hit never cuts a letter from its combining marks
        assert end == len(text) or not is_mark(text[end])


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_text_is_found_in_itself(text: str) -> None:
    """Whatever the text holds, searching for all of it finds it."""
    if fold_query(text).split():
        assert find(text, text) != []


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_the_fast_path_folds_as_the_cluster_loop(text: str) -> None:
    fast, slow = fold(text), fold_slow(text)
    assert fast.text == slow.text
    if fast.origin is None:  # identity map: each character folded to one
        assert slow.origin == (*range(len(text)), len(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_the_map_covers_the_text_in_order(text: str) -> None:
    f = fold_slow(text)
    assert f.origin is not None
    assert len(f.origin) == len(f.text) + 1
    assert list(f.origin) == sorted(f.origin)
    assert f.origin[-1] == len(text)


def test_the_rule() -> None:
    # case and accents away
    assert find("Café in TROMSØ", "cafe in tromsø") == [(0, 14)]
    assert find("résumé, Résumé", "resume") == [(0, 6), (8, 14)]
    assert find("Müller", "muller") == [(0, 6)]
    # æ, ø, å (and œ) are letters of their own
    assert find("Tromsø", "tromso") == []
    assert find("Tromso", "tromsø") == []
    assert find("på", "pa") == [] and find("pa", "på") == []
    assert find("Ære", "aere") == [] and find("Ære", "ære") == [(0, 3)]
    assert find("cœur", "coeur") == []
    # a decomposed å (a + ring) is å, not a
    decomposed = unicodedata.normalize("NFD", "Påske")
    assert len(decomposed) == 6
    assert find(decomposed, "påske") == [(0, 6)]
    assert find(decomposed, "paske") == []
    # combining marks go with their letter: the hit takes them along
    assert find("cafe\u0301 noir", "café") == [(0, 5)]
    assert find("cafe\u0301 noir", "cafe") == [(0, 5)]
    # ß is ss; a match inside its expansion is not a hit
    assert find("Straße", "strasse") == [(0, 6)]
    assert find("STRASSE", "straße") == [(0, 7)]
    assert find("Straße", "stras") == []
    # ligatures are their letters
    assert find("ﬁnal ofﬁce", "office") == [(5, 10)]
    # white space in the query matches any run of white space
    assert find("video\n\n  consultation", "video consultation") == [(0, 21)]


def test_whole_word() -> None:
    text = "pasient, pasienten og pasientforløpet; PASIENT"
    assert find(text, "pasient", whole_word=True) == [(0, 7), (39, 46)]
    assert len(find(text, "pasient")) == 4
