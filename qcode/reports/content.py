"""What a report holds, gathered once and handed to every renderer.

:func:`build_report` reads the project; the renderers (markdown, html, docx, tables) only
format a :class:`ReportContent`, so the same inputs give the same bytes in every format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from functools import partial
from typing import Any

from qcode._io.csvfile import write_rows
from qcode.agreement.project import agreement_for_project
from qcode.agreement.project_input import CoderSpans, coder_spans, columns_spans
from qcode.coding.checkpoint import Columns
from qcode.coding.collector import collector_paused
from qcode.coding.fold import CoderState
from qcode.coding.store import coder_names, load_state, unchanged_columns
from qcode.coding.usable import Known, Omissions, combined, known_parts
from qcode.counts.context import Context
from qcode.counts.doc_info import DocInfo, corpus_documents, indexed_layout
from qcode.counts.excerpts import (
    Excerpt,
    Selection,
    ThemeGroup,
    apply_selection,
    excerpts,
    flat,
    format_time,
    in_context,
    rows,
)
from qcode.counts.exemplars import exemplar_rule, limit
from qcode.counts.matrix import Matrix, crosstab, default_coder, load_corpus
from qcode.counts.matrix_notes import matrix_notes
from qcode.errors import QcodeError
from qcode.memos.journal import read_journal
from qcode.models import Codebook
from qcode.outputs import Lines
from qcode.project import SETTINGS_FILE, Project
from qcode.reconcile.consensus import consensus_coders
from qcode.registry.joint import JointDisplay
from qcode.registry.joint import build as build_joint
from qcode.reports.docx import report_docx
from qcode.reports.html import html_lines
from qcode.reports.markdown import markdown_lines
from qcode.reports.markup import speaker_variants
from qcode.reports.memo_section import MemoSection, build_memo_section, other_coders_memos
from qcode.reports.settings import check_attribute, read_report_settings, shown_attributes
from qcode.reports.tables import xlsx_bytes


@dataclass(frozen=True)
class AgreementRow:
    label: str
    prevalence: float
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class AgreementSummary:
    """Inter-coder agreement per theme, for the coders who completed the same documents."""

    coders: tuple[str, ...]
    documents: int
    units: int
    metrics: tuple[str, ...]
    metric_labels: tuple[str, ...]
    masi_alpha: float | None
    rows: tuple[AgreementRow, ...]
    mean_per_code: tuple[float | None, ...]
    #: what the agreement left out of the coders' codings (reported by the CLI)
    omissions: Omissions = field(default_factory=Omissions)


@dataclass(frozen=True)
class ReportContent:
    title: str
    project: str
    coder: str
    coders: tuple[str, ...]
    consensus: bool
    codebook: Codebook
    date: str
    selection: Selection
    matrix: Matrix
    groups: tuple[ThemeGroup, ...]
    attribute_names: tuple[str, ...]
    agreement: AgreementSummary | None = None
    #: the joint display when the report was asked to include one
    joint: JointDisplay | None = None
    #: unreadable log lines and unusable codings left out of everything above
    omissions: Omissions = field(default_factory=Omissions)
    #: the memos on the project, the codes and the documents (``--memos``), else None
    memos: MemoSection | None = None
    #: the context shown around each excerpt (words, ``"sentence"``), else None
    context: Context = None
    #: ``--per-code N``: at most N exemplars per code (see :mod:`qcode.counts.exemplars`)
    per_code: int | None = None
    spread_by: str | None = None
    #: ``--memos``: each quote's memos (the report coder's, then the other coders' on its
    #: segment: (doc, segment) -> ((coder, memo), ...)) and the Memos section
    show_memos: bool = False
    coder_memos: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(
        default_factory=dict)
    #: speaker labels that differ only in case across the excerpts (RESPONDENT, Respondent)
    speaker_variants: tuple[tuple[str, ...], ...] = ()

    @property
    def n_excerpts(self) -> int:
        return sum(len(cg.excerpts) for t in self.groups for lv in t.levels
                   for cg in lv.codes)

    @property
    def n_available(self) -> int:
        """The excerpts there are before ``--per-code`` keeps some of them."""
        return sum(max(cg.total, len(cg.excerpts)) for t in self.groups for lv in t.levels
                   for cg in lv.codes)

    def memos_on(self, e: Excerpt) -> list[tuple[str, str]]:
        """(coder, memo) pairs shown under a quote: none without ``--memos``."""
        if not self.show_memos:
            return []
        own = [(self.coder, e.memo)] if e.memo else []
        return own + list(self.coder_memos.get((e.doc, e.segment), ()))

    def excerpt_fields(self) -> list[str]:
        """The columns of :meth:`excerpt_table`."""
        return ["theme", "level", "code", "code_name", "document", "title", "segment",
                "speaker", "time", "quote",
                *(["in_context"] if self.context is not None else []),
                *(["memo", *(f"memo:{c}" for c in self.memo_coders)]
                  if self.show_memos else []),
                *(f"attr:{a}" for a in self.attribute_names)]

    def excerpt_table(self) -> list[list[Any]]:
        """:meth:`excerpt_rows` as lists of cells in the order of :meth:`excerpt_fields`
        (what CSV and XLSX write; no dict per row)."""
        context, show_memos, attrs = self.context is not None, self.show_memos, \
            self.attribute_names
        others, coder_memos = self.memo_coders, self.coder_memos
        labels: dict[str, str] = {}
        out: list[list[Any]] = []
        append = out.append
        for t in self.groups:
            for lv in t.levels:
                for cg in lv.codes:
                    head = [t.theme, lv.level, cg.code, cg.name]
                    for e in cg.excerpts:
                        label = labels.get(e.speaker)
                        if label is None:
                            label = labels[e.speaker] = e.speaker_label
                        seg, last = e.segment, e.last_segment
                        row = [*head, e.doc, e.title,
                               seg if not last or last == seg else e.segments_label, label,
                               format_time(e.time_start), e.quote]
                        if context:
                            row.append(in_context(e))
                        if show_memos:
                            on = dict(coder_memos.get((e.doc, e.segment), ()))
                            row += [e.memo or "", *(on.get(c, "") for c in others)]
                        if attrs:
                            row += [e.attributes.get(a, "") for a in attrs]
                        append(row)
        return out

    def excerpt_rows(self) -> list[dict[str, Any]]:
        """One row per excerpt (CSV, XLSX); with ``--memos`` a ``memo`` column (the report
        coder's) and a ``memo:CODER`` column for each other coder."""
        out = rows(list(self.groups), list(self.attribute_names),
                   context=self.context is not None, memos=self.show_memos)
        if not self.show_memos:
            return out
        others = self.memo_coders
        placed = []
        for row, e in zip(out, flat(list(self.groups)), strict=True):
            on = dict(self.coder_memos.get((e.doc, e.segment), ()))
            cells = list(row.items())
            at = next(k for k, (name, _) in enumerate(cells) if name == "memo") + 1
            cells[at:at] = [(f"memo:{c}", on.get(c, "")) for c in others]
            placed.append(dict(cells))
        return placed

    @property
    def memo_coders(self) -> tuple[str, ...]:
        """The other coders whose memos a report with ``--memos`` shows."""
        return tuple(c for c in self.coders if c != self.coder)

    def header_lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the report header, in order."""
        cb = self.codebook
        who = self.coder + (" (reconciled consensus)" if self.consensus else "")
        return [("Coder", who), ("Coders in the project", ", ".join(self.coders)),
                ("Codebook", f"{cb.name}" + (f", version {cb.version}" if cb.version else "")),
                ("Date", self.date), ("Selection", self.selection.describe()),
                *self._excerpt_lines()]

    def _excerpt_lines(self) -> list[tuple[str, str]]:
        shown = ", ".join(self.attribute_names) or "none (qcode report --attributes NAMES)"
        lines = [("Excerpts", str(self.n_excerpts))]
        if self.per_code is not None:
            lines = [("Excerpts", f"{self.n_excerpts} of {self.n_available}"),
                     ("Exemplars", exemplar_rule(self.per_code, self.spread_by))]
        return [*lines, ("Attributes shown", shown),
                ("Memos", "shown" if self.show_memos else "not shown (qcode report --memos)")]


def agreement_summary(project: Project, exclude: list[str],
                      folded: CoderState | None = None,
                      read: tuple[str, Columns] | None = None,
                      docs: Mapping[str, DocInfo] | None = None) -> AgreementSummary | None:
    """Per-theme agreement of the human coders who completed documents, or None when fewer
    than two did. Coders in ``exclude`` (consensus coders) are left out; ``folded``: a
    coder's log the caller has folded already, ``read``: a coder and the columns the
    caller has read from their checkpoint (each log is read once); ``docs``: the
    project's documents, if the caller has read them (:func:`corpus_documents`)."""
    known = known_parts(project) if docs is None else \
        known_parts(project, segments={i: d.segments for i, d in docs.items()})
    spans = {c: _spans(project, c, known, folded, read)
             for c in coder_names(project) if c not in exclude}
    coders = [c for c, sp in spans.items() if sp.done]
    if len(coders) < 2:
        return None
    try:
        rep = agreement_for_project(
            project, coders=coders, by="theme", n_boot=0, seed=1, spans=spans,
            layout=None if docs is None else partial(indexed_layout, docs))
    except QcodeError:
        return None
    metrics = tuple(rep.metrics)
    labels = tuple(next((c.label for c in rep.rows[0].coefficients if c.name == m), m)
                   for m in metrics) if rep.rows else metrics
    rows_ = tuple(AgreementRow(label=f"{r.label} ({r.id})" if r.label != r.id else r.id,
                               prevalence=r.prevalence,
                               values=tuple(next((c.value for c in r.coefficients
                                                  if c.name == m), None) for m in metrics))
                  for r in rep.rows)
    return AgreementSummary(coders=tuple(rep.coders), documents=len(rep.documents),
                            units=rep.n_units, metrics=metrics, metric_labels=labels,
                            masi_alpha=rep.masi_alpha.value, rows=rows_,
                            mean_per_code=tuple(rep.mean_per_code.get(m) for m in metrics),
                            omissions=rep.omissions)


def _spans(project: Project, coder: str, known: Known, folded: CoderState | None,
           read: tuple[str, Columns] | None) -> CoderSpans:
    """The coder's spans from what the caller has read of their log, else from the log."""
    if read is not None and read[0] == coder:
        quick = columns_spans(coder, read[1], known)
        if quick is not None:
            return quick
        folded = load_state(project, coder)  # not usable as they are: the log is folded
    return coder_spans(project, coder, known,
                       folded if folded is not None and folded.coder == coder else None)


@collector_paused()
def build_report(project: Project, *, coder: str | None = None,
                 selection: Selection | None = None, date: str | None = None,
                 title: str | None = None, agreement: bool = True,
                 joint_by: str | None = None, memos: bool = False,
                 context: Context = None, attributes: Sequence[str] | None = None,
                 per_code: int | None = None, spread_by: str | None = None
                 ) -> ReportContent:
    """Gather a report: header, theme x level matrix, excerpts, agreement, joint display;
    with ``memos`` each quote's memos (the coder's and the other coders') and the memos on
    the project, the selected codes and documents; with ``context`` (words or
    ``"sentence"``), the text around each excerpt. ``attributes`` are the attributes each
    source line shows (``["all"]``, ``["none"]`` or names; None: the ``[report]`` setting,
    else none); ``per_code`` keeps at most that many exemplars per code, spread across
    ``spread_by`` (None: the setting) and documents (:mod:`qcode.counts.exemplars`)."""
    sel = selection or Selection()
    name = default_coder(project, coder)
    consensus = consensus_coders(project)  # reads the logs: before any of them is folded
    # the agreement comes first, so the other coders' spans are gone before the excerpts
    # are built. A log unchanged since its checkpoint is read from the checkpoint once, as
    # columns, for its spans and its codings, never folded whole (at 2,000 transcripts
    # the peak memory of report md fell from 525 to 367 MB when it was read twice, as
    # spans and as codings; parsing the checkpoint once saves a tenth of a second); a
    # changed log is folded once, for both
    columns = unchanged_columns(project, name)
    own = load_state(project, name) if columns is None else None
    read = (name, columns) if columns is not None else None
    docs = corpus_documents(project)  # read once: the agreement's segments, the excerpts'
    summary = agreement_summary(project, consensus, own, read, docs) if agreement else None
    corpus = load_corpus(project, name, state=own, columns=columns, docs=docs)
    del own, read, columns, docs
    chosen = apply_selection(corpus, sel)
    settings = read_report_settings(project.root)
    shown = shown_attributes(attributes, settings, corpus.attribute_names)
    spread = spread_by if spread_by is not None else settings.spread_by
    if spread is not None and per_code is not None and corpus.attribute_names:
        check_attribute(spread, corpus.attribute_names,
                        "--spread-by" if spread_by is not None else
                        f"{SETTINGS_FILE} [report] spread_by")
    groups = excerpts(chosen, context=context)
    if per_code is not None:
        groups = limit(groups, per_code, spread)
    joint = None
    if joint_by:
        joint = build_joint(project, joint_by, coder=corpus.coder)
    section = None
    if memos:
        cb = corpus.codebook
        covered = [c.id for c in cb.codes if (sel.theme is None or c.theme == sel.theme)
                   and (sel.level is None or c.level == sel.level)
                   and (not sel.codes or c.id in sel.codes)]
        section = build_memo_section(read_journal(project), cb, covered,
                                     {d.id: d.title for d in chosen.docs.values()})
    names = tuple(coder_names(project))
    return ReportContent(
        title=title or f"Coded excerpts: {project.name}", project=project.name,
        coder=corpus.coder, coders=names,
        consensus=corpus.coder in consensus, codebook=corpus.codebook,
        date=date or Date.today().isoformat(), selection=sel,
        matrix=crosstab(chosen), groups=tuple(groups), attribute_names=shown,
        agreement=summary, joint=joint, memos=section, context=context,
        per_code=per_code, spread_by=spread if per_code is not None else None,
        show_memos=memos, speaker_variants=speaker_variants(flat(groups)),
        coder_memos=other_coders_memos(project, [c for c in names if c != corpus.coder])
        if memos else {},
        omissions=combined(corpus.omissions, summary.omissions if summary else Omissions(),
                           joint.omissions if joint else Omissions()))


REPORT_FORMATS = ("md", "html", "docx", "csv", "xlsx")


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime(2000, 1, 1)


@collector_paused()
def render_report(content: ReportContent, kind: str) -> str | bytes:
    """The report in one format: text for md/html/csv, bytes for docx/xlsx."""
    out = report_output(content, kind)
    return out.text() if isinstance(out, Lines) else out


@collector_paused()
def report_output(content: ReportContent, kind: str) -> Lines | str | bytes:
    """:func:`render_report`, with the Markdown and HTML reports as their :class:`Lines`
    (written a chunk at a time: never joined into one string of tens of megabytes)."""
    if kind == "md":
        return Lines(markdown_lines(content))
    if kind == "html":
        return Lines(html_lines(content))
    if kind == "docx":
        return report_docx(content)
    fields, rows = content.excerpt_fields(), content.excerpt_table()
    if kind == "csv":
        return write_rows(fields, rows)
    m = content.matrix
    grid = [[label, *counts, total] for label, counts, total
            in zip(m.rows, m.counts, m.row_totals, strict=True)]
    grid.append(["total", *m.col_totals, m.total])
    grid.append([])
    grid += [[note] for note in matrix_notes(m)]  # the footnotes under the table
    return xlsx_bytes([("Excerpts", fields, rows),
                       ("Matrix", [f"{m.row_dim}\\{m.col_dim}", *m.cols, "total"], grid)],
                      date=_when(content.date))
