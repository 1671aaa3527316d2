"""Rating patterns of presence / absence counted for every row of a project's agreement
at once (:mod:`qcode.agreement.project`).

A row's ratings are 0/1 per unit and coder with none missing, so a unit's row of ratings is
one of ``2**m`` patterns: :func:`pattern_keys` numbers them for every unit and code in one
pass over the ``coders x units x codes`` presence array (coder 0 the highest bit), and a
row's :class:`~qcode.agreement.tally.UnitTally` is then one ``bincount`` of its keys
(:func:`tally_of_keys`), the tally :meth:`UnitTally.from_codes` would count from the row's
units x coders matrix, without building that matrix as ``int64`` codes for every row.
"""

from __future__ import annotations

import numpy as np

from qcode.agreement.tally import UnitTally

#: beyond this many coders a pattern key does not fit 16 bits; rows are counted one by one
MAX_KEYED_CODERS = 16


def pattern_keys(presence: np.ndarray) -> np.ndarray | None:
    """``(units, codes)`` keys ``sum_g presence[g] 2**(m-1-g)`` of a ``(m, units, codes)``
    0/1 array, or None with more than :data:`MAX_KEYED_CODERS` coders.

    >>> p = np.array([[[1, 0]], [[1, 1]]], dtype=bool)  # 2 coders, 1 unit, 2 codes
    >>> pattern_keys(p).tolist()
    [[3, 1]]
    """
    m = presence.shape[0]
    if m > MAX_KEYED_CODERS or m == 0:
        return None
    keys = presence[0].astype(np.uint8 if m <= 8 else np.uint16)
    for g in range(1, m):
        keys <<= 1
        keys |= presence[g]
    return keys


def tally_of_keys(keys: np.ndarray, m: int) -> UnitTally:
    """The tally of the units whose pattern keys are ``keys`` (any shape: each key is a
    unit of the row), for ``m`` coders."""
    seen = np.bincount(keys.ravel(), minlength=1 << m)
    return UnitTally.from_binary_counts(seen, m)


def tally_of_matrix(x: np.ndarray) -> UnitTally:
    """The tally of a units x coders 0/1 matrix (keys when they fit, else its codes)."""
    keys = pattern_keys(x.T[:, :, None])
    if keys is None:
        return UnitTally.from_codes(x.astype(np.int64), 2)
    return tally_of_keys(keys, x.shape[1])


def present_count(tally: UnitTally) -> int:
    """How many unit x coder cells of a 0/1 tally are 1 (category index 1)."""
    return int(tally.multiplicity @ tally.counts[:, 1]) if tally.q > 1 else 0
