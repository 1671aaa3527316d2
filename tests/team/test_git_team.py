"""A team over real git: a bare remote, a lead and coders in their own clones, one coder on
two machines under one name; every pull merges by itself and every clone ends with the same
codings, agreement and consensus (README "Working as a team")."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store
from qcode.project import Project, init_project
from tests.builders import ROOT, numbered_doc

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")]

A, B, C = "GOV-MAC-01", "GOV-MAC-02", "GOV-MAC-03"
DOCS = ("D01", "D02", "D03", "D04")


class Team:
    """A bare remote and clones of it, each a machine with its own git identity."""

    def __init__(self, root: Path, invoke: Callable[..., Any]) -> None:
        self.root = root
        self.invoke = invoke
        self.env = {**os.environ, "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        self.remote = root / "remote.git"
        self.git(root, "init", "-q", "--bare", str(self.remote))
        self.git(self.remote, "symbolic-ref", "HEAD", "refs/heads/main")

    def git(self, where: Path, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=where, env=self.env, capture_output=True,
                              text=True)
        assert done.returncode == 0, f"git {' '.join(args)} in {where.name}: {done.stderr}"
        return done.stdout

    def clone(self, name: str, *, rebase: bool = False) -> Path:
        where = self.root / name
        self.git(self.root, "clone", "-q", str(self.remote), name)
        for key, value in (("user.name", name), ("user.email", f"{name}@example.org"),
                           ("pull.rebase", "true" if rebase else "false")):
            self.git(where, "config", key, value)
        return where

    def qcode(self, where: Path, *args: str) -> str:
        result = self.invoke("--project", str(where), *args)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    def commit_own(self, where: Path, message: str) -> None:
        """What the README tells a coder: add your own files, commit."""
        self.git(where, "add", "codings")
        self.git(where, "commit", "-q", "-m", message)

    def sync(self, where: Path) -> None:
        """git pull, then git push: no step may need a hand."""
        self.git(where, "pull", "-q")
        assert not self.conflicted(where)
        self.git(where, "push", "-q", "origin", "HEAD:main")

    def conflicted(self, where: Path) -> list[str]:
        return [line for line in self.git(where, "status", "--porcelain").splitlines()
                if line[:2] in ("UU", "AA", "DU", "UD")]


def _setup(tmp_path: Path, invoke: Callable[..., Any]) -> tuple[Team, Path]:
    team = Team(tmp_path, invoke)
    lead = team.clone("lead")
    project = init_project(lead, name="study")
    for d in DOCS:
        project.save_document(numbered_doc(d, 6))
    assert (lead / ".gitattributes").read_text().count("merge=union") == 5
    team.git(lead, "add", "-A")
    team.git(lead, "commit", "-q", "-m", "project and transcripts")
    team.git(lead, "push", "-q", "origin", "HEAD:main")
    return team, lead


def _code(where: Path, coder: str, doc: str, seg: int, codes: list[str]) -> None:
    project = Project(where)
    store.add_codes(project, coder, project.load_document(doc), [f"{doc}:{seg:04d}"], codes)


def _uncode(where: Path, coder: str, doc: str, seg: int, codes: list[str]) -> None:
    project = Project(where)
    store.remove_codes(project, coder, project.load_document(doc), [f"{doc}:{seg:04d}"], codes)


def _view(team: Team, where: Path, coders: tuple[str, ...]) -> dict[str, Any]:
    """What a clone makes of the project: each coder's codings (codebook changes applied),
    agreement and the git state."""
    out: dict[str, Any] = {}
    for coder in coders:
        out[coder] = sorted(team.qcode(where, "codings", "export", "--coder", coder,
                                       "--format", "jsonl").splitlines())
    out["agree"] = json.loads(team.qcode(where, "agree", "--coder", "ana,bo", "--seed", "7",
                                         "--format", "json"))
    return out


def _raw(where: Path, coder: str) -> set[tuple[str, str, str]]:
    return {(c.doc, c.segment, c.code) for c in store.current_codings(Project(where), coder)}


def test_a_team_over_git_needs_no_hand(tmp_path: Path, invoke: Callable[..., Any]) -> None:
    team, lead = _setup(tmp_path, invoke)
    ana = team.clone("ana")
    bo1 = team.clone("bo1")
    bo2 = team.clone("bo2", rebase=True)  # bo's second machine, pulling with rebase

    # round 1, in parallel: the same document (D01) and different ones
    _code(ana, "ana", "D01", 1, [A])
    _code(ana, "ana", "D01", 2, [B])
    _code(ana, "ana", "D02", 1, [A, C])
    _uncode(ana, "ana", "D02", 1, [C])
    _code(bo1, "bo", "D01", 1, [A])
    _code(bo1, "bo", "D01", 2, [C])
    _code(bo1, "bo", "D03", 4, [B])
    _code(bo2, "bo", "D02", 1, [A])
    _code(bo2, "bo", "D02", 3, [B])
    _code(bo2, "bo", "D04", 6, [C])
    store.undo_last(Project(bo2), "bo")  # takes back D04:0006 on bo2 only
    for where, coder in ((ana, "ana"), (bo1, "bo"), (bo2, "bo")):
        team.commit_own(where, f"{coder}: first codings")
    team.sync(ana)   # ana first,
    team.sync(bo1)   # then bo's first machine (a merge),
    team.sync(bo2)   # then bo's second machine (a rebase; bo.jsonl added on both sides)

    # round 2, the other order: bo1 takes off a coding bo2 made; ana codes on
    team.git(bo1, "pull", "-q")
    assert _raw(bo1, "bo") >= {("D02", "D02:0001", A), ("D01", "D01:0001", A)}
    _uncode(bo1, "bo", "D02", 3, [B])
    _code(bo1, "bo", "D02", 2, [A])
    store.mark_done(Project(bo1), "bo", "D01")
    _code(bo2, "bo", "D02", 5, [C])  # bo2 has not pulled bo1's removal yet
    store.mark_done(Project(bo2), "bo", "D02")
    _code(ana, "ana", "D02", 2, [A])
    for d in ("D01", "D02"):
        store.mark_done(Project(ana), "ana", d)
    team.commit_own(bo1, "bo: round 2 (desk)")
    team.commit_own(bo2, "bo: round 2 (laptop)")
    team.commit_own(ana, "ana: round 2")
    team.sync(bo1)
    team.sync(ana)
    team.sync(bo2)

    # the lead adds and renames codes, reconciles, pushes; ana codes with the old id
    team.git(lead, "pull", "-q")
    team.qcode(lead, "codebook", "add", "Shared platforms", "-t", "GOV", "-l", "macro")
    team.qcode(lead, "codebook", "rename", B, "--id", "GOV-MAC-20")
    team.qcode(lead, "reconcile", "--coder", "ana,bo", "--as", "consensus",
               "--strategy", "union")
    team.git(lead, "add", "-A")
    team.git(lead, "commit", "-q", "-m", "codebook: add, rename; reconcile")
    team.git(lead, "push", "-q", "origin", "HEAD:main")
    _code(ana, "ana", "D03", 4, [B])  # not pulled yet: the old id
    team.commit_own(ana, "ana: D03")
    team.sync(ana)

    for where in (lead, ana, bo1, bo2):
        team.git(where, "pull", "-q")
        assert not team.conflicted(where)
        assert team.git(where, "status", "--porcelain", "--untracked-files=no") == ""
        assert b"<<<<<<<" not in (where / "codings" / "bo.jsonl").read_bytes()

    # nothing lost, nothing twice: exactly what each machine did
    expect_ana = {("D01", "D01:0001", A), ("D01", "D01:0002", B), ("D02", "D02:0001", A),
                  ("D02", "D02:0002", A), ("D03", "D03:0004", B)}
    expect_bo = {("D01", "D01:0001", A), ("D01", "D01:0002", C), ("D03", "D03:0004", B),
                 ("D02", "D02:0001", A), ("D02", "D02:0002", A), ("D02", "D02:0005", C)}
    views = []
    for where in (lead, ana, bo1, bo2):
        assert _raw(where, "ana") == expect_ana
        assert _raw(where, "bo") == expect_bo
        st = store.load_state(Project(where), "bo")
        assert st.done == {"D01", "D02"} and not st.problems and st.not_append is None
        views.append(_view(team, where, ("ana", "bo", "consensus")))
    assert all(v == views[0] for v in views[1:])
    assert any('"GOV-MAC-20"' in line for line in views[0]["ana"])  # the rename applied
    assert views[0]["consensus"]  # the lead's consensus reached every clone
    status = json.loads(team.qcode(bo2, "status", "--format", "json"))
    assert status["log_problems"] == [] and any(c["coder"] == "consensus"
                                                for c in status["coders"])


CODER_LOOP = """
import sys
from qcode.coding import store
from qcode.project import Project
project = Project(sys.argv[1])
docs = {d: project.load_document(d) for d in ("D01", "D02", "D03", "D04")}
codes = ["GOV-MAC-01", "GOV-MAC-02", "GOV-MAC-03"]
i = 0
while True:
    d = ("D01", "D02", "D03", "D04")[i % 4]
    seg, code = f"{d}:{(i // 4) % 6 + 1:04d}", codes[(i // 24) % 3]
    store.add_codes(project, "bo", docs[d], [seg], [code])
    print(f"ok {d} {seg} {code}", flush=True)
    i += 1
"""


def test_a_coder_killed_mid_session_then_pulls(tmp_path: Path,
                                               invoke: Callable[..., Any]) -> None:
    team, lead = _setup(tmp_path, invoke)
    ana = team.clone("ana")
    bo = team.clone("bo")
    _code(ana, "ana", "D01", 1, [A])
    store.mark_done(Project(ana), "ana", "D01")
    team.commit_own(ana, "ana")
    team.sync(ana)

    proc = subprocess.Popen([sys.executable, "-c", CODER_LOOP, str(bo)], cwd=bo,
                            stdout=subprocess.PIPE, text=True,
                            env={**team.env, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    confirmed = set()
    deadline = time.monotonic() + 120
    while len(confirmed) < 30 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("ok "):
            _, d, seg, code = line.split()
            confirmed.add((d, seg, code))
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the session, maybe mid-write
    proc.wait()
    for line in proc.stdout:  # confirmed before the kill landed
        if line.startswith("ok "):
            _, d, seg, code = line.split()
            confirmed.add((d, seg, code))
    assert len(confirmed) >= 30

    team.commit_own(bo, "bo: killed session")
    team.sync(bo)  # a pull right after the kill
    _code(bo, "bo", "D04", 6, [C])  # and coding goes on (a torn line is closed first)
    store.mark_done(Project(bo), "bo", "D01")
    team.commit_own(bo, "bo: after the kill")
    team.sync(bo)
    for where in (ana, lead, bo):
        team.git(where, "pull", "-q")
    got = [_raw(where, "bo") for where in (lead, ana, bo)]
    assert got[0] == got[1] == got[2]
    assert confirmed | {("D04", "D04:0006", C)} <= got[0]  # every confirmed action kept
    assert len(got[0] - confirmed) <= 2  # at most the one being written, and the last
    assert _view(team, lead, ("ana", "bo")) == _view(team, ana, ("ana", "bo")) \
        == _view(team, bo, ("ana", "bo"))


def test_a_project_without_the_attributes_gets_conflicts_check_fix_settles(
        tmp_path: Path, invoke: Callable[..., Any]) -> None:
    # a project made before qcode wrote .gitattributes: git leaves conflict markers
    team, lead = _setup(tmp_path, invoke)
    team.git(lead, "rm", "-q", ".gitattributes")
    team.git(lead, "commit", "-q", "-m", "an older project")
    team.git(lead, "push", "-q", "origin", "HEAD:main")
    bo1 = team.clone("bo1")
    bo2 = team.clone("bo2")
    _code(bo1, "bo", "D01", 1, [A])
    team.commit_own(bo1, "bo")
    team.sync(bo1)
    team.git(bo2, "pull", "-q")
    _code(bo2, "bo", "D01", 2, [B])
    _code(bo1, "bo", "D01", 3, [C])
    team.commit_own(bo1, "desk")
    team.sync(bo1)
    team.commit_own(bo2, "laptop")
    pulled = subprocess.run(["git", "pull", "-q"], cwd=bo2, env=team.env, capture_output=True,
                            text=True)
    assert pulled.returncode != 0 and team.conflicted(bo2) == ["UU codings/bo.jsonl"]
    assert _raw(bo2, "bo") == {("D01", "D01:0001", A)}  # read up to the markers
    r = invoke("--project", str(bo2), "check", "--fix")
    assert "Fixed: kept both sides of the git conflict in codings/bo.jsonl" in r.stdout
    assert "Fixed: declared qcode's append-only logs to git's union merge" in r.stdout
    team.git(bo2, "add", "codings/bo.jsonl", ".gitattributes")
    team.git(bo2, "commit", "-q", "--no-edit")
    team.sync(bo2)
    team.git(bo1, "pull", "-q")
    expect = {("D01", "D01:0001", A), ("D01", "D01:0002", B), ("D01", "D01:0003", C)}
    assert _raw(bo1, "bo") == _raw(bo2, "bo") == expect
