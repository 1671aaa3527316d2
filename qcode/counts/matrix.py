"""Crosstabs of one coder's codings: theme x level, or any two dimensions.

Counting rules (also shown by ``qcode matrix --help``):

- ``segments``: a segment counts once in a cell however many codes of that cell it has
  (a coded span counts every segment it touches);
- ``codings``: every coded span counts (a segment with two codes of a cell counts 2; on
  whole-segment codings, the number of codes on segments);
- ``documents``: the distinct documents with at least one coded segment in the cell;
- ``speakers``: the distinct speakers (a speaker within one document) with at least one
  coded segment in the cell;
- ``characters`` / ``words``: coverage, the characters (words) of the text inside the
  union of the cell's spans, so text coded twice in a cell counts once.

Row and column totals count distinct units in the same way, so a segment with codes in two
cells of a row counts once in that row's total: totals can be smaller than the sum of the
cells (never for ``codings``). Percentages divide a cell by its row total, column total or
the grand total. Every row and column of a dimension is kept, with 0 for empty cells; theme,
level and code order comes from the codebook.

A dimension is ``theme``, ``level``, ``code``, ``document``, ``speaker`` or ``attr:NAME``
(a document attribute).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any

from qcode.codebook.lookup import suggestions
from qcode.coding.checkpoint import Columns
from qcode.coding.collector import collector_paused
from qcode.coding.fold import CoderState
from qcode.coding.store import coder_names, load_state, log_path, unchanged_columns
from qcode.coding.usable import (
    Omissions,
    codings_of_columns,
    known_parts,
    omissions,
    usable_state,
)
from qcode.counts.coverage import coverage, units_of
from qcode.counts.doc_info import DocInfo, corpus_documents
from qcode.documents.where import parse_where
from qcode.errors import InsufficientDataError, NotFoundError, UsageError
from qcode.models import Codebook, Coding
from qcode.project import Project
from qcode.reconcile.consensus import consensus_coders

DIMENSIONS = ("theme", "level", "code", "document", "speaker")
#: dimensions whose value depends only on the code of a coding
CODE_DIMENSIONS = ("theme", "level", "code")
COUNT_MODES = ("segments", "codings", "documents", "speakers")
#: counting modes that measure the text the spans cover (``qcode matrix`` only)
COVERAGE_MODES = ("characters", "words")
PERCENT_MODES = ("none", "row", "col", "total")
MISSING = "(missing)"
NO_LEVEL = "(no level)"
#: keys of ``--where`` that are not document attributes
WHERE_SPECIAL = ("document", "speaker")


# ----------------------------------------------------------------------------- coder


def default_coder(project: Project, coder: str | None = None) -> str:
    """``coder`` if given (checked); else the consensus coder; else the only coder."""
    if coder:
        log_path(project, coder)  # raises NotFoundError with the coders as a hint
        return coder
    names = coder_names(project)
    if not names:
        raise InsufficientDataError("no coder has coded in this project yet",
                                    hint="code a document first: qcode code DOC --coder NAME")
    consensus = consensus_coders(project)
    if len(consensus) == 1:
        return consensus[0]
    if len(names) == 1:
        return names[0]
    pool = consensus or names
    raise UsageError("this project has several coders; choose one with --coder",
                     hint=f"coders: {', '.join(pool)}")


# ----------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    """One coder's codings beside the documents they sit in."""

    coder: str
    codebook: Codebook
    docs: dict[str, DocInfo]
    codings: list[Coding]
    #: what could not be read (log lines) or used (codings whose code, document or
    #: segment is not in the project): left out, for the caller to report
    omissions: Omissions = field(default_factory=Omissions)
    attribute_names: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """How many codings were left out because what they refer to is not in the project."""
        return sum(lo.total for lo in self.omissions.left_out)


@collector_paused()
def load_corpus(project: Project, coder: str | None = None, *,
                state: CoderState | None = None, columns: Columns | None = None,
                docs: dict[str, DocInfo] | None = None) -> Corpus:
    """Read the project's documents and the (default) coder's current codings (``state``:
    that coder's log, if the caller has folded it already; ``columns``: what the caller
    has read of it from its checkpoint, :func:`qcode.coding.store.unchanged_columns`;
    ``docs``: the documents, if the caller has read them, :func:`corpus_documents`).

    Unreadable log lines, and codings of codes, documents or segments not in the project,
    are left out and described in ``omissions`` (see :mod:`qcode.coding.usable`).
    """
    name = default_coder(project, coder)
    cb: Codebook = project.codebook
    docs = corpus_documents(project) if docs is None else docs
    known = known_parts(project, segments={i: d.segments for i, d in docs.items()})
    attrs = sorted({k for d in docs.values() for k in d.attributes}, key=str.casefold)
    if state is None or state.coder != name:
        without_quotes = columns is not None and columns.code and not columns.quote
        if columns is None or columns.rest.coder != name or without_quotes:
            columns = unchanged_columns(project, name)
        quick = codings_of_columns(name, columns, known) if columns is not None else None
        if quick is not None and columns is not None:
            return Corpus(coder=name, codebook=cb, docs=docs, codings=quick,
                          omissions=omissions([columns.rest]), attribute_names=attrs)
        state = load_state(project, name)
    state = usable_state(state, known)
    memos = state.memos
    kept: list[Coding] = []
    append, new = kept.append, _new
    for (doc, seg), by_key in state.spans.items():  # one coding per span
        memo = memos.get((doc, seg))
        for (code, start, end), ev in by_key.items():
            if start < 0 or end <= start:  # made before offsets were kept: the segment
                d = docs[doc]
                start, end = d.bounds[seg]
                quote = ev.get("quote") or d.text[start:end]
            else:
                quote = ev.get("quote") or ""
            append(new(Coding, (name, doc, seg, code, start, end, quote,
                                ev.get("origin", "manual"), memo, ev.get("decision"))))
    return Corpus(coder=name, codebook=cb, docs=docs, codings=kept,
                  omissions=omissions([state]), attribute_names=attrs)


_new = tuple.__new__  # builds a Coding from a full tuple without its Python __new__


# ----------------------------------------------------------------------------- filters


def _check_attribute(corpus: Corpus, name: str, option: str) -> None:
    if name in corpus.attribute_names:
        return
    near = suggestions(name, corpus.attribute_names)
    known = ", ".join(corpus.attribute_names) or "none (add them with qcode attributes import)"
    raise NotFoundError(f"{option}: no document attribute '{name}'"
                        + (f"; did you mean {', '.join(repr(n) for n in near)}?" if near
                           else ""), hint=f"attributes: {known}")


def _check_values(corpus: Corpus, key: str, values: tuple[str, ...]) -> None:
    """A value no document has is a typo ('Helse nord'), not an empty selection."""
    if key == "document":
        known = set(corpus.docs)
    elif key == "speaker":
        known = {seg[1] for d in corpus.docs.values() for seg in d.segments.values()}
    else:
        known = {d.attributes[key] for d in corpus.docs.values() if d.attributes.get(key)}
    for value in values:
        if value and value not in known:
            near = ([k for k in sorted(known) if k.casefold() == value.casefold()]
                    or suggestions(value, sorted(known)))
            what = "document" if key == "document" else f"value of {key}"
            listed = sorted(known, key=str.casefold)
            shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
            raise NotFoundError(f"--where {key}={value}: no such {what} in this project"
                                + (f"; did you mean {', '.join(repr(n) for n in near)}?"
                                   if near else ""), hint=f"{key} values: {shown}")


def select(corpus: Corpus, where: dict[str, tuple[str, ...]] | None = None) -> Corpus:
    """The corpus restricted by ``where``: values of one key are alternatives (OR), different
    keys must all hold (AND). Keys are document attributes, ``document`` or ``speaker``."""
    if not where:
        return corpus
    for key in where:
        if key not in WHERE_SPECIAL:
            _check_attribute(corpus, key, "--where")
        _check_values(corpus, key, where[key])
    docs = {}
    for doc_id, d in corpus.docs.items():
        ok = True
        for key, values in where.items():
            if key == "speaker":
                continue
            have = doc_id if key == "document" else d.attributes.get(key, "")
            if have not in values:
                ok = False
                break
        if ok:
            docs[doc_id] = d
    speakers = where.get("speaker")
    codings = [c for c in corpus.codings if c.doc in docs and
               (speakers is None or docs[c.doc].segments[c.segment][1] in speakers)]
    return replace(corpus, docs=docs, codings=codings)


# ----------------------------------------------------------------------------- dimensions


@dataclass
class Axis:
    """The values of one dimension, in display order, and how a coding maps onto them."""

    dimension: str
    values: list[str]
    labels: list[str]
    key: Callable[[Coding], str]


def axis(corpus: Corpus, dimension: str) -> Axis:
    """The ordered values of ``dimension`` over the corpus (every value, coded or not)."""
    cb = corpus.codebook
    code_of = {c.id: c for c in cb.codes}
    if dimension == "theme":
        return Axis("theme", [t.id for t in cb.themes], [t.name for t in cb.themes],
                    lambda c: code_of[c.code].theme)
    if dimension == "level":
        values = [lv.id for lv in cb.levels]
        labels = [lv.name for lv in cb.levels]
        if any(c.level is None for c in cb.codes):
            values.append(NO_LEVEL)
            labels.append(NO_LEVEL)
        return Axis("level", values, labels, lambda c: code_of[c.code].level or NO_LEVEL)
    if dimension == "code":
        return Axis("code", [c.id for c in cb.codes], [c.name for c in cb.codes],
                    lambda c: c.code)
    if dimension == "document":
        ids = list(corpus.docs)
        return Axis("document", ids, [corpus.docs[i].title for i in ids], lambda c: c.doc)
    if dimension == "speaker":
        names = sorted({s[1] for d in corpus.docs.values() for s in d.segments.values()},
                       key=lambda s: (s.casefold(), s))
        docs = corpus.docs
        return Axis("speaker", names, list(names),
                    lambda c: docs[c.doc].segments[c.segment][1])
    if dimension.startswith("attr:"):
        name = dimension[5:]
        _check_attribute(corpus, name, f"'{dimension}'")
        values = attribute_values(corpus, name)
        docs = corpus.docs
        return Axis(dimension, values, list(values),
                    lambda c: docs[c.doc].attributes.get(name) or MISSING)
    choices = ", ".join((*DIMENSIONS, "attr:NAME"))
    near = suggestions(dimension, list(DIMENSIONS))
    raise UsageError(f"unknown dimension '{dimension}'"
                     + (f"; did you mean '{near[0]}'?" if near else ""),
                     hint=f"dimensions: {choices}")


def attribute_values(corpus: Corpus, name: str) -> list[str]:
    """Distinct values of a document attribute, sorted; ``(missing)`` last if any lack it."""
    vals = {d.attributes.get(name) or MISSING for d in corpus.docs.values()}
    missing = MISSING in vals
    vals.discard(MISSING)
    return sorted(vals, key=lambda v: (v.casefold(), v)) + ([MISSING] if missing else [])


def unit_key(corpus: Corpus, count: str) -> Callable[[Coding], Any]:
    """What one unit is under a counting mode (for ``segments``, the span's first segment;
    :func:`units_of` gives every unit a coding counts in)."""
    if count == "segments":
        return itemgetter(1, 2)  # (doc, segment) of a Coding tuple
    if count == "codings":
        return itemgetter(1, 2, 3, 4, 5)  # (doc, segment, code, start, end): one span
    if count in COVERAGE_MODES:
        return itemgetter(1, 4, 5)  # (doc, start, end): the stretch of text it covers
    if count == "documents":
        return itemgetter(1)  # doc
    if count == "speakers":
        docs = corpus.docs
        return lambda c: (c.doc, docs[c.doc].segments[c.segment][1])
    raise UsageError(f"unknown count '{count}'",
                     hint=f"counts: {', '.join(COUNT_MODES + COVERAGE_MODES)}")


# ----------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class Matrix:
    """A crosstab: ``counts[i][j]`` for row value ``rows[i]`` and column value ``cols[j]``.

    A plain dataclass, not a pydantic record: it is computed, never read from a file, and
    building pydantic's validator for it was a tenth of a small study's ``qcode matrix``."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    col_totals: tuple[int, ...]
    total: int
    count: str = "segments"
    coder: str = ""
    row_dim: str = "theme"
    col_dim: str = "level"
    percent: str = "none"

    def percents(self, percent: str | None = None) -> list[list[float]]:
        """Each cell as a percentage of its row total, column total or the grand total."""
        how = percent or self.percent
        out = []
        for i, row in enumerate(self.counts):
            line = []
            for j, n in enumerate(row):
                base = {"row": self.row_totals[i], "col": self.col_totals[j],
                        "total": self.total}.get(how, 0)
                line.append(round(100.0 * n / base, 2) if base else 0.0)
            out.append(line)
        return out

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (plus ``cells_pct`` when a percentage was asked for).

        The row and column values are ``row_labels`` / ``col_labels`` (``rows`` in other
        outputs are objects); percentages 0-100 are named ``*_pct`` (docs/cli.md)."""
        d: dict[str, Any] = {"row_labels": list(self.rows), "col_labels": list(self.cols),
                             "counts": [list(r) for r in self.counts],
                             "row_totals": list(self.row_totals),
                             "col_totals": list(self.col_totals), "total": self.total,
                             "count": self.count, "coder": self.coder}
        if self.percent != "none":
            d["percent"] = self.percent
            d["cells_pct"] = self.percents()
        return d


@collector_paused()
def crosstab(corpus: Corpus, rows: str = "theme", cols: str = "level",
             count: str = "segments", percent: str = "none") -> Matrix:
    """Count ``corpus`` into a ``rows`` x ``cols`` matrix (see the module for the rules)."""
    if percent not in PERCENT_MODES:
        raise UsageError(f"unknown percent '{percent}'",
                         hint=f"choose one of: {', '.join(PERCENT_MODES)}")
    ra, ca = axis(corpus, rows), axis(corpus, cols)
    unit, several = unit_key(corpus, count), units_of(corpus, count)
    ri = {v: i for i, v in enumerate(ra.values)}
    ci = {v: j for j, v in enumerate(ca.values)}
    cells: list[list[set[Any]]] = [[set() for _ in ca.values] for _ in ra.values]
    if rows in CODE_DIMENSIONS and cols in CODE_DIMENSIONS:
        # both dimensions follow from the code alone: one lookup per coding
        cell_of: dict[str, set[Any] | None] = {}
        for code in corpus.codebook.codes:
            probe = Coding("", "", "", code.id, 0, 0, "")
            i, j = ri.get(ra.key(probe)), ci.get(ca.key(probe))
            cell_of[code.id] = cells[i][j] if i is not None and j is not None else None
        for c in corpus.codings:
            target = cell_of[c.code]
            if target is not None:
                if several is None:
                    target.add(unit(c))
                else:
                    target.update(several(c))
    else:
        for c in corpus.codings:
            i, j = ri.get(ra.key(c)), ci.get(ca.key(c))
            if i is not None and j is not None:
                if several is None:
                    cells[i][j].add(unit(c))
                else:
                    cells[i][j].update(several(c))
    size: Callable[[set[Any]], int] = len
    if count in COVERAGE_MODES:
        texts = {i: d.text for i, d in corpus.docs.items()}

        def size(s: set[Any]) -> int:
            return coverage(texts, s, count)
    counts = tuple(tuple(size(s) for s in row) for row in cells)
    row_totals = tuple(size(set().union(*row)) if row else 0 for row in cells)
    col_totals = tuple(size(set().union(*(row[j] for row in cells))) if cells else 0
                       for j in range(len(ca.values)))
    total = size(set().union(*(s for row in cells for s in row)))
    return Matrix(rows=tuple(ra.values), cols=tuple(ca.values), row_labels=tuple(ra.labels),
                  col_labels=tuple(ca.labels), counts=counts, row_totals=row_totals,
                  col_totals=col_totals, total=total, count=count, coder=corpus.coder,
                  row_dim=rows, col_dim=cols, percent=percent)


def split(corpus: Corpus, attribute: str) -> list[tuple[str, Corpus]]:
    """The corpus divided by the value of a document attribute (``(missing)`` last)."""
    name = attribute[5:] if attribute.startswith("attr:") else attribute
    _check_attribute(corpus, name, "--split-by")
    parts = []
    for value in attribute_values(corpus, name):
        docs = {i: d for i, d in corpus.docs.items()
                if (d.attributes.get(name) or MISSING) == value}
        parts.append((value, replace(corpus, docs=docs,
                                     codings=[c for c in corpus.codings if c.doc in docs])))
    return parts


def matrix(project: Project, *, coder: str | None = None, rows: str = "theme", cols: str = "level",
           count: str = "segments", where: Sequence[str] | dict[str, tuple[str, ...]] = (),
           percent: str = "none") -> Matrix:
    """Library entry point: one matrix of the project (see :func:`crosstab`)."""
    conds = where if isinstance(where, dict) else parse_where(where)
    return crosstab(select(load_corpus(project, coder), conds), rows, cols, count, percent)


def split_matrices(corpus: Corpus, split_by: str, rows: str = "theme", cols: str = "level",
                   count: str = "segments", percent: str = "none") -> list[tuple[str, Matrix]]:
    """One matrix per value of ``split_by``; all share the same rows and columns."""
    full_rows, full_cols = axis(corpus, rows), axis(corpus, cols)
    out = []
    for value, part in split(corpus, split_by):
        m = crosstab(part, rows, cols, count, percent)
        out.append((value, _reindex(m, full_rows, full_cols)))
    return out


def _reindex(m: Matrix, rows: Axis, cols: Axis) -> Matrix:
    """Give a split's matrix the rows and columns of the whole corpus (0 where absent)."""
    if list(m.rows) == rows.values and list(m.cols) == cols.values:
        return m
    ri = {v: i for i, v in enumerate(m.rows)}
    ci = {v: j for j, v in enumerate(m.cols)}
    counts = tuple(tuple(m.counts[ri[r]][ci[c]] if r in ri and c in ci else 0
                         for c in cols.values) for r in rows.values)
    return replace(
        m, rows=tuple(rows.values), cols=tuple(cols.values),
        row_labels=tuple(rows.labels), col_labels=tuple(cols.labels), counts=counts,
        row_totals=tuple(m.row_totals[ri[r]] if r in ri else 0 for r in rows.values),
        col_totals=tuple(m.col_totals[ci[c]] if c in ci else 0 for c in cols.values))
