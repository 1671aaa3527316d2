"""Helpers shared by the coding tests: small documents built without the ingest pipeline."""

from __future__ import annotations

from qcode.models import Document, Segment, Turn


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
