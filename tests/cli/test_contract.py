"""The CLI contract of docs/cli.md, checked over every command of the typer tree.

* one option name per thing: --coder/-c, --doc/-d, --where/-w, --format/-f, --output/-o;
  old spellings only as hidden options (each prints a deprecation note);
* every command is either run here with ``--format json`` or named in NO_JSON with the
  reason; each JSON output is an object that starts with "schema_version": 1, follows the
  naming scheme, and has the key set recorded in tests/data/contract/json_keys.json.

After a deliberate change of a command's JSON keys (write it in CHANGELOG.md), regenerate
the golden file with::

    QCODE_UPDATE_CONTRACT=1 .venv/bin/python -m pytest tests/cli/test_contract.py
"""

from __future__ import annotations

import enum
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from qcode.cli.app import app
from qcode.demo import run_demo
from tests.builders import DATA, ROOT

GOLDEN = DATA / "contract" / "json_keys.json"
UPDATE = os.environ.get("QCODE_UPDATE_CONTRACT") == "1"

#: one long name and one short name per thing, on every command that has the thing
CANONICAL = {"--coder": "-c", "--doc": "-d", "--where": "-w", "--format": "-f",
             "--output": "-o"}
#: spellings that must not come back as visible options
FORBIDDEN = {"--coders", "--docs", "--document", "--documents", "--out", "--filter", "--fmt",
             "--output-format", "--input-format", "--json"}
#: old spellings kept, hidden, for one release (command -> options)
DEPRECATED = {"agree": {"--coders"}, "reconcile": {"--coders"}}

#: commands without JSON output, and why
NO_JSON = {
    "code": "the interactive coding session",
    "report": "writes a document (md, html, docx, csv, xlsx)",
    "codebook export": "writes the codebook to a file whose format --format names",
    "codings export": "writes a coder's codings as csv or jsonl data",
}

#: list-valued keys without a plural word, and why they are still right
SINGULAR_LIST_KEYS = {
    "jaccard": "cooccur: the matrix of Jaccard coefficients beside counts",
    "include": "codebook: the field of codebook.yaml",
    "exclude": "codebook: the field of codebook.yaml",
    "only_a": "diff: the codes only coder A gave",
    "only_b": "diff: the codes only coder B gave",
    "both": "diff: the codes both coders gave",
    "per_code": "diff: one object per code",
    "registry_only": "joint: the groups found only in the registry",
    "skipped": "what a command skipped (a participle naming the items)",
    "excluded": "ingest: the files --exclude left out (a participle naming the items)",
    "dropped": "what an import dropped",
    "completed": "the documents a coder completed",
    "undone": "the events undo reverted",
    "fixed": "check --fix: what it did (a participle naming the items)",
    "ci": "agree: a confidence interval, [low, high]",
}


def leaf_commands() -> Iterator[tuple[str, Any]]:
    def walk(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(typer.main.get_command(app), [])


COMMANDS = dict(leaf_commands())


def options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


# ----------------------------------------------------------------------------- options


def option_problems(name: str, command: Any) -> list[str]:
    """How the options of one command break the one-spelling rule."""
    problems = []
    owners = {short: long for long, short in CANONICAL.items()}
    for opt in options(command):
        longs = [o for o in opt.opts if o.startswith("--")]
        shorts = [o for o in opt.opts if not o.startswith("--")]
        for long in longs:
            if opt.hidden:
                if long not in DEPRECATED.get(name, set()):
                    problems.append(f"{name}: hidden {long} is not a known old spelling")
            elif long in FORBIDDEN:
                problems.append(f"{name}: {long} is an old or foreign spelling")
            elif long in CANONICAL and shorts != [CANONICAL[long]]:
                problems.append(f"{name}: {long} needs {CANONICAL[long]}")
        problems += [f"{name}: {short} belongs to {owners[short]}" for short in shorts
                     if short in owners and owners[short] not in longs]
    return problems


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_one_spelling_per_option(name: str) -> None:
    assert option_problems(name, COMMANDS[name]) == []


def test_the_option_rule_catches_a_stray_spelling() -> None:
    stray = typer.Typer()

    @stray.command()
    def cmd(coders: str = typer.Option("", "--coders"),
            fmt: str = typer.Option("table", "--format"),
            doc: str = typer.Option("", "--document", "-d")) -> None:
        """A command as it should not be written."""

    assert option_problems("stray", typer.main.get_command(stray)) == [
        "stray: --coders is an old or foreign spelling",
        "stray: --format needs -f",
        "stray: --document is an old or foreign spelling",
        "stray: -d belongs to --doc",
    ]


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(NO_JSON)))
def test_every_command_offers_json(name: str) -> None:
    (fmt,) = [o for o in options(COMMANDS[name]) if "--format" in o.opts]
    annotation = fmt.type_descriptor.annotation
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        assert "json" in [m.value for m in annotation]
    else:  # ingest: a plain string checked by the command (old input formats still work)
        assert name == "ingest"


def test_the_json_table_covers_every_command() -> None:
    assert set(RUNS) | set(NO_JSON) == set(COMMANDS)
    assert not set(RUNS) & set(NO_JSON)


# ----------------------------------------------------------------------------- JSON

#: how each command is run (after "--format json" is appended); {tmp} is a fresh folder
RUNS: dict[str, list[str]] = {
    "init": ["init", "{tmp}/new"],
    "docs list": ["docs", "list"],
    "show": ["show", "N01", "--coder", "ingrid"],
    "attributes show": ["attributes", "show"],
    "attributes import": ["attributes", "import", "{tmp}/attributes.csv"],
    "ingest": ["ingest", "{tmp}/X01.txt"],
    "coders": ["coders"],
    "tag": ["tag", "N01", "3", "--code", "GOV-MAC-01", "--coder", "zed"],
    "untag": ["untag", "N01", "3", "--coder", "zed"],
    "undo": ["undo", "--coder", "zed"],
    "done": ["done", "N01", "--coder", "zed"],
    "codings import": ["codings", "import", "{tmp}/ingrid.csv", "--coder", "copy"],
    "suggest": ["suggest", "N01", "--apply", "--as", "auto"],
    "agree": ["agree", "--bootstrap", "0"],
    "diff": ["diff", "--coder", "ingrid,lars", "--doc", "N01"],
    "reconcile": ["reconcile", "--coder", "ingrid,lars", "--as", "second", "--strategy",
                  "union"],
    "matrix": ["matrix", "--percent", "row", "--coder", "consensus"],
    "cooccur": ["cooccur", "--coder", "consensus"],
    "codebook show": ["codebook", "show"],
    "codebook check": ["codebook", "check"],
    "registry import": ["registry", "import", "registry/registry.csv", "--replace"],
    "registry summary": ["registry", "summary"],
    "joint": ["joint", "--by", "region", "--coder", "consensus"],
    "export qdc": ["export", "qdc", "{tmp}/book.qdc"],
    "export qdpx": ["export", "qdpx", "{tmp}/study.qdpx"],
    "import qdc": ["import", "qdc", "{tmp}/book.qdc", "--dry-run"],
    "import qdpx": ["import", "qdpx", "{tmp}/study.qdpx", "--into", "{tmp}/copy"],
    "demo": ["demo", "{tmp}/demo"],
    "memo add": ["memo", "add", "--doc", "N01", "read with R01", "--author", "zed"],
    "memo list": ["memo", "list"],
    "memo edit": ["memo", "edit", "{memo}", "sharper", "--author", "zed"],
    "memo remove": ["memo", "remove", "{memo}", "--author", "zed"],
    "progress": ["progress"],
    "check": ["check"],
    "status": ["status"],
    "codebook add": ["codebook", "add", "Staff felt watched", "--theme", "ORG", "--level",
                     "micro", "--why", "contract"],
    "codebook edit": ["codebook", "edit", "Staff felt watched", "--definition", "Observed."],
    "codebook rename": ["codebook", "rename", "Staff felt watched", "--name",
                        "Staff felt observed"],
    "codebook move": ["codebook", "move", "Staff felt observed", "--theme", "ORG", "--level",
                      "meso"],
    "codebook split": ["codebook", "split", "Staff felt observed", "--into",
                       "Observed by managers,Observed by patients"],
    "codebook merge": ["codebook", "merge", "Observed by patients", "--into",
                       "Observed by managers"],
    "codebook retire": ["codebook", "retire", "Observed by managers"],
    "codebook review": ["codebook", "review"],
    "codebook history": ["codebook", "history"],
    "codebook diff": ["codebook", "diff", str(ROOT / "codebooks" / "telemedicine-norway.yaml"),
                      "codebook.yaml"],
    "docs rename": ["docs", "rename", "R03", "R09"],
    "docs remove": ["docs", "remove", "R09"],
    "docs restore": ["docs", "restore", "R09"],
    "sets add": ["sets", "add", "north", "N01", "N02"],
    "sets remove": ["sets", "remove", "north", "N02"],
    "sets list": ["sets", "list"],
    "speakers": ["speakers", "N01"],
    "search": ["search", "telemedicine", "--code", "GOV-MAC-01", "--coder", "zed"],
    "methods": ["methods", "--bootstrap", "0"],
    "pseudonyms add": ["pseudonyms", "add", "Torunn Vollstad", "P07"],
    "pseudonyms import": ["pseudonyms", "import", "{tmp}/names.csv"],
    "pseudonyms list": ["pseudonyms", "list"],
    "pseudonyms suggest": ["pseudonyms", "suggest"],
    "pseudonyms check": ["pseudonyms", "check", "{tmp}/X01.txt"],
    "pseudonyms remove": ["pseudonyms", "remove", "Torunn Vollstad"],
}

#: other modes of a command, whose JSON differs from its default run (mode -> arguments)
MODES: dict[str, list[str]] = {
    "agree --spans": ["agree", "--spans", str(DATA / "unitized" / "two_docs.csv"),
                      "--bootstrap", "50", "--seed", "1"],
    "agree --unitized": ["agree", "--unitized", "--doc", "N01", "--bootstrap", "50", "--seed",
                         "1"],
}


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key of a JSON value as a path (``documents[].id``); the keys of a map keyed by
    data (labels, file names: not snake_case names) are one ``*``."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, sub in value.items():
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
                key = "*"
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            found |= key_paths(sub, path)
    elif isinstance(value, list):
        for item in value:
            found |= key_paths(item, f"{prefix}[]")
    return found


def naming_problems(value: Any, key: str = "") -> list[str]:
    problems: list[str] = []
    if isinstance(value, dict):
        for k, sub in value.items():
            problems += naming_problems(sub, k)
    elif isinstance(value, list):
        plural = any(word.endswith("s") for word in key.split("_"))
        if key and not plural and key not in SINGULAR_LIST_KEYS:
            problems.append(f"list under a singular key '{key}'")
        for item in value:
            problems += naming_problems(item, key)
    elif (key.endswith(("_share", "_proportion")) and value is not None
          and not 0 <= value <= 1):
        problems.append(f"'{key}' is {value}, not a proportion 0-1")
    return problems


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every command of RUNS run once with --format json, on a copy of the demo study."""
    base = tmp_path_factory.mktemp("contract")
    run_demo(base / "demo-source")
    study = base / "study"
    shutil.copytree(base / "demo-source", study)
    tmp = base / "files"
    tmp.mkdir()
    (tmp / "X01.txt").write_text("I: How did it start?\n\nR: With one nurse.\n",
                                 encoding="utf-8")
    (tmp / "names.csv").write_text("real,pseudonym,kind\nLofotkysten sykehus,Hospital A,"
                                   "organisation\n", encoding="utf-8")
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(study)
    os.environ.pop("QCODE_PROJECT", None)
    try:
        def run(*args: str) -> Any:
            return runner.invoke(app, list(args))

        (tmp / "attributes.csv").write_text(run("attributes", "show", "--format", "csv")
                                            .stdout, encoding="utf-8")
        run("codings", "export", "--coder", "ingrid", "-o", str(tmp / "ingrid.csv"))
        seeded = run("memo", "add", "--project", "to remove", "--author", "zed",
                     "--format", "json")
        memo_id = json.loads(seeded.stdout)["memo"]["id"]
        results: dict[str, dict[str, Any]] = {}
        for name, args in {**RUNS, **MODES}.items():
            argv = [a.replace("{tmp}", str(tmp)).replace("{memo}", memo_id)
                    for a in args] + ["--format", "json"]
            result = run(*argv)
            assert result.exit_code == 0, (name, result.stderr)
            results[name] = json.loads(result.stdout)
        return results
    finally:
        os.chdir(old)


@pytest.mark.parametrize("name", sorted({**RUNS, **MODES}))
def test_json_starts_with_the_schema_version(outputs: dict[str, Any], name: str) -> None:
    data = outputs[name]
    assert isinstance(data, dict)
    assert next(iter(data)) == "schema_version" and data["schema_version"] == 1


@pytest.mark.parametrize("name", sorted({**RUNS, **MODES}))
def test_json_follows_the_naming_scheme(outputs: dict[str, Any], name: str) -> None:
    data = outputs[name]
    assert naming_problems(data) == []
    keys = {k.rsplit(".", 1)[-1] for k in key_paths(data)}
    shares = {k for k in keys if k.endswith(("_share", "_proportion"))}
    pcts = {k for k in keys if k.endswith("_pct")}
    assert not (shares and pcts), f"{name} mixes proportions {shares} and percentages {pcts}"


def test_json_keys_match_the_golden_file(outputs: dict[str, Any]) -> None:
    got = {name: sorted(key_paths(outputs[name])) for name in sorted(outputs)}
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = {n: {"added": sorted(set(got.get(n, [])) - set(want.get(n, []))),
                   "removed": sorted(set(want.get(n, [])) - set(got.get(n, [])))}
               for n in sorted(set(got) | set(want)) if got.get(n) != want.get(n)}
    assert changed == {}, ("JSON keys changed; if deliberate, write it in CHANGELOG.md and "
                           "regenerate: QCODE_UPDATE_CONTRACT=1 pytest tests/cli/"
                           "test_contract.py")


def test_the_naming_rule_catches_a_percentage_named_share_and_a_singular_list() -> None:
    assert naming_problems({"schema_version": 1, "equal_share": 40.0, "row": [1, 2],
                            "documents": [{"coded_share": 0.5}]}) == [
        "'equal_share' is 40.0, not a proportion 0-1",
        "list under a singular key 'row'",
    ]
    assert key_paths({"documents": [{"id": "D1", "attributes": {"Region Name": "x"}}]}) == {
        "documents", "documents[].id", "documents[].attributes", "documents[].attributes.*"}
