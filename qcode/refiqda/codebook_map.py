"""A REFI code tree (from any tool) -> a qcode faceted codebook, and GUID -> code id.

Three ways in, tried per node, so a qcode export edited in another tool still imports:

1. **qcode trailers** (``qcode: {...}`` at the end of a Description, see
   :mod:`.codebook_xml`): themes, levels and codes come back exactly;
2. **``--map-levels``**: nodes whose names are mapped (``Macro=macro``) are levels; the
   top-most other node on each path is the theme, and everything below is a code at the
   level of the nearest level node above it (codes under no level node are dropped and
   reported, unless ``*=level`` names the level for every code without one: see
   :data:`ANY`);
3. **plain hierarchy**: each top-level node is a theme and every node below it a code in
   that theme, sub-codes keeping their parent. A flat list (no nesting at all) becomes one
   theme, ``Codes``. A top-level node that is itself a leaf, or that has codings in a
   project file, is also kept as a code of its own theme, so no coding is lost.

Code names are not unique in other tools (NVivo); ids are made from names and made unique
with ``-2``, ``-3``. Codes are always identified by GUID, compared without case or braces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qcode.errors import UsageError
from qcode.models import Code, Codebook, Level, Theme
from qcode.refiqda.codebook_xml import CodeSet, Node, code_readable, split_trailer, xml_safe
from qcode.refiqda.guids import norm_guid
from qcode.refiqda.report import ImportReport

_SLUG = re.compile(r"\W+")
#: the ``--map-levels`` name for "every code no level node places": ``*=meso``
ANY = "*"
_CODE_FIELDS = ("definition", "parent", "source", "include", "exclude", "examples",
                "keywords", "keywords_no", "variation_relevant")


def parse_level_map(spec: str | None) -> dict[str, str]:
    """``"Macro=macro, Meso=meso"`` -> ``{"macro": "macro", "meso": "meso"}`` (keys casefolded).

    >>> parse_level_map("Macro level=macro,Meso=meso")
    {'macro level': 'macro', 'meso': 'meso'}
    >>> parse_level_map("*=meso")
    {'*': 'meso'}
    """
    out: dict[str, str] = {}
    if not spec:
        return out
    for part in spec.split(","):
        if not part.strip():
            continue
        name, sep, level = part.partition("=")
        name, level = name.strip(), level.strip()
        if not sep or not name or not level or not re.match(r"^[A-Za-z0-9_-]+$", level):
            raise UsageError(f"--map-levels: '{part.strip()}' is not NAME=level",
                             hint='write e.g. --map-levels "Macro=macro,Meso=meso,Micro=micro"')
        out[name.casefold()] = level
    return out


def slug(text: str, fallback: str = "code") -> str:
    """An id made from a name: its letters, digits and ``_`` joined by ``-``.

    >>> slug("Økonomi / finans"), slug("computer_graphics"), slug("!!")
    ('Økonomi-finans', 'computer_graphics', 'code')
    """
    s = _SLUG.sub("-", text).strip("-")[:48]
    return s or fallback


@dataclass
class _Builder:
    report: ImportReport
    level_map: dict[str, str]
    coded: set[str] | None
    themes: dict[str, Theme] = field(default_factory=dict)
    theme_by_name: dict[str, str] = field(default_factory=dict)
    levels: dict[str, Level] = field(default_factory=dict)
    level_order: dict[str, int] = field(default_factory=dict)
    codes: list[tuple[float, Code]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def unique(self, base: str, taken: set[str]) -> str:
        cid, n = base, 1
        folded = {t.casefold() for t in taken}
        while cid.casefold() in folded:
            n += 1
            cid = f"{base}-{n}"
        return cid

    def theme_for(self, node: Node, desc: str) -> str:
        key = node.name.strip().casefold()
        if key in self.theme_by_name:
            return self.theme_by_name[key]
        tid = self.unique(slug(node.name, "theme"), set(self.themes))
        self.themes[tid] = Theme(id=tid, name=node.name.strip() or tid, description=desc)
        self.theme_by_name[key] = tid
        return tid

    def add_code(self, code: Code, node: Node, order: float) -> None:
        if code.level is None and ANY in self.level_map:  # a qcode code exported without one
            lv = self.level_map[ANY]
            code = code.model_copy(update={"level": lv})
            self.levels.setdefault(lv, Level(id=lv, name=lv))
        self.codes.append((order, code))
        self.ids.add(code.id)
        self.report.code_ids[norm_guid(node.guid)] = code.id

    def foreign_code(self, node: Node, desc: str, theme: str, level: str | None,
                     parent: str | None) -> str | None:
        if level is None and ANY in self.level_map:  # --map-levels "*=meso"
            level = self.level_map[ANY]
            self.levels.setdefault(level, Level(id=level, name=level))
        if self.level_map and level is None:
            self.report.drop("code", _named(node), "not under a level node named in "
                             "--map-levels")
            return None
        cid = self.unique(slug(node.name), self.ids)
        self.add_code(Code(id=cid, name=node.name.strip() or cid, theme=theme, level=level,
                           definition=desc, parent=parent), node, 1e9 + len(self.codes))
        return cid

    def walk(self, node: Node, theme: str | None, level: str | None,
             parent: str | None) -> None:
        desc, trailer = split_trailer(node.description)
        data = trailer or {}
        kind = data.get("kind")
        key = node.name.strip().casefold()
        if kind == "theme" and isinstance(data.get("id"), str):
            tid = data["id"]
            if tid not in self.themes:
                self.themes[tid] = Theme(id=tid, name=node.name.strip() or tid,
                                         description=desc)
                self.theme_by_name[key] = tid
            for ch in node.children:
                self.walk(ch, tid, None, None)
            return
        if kind == "level-node" and isinstance(data.get("level"), str):
            lv = data["level"]
            self.levels.setdefault(lv, Level(id=lv, name=node.name.strip() or lv))
            for ch in node.children:
                self.walk(ch, data.get("theme", theme), lv, None)
            return
        if kind == "code" and isinstance(data.get("id"), str) and data["id"] not in self.ids:
            code = self.trailer_code(node, data, theme, level)
            if code is not None:
                code = self.edited(code, desc)
                self.add_code(code, node, float(data.get("order", 1e9 + len(self.codes))))
                for ch in node.children:
                    self.walk(ch, code.theme, code.level, code.id)
                return
        if key in self.level_map:
            lv = self.level_map[key]
            self.levels.setdefault(lv, Level(id=lv, name=node.name.strip() or lv))
            self.level_order.setdefault(lv, len(self.level_order))
            if self.coded is not None and norm_guid(node.guid) in self.coded:
                self.report.drop("code", _named(node), "a level node in --map-levels; its "
                                 "codings are not carried")
            for ch in node.children:
                self.walk(ch, theme, lv, None)
            return
        if theme is None:
            tid = self.theme_for(node, desc)
            keep = node.codable and (not node.children or (
                self.coded is not None and norm_guid(node.guid) in self.coded))
            own = self.foreign_code(node, "" if node.children else desc, tid, level,
                                    None) if keep else None
            if not keep and self.coded is not None and norm_guid(node.guid) in self.coded:
                self.report.drop("code", _named(node), "not codable, but has codings")
            for ch in node.children:
                self.walk(ch, tid, level, own)
            return
        cid = self.foreign_code(node, desc, theme, level, parent)
        for ch in node.children:
            self.walk(ch, theme, level, cid if cid is not None else parent)

    def edited(self, code: Code, readable: str) -> Code:
        """Take a definition edited in another tool; say so when more was edited."""
        if readable == xml_safe(code_readable(code)).strip():
            return code
        sections = xml_safe(code_readable(code.model_copy(update={"definition": ""})))
        if not sections or readable.endswith(sections):
            new = readable[:len(readable) - len(sections)].strip() if sections else readable
            self.report.note(f"code {code.id}: its definition was edited outside qcode; "
                             "the edited definition was taken")
            return code.model_copy(update={"definition": new})
        self.report.note(f"code {code.id}: its Description was edited outside qcode; "
                         "qcode's own copy of the code was kept (check it)")
        return code

    def trailer_code(self, node: Node, data: dict, theme: str | None,
                     level: str | None) -> Code | None:
        fields = {k: data[k] for k in _CODE_FIELDS if k in data}
        for k in ("include", "exclude", "examples", "keywords", "keywords_no"):
            if k in fields:
                fields[k] = tuple(str(x) for x in fields[k])
        try:
            return Code(id=data["id"], name=node.name.strip() or data["id"],
                        theme=str(data.get("theme", theme or "")),
                        level=data.get("level", level), **fields)
        except (ValueError, TypeError):
            self.report.note(f"{_named(node)}: its qcode fields are damaged; read as a "
                             "plain code")
            return None


def _named(node: Node) -> str:
    return f"'{node.name}' (GUID {node.guid})"


def build_codebook(roots: list[Node], sets: list[CodeSet], report: ImportReport, *,
                   level_map: dict[str, str] | None = None, coded: set[str] | None = None,
                   name: str = "imported codebook") -> Codebook:
    """The faceted codebook for a code tree; fills ``report.code_ids`` and drops."""
    b = _Builder(report, dict(level_map or {}), coded)
    for lv in (level_map or {}).values():  # levels keep the order the user gave
        b.level_order.setdefault(lv, len(b.level_order))
    meta: dict = {}
    level_sets: dict[str, tuple[int, Level]] = {}
    for s in sets:
        desc, trailer = split_trailer(s.description)
        data = trailer or {}
        kind = data.get("kind")
        if kind == "codebook":
            meta = data
        elif kind == "level" and isinstance(data.get("id"), str):
            level_sets[data["id"]] = (int(data.get("order", 0)),
                                      Level(id=data["id"], name=s.name or data["id"],
                                            description=desc))
        else:
            report.drop("set", f"set '{s.name}' ({len(s.members)} codes)",
                        "qcode has no code groups; its codes are imported without it")
    all_leaves = all(not n.children for n in roots)
    if roots and all_leaves and not any(split_trailer(n.description)[1] for n in roots):
        tid = "codes"
        b.themes[tid] = Theme(id=tid, name="Codes", description="Codes imported as a flat "
                                                                "list")
        for n in roots:
            b.walk(n, tid, None, None)
    else:
        for n in roots:
            b.walk(n, None, None, None)
    levels = [lv for _, lv in sorted(level_sets.values(), key=lambda x: x[0])]
    known = {lv.id for lv in levels}
    extra = sorted((lv for lid, lv in b.levels.items() if lid not in known),
                   key=lambda lv: b.level_order.get(lv.id, 1 << 20))
    levels += extra
    codes = [c for _, c in sorted(b.codes, key=lambda x: x[0])]
    codes = _fix_refs(codes, set(b.themes), {lv.id for lv in levels}, report)
    return Codebook(name=str(meta.get("name") or name), version=str(meta.get("version", "")),
                    description=str(meta.get("description", "")),
                    rules=tuple(str(r) for r in meta.get("rules", ()) or ()),
                    levels=tuple(levels), themes=tuple(b.themes.values()), codes=tuple(codes))


def _fix_refs(codes: list[Code], themes: set[str], levels: set[str],
              report: ImportReport) -> list[Code]:
    """Drop codes whose theme or level is gone; clear parents that are gone."""
    ids = {c.id for c in codes}
    out = []
    for c in codes:
        if c.theme not in themes or (c.level is not None and c.level not in levels) or (
                levels and c.level is None):
            report.drop("code", f"'{c.name}' ({c.id})", "its theme or level is not in the "
                        "file")
            for g, cid in list(report.code_ids.items()):
                if cid == c.id:
                    del report.code_ids[g]
            continue
        if c.parent is not None and c.parent not in ids:
            report.note(f"code {c.id}: its parent {c.parent} is not in the file; it is now "
                        "a top code of its cell")
            c = c.model_copy(update={"parent": None})
        out.append(c)
    return out
