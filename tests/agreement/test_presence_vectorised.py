"""The vectorised span -> segment presence (``presence_from_spans``) against a plain loop
over each span and segment, on random documents: spans inside one segment, across several,
past the document's end, without offsets (whole segment), in documents not compared, empty
segments; with ``--overlap any`` and with shares. Agreement read from a coder's fold
(``span_columns``) equals agreement read from ``Coding`` records."""

from __future__ import annotations

import random

import numpy as np
import pytest

from qcode.agreement.presence import as_columns, covered, presence_from_spans, span_columns
from qcode.agreement.project import project_agreement
from qcode.coding import store
from qcode.models import Coding
from qcode.project import Project
from tests.builders import build_study

CODES = {"A": 0, "B": 1, "C": 2}


def _loop(units: list[tuple[str, str]], bounds: list[tuple[int, int]],
          codings: list[Coding], overlap: float | None) -> np.ndarray:
    """Each coding against each segment of its document, one at a time."""
    out = np.zeros((len(units), len(CODES)), dtype=bool)
    for c in codings:
        k = CODES[c.code]
        if c.end <= c.start:
            for i, u in enumerate(units):
                if u == (c.doc, c.segment):
                    out[i, k] = True
            continue
        for i, ((d, _), (s, e)) in enumerate(zip(units, bounds, strict=True)):
            if d == c.doc and s < c.end and c.start < e:
                out[i, k] |= overlap is None
    if overlap is not None:
        for i, ((d, _), (s, e)) in enumerate(zip(units, bounds, strict=True)):
            for code, k in CODES.items():
                pieces = [(max(s, c.start), min(e, c.end)) for c in codings
                          if c.doc == d and c.code == code and c.end > c.start
                          and s < c.end and c.start < e]
                if pieces and covered(pieces) >= overlap * (e - s) - 1e-9:
                    out[i, k] = True
    return out


def _random_case(rng: random.Random) -> tuple[list[tuple[str, str]], list[tuple[int, int]],
                                               list[Coding]]:
    units: list[tuple[str, str]] = []
    bounds: list[tuple[int, int]] = []
    lengths = {}
    for d in ("D1", "D2", "D3"):
        at = 0
        for j in range(rng.randint(1, 6)):
            size = rng.choice([0, 1, 3, 7, 12])
            units.append((d, f"{d}:{j}"))
            bounds.append((at, at + size))
            at += size + rng.choice([0, 0, 1])
        lengths[d] = at
    codings = []
    for _ in range(rng.randint(0, 25)):
        d = rng.choice(["D1", "D2", "D3", "GONE"])
        seg = rng.choice([u[1] for u in units if u[0] == d] or ["x"])
        start = rng.randint(0, lengths.get(d, 5) + 3)
        end = start + rng.randint(-1, 15)
        if rng.random() < 0.15:
            start = end = 0
        codings.append(Coding("c", d, seg, rng.choice(list(CODES)), start, end, ""))
    return units, bounds, codings


@pytest.mark.parametrize("overlap", [None, 0.01, 0.5, 1.0])
def test_vectorised_presence_equals_a_plain_loop(overlap: float | None) -> None:
    rng = random.Random(19)
    for _ in range(300):
        units, bounds, codings = _random_case(rng)
        got = np.zeros((2, len(units), len(CODES)), dtype=bool)
        presence_from_spans(got, 1, codings, units, bounds, CODES, overlap)
        assert not got[0].any()
        assert (got[1] == _loop(units, bounds, codings, overlap)).all(), (units, bounds,
                                                                          codings)


def test_columns_from_the_fold_give_the_records_agreement(project: Project) -> None:
    build_study(project)
    states = {c: store.load_state(project, c) for c in store.coder_names(project)}
    for st in states.values():
        assert as_columns(st.codings()) == span_columns(st) or \
            sorted(zip(*as_columns(st.codings()), strict=True)) == \
            sorted(zip(*span_columns(st), strict=True))
    segments = {d: [s.id for s in project.load_document(d).segments]
                for d in project.document_ids()}
    bounds = {d: [(s.start, s.end) for s in project.load_document(d).segments]
              for d in project.document_ids()}
    done = {c: st.done for c, st in states.items()}
    for overlap in (None, 0.5):
        a = project_agreement(segments, {c: st.codings() for c, st in states.items()}, done,
                              project.codebook, n_boot=0, bounds=bounds, overlap=overlap)
        b = project_agreement(segments, {c: span_columns(st) for c, st in states.items()},
                              done, project.codebook, n_boot=0, bounds=bounds,
                              overlap=overlap)
        assert a == b
