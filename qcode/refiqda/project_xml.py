"""Read a REFI-QDA ``project.qde`` into plain records (no qcode semantics yet).

Lenient by design: unknown elements are ignored, optional parts may be missing, GUIDs are
kept as written (compare them with :func:`qcode.refiqda.guids.norm_guid`), ``Sets`` are
read both where the schema puts them and inside ``CodeBook`` (seen in the wild).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from qcode.refiqda.codebook_xml import CodeSet, Node, read_sets, read_tree
from qcode.refiqda.guids import norm_guid
from qcode.refiqda.safexml import attr, kid, kids, local, parse, text_of

_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
               "DateTimeValue")


@dataclass
class QCoding:
    guid: str
    code: str  # CodeRef targetGUID
    user: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class QSelection:
    guid: str
    name: str
    start: int | None
    end: int | None
    user: str | None
    description: str
    codings: list[QCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class QSource:
    guid: str
    name: str
    kind: str  # TextSource, PDFSource, ...
    plain_path: str | None
    content: str | None  # PlainTextContent
    description: str
    user: str | None
    selections: list[QSelection] = field(default_factory=list)
    whole: list[QCoding] = field(default_factory=list)  # Codings of the whole source
    values: dict[str, str] = field(default_factory=dict)  # variable GUID -> value
    notes: list[str] = field(default_factory=list)


@dataclass
class QNote:
    guid: str
    name: str
    user: str | None
    content: str | None
    plain_path: str | None


@dataclass
class QCase:
    guid: str
    name: str
    values: dict[str, str]
    sources: list[str]


@dataclass
class QProject:
    name: str
    origin: str
    namespace: str
    base_path: str
    creating_user: str | None
    users: dict[str, str]  # normalised GUID -> name (or id)
    roots: list[Node]
    sets: list[CodeSet]
    variables: dict[str, str]  # normalised GUID -> name
    cases: list[QCase]
    sources: list[QSource]
    notes: dict[str, QNote]  # normalised GUID -> note
    links: int = 0
    graphs: int = 0


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _codings(el: Element) -> list[QCoding]:
    out = []
    for c in kids(el, "Coding"):
        ref = kid(c, "CodeRef")
        out.append(QCoding(attr(c, "guid") or "", attr(ref, "targetGUID") or ""
                           if ref is not None else "", attr(c, "creatingUser"),
                           [attr(n, "targetGUID") or "" for n in kids(c, "NoteRef")]))
    return out


def _values(el: Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        if ref is None:
            continue
        value = next((text_of(v) for v in vv if local(v.tag) in _VALUE_TAGS), "")
        out[norm_guid(attr(ref, "targetGUID"))] = value.strip()
    return out


def _source(el: Element) -> QSource:
    src = QSource(guid=attr(el, "guid") or "", name=attr(el, "name") or "",
                  kind=local(el.tag), plain_path=attr(el, "plainTextPath"),
                  content=text_of(kid(el, "PlainTextContent"))
                  if kid(el, "PlainTextContent") is not None else None,
                  description=text_of(kid(el, "Description")), user=attr(el, "creatingUser"),
                  whole=_codings(el), values=_values(el),
                  notes=[attr(n, "targetGUID") or "" for n in kids(el, "NoteRef")])
    for s in kids(el, "PlainTextSelection"):
        src.selections.append(QSelection(
            guid=attr(s, "guid") or "", name=attr(s, "name") or "",
            start=_int(attr(s, "startPosition")), end=_int(attr(s, "endPosition")),
            user=attr(s, "creatingUser"), description=text_of(kid(s, "Description")),
            codings=_codings(s), notes=[attr(n, "targetGUID") or "" for n in kids(s, "NoteRef")]))
    return src


def cases_by_source(cases: list[QCase]) -> dict[str, list[QCase]]:
    """Normalised source GUID -> the cases that name it, in the order of ``cases`` (each
    case once, however often it names the source)."""
    out: dict[str, list[QCase]] = {}
    for case in cases:
        for key in dict.fromkeys(case.sources):
            out.setdefault(key, []).append(case)
    return out


def read_qde(data: bytes, where: str) -> QProject:
    parsed = parse(data, where, "Project")
    root = parsed.root
    users = {}
    for u in kids(kid(root, "Users"), "User"):
        users[norm_guid(attr(u, "guid"))] = (attr(u, "name") or attr(u, "id") or "").strip()
    codebook = kid(root, "CodeBook")
    sets = read_sets(kid(root, "Sets")) + read_sets(kid(codebook, "Sets"))
    variables = {norm_guid(attr(v, "guid")): attr(v, "name") or ""
                 for v in kids(kid(root, "Variables"), "Variable")}
    cases = [QCase(attr(c, "guid") or "", attr(c, "name") or "", _values(c),
                   [norm_guid(attr(r, "targetGUID")) for r in kids(c, "SourceRef")])
             for c in kids(kid(root, "Cases"), "Case")]
    sources = [_source(el) for el in (kid(root, "Sources") or [])]
    notes = {}
    for n in kids(kid(root, "Notes"), "Note"):
        content = kid(n, "PlainTextContent")
        notes[norm_guid(attr(n, "guid"))] = QNote(
            attr(n, "guid") or "", attr(n, "name") or "", attr(n, "creatingUser"),
            text_of(content) if content is not None else None, attr(n, "plainTextPath"))
    return QProject(
        name=attr(root, "name") or "", origin=attr(root, "origin") or "",
        namespace=parsed.namespace, base_path=attr(root, "basePath") or "",
        creating_user=attr(root, "creatingUserGUID"), users=users,
        roots=read_tree(codebook), sets=sets, variables=variables, cases=cases,
        sources=sources, notes=notes, links=len(list(kids(kid(root, "Links"), "Link"))),
        graphs=len(list(kids(kid(root, "Graphs"), "Graph"))))
