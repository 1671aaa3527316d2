"""Builders shared by the tests: small documents and projects made without the ingest
pipeline, and the paths of the test data. Fixtures that use them are in conftest.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qcode.coding import stamped
from qcode.coding import store as codings
from qcode.models import Document, Segment, Turn
from qcode.project import Project, init_project

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent
CODERS3 = ["ingrid", "lars", "maja"]


def make_doc(doc_id: str, turns: list[tuple[str, str]], *, step: float = 10.0) -> Document:
    """A document with one segment per turn (joined by blank lines), times every ``step`` s."""
    text_parts: list[str] = []
    turn_recs: list[Turn] = []
    segs: list[Segment] = []
    pos = 0
    for i, (speaker, said) in enumerate(turns):
        if i:
            text_parts.append("\n\n")
            pos += 2
        start, end = pos, pos + len(said)
        text_parts.append(said)
        pos = end
        t0, t1 = i * step, (i + 1) * step
        turn_recs.append(Turn(speaker=speaker, start=start, end=end, time_start=t0, time_end=t1))
        segs.append(Segment(id=f"{doc_id}:{i + 1:04d}", start=start, end=end, speaker=speaker,
                            turn=i, time_start=t0, time_end=t1))
    return Document(id=doc_id, title=doc_id, format="text", text="".join(text_parts),
                    turns=tuple(turn_recs), segments=tuple(segs))


def numbered_doc(doc_id: str, n: int) -> Document:
    """``n`` alternating interviewer / respondent turns of distinct text."""
    return make_doc(doc_id, [("Interviewer" if i % 2 == 0 else "Respondent",
                              f"Turn number {i + 1} of {doc_id}, about the video clinic.")
                             for i in range(n)])


INTERVIEW = [
    ("Interviewer", "How is telemedicine steered in your region?"),
    ("Respondent", "Well, the regional health authority sets the target in the "
                   "oppdragsdokument every January, and the RHF follows it up in the owner "
                   "meeting."),
    ("Interviewer", "And registration of the consultations?"),
    ("Respondent", "Honestly, nobody knew how to register a video consultation, and the takst "
                   "for video was lower, so the ISF income dropped."),
    ("Interviewer", "Who pushed it locally?"),
    ("Respondent", "Our clinic leader made it a priority, and it’s the only way it survived "
                   "the budget cuts and the deficit."),
]


def interview(doc_id: str = "T01") -> Document:
    """A short interview about telemedicine (keywords for several codes)."""
    return make_doc(doc_id, INTERVIEW)


def build_known(root: Path, coders: tuple[str, ...] = ("ana",), done: bool = False) -> Project:
    """Create the known project under ``root`` with the given coders' codings."""
    spec = yaml.safe_load((DATA / "matrix" / "known.yaml").read_text(encoding="utf-8"))
    project = init_project(root, codebook=DATA / "matrix" / "codebook.yaml", name="known")
    docs = {}
    for doc_id, d in spec["documents"].items():
        parts, turns, segs, pos = [], [], [], 0
        for n, speaker in enumerate(d["speakers"], start=1):
            sid = f"{doc_id}:{n:04d}"
            body = spec["texts"].get(sid, f"{doc_id} segment {n}, said {speaker}.")
            t0 = d.get("times", [None] * 4)[n - 1]
            turns.append(Turn(speaker=speaker, start=pos, end=pos + len(body), time_start=t0))
            segs.append(Segment(id=sid, start=pos, end=pos + len(body), speaker=speaker,
                                turn=n - 1, time_start=t0))
            parts.append(body)
            pos += len(body) + 2
        doc = Document(id=doc_id, title=f"Interview {doc_id}", format="txt",
                       attributes=d["attributes"], text="\n\n".join(parts),
                       turns=tuple(turns), segments=tuple(segs))
        project.save_document(doc)
        docs[doc_id] = doc
    for coder in coders:
        for sid, codes in spec["codings"][coder].items():
            doc = docs[sid.split(":")[0]]
            memo = spec["memos"].get(coder, {}).get(sid)
            codings.add_codes(project, coder, doc, [sid], codes, memo=memo)
        if done:
            for doc_id in docs:
                codings.mark_done(project, coder, doc_id)
    return project


def build_study(project: Project, name: str = "three_coders.yaml") -> dict[str, Document]:
    """Documents built directly from the fixture, codings written with add_codes."""
    spec = yaml.safe_load((DATA / "reconcile" / name).read_text(encoding="utf-8"))
    docs: dict[str, Document] = {}
    for doc_id, rows in spec["documents"].items():
        text, segs, turns = "", [], []
        for i, (speaker, words) in enumerate(rows, start=1):
            start = len(text)
            text += words
            segs.append(Segment(id=f"{doc_id}:{i:04d}", start=start, end=len(text),
                                speaker=speaker, turn=i - 1, time_start=float(10 * i)))
            turns.append(Turn(speaker=speaker, start=start, end=len(text)))
            text += "\n"
        doc = Document(id=doc_id, title=doc_id, format="txt", text=text, turns=tuple(turns),
                       segments=tuple(segs))
        project.save_document(doc)
        docs[doc_id] = doc
    for coder, entry in spec["coders"].items():
        for seg, codes in entry["codes"].items():
            codings.add_codes(project, coder, docs[seg.split(":")[0]], [seg], codes)
        for doc_id in entry["done"]:
            codings.mark_done(project, coder, doc_id)
    return docs


def consensus(project: Project, name: str = "consensus") -> dict[str, set[str]]:
    """segment -> codes of the consensus coder (segments without codes left out)."""
    st = codings.load_state(project, name)
    return {seg: set(codes) for (_, seg), codes in st.codes.items() if codes}


def counted_log_reads(monkeypatch: Any) -> list[Path]:
    """The coder logs read from now on (``monkeypatch``: pytest's), in order: a warm read
    from an unchanged log's checkpoint reads none."""
    reads: list[Path] = []
    real = stamped.read_stamped

    def counted(path: Path) -> Any:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(codings, "read_stamped", counted)
    return reads


#: source of a class for the kill tests' child processes: an SQLite connection that
#: prints "writing" and pauses before COMMIT, so that the parent's kill lands while the
#: rows are in the open transaction (SQLite's journal on disk), however fast the machine is
HELD_COMMIT = """
import time
class HeldCommit:
    def __init__(self, con):
        self.con = con
    def execute(self, sql, *args):
        if sql == "COMMIT":
            print("writing", flush=True)  # the parent kills within the next few ms
            time.sleep(0.2)
        return self.con.execute(sql, *args)
    def executemany(self, *args):
        return self.con.executemany(*args)
"""
