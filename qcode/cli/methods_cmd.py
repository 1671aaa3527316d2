"""``qcode methods``: the methods paragraph (and table) the project's records can vouch for."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from qcode.cli.console import echo_json, emit, json_text
from qcode.cli.options import CODERS_METAVAR, coders_given, outgoing, real_names_option


class MethodsFormat(str, Enum):
    md = "md"
    txt = "txt"
    docx = "docx"
    json = "json"


def methods(
    ctx: typer.Context,
    fmt: MethodsFormat | None = typer.Option(
        None, "--format", "-f", help="Output format (default: from the extension of "
                                     "--output, else md)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE (required for docx)."),
    coder: list[str] | None = typer.Option(
        None, "--coder", "-c", metavar=CODERS_METAVAR,
        help="Coders whose agreement is reported (default: as qcode agree, every coder "
             "who completed a document, consensus coders left out)."),
    group_by: str | None = typer.Option(
        None, "--group-by", metavar="ATTR,...",
        help="Document attributes to count documents and segments by (default: every "
             "attribute some documents share)."),
    ci: float = typer.Option(0.95, "--ci", help="Confidence level of the intervals."),
    bootstrap: int = typer.Option(1000, "--bootstrap", metavar="N",
                                  help="Bootstrap resamples (0: no intervals)."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the bootstrap (printed in "
                                               "the text, so the intervals can be "
                                               "reproduced with qcode agree --seed)."),
    real_names: bool = real_names_option(),
) -> None:
    """Write the methods paragraph that the project's records support.

    From the records only: documents and segments (by document attribute groups), the
    segmentation unit, the codebook's size and grid and its recorded changes, the coders
    and what each coded, the double-coded documents, agreement (Krippendorff's alpha with
    MASI over code sets, the means of the per-code values, each theme's coefficients with
    bootstrap intervals; the numbers of qcode agree --by theme with the same --seed), the
    reconciliations (the numbers of qcode reconcile --summary, decisions by outcome and
    strategy) and qcode's version, each coefficient with its reference. What the records
    cannot support (recruitment, interview dates, training...) is listed, not invented.

    JSON: the gathered facts {"qcode_version", "project", "documents", "segments",
    "units", "groups", "codebook", "coders", "double_coded_documents", "agreement",
    "reconciliations", "not_in_records"}.

    Examples:

      qcode methods

      qcode methods -o methods.docx

      qcode methods --format txt --group-by stakeholder_level,region
    """
    from qcode.agreement.generic import check_ci
    from qcode.errors import UsageError
    from qcode.methods.facts import gather
    from qcode.methods.render import as_docx, as_markdown, as_text, methods_text

    if fmt is None and output is None:
        fmt = MethodsFormat.md
    elif fmt is None and output is not None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"md": MethodsFormat.md, "markdown": MethodsFormat.md, "docx": MethodsFormat.docx,
               "txt": MethodsFormat.txt, "json": MethodsFormat.json}.get(suffix)
        if fmt is None:  # Markdown in a file named .pdf or .html would pass for one
            raise UsageError(f"cannot tell the format from '{output.name}'",
                             hint="give --format md, txt, docx or json")
    if fmt is MethodsFormat.docx and output is None:
        raise UsageError("--format docx needs --output FILE.docx",
                         hint="a Word file is not written to the terminal")
    check_ci(ci, bootstrap)
    project = outgoing(ctx, real_names)
    groups = [g.strip() for g in group_by.split(",") if g.strip()] if group_by else None
    facts = gather(project, coders=coders_given(coder, None), group_by=groups, ci=ci,
                   n_boot=bootstrap, seed=seed)
    if fmt is MethodsFormat.json:
        data = facts.model_dump(mode="json")
        if output is None:
            echo_json(data)
        else:
            emit(json_text(data), output)
        return
    text = methods_text(facts)
    if fmt is MethodsFormat.docx:
        from qcode.cli.console import note
        from qcode.outputs import write_output

        assert output is not None
        write_output(output, as_docx(text))
        note(f"Wrote {output}")
        return
    emit(as_markdown(text) if fmt is MethodsFormat.md else as_text(text), output)


def register(app: typer.Typer) -> None:
    app.command("methods")(methods)
