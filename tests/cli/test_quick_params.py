"""Command-line values converted without pydantic (qcode/cli/quick_params.py) come out
exactly as typer's own conversion makes them: same value and type, or the same error.

Every parameter of every command is tried with valid and invalid values of its kind; the
reference is the same parameter of a freshly built tree, converted by typer itself.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer

from qcode.cli import app as full
from qcode.cli.quick_params import QuickParam, install

TRY_STR = ["abc", "", "x y", "Ærlig sak", "-", "1"]
TRY_INT = ["3", "0", "-2", "007", " 4", "+5", "x", "1e3", "1_000", "2.5", "", "99999999999",
           "-0", 0, 1, 5, 1000, True]
TRY_FLOAT = ["0.5", "1", "-1.25", "abc", "1e-3", ".5", "5.", " 2 ", "nan", "", 0, 1, 0.95,
             2.5, 1000]
TRY_BOOL = [True, False, "yes", "0", ""]


def tree() -> Any:
    return typer.main.get_command(full.app)


def params(command: Any, path: str = "qcode") -> list[tuple[str, Any]]:
    found = [(f"{path} {p.name}", p) for p in command.params]
    for name, sub in getattr(command, "commands", {}).items():
        found += params(sub, f"{path} {name}")
    return found


def samples(param: Any, tmp: Path) -> list[Any]:
    annotation = param.type_descriptor.annotation
    many = get_origin(annotation) is list
    kind = get_args(annotation)[0] if many else annotation
    if isinstance(kind, type) and issubclass(kind, Enum):
        values: list[Any] = [m.value for m in kind] + list(kind)
        values += [str(m.value).upper() for m in kind] + ["nope", ""]
    elif isinstance(kind, type) and issubclass(kind, Path):
        (tmp / "there.txt").write_text("x", encoding="utf-8")
        values = [str(tmp / "there.txt"), str(tmp), str(tmp / "absent"), "", "a\x00b",
                  tmp / "there.txt"]
    elif kind is int:
        values = TRY_INT
    elif kind is float:
        values = TRY_FLOAT
    elif kind is bool:
        values = TRY_BOOL
    else:
        values = TRY_STR
    if many:
        return [(), [], tuple(values[:2]), tuple(values), "one", None]
    return [*values, None]


def outcome(param: Any, value: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = param.get_runtime_param().coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the error typer raises, compared by type and message
        return ("error", (type(exc).__name__, getattr(exc, "message", str(exc))))
    if isinstance(result, list):  # repr: nan is not equal to itself
        return ("list", [(type(v), repr(v)) for v in result])
    return (type(result).__name__, repr(result))


def test_every_parameter_of_every_command_is_given_the_quick_conversion() -> None:
    command = tree()
    everything = params(command)
    assert len(everything) > 300
    kinds = {type(p.get_runtime_param()) for _, p in everything
             if hasattr(p, "type_descriptor")}
    assert kinds == {QuickParam}
    assert install(command) == 0  # already in place: nothing installed twice


def test_every_parameter_converts_as_typer_converts(tmp_path: Path) -> None:
    quick_tree, typer_tree = tree(), tree()
    theirs = dict(params(typer_tree))
    compared = 0
    for name, mine in params(quick_tree):
        if not hasattr(mine, "type_descriptor"):
            continue
        other = theirs[name]
        other._runtime_param = None  # typer's own conversion (pydantic)
        assert type(other.get_runtime_param()) is not QuickParam
        ctx = typer.Context(quick_tree)
        for value in samples(mine, tmp_path):
            mine._runtime_param = QuickParam(mine.type_descriptor.annotation,
                                             mine.type_descriptor.parameter_info)
            assert outcome(mine, value, ctx) == outcome(other, value, ctx), (name, value)
            compared += 1
    assert compared > 2000


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_path_gets_typers_message(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("x", encoding="utf-8")
    secret.chmod(0)
    command = tree()
    ctx = typer.Context(command)
    mine = next(p for _, p in params(command)
                if p.type_descriptor.annotation is Path and p.type_descriptor.parameter_info
                .readable)
    theirs = next(p for _, p in params(tree()) if p.name == mine.name
                  and p.type_descriptor.annotation is Path)
    theirs._runtime_param = None
    assert outcome(mine, str(secret), ctx) == outcome(theirs, str(secret), ctx)
    assert outcome(mine, str(secret), ctx)[0] == "error"


def test_a_value_typer_refuses_gets_typers_message(invoke: Any) -> None:
    result = invoke("matrix", "--count", "nope")
    assert result.exit_code == 2
    assert "'nope' is not one of 'segments', 'codings', 'documents', 'speakers', " \
           "'characters', 'words'." in result.output
