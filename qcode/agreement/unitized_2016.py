"""The unitizing alpha family of Krippendorff, Mathet, Bouvry & Widlöcher (2016).

Krippendorff, K., Mathet, Y., Bouvry, S. & Widlöcher, A. (2016). On the reliability of
unitizing textual continua: Further developments. *Quality & Quantity* 50:2347-2364; the
same family in Krippendorff (2019), *Content Analysis*, 4th ed., section 12.6 (eqs. 32-38).

m coders unitize a continuum of length L; each coder's sections (units with a value c,
gaps with the value ∅) cover it. With |g ∩ h| the length two sections share:

    l_ck = sum_i sum_{j != i} sum_g sum_h |g_i(c) ∩ h_j(k)| / (m - 1)      (observed)
    l..  = m L
    e_ck = (l_c. l_.k - [c = k] S_c) / (l.. - S / l..)                      (expected)

where S_c sums, over every section of value c, l^2 for a unit (its positions can only
pair with one another as a whole) and l for a gap (a gap has no identity: each position
is its own), and S = sum_c S_c; this is the ``n_c (n_k - [c = k]) / (n.. - 1)`` of
alpha for predefined units with length in place of count. Then, nominal distance:

- **u-alpha** = 1 - (l.. - sum_c l_cc) / (e.. - sum_c e_cc): boundaries and values.
- **|u-alpha** (binary): the same on the matrices collapsed to ∅ versus any value, i.e.
  whether the coders agree where the units are, whatever their codes.
- **cu-alpha** (coding given unitizing): the same on the matrices without the ∅ row and
  column, where S*_c sums (p_g)^2 over the units g of value c, p_g being how much of g
  lies where another coder has a unit too (the part of g that can be compared at all).
- **(k)u-alpha** for value k: 1 - [(l*_.k - l*_kk) / l*_.k] / [(e*_.k - e*_kk) / e*_.k]
  on those matrices: how much the coders disagree about units coded k, relative to
  chance.

On Krippendorff's (2019) fig. 12.11 this gives u-alpha .510 and |u-alpha .4136 as the book
(.510, .413), and cu-alpha .7283 where the book prints .724; the R package quallmer,
written independently from the same equations, computes S*_c the same way (its test
accepts .72-.73). S*_c is the one term the sources leave open to reading (see
``tests/agreement/test_unitized_published.py``).

A coefficient is undefined (NaN) when its expected disagreement is 0 or its matrix is
empty. Every function takes a leading batch axis (bootstrap replicates).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qcode.agreement.unitized_data import GAP, Partition, block_of, overlay


def section_stats(parts: Sequence[Partition], blocks: np.ndarray,
                  block_base: int, out_o: np.ndarray, out_s: np.ndarray,
                  out_star: np.ndarray | None,
                  lay: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
    """Add one continuum's observed coincidences (not yet divided by m - 1), S_c and S*_c
    to the rows ``block_base + b`` of ``out_o`` (R, V, V), ``out_s`` and ``out_star``
    (R, V), b being each stretch's block (:func:`block_of` on ``blocks``). ``lay``: the
    :func:`overlay` of ``parts`` when the caller has it already."""
    m = len(parts)
    nb = len(blocks)
    v = out_o.shape[1]
    rows = slice(block_base, block_base + nb)
    starts, lengths, idx = lay if lay is not None else overlay(parts)
    blk = block_of(blocks, starts)
    vals = np.stack([p.values[idx[:, i]] for i, p in enumerate(parts)], axis=1)
    flat = np.zeros(nb * v * v)
    for i in range(m):
        for j in range(m):
            if i != j:
                flat += np.bincount((blk * v + vals[:, i]) * v + vals[:, j], weights=lengths,
                                    minlength=nb * v * v)
    out_o[rows] += flat.reshape(nb, v, v)
    unit = vals != GAP
    s_flat = np.zeros(nb * v)
    star_flat = np.zeros(nb * v)
    for i, p in enumerate(parts):
        lens = p.lengths
        keep = p.values != GAP
        where = block_of(blocks, p.starts)[keep] * v + p.values[keep]
        s_flat += np.bincount(where, weights=lens[keep].astype(float) ** 2,
                              minlength=nb * v)
        # a gap counts l: split it over the stretches (and so blocks) it spans
        g = ~unit[:, i]
        s_flat += np.bincount(blk[g] * v, weights=lengths[g], minlength=nb * v)
        if out_star is not None:
            others = (unit[:, [j for j in range(m) if j != i]].any(axis=1)
                      if m > 1 else np.zeros(len(starts), dtype=bool))
            pair = unit[:, i] & others
            p_len = np.bincount(idx[pair, i], weights=lengths[pair], minlength=len(lens))
            star_flat += np.bincount(where, weights=p_len[keep] ** 2, minlength=nb * v)
    out_s[rows] += s_flat.reshape(nb, v)
    if out_star is not None:
        out_star[rows] += star_flat.reshape(nb, v)


def expected(l_mat: np.ndarray, s: np.ndarray) -> np.ndarray:
    """e_ck = (l_c. l_.k - [c = k] S_c) / (l.. - S / l..), batched over the first axis."""
    # row and column sums as products with ones (much faster than strided reductions
    # over many small matrices)
    ones = np.ones(l_mat.shape[-1])
    rows = l_mat @ ones
    cols = ones @ l_mat
    tot = rows @ ones
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = tot - s.sum(axis=1) / tot
        outer = rows[:, :, None] * cols[:, None, :]
        idx = np.arange(l_mat.shape[1])
        outer[:, idx, idx] -= s
        return outer / denom[:, None, None]


def _nominal(l_mat: np.ndarray, e: np.ndarray) -> np.ndarray:
    tr_l = np.trace(l_mat, axis1=1, axis2=2)
    tr_e = np.trace(e, axis1=1, axis2=2)
    d_o = l_mat.sum(axis=(1, 2)) - tr_l
    d_e = e.sum(axis=(1, 2)) - tr_e
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - d_o / d_e
    out[~(d_e > 1e-12)] = np.nan
    return out


def u_alpha(l_mat: np.ndarray, s: np.ndarray) -> np.ndarray:
    """u-alpha over every value (∅ included): one value per replicate."""
    return _nominal(l_mat, expected(l_mat, s))


def binary_u_alpha(l_mat: np.ndarray, s: np.ndarray) -> np.ndarray:
    """|u-alpha: u-alpha on the matrices collapsed to ∅ / unit."""
    e = expected(l_mat, s)
    return _nominal(_collapse(l_mat), _collapse(e))


def u_and_binary_u_alpha(l_mat: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """u-alpha and |u-alpha together (one expected matrix for both)."""
    e = expected(l_mat, s)
    return _nominal(l_mat, e), _nominal(_collapse(l_mat), _collapse(e))


def _collapse(x: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], 2, 2))
    out[:, 0, 0] = x[:, 0, 0]
    out[:, 0, 1] = x[:, 0, 1:].sum(axis=1)
    out[:, 1, 0] = x[:, 1:, 0].sum(axis=1)
    out[:, 1, 1] = x[:, 1:, 1:].sum(axis=(1, 2))
    return out


def cu_parts(l_mat: np.ndarray, star: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cu matrices: l* (units against units) and e* from S*."""
    ls = l_mat[:, 1:, 1:]
    return ls, expected(ls, star[:, 1:])


def cu_alpha(l_mat: np.ndarray, star: np.ndarray) -> np.ndarray:
    """cu-alpha: agreement on the codes where both coders marked units."""
    ls, es = cu_parts(l_mat, star)
    return _nominal(ls, es)


def k_u_alpha(l_mat: np.ndarray, star: np.ndarray) -> np.ndarray:
    """(k)u-alpha for every value k (shape (B, V - 1), value indices 1...)."""
    ls, es = cu_parts(l_mat, star)
    k = np.arange(ls.shape[1])
    l_col = ls.sum(axis=1)
    e_col = es.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = (l_col - ls[:, k, k]) / l_col
        d_e = (e_col - es[:, k, k]) / e_col
        out = 1.0 - d_o / d_e
    out[~((d_e > 1e-12) & (l_col > 0))] = np.nan
    return out


def why_undefined(l_mat: np.ndarray, star: np.ndarray | None, name: str) -> str:
    """Why a coefficient of one (unbatched) data set is undefined, in words."""
    units = l_mat[1:, 1:].sum() if l_mat.shape[0] > 1 else 0.0
    if name in ("u_alpha", "binary_u_alpha"):
        if l_mat[1:, :].sum() == 0:
            return "no coder marked any unit"
        return "no expected disagreement (every position has the same value for everyone)"
    if units == 0:
        return "no stretch where two coders both marked units"
    if name == "cu_alpha":
        return "the overlapping units all carry one code (no variation in coding)"
    return "no expected disagreement"
