"""``qcode demo``: the whole pipeline on the bundled sample study, then a tour."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, out, progress

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.demo import DemoResult


class DemoFormat(str, Enum):
    table = "table"
    json = "json"


def demo(
    directory: Path = typer.Argument(Path("qcode-demo"), metavar="[DIR]",
                                     help="A new or empty folder for the demo project "
                                          "(default: ./qcode-demo)."),
    date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                    help="The date printed in the reports (default: today)."),
    fmt: DemoFormat = typer.Option(DemoFormat.table, "--format", "-f",
                                   help="table: a tour for people; json: what was made."),
) -> None:
    """Build a demo project from the bundled sample study and show what qcode made.

    Steps: init with the bundled telemedicine codebook; ingest 9 fictional stakeholder
    interviews (Otter, f4, Word, Teams/Zoom VTT, SRT, Markdown, plain text) with their
    attributes; load two fictional coders (ingrid and lars); measure their agreement;
    reconcile them into the coder 'consensus' with the union strategy (every decision
    recorded); import the fictional registry figures; then matrices, co-occurrence, and
    reports in Markdown, HTML and Word under DIR/output/. DIR must be new or empty.

    Examples:

      qcode demo

      qcode demo /tmp/qcode-demo && cd /tmp/qcode-demo && qcode matrix

      qcode demo /tmp/d --format json
    """
    from datetime import date as Date

    from qcode.demo import STEPS, check_target, run_demo
    from qcode.errors import UsageError

    if date is not None:
        try:
            Date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date '{date}' is not a date like 2026-01-31") from None
    check_target(directory)
    with progress(len(STEPS), "Building the demo") as advance:
        seen: list[str] = []

        def step(key: str, words: str) -> None:
            if seen:
                advance()
            seen.append(key)

        result = run_demo(directory, date=date, on_step=step)
        advance()
    if fmt is DemoFormat.json:
        echo_json(_as_json(result))
        return
    _tour(result)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _as_json(r: DemoResult) -> dict[str, Any]:
    return {"project": str(r.root), "documents": r.documents, "codings": r.codings,
            "consensus": r.consensus, "strategy": r.strategy, "decisions": r.decisions,
            "masi_alpha": r.masi_alpha, "matrix": r.matrix.as_dict() if r.matrix else None,
            "files": {label: _rel(p, r.root) for label, p in r.files.items()},
            "seconds": round(r.timings.get("total", 0.0), 3), "notes": r.notes}


def _tour(r: DemoResult) -> None:
    from rich.table import Table

    from qcode.reports.tables import matrix_grid

    console = out()
    console.print(f"[bold]qcode demo[/bold]: a project in {r.root} "
                  f"({r.timings.get('total', 0):.1f} s)\n")
    coded = ", ".join(f"{c} {n}" for c, n in r.codings.items() if c != r.consensus)
    alpha = "n/a" if r.masi_alpha is None else f"{r.masi_alpha:.3f}"
    decided = ", ".join(f"{n} {o}" for o, n in r.decisions.items())
    lines = [
        f"1. Ingested {r.documents} fictional interviews (national, regional and local "
        "stakeholders) with their attributes.",
        f"2. Two fictional coders: codings per coder: {coded}.",
        f"3. Agreement between them, Krippendorff's alpha over code sets (MASI): {alpha}.",
        f"4. Reconciled into the coder '{r.consensus}' by the {r.strategy} strategy "
        f"({decided}); every decision is in reconciliations/{r.consensus}.jsonl.",
        f"5. The consensus has {r.codings.get(r.consensus, 0)} codings; its theme x level "
        "matrix (coded segments):",
    ]
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)
    if r.matrix is not None:
        header, body = matrix_grid(r.matrix)
        table = Table()
        for k, h in enumerate(header):
            table.add_column(h, justify="left" if k == 0 else "right")
        for row in body:
            table.add_row(*row)
        console.print(table)
    if r.top_pairs:
        p = r.top_pairs[0]
        console.print(f"6. The cells that travel together most: {p['a']} with {p['b']} on "
                      f"{p['count']} segments (Jaccard {p['jaccard']:.2f}).", markup=False,
                      soft_wrap=True)
    for note in r.notes:
        console.print(f"   Note: {note}.", markup=False, soft_wrap=True)
    console.print("\n[bold]Files[/bold]")
    names = {label: _rel(path, r.root) for label, path in r.files.items()}
    width = max(map(len, names.values()), default=0)
    for label, name in names.items():
        console.print(f"  {name:<{width}}  {label}", markup=False, soft_wrap=True)
    console.print("\n[bold]Try next[/bold]")
    import shlex

    q = qcode_command()
    for cmd in (f"cd {shlex.quote(str(r.root))}", f"{q} docs", f"{q} agree --by theme",
                f"{q} matrix --split-by stakeholder_level --percent col",
                f"{q} cooccur --by cell", f"{q} report --theme ECO -o eco.html",
                f"{q} joint --by region"):
        console.print(f"  {cmd}", markup=False, highlight=False, soft_wrap=True)


def qcode_command(argv0: str | None = None) -> str:
    """How to type qcode again: ``qcode`` when that name on PATH is this program, else the
    path it was started by (``.venv/bin/qcode demo`` without the venv on PATH), or
    ``python -m qcode``."""
    import shlex
    import shutil
    import sys

    exe = Path(sys.argv[0] if argv0 is None else argv0)
    if exe.name == "__main__.py":
        found = shutil.which("qcode")
        return "qcode" if found else f"{shlex.quote(sys.executable)} -m qcode"
    if exe.name != "qcode" or not exe.is_file():
        return "qcode"
    found = shutil.which("qcode")
    if found and Path(found).resolve() == exe.resolve():
        return "qcode"
    return shlex.quote(str(exe.absolute()))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
