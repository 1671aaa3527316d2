"""The hand-written SVG chart: valid XML, one line per group, labelled axes and legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from qcode.reports.registry_svg import Line, line_chart, nice_step
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "registry"
SVG = "{http://www.w3.org/2000/svg}"


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_chart_structure() -> None:
    lines = [Line("North & co", ((2010, 0.4), (2011, 1.2), (2012, 0.8))),
             Line("South", ((2010, 0.1), (2011, None), (2012, 0.1))),
             Line("National", ((2010, 0.25), (2011, 0.5), (2012, 0.4)), dashed=True)]
    svg = line_chart(lines, title="Share <test>", x_label="Year", y_label="Share (%)")
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    texts = _texts(root)
    assert "Share <test>" in texts and "Year" in texts and "Share (%)" in texts
    assert [t for t in texts if t in ("North & co", "South", "National")] == [
        "North & co", "South", "National"]
    assert [t for t in texts if t.isdigit()] == ["2010", "2011", "2012"]
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 3
    # the gap in South's line starts a new sub-path instead of drawing through 2011
    assert paths[1].get("d", "").count("M") == 2
    assert paths[2].get("stroke-dasharray") == "5 4"
    assert len(list(root.iter(f"{SVG}circle"))) == 8
    # the y axis runs in steps of 0.25 from 0 to just past the largest value (1.2)
    assert [t for t in texts if t.endswith(" %")] == ["0.00 %", "0.25 %", "0.50 %", "0.75 %",
                                                      "1.00 %", "1.25 %"]


@pytest.mark.parametrize(("span", "step"), [(0.5, 0.1), (1.0, 0.2), (0.476, 0.1),
                                            (0.012, 0.0025), (7.0, 2.0), (0.0, 1.0)])
def test_nice_step(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_cli_svg_one_line_per_region_and_national(invoke, project) -> None:  # type: ignore[no-untyped-def]
    root = str(project.root)
    assert invoke("--project", root, "registry", "import",
                  str(DATA / "known_shares.csv")).exit_code == 0
    for by in ("region", "year"):
        result = invoke("--project", root, "registry", "summary", "--format", "svg", "--by", by)
        assert result.exit_code == 0
        svg = ET.fromstring(result.stdout.encode("utf-8"))
        assert len(list(svg.iter(f"{SVG}path"))) == 3
        texts = _texts(svg)
        assert "Telemedicine share of outpatient visits, 2010-2012" in texts
        assert {"North", "South", "National", "Year"} <= set(texts)
