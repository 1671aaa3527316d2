"""The package layout holds: no import cycles, no private names across modules, small modules.

The import graph is read with ``ast`` from every ``import`` statement in a module, including
the ones inside functions and ``if TYPE_CHECKING:`` blocks are left out (they never run), so a
cycle hidden behind an import inside a function still counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.builders import ROOT

PACKAGE = ROOT / "qcode"
MAX_LINES = 500
# Modules allowed over MAX_LINES, each with the reason.
LONG_MODULES: dict[str, str] = {}
UI_LIBRARIES = {"typer", "rich", "textual", "click"}
# Modules outside qcode/cli allowed a qcode import inside a function, each with the reason.
LAZY_IMPORTS: dict[str, str] = {
    "qcode.ingest": "the package is callable as qcode.ingest(...) and imports the ingest run "
                    "on the call, so commands that only open a project (qcode.ingest.replace "
                    "finishing a pending step) do not load the transcript readers",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
    return name == "TYPE_CHECKING"


def runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, wherever it sits (module top or inside a function)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if is_type_checking_block(child):
                assert isinstance(child, ast.If)
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def absolute_base(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = ".".join(parts[:keep])
    return f"{base}.{node.module}" if node.module else base


def targets(module: str, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for one import statement."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    base = absolute_base(module, node)
    out: list[tuple[str, str | None]] = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in MODULES:
            out.append((submodule, None))
        else:
            out.append((base, alias.name))
    return out


def owning_module(name: str) -> str | None:
    """The qcode module a dotted name lives in (the longest known prefix)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


def parse(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        edges: set[str] = set()
        for node in runtime_imports(parse(module)):
            for target, _name in targets(module, node):
                owner = owning_module(target)
                if owner is not None and owner != module:
                    edges.add(owner)
        graph[module] = edges
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_find_cycles_sees_a_cycle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_runtime_imports_include_function_bodies_but_not_type_checking() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import hidden_for_types\n"
        "def f():\n    import inside_function\n"
    )
    names = [alias.name for node in runtime_imports(tree) for alias in node.names]
    assert names == ["TYPE_CHECKING", "inside_function"]


def test_no_import_cycle_among_qcode_modules() -> None:
    assert find_cycles(import_graph()) == []


# The dependency layers of docs/architecture.md: a package imports only from its own layer's
# package or lower layers. Packages not listed (new ones) are not checked until added here.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("qcode", "errors"),
    ("similar", "clock", "models", "bundled"),
    ("_io",),
    ("codebook", "formats"),
    ("project",),
    ("index",),
    ("documents",),
    ("coding",),
    ("ingest", "reconcile", "memos", "search"),
    ("agreement", "counts"),
    ("registry", "outputs"),
    ("reports", "refiqda"),
    ("pending", "pseudonyms", "methods"),
    ("demo", "doctor", "team"),
    ("cli",),
    ("__main__",),
)
LAYER_OF = {name: depth for depth, names in enumerate(LAYERS) for name in names}


def top_package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "qcode"


def test_imports_point_down_the_layers() -> None:
    upward = []
    for module, edges in import_graph().items():
        here = LAYER_OF.get(top_package(module))
        for target in edges:
            there = LAYER_OF.get(top_package(target))
            if here is None or there is None or top_package(module) == top_package(target):
                continue
            if there > here or (there == here and top_package(module) != "qcode"
                                and top_package(target) != "qcode"):
                upward.append(f"{module} -> {target}")
    assert sorted(upward) == []


def test_no_module_imports_itself() -> None:
    selves = [f"{module}:{node.lineno}" for module in MODULES
              for node in runtime_imports(parse(module))
              for target, _name in targets(module, node) if owning_module(target) == module]
    assert selves == []


def test_no_private_name_is_imported_across_modules() -> None:
    offenders: list[str] = []
    for module in MODULES:
        for node in runtime_imports(parse(module)):
            if not isinstance(node, ast.ImportFrom):
                continue
            for target, name in targets(module, node):
                if name is None or not name.startswith("_") or name.startswith("__"):
                    continue
                offenders.append(f"{module}: from {target} import {name}")
        offenders += private_attributes(module)
    assert offenders == []


def test_tests_import_no_private_qcode_name() -> None:
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qcode"):
                offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name}"
                              for alias in node.names
                              if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert offenders == []


def private_attributes(module: str) -> list[str]:
    """``m._name`` where ``m`` is a qcode module imported into ``module``."""
    tree = parse(module)
    aliases: set[str] = set()
    for node in runtime_imports(tree):
        for alias, (target, name) in zip(node.names, targets(module, node), strict=True):
            if name is None and owning_module(target) == target:
                aliases.add(alias.asname or alias.name.split(".")[0])
    return [f"{module}:{node.lineno}: {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in aliases and node.attr.startswith("_")
            and not node.attr.startswith("__")]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_short(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    if module in LONG_MODULES:
        return
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by responsibility"


def test_qcode_modules_are_imported_at_module_top_outside_the_cli() -> None:
    """Only qcode/cli may import a qcode module inside a function (kept lazy for start-up
    time); anywhere else an import inside a function would be hiding a cycle."""
    offenders: set[str] = set()
    for module in MODULES:
        if module == "qcode.cli" or module.startswith("qcode.cli.") or module in LAZY_IMPORTS:
            continue
        for function in ast.walk(parse(module)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in runtime_imports(function):
                for target, _name in targets(module, node):
                    if owning_module(target) is not None:
                        offenders.add(f"{module}:{node.lineno} imports {target}")
    assert sorted(offenders) == []


def test_only_the_cli_imports_the_terminal_libraries() -> None:
    offenders: list[str] = []
    for module in MODULES:
        if module == "qcode.cli" or module.startswith("qcode.cli."):
            continue
        for node in runtime_imports(parse(module)):
            for target, _name in targets(module, node):
                if target.split(".")[0] in UI_LIBRARIES:
                    offenders.append(f"{module} imports {target}")
    assert offenders == []
