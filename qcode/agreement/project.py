"""Agreement on a qcode project: units are segments, values are codes.

Units are **all** segments of the documents that every selected coder has marked complete,
including segments nobody coded: a coder who leaves a segment uncoded says "none of these
codes applies", and that absence is data (leaving it out inflates agreement). Then:

- ``by="code"``: one row per code, each coder's value per unit is presence / absence;
- ``by="theme"`` / ``"level"``: presence of any code of that theme / level;
- ``by="document"``: one row per document, units are its segment x code cells;
- overall: Krippendorff's alpha with the MASI distance over each coder's *set* of codes per
  segment, and the mean of the per-code values of each metric.

Codings are spans: a code is present in a segment for a coder when one of that coder's
spans of the code overlaps the segment (``overlap=None``, ``--overlap any``), or when the
union of those spans covers at least a share of the segment's characters (``overlap=0.5``,
``--overlap 50%``). On whole-segment codings every rule gives the presence it always did.

Each row carries the prevalence (the share of unit x coder cells marked present), because
kappa-type coefficients behave badly at low prevalence (Feinstein & Cicchetti 1990).

:func:`project_agreement` is pure (documents' segment ids, codings and completion sets in,
records out); :func:`agreement_for_project` reads those from a project folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from qcode.agreement.coefficients import NAMES, SPECS, CoefficientResult, compute
from qcode.agreement.presence import (
    DocumentUnits,
    SpanColumns,
    as_columns,
    document_line,
    presence_from_spans,
)
from qcode.agreement.presence import (
    covered as covered,  # re-exported: the overlap rule counts characters with it
)
from qcode.agreement.project_input import CoderSpans, coder_spans
from qcode.agreement.ratings import Ratings
from qcode.agreement.row_tallies import (
    pattern_keys,
    present_count,
    tally_of_keys,
    tally_of_matrix,
)
from qcode.agreement.tally import UnitTally
from qcode.codebook.load import suggestions
from qcode.coding import store
from qcode.coding.collector import collector_paused
from qcode.coding.usable import Omissions, known_parts, omissions
from qcode.documents.log import document_map
from qcode.errors import InsufficientDataError, NotFoundError, UsageError
from qcode.index.documents import document_segments
from qcode.models import Codebook, Coding
from qcode.project import Project
from qcode.reconcile.consensus import consensus_coders

By = Literal["code", "theme", "level", "document"]
BY_CHOICES: tuple[str, ...] = ("code", "theme", "level", "document")
BINARY = ("absent", "present")


class RowAgreement(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    label: str
    prevalence: float
    n_units: int
    coefficients: tuple[CoefficientResult, ...]
    note: str | None = None


class ProjectAgreement(BaseModel):
    model_config = ConfigDict(frozen=True)

    coders: tuple[str, ...]
    documents: tuple[str, ...]
    n_units: int
    by: str
    metrics: tuple[str, ...]
    ci_level: float
    bootstrap: int
    seed: int | None
    masi_alpha: CoefficientResult
    mean_per_code: dict[str, float | None]
    rows: tuple[RowAgreement, ...]
    #: consensus coders (reconciliations) left out of the default selection
    left_out: tuple[str, ...] = ()
    #: documents some but not all of the coders completed (not compared): doc -> who lacks it
    not_compared: dict[str, tuple[str, ...]] = {}
    #: unreadable log lines and codings of unknown codes, documents or segments, left out
    #: (reported on stderr by the CLI; not part of the JSON)
    omissions: Omissions = Field(default_factory=Omissions, exclude=True)
    #: the overlap rule that made a span a code's presence in a segment: "any" or "N%"
    overlap: str = "any"

    @property
    def overlap_rule(self) -> str:
        """The rule in words, for the table's footer and the JSON."""
        return overlap_rule(self.overlap)


def parse_overlap(text: str) -> float | None:
    """``--overlap``: ``any`` -> None; ``N%`` (or ``N``, 0 < N <= 100) -> N / 100.

    >>> parse_overlap("any"), parse_overlap("50%"), parse_overlap("12.5")
    (None, 0.5, 0.125)
    """
    word = text.strip().lower()
    if word == "any":
        return None
    try:
        share = float(word.removesuffix("%"))
    except ValueError:
        share = -1.0
    if not 0 < share <= 100:
        raise UsageError(f"--overlap {text!r} is not 'any' or a share of the segment like 50%",
                         hint="use --overlap any (one character is enough) or --overlap N% "
                              "with 0 < N <= 100")
    return share / 100


def overlap_label(share: float | None) -> str:
    """The ``--overlap`` value for a share: None -> ``any``, 0.5 -> ``50%``."""
    return "any" if share is None else f"{100 * share:g}%"


def overlap_rule(label: str) -> str:
    """The presence rule of an ``--overlap`` value, in words."""
    if label == "any":
        return ("a code is present in a segment for a coder when one of the coder's spans "
                "of it overlaps the segment (--overlap any)")
    return (f"a code is present in a segment for a coder when the coder's spans of it "
            f"cover at least {label} of the segment's characters (--overlap {label})")


def default_metrics(n_coders: int) -> tuple[str, ...]:
    kappa = "cohen_kappa" if n_coders == 2 else "fleiss_kappa"
    return ("percent_agreement", kappa, "gwet_ac1", "krippendorff_alpha")


def check_metrics(metrics: Sequence[str]) -> tuple[str, ...]:
    """Validate metric names (unweighted only: presence/absence has no order)."""
    allowed = [n for n in NAMES if not SPECS[n].weighted]
    for m in metrics:
        if m not in allowed:
            near = suggestions(m, allowed)
            hint = f"did you mean {', '.join(near)}?" if near else None
            raise UsageError(f"unknown metric {m!r} for project agreement; use any of "
                             f"{', '.join(allowed)}", hint=hint)
    return tuple(dict.fromkeys(metrics))


def select_coders(completed: Mapping[str, Iterable[str]],
                  coders: Sequence[str] | None, known: Iterable[str] = ()) -> list[str]:
    """The coders to compare: the given ones (checked), else all who completed a document."""
    every = list(dict.fromkeys([*completed, *known]))
    if coders:
        for c in coders:
            if c not in every:
                near = suggestions(c, every)
                raise NotFoundError(f"no coder {c!r} in this project",
                                    hint=(f"did you mean {', '.join(near)}?" if near else
                                          f"coders: {', '.join(every) or 'none yet'}"))
        chosen = list(dict.fromkeys(coders))
    else:
        chosen = [c for c in every if set(completed.get(c, ()))]
    if len(chosen) < 2:
        found = ", ".join(chosen) if chosen else "none"
        raise InsufficientDataError(
            f"agreement needs at least 2 coders who completed documents (found: {found})",
            hint="each coder marks a document complete with qcode done when finished")
    return chosen


def common_documents(completed: Mapping[str, Iterable[str]], coders: Sequence[str],
                     order: Sequence[str]) -> list[str]:
    shared = set.intersection(*(set(completed.get(c, ())) for c in coders))
    docs = [d for d in order if d in shared]
    if not docs:
        raise InsufficientDataError(
            f"no document is marked complete by every selected coder ({', '.join(coders)})",
            hint="agreement is measured on documents all coders have finished")
    return docs


def project_agreement(segments: Mapping[str, Sequence[str]],
                      codings: Mapping[str, Iterable[Coding] | SpanColumns],
                      completed: Mapping[str, Iterable[str]], codebook: Codebook, *,
                      coders: Sequence[str] | None = None, by: str = "code",
                      metrics: Sequence[str] | None = None, ci: float = 0.95,
                      n_boot: int = 1000, seed: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      bounds: Mapping[str, Sequence[tuple[int, int]]] | None = None,
                      overlap: float | None = None) -> ProjectAgreement:
    """Agreement per code / theme / level / document, plus overall MASI alpha.

    ``segments`` maps each document id to its segment ids in order; ``codings`` maps each
    coder to their current codings; ``completed`` maps each coder to the documents they
    marked complete. ``progress(done, total)`` is called as rows are computed (each row
    runs its own bootstrap). ``bounds`` gives each document's segments as (start, end), in
    the order of ``segments``: a coding then counts in every segment its span overlaps,
    under the rule ``overlap`` (see :func:`presence_from_spans`); without ``bounds`` a
    coding counts in its (first) segment only.
    """
    if by not in BY_CHOICES:
        raise UsageError(f"--by must be one of {', '.join(BY_CHOICES)} (got {by!r})")
    chosen = select_coders(completed, coders, codings)
    docs = common_documents(completed, chosen, list(segments))
    names = check_metrics(metrics) if metrics else default_metrics(len(chosen))
    sizes = [len(segments[d]) for d in docs]
    # with offsets the units are placed on a line of numbers: (document, segment) pairs
    # are listed only if a coding without offsets asks for them
    units: Sequence[tuple[str, str]] = [(d, s) for d in docs for s in segments[d]] \
        if bounds is None else DocumentUnits(docs, segments)
    if not units:
        raise InsufficientDataError("the completed documents have no segments")
    cols = {coder: as_columns(codings.get(coder, ())) for coder in chosen}
    code_ids = [c.id for c in codebook.codes]
    in_docs = set(docs)
    unknown = set().union(*(cols[coder].code for coder in chosen)) - set(code_ids)
    extra = sorted({code for coder in chosen
                    for d, code in zip(cols[coder].doc, cols[coder].code, strict=True)
                    if code in unknown and d in in_docs}) if unknown else []
    code_ids += extra
    code_index = {c: k for k, c in enumerate(code_ids)}
    presence = np.zeros((len(chosen), len(units), len(code_ids)), dtype=bool)
    if bounds is None and overlap is not None:
        raise UsageError("an overlap share needs the segments' offsets (bounds)")
    unit_bounds = [b for d in docs for b in bounds[d]] if bounds is not None else None
    unit_index = {u: i for i, u in enumerate(units)} if unit_bounds is None else {}
    line = document_line(docs, sizes, unit_bounds) if unit_bounds is not None else None
    for g, coder in enumerate(chosen):
        if unit_bounds is not None:
            presence_from_spans(presence, g, cols[coder], units, unit_bounds, code_index,
                                overlap, line)
            continue
        col = cols[coder]
        for d, seg, code in zip(col.doc, col.segment, col.code, strict=True):
            i = unit_index.get((d, seg))
            if i is not None:
                presence[g, i, code_index[code]] = True
    seeds = np.random.SeedSequence(seed)
    keys = pattern_keys(presence)  # every unit x code's pattern of presence, numbered once
    row_specs = _rows(by, codebook, code_ids, docs, sizes, presence, keys)
    child = seeds.spawn(len(row_specs) + 1)
    code_specs = [] if by == "code" else _rows("code", codebook, code_ids, docs, sizes,
                                               presence, keys)
    total = len(row_specs) + len(code_specs) + 1
    report = progress or (lambda done, total: None)
    rows_list = []
    for (rid, label, x, tally), s in zip(row_specs, child[:-1], strict=True):
        rows_list.append(_row(rid, label, x, tally, chosen, names, ci, n_boot,
                              np.random.default_rng(s) if n_boot > 0 else None))
        report(len(rows_list), total)
    rows = tuple(rows_list)
    per_code = rows
    if by != "code":
        per_code_list = []
        for rid, label, x, tally in code_specs:
            per_code_list.append(_row(rid, label, x, tally, chosen, names, ci, 0, None))
            report(len(rows) + len(per_code_list), total)
        per_code = tuple(per_code_list)
    mean = {}
    for name in names:
        vals = [r.value for row in per_code for r in row.coefficients
                if r.name == name and r.value is not None]
        mean[name] = float(np.mean(vals)) if vals else None
    masi = _masi_alpha(presence, chosen, ci, n_boot, np.random.default_rng(child[-1]))
    report(total, total)
    return ProjectAgreement(coders=tuple(chosen), documents=tuple(docs), n_units=len(units),
                            by=by, metrics=names, ci_level=ci, bootstrap=n_boot, seed=seed,
                            masi_alpha=masi, mean_per_code=mean, rows=rows,
                            overlap=overlap_label(overlap))


RowSpec = tuple[str, str, np.ndarray, UnitTally | None]
#: documents' segment ids and their [start, end) bounds, by document id
Layout = tuple[dict[str, list[str]], dict[str, list[tuple[int, int]]]]


def _rows(by: str, codebook: Codebook, code_ids: list[str], docs: list[str],
          sizes: list[int], presence: np.ndarray, keys: np.ndarray | None
          ) -> list[RowSpec]:
    """(id, label, units x coders 0/1 matrix, its tally or None) for each row: the tally
    counted from the pattern ``keys`` (:func:`pattern_keys`) where they were numbered."""
    out: list[RowSpec] = []
    m = presence.shape[0]
    if by == "code":
        for k, cid in enumerate(code_ids):
            code = codebook.code(cid)
            out.append((cid, code.name if code else "(not in the codebook)",
                        presence[:, :, k].T,
                        None if keys is None else tally_of_keys(keys[:, k], m)))
    elif by in ("theme", "level"):
        facets: Sequence[Any] = codebook.themes if by == "theme" else codebook.levels
        for f in facets:
            cols = [k for k, cid in enumerate(code_ids)
                    if (c := codebook.code(cid)) is not None
                    and (c.theme if by == "theme" else c.level) == f.id]
            x = presence[:, :, cols].any(axis=2).T if cols else np.zeros(
                presence.shape[1::-1], dtype=bool)
            out.append((f.id, f.name, x, tally_of_matrix(x)))
    else:  # the units are in document order: each document's segments are one stretch
        end = 0
        for d, size in zip(docs, sizes, strict=True):
            start, end = end, end + size
            x = presence[:, start:end, :].reshape(m, -1).T
            out.append((d, f"{size} segments x {presence.shape[2]} codes", x,
                        None if keys is None else tally_of_keys(keys[start:end], m)))
    return out


def _row(rid: str, label: str, x: np.ndarray, tally: UnitTally | None, coders: list[str],
         names: Sequence[str], ci: float, n_boot: int, rng: np.random.Generator | None
         ) -> RowAgreement:
    n = int(x.shape[0])
    tally = tally if tally is not None else UnitTally.from_codes(x.astype(np.int64), 2)
    present = present_count(tally)  # the mean of x, counted from its patterns
    prevalence = present / x.size if x.size else 0.0
    if not present:
        return RowAgreement(id=rid, label=label, prevalence=prevalence, n_units=n,
                            note="no coder applied it", coefficients=tuple(
                                CoefficientResult(name=m, label=SPECS[m].label, value=None,
                                                  reason="no coder applied it")
                                for m in names))
    ratings = Ratings.counted(x.view(np.int8), tally, BINARY, tuple(coders),
                              np.array([0.0, 1.0]))
    results = compute(ratings, names, ci=ci, n_boot=n_boot, seed=rng)
    return RowAgreement(id=rid, label=label, prevalence=prevalence, n_units=n,
                        coefficients=tuple(results))


def code_sets(presence: np.ndarray) -> tuple[np.ndarray, tuple[frozenset, ...]]:
    """Each coder's set of code indices per unit as a units x coders category matrix."""
    m, n, k = presence.shape
    # each (coder, unit)'s codes as one packed row, coder by coder: the sets are numbered
    # in the order they are first met, as a loop over coders and units would number them
    packed = np.packbits(presence.reshape(m * n, k), axis=1)
    keys: np.ndarray
    if packed.shape[1] <= 8:  # up to 64 codes: one unsigned integer (sorts fast) per row
        wide = np.zeros((m * n, 8), dtype=np.uint8)
        wide[:, :packed.shape[1]] = packed
        keys = wide.view(np.uint64).ravel()
    else:
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    codes = rank[inverse.ravel()].reshape(m, n).T.astype(np.int64)
    flat = presence.reshape(m * n, k)
    sets = tuple(frozenset(np.flatnonzero(flat[first[j]]).tolist()) for j in order)
    return np.ascontiguousarray(codes), sets


def _masi_alpha(presence: np.ndarray, coders: list[str], ci: float, n_boot: int,
                rng: np.random.Generator) -> CoefficientResult:
    codes, sets = code_sets(presence)
    spec = SPECS["krippendorff_alpha"]
    if len(sets) < 2:
        return CoefficientResult(name=spec.name, label="Krippendorff's alpha (MASI)",
                                 value=None, reason="every coder gave every segment the "
                                 "same set of codes; alpha is undefined without variation")
    ratings = Ratings(codes, sets, tuple(coders))
    (res,) = compute(ratings, ["krippendorff_alpha"], level="masi", ci=ci, n_boot=n_boot,
                     seed=rng)
    return res.model_copy(update={"label": "Krippendorff's alpha (MASI)"})


@collector_paused()
def agreement_for_project(project: Project, *, coders: Sequence[str] | None = None,
                          by: str = "code", metrics: Sequence[str] | None = None,
                          ci: float = 0.95, n_boot: int = 1000, seed: int | None = None,
                          progress: Callable[[int, int], None] | None = None,
                          spans: Mapping[str, CoderSpans] | None = None,
                          overlap: float | None = None,
                          layout: Callable[[list[str]], Layout | None] | None = None
                          ) -> ProjectAgreement:
    """Read coders, codings, completion and segments from a project, then measure.

    The options are those of :func:`project_agreement`; without ``coders`` every coder who
    completed a document is compared, consensus coders left out. ``spans``: coders'
    spans the caller has read already (:func:`~qcode.agreement.project_input.coder_spans`;
    each coder's log is read once either way).
    ``overlap``: the presence rule of spans in segments (None: any overlap; a share).
    ``layout``: the segment ids and bounds of the compared documents, as
    :func:`~qcode.index.documents.document_segments` gives them, if the caller has read
    them already (None from it: they are read)."""
    names = store.coder_names(project)
    have = spans or {}
    known = known_parts(project)
    spans = {c: have[c] if c in have else coder_spans(project, c, known) for c in names}
    moved = document_map(project)  # completion of renamed or archived documents follows
    completed = {c: moved.follow_ids(set(spans[c].done)) for c in names}
    left_out: tuple[str, ...] = ()
    if not coders:
        # a consensus coder is built from the others' codings: comparing it with them
        # would inflate agreement, so it is compared only when named with --coder
        consensus = set(consensus_coders(project))
        left_out = tuple(c for c in names if c in consensus and completed.get(c))
        if left_out:
            names = [c for c in names if c not in consensus]
            completed = {c: v for c, v in completed.items() if c not in consensus}
    chosen = select_coders(completed, coders, names)
    order = project.document_ids()  # listed once (a directory scan)
    docs = common_documents(completed, chosen, order)
    spans = {c: spans[c] for c in chosen}  # the others' codings are not compared
    codings = {c: spans[c].columns for c in chosen}
    known_layout = layout(docs) if layout is not None else None
    segments, bounds = known_layout if known_layout is not None else \
        document_segments(project, docs)
    result = project_agreement(segments, codings, completed, project.codebook, coders=chosen,
                               by=by, metrics=metrics, ci=ci, n_boot=n_boot, seed=seed,
                               progress=progress, bounds=bounds, overlap=overlap)
    done_by = {c: set(completed.get(c, ())) for c in chosen}
    some = set().union(*done_by.values()) - set(docs)
    not_compared = {d: tuple(c for c in chosen if d not in done_by[c])
                    for d in order if d in some}
    return result.model_copy(update={"left_out": left_out, "not_compared": not_compared,
                                     "omissions": omissions(spans[c].source
                                                            for c in chosen)})
