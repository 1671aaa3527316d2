"""Machine output of unitized agreement: the JSON document and CSV rows of
``qcode agree --spans`` / ``--unitized``.

JSON (after ``"schema_version": 1``)::

    {"n_coders": int, "continuum_length": int,
     "coefficients": {NAME: {"value": float|null, "ci": [low, high]|null,
                             "p_below_667": float|null, "p_below_800": float|null,
                             "by_code": {CODE: {"value", "ci", "p_below_667", "p_below_800"}}}},
     "coders": [...], "documents": [{"id", "start", "end"}], "continuum_inferred": bool,
     "ci_level", "bootstrap", "seed", "resampled", "n_resampled", "compound_share",
     "per_document_ci": bool,
     "per_document": {DOC: {"n_resampled": int,
                            "coefficients": {NAME: {"value", "ci", "p_below_667",
                                                    "p_below_800", "by_code": {...}}}}}}

NAME is one of ``alpha_u_2004``, ``u_alpha``, ``binary_u_alpha``, ``cu_alpha``,
``k_u_alpha`` (``k_u_alpha`` has a value only by code). ``per_document`` (with
``per_document_ci``: whether its values have intervals, from the document's own blocks) is
there when there are two or more documents; its entries have the same keys as
``coefficients``, and ``n_resampled``: the document's blocks, which its own intervals
resample. ``n_resampled`` (pooled: documents, or the one document's blocks) below
:data:`~qcode.agreement.unitized_boot.FEW_UNITS` marks an interval resting on few units
(the table and Markdown say so in a note); the CSV has it as a column on rows with an
interval.
"""

from __future__ import annotations

from typing import Any

from qcode.agreement.unitized import Coefficient, UnitizedAgreement
from qcode.agreement.unitized_boot import Value

_DIGITS = 6


def _num(x: float | None) -> float | None:
    return None if x is None else round(float(x), _DIGITS) + 0.0


def value_json(v: Value) -> dict[str, Any]:
    return {"value": _num(v.value), "ci": [_num(v.ci[0]), _num(v.ci[1])] if v.ci else None,
            "p_below_667": _num(v.p_below_667), "p_below_800": _num(v.p_below_800)}


def coefficient_json(c: Coefficient) -> dict[str, Any]:
    return {**value_json(c.overall),
            "by_code": {k: value_json(v) for k, v in c.by_code.items()}}


def unitized_json(rep: UnitizedAgreement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n_coders": len(rep.coders), "continuum_length": rep.continuum_length,
        "coefficients": {c.name: coefficient_json(c) for c in rep.coefficients},
        "coders": list(rep.coders),
        "documents": [{"id": d, "start": b, "end": e} for d, (b, e) in rep.continua.items()],
        "continuum_inferred": rep.inferred, "ci_level": rep.ci_level,
        "bootstrap": rep.bootstrap, "seed": rep.seed, "resampled": rep.resampled,
        "n_resampled": rep.n_resampled, "compound_share": _num(rep.compound_share),
    }
    if rep.per_document:
        out["per_document_ci"] = rep.per_document_ci
        out["per_document"] = {
            doc: {"n_resampled": rep.blocks.get(doc, 0),
                  "coefficients": {c.name: coefficient_json(c) for c in coefs}}
            for doc, coefs in rep.per_document.items()}
    return out


def unitized_rows(rep: UnitizedAgreement) -> list[dict[str, Any]]:
    """One row per document (``(pooled)`` first), coefficient and code (``""`` overall)."""
    rows: list[dict[str, Any]] = []
    scopes: list[tuple[str, tuple[Coefficient, ...]]] = [("(pooled)", rep.coefficients)]
    scopes += list(rep.per_document.items())
    for doc, coefs in scopes:
        units = rep.n_resampled if doc == "(pooled)" else rep.blocks.get(doc, 0)
        for c in coefs:
            for code, v in [("", c.overall), *c.by_code.items()]:
                rows.append({"document": doc, "coefficient": c.name, "code": code,
                             "value": _num(v.value),
                             "ci_low": _num(v.ci[0]) if v.ci else None,
                             "ci_high": _num(v.ci[1]) if v.ci else None,
                             "p_below_667": _num(v.p_below_667),
                             "p_below_800": _num(v.p_below_800),
                             "note": v.reason or "",
                             "n_resampled": units if v.ci else None})
    return rows
