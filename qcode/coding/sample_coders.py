"""The two fictional coders of the bundled sample study, replayed into a project.

``transcripts/coders/<DOC>.yaml`` holds, for one interview, the passages two fictional coders
(ingrid and lars) coded::

    document: N01
    coders: [ingrid, lars]
    codings:
      - anchor: "an exact phrase from one respondent turn"
        ingrid: [GOV-MAC-01, ECO-MAC-01]
        lars: [GOV-MAC-01]
        note: "why they differ"

:func:`apply_sample_coders` finds the segment(s) holding each anchor in the ingested
document and appends each coder's codes through the normal coding API (origin ``manual``),
then marks every document done for every coder: each file is a complete coding of its
interview (passages without an entry were left uncoded by both). It is deterministic and
idempotent (codes already there are not added again). Nothing is written unless every
anchor of every file is found and every code is in the codebook.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qcode._io.yaml_limits import alias_excess
from qcode.codebook.lookup import resolve_code
from qcode.coding import store as codings
from qcode.coding.drafts import EventDraft
from qcode.errors import InvalidInputError, NotFoundError
from qcode.models import Document
from qcode.project import Project

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "…": "..."})


@dataclass
class SampleSummary:
    """What :func:`apply_sample_coders` did."""

    files: int = 0
    documents: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    entries: int = 0
    matched_exact: int = 0
    matched_normalised: int = 0
    #: entries whose coders gave exactly the same codes
    agreed: int = 0
    #: (coder -> number of codings appended now)
    appended: dict[str, int] = field(default_factory=dict)
    #: (coder -> codings the coder holds on the sample documents afterwards)
    codings: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"files": self.files, "documents": self.documents, "coders": self.coders,
                "entries": self.entries, "matched_exact": self.matched_exact,
                "matched_normalised": self.matched_normalised, "unmatched": 0,
                "agreed_entries": self.agreed, "appended": self.appended,
                "codings": self.codings}


@dataclass
class _Entry:
    file: Path
    line: int
    index: int
    anchor: str
    codes: dict[str, list[str]]


def _normalise(text: str) -> tuple[str, list[int]]:
    """Case-folded text with unified quotes/dashes and single spaces, and for each of its
    characters the offset it came from in ``text``."""
    out: list[str] = []
    where: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        ch = unicodedata.normalize("NFC", ch).translate(_QUOTES).casefold()
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        for c in ch:
            out.append(c)
            where.append(i)
    return "".join(out), where


def _read_file(path: Path) -> tuple[str, list[str], list[_Entry]]:
    try:
        text = path.read_text(encoding="utf-8")
        bomb_line = alias_excess(text)
        if bomb_line is not None:
            raise InvalidInputError(f"{path}:{bomb_line}: uses YAML aliases beyond the limit")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInputError(f"{path}: cannot be read as YAML ({type(exc).__name__})") \
            from None
    if root is None or not isinstance(data, dict) or not isinstance(data.get("codings"), list):
        raise InvalidInputError(f"{path}: expected document, coders and a list of codings")
    doc_id = str(data.get("document") or path.stem)
    coders = [str(c) for c in data.get("coders") or []]
    nodes = next((v for k, v in root.value if k.value == "codings"), None)
    lines = [n.start_mark.line + 1 for n in nodes.value] if nodes is not None else []
    entries = []
    for i, item in enumerate(data["codings"]):
        line = lines[i] if i < len(lines) else 0
        if not isinstance(item, dict) or not isinstance(item.get("anchor"), str):
            raise InvalidInputError(f"{path}:{line}: entry {i + 1} has no anchor text")
        codes = {c: [str(x) for x in item.get(c) or []] for c in coders}
        entries.append(_Entry(path, line, i + 1, item["anchor"], codes))
    return doc_id, coders, entries


def _locate(doc: Document, anchor: str, norm: tuple[str, list[int]] | None
            ) -> tuple[list[str], bool] | None:
    """Ids of the segments the anchor overlaps, and whether it matched exactly."""
    pos, exact = doc.text.find(anchor), True
    end = pos + len(anchor)
    if pos < 0:
        assert norm is not None
        ntext, where = norm
        nanchor, _ = _normalise(anchor.strip())
        npos = ntext.find(nanchor)
        if npos < 0 or not nanchor:
            return None
        pos, end, exact = where[npos], where[npos + len(nanchor) - 1] + 1, False
    segs = [s.id for s in doc.segments if s.start < end and s.end > pos]
    return (segs, exact) if segs else None


def apply_sample_coders(project: Project, coders_dir: Path) -> SampleSummary:
    """Append the sample coders' codings (and completion) for every ``*.yaml`` in
    ``coders_dir`` to ``project``; see the module docstring."""
    files = sorted(Path(coders_dir).glob("*.yaml"))
    if not files:
        raise NotFoundError(f"no coder files (*.yaml) in {coders_dir}")
    summary = SampleSummary(files=len(files))
    problems: list[str] = []
    plan: list[tuple[Document, str, dict[str, list[str]]]] = []  # doc, coder, seg -> codes
    known = {c.id for c in project.codebook.codes}
    for path in files:
        doc_id, coders, entries = _read_file(path)
        if not project.has_document(doc_id):
            problems.append(f"{path}: document {doc_id} is not ingested")
            continue
        doc = project.load_document(doc_id)
        norm: tuple[str, list[int]] | None = None
        per_coder: dict[str, dict[str, list[str]]] = {c: {} for c in coders}
        for e in entries:
            summary.entries += 1
            found = _locate(doc, e.anchor, None) if e.anchor in doc.text else None
            if found is None:
                norm = norm or _normalise(doc.text)
                found = _locate(doc, e.anchor, norm)
            if found is None:
                problems.append(f"{path}:{e.line}: entry {e.index}: anchor not found in "
                                f"document {doc_id}")
                continue
            seg_ids, exact = found
            summary.matched_exact += exact
            summary.matched_normalised += not exact
            lists = list(e.codes.values())
            summary.agreed += all(sorted(x) == sorted(lists[0]) for x in lists)
            for coder, codes in e.codes.items():
                for code in codes:
                    if code not in known:
                        try:
                            resolve_code(project.codebook, code)
                        except NotFoundError as exc:
                            problems.append(f"{path}:{e.line}: entry {e.index}: "
                                            f"{exc.message} ({exc.hint})")
                            continue
                    for sid in seg_ids:
                        have = per_coder[coder].setdefault(sid, [])
                        if code not in have:
                            have.append(code)
        summary.documents.append(doc_id)
        for coder in coders:
            if coder not in summary.coders:
                summary.coders.append(coder)
            plan.append((doc, coder, per_coder[coder]))
    if problems:
        raise InvalidInputError(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the sample "
            "coder files; nothing was written", details=problems,
            hint="fix the anchors or codes named above, then run it again")
    for coder in summary.coders:
        codings.log_path(project, coder, create=True)  # a bad coder name fails before writing
    for doc, coder, by_seg in plan:
        state = codings.load_state_or_empty(project, coder)
        events: list[EventDraft] = []
        for seg in doc.segments:
            if seg.id in by_seg:
                events += codings.add_events(state, doc, [seg.id], by_seg[seg.id])
        if doc.id not in state.done:
            events.append({"op": "done", "doc": doc.id})
        written = codings.append_events(project, coder, events)
        summary.appended[coder] = summary.appended.get(coder, 0) + \
            sum(1 for r in written if r.op == "add")
    docs = set(summary.documents)
    for coder in summary.coders:
        st = codings.load_state(project, coder)
        summary.codings[coder] = sum(len(v) for k, v in st.codes.items() if k[0] in docs)
    return summary
