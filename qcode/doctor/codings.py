"""What the files hold: the codebook and documents can be read, every coder log line can be
read, every coding points at a code, document and segment of the project and its quote is
still the text at its offsets, and no reconciliation decision has gone stale."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container

from qcode.codebook.history import code_map
from qcode.coding.conflicts import CONFLICT
from qcode.coding.fold import CoderState
from qcode.coding.store import coder_names, load_state
from qcode.coding.usable import Known, usable_state
from qcode.doctor.problem import Problem, relative
from qcode.documents.log import document_map
from qcode.errors import QcodeError
from qcode.index.documents import DocMeta, meta_of
from qcode.project import Project
from qcode.reconcile.ledger import read_ledger, reconciliation_names
from qcode.reconcile.status import status


def _listed(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def readable_documents(project: Project) -> tuple[dict[str, DocMeta], list[Problem]]:
    """Every document that can be read (as the read index keeps it, not the whole record:
    at 2,000 transcripts the records of every document held at once took 0.7 GB), and a
    finding for each that cannot."""
    docs: dict[str, DocMeta] = {}
    found = []
    for doc_id in project.document_ids():
        try:
            docs[doc_id] = meta_of(project.load_document(doc_id))
        except QcodeError as exc:
            found.append(Problem("unreadable_file",
                                 relative(project.root, project.document_path(doc_id)),
                                 "not a valid qcode document", exc.hint or ""))
    return docs, found


def codebook_codes(project: Project) -> tuple[frozenset[str] | None, list[Problem]]:
    try:
        return frozenset(c.id for c in project.codebook.codes), []
    except QcodeError as exc:
        return None, [Problem("unreadable_file", relative(project.root, project.codebook_path),
                              f"the codebook cannot be used ({exc.message})",
                              "see: qcode codebook check")]


def team_findings(project: Project, st: CoderState) -> list[Problem]:
    """Git conflict markers in the coder's log, and a log that lost lines this machine had
    read (not an append: see :mod:`qcode.coding.continuity`)."""
    log = relative(project.root, project.codings_dir / f"{st.coder}.jsonl")
    found = []
    for p in st.problems:
        if p.reason.startswith(CONFLICT):
            found.append(Problem(
                "log_conflict", log,
                f"{p.reason} (about {p.events} event{'s' if p.events != 1 else ''})",
                "qcode check --fix keeps the lines of both sides (each must be readable "
                f"events), then: git add {log} and git commit", line=p.line))
    if st.not_append:
        found.append(Problem(
            "rewritten_log", log, f"not an append of what this machine read: {st.not_append}",
            "if an older version is checked out, go back to the newest (git checkout "
            "<your branch>, git pull); if the lines were lost, find them in the history "
            f"(git log -p -- {log}); if the change was meant, accept the log as it is now: "
            f"qcode check --accept-lost-lines --coder {st.coder}"))
    return found


def log_findings(project: Project, st: CoderState) -> list[Problem]:
    problems = [p for p in st.problems if not p.reason.startswith(CONFLICT)]
    if not problems:
        return []
    lines = [p.line for p in problems]
    events = sum(p.events for p in problems)
    return [Problem(
        "damaged_log", relative(project.root, problems[0].path),
        f"{len(lines)} unreadable line{'s' if len(lines) > 1 else ''} "
        f"({_listed([str(n) for n in lines], 10)}; {events} event"
        f"{'s' if events != 1 else ''} left out)",
        "repair or remove those lines (a torn last line is repaired by the next write)",
        line=lines[0], count=len(lines))]


def orphan_findings(project: Project, st: CoderState) -> list[Problem]:
    lo = st.left_out
    if lo is None or not lo.total:  # codings of archived documents are no problem
        return []
    named = _listed([f"{kind} {ident} ({n})" for kind, ident, n in lo.missing
                     if kind != "archived"])
    return [Problem(
        "orphaned_codings", relative(project.root, project.codings_dir / f"{st.coder}.jsonl"),
        f"{lo.total} coding{'s' if lo.total != 1 else ''} by {st.coder} refer to what is "
        f"not in the project: {named}",
        "restore the code or document, or rename the code back in codebook.yaml",
        count=lo.total)]


def quote_findings(project: Project, st: CoderState, docs: dict[str, DocMeta]
                   ) -> list[Problem]:
    """Codings whose stored quote is not the document text at their offsets."""
    off: Counter[str] = Counter()
    for (doc_id, _seg), by_code in st.codes.items():
        doc = docs.get(doc_id)
        if doc is None:
            continue
        for ev in by_code.values():
            start, end, quote = ev.get("start"), ev.get("end"), ev.get("quote")
            if isinstance(start, int) and isinstance(end, int) and isinstance(quote, str) \
                    and quote and doc.text[start:end] != quote:
                off[doc_id] += 1
    if not off:
        return []
    total = sum(off.values())
    return [Problem(
        "quote_mismatch", relative(project.root, project.codings_dir / f"{st.coder}.jsonl"),
        f"{total} coding{'s' if total != 1 else ''} by {st.coder} whose quote is no longer "
        f"the text at its offsets: {_listed([f'{d} ({n})' for d, n in off.most_common()])}",
        "a transcript was edited by hand: ingest it again with --replace to re-anchor the "
        "codings", count=total)]


def coding_problems(project: Project, docs: dict[str, DocMeta],
                    codes: frozenset[str] | None) -> list[Problem]:
    """Unreadable lines, orphaned codings and moved quotes of every coder's log. Codings of
    an unreadable document, or of any code when the codebook cannot be read, are not
    called orphans (the unreadable file is the finding)."""
    unreadable = set(project.document_ids()) - set(docs)
    segments: dict[str, Container[str]] = {d: set(doc.segment_ids) for d, doc in docs.items()}
    for d in unreadable:
        segments[d] = _Everything()
    found: list[Problem] = []
    doc_map = document_map(project)
    cmap = code_map(project.root)  # renamed, merged and split codes: not orphans
    for former, now in doc_map.renamed.items():  # a rename whose file has not moved yet
        if now not in segments and former in docs:
            segments[now] = {doc_map.key(former, s)[1] for s in docs[former].segment_ids}
    for coder in coder_names(project):
        st = load_state(project, coder)
        known = Known(codes=codes if codes is not None else _codes_used(st),
                      segments=segments, doc_map=doc_map, code_map=cmap)
        usable = usable_state(st, known)
        found += team_findings(project, st)
        found += log_findings(project, st)
        found += orphan_findings(project, usable)
        found += quote_findings(project, usable, docs)
    return found


class _Everything(Container[str]):
    def __contains__(self, item: object) -> bool:
        return True


def _codes_used(st: CoderState) -> frozenset[str]:
    return frozenset(c for by_code in st.codes.values() for c in by_code)


def reconciliation_problems(project: Project) -> list[Problem]:
    found = []
    for name in reconciliation_names(project):
        path = relative(project.root, project.reconciliations_dir / f"{name}.jsonl")
        try:
            ledger = read_ledger(project, name)
            if ledger.problems:
                found.append(Problem("damaged_log", path,
                                     f"{len(ledger.problems)} unreadable line"
                                     f"{'s' if len(ledger.problems) > 1 else ''}",
                                     "repair or remove those lines",
                                     count=len(ledger.problems)))
            if ledger.coders is None:
                continue
            report = status(project, name)
        except QcodeError as exc:
            found.append(Problem("stale_reconciliation", path,
                                 f"reconciliation '{name}' cannot be checked: {exc.message}",
                                 exc.hint or ""))
            continue
        if report.stale:
            n = len(report.stale)
            found.append(Problem(
                "stale_reconciliation", path,
                f"{n} decision{'s' if n != 1 else ''} of reconciliation '{name}' "
                f"{'are' if n != 1 else 'is'} stale (a coder changed those codes since)",
                f"see them with: qcode reconcile --status {name}", count=n))
    return found
