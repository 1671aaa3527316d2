"""Speaker labels: who speaks in each document (turns and words), and renaming a label in
one document or in all of them (``RESPONDENT``, ``Respondent`` and ``B`` made one).

A rename rewrites the document files (atomically, under the project lock, like a replace)
so every command shows the new label; the label each turn was ingested with stays in the
document's ``original_speakers``. Segment ids, offsets and text do not change, so codings
are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qcode._io.project_lock import changing_text
from qcode.errors import NotFoundError, UsageError
from qcode.models import Document
from qcode.project import Project


@dataclass(frozen=True)
class SpeakerRow:
    document: str
    speaker: str
    turns: int
    words: int
    #: the labels these turns were ingested with, where the label was renamed
    original_labels: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "speaker": self.speaker, "turns": self.turns,
                "words": self.words, "original_labels": list(self.original_labels)}


def speaker_rows(doc: Document) -> list[SpeakerRow]:
    """One row per speaker of ``doc``, in order of first appearance."""
    turns: dict[str, int] = {}
    words: dict[str, int] = {}
    originals: dict[str, set[str]] = {}
    for i, t in enumerate(doc.turns):
        turns[t.speaker] = turns.get(t.speaker, 0) + 1
        words[t.speaker] = words.get(t.speaker, 0) + len(doc.text[t.start:t.end].split())
        if i in doc.original_speakers:
            originals.setdefault(t.speaker, set()).add(doc.original_speakers[i])
    return [SpeakerRow(doc.id, s, turns[s], words[s], tuple(sorted(originals.get(s, ()))))
            for s in turns]


def speakers(project: Project, doc: str | None = None) -> list[SpeakerRow]:
    """The speakers of one document (an id or unique prefix), or of every document."""
    ids = [project.resolve_document(doc)] if doc is not None else project.document_ids()
    return [row for i in ids for row in speaker_rows(project.load_document(i))]


def relabelled(doc: Document, old: str, new: str) -> Document | None:
    """``doc`` with every turn and segment of speaker ``old`` given ``new`` (the label each
    turn was ingested with kept); None when ``old`` does not speak in it."""
    changed = [i for i, t in enumerate(doc.turns) if t.speaker == old]
    if not changed:
        return None
    originals = dict(doc.original_speakers)
    for i in changed:
        originals.setdefault(i, old)
        if originals[i] == new:  # renamed back: nothing left to remember
            del originals[i]
    turns = tuple(t.model_copy(update={"speaker": new}) if t.speaker == old else t
                  for t in doc.turns)
    segs = tuple(s.model_copy(update={"speaker": new}) if s.speaker == old else s
                 for s in doc.segments)
    return doc.model_copy(update={"turns": turns, "segments": segs,
                                  "original_speakers": originals})


def rename_speaker(project: Project, doc: str | None, old: str, new: str) -> list[str]:
    """Rename speaker ``old`` to ``new`` in one document (``doc``) or in every document
    (``doc`` None). Returns the documents changed; NotFoundError when none has ``old``."""
    new = new.strip()
    if not new or "\n" in new:
        raise UsageError("a speaker label cannot be empty or hold a line break")
    if old == new:
        raise UsageError(f"the speaker is already called '{new}'; nothing was changed")
    with changing_text(project.root):
        ids = [project.resolve_document(doc)] if doc is not None else project.document_ids()
        changed: list[Document] = []
        for i in ids:
            d = relabelled(project.load_document(i), old, new)
            if d is not None:
                changed.append(d)
        if not changed:
            where = f"document {ids[0]}" if doc is not None else "any document"
            known = sorted({r.speaker for i in ids for r in speaker_rows(
                project.load_document(i))}, key=str.casefold)
            shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
            raise NotFoundError(f"no speaker '{old}' in {where}; nothing was changed",
                                hint=f"speakers: {shown or 'none'}")
        for d in changed:
            project.save_document(d)
    return [d.id for d in changed]
