"""A small span study for the reconciliation tests: one document of three segments, coders
marking stretches of words (helpers name the stretches by their words)."""

from __future__ import annotations

import re
from pathlib import Path

from qcode.coding import store
from qcode.models import Document, Segment
from qcode.project import Project, init_project

LINES = ("alpha beta gamma delta epsilon zeta eta theta",
         "iota kappa lambda mu nu xi omicron pi",
         "rho sigma tau upsilon phi chi psi omega")
TEXT = "\n".join(LINES) + "\n"
SEGMENTS: tuple[Segment, ...] = ()
_pos = 0
for _i, _line in enumerate(LINES, start=1):
    SEGMENTS += (Segment(id=f"S:{_i:04d}", start=_pos, end=_pos + len(_line), speaker="R",
                         turn=_i - 1),)
    _pos += len(_line) + 1
DOC = Document(id="S", title="S", format="txt", text=TEXT, segments=SEGMENTS)
X, Y = "GOV-MAC-01", "ECO-MAC-01"  # two codes of the bundled codebook


def at(word: str) -> int:
    """Where the word ``word`` starts (each word occurs once)."""
    found = [m.start() for m in re.finditer(rf"\b{word}\b", TEXT)]
    assert len(found) == 1, word
    return found[0]


def words(first: str, last: str) -> tuple[int, int]:
    """The span from the start of ``first`` to the end of ``last``."""
    return at(first), at(last) + len(last)


def seg(n: int) -> tuple[int, int]:
    return SEGMENTS[n - 1].start, SEGMENTS[n - 1].end


def span_study(root: Path, marks: dict[str, list[tuple[str, tuple[int, int]]]]) -> Project:
    """A project whose coders marked ``marks``: coder -> [(code, (start, end))]; every
    coder has completed the document."""
    project = init_project(root)
    project.save_document(DOC)
    for coder, spans in marks.items():
        for code, (s, e) in spans:
            store.add_span(project, coder, DOC, s, e, [code])
        store.mark_done(project, coder, DOC.id)
    return project


def consensus_spans(project: Project, name: str = "consensus") -> list[tuple[str, int, int]]:
    """The consensus coder's spans as (code, start, end), sorted."""
    return sorted((c.code, c.start, c.end) for c in store.load_state(project, name).codings())
