"""Unitized agreement: every coefficient of Krippendorff (2004) and of Krippendorff,
Mathet, Bouvry & Widlöcher (2016), per code, per document and pooled, with intervals.

:func:`unitized_agreement` takes continua (:class:`~qcode.agreement.unitized_data.Continuum`)
and the coders to compare, and returns a :class:`UnitizedAgreement`. The formulas are in
:mod:`~qcode.agreement.unitized_2004` and :mod:`~qcode.agreement.unitized_2016`, the
bootstrap in :mod:`~qcode.agreement.unitized_boot`.

Names (the JSON keys of ``qcode agree --spans``): ``alpha_u_2004`` (alpha_U, 2004; by code:
cα_U), ``u_alpha``, ``binary_u_alpha`` (|u-alpha), ``cu_alpha`` and ``k_u_alpha`` (by code
only). By code, ``u_alpha`` and ``binary_u_alpha`` are measured on that code's units alone
(the other codes count as gaps): one code alone is a binary variable, so the two agree.
``cu_alpha`` has no per-code breakdown of its own: that is ``k_u_alpha``.

Pooled over documents, the 2016 coincidences and the 2004 sums are added up over the
documents (each document's sections stay apart).

**Memory.** No values x values matrix is made: the 2016 coefficients need only O(V)
statistics of each (symmetric) coincidence matrix, V being the values (the gap, the codes
and each set ``A+B`` of one coder's overlapping codes; closed forms in
:mod:`~qcode.agreement.unitized_2016`). Per block they are kept as sparse triplets
(:mod:`~qcode.agreement.unitized_sparse`), per document over the document's own values,
and each code's 2 x 2 statistics summed per document (made again per block only for the
document whose blocks are drawn). Without a bootstrap everything is in proportion to the
spans; a bootstrap holds B replicates of a few vectors over the V values, refused past
:data:`MAX_REPLICATE_BYTES` with the sizes. On the 200-transcript benchmark study (773
values, 15,734 blocks), which the dense matrices refused (70 GiB), ``qcode agree
--unitized --bootstrap 0`` takes 1.1 s and 97 MB, 3.6 s and 287 MB with the default
bootstrap; 2,000 transcripts 5.7 s and 446 MB, 26 s and 787 MB (benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qcode.agreement import unitized_2016 as u16
from qcode.agreement.unitized_boot import (
    Replicates,
    Units,
    Value,
    draw,
    draw_within,
    stacked,
    summaries,
    summarise,
)
from qcode.agreement.unitized_data import (
    GAP,
    Continuum,
    Partition,
    block_starts,
    code_units,
    valued_partition,
)
from qcode.agreement.unitized_gather import Gathered, gather, own_blocks
from qcode.agreement.unitized_sparse import Triplets
from qcode.errors import InsufficientDataError, UsageError

#: documents whose bootstrap replicates are computed together, at most (fewer when their
#: values x B pass :data:`_CHUNK_CELLS`)
_DOC_CHUNK = 32
#: rows x values of the documents computed together (each statistic and working array of
#: the coefficients one float per cell: 8 MB)
_CHUNK_CELLS = 2**20
#: the most the bootstrap replicates may take: past it the data are refused with what they
#: would need, rather than failing on memory (a coder's overlapping codes make a value of
#: each set of them); without a bootstrap everything is in proportion to the spans
MAX_REPLICATE_BYTES = 4 * 2**30
#: vectors of B floats per value (and per code) a bootstrap holds at once: the
#: statistics and the coefficient's working arrays
_VECTORS = 16
NAMES = ("alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha", "k_u_alpha")
LABELS = {"alpha_u_2004": "alpha_U (Krippendorff 2004)",
          "u_alpha": "u-alpha",
          "binary_u_alpha": "|u-alpha (binary: coded or not)",
          "cu_alpha": "cu-alpha (coding, given unitizing)",
          "k_u_alpha": "(k)u-alpha (per code)"}


@dataclass(frozen=True)
class Coefficient:
    name: str
    label: str
    overall: Value
    by_code: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitizedAgreement:
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    #: the continuum of each document, (begin, end)
    continua: dict[str, tuple[int, int]]
    continuum_length: int
    codes: tuple[str, ...]
    coefficients: tuple[Coefficient, ...]
    #: document -> its coefficients, with intervals from the document's own blocks when
    #: bootstrapped and ``per_document_ci``
    per_document: dict[str, tuple[Coefficient, ...]]
    ci_level: float
    bootstrap: int
    seed: int | None
    #: what the bootstrap resampled: "documents", "blocks" (one document) or None
    resampled: str | None
    n_resampled: int
    #: share of coder x position cells where one coder's spans of different codes overlap
    #: (the 2016 family reads them as one value, the set of codes)
    compound_share: float = 0.0
    #: True when the continuum was not given but taken from the spans seen
    inferred: bool = False
    #: True when the per-document coefficients have intervals
    per_document_ci: bool = False
    #: document -> its blocks (the units its own intervals resample)
    blocks: dict[str, int] = field(default_factory=dict)


def unitized_agreement(continua: Sequence[Continuum], coders: Sequence[str], *,
                       ci: float = 0.95, n_boot: int = 1000, seed: int | None = None,
                       inferred: bool = False,
                       per_document_ci: bool = True) -> UnitizedAgreement:
    """Every unitized coefficient on the continua, compared across ``coders``.

    Each coder is taken to have unitized every continuum (no span: all gap). The bootstrap
    resamples documents, or the blocks of the one document (see
    :mod:`~qcode.agreement.unitized_boot`)."""
    coders = list(dict.fromkeys(coders))
    if len(coders) < 2:
        raise InsufficientDataError(
            f"unitized agreement needs at least 2 coders (found: {', '.join(coders) or 'none'})",
            hint="every coder's spans of the same continuum are compared")
    if not continua:
        raise InsufficientDataError("no continuum to compare")
    if n_boot < 0:
        raise UsageError(f"--bootstrap must be 0 (no intervals) or more (got {n_boot})")
    m = len(coders)
    codes = sorted({s.code for c in continua for s in c.spans})
    value_index = {c: k + 1 for k, c in enumerate(codes)}
    units = [{coder: code_units(s for s in c.spans if s.coder == coder) for coder in coders}
             for c in continua]
    valued = [[valued_partition(u[coder], c.begin, c.end, value_index) for coder in coders]
              for c, u in zip(continua, units, strict=True)]
    values = ["∅", *sorted(value_index, key=value_index.__getitem__)]
    blocks = [block_starts(parts) for parts in valued]
    n_blocks = [len(b) for b in blocks]
    _check_size(n_blocks[0] if len(continua) == 1 else len(continua), len(values),
                len(codes), n_boot, max(n_blocks) if per_document_ci else 0)
    gathered, sections = gather(continua, coders, codes, units, valued, blocks)
    compound = _compound_share(valued, len(codes), m, sum(c.length for c in continua))
    length = int(gathered.length.sum())
    de_pooled = np.array([[sections.pooled(k, m, length) for k in range(len(codes))]])
    docs, doc_cols = gathered.documents()
    every_doc = _over_every_value(docs, doc_cols, len(values))
    pooled_sums = every_doc.drawn(np.ones((1, len(continua))), m)
    pooled = _records(pooled_sums, pooled_sums.coefficients(de_pooled, m), de_pooled, m,
                      codes, values, 0, np.arange(len(values)))
    per_doc: dict[str, tuple[Coefficient, ...]] = {}
    de_docs = np.zeros((0, len(codes)))
    if len(continua) > 1:
        de_docs = sections.by_continuum(m, np.array([c.length for c in continua]),
                                        len(codes))
        for lo, hi in _chunks(len(continua), doc_cols.shape[1]):
            sums = docs.select(lo, hi).each()
            batch = sums.coefficients(de_docs[lo:hi], m)
            for d in range(lo, hi):
                per_doc[continua[d].doc] = _records(sums, batch, de_docs[lo:hi], m, codes,
                                                    values, d - lo, doc_cols[d])
    resampled: str | None = None
    n_units = 0
    if n_boot > 0:
        if len(continua) > 1:
            pool, resampled = every_doc, "documents"
        else:
            pool, resampled = gathered.blocks(0, len(values)), "blocks"
        n_units = len(pool.length)
        reps = draw(pool, m, n_boot, seed)
        pooled = _with_intervals(pooled, reps.coefficients(de_pooled[0], m), codes, values,
                                 ci)
        if per_doc and per_document_ci:
            per_doc = _per_doc_intervals(per_doc, gathered, doc_cols, de_docs, m, codes,
                                         values, ci, n_boot, seed)
    return UnitizedAgreement(
        coders=tuple(coders), documents=tuple(c.doc for c in continua),
        continua={c.doc: (c.begin, c.end) for c in continua},
        continuum_length=sum(c.length for c in continua), codes=tuple(codes),
        coefficients=pooled, per_document=per_doc, ci_level=ci, bootstrap=n_boot,
        seed=seed, resampled=resampled, n_resampled=n_units, compound_share=compound,
        inferred=inferred, per_document_ci=bool(per_doc) and per_document_ci and n_boot > 0,
        blocks={c.doc: n for c, n in zip(continua, n_blocks, strict=True)})


def _over_every_value(docs: Units, cols: np.ndarray, n_values: int) -> Units:
    """``docs`` (documents over their own value positions) over every value."""
    v = docs.values
    return Units(Triplets(v.row, cols[v.row, v.col], v.w), n_values, docs.s, docs.codes,
                 docs.length)


def _chunks(n: int, width: int, rows_each: int = 1) -> list[tuple[int, int]]:
    """Ranges of at most :data:`_DOC_CHUNK` of ``n`` documents whose rows (``rows_each``
    per document) over ``width`` values and codes stay within :data:`_CHUNK_CELLS` (one
    document at least)."""
    step = max(1, min(_DOC_CHUNK, _CHUNK_CELLS // max(1, width * rows_each)))
    return [(lo, min(n, lo + step)) for lo in range(0, n, step)]


def _check_size(n_units: int, n_values: int, n_codes: int, n_boot: int,
                doc_blocks: int) -> None:
    """Refuse a bootstrap whose replicates would pass :data:`MAX_REPLICATE_BYTES`
    (InsufficientDataError naming the sizes): B replicates each hold a few vectors over
    the V values (:data:`_VECTORS`), a few over the codes, and the counts of the units
    drawn (documents, or the blocks of one document; per document its blocks)."""
    if n_boot == 0:
        return
    units = max(n_units, doc_blocks)
    need = n_boot * (_VECTORS * n_values + _VECTORS * n_codes + 2 * units) * 8
    if need <= MAX_REPLICATE_BYTES:
        return
    sets = n_values - 1 - n_codes
    size = f"{need / 2**30:,.1f} GiB" if need >= 2**30 else f"{need / 2**20:,.0f} MB"
    raise InsufficientDataError(
        f"unitized agreement on these spans would need {size} of memory for {n_boot:,} "
        f"resamples x {n_values - 1:,} values ({n_codes:,} codes and {sets:,} sets of one "
        "coder's overlapping codes)",
        hint="use fewer resamples (--bootstrap), or narrow the data with --doc or --where")


def _compound_share(valued: list[list[Partition]], n_codes: int, m: int, total: int) -> float:
    cells = 0
    for parts in valued:
        for p in parts:
            cells += int(p.lengths[p.values > n_codes].sum())
    return cells / (m * total) if total else 0.0


# ------------------------------------------------------------------ point values


#: why alpha_U 2004 is n/a where every coder marked the whole continuum with a code
#: (:mod:`~qcode.agreement.unitized_2004`, "No variation")
_NO_VARIATION_04 = ("no expected disagreement (no variation: every coder marked all of the "
                    "continuum with it)")


def _val(x: float, reason: str) -> Value:
    return Value(None, reason) if not np.isfinite(x) else Value(float(x) + 0.0)


#: (k)u-alpha of a value a document does not have
_ABSENT = Value(None, "no unit of it overlaps another coder's unit")


def _records(sums: Replicates, batch: dict[str, np.ndarray], de: np.ndarray, m: int,
             codes: Sequence[str], values: Sequence[str], row: int,
             cols: np.ndarray) -> tuple[Coefficient, ...]:
    """The coefficient records of row ``row`` of batched sums (pooled: one row; per
    document: one row each) and their coefficients ``batch``, with the reason wherever a
    value is undefined; ``cols``: the value of each position of the row's tallies (-1:
    none)."""
    got = {k: np.asarray(v)[row] for k, v in batch.items()}
    t = sums.tallies
    by04 = {code: _val(got["alpha_u_2004_by"][k],
                       "no coder marked a unit of it" if not np.isfinite(de[row, k])
                       else _NO_VARIATION_04 if de[row, k] == 0
                       else "no expected disagreement")
            for k, code in enumerate(codes)}
    why04 = ("no expected disagreement (no variation: every coder marked all of the "
             "continuum)" if np.isfinite(de[row]).any()
             and not (np.where(np.isfinite(de[row]), de[row], 0.0) > 0).any()
             else "no coder marked any unit")
    per_code = {code: _val(got["u_alpha_by"][k], "no expected disagreement (every coder "
                                                  "marked all or none of the continuum)")
                for k, code in enumerate(codes)}
    overlapping = t.rows[row] - t.gap[row]
    at = {int(v): p for p, v in enumerate(cols) if p > 0 and v > 0}
    by_k = {values[v]: _ABSENT if v not in at else
            _val(got["k_u_alpha_by"][at[v] - 1], _ABSENT.reason or ""
                 if overlapping[at[v]] == 0 else "no expected disagreement")
            for v in range(1, len(values))}
    return (
        Coefficient("alpha_u_2004", LABELS["alpha_u_2004"],
                    _val(got["alpha_u_2004"], why04), by04),
        Coefficient("u_alpha", LABELS["u_alpha"],
                    _val(got["u_alpha"], u16.why_undefined(t, row, "u_alpha")), per_code),
        Coefficient("binary_u_alpha", LABELS["binary_u_alpha"],
                    _val(got["binary_u_alpha"], u16.why_undefined(t, row, "binary_u_alpha")),
                    dict(per_code)),
        Coefficient("cu_alpha", LABELS["cu_alpha"],
                    _val(got["cu_alpha"], u16.why_undefined(t, row, "cu_alpha")), {}),
        Coefficient("k_u_alpha", LABELS["k_u_alpha"],
                    Value(None, "reported per code only"), by_k),
    )


# ------------------------------------------------------------------ intervals


def _per_doc_intervals(per_doc: dict[str, tuple[Coefficient, ...]], gathered: Gathered,
                       doc_cols: np.ndarray, de_docs: np.ndarray, m: int,
                       codes: Sequence[str], values: Sequence[str], ci: float, n_boot: int,
                       seed: int | None) -> dict[str, tuple[Coefficient, ...]]:
    """Each document's coefficients with intervals from its own blocks (resampled as for a
    study of one document), over its own values (``doc_cols``), a few documents'
    replicates at a time (:func:`_chunks`). The generator is seeded apart from the pooled
    one (``[seed, 1]``), so the pooled intervals stay those of the same seed without
    per-document intervals."""
    rng = np.random.default_rng(None if seed is None else [seed, 1])
    names = list(per_doc)
    out = {}
    for lo, hi in _chunks(len(names), doc_cols.shape[1] + len(codes), n_boot):
        width = int((doc_cols[lo:hi] >= 0).sum(axis=1).max())
        reps = stacked([draw_within(own_blocks(gathered, doc_cols[d], d),
                                    m, n_boot, rng).padded(width) for d in range(lo, hi)])
        samples = reps.coefficients(np.repeat(de_docs[lo:hi], n_boot, axis=0), m)
        got = {k: summaries(v.reshape((hi - lo, n_boot, *v.shape[1:])), ci)
               for k, v in samples.items()}
        for i, d in enumerate(range(lo, hi)):
            at = {values[int(v)]: p - 1 for p, v in enumerate(doc_cols[d]) if p > 0 and v > 0}
            index = {code: k for k, code in enumerate(codes)}
            coefs = []
            for c in per_doc[names[d]]:
                overall = got[c.name].value(c.overall, (i,)) if c.name in got else c.overall
                keys = at if c.name == "k_u_alpha" else index
                per = got.get(f"{c.name}_by")
                by_code = {key: v if per is None or key not in keys
                           else per.value(v, (i, keys[key]))
                           for key, v in c.by_code.items()}
                coefs.append(Coefficient(c.name, c.label, overall, by_code))
            out[names[d]] = tuple(coefs)
    return out


def _with_intervals(point: tuple[Coefficient, ...], samples: dict[str, np.ndarray],
                    codes: Sequence[str], values: Sequence[str],
                    ci: float) -> tuple[Coefficient, ...]:
    out = []
    for coef in point:
        overall = coef.overall
        if overall.value is not None and coef.name in samples:
            overall = summarise(overall, samples[coef.name], ci)
        by_code = {}
        per = samples.get(f"{coef.name}_by")
        keys = codes if coef.name != "k_u_alpha" else values[1:]
        for k, key in enumerate(keys):
            if key not in coef.by_code:
                continue
            v = coef.by_code[key]
            by_code[key] = summarise(v, per[:, k], ci) if (per is not None and
                                                          v.value is not None) else v
        out.append(Coefficient(coef.name, coef.label, overall, by_code))
    return tuple(out)


__all__ = ["GAP", "LABELS", "NAMES", "Coefficient", "UnitizedAgreement", "Value",
           "unitized_agreement"]
