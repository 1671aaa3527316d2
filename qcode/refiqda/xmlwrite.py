"""XML written as strings, character for character what ``xml.etree.ElementTree`` writes
after ``ET.indent(root, space="  ")`` (the exporter's format since its first version), for
the large, regular parts of ``project.qde`` (cases, sources, selections, codings, notes).

Building a tree of ``Element`` objects for every selection and coding and serialising it
afterwards cost more than half of an export (issue 19); these helpers append the same
text to a list directly. Escaping is ElementTree's: ``&``, ``<`` and ``>`` in text, and
also ``"``, CR, LF and TAB in attribute values (as numeric references, so they survive
attribute-value normalisation). Characters XML 1.0 cannot hold (C0 controls other than
TAB, LF and CR, U+FFFE, U+FFFF, lone surrogates) are replaced by U+FFFD in attribute values
and text alike; astral characters (emoji) are written as they are and encoded as UTF-8.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from qcode.refiqda.safexml import local

INDENT = "  "
#: characters XML 1.0 cannot hold -> U+FFFD (a superset of codebook_xml.xml_safe's table:
#: lone surrogates too, which would otherwise fail only when the text is encoded)
_BAD = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF,
                      *range(0xD800, 0xE000)], "\ufffd")
_BAD_RE_CHARS = frozenset(chr(c) for c in _BAD)


def _clean(value: str) -> str:
    if value.isprintable() or not _BAD_RE_CHARS.intersection(value):
        return value
    return value.translate(_BAD)


def text(value: str) -> str:
    """Character data, escaped as ElementTree escapes it."""
    value = _clean(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def attr(value: str) -> str:
    """An attribute value, escaped as ElementTree escapes it."""
    value = text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def start_tag(tag: str, attrs: dict[str, str]) -> str:
    return "<" + tag + "".join(f' {k}="{attr(v)}"' for k, v in attrs.items())


def leaf(out: list[str], depth: int, tag: str, attrs: dict[str, str],
         body: str | None = None) -> None:
    """``<tag .../>`` or ``<tag ...>body</tag>`` on its own line at ``depth``."""
    out.append("\n" + INDENT * depth + start_tag(tag, attrs))
    out.append(f">{text(body)}</{tag}>" if body else " />")


def open_(out: list[str], depth: int, tag: str, attrs: dict[str, str]) -> None:
    """The start of an element that has children (close it with :func:`close`)."""
    out.append("\n" + INDENT * depth + start_tag(tag, attrs) + ">")


def close(out: list[str], depth: int, tag: str) -> None:
    out.append(f"\n{INDENT * depth}</{tag}>")


def subtree(out: list[str], depth: int, el: Element) -> None:
    """An ElementTree element (namespaces dropped) as ``ET.indent`` would indent it at
    ``depth`` inside a larger tree: for the small codebook parts built as elements."""
    for node in el.iter():
        node.tag = local(node.tag)
    ET.indent(el, space=INDENT, level=depth)
    out.append("\n" + INDENT * depth + ET.tostring(el, encoding="unicode"))
