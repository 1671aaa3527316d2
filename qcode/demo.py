"""The whole pipeline on the bundled sample study, as one library call.

:func:`run_demo` builds a project in an empty (or new) folder from the bundled codebook and
sample study: init, ingest with attributes, the two shipped fictional coders (ingrid and
lars), agreement, reconciliation into a consensus coder by a recorded strategy, the
registry data, matrices, co-occurrence, and reports in Markdown, HTML and DOCX (with a
joint display by region). It returns what it made; ``qcode demo`` prints the tour.

Everything comes from :mod:`qcode.bundled`, so it works from an installed wheel as well as
from a source checkout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode._io import atomic
from qcode.agreement.output import project_json
from qcode.agreement.project import agreement_for_project
from qcode.bundled import bundled_codebook, bundled_dir
from qcode.coding.sample_coders import apply_sample_coders
from qcode.coding.store import current_codings
from qcode.counts.cooccur import cooccurrence
from qcode.counts.matrix import Corpus, Matrix, crosstab, load_corpus, split_matrices
from qcode.errors import ConflictError, InvalidInputError, NotFoundError, PartialFailureError
from qcode.ingest.run import IngestOptions, ingest
from qcode.methods.facts import gather
from qcode.methods.render import as_markdown as methods_markdown
from qcode.methods.render import methods_text
from qcode.outputs import guard_folder
from qcode.project import SETTINGS_FILE, Project, init_project
from qcode.reconcile.run import reconcile
from qcode.registry import table as registry
from qcode.reports.content import build_report, render_report
from qcode.reports.heatmap_svg import heatmap_svg, matrix_svg
from qcode.reports.markdown import matrix_markdown

SAMPLE_CODERS = ("ingrid", "lars")
CONSENSUS = "consensus"
STRATEGY = "union"
RATIONALE = ("demo: keep every code either coder gave (union), so no factor one coder saw "
             "is lost; a real team would walk the queue with --strategy ask")
PROJECT_NAME = "Telemedicine in Norway (qcode demo)"

#: the steps in order, with the words the progress display shows
STEPS = (
    ("init", "Creating the project"),
    ("ingest", "Ingesting 9 interviews"),
    ("coders", "Loading the coders ingrid and lars"),
    ("agreement", "Measuring agreement"),
    ("reconcile", "Reconciling into the consensus coder"),
    ("registry", "Importing the registry figures"),
    ("matrix", "Counting matrices"),
    ("cooccur", "Counting co-occurrence"),
    ("reports", "Writing reports"),
)


@dataclass
class DemoResult:
    """What the demo made: the project, key figures, and every output file."""

    root: Path
    documents: int = 0
    codings: dict[str, int] = field(default_factory=dict)
    consensus: str = CONSENSUS
    strategy: str = STRATEGY
    decisions: dict[str, int] = field(default_factory=dict)
    masi_alpha: float | None = None
    agreement_by_theme: list[tuple[str, float | None]] = field(default_factory=list)
    matrix: Matrix | None = None
    top_pairs: list[dict[str, Any]] = field(default_factory=list)
    #: label -> path of each file written under output/
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Context:
    """What a step leaves for the later ones (the project from init, the corpus from matrix)."""

    project: Project = field(init=False)
    corpus: Corpus = field(init=False)
    registry: bool = False


def check_target(directory: Path) -> None:
    """Refuse a folder that holds a project, or anything else (an empty folder is fine)."""
    directory = Path(directory)
    guard_folder(directory)  # never inside a project's data folders
    if (directory / "qcode.toml").exists():
        raise ConflictError(f"{directory} already holds a qcode project; the demo builds a "
                            "new one and changed nothing",
                            hint="give a new folder: qcode demo /tmp/qcode-demo")
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ConflictError(f"{directory} is not empty; the demo only writes into a new or "
                            "empty folder and changed nothing",
                            hint="give a new folder: qcode demo /tmp/qcode-demo")


def run_demo(directory: Path | str, *, date: str | None = None,
             on_step: Callable[[str, str], None] | None = None) -> DemoResult:
    """Build the demo project in ``directory``; ``on_step(key, words)`` is called before
    each step (for a progress display)."""
    root = Path(directory).absolute()
    check_target(root)
    result = DemoResult(root=root)
    started = time.perf_counter()
    ctx = _Context()
    for key, words in STEPS:
        if on_step is not None:
            on_step(key, words)
        t0 = time.perf_counter()
        _STEP_FUNCS[key](root, result, ctx, date)
        result.timings[key] = time.perf_counter() - t0
    result.timings["total"] = time.perf_counter() - started
    result.root = ctx.project.root
    return result


# ----------------------------------------------------------------------------- steps


def _init(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    ctx.project = init_project(root, bundled_codebook(), name=PROJECT_NAME)
    settings = root / SETTINGS_FILE
    atomic.write_text(settings, settings.read_text(encoding="utf-8") + REPORT_SETTINGS)
    (root / "output").mkdir(exist_ok=True)


#: the demo's [report] table (qcode.reports.settings): the attributes its reports show
#: beside each quote (the people are fictional; a real study chooses what is safe to show)
REPORT_SETTINGS = ('\n# What reports show by default (qcode report --help)\n[report]\n'
                   'attributes = ["stakeholder_level", "region"]\n'
                   'spread_by = "stakeholder_level"\n')


def _ingest(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    study = bundled_dir("transcripts")
    report = ingest(ctx.project, [study / "interviews"],
                    IngestOptions(attributes_csv=study / "attributes.csv"))
    if report.failures:
        raise PartialFailureError(f"{len(report.failures)} bundled interviews could not be "
                                  "ingested; this installation is damaged",
                                  details=[f"{f.path.name}: {f.error}" for f in
                                           report.failures],
                                  hint="reinstall qcode: pip install --force-reinstall qcode")
    result.documents = len(ctx.project.document_ids())


def _coders(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    project = ctx.project
    apply_sample_coders(project, bundled_dir("transcripts") / "coders")
    for coder in SAMPLE_CODERS:
        result.codings[coder] = len(current_codings(project, coder))


def _agreement(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    rep = agreement_for_project(ctx.project, coders=list(SAMPLE_CODERS), by="theme",
                                n_boot=200, seed=2017)
    result.masi_alpha = rep.masi_alpha.value
    for row in rep.rows:
        alpha = next((c.value for c in row.coefficients if c.name == "krippendorff_alpha"),
                     None)
        result.agreement_by_theme.append((row.label, alpha))
    path = root / "output" / "agreement.json"
    _write_json(path, project_json(rep))
    result.files["agreement per theme, with bootstrap intervals"] = path


def _reconcile(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    run = reconcile(ctx.project, list(SAMPLE_CODERS), CONSENSUS, STRATEGY, by="qcode demo",
                    rationale=RATIONALE)
    result.decisions = dict(run.by_outcome)
    result.codings[CONSENSUS] = len(current_codings(ctx.project, CONSENSUS))
    result.files["every reconciliation decision, one JSON line each"] = \
        ctx.project.reconciliations_dir / f"{CONSENSUS}.jsonl"


def _registry(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    try:
        source = registry.bundled_registry()
    except NotFoundError:
        result.notes.append("no bundled registry data: the joint display was left out")
        return
    registry.store(ctx.project.root, registry.read(source))
    ctx.registry = True


def _matrix(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    corpus = load_corpus(ctx.project, CONSENSUS)
    ctx.corpus = corpus
    m = crosstab(corpus)
    result.matrix = m
    out = root / "output"
    _write(out / "matrix.md", matrix_markdown(m))
    _write(out / "matrix.svg", matrix_svg(m))
    _write_json(out / "matrix.json", m.as_dict())
    parts = split_matrices(corpus, "stakeholder_level", percent="col")
    _write_json(out / "matrix-by-stakeholder-level.json",
                {"split_by": "stakeholder_level",
                 "splits": {v: pm.as_dict() for v, pm in parts}})
    result.files["theme x level matrix (also matrix.json)"] = out / "matrix.md"
    result.files["the matrix as a heatmap (opens in a browser or Word)"] = out / "matrix.svg"
    result.files["matrices by stakeholder level, column percentages"] = \
        out / "matrix-by-stakeholder-level.json"


def _cooccur(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    out = root / "output"
    co = cooccurrence(ctx.corpus, by="cell")
    result.top_pairs = co.pairs()[:3]
    _write_json(out / "cooccur-cells.json", co.as_dict())
    _write(out / "cooccur-cells.svg",
           heatmap_svg(co.items, co.items, co.counts, title="Theme x level cells on the same "
                       "segment (consensus)", row_axis="cell", col_axis="cell"))
    codes = cooccurrence(ctx.corpus, by="code", window=1)
    _write_json(out / "cooccur-codes-window1.json", codes.as_dict())
    result.files["theme x level cells on the same segment, with Jaccard"] = \
        out / "cooccur-cells.json"
    result.files["the same as a heatmap"] = out / "cooccur-cells.svg"
    result.files["codes within 1 segment of each other"] = out / "cooccur-codes-window1.json"


def _reports(root: Path, result: DemoResult, ctx: _Context, date: str | None) -> None:
    joint_by = "region" if ctx.registry else None
    content = build_report(ctx.project, coder=CONSENSUS, date=date, joint_by=joint_by)
    out = root / "output"
    for kind, label in (("md", "the report in Markdown"),
                        ("html", "the report as one HTML file: open it in a browser"),
                        ("docx", "the report for Word")):
        data = render_report(content, kind)
        path = out / f"report.{kind}"
        if isinstance(data, bytes):
            _write_bytes(path, data)
        else:
            _write(path, data)
        result.files[label] = path
    if joint_by is not None:
        result.notes.append("the reports include a joint display by region (fictional "
                            "registry figures beside the interviews)")
    _write(out / "methods.md", methods_markdown(methods_text(gather(ctx.project))))
    result.files["the methods paragraph, table and references (qcode methods)"] = \
        out / "methods.md"


_STEP_FUNCS: dict[str, Callable[[Path, DemoResult, _Context, str | None], None]] = {
    "init": _init, "ingest": _ingest, "coders": _coders, "agreement": _agreement,
    "reconcile": _reconcile, "registry": _registry, "matrix": _matrix, "cooccur": _cooccur,
    "reports": _reports,
}


def _write(path: Path, text: str) -> None:
    atomic.write_text(path, text)


def _write_bytes(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)


def _write_json(path: Path, data: Any) -> None:
    _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
