"""The import report: what was taken, what was dropped, and why.

Every import (qdc or qdpx) returns one :class:`ImportReport`. It never quotes transcript
text: items are named by kind, GUID, name and document id only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Dropped:
    """One thing in the file that qcode did not carry over."""

    kind: str  # code, set, selection, coding, source, note, attribute, variable, ...
    what: str  # e.g. "code 'citizenship' (GUID 1b2c...)"
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "what": self.what, "reason": self.reason}


@dataclass
class SourceReport:
    """How one source of a project file was read."""

    guid: str
    name: str
    document: str | None = None
    status: str = "new"  # new | matched | missing | skipped
    offsets: str = ""  # the counting model the selections use (see qcode.refiqda.offsets)
    evidence: str = ""
    selections: int = 0
    selections_taken: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"guid": self.guid, "name": self.name, "document": self.document,
                "status": self.status, "offsets": self.offsets, "evidence": self.evidence,
                "selections": self.selections, "selections_taken": self.selections_taken}


@dataclass
class ImportReport:
    file: str
    kind: str  # qdc | qdpx | qde
    origin: str = ""
    namespace: str = ""
    target: str = ""  # the project folder or codebook file written
    written: bool = False
    taken: Counter[str] = field(default_factory=Counter)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)
    #: code GUID (normalised) -> qcode code id
    code_ids: dict[str, str] = field(default_factory=dict)

    def drop(self, kind: str, what: str, reason: str) -> None:
        self.dropped.append(Dropped(kind, what, reason))

    def note(self, message: str) -> None:
        self.notes.append(message)

    def dropped_by_reason(self) -> list[tuple[str, str, int]]:
        """(kind, reason, count), most frequent first."""
        counts = Counter((d.kind, d.reason) for d in self.dropped)
        return [(k, r, n) for (k, r), n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "kind": self.kind, "origin": self.origin,
            "namespace": self.namespace, "target": self.target, "written": self.written,
            "taken": dict(sorted(self.taken.items())),
            "dropped": [d.as_dict() for d in self.dropped],
            "notes": list(self.notes),
            "sources": [s.as_dict() for s in self.sources],
        }
