"""The table of coefficients by their public NAME, and running several at once with CIs.

``NAMES`` are the exact keys of ``qcode agree --format json``. :func:`compute` evaluates a
list of them on one :class:`~qcode.agreement.ratings.Ratings`, records why a coefficient does
not apply (instead of failing the whole run), and adds bootstrap intervals
(:mod:`qcode.agreement.bootstrap`): one shared set of unit resamples for every coefficient
but alpha, and Hayes & Krippendorff's resampling for alpha.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from qcode.agreement import bootstrap as boot
from qcode.agreement.alpha import alpha_parts
from qcode.agreement.gwet import brennan_prediger_from_tally, gwet_from_tally
from qcode.agreement.kappa import (
    cohen_from_tally,
    conger_from_tally,
    fleiss_from_tally,
    scott_from_tally,
)
from qcode.agreement.observed import observed_agreement, require_value
from qcode.agreement.ratings import Ratings
from qcode.agreement.tally import UnitTally
from qcode.errors import InsufficientDataError, QcodeError

Kernel = Callable[[UnitTally, np.ndarray, np.ndarray], np.ndarray]


def _percent(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return observed_agreement(tally, w, np.eye(tally.q))


@dataclass(frozen=True)
class Spec:
    name: str
    label: str
    kernel: Kernel | None  # None: Krippendorff's alpha (its own path)
    weighted: bool = False
    two_coders: bool = False


SPECS: dict[str, Spec] = {s.name: s for s in (
    Spec("percent_agreement", "Percent agreement", _percent),
    Spec("cohen_kappa", "Cohen's kappa", cohen_from_tally, two_coders=True),
    Spec("weighted_cohen_kappa", "Weighted Cohen's kappa", cohen_from_tally, True, True),
    Spec("scott_pi", "Scott's pi", scott_from_tally, two_coders=True),
    Spec("fleiss_kappa", "Fleiss' kappa", fleiss_from_tally),
    Spec("weighted_fleiss_kappa", "Weighted Fleiss' kappa", fleiss_from_tally, True),
    Spec("conger_kappa", "Conger's kappa", conger_from_tally),
    Spec("weighted_conger_kappa", "Weighted Conger's kappa", conger_from_tally, True),
    Spec("krippendorff_alpha", "Krippendorff's alpha", None),
    Spec("gwet_ac1", "Gwet's AC1", gwet_from_tally),
    Spec("gwet_ac2", "Gwet's AC2", gwet_from_tally, True),
    Spec("brennan_prediger", "Brennan-Prediger", brennan_prediger_from_tally),
    Spec("weighted_brennan_prediger", "Weighted Brennan-Prediger",
         brennan_prediger_from_tally, True),
)}
NAMES: tuple[str, ...] = tuple(SPECS)
UNWEIGHTED = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "conger_kappa",
              "krippendorff_alpha", "gwet_ac1", "brennan_prediger")
WEIGHTED = ("percent_agreement", "weighted_cohen_kappa", "weighted_fleiss_kappa",
            "weighted_conger_kappa", "krippendorff_alpha", "gwet_ac2",
            "weighted_brennan_prediger")
SET_VALUED_OK = ("percent_agreement", "krippendorff_alpha")


class CoefficientResult(BaseModel):
    """One coefficient: its value (None when it does not apply, with the reason) and CI."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    value: float | None
    ci: tuple[float, float] | None = None
    reason: str | None = None
    #: alpha only, with a bootstrap: P(alpha < .667) and P(alpha < .800)
    p_below_667: float | None = None
    p_below_800: float | None = None


def not_applicable(spec: Spec, ratings: Ratings) -> str | None:
    """Why a coefficient cannot be computed on these data, or None."""
    if spec.two_coders and ratings.n_coders != 2:
        return f"needs exactly 2 coders (the data has {ratings.n_coders})"
    if ratings.set_valued and spec.name not in SET_VALUED_OK:
        return "set-valued ratings: only percent agreement and alpha (MASI) apply"
    return None


def compute(ratings: Ratings, names: Sequence[str], *, level: str = "nominal",
            weights: np.ndarray | None = None, ci: float = 0.95, n_boot: int = 0,
            seed: int | np.random.Generator | None = None) -> list[CoefficientResult]:
    """Evaluate the named coefficients; bootstrap CIs when ``n_boot > 0``.

    ``weights`` (q x q) is used by the weighted coefficients and, when given, by alpha in
    place of ``level``'s distance.
    """
    ratings.check_usable()
    tally = ratings.tally
    identity = np.eye(ratings.q)
    w_mat = identity if weights is None else weights
    # no generator without a bootstrap (without a seed one reads the OS's entropy)
    rng = boot.generator(seed) if n_boot > 0 else None
    results: dict[str, CoefficientResult] = {}
    to_resample: list[tuple[Spec, np.ndarray]] = []
    for name in names:
        spec = SPECS[name]
        reason = not_applicable(spec, ratings)
        if reason:
            results[name] = CoefficientResult(name=name, label=spec.label, value=None,
                                              reason=reason)
        elif spec.kernel is None:
            results[name] = _alpha(ratings, spec, level, weights, ci, n_boot, rng)
        else:
            kernel_w = w_mat if spec.weighted else identity
            try:
                value = require_value(spec.kernel(tally, tally.multiplicity, kernel_w),
                                      spec.label, ratings)
            except InsufficientDataError as exc:
                results[name] = CoefficientResult(name=name, label=spec.label, value=None,
                                                  reason=exc.message)
                continue
            results[name] = CoefficientResult(name=name, label=spec.label, value=value)
            to_resample.append((spec, kernel_w))
    if rng is not None and to_resample:
        samples: dict[str, list[np.ndarray]] = {s.name: [] for s, _ in to_resample}
        for chunk in boot.resampled_multiplicities(tally, n_boot, rng):
            for spec, kernel_w in to_resample:
                assert spec.kernel is not None
                samples[spec.name].append(spec.kernel(tally, chunk, kernel_w))
        for name, parts in samples.items():
            interval = boot.percentile_interval(np.concatenate(parts), ci)
            results[name] = results[name].model_copy(update={"ci": interval})
    return [results[name] for name in names]


def _alpha(ratings: Ratings, spec: Spec, level: str, weights: np.ndarray | None,
           ci: float, n_boot: int, rng: np.random.Generator | None) -> CoefficientResult:
    try:
        o, delta, d_e = alpha_parts(ratings, level, weights)
    except QcodeError as exc:
        return CoefficientResult(name=spec.name, label=spec.label, value=None,
                                 reason=exc.message)
    value = 1.0 - float((o * delta).sum() / o.sum()) / d_e
    if rng is None:
        return CoefficientResult(name=spec.name, label=spec.label, value=value)
    samples = boot.alpha_replicates(o, delta, d_e, boot.pair_count(ratings.tally), n_boot,
                                    rng)
    return CoefficientResult(name=spec.name, label=spec.label, value=value,
                             ci=boot.percentile_interval(samples, ci),
                             p_below_667=boot.below(samples, boot.THRESHOLDS[0]),
                             p_below_800=boot.below(samples, boot.THRESHOLDS[1]))
