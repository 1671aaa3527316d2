"""Builders for the replace tests: a transcript, two corrected versions of it, coded
projects, forked children that run the CLI, and the checks every test makes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from typer.testing import CliRunner

from qcode.cli.app import app
from qcode.coding import store as codings
from qcode.ingest.run import IngestOptions, ingest
from qcode.project import Project, init_project, open_project

CODERS = ("ana", "ben", "cai")
CODES = ("ECO-MES-02", "GOV-MAC-01", "GOV-MAC-02")
DOC = "N01"

Coding = tuple[str, str, str, int, int, str]  # coder, segment, code, start, end, quote


TOPICS = ("budgets", "rural access", "nurses", "broadband", "privacy law", "training",
          "waiting lists", "video quality", "consent forms", "the pilot", "hospital boards",
          "patients abroad", "home visits", "procurement")


def _said(i: int) -> str:
    """Turns unlike each other, so re-anchoring has one right answer for each."""
    topic = TOPICS[i]
    weeks = " ".join(f"In week {j} the {topic} group met {j + i} times." for j in range(60))
    return (f"{topic.capitalize()} came up in answer {i}. It was slow at first; "
            f"{topic} {'mattered' if i % 2 else 'was a worry'} for {i + 2} of us. {weeks}")


def transcript(turns: list[str]) -> str:
    """Alternating speakers, one blank line between turns."""
    return "\n\n".join(f"{'Interviewer' if k % 2 == 0 else 'Respondent'}: {t}"
                       for k, t in enumerate(turns)) + "\n"


ORIGINAL = [_said(i) for i in range(14)]
#: a welcome turn in front (every offset moves) and one corrected word
VERSION_A = ["Welcome, and thank you.", *ORIGINAL[:5],
             ORIGINAL[5].replace("slow", "sluggish"), *ORIGINAL[6:]]
#: a question added in the middle, one new turn at the end, another corrected word
VERSION_B = [*ORIGINAL[:4], "Could you say more about that?", *ORIGINAL[4:9],
             ORIGINAL[9].replace("first", "the start"), *ORIGINAL[10:],
             "Thank you for your time."]


def write(path: Path, turns: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(transcript(turns), encoding="utf-8")
    return path


def coded_project(root: Path, source: Path) -> Project:
    """A project with N01 from ``source`` and 30 codings of three coders on it, each coder
    done with it."""
    project = init_project(root)
    options = IngestOptions(doc_id=DOC)
    assert not ingest(project, [source], options).failures
    doc = project.load_document(DOC)
    for c, coder in enumerate(CODERS):
        segs = [s.id for k, s in enumerate(doc.segments) if (k + c) % 7 != 0][:10]
        codings.add_codes(project, coder, doc, segs, [CODES[c]])
        codings.mark_done(project, coder, DOC)
    return project


def snapshot(project: Project) -> tuple[str, frozenset[Coding]]:
    """(the document's text, every coding on it) as they are on disk now."""
    project = open_project(project.root)
    text = project.load_document(DOC).text
    found: set[Coding] = set()
    for coder in codings.coder_names(project):
        state = codings.load_state(project, coder)
        for (doc, seg), by_code in state.codes.items():
            if doc == DOC:
                found.update((coder, seg, code, ev["start"], ev["end"], ev["quote"])
                             for code, ev in by_code.items())
    return text, frozenset(found)


def assert_anchored(project: Project, count: int | None = None) -> frozenset[Coding]:
    """Every coding quotes the text at its offsets, within its segment; ``count`` of them."""
    text, found = snapshot(project)
    doc = open_project(project.root).load_document(DOC)
    for coder, seg, code, start, end, quote in found:
        segment = doc.segment(seg)
        assert segment is not None, (coder, seg, code)
        assert text[start:end] == quote, (coder, seg, code)
        assert (segment.start, segment.end) == (start, end), (coder, seg, code)
    if count is not None:
        assert len(found) == count
    return found


def fork_cli(args: list[str], go_fd: int, delay: float = 0.0) -> int:
    """A child process that waits for a byte on ``go_fd`` (then ``delay`` seconds), runs
    ``qcode ARGS`` in-process and exits with its exit code (its stderr goes to ours)."""
    pid = os.fork()
    if pid:
        return pid
    code = 70  # pragma: no cover - the child
    try:  # pragma: no cover
        os.environ.pop("QCODE_PROJECT", None)
        os.read(go_fd, 1)
        time.sleep(delay)
        result = CliRunner().invoke(app, args)
        code = result.exit_code if isinstance(result.exit_code, int) else 70
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            code = 71
        os.write(2, (result.stderr or "")[:400].encode())
    finally:  # pragma: no cover
        os._exit(code)


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
