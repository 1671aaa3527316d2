"""kill -9 of the real app in a terminal (tmux): every action the screen showed as done is in
the coder's log, and the app opens again where it was left."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.project import open_project
from tests.builders import ROOT
from tests.cli.tui.helpers import codes_now, log_events, make_project

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]


class Terminal:
    """One tmux server of our own (its own socket), one window running ``qcode code``."""

    def __init__(self, socket: str, root: Path, pidfile: Path) -> None:
        self.socket, self.root, self.pidfile = socket, root, pidfile

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True).stdout

    def start(self) -> None:
        self.pidfile.unlink(missing_ok=True)
        qcode = (f"{shlex.quote(sys.executable)} -m qcode --project "
                 f"{shlex.quote(str(self.root))} code T01 --coder ingrid")
        script = f"echo $$ > {shlex.quote(str(self.pidfile))}; exec {qcode}"
        self.tmux("new-session", "-d", "-s", "app", "-x", "120", "-y", "36",
                  "-e", "TERM=xterm-256color", "-e", f"PYTHONPATH={ROOT}",
                  "sh", "-c", script)
        self.wait_for("On this turn")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"the screen never showed {text!r}:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def kill9(self) -> None:
        os.kill(int(self.pidfile.read_text()), signal.SIGKILL)
        end = time.monotonic() + 10
        while time.monotonic() < end and subprocess.run(  # the window closes with it
                ["tmux", "-L", self.socket, "has-session", "-t", "app"],
                capture_output=True).returncode == 0:
            time.sleep(0.05)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    project = make_project(tmp_path)
    term = Terminal(f"qcode-test-{os.getpid()}", project.root, tmp_path / "pid")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_kill_9_loses_no_action_the_screen_showed(terminal: Terminal) -> None:
    project = open_project(terminal.root)
    terminal.start()
    terminal.keys("j", "1")
    terminal.wait_for("+ GOV-MAC-02 on T01:0002")
    terminal.keys("m")
    terminal.wait_for("Memo on T01:0002")
    terminal.keys("-l", "kept after a kill")
    terminal.keys("Enter")
    terminal.wait_for("Memo saved.")
    terminal.keys("j", "j", "right", "S-Right", "S-Right", "2")
    shown = terminal.wait_for(" on 2 words of T01:0004")
    terminal.kill9()  # the moment the screen showed it

    found = re.search(r"\+ (\S+) on 2 words of T01:0004", shown)
    assert found is not None
    code4 = found[1]
    assert codes_now(project) == {"T01:0002": ["GOV-MAC-02"], "T01:0004": [code4]}
    last = log_events(project)[-1]
    assert (last["code"], last["quote"]) == (code4, "nobody knew")
    assert codings.load_state(project, "ingrid").memo_on("T01", "T01:0002") == \
        "kept after a kill"

    # again: it opens where it was left; an undo shown is an undo kept
    terminal.start()
    assert "turn 4/6" in terminal.screen()
    terminal.keys("u")
    terminal.wait_for(f"Undone: add {code4}.")
    terminal.kill9()
    assert codes_now(project) == {"T01:0002": ["GOV-MAC-02"]}
    assert [e["op"] for e in log_events(project)] == ["add", "memo", "add", "undo"]
