"""Old projects fold as before spans: the demo study's logs (ingrid, lars and the consensus),
folded by the span fold, give what the fold before spans gave -- one coding per segment
and code, the last add winning, a remove taking the code off the segment -- written here
as that fold was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qcode.coding import store as codings
from qcode.demo import run_demo
from qcode.project import Project


def _fold_before_spans(path: Path) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    for line in path.read_bytes().splitlines():
        value = json.loads(line)
        events.extend(value if isinstance(value, list) else [value])
    undone = {e["target"] for e in events if e["op"] == "undo"}
    codes: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for e in events:
        if e["op"] == "undo" or e["seq"] in undone:
            continue
        key = (str(e.get("doc")), str(e.get("segment")))
        if e["op"] == "add":
            codes.setdefault(key, {})[e["code"]] = e
        elif e["op"] == "remove" and key in codes:
            codes[key].pop(e["code"], None)
            if not codes[key]:
                del codes[key]
    return codes


def test_the_demo_coders_fold_as_before_spans(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo", date="2026-01-01")
    project = Project(tmp_path / "demo")
    coders = codings.coder_names(project)
    assert len(coders) == 3
    for coder in coders:
        before = _fold_before_spans(project.codings_dir / f"{coder}.jsonl")
        st = codings.load_state(project, coder)
        assert st.codes == before
        assert [(c.segment, c.code, c.start, c.end, c.quote) for c in st.codings()] == [
            (seg, code, ev["start"], ev["end"], ev["quote"])
            for (_d, seg), by_code in sorted(before.items())
            for code, ev in sorted(by_code.items())]
        assert st.multi == {} and sum(map(len, st.spans.values())) == sum(
            map(len, before.values()))
