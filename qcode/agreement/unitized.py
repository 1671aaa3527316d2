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

Pooled over documents, the 2016 coincidence matrices and the 2004 sums are added up over
the documents (each document's sections stay apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qcode.agreement import unitized_2004 as u04
from qcode.agreement import unitized_2016 as u16
from qcode.agreement.unitized_boot import Replicates as _Sums
from qcode.agreement.unitized_boot import (
    Value,
    by_doc,
    draw,
    draw_within,
    summaries,
    summarise,
)
from qcode.agreement.unitized_data import (
    GAP,
    Continuum,
    Partition,
    binary_partition,
    block_starts,
    code_units,
    overlay,
    valued_partition,
)
from qcode.errors import InsufficientDataError, UsageError

#: documents whose bootstrap replicates are computed together (memory: about
#: 32 x B x 2 KB with 10 codes)
_DOC_CHUNK = 32
#: the most one array of coincidences (rows of blocks, documents or resamples, each values x
#: values floats) may take: past it the data are refused with what they would need, rather
#: than failing on memory (a coder's overlapping codes make a value of each set of them)
MAX_COINCIDENCE_BYTES = 4 * 2**30
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


@dataclass
class _Stats:
    """Everything the coefficients need, per resampling block (rows)."""

    o: np.ndarray          # (R, V, V) observed coincidences x (m - 1)
    s: np.ndarray          # (R, V)   S_c
    star: np.ndarray       # (R, V)   S*_c
    ob: np.ndarray         # (R, C, 2, 2) per code, binary
    sb: np.ndarray         # (R, C, 2)
    d2: np.ndarray         # (R, C)   2004 summed squared distances
    length: np.ndarray     # (R,)
    doc: np.ndarray        # (R,)     document index of each block


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
    _check_size(sum(len(b) for b in blocks), len(continua), len(values), len(codes), n_boot,
                per_document_ci)
    stats, sections = _gather(continua, coders, codes, units, valued, len(values), blocks)
    compound = _compound_share(valued, len(codes), m, sum(c.length for c in continua))
    length = int(stats.length.sum())
    de_pooled = _de_by_code(sections, None, m, codes, length)[None]
    pooled_sums = _Sums(*(a.sum(axis=0)[None] for a in (stats.o, stats.s, stats.star,
                                                        stats.ob, stats.sb, stats.d2,
                                                        stats.length)))
    pooled = _records(pooled_sums, pooled_sums.coefficients(de_pooled, m), de_pooled, m,
                      codes, values, 0)
    per_doc: dict[str, tuple[Coefficient, ...]] = {}
    de_docs = np.zeros((0, len(codes)))
    if len(continua) > 1:
        n_docs = len(continua)
        doc_sums = _Sums(*(by_doc(a, stats.doc, n_docs) for a in
                           (stats.o, stats.s, stats.star, stats.ob, stats.sb, stats.d2,
                            stats.length)))
        de_docs = np.stack([_de_by_code(sections, d, m, codes, c.length)
                            for d, c in enumerate(continua)])
        batch = doc_sums.coefficients(de_docs, m)
        per_doc = {c.doc: _records(doc_sums, batch, de_docs, m, codes, values, d)
                   for d, c in enumerate(continua)}
    resampled: str | None = None
    n_units = 0
    if n_boot > 0:
        reps, resampled, n_units = draw(stats.o, stats.s, stats.star, stats.ob, stats.sb,
                                        stats.d2, stats.length, stats.doc, n_boot, seed)
        pooled = _with_intervals(pooled, reps.coefficients(de_pooled[0], m), codes, values,
                                 ci)
        if per_doc and per_document_ci:
            per_doc = _per_doc_intervals(per_doc, stats, de_docs, m, codes, values, ci,
                                         n_boot, seed)
    return UnitizedAgreement(
        coders=tuple(coders), documents=tuple(c.doc for c in continua),
        continua={c.doc: (c.begin, c.end) for c in continua},
        continuum_length=sum(c.length for c in continua), codes=tuple(codes),
        coefficients=pooled, per_document=per_doc, ci_level=ci, bootstrap=n_boot,
        seed=seed, resampled=resampled, n_resampled=n_units, compound_share=compound,
        inferred=inferred, per_document_ci=bool(per_doc) and per_document_ci and n_boot > 0,
        blocks={c.doc: int(n) for c, n in zip(
            continua, np.bincount(stats.doc, minlength=len(continua)), strict=True)})


# ------------------------------------------------------------------ gathering


def _gather(continua: Sequence[Continuum], coders: Sequence[str], codes: Sequence[str],
            units: list[dict[str, dict[str, list[tuple[int, int]]]]],
            valued: list[list[Partition]], n_values: int, blocks: list[np.ndarray],
            ) -> tuple[_Stats, list[dict[str, u04.Sections2004]]]:
    r = sum(len(b) for b in blocks)
    c_n = len(codes)
    st = _Stats(o=np.zeros((r, n_values, n_values)), s=np.zeros((r, n_values)),
                star=np.zeros((r, n_values)), ob=np.zeros((r, c_n, 2, 2)),
                sb=np.zeros((r, c_n, 2)), d2=np.zeros((r, c_n)), length=np.zeros(r),
                doc=np.zeros(r, dtype=np.int64))
    sections: list[dict[str, u04.Sections2004]] = []
    base = 0
    for d, (cont, parts, blk) in enumerate(zip(continua, valued, blocks, strict=True)):
        nb = len(blk)
        st.doc[base:base + nb] = d
        st.length[base:base + nb] = np.diff(np.concatenate([blk, [cont.end]]))
        u16.section_stats(parts, blk, base, st.o, st.s, st.star)
        per_code: dict[str, u04.Sections2004] = {}
        for k, code in enumerate(codes):
            bparts = [binary_partition(units[d][coder].get(code, []), cont.begin, cont.end)
                      for coder in coders]
            lay = overlay(bparts)
            u16.section_stats(bparts, blk, base, st.ob[:, k], st.sb[:, k], None, lay)
            u04.observed_sum(bparts, blk, base, st.d2, k, lay)
            sec = u04.Sections2004([], [])
            sec.add(bparts)
            per_code[code] = sec
        sections.append(per_code)
        base += nb
    return st, sections


def _check_size(n_blocks: int, n_docs: int, n_values: int, n_codes: int, n_boot: int,
                per_doc: bool) -> None:
    """Refuse data whose largest coincidence array would pass
    :data:`MAX_COINCIDENCE_BYTES` (InsufficientDataError naming the sizes)."""
    rows = {"blocks": n_blocks}
    if n_boot > 0:
        rows["resamples"] = n_boot
        if per_doc and n_docs > 1:
            rows["resamples of documents on their own"] = min(_DOC_CHUNK, n_docs) * n_boot
    what, most = max(rows.items(), key=lambda kv: kv[1])
    need = most * n_values * n_values * 8
    if need <= MAX_COINCIDENCE_BYTES:
        return
    sets = n_values - 1 - n_codes
    raise InsufficientDataError(
        f"unitized agreement on these spans would need {need / 2**30:.1f} GiB of memory for "
        f"{most:,} {what} x {n_values - 1:,} values squared ({n_codes:,} codes and "
        f"{sets:,} sets of one coder's overlapping codes)",
        hint="narrow it with --doc or --where"
             + (" or --no-doc-intervals" if what.endswith("own") else "")
             + "; segment agreement (qcode agree without --unitized) has no such limit")


def _compound_share(valued: list[list[Partition]], n_codes: int, m: int, total: int) -> float:
    cells = 0
    for parts in valued:
        for p in parts:
            cells += int(p.lengths[p.values > n_codes].sum())
    return cells / (m * total) if total else 0.0


def _de_by_code(sections: list[dict[str, u04.Sections2004]], doc: int | None, m: int,
                codes: Sequence[str], length: int) -> np.ndarray:
    out = np.full(len(codes), np.nan)
    chosen = sections if doc is None else [sections[doc]]
    for k, code in enumerate(codes):
        sec = u04.Sections2004([], [])
        for per_code in chosen:
            sec.units += per_code[code].units
            sec.gaps += per_code[code].gaps
        out[k] = u04.expected_disagreement(sec, m, length)
    return out


# ------------------------------------------------------------------ point values


#: why alpha_U 2004 is n/a where every coder marked the whole continuum with a code
#: (:mod:`~qcode.agreement.unitized_2004`, "No variation")
_NO_VARIATION_04 = ("no expected disagreement (no variation: every coder marked all of the "
                    "continuum with it)")


def _val(x: float, reason: str) -> Value:
    return Value(None, reason) if not np.isfinite(x) else Value(float(x) + 0.0)


def _records(sums: _Sums, batch: dict[str, np.ndarray], de: np.ndarray, m: int,
             codes: Sequence[str], values: Sequence[str],
             row: int) -> tuple[Coefficient, ...]:
    """The coefficient records of row ``row`` of batched sums (pooled: one row; per
    document: one row each) and their coefficients ``batch``, with the reason wherever a
    value is undefined."""
    got = {k: np.asarray(v)[row] for k, v in batch.items()}
    lmat = sums.o[row] / (m - 1)
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
    by_k = {values[v + 1]: _val(got["k_u_alpha_by"][v],
                                "no unit of it overlaps another coder's unit"
                                if lmat[1:, v + 1].sum() == 0 else "no expected disagreement")
            for v in range(len(values) - 1)}
    return (
        Coefficient("alpha_u_2004", LABELS["alpha_u_2004"],
                    _val(got["alpha_u_2004"], why04), by04),
        Coefficient("u_alpha", LABELS["u_alpha"],
                    _val(got["u_alpha"], u16.why_undefined(lmat, None, "u_alpha")), per_code),
        Coefficient("binary_u_alpha", LABELS["binary_u_alpha"],
                    _val(got["binary_u_alpha"],
                         u16.why_undefined(lmat, None, "binary_u_alpha")), dict(per_code)),
        Coefficient("cu_alpha", LABELS["cu_alpha"],
                    _val(got["cu_alpha"], u16.why_undefined(lmat, sums.star[row], "cu_alpha")),
                    {}),
        Coefficient("k_u_alpha", LABELS["k_u_alpha"],
                    Value(None, "reported per code only"), by_k),
    )


# ------------------------------------------------------------------ intervals


def _per_doc_intervals(per_doc: dict[str, tuple[Coefficient, ...]], stats: _Stats,
                       de_docs: np.ndarray, m: int, codes: Sequence[str],
                       values: Sequence[str], ci: float, n_boot: int,
                       seed: int | None) -> dict[str, tuple[Coefficient, ...]]:
    """Each document's coefficients with intervals from its own blocks (resampled as for a
    study of one document), ``_DOC_CHUNK`` documents' replicates at a time. The generator
    is seeded apart from the pooled one (``[seed, 1]``), so the pooled intervals stay
    those of the same seed without per-document intervals."""
    rng = np.random.default_rng(None if seed is None else [seed, 1])
    arrays = (stats.o, stats.s, stats.star, stats.ob, stats.sb, stats.d2, stats.length)
    names = list(per_doc)
    out = {}
    for first in range(0, len(names), _DOC_CHUNK):
        chunk = list(range(first, min(first + _DOC_CHUNK, len(names))))
        reps = draw_within(arrays, stats.doc, chunk, n_boot, rng)
        samples = reps.coefficients(np.repeat(de_docs[chunk], n_boot, axis=0), m)
        got = {k: summaries(v.reshape((len(chunk), n_boot, *v.shape[1:])), ci)
               for k, v in samples.items()}
        for i, d in enumerate(chunk):
            coefs = []
            for c in per_doc[names[d]]:
                overall = got[c.name].value(c.overall, (i,)) if c.name in got else c.overall
                keys = list(codes if c.name != "k_u_alpha" else values[1:])
                per = got.get(f"{c.name}_by")
                by_code = {key: v if per is None else per.value(v, (i, keys.index(key)))
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
