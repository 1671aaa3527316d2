"""``qcode suggest``: keyword suggestions, applying them as a pseudo-coder, and evaluating
them against a human coder."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, note, out, state, warn_omissions

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.coding.suggest import Evaluation, Suggestion
    from qcode.project import Project


class Format(str, Enum):
    table = "table"
    json = "json"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def suggest(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, metavar="[DOC]...",
                                     help="Documents (default: all)."),
    min_score: float = typer.Option(80.0, "--min-score", min=0, max=100,
                                    help="Keep suggestions scoring at least this (0-100)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    all_speakers: bool = typer.Option(False, "--all-speakers",
                                      help="Also suggest codes for interviewer turns."),
    apply: bool = typer.Option(False, "--apply", help="Save the suggestions as the codings "
                                                      "of a pseudo-coder (origin auto)."),
    as_coder: str = typer.Option("auto", "--as", metavar="CODER",
                                 help="The pseudo-coder for --apply."),
    evaluate: bool = typer.Option(False, "--evaluate", help="Score the suggestions against "
                                                            "a human coder (see --against)."),
    against: str | None = typer.Option(None, "--against", metavar="CODER",
                                       help="The human coder for --evaluate."),
) -> None:
    """Suggest codes for segments by matching each code's English and Norwegian keywords
    (inflected forms, compounds and near spellings too), with a score from 0 to 100.

    One exact keyword scores 60, two 84, three 94: --min-score 80 (the default) asks for
    at least two supporting keywords. Interviewer turns are skipped unless --all-speakers.

    --apply --as auto makes the pseudo-coder 'auto' hold exactly these suggestions on the
    documents (origin auto) and marks them complete, so agreement can compare it with people.
    --evaluate --against C gives precision, recall and F1 per code and overall against coder
    C, on the documents C marked complete.

    Examples:

      qcode suggest N01 --min-score 60

      qcode suggest --format json > suggestions.json

      qcode suggest --apply --as auto

      qcode suggest --evaluate --against ingrid
    """
    from qcode.coding.suggest import apply_suggestions, suggest_documents
    from qcode.coding.suggest import evaluate as run_evaluate
    from qcode.coding.usable import load_usable, omissions
    from qcode.errors import InsufficientDataError, UsageError

    project = state(ctx).project()
    if evaluate and against is None:
        raise UsageError("--evaluate needs --against CODER", hint="e.g. --against ingrid")
    if evaluate and apply:
        raise UsageError("--evaluate and --apply do not go together",
                         hint="run them as two commands")
    docs = [project.resolve_document(d) for d in docs or []]  # ids or unique prefixes
    ids = list(dict.fromkeys(docs or project.document_ids()))
    if evaluate:
        assert against is not None
        (human,) = load_usable(project, [against])
        warn_omissions(omissions([human]), project.root)
        done = sorted(human.done)
        ids = [d for d in (docs or done) if d in done]
        if not ids:
            raise InsufficientDataError(
                f"coder '{against}' has not marked any {'of these ' if docs else ''}documents "
                "complete, so there is nothing to evaluate against",
                hint=f"mark coded documents with: qcode done DOC --coder {against}")
    documents = [project.load_document(d) for d in ids]
    found = suggest_documents(project.codebook, documents, min_score=min_score,
                              all_speakers=all_speakers)
    if evaluate:
        ev = run_evaluate(project.codebook, documents, found, human.codings(), against or "",
                          min_score)
        _show_evaluation(ev, fmt)
        return
    if apply:
        added, removed = apply_suggestions(project, as_coder, documents, found)
        def n(k: int, noun: str) -> str:
            return f"{k} {noun}{'' if k == 1 else 's'}"

        marked = "document marked" if len(documents) == 1 else "documents marked"
        note(f"Applied {n(len(found), 'suggestion')} as coder '{as_coder}' on "
             f"{n(len(documents), 'document')}: {n(added, 'coding')} added, {removed} removed; "
             f"{marked} complete.")
    if fmt is Format.json:
        data: dict[str, Any] = {"min_score": min_score, "documents": ids,
                                "suggestions": [s.as_json() for s in found]}
        if apply:
            data["applied"] = {"coder": as_coder, "added": added, "removed": removed,
                               "documents_complete": ids}
        echo_json(data)
        return
    if apply:
        return
    _show_table(project, found)


def _show_table(project: Project, found: list[Suggestion]) -> None:
    from rich.table import Table

    if not found and not project.document_ids():
        note("No documents yet; bring transcripts in with: qcode ingest PATH...")
        return
    if not found:
        note("No suggestions at this score; try a lower --min-score.")
        return
    t = Table(box=None, header_style="bold")
    for col, just in (("segment", "left"), ("code", "left"), ("name", "left"),
                      ("score", "right"), ("keywords", "left")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    prev = None
    for s in found:
        code = project.codebook.code(s.code)
        t.add_row(s.segment if s.segment != prev else "", s.code, code.name if code else "",
                  f"{s.score:.0f}", ", ".join(s.keywords))
        prev = s.segment
    out().print(t)
    note(f"{len(found)} suggestions on {len({(s.doc, s.segment) for s in found})} segments.")


def _show_evaluation(ev: Evaluation, fmt: Format) -> None:
    if fmt is Format.json:
        echo_json(ev.as_json())
        return
    from rich.table import Table

    t = Table(box=None, header_style="bold", title=f"Suggestions (score >= {ev.min_score:g}) "
              f"against {ev.against}: {len(ev.documents)} documents, {ev.segments} segments",
              title_justify="left")
    for col in ("code", "support", "suggested", "true pos", "precision", "recall", "F1"):
        t.add_column(col, justify="left" if col == "code" else "right")
    for s in ev.per_code:
        t.add_row(s.code, str(s.true_pos + s.false_neg), str(s.true_pos + s.false_pos),
                  str(s.true_pos), _pct(s.precision), _pct(s.recall), _pct(s.f1))
    o = ev.overall
    t.add_row("overall (micro)", str(o.true_pos + o.false_neg), str(o.true_pos + o.false_pos),
              str(o.true_pos), _pct(o.precision), _pct(o.recall), _pct(o.f1), style="bold")
    t.add_row("macro F1", "", "", "", "", "", _pct(ev.macro_f1))
    out().print(t)
