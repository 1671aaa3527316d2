"""QA: ``qcode import qdpx`` into an existing project survives a real SIGKILL at every write
boundary and at random moments (running the import again completes it), keeps the coders'
completion marks across a round trip (so ``qcode agree`` works on the imported project), and
does not duplicate renamed codes when a file is imported twice."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from qcode.coding.store import add_codes, coder_names, load_state, mark_done, set_memo
from qcode.errors import ExitCode
from qcode.models import Code
from qcode.project import Project, init_project, open_project
from qcode.refiqda import import_write
from qcode.refiqda.codebook_yaml import dump
from qcode.refiqda.exporter import export_qdpx
from qcode.refiqda.importer import import_qdpx
from tests.builders import DATA, numbered_doc

pytestmark = pytest.mark.slow  # real kills of real processes; .ci/run runs them too


def _source_project(root: Path) -> Project:
    """Three documents, two coders (one memo each), every document marked complete, and a
    codebook with one code the target project does not have and one id clash."""
    base = init_project(root / "base")
    cb = base.codebook
    extra = Code(id="GOV-MAC-99", name="Hospital mergers", theme="GOV", level="macro")
    clash = Code(id="ORG-MIC-01", name="Something else entirely", theme="ORG", level="micro")
    kept = tuple(c for c in cb.codes if c.id != "ORG-MIC-01")
    cb_file = root / "other.yaml"
    cb_file.write_text(dump(cb.model_copy(update={"codes": (*kept, extra, clash)})),
                       encoding="utf-8")
    src = init_project(root / "src", codebook=cb_file)
    for i, doc_id in enumerate(["K1", "K2", "K3"]):
        doc = numbered_doc(doc_id, 12 + i)
        src.save_document(doc)
        for coder, codes in (("ann", ["GOV-MAC-99", "ECO-MAC-01"]), ("bob", ["ORG-MIC-01"])):
            add_codes(src, coder, doc, [s.id for s in doc.segments[i::3]], codes)
            set_memo(src, coder, doc, doc.segments[0].id, f"memo by {coder}")
            mark_done(src, coder, doc_id)
    return src


def _snapshot(p: Project) -> tuple:
    p = open_project(p.root)
    docs = tuple(p.load_document(i) for i in p.document_ids())
    states = []
    for c in coder_names(p):
        st = load_state(p, c)
        assert st.problems == []
        states.append((c, {k: sorted(v) for k, v in st.codes.items()}, st.memos,
                       sorted(st.done)))
    return p.codebook.model_dump(), docs, tuple(states)


@pytest.fixture
def qdpx(tmp_path: Path) -> Path:
    path = tmp_path / "colleague.qdpx"
    export_qdpx(_source_project(tmp_path), path)
    return path


def _target(root: Path) -> Project:
    p = init_project(root)
    doc = numbered_doc("T1", 5)
    p.save_document(doc)
    add_codes(p, "ann", doc, ["T1:0001"], ["ECO-MIC-01"])
    return p


def _kill_after(n_writes: int, target: Path, qdpx: Path) -> int:
    """Run the import in a child process that SIGKILLs itself right after its n-th write
    (the marker, each document, the codebook backup, the codebook, each coder's append)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            from qcode._io import atomic

            count = [0]

            def counted(fn):  # type: ignore[no-untyped-def]
                def wrapper(*a, **k):  # type: ignore[no-untyped-def]
                    out = fn(*a, **k)
                    if a and isinstance(a[0], Path) and a[0].name.endswith(".seen"):
                        return out  # a machine-local record of what was read, not the import's
                    count[0] += 1
                    if count[0] == n_writes:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return out
                return wrapper

            atomic.write_bytes = counted(atomic.write_bytes)
            # where it is used: import_write imports append_events by name
            import_write.append_events = counted(import_write.append_events)
            import_qdpx(qdpx, project=open_project(target))
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return status


def test_clean_import_writes_marker_last_removed(tmp_path: Path, qdpx: Path) -> None:
    target = _target(tmp_path / "clean")
    report = import_qdpx(qdpx, project=target)
    assert report.written and not (target.root / import_write.MARKER).exists()
    assert report.taken["completion_marks"] == 6


def test_sigkill_at_every_write_then_rerun_equals_a_clean_import(
        tmp_path: Path, qdpx: Path) -> None:
    clean = _target(tmp_path / "clean")
    import_qdpx(qdpx, project=clean)
    want = _snapshot(clean)
    # marker + 3 documents + codebook backup + codebook + 2 coder appends = 8 writes
    for n in range(1, 9):
        target = _target(tmp_path / f"killed-{n}")
        status = _kill_after(n, target.root, qdpx)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, n
        _snapshot(target)  # readable: every file whole, every log line good
        assert (target.root / import_write.MARKER).exists(), n
        report = import_qdpx(qdpx, project=open_project(target.root))
        assert report.notes[0].startswith("an earlier import of this file was interrupted"), n
        assert _snapshot(target) == want, n
        assert not (target.root / import_write.MARKER).exists()
    # killed after its last write, the marker stays: the rerun has nothing left to do
    assert "nothing new to import" in report.notes


def test_sigkill_at_random_moments_then_rerun_equals_a_clean_import(
        tmp_path: Path, qdpx: Path) -> None:
    clean = _target(tmp_path / "clean")
    import_qdpx(qdpx, project=clean)
    want = _snapshot(clean)
    rng = random.Random(20261125)
    for n in range(8):
        target = _target(tmp_path / f"random-{n}")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                import_qdpx(qdpx, project=open_project(target.root))
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, 0.15))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        _snapshot(target)
        import_qdpx(qdpx, project=open_project(target.root))
        assert _snapshot(target) == want, n


def test_another_file_is_refused_while_an_import_is_unfinished(
        invoke, tmp_path: Path, qdpx: Path) -> None:  # type: ignore[no-untyped-def]
    target = _target(tmp_path / "t")
    _kill_after(2, target.root, qdpx)
    other = tmp_path / "other.qdpx"
    export_qdpx(_target(tmp_path / "o"), other)
    r = invoke("--project", str(target.root), "import", "qdpx", str(other))
    assert r.exit_code == ExitCode.CONFLICT
    marker = target.root / import_write.MARKER
    assert r.stderr == (
        f"Error: an import of {qdpx.resolve()} into this project was interrupted (marker "
        f"{marker}); nothing was imported\n"
        f"Hint: complete it first with: qcode import qdpx {qdpx.resolve()} (or delete the "
        "marker to give it up; what it wrote so far stays)\n")
    r = invoke("--project", str(target.root), "import", "qdpx", str(other), "--dry-run")
    assert r.exit_code == 0  # a dry run still reports, and says what blocks the import
    assert r.stderr.startswith(
        f"Note: an import of {qdpx.resolve()} into this project was interrupted (marker "
        f"{marker}): complete it before importing this file\n")
    r = invoke("--project", str(target.root), "import", "qdpx", str(qdpx))
    assert r.exit_code == 0
    assert "Note: an earlier import of this file was interrupted; this run completes it " \
           "(what it had written is kept, nothing is written twice)\n" in r.stderr
    assert not marker.exists()


def test_round_trip_keeps_completion_marks_so_agree_works(
        invoke, tmp_path: Path, qdpx: Path) -> None:  # type: ignore[no-untyped-def]
    src = open_project(tmp_path / "src")
    into = tmp_path / "copy"
    r = invoke("import", "qdpx", str(qdpx), "--into", str(into))
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0].endswith(
        "3 documents, 40 codes, 2 coders, 14 selections, 36 codings, 6 memos, "
        "6 completion marks")
    for coder in ("ann", "bob"):
        assert load_state(open_project(into), coder).done == {"K1", "K2", "K3"}
    args = ["agree", "--format", "json", "--bootstrap", "0"]
    a = invoke("--project", str(src.root), *args)
    b = invoke("--project", str(into), *args)
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout


def test_importing_twice_does_not_duplicate_a_renamed_code(tmp_path: Path,
                                                           qdpx: Path) -> None:
    target = _target(tmp_path / "t")
    first = import_qdpx(qdpx, project=target)
    assert "code 'Something else entirely' is imported as ORG-MIC-01-2" in first.notes[0]
    after_first = _snapshot(target)
    second = import_qdpx(qdpx, project=open_project(target.root))
    assert second.notes == ["nothing new to import"]
    assert _snapshot(target) == after_first
    ids = [c.id for c in open_project(target.root).codebook.codes]
    assert ids.count("ORG-MIC-01-2") == 1 and "ORG-MIC-01-3" not in ids


NVIVO = DATA / "refiqda" / "nvivo-mac-15-project.qde"


def test_into_with_every_code_dropped_is_refused(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A --map-levels naming no node of the tree made a project with no codes (exit 0)."""
    into = tmp_path / "new"
    r = invoke("import", "qdpx", str(NVIVO), "--into", str(into), "--map-levels",
               "Macro=macro")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (
        f"Error: {NVIVO}: none of its codes could be imported, so the new project would have "
        "an empty codebook; nothing was written\n"
        "  259 x code: not under a level node named in --map-levels\n"
        "  2 x source: missing text: its text file is not beside the .qde (nor in its "
        "sources folder)\n"
        "Hint: see why with --dry-run; for a code tree without levels, name its level nodes "
        "with --map-levels, or leave --map-levels out\n")
    assert not into.exists()
    assert not list(tmp_path.glob(".new.importing-*"))


def test_a_new_project_has_no_before_import_copy(invoke, tmp_path: Path, qdpx: Path) -> None:  # type: ignore[no-untyped-def]
    into = tmp_path / "new"
    assert invoke("import", "qdpx", str(qdpx), "--into", str(into)).exit_code == 0
    assert not list(into.glob("codebook.before-import-*"))
    assert len(open_project(into).codebook.codes) == 40
