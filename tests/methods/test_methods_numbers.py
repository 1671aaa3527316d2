"""Every number ``qcode methods`` writes about the sample study is the number the matching
command reports: ``qcode agree --by theme --format json`` (same seed and resamples),
``qcode reconcile --summary consensus --format json``, ``qcode coders``, ``qcode docs`` and
``qcode codebook show``. The numbers are read back from the text (not formatted the way
the renderer formats them) and compared within the rounding the text shows; afterwards no
number of the text may be left unchecked."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode import __version__
from qcode.demo import run_demo

NUM = r"(-?\d*\.\d+|-?\d+(?:,\d{3})*)"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def as_json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


class Checked:
    """The text, with every number that a check has accounted for blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.left = text

    def close(self, shown: str, value: float, percent: bool = False) -> None:
        """``shown`` ('.90', '-.04', '1.00', '22.5') is ``value`` rounded as printed."""
        digits = len(shown.split(".")[1]) if "." in shown else 0
        x = float(shown.replace(",", ""))
        target = 100 * value if percent else value
        assert abs(x - target) <= 0.5 * 10 ** -digits + 1e-9, (shown, value)

    def find(self, pattern: str) -> re.Match[str]:
        """The first match of ``pattern`` in what is left; its numbers are blanked."""
        m = re.search(pattern, self.left)
        assert m is not None, pattern
        self.left = self.left[:m.start()] + re.sub(r"\d", "#", m.group()) + self.left[m.end():]
        return m


def test_every_number_matches_the_commands(invoke: Callable[..., Any], study: Path) -> None:
    p = ["--project", str(study)]
    r = invoke(*p, "methods", "--format", "txt", "--seed", "7", "--bootstrap", "300")
    assert r.exit_code == 0, r.output
    body = r.stdout.split("\nReferences\n")[0]
    agree = as_json(invoke(*p, "agree", "--by", "theme", "--format", "json", "--seed", "7",
                           "--bootstrap", "300"))
    summary = as_json(invoke(*p, "reconcile", "--summary", "consensus", "--format", "json"))
    coders = as_json(invoke(*p, "coders", "--format", "json"))["coders"]
    docs = as_json(invoke(*p, "docs", "--format", "json"))["documents"]
    book = as_json(invoke(*p, "codebook", "show", "--format", "json"))
    t = Checked(body)

    # data: documents and segments, in all and by each attribute group
    m = t.find(rf"comprises {NUM} transcripts \({NUM} segments")
    assert int(m.group(1)) == len(docs)
    assert int(m.group(2).replace(",", "")) == sum(d["segments"] for d in docs)
    for attribute in ("stakeholder_level", "region", "org_type"):
        groups: dict[str, list[int]] = {}
        for d in docs:
            g = groups.setdefault(d["attributes"].get(attribute) or "not recorded", [0, 0])
            g[0] += 1
            g[1] += d["segments"]
        for value, (n, segs) in groups.items():
            m = t.find(rf"{re.escape(value)}, {NUM} documents? \({NUM} segments\)")
            assert (int(m.group(1)), int(m.group(2))) == (n, segs), value
    # codebook
    m = t.find(rf"holds {NUM} codes in a grid of {NUM} themes .* by {NUM} levels")
    assert [int(m.group(k)) for k in (1, 2, 3)] == [len(book["codes"]), len(book["themes"]),
                                                    len(book["levels"])]
    # coders: codings (one per span) and documents, as qcode coders counts them
    by_name = {c["coder"]: c for c in coders}
    for name in agree["coders"]:
        m = t.find(rf"{name} made {NUM} codings in {NUM} documents and marked {NUM} documents")
        c = by_name[name]
        assert [int(m.group(k)) for k in (1, 2, 3)] == [
            c["codings"], len(c["documents_coded"]), len(c["completed"])]
    double = [d for d, n in Counter(d for name in agree["coders"]
                                    for d in by_name[name]["completed"]).items() if n >= 2]
    m = t.find(rf"All {NUM} documents were completed by two or more coders")
    assert int(m.group(1)) == len(double) == len(docs)
    m = t.find(r"\(double-coded\): ([^.]*)\.")
    assert re.split(r", (?:and )?", m.group(1)) == sorted(double)
    # agreement: the units, the MASI alpha with its interval, the means per code
    m = t.find(rf"measured on the {NUM} segments of the {NUM} documents")
    assert (int(m.group(1)), int(m.group(2))) == (agree["n_units"], len(agree["documents"]))
    masi = agree["overall"]["masi_alpha"]
    m = t.find(rf"MASI distance was {NUM}, 95% CI \[{NUM}, {NUM}\] \({NUM} bootstrap "
               rf"resamples, seed {NUM}")
    t.close(m.group(1), masi["value"])
    t.close(m.group(2), masi["ci"][0])
    t.close(m.group(3), masi["ci"][1])
    assert (int(m.group(4).replace(",", "")), int(m.group(5))) == (300, 7) == (
        agree["bootstrap"], agree["seed"])
    means = agree["overall"]["mean_per_code"]
    for label, key in (("percent agreement", "percent_agreement"),
                       ("Cohen's kappa", "cohen_kappa"), ("Gwet's AC1", "gwet_ac1"),
                       (r"Krippendorff's alpha \(nominal\)", "krippendorff_alpha")):
        t.close(t.find(rf"{label} {NUM}").group(1), means[key])
    # the table: each theme's prevalence and coefficients with their intervals
    for row in agree["rows"]:
        line = t.find(rf"(?m)^{re.escape(row['label'])} \({row['id']}\)  .*$").group()
        cells = re.split(r"\s{2,}", line)[1:]
        t.close(cells[0].rstrip("%"), row["prevalence"], percent=True)
        for name, cell in zip(agree["metrics"], cells[1:], strict=True):
            found = re.fullmatch(rf"{NUM} \[{NUM}, {NUM}\]", cell)
            assert found is not None, cell
            coef = row["coefficients"][name]
            for shown, value in zip(found.groups(), (coef["value"], *coef["ci"]), strict=True):
                t.close(shown, value)
    # reconciliation: decisions in force, by outcome and by strategy, over its documents
    m = t.find(rf"over {NUM} documents: {NUM} segment decisions in force \({NUM} where the "
               rf"coders agreed and {NUM} where the union")
    assert [int(m.group(k)) for k in (1, 2, 3, 4)] == [
        len(summary["documents"]), summary["decisions"], summary["by_outcome"]["agreed"],
        summary["by_outcome"]["union"]]
    m = t.find(rf"; {NUM} decisions by the union strategy")
    assert int(m.group(1)) == summary["decisions"]  # the demo reconciles by union only
    t.find(rf"with qcode {re.escape(__version__)}\.")
    # nothing else is a number: the years of the citations, the confidence level (95%,
    # the --ci default), 'Table 1' and 'AC1' are all that is left
    left = re.sub(r"\((?:[A-Z][a-z]+(?: & [A-Z][a-z]+)?, \d{4}(?:; )?)+\)|"
                  r"[A-Z][a-z]+(?: & [A-Z][a-z]+)?, \d{4}|95%|Table 1|AC1",
                  "", t.left)
    assert re.findall(r".{30}\d+.{10}", left) == []
