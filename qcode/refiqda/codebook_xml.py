"""The faceted codebook <-> the REFI-QDA code tree, and ``.qdc`` files.

Export layout (themes and levels become the hierarchy)::

    Governance and strategy        (theme node, isCodable=false)
      Macro                        (level node, isCodable=false)
        GOV-MAC-01 National ...    (code, isCodable=true; sub-codes nest under their parent)

plus Sets: one per level (its codes across all themes, so a tool can filter by level) and
one holding the whole codebook. Every Description starts with text for people (the
definition, then Include / Exclude / Examples / Keywords lines) and ends with one line
``qcode: {...}``: the qcode fields as JSON, so a codebook exported by qcode imports back to
exactly the same faceted codebook (ids, order, levels, criteria, keywords).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from qcode import __version__
from qcode.models import Code, Codebook
from qcode.refiqda.guids import guid
from qcode.refiqda.safexml import attr, kid, kids, local, parse, text_of

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TRAILER = "qcode: "
#: the ``origin`` of every file qcode writes (here, not in :mod:`.codebook_exchange`, so
#: that the project export does not import the codebook import's mapping)
ORIGIN = f"qcode {__version__}"
_BAD_XML_CHARS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF], "\ufffd")


@dataclass
class Node:
    """One ``<Code>`` of a REFI code tree."""

    guid: str
    name: str
    codable: bool = True
    description: str = ""
    children: list[Node] = field(default_factory=list)
    color: str | None = None

    def walk(self) -> list[Node]:
        out = [self]
        for ch in self.children:
            out.extend(ch.walk())
        return out


@dataclass
class CodeSet:
    """One ``<Set>``: a named group of codes."""

    guid: str
    name: str
    description: str = ""
    members: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ description trailers


def xml_safe(text: str) -> str:
    """Text with characters XML 1.0 cannot hold replaced by U+FFFD."""
    return text.translate(_BAD_XML_CHARS)


def with_trailer(readable: str, data: dict[str, Any]) -> str:
    return with_encoded_trailer(readable, trailer_json(data))


def trailer_json(data: dict[str, Any]) -> str:
    """The trailer's JSON (keys sorted, non-ASCII as it is)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def with_encoded_trailer(readable: str, encoded: str) -> str:
    """:func:`with_trailer` for a trailer already encoded by :func:`trailer_json`."""
    line = TRAILER + encoded
    return f"{readable}\n\n{line}" if readable else line


def split_trailer(description: str) -> tuple[str, dict[str, Any] | None]:
    """(text for people, qcode fields or None) of a Description."""
    text = description.rstrip()
    head, _, last = text.rpartition("\n")
    if not last.startswith(TRAILER):
        return description.strip(), None
    try:
        data = json.loads(last[len(TRAILER):])
    except ValueError:
        return description.strip(), None
    if not isinstance(data, dict) or "kind" not in data:
        return description.strip(), None
    return head.strip(), data


def code_readable(c: Code) -> str:
    parts = [c.definition] if c.definition else []
    lines = [f"{label}: {item}" for label, items in
             (("Include", c.include), ("Exclude", c.exclude), ("Example", c.examples))
             for item in items]
    if c.keywords:
        lines.append("Keywords: " + ", ".join(c.keywords))
    if c.keywords_no:
        lines.append("Keywords (no): " + ", ".join(c.keywords_no))
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def code_trailer(c: Code, order: int) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "code", "id": c.id, "theme": c.theme, "order": order}
    if c.level is not None:
        data["level"] = c.level
    for key in ("definition", "parent", "source"):
        if getattr(c, key):
            data[key] = getattr(c, key)
    for key in ("include", "exclude", "examples", "keywords", "keywords_no"):
        if getattr(c, key):
            data[key] = list(getattr(c, key))
    if c.variation_relevant:
        data["variation_relevant"] = True
    return data


# ------------------------------------------------------------------ codebook -> tree


def code_guid(code_id: str) -> str:
    return guid("code", code_id)


def export_tree(cb: Codebook) -> tuple[list[Node], list[CodeSet]]:
    """The code tree and Sets for ``cb`` (deterministic: codebook order throughout)."""
    order = {c.id: i for i, c in enumerate(cb.codes)}
    ids = set(order)
    level_ids: list[str | None] = [lv.id for lv in cb.levels] or [None]
    roots: list[Node] = []
    for t in cb.themes:
        tnode = Node(guid("theme", t.id), t.name, False,
                     xml_safe(with_trailer(t.description, {"kind": "theme", "id": t.id})))
        for lv in level_ids:
            cell = [c for c in cb.codes if c.theme == t.id and c.level == lv]
            if lv is None:
                holder = tnode
            else:
                level = cb.level(lv)
                name = level.name if level else lv
                holder = Node(guid("level-node", t.id, lv), name, False,
                              with_trailer("", {"kind": "level-node", "theme": t.id,
                                                "level": lv}))
                if not cell:
                    continue
                tnode.children.append(holder)
            in_cell = {c.id for c in cell}
            nodes = {c.id: Node(code_guid(c.id), c.name, True,
                                xml_safe(with_trailer(code_readable(c),
                                                      code_trailer(c, order[c.id]))))
                     for c in cell}
            for c in cell:
                parent = c.parent if c.parent in in_cell and c.parent != c.id else None
                if parent is not None and _cycle_free(cb, c.id, in_cell):
                    nodes[parent].children.append(nodes[c.id])
                else:
                    holder.children.append(nodes[c.id])
        roots.append(tnode)
    sets: list[CodeSet] = []
    for i, grid_level in enumerate(cb.levels):
        members = [code_guid(c.id) for c in cb.codes if c.level == grid_level.id]
        sets.append(CodeSet(guid("level-set", grid_level.id), grid_level.name,
                            xml_safe(with_trailer(grid_level.description,
                                                  {"kind": "level", "id": grid_level.id,
                                                   "order": i})), members))
    readable = "\n\n".join(filter(None, [cb.description, *(f"Rule: {r}" for r in cb.rules)]))
    meta = {"kind": "codebook", "name": cb.name, "version": cb.version,
            "description": cb.description, "rules": list(cb.rules)}
    sets.append(CodeSet(guid("codebook-set", cb.name), f"qcode codebook: {cb.name}",
                        xml_safe(with_trailer(readable, meta)),
                        [code_guid(c.id) for c in cb.codes if c.id in ids]))
    return roots, sets


def _cycle_free(cb: Codebook, code_id: str, in_cell: set[str]) -> bool:
    seen = {code_id}
    current = cb.code(code_id)
    while current is not None and current.parent in in_cell:
        if current.parent in seen:
            return False
        seen.add(current.parent)
        current = cb.code(current.parent)
    return True


# ------------------------------------------------------------------ tree -> XML


def code_element(node: Node, ns: str) -> Element:
    el = Element(f"{{{ns}}}Code", {"guid": node.guid, "name": xml_safe(node.name),
                                    "isCodable": "true" if node.codable else "false"})
    if node.color:
        el.set("color", node.color)
    if node.description:
        ET.SubElement(el, f"{{{ns}}}Description").text = node.description
    for ch in node.children:
        el.append(code_element(ch, ns))
    return el


def codes_element(roots: list[Node], ns: str) -> Element:
    codes = Element(f"{{{ns}}}Codes")
    for node in roots:
        codes.append(code_element(node, ns))
    return codes


def set_element(s: CodeSet, ns: str, member_attr: str) -> Element:
    el = Element(f"{{{ns}}}Set", {"guid": s.guid, "name": xml_safe(s.name)})
    if s.description:
        ET.SubElement(el, f"{{{ns}}}Description").text = s.description
    for m in s.members:
        ET.SubElement(el, f"{{{ns}}}MemberCode", {member_attr: m})
    return el


def serialise(root: Element, ns: str) -> bytes:
    """UTF-8 XML with ``ns`` as the default namespace (no ``ns0:`` prefixes)."""
    for el in root.iter():
        el.tag = local(el.tag)
        for key in [k for k in el.attrib if k.startswith("{")]:
            value = el.attrib.pop(key)
            if key == f"{{{XSI}}}schemaLocation":
                el.set("xsi:schemaLocation", value)
    root.set("xmlns", ns)
    if "xsi:schemaLocation" in root.attrib:
        root.set("xmlns:xsi", XSI)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def qdc_bytes(cb: Codebook, origin: str) -> bytes:
    """A schema-valid ``.qdc`` for ``cb``."""
    roots, sets = export_tree(cb)
    root = Element(f"{{{CODEBOOK_NS}}}CodeBook", {
        "origin": origin, f"{{{XSI}}}schemaLocation": f"{CODEBOOK_NS} Codebook.xsd"})
    root.append(codes_element(roots, CODEBOOK_NS))
    sets_el = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Sets")
    for s in sets:
        sets_el.append(set_element(s, CODEBOOK_NS, "guid"))
    return serialise(root, CODEBOOK_NS)


# ------------------------------------------------------------------ XML -> tree


def read_node(el: Element) -> Node:
    codable = (attr(el, "isCodable") or "true").strip().lower() in ("true", "1")
    return Node(guid=attr(el, "guid") or "", name=attr(el, "name") or "",
                codable=codable, description=text_of(kid(el, "Description")),
                children=[read_node(c) for c in kids(el, "Code")], color=attr(el, "color"))


def read_tree(codebook_el: Element | None) -> list[Node]:
    return [read_node(c) for c in kids(kid(codebook_el, "Codes"), "Code")]


def read_sets(sets_el: Element | None) -> list[CodeSet]:
    out = []
    for s in kids(sets_el, "Set"):
        members = [attr(m, "guid") or attr(m, "targetGUID") or "" for m in kids(s, "MemberCode")]
        out.append(CodeSet(attr(s, "guid") or "", attr(s, "name") or "",
                           text_of(kid(s, "Description")), [m for m in members if m]))
    return out


@dataclass
class QdcFile:
    origin: str
    namespace: str
    roots: list[Node]
    sets: list[CodeSet]


def read_qdc(data: bytes, where: str) -> QdcFile:
    parsed = parse(data, where, "CodeBook")
    root = parsed.root
    sets = read_sets(kid(root, "Sets"))
    # a malformed but seen-in-the-wild place for Sets: inside Codes
    return QdcFile(attr(root, "origin") or "", parsed.namespace, read_tree(root), sets)
