"""The "Memos" section of a report (``qcode report --memos``): memos on the project, on the
codes the report covers and on the documents it draws from, as plain records the renderers
(markdown, html, docx) only lay out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qcode.coding.store import load_state
from qcode.memos.journal import Journal, Memo
from qcode.memos.log import BadLine
from qcode.models import Codebook
from qcode.project import Project


@dataclass(frozen=True)
class MemoEntry:
    """One memo: when (to the minute, UTC), who, what."""

    when: str
    author: str
    text: str


@dataclass(frozen=True)
class MemoGroup:
    """The memos on one code or one document, under a title (``GOV-MAC-01: National...``)."""

    title: str
    entries: tuple[MemoEntry, ...]


@dataclass(frozen=True)
class MemoSection:
    project: tuple[MemoEntry, ...]
    codes: tuple[MemoGroup, ...]
    documents: tuple[MemoGroup, ...]
    #: memo log lines that could not be read (reported by the CLI)
    unreadable: tuple[BadLine, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.project or self.codes or self.documents)


def minute(time: str) -> str:
    """``2026-12-07T02:11:09.123456Z`` -> ``2026-12-07 02:11 UTC``."""
    return time[:16].replace("T", " ") + " UTC"


def entry(m: Memo) -> MemoEntry:
    when = minute(m.time or "")
    if m.edited:
        when += f", edited {minute(m.edited)}"
    return MemoEntry(when, m.author, m.text)


def build_memo_section(journal: Journal, codebook: Codebook, codes: Iterable[str],
                       documents: Mapping[str, str]) -> MemoSection:
    """The section for the codes ``codes`` (shown in codebook order) and the documents
    ``documents`` (id -> title, shown by id)."""
    wanted = set(codes)
    by_code = [MemoGroup(f"{c.id}: {c.name}", tuple(entry(m) for m in journal.on("code", c.id)))
               for c in codebook.codes if c.id in wanted]
    by_doc = [MemoGroup(f"{d}: {documents[d]}" if documents[d] not in ("", d) else d,
                        tuple(entry(m) for m in journal.on("doc", d)))
              for d in sorted(documents)]
    return MemoSection(project=tuple(entry(m) for m in journal.on("project")),
                       codes=tuple(g for g in by_code if g.entries),
                       documents=tuple(g for g in by_doc if g.entries),
                       unreadable=tuple(journal.bad))


def other_coders_memos(project: Project, coders: Iterable[str]
                       ) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """(document, segment) -> ((coder, memo), ...): the segment memos of ``coders`` (the
    coders other than the report's), in the order given, for each quote on that segment
    (``qcode report --memos``)."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for coder in coders:
        for key, text in load_state(project, coder).memos.items():
            if text:
                out.setdefault(key, []).append((coder, text))
    return {k: tuple(v) for k, v in out.items()}
