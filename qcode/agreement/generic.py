"""Generic mode: agreement on any ratings CSV (``qcode agree --ratings FILE``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from qcode.agreement.coefficients import UNWEIGHTED, WEIGHTED, CoefficientResult, compute
from qcode.agreement.distances import LEVELS
from qcode.agreement.kappa import resolve_weights
from qcode.agreement.ratings import Ratings
from qcode.agreement.ratings_csv import read_ratings_csv
from qcode.agreement.weights import SCHEMES
from qcode.errors import UsageError


class RatingsAgreement(BaseModel):
    model_config = ConfigDict(frozen=True)

    n_units: int
    n_coders: int
    coders: tuple[str, ...]
    categories: tuple[str, ...]
    level: str
    weights: str | None
    ci_level: float
    bootstrap: int
    seed: int | None
    coefficients: tuple[CoefficientResult, ...]


def ratings_agreement(ratings: Ratings, *, level: str | None = None,
                      weights: str | None = None, ci: float = 0.95, n_boot: int = 1000,
                      seed: int | None = None) -> RatingsAgreement:
    """Every applicable coefficient: unweighted ones, or with ``weights`` the weighted ones
    (and alpha with those weights instead of a level's distance)."""
    if level is not None and weights is not None:
        raise UsageError("--level and --weights both set alpha's distance; give one of them")
    if level is not None and level not in LEVELS:
        raise UsageError(f"--level must be one of {', '.join(LEVELS)} (got {level!r})")
    if weights is not None and weights not in SCHEMES:
        raise UsageError(f"--weights must be one of {', '.join(SCHEMES)} (got {weights!r})")
    check_ci(ci, n_boot)
    ratings.check_usable()
    w = resolve_weights(ratings, weights) if weights is not None else None
    names = WEIGHTED if weights is not None else UNWEIGHTED
    results = compute(ratings, names, level=level or "nominal", weights=w, ci=ci,
                      n_boot=n_boot, seed=seed)
    return RatingsAgreement(
        n_units=ratings.n_units, n_coders=ratings.n_coders, coders=ratings.coders,
        categories=tuple(_label(c) for c in ratings.categories), level=level or "nominal",
        weights=weights, ci_level=ci, bootstrap=n_boot, seed=seed,
        coefficients=tuple(results))


def agree_on_file(path: Path, *, level: str | None = None, weights: str | None = None,
                  categories: Sequence[str] | None = None, ci: float = 0.95,
                  n_boot: int = 1000, seed: int | None = None) -> RatingsAgreement:
    """Read ``unit,coder,value`` rows and measure agreement (see :func:`ratings_agreement`).

    With ``weights`` the values are read as ordered (numbers, or the ``categories`` order).
    """
    if level == "masi" and weights is not None:
        raise UsageError("--weights do not apply to set-valued ratings (--level masi)")
    read_level = level or ("ordinal" if weights is not None else "nominal")
    ratings = read_ratings_csv(path, level=read_level, categories=categories,
                               reason=f"--weights {weights}" if weights else None)
    return ratings_agreement(ratings, level=level, weights=weights, ci=ci, n_boot=n_boot,
                             seed=seed)


def check_ci(ci: float, n_boot: int) -> None:
    if not 0 < ci < 1:
        raise UsageError(f"--ci must be between 0 and 1, e.g. 0.95 (got {ci})")
    if n_boot < 0:
        raise UsageError(f"--bootstrap must be 0 (no intervals) or more (got {n_boot})")


def _label(c: object) -> str:
    if isinstance(c, frozenset):
        return "{" + ",".join(sorted(map(str, c))) + "}"
    return str(c)
