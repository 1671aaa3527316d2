"""After rename, merge, split and retire, every command that reads codings sees the same
codes (issue 16.1): report, matrix, agree, diff, reconcile and export qdpx agree with each
other and with the counts worked out by hand, while the coders' logs stay as they were."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable
from xml.etree import ElementTree

import pytest

from qcode.coding import store as codings
from qcode.project import Project
from tests.builders import numbered_doc

#: (doc, segment number) -> codes, per coder, in the codebook as it was
PLAN = {
    "ana": {("D1", 2): ["GOV-MAC-01", "GOV-MAC-02"], ("D1", 4): ["GOV-MAC-02"],
            ("D1", 6): ["GOV-MAC-02", "GOV-MAC-03", "GOV-MAC-05"], ("D2", 2): ["GOV-MES-01"],
            ("D2", 4): ["GOV-MAC-01"]},
    "ben": {("D1", 2): ["GOV-MAC-02"], ("D1", 4): ["GOV-MAC-03", "GOV-MAC-01"],
            ("D1", 6): ["GOV-MAC-05"], ("D2", 2): ["GOV-MES-01", "GOV-MAC-05"],
            ("D2", 6): ["GOV-MAC-01"]},
}
#: the same by hand after: GOV-MAC-01 -> GOV-MAC-09; GOV-MAC-02 + 03 -> GOV-MAC-04 (one
#: coding on D1:0006, which had both); GOV-MAC-05 split (still counted as itself);
#: GOV-MES-01 retired (kept)
AFTER = {
    "ana": {"D1:0002": {"GOV-MAC-09", "GOV-MAC-04"}, "D1:0004": {"GOV-MAC-04"},
            "D1:0006": {"GOV-MAC-04", "GOV-MAC-05"}, "D2:0002": {"GOV-MES-01"},
            "D2:0004": {"GOV-MAC-09"}},
    "ben": {"D1:0002": {"GOV-MAC-04"}, "D1:0004": {"GOV-MAC-04", "GOV-MAC-09"},
            "D1:0006": {"GOV-MAC-05"}, "D2:0002": {"GOV-MES-01", "GOV-MAC-05"},
            "D2:0006": {"GOV-MAC-09"}},
}


def per_code(coder: str) -> Counter[str]:
    return Counter(c for codes in AFTER[coder].values() for c in codes)


@pytest.fixture
def changed(project: Project, invoke: Callable[..., object],
            monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("USER", "lead")
    docs = {d.id: d for d in (numbered_doc("D1", 8), numbered_doc("D2", 8))}
    for d in docs.values():
        project.save_document(d)
    for coder, plan in PLAN.items():
        for (doc, n), codes in plan.items():
            codings.add_codes(project, coder, docs[doc], [f"{doc}:{n:04d}"], codes)
        for doc in docs:
            codings.mark_done(project, coder, doc)
    logs = {c: codings.log_path(project, c).read_bytes() for c in PLAN}
    for args in (["rename", "GOV-MAC-01", "--id", "GOV-MAC-09"],
                 ["merge", "GOV-MAC-02", "GOV-MAC-03", "--into", "GOV-MAC-04"],
                 ["split", "GOV-MAC-05", "--into", "Part one,Part two"],
                 ["retire", "GOV-MES-01"]):
        r = invoke("codebook", *args)
        assert r.exit_code == 0, r.output
    assert {c: codings.log_path(project, c).read_bytes() for c in PLAN} == logs
    return project


def test_report_counts_follow_the_codebook_log(changed: Project,
                                               invoke: Callable[..., object]) -> None:
    for coder in PLAN:
        r = invoke("report", "--coder", coder, "--format", "csv")
        assert r.exit_code == 0, r.output
        rows = r.stdout.splitlines()[1:]
        found = Counter(line.split(",")[2] for line in rows)
        assert found == per_code(coder)


def test_matrix_counts_follow_the_codebook_log(changed: Project,
                                               invoke: Callable[..., object]) -> None:
    for coder in PLAN:
        r = invoke("matrix", "--rows", "code", "--cols", "document", "--count", "codings",
                   "--coder", coder, "--format", "json")
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        found = {k: n for k, n in zip(data["row_labels"], data["row_totals"], strict=True)
                 if n}
        assert found == dict(per_code(coder))
        assert "GOV-MAC-01" not in data["row_labels"]  # merged and renamed ids are gone


def test_agree_sees_the_same_codes(changed: Project, invoke: Callable[..., object]) -> None:
    r = invoke("agree", "--coder", "ana,ben", "--bootstrap", "0", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    both = per_code("ana") + per_code("ben")
    units = data["n_units"]
    found = {row["id"]: round(row["prevalence"] * units * 2) for row in data["rows"]
             if row["prevalence"]}
    assert found == dict(both)


def test_diff_sees_the_same_codes(changed: Project, invoke: Callable[..., object]) -> None:
    r = invoke("diff", "--coder", "ana,ben", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    segments = set(AFTER["ana"]) | set(AFTER["ben"])
    differing = {s for s in segments if AFTER["ana"].get(s, set()) != AFTER["ben"].get(s, set())}
    assert {d["segment"] for d in data["disagreements"]} == differing
    for d in data["disagreements"]:
        a, b = AFTER["ana"].get(d["segment"], set()), AFTER["ben"].get(d["segment"], set())
        assert (set(d["only_a"]), set(d["only_b"]), set(d["both"])) == (a - b, b - a, a & b)


def test_reconcile_union_sees_the_same_codes(changed: Project,
                                             invoke: Callable[..., object]) -> None:
    r = invoke("reconcile", "--coder", "ana,ben", "--as", "union", "--strategy", "union")
    assert r.exit_code == 0, r.output
    st = codings.load_state(changed, "union")
    found = {seg: set(codes) for (_d, seg), codes in st.codes.items() if codes}
    segments = set(AFTER["ana"]) | set(AFTER["ben"])
    assert found == {s: AFTER["ana"].get(s, set()) | AFTER["ben"].get(s, set())
                     for s in segments}


def test_export_qdpx_carries_the_same_codings(changed: Project, invoke: Callable[..., object],
                                              tmp_path: object) -> None:
    target = changed.root / "out.qdpx"
    r = invoke("export", "qdpx", str(target))
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(target) as z:
        root = ElementTree.fromstring(z.read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{ns}User")}
    names = {c.get("guid"): c.get("name") for c in root.iter(f"{ns}Code")}
    ids = {c.name: c.id for c in changed.codebook.codes}
    found: dict[str, Counter[str]] = {c: Counter() for c in PLAN}
    for coding in root.iter(f"{ns}Coding"):
        ref = coding.find(f"{ns}CodeRef")
        assert ref is not None
        found[users[coding.get("creatingUser")]][ids[names[ref.get("targetGUID")]]] += 1
    assert found == {c: per_code(c) for c in PLAN}


def test_split_codings_are_flagged_in_one_warning_line_per_coder(
        changed: Project, invoke: Callable[..., object]) -> None:
    r = invoke("matrix", "--coder", "ben")
    assert r.exit_code == 0, r.output
    assert [x for x in r.stderr.splitlines() if x.startswith("Warning:")] == [
        "Warning: 2 codings by ben of GOV-MAC-05, which was split, still count as GOV-MAC-05 "
        "until re-assigned: qcode code DOC --coder ben --recode GOV-MAC-05"]


def test_check_does_not_call_followed_codings_orphans(changed: Project,
                                                      invoke: Callable[..., object]) -> None:
    r = invoke("check")
    assert (r.exit_code, r.stderr) == (0, "No problems found.\n"), r.output
