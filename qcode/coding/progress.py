"""How far each coder has got: a document x coder grid (``qcode progress``).

A cell is one coder on one document:

- **done** when the coder marked the document complete (``done``, or ``d`` in the session):
  then every segment counts as visited;
- otherwise **n of m segments visited**, where a segment counts as visited when the coder
  coded it, wrote a segment memo on it, or the coder's coding session has moved past it:
  the session saves the segment it stands on (``codings/.<coder>.position.json``), and every
  segment before that one in the document counts (the one shown is not yet visited, so a
  session opened and closed at once leaves the document not started);
- **not started** when no segment is visited.

The saved position is machine-local (git ignores it): on another machine only the codings,
memos and completion marks in the shared logs count. Each cell also counts the coder's
codings in the document (as every reading command counts them: codings whose code,
document or segment is not in the project are left out, and said so by the caller).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode._io.nofollow import read_nofollow
from qcode.coding.fold import CoderState
from qcode.documents.log import document_map
from qcode.errors import ProjectDamagedError
from qcode.models import Document
from qcode.project import Project

NOT_STARTED, STARTED, DONE = "not_started", "started", "done"


def position_path(project: Project, coder: str) -> Path:
    """The coder's saved session positions: document id -> the segment the session is on."""
    return project.codings_dir / f".{coder}.position.json"


def read_positions(project: Project, coder: str) -> dict[str, str]:
    """The saved positions (empty when there are none or the file cannot be read: a
    position is a convenience, never a reason to fail)."""
    with contextlib.suppress(OSError, ValueError, ProjectDamagedError):
        data = json.loads(read_nofollow(position_path(project, coder)))
        if isinstance(data, dict):
            docs = document_map(project)  # a renamed document keeps its position
            return dict(docs.key(k, v) for k, v in data.items()
                        if isinstance(k, str) and isinstance(v, str))
    return {}


@dataclass(frozen=True, slots=True)
class Cell:
    """One coder on one document."""

    document: str
    coder: str
    status: str
    visited: int
    segments: int
    codings: int

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "coder": self.coder, "status": self.status,
                "visited": self.visited, "segments": self.segments, "codings": self.codings}


@dataclass(frozen=True, slots=True)
class CoderTotal:
    """One coder over the documents of the grid."""

    coder: str
    documents: int
    documents_done: int
    documents_started: int
    visited: int
    segments: int
    codings: int

    def as_dict(self) -> dict[str, Any]:
        return {"coder": self.coder, "documents": self.documents,
                "documents_done": self.documents_done,
                "documents_started": self.documents_started, "visited": self.visited,
                "segments": self.segments, "codings": self.codings}


@dataclass(frozen=True)
class Progress:
    documents: tuple[str, ...]
    coders: tuple[str, ...]
    cells: tuple[Cell, ...]
    totals: tuple[CoderTotal, ...]

    def cell(self, document: str, coder: str) -> Cell:
        return next(c for c in self.cells if c.document == document and c.coder == coder)


def cell_for(doc: Document, st: CoderState, position: str | None) -> Cell:
    """The cell of one coder (their usable state and saved position) on one document."""
    ids = [s.id for s in doc.segments]
    visited = {seg for (d, seg), codes in st.codes.items() if d == doc.id and codes}
    visited |= {seg for (d, seg), text in st.memos.items() if d == doc.id and text}
    if position is not None and position in ids:
        visited.update(ids[:ids.index(position)])
    visited &= set(ids)
    codings = sum(len(spans) for (d, _), spans in st.spans.items() if d == doc.id)
    if doc.id in st.done:  # the coder says they went through all of it
        return Cell(doc.id, st.coder, DONE, len(ids), len(ids), codings)
    return Cell(doc.id, st.coder, STARTED if visited else NOT_STARTED, len(visited), len(ids),
                codings)


def progress(project: Project, states: Iterable[CoderState], docs: Iterable[Document]
             ) -> Progress:
    """The grid of ``docs`` x the coders of ``states`` (usable states, as loaded by
    :func:`qcode.coding.usable.load_usable`), with totals per coder."""
    docs = list(docs)
    states = list(states)
    cells: list[Cell] = []
    totals: list[CoderTotal] = []
    for st in states:
        positions = read_positions(project, st.coder)
        mine = [cell_for(d, st, positions.get(d.id)) for d in docs]
        cells += mine
        totals.append(CoderTotal(
            st.coder, len(mine), sum(c.status == DONE for c in mine),
            sum(c.status == STARTED for c in mine), sum(c.visited for c in mine),
            sum(c.segments for c in mine), sum(c.codings for c in mine)))
    doc_rank = {d.id: i for i, d in enumerate(docs)}
    coder_rank = {s.coder: i for i, s in enumerate(states)}
    by_doc = sorted(cells, key=lambda c: (doc_rank[c.document], coder_rank[c.coder]))
    return Progress(tuple(d.id for d in docs), tuple(s.coder for s in states),
                    tuple(by_doc), tuple(totals))
