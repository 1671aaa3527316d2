"""Rewriting text with the pseudonym table: variants, longest match first, case and
accents, genitives, and the offset map that keeps every span on the same words."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.pseudonyms.rewrite import Rewriter
from qcode.pseudonyms.variants import Entry, fold, variants

TABLE = [Entry("Torunn Vollstad", "P07"), Entry("Lofotkysten sykehus", "Hospital A",
                                                "organisation", ("Lofotkysten",)),
         Entry("Bodø", "Town B", "place")]


def test_fold_is_one_character_per_character() -> None:
    text = "Ærlig talt, BODØ og Tromsø, café, Åsvik"
    assert len(fold(text)) == len(text)
    assert fold(text) == "ærlig talt, bodo og tromso, cafe, asvik"


def test_a_persons_variants_and_a_places() -> None:
    assert variants(Entry("Maren Solbakk-Aune", "P03")) == {
        "maren solbakk-aune": False, "solbakk-aune": True, "maren": True, "solbakk": True,
        "aune": True, "m.s.": True, "m. s.": True}
    assert set(variants(Entry("Per Håkon Lie", "P09"))) == {
        "per hakon lie", "hakon lie", "per hakon", "per", "hakon", "lie", "p.h.l.",
        "p. h. l."}
    assert variants(Entry("Bodø", "Town B", "place")) == {"bodo": False}


def test_full_name_first_then_parts_genitives_and_initials() -> None:
    rw = Rewriter(TABLE)
    text = ("Torunn Vollstad leads it. Torunns plan, Vollstad's team, T.V. and T. V. "
            "at Lofotkysten sykehus (Lofotkysten) near BODO and bodø.")
    # the last dot of initials stays: it may end the sentence
    assert rw.replace(text) == ("P07 leads it. P07s plan, P07's team, P07. and P07. "
                                "at Hospital A (Hospital A) near Town B and Town B.")


def test_whole_words_only_and_name_parts_need_a_capital() -> None:
    rw = Rewriter([Entry("Per Olsen", "P01"), Entry("Anne Berg", "P02")])
    text = "Per says 2 per day; Bergen is not Berg; Annette is not Anne; olsen, Olsen."
    assert rw.replace(text) == ("P01 says 2 per day; Bergen is not P02; Annette is not P02; "
                                "olsen, P01.")


def test_a_shared_first_name_gets_both_pseudonyms_and_a_full_entry_wins() -> None:
    rw = Rewriter([Entry("Anne Berg", "P02"), Entry("Anne Lie", "P05"),
                   Entry("Lie", "Village C", "place")])
    assert rw.replace("Anne said Lie. Anne Lie and Anne Berg.") == \
        "P02/P05 said Village C. P05 and P02."


def test_a_double_surname_is_one_name() -> None:
    rw = Rewriter([Entry("Maren Solbakk-Aune", "P03")])
    assert rw.replace("Solbakk-Aune said, and Maren. Aune too.") == "P03 said, and P03. P03 too."


def test_separators_between_words_of_a_name() -> None:
    rw = Rewriter(TABLE)
    assert rw.replace("torunn_vollstad.docx, Torunn  Vollstad, Torunn-Vollstad") == \
        "P07.docx, P07, P07"
    assert rw.replace("Torunn\nVollstad") == "P07\nP07"  # not one name across a line


def test_offsets_move_spans_onto_the_same_words() -> None:
    rw = Rewriter(TABLE)
    text = "I met Torunn Vollstad at Lofotkysten sykehus today."
    new, om = rw.rewrite(text)
    assert new == "I met P07 at Hospital A today."
    s, e = text.index("met"), text.index(" at")
    assert new[om.start(s):om.end(e)] == "met P07"
    s, e = text.index("Vollstad"), text.index("today") + 5  # starts inside a name
    assert new[om.start(s):om.end(e)] == "P07 at Hospital A today"
    s, e = text.index("I"), text.index("Torunn") + 3  # ends inside a name
    assert new[om.start(s):om.end(e)] == "I met P07"
    assert (om.start(len(text)), om.end(len(text))) == (len(new), len(new))


NAMES = ["Torunn Vollstad", "Torunn", "Vollstad", "Torunns", "BODØ", "Bodo", "T.V.",
         "Lofotkysten sykehus", "Lofotkysten"]
WORDS = ["the", "clinic", "video", "per", "said", "Tromsø", "and", "it", "a", "Bergen"]
token = st.sampled_from(NAMES + WORDS)
sep = st.sampled_from([" ", ", ", ". ", "\n", " — "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(token, sep), min_size=1, max_size=30), st.data())
def test_every_span_lands_on_the_same_words(parts: list[tuple[str, str]],
                                            data: st.DataObject) -> None:
    """Map back: outside the names the new text is the old text character for character, in
    order; a span's new text is the rewrite of its old text when it cuts no name, and never
    cuts a pseudonym when it does."""
    rw = Rewriter(TABLE)
    text = "".join(w + s for w, s in parts)
    new, om = rw.rewrite(text)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
    s, e = cuts
    ns, ne = om.start(s), om.end(e)
    assert 0 <= ns <= ne <= len(new)
    inside = [(m.start, m.end) for m in rw.matches(text)]
    cut = any(a < s < b or a < e < b for a, b in inside)
    if not cut:
        assert new[ns:ne] == rw.replace(text[s:e])
    unchanged = [i for i in range(len(text)) if not any(a <= i < b for a, b in inside)]
    assert "".join(text[i] for i in unchanged) == re.sub("P07|Town B|Hospital A", "", new)
    for a, b in inside:  # every name is fully covered or not at all
        na, nb = om.start(a), om.end(b)
        assert (ns <= na and nb <= ne) or nb <= ns or na >= ne
