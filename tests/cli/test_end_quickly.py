"""The console script ends a finished command with os._exit (qcode/cli/entry.py:
end_quickly), skipping the teardown of every object: the output is still all there, the
exit code is the command's, and where something is left for Python's own ending (another
thread, a string exit code) it ends as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qcode.cli.entry import end_quickly
from qcode.demo import run_demo
from tests.builders import ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("end") / "demo"
    run_demo(root)
    return root


#: output buffered as a user's shell has it (this machine's environment may set
#: PYTHONUNBUFFERED, which would hide a missing flush)
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _qcode(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "qcode", *args], cwd=ROOT, env=BUFFERED,
                          capture_output=True, timeout=120, check=False)


def test_the_whole_output_is_written_before_the_quick_end(demo: Path) -> None:
    done = _qcode("--project", str(demo), "diff", "--coder", "ingrid,lars", "--format", "json",
                  "--all-docs")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 8192  # more than one buffer: flushed, not lost
    assert json.loads(done.stdout)["schema_version"]


def test_the_exit_code_and_the_error_line_are_the_command_s(demo: Path) -> None:
    done = _qcode("--project", str(demo), "diff", "--coder", "nobody,lars")
    assert done.returncode == 5
    assert done.stderr.decode().startswith("Error: no coder 'nobody' in this project")


def test_it_leaves_the_ending_to_python_when_something_is_left() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        end_quickly(0)  # another thread still runs: returns instead of ending
    finally:
        release.set()
        other.join()
    end_quickly("a message")  # a string code is Python's to print: returns


def test_what_is_still_buffered_is_flushed_and_the_code_kept() -> None:
    script = ("import sys\nfrom qcode.cli.entry import end_quickly\n"
              "sys.stdout.write('out ' * 100)\nsys.stderr.write('err')\n"
              "end_quickly(3)\nprint('not reached')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=BUFFERED,
                          capture_output=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, b"out " * 100, b"err")


def test_a_profiled_run_ends_the_usual_way(tmp_path: Path) -> None:
    """cProfile (as coverage) writes its data when Python ends: that ending is kept."""
    out = tmp_path / "run.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "qcode",
                           "matrix", "--help"], cwd=ROOT, env=BUFFERED,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
