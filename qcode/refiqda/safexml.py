"""Untrusted XML in, element tree out: no entity expansion, no external entities, and a
located one-line error for anything that is not well-formed.

REFI-QDA readers key on the namespace of the root element, never on ``schemaLocation``:
a missing namespace or another version suffix (``urn:QDA-XML:project:0:10``) is read the
same way, and reported. Helpers here look elements up by local name only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qcode.errors import InvalidInputError

_NS = re.compile(r"^\{([^}]*)\}(.*)$")
#: the encoding an XML declaration names
_ENCODING = re.compile(rb"\sencoding\s*=\s*[\"']([A-Za-z0-9._-]*)[\"']")
_PLAIN_ENCODINGS = (b"utf-8", b"utf8", b"us-ascii", b"ascii")
#: local() of the names seen (at most _LOCAL_MAX)
_LOCAL: dict[str, str] = {}
_LOCAL_MAX = 4096


@dataclass(frozen=True)
class Parsed:
    root: Element
    namespace: str


def local(tag: object) -> str:
    """``{urn:QDA-XML:project:1.0}Code`` -> ``Code``.

    Called for every element and attribute of a file (two million times for a project
    of 2,000 transcripts, with a few dozen distinct names): each name's answer is kept."""
    if not isinstance(tag, str):
        return ""
    got = _LOCAL.get(tag)
    if got is None:
        m = _NS.match(tag)
        got = m.group(2) if m else tag
        if len(_LOCAL) >= _LOCAL_MAX:  # a file with ever new names: start again
            _LOCAL.clear()
        _LOCAL[tag] = got
    return got


def namespace(tag: str) -> str:
    m = _NS.match(tag)
    return m.group(1) if m else ""


def _without_dtd(data: bytes) -> bool:
    """Whether ``data`` plainly holds no document type declaration, so no entity can be
    declared or fetched: UTF-8 or ASCII (by its declaration, or none), no NUL byte (as
    UTF-16 and UTF-32 have), and no ``<!DOCTYPE`` anywhere."""
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not head.startswith(b"<") or b"\x00" in data or b"<!DOCTYPE" in data:
        return False
    end = head.find(b"?>", 0, 300) if head.startswith(b"<?xml") else 0
    declaration = head[:end] if end > 0 else head[:300]
    if b"encoding" not in declaration:
        return True
    m = _ENCODING.search(declaration)
    return m is not None and m.group(1).lower() in _PLAIN_ENCODINGS


def _fast(data: bytes) -> Element | None:
    """The tree of a file without a DTD through ElementTree's C parser (the defused one
    calls Python for every element and name: 1.4 s for the 76 MB ``.qde`` of 2,000
    transcripts); None when the file has a DTD or is not well-formed (the defused parser
    then reads it, with its refusals and messages)."""
    if not _without_dtd(data):
        return None
    try:
        return ET.fromstring(data)
    except (ET.ParseError, ValueError, LookupError):
        return None


def parse(data: bytes, where: str, expected_root: str) -> Parsed:
    """Parse ``data`` (named ``where`` in messages); the root must be ``expected_root``."""
    try:
        root = _fast(data)
        if root is None:
            root = fromstring(data, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    except DefusedXmlException as exc:
        kind = type(exc).__name__
        what = ("declares XML entities (a billion-laughs style expansion)"
                if "Entities" in kind else "refers to external resources")
        raise InvalidInputError(f"{where}: refused: the XML {what}; nothing was imported",
                                hint="REFI-QDA files never need entities or external "
                                     "references; export the file again") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":")[0]
        loc = f"{where}:{line}:{(column or 0) + 1}" if line else where
        raise InvalidInputError(f"{loc}: invalid XML ({reason}); nothing was imported",
                                hint="the file is damaged or not a REFI-QDA file; export "
                                     "it again") from None
    if local(root.tag) != expected_root:
        raise InvalidInputError(
            f"{where}: not a REFI-QDA {expected_root} file (its root element is "
            f"<{local(root.tag)}>); nothing was imported",
            hint="a .qdc holds a <CodeBook>, a .qde a <Project>")
    return Parsed(root, namespace(root.tag))


def kids(el: Element | None, name: str) -> Iterator[Element]:
    """Direct children of ``el`` with local name ``name``."""
    if el is None:
        return iter(())
    return (c for c in el if local(c.tag) == name)


def kid(el: Element | None, name: str) -> Element | None:
    """The first direct child of ``el`` with local name ``name``."""
    if el is not None:
        for c in el:
            if local(c.tag) == name:
                return c
    return None


def text_of(el: Element | None) -> str:
    """The text inside ``el`` ('' when absent)."""
    return "" if el is None else "".join(el.itertext())


def attr(el: Element, name: str) -> str | None:
    """An attribute by local name (some tools prefix attributes with the namespace)."""
    if name in el.attrib:
        return el.attrib[name]
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None
