"""One record for a coding (issue 13, item 2): ``qcode.Coding`` is the shape the fold, the
counts and the public API all return; the coding package imports only downward."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import qcode
from qcode.coding import store as codings
from qcode.counts.matrix import load_corpus
from qcode.models import Coding
from qcode.project import Project
from tests.builders import ROOT, build_known

CODING = ROOT / "qcode" / "coding"
#: the order of the coding package's log modules: each imports only modules before it
LAYERS = ["events", "fold", "checkpoint", "log_file", "store", "usable"]


def test_the_public_coding_is_the_one_record(tmp_path: Path) -> None:
    project: Project = build_known(tmp_path / "p")
    from_fold = codings.current_codings(project, "ana")
    from_corpus = load_corpus(project, "ana").codings
    assert qcode.Coding is Coding
    assert {type(c) for c in from_fold} == {type(c) for c in from_corpus} == {Coding}
    assert sorted(from_corpus) == from_fold  # the same records, built by two paths
    c = from_fold[0]
    assert c == Coding(coder="ana", doc="D1", segment="D1:0001", code="G1", start=c.start,
                       end=c.end, quote=c.quote)
    assert c.as_dict() == {"coder": "ana", "doc": "D1", "segment": "D1:0001", "code": "G1",
                           "start": c.start, "end": c.end, "quote": c.quote,
                           "origin": "manual", "memo": None, "decision": None}
    with pytest.raises(AttributeError):
        c.code = "G2"  # type: ignore[misc]
    assert not hasattr(c, "__dict__")  # no per-record dict: light in hot loops


def _imports(module: str) -> set[str]:
    tree = ast.parse((CODING / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("i", range(len(LAYERS)))
def test_log_modules_import_only_downward_and_no_private_names(i: int) -> None:
    module = LAYERS[i]
    imported = _imports(module)
    above = {f"qcode.coding.{m}" for m in LAYERS[i + 1:]}
    assert not {m for m in imported if m in above}, f"{module} imports a module above it"
    tree = ast.parse((CODING / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qcode"):
            assert not [a.name for a in node.names if a.name.startswith("_")], module
        # no import hidden inside a function
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, f"{module}.{node.name} imports inside the function"


@pytest.mark.parametrize("module", LAYERS)
def test_each_log_module_imports_alone(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import qcode.coding.{module}"], check=True,
                   cwd=ROOT)
