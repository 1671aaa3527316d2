"""The joint display: registry figures beside the interviews of each group.

A hand-made project over the registry in tests/data/registry/known_shares.csv (North: 7500
visits, 60 contacts, hospitals N1 every year and N2 sporadic; South: 10000 / 10):

    doc  region  hospital  segment: codes by ann
    D1   North   N1        :0002 GOV-MAC-01 + ECO-MES-01   :0003 ORG-MIC-01
    D2   north   N2        :0001 ECO-MES-01                :0002 GOV-MAC-01
    D3   East    -         :0001 GOV-MAC-01 + LOCAL-01 (not in the codebook: left out,
                                                         as qcode matrix leaves it out)
    D4   -       -         :0001 ORG-MIC-01

bob has one coding (D1:0003 ORG-MIC-01). Levels of the bundled codebook: micro, meso, macro.
Counts are coded segments unless a test asks for another unit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from qcode.coding.store import add_codes
from qcode.errors import ExitCode, UsageError
from qcode.models import Document, Segment
from qcode.project import Project
from qcode.registry.joint import (
    ThemeLevelCounts,
    build,
    excerpt,
    group_interviews,
    parse_by,
    short_quote,
)
from qcode.reports.joint import as_html, as_markdown
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "registry"

D1 = ["What happened?",
      "Yes. The ministry wrote a national strategy, but nobody funded it at all.",
      "The doctors were sceptical at first and preferred to see patients in person."]
D2 = ["Our equipment cost was far too high for the small clinic here.", "Fine."]
D3 = ["We had a national strategy and a clear action plan from the ministry."]
D4 = ["Clinicians accepted video once they had tried it a few times."]


def _doc(doc_id: str, turns: list[str], attributes: dict[str, str]) -> Document:
    text, segments, pos = "", [], 0
    for i, turn in enumerate(turns, start=1):
        segments.append(Segment(id=f"{doc_id}:{i:04d}", start=pos, end=pos + len(turn),
                                speaker="R", turn=i - 1))
        text += turn + "\n"
        pos += len(turn) + 1
    return Document(id=doc_id, title=doc_id, format="txt", text=text, segments=tuple(segments),
                    attributes=attributes)


@pytest.fixture
def study(project: Project) -> Project:
    docs = {
        "D1": _doc("D1", D1, {"region": "North", "hospital": "N1", "level": "local"}),
        "D2": _doc("D2", D2, {"region": "north", "hospital": "N2", "level": "local"}),
        "D3": _doc("D3", D3, {"region": "East", "level": "regional"}),
        "D4": _doc("D4", D4, {}),
    }
    for d in docs.values():
        project.save_document(d)
    add_codes(project, "ann", docs["D1"], ["D1:0002"], ["GOV-MAC-01", "ECO-MES-01"])
    add_codes(project, "ann", docs["D1"], ["D1:0003"], ["ORG-MIC-01"])
    add_codes(project, "ann", docs["D2"], ["D2:0001"], ["ECO-MES-01"])
    add_codes(project, "ann", docs["D2"], ["D2:0002"], ["GOV-MAC-01"])
    add_codes(project, "ann", docs["D3"], ["D3:0001"], ["GOV-MAC-01", "LOCAL-01"])
    add_codes(project, "ann", docs["D4"], ["D4:0001"], ["ORG-MIC-01"])
    add_codes(project, "bob", docs["D1"], ["D1:0003"], ["ORG-MIC-01"])
    from qcode.registry.table import read, store

    store(project.root, read(DATA / "known_shares.csv"))
    return project


def test_by_region(study: Project) -> None:
    d = build(study, "region", "ann")
    assert (d.attribute, d.coder, d.period) == ("region", "ann", (2010, 2011, 2012))
    assert [r.key for r in d.rows] == ["East", "North"]
    assert d.registry_only == ("South",)
    assert d.unlinked_documents == ("D4",)
    east, north = d.rows
    assert east.registry is None
    assert (east.interviews.documents, east.interviews.codings) == (("D3",), 1)
    assert east.interviews.matrix.counts == ((0, 0, 1), (0, 0, 0), (0, 0, 0))
    assert [(q.code, q.name, q.count) for q in east.interviews.top_codes] == [
        ("GOV-MAC-01", "National strategy and policy direction", 1)]
    assert d.themes == (("GOV", "Governance and strategy"),
                        ("ORG", "Organizational and professional"),
                        ("ECO", "Economic and financial"))
    iv = north.interviews
    assert iv.documents == ("D1", "D2")
    assert iv.codings == 5
    assert iv.matrix.themes == ("GOV", "ORG", "ECO")
    assert iv.matrix.levels == ("micro", "meso", "macro")
    assert iv.matrix.counts == ((0, 0, 2), (1, 0, 0), (0, 2, 0))
    assert [(q.code, q.count, q.doc, q.segment, q.quote) for q in iv.top_codes] == [
        ("ECO-MES-01", 2, "D2", "D2:0001", D2[0]),
        ("GOV-MAC-01", 2, "D1", "D1:0002", "…" + D1[1][5:]),
        ("ORG-MIC-01", 1, "D1", "D1:0003", D1[2]),
    ]
    reg = north.registry
    assert reg is not None
    assert (reg.outpatient_visits, reg.telemedicine_contacts) == (7500, 60)
    assert reg.share_pct == pytest.approx(0.8)
    assert (reg.hospitals_using, reg.hospitals_total, reg.regularity) == (2, 2, None)
    assert (reg.first_year, reg.last_year) == (2010, 2012)
    assert (reg.first_year_share_pct, reg.last_year_share_pct) == (
        pytest.approx(0.4), pytest.approx(0.8))


def test_by_hospital_shows_the_regularity(study: Project) -> None:
    d = build(study, "hospital", "ann", top=1)
    assert [(r.key, r.registry.regularity if r.registry else None) for r in d.rows] == [
        ("N1", "every_year"), ("N2", "sporadic")]
    assert [len(r.interviews.top_codes) for r in d.rows] == [1, 1]
    assert d.registry_only == ("S1", "S2")
    assert d.unlinked_documents == ("D3", "D4")


def test_by_any_attribute_has_no_registry_figures(study: Project) -> None:
    d = build(study, "attr:level", "ann")
    assert [(r.key, r.interviews.codings, r.registry) for r in d.rows] == [
        ("local", 5, None), ("regional", 1, None)]
    assert d.national is None and d.period == ()
    assert build(study, "attr:region", "ann").rows[1].registry is not None


def test_years_limit_the_registry_half(study: Project) -> None:
    north = build(study, "region", "ann", years=(2011, 2011)).rows[1]
    assert north.registry is not None
    assert (north.registry.telemedicine_contacts, north.registry.first_year,
            north.registry.last_year) == (30, 2011, 2011)


def test_without_registry_data(study: Project) -> None:
    (study.root / "registry" / "registry.csv").unlink()
    d = build(study, "region", "ann")
    assert all(r.registry is None for r in d.rows)
    assert [r.key for r in d.rows] == ["East", "North", "north"]
    assert "No registry data in this project: import it with qcode registry import " \
        "FILE.csv." in as_markdown(d)


@pytest.mark.parametrize(("count", "gov_macro"), [("segments", 3), ("codings", 3),
                                                  ("documents", 2), ("speakers", 2)])
def test_count_units_follow_qcode_matrix(study: Project, count: str, gov_macro: int) -> None:
    add_codes(study, "ann", study.load_document("D1"), ["D1:0003"], ["GOV-MAC-01"])
    north = build(study, "region", "ann", count=count).rows[1]
    assert north.interviews.matrix.count("GOV", "macro") == gov_macro
    assert north.interviews.codings == 6
    assert build(study, "region", "ann", count=count).count == count


def test_group_interviews_is_pure() -> None:
    from qcode.models import Code, Codebook, Coding, Theme

    cb = Codebook(themes=(Theme(id="T", name="T"),),
                  codes=(Code(id="A", name="Alpha", theme="T", keywords=("ferry",)),))
    codings = [Coding(coder="x", doc="D9", segment="D9:0001", code="A", start=0, end=3,
                      quote="We took the ferry to the clinic every week."),
               Coding(coder="x", doc="D9", segment="D9:0002", code="A", start=4, end=9,
                      quote=""),
               Coding(coder="x", doc="D8", segment="D8:0001", code="A", start=0, end=3,
                      quote="other group")]
    m = ThemeLevelCounts(themes=("T",), levels=("",), counts=((2,),))
    g = group_interviews("g", ["D9"], codings, cb, m, quote_of=lambda c: "a looked-up text")
    assert (g.documents, g.codings, g.matrix) == (("D9",), 2, m)
    assert [(q.code, q.name, q.count, q.segment, q.quote) for q in g.top_codes] == [
        ("A", "Alpha", 2, "D9:0001", "We took the ferry to the clinic every week.")]


def test_unknown_count(study: Project) -> None:
    with pytest.raises(UsageError) as info:
        build(study, "region", "ann", count="words")
    assert info.value.message == "unknown count 'words'"


def test_parse_by() -> None:
    assert parse_by("region") == ("region", "region")
    assert parse_by("attr:hospital") == ("hospital", "hospital")
    assert parse_by("attr:role") == ("role", None)
    with pytest.raises(UsageError) as info:
        parse_by("county")
    assert info.value.message == "--by 'county' is not region, hospital or attr:NAME"


def test_excerpt_and_short_quote() -> None:
    assert short_quote("a  b\nc") == "a b c"
    assert short_quote("one two three four", 12) == "one two…"
    long = "This sentence has no keyword at all in it. The ISF rate was too low for us."
    assert excerpt(long, ("isf",)) == ("…The ISF rate was too low for us.", 1)
    assert excerpt(long, ()) == (long, 0)
    assert excerpt("No. (...) I never knew about the target at all.", ()) == (
        "…I never knew about the target at all.", 0)
    quote, _ = excerpt("word " * 100, (), 40)
    assert len(quote) <= 40 and quote.endswith("…")


# ------------------------------------------------------------------------ CLI and renderings


def test_cli_json(invoke, study) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "joint", "--coder", "ann", "--format",
                    "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["schema_version", "by", "attribute", "coder", "count", "period",
                          "national", "themes", "levels", "groups", "registry_only",
                          "unlinked_documents"]
    assert data["period"] == {"first": 2010, "last": 2012}
    assert data["national"] == {"outpatient_visits": 17500, "telemedicine_contacts": 70,
                                "share_pct": 0.4}
    north = data["groups"][1]
    assert north["registry"] == {"outpatient_visits": 7500, "telemedicine_contacts": 60,
                                 "share_pct": 0.8, "hospitals_using": 2,
                                 "hospitals_total": 2, "regularity": None,
                                 "first_year": 2010, "first_year_share_pct": 0.4,
                                 "last_year": 2012, "last_year_share_pct": 0.8}
    assert north["matrix"] == {"themes": ["GOV", "ORG", "ECO"],
                               "levels": ["micro", "meso", "macro"],
                               "counts": [[0, 0, 2], [1, 0, 0], [0, 2, 0]]}
    assert north["top_codes"][0] == {"code": "ECO-MES-01",
                                     "name": "Investment and operating costs", "count": 2,
                                     "quote": {"doc": "D2", "segment": "D2:0001",
                                               "text": D2[0]}}
    assert data["groups"][0]["registry"] is None
    assert data["registry_only"] == ["South"]
    assert data["unlinked_documents"] == ["D4"]


def test_cli_needs_a_coder_when_several(invoke, study) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "joint")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: this project has several coders; choose one with "
                             "--coder\nHint: coders: ann, bob\n")


def test_cli_unknown_coder(invoke, study) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "joint", "--coder", "zoe")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("Error: no coder 'zoe' in this project\n")


def test_cli_attribute_nobody_has(invoke, study) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "joint", "--coder", "ann", "--by",
                    "attr:county")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: no document has the attribute 'county'\n")


def test_cli_table(invoke, study) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "joint", "--coder", "ann")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ("Groups by region (documents linked through their 'region' "
                        "attribute); theme x level counts are coded segments (a segment "
                        "counts once per cell), coded by ann.")
    assert lines[1] == ("Registry 2010-2012: national telemedicine share 0.400 % of "
                        "outpatient visits.")
    assert lines[2] == "In the registry but without interviews: South."
    assert lines[3] == "Documents without a 'region' attribute (not shown): D4."
    text = result.stdout
    assert "share 0.800 %" in text and "2 of 2 hospitals using" in text
    # the level heads in full ("Micr Meso Macr" was cut to 4 characters)
    assert "GOV     0     0     2" in text


def test_markdown(study: Project) -> None:
    md = as_markdown(build(study, "hospital", "ann"))
    assert "| N1 | 0.833 % | used every year | D1 | 3 | 1 | 1 | 1 |" in md
    assert "| N2 | 0.667 % | used sporadically | D2 | 2 | 1 | 0 | 1 |" in md
    assert "## N2\n\nRegistry: share 0.667 %; 10 contacts / 1,500 visits; used " \
        "sporadically; 2010 0.000 % -> 2012 0.000 %." in md
    assert "| Governance and strategy (GOV) | 0 | 0 | 1 |" in md
    assert f"- **ECO-MES-01** Investment and operating costs (1): \u201c{D2[0]}\u201d " \
        "(D2, D2:0001)" in md


class _Tags(HTMLParser):
    VOID = frozenset({"meta", "br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_balanced_and_escaped(study: Project) -> None:
    doc = study.load_document("D1")
    add_codes(study, "ann", doc, ["D1:0001"], ["ORG-MIC-01"])
    page = as_html(build(study, "region", "ann"))
    parser = _Tags()
    parser.feed(page)
    assert parser.errors == [] and parser.stack == []
    assert page.count('<table class="tl">') == 2
    assert "<script" not in page


@pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser")
                    is None, reason="headless Chromium is not installed")
def test_html_renders_in_headless_chromium(study: Project, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    page = tmp_path / "joint.html"
    page.write_text(as_html(build(study, "region", "ann")), encoding="utf-8")
    dom = subprocess.run([str(browser), "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert dom.count('<table class="tl">') == 2
    assert "0.800 %" in dom
    assert "Investment and operating costs" in dom


def test_markdown_escapes_transcript_text(project: Project) -> None:
    hostile = "<script>alert(1)</script> | [link](http://x) *bold*"
    doc = _doc("D9", [hostile], {"region": "North"})
    project.save_document(doc)
    add_codes(project, "ann", doc, ["D9:0001"], ["GOV-MAC-01"])
    md = as_markdown(build(project, "region", "ann"))
    assert "<script>" not in md
    assert "\\<script\\>alert(1)\\</script\\> \\| \\[link\\](http://x) \\*bold\\*" in md
