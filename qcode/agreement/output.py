"""Machine output of agreement results: the JSON documents and CSV rows of ``qcode agree``."""

from __future__ import annotations

from typing import Any

from qcode.agreement.coefficients import CoefficientResult
from qcode.agreement.generic import RatingsAgreement
from qcode.agreement.project import ProjectAgreement

_DIGITS = 6


def _num(x: float | None) -> float | None:
    """Rounded; a rounding error below zero (-1e-17) prints as 0.0, not -0.0."""
    return None if x is None else round(float(x), _DIGITS) + 0.0


def coefficient_json(r: CoefficientResult) -> dict[str, Any]:
    """``{"value": float|null, "ci": [low, high]|null}`` (+ alpha's bootstrap probabilities)."""
    out: dict[str, Any] = {"value": _num(r.value),
                           "ci": [_num(r.ci[0]), _num(r.ci[1])] if r.ci else None}
    if r.p_below_667 is not None:
        out["p_below_667"] = _num(r.p_below_667)
        out["p_below_800"] = _num(r.p_below_800)
    return out


def ratings_json(rep: RatingsAgreement) -> dict[str, Any]:
    return {"n_units": rep.n_units, "n_coders": rep.n_coders,
            "coefficients": {r.name: coefficient_json(r) for r in rep.coefficients}}


def ratings_rows(rep: RatingsAgreement) -> list[dict[str, Any]]:
    return [{"coefficient": r.name, "value": _num(r.value),
             "ci_low": _num(r.ci[0]) if r.ci else None,
             "ci_high": _num(r.ci[1]) if r.ci else None,
             "note": r.reason or ""} for r in rep.coefficients]


def project_json(rep: ProjectAgreement) -> dict[str, Any]:
    return {
        "coders": list(rep.coders), "documents": list(rep.documents),
        "n_units": rep.n_units, "by": rep.by, "metrics": list(rep.metrics),
        "ci_level": rep.ci_level, "bootstrap": rep.bootstrap, "seed": rep.seed,
        "overlap": rep.overlap, "overlap_rule": rep.overlap_rule,
        "overall": {"masi_alpha": coefficient_json(rep.masi_alpha),
                    "mean_per_code": {k: _num(v) for k, v in rep.mean_per_code.items()}},
        "rows": [{"id": row.id, "label": row.label, "prevalence": _num(row.prevalence),
                  "n_units": row.n_units,
                  "coefficients": {r.name: coefficient_json(r) for r in row.coefficients},
                  "note": row.note}
                 for row in rep.rows],
    }


def project_rows(rep: ProjectAgreement) -> list[dict[str, Any]]:
    rows = []
    for row in rep.rows:
        out: dict[str, Any] = {"id": row.id, "label": row.label,
                               "prevalence": _num(row.prevalence), "n_units": row.n_units}
        for r in row.coefficients:
            out[r.name] = _num(r.value)
            out[f"{r.name}_ci_low"] = _num(r.ci[0]) if r.ci else None
            out[f"{r.name}_ci_high"] = _num(r.ci[1]) if r.ci else None
        rows.append(out)
    mean: dict[str, Any] = {"id": "(mean per code)", "label": "", "prevalence": None,
                            "n_units": rep.n_units}
    for name, v in rep.mean_per_code.items():
        mean.update({name: _num(v), f"{name}_ci_low": None, f"{name}_ci_high": None})
    rows.append(mean)
    masi = rep.masi_alpha
    rows.append({"id": "(code sets, MASI)", "label": masi.label, "prevalence": None,
                 "n_units": rep.n_units, "krippendorff_alpha": _num(masi.value),
                 "krippendorff_alpha_ci_low": _num(masi.ci[0]) if masi.ci else None,
                 "krippendorff_alpha_ci_high": _num(masi.ci[1]) if masi.ci else None})
    return rows
