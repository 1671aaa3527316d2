"""``qcode init``: create a project folder."""

from __future__ import annotations

from pathlib import Path

import typer

from qcode.cli.console import echo_json, note
from qcode.cli.options import ActionFormat


def init(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]",
                                     help="Folder for the new project (created if missing)."),
    codebook: Path | None = typer.Option(None, "--codebook", metavar="PATH",
                                         help="A YAML codebook to copy in (default: the "
                                              "bundled telemedicine codebook)."),
    name: str | None = typer.Option(None, "--name", help="Project name (default: folder "
                                                          "name)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: lines for people; json: what was made."),
) -> None:
    """Create a new project: qcode.toml, codebook.yaml, documents/ and codings/.

    Refuses, and changes nothing, if DIR is already a project.

    Examples:

      qcode init study

      qcode init study --codebook my-codebook.yaml --name "Telemedicine 2026"
    """
    from qcode.outputs import guard_folder
    from qcode.project import init_project

    guard_folder(directory)  # not inside another project's data folders
    project = init_project(directory, codebook=codebook, name=name)
    cb = project.codebook
    if fmt is ActionFormat.json:
        echo_json({"root": str(project.root), "name": project.name,
                   "codebook": project.codebook_path.name, "codes": len(cb.codes),
                   "themes": len(cb.themes), "levels": len(cb.levels)})
    note(f"Created project '{project.name}' in {project.root}")
    note(f"Codebook: {len(cb.codes)} codes in {len(cb.themes)} themes x {len(cb.levels)} "
         f"levels ({project.codebook_path.name})")
    import shlex

    here = project.root.resolve() == Path.cwd().resolve()
    step = "" if here else f"cd {shlex.quote(str(directory))} && "
    note(f"Next: {step}qcode ingest TRANSCRIPTS...")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
