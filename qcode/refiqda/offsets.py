"""Counting models for selection offsets, and per-source detection.

qcode stores ``[start, end)`` code-point offsets into LF-normalised text. Other tools count
differently (see formats-notes section 1.4):

========== ============================================== ==========================
model       counts                                          written by
========== ============================================== ==========================
cp          code points, CRLF as 2 (the spec)               qcode, QualCoder, MAXQDA
cp-lf       code points, CRLF as 1                          ATLAS.ti (CRLF text)
utf16       UTF-16 code units, CRLF as 2                    NVivo for Windows (.NET)
utf16-lf    UTF-16 code units, CRLF as 1
utf8        UTF-8 bytes, CRLF as 2                          (Taguette-style byte counts)
*-bom       the same, with a leading BOM counted as 1 unit  (seen in broken exports)
========== ============================================== ==========================

A leading BOM is never part of the text. Detection tries every model on all selections of a
source: a selection must land on character boundaries inside the text; then its ``name``
(ATLAS.ti and others store the quoted text there) must match, and its ends should fall on
word boundaries. The best score wins; ties go to the model the tool is known to use.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

MODELS = ("cp", "cp-lf", "utf16", "utf16-lf", "utf8")
_WS = re.compile(r"\s+")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class SourceText:
    """A source's text: ``text`` is LF-normalised without BOM; ``units`` per model."""

    raw: str  # decoded, BOM removed, line endings as in the file
    text: str
    had_bom: bool
    has_crlf: bool

    def positions(self, model: str) -> Sequence[int]:
        """``positions[i]`` = units before code point ``i`` of ``text`` (len(text)+1 values)."""
        base = model.removesuffix("-bom")
        lf = base.endswith("-lf")
        unit = base.removesuffix("-lf")
        start = 1 if model.endswith("-bom") and self.had_bom else 0
        if not self.has_crlf and self.signature(model).removesuffix("-bom") == "cp":
            # one unit per character: what the arrays below give then, as a range (its
            # numbers are made only when looked up)
            return range(start, start + len(self.text) + 1)
        cps = np.frombuffer(self.raw.encode("utf-32-le"), dtype=np.uint32)
        if unit == "utf16":
            widths = 1 + (cps > 0xFFFF).astype(np.int64)
        elif unit == "utf8":
            widths = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
        else:
            widths = np.ones(len(cps), dtype=np.int64)
        # a CRLF pair is one character of ``text``: its CR stands for it, its LF is dropped
        lf_after_cr = np.zeros(len(cps), dtype=bool)
        if self.has_crlf:
            lf_after_cr[1:] = (cps[1:] == 10) & (cps[:-1] == 13)
            if lf:
                widths[lf_after_cr] = 0
        cum = np.concatenate(([start], start + np.cumsum(widths)))
        keep = np.flatnonzero(~lf_after_cr)
        out = np.concatenate((cum[keep], cum[-1:])).tolist()
        assert len(out) == len(self.text) + 1
        return out

    def signature(self, model: str) -> str:
        """Models with the same signature count this text identically."""
        base = model.removesuffix("-bom")
        unit, lf = base.removesuffix("-lf"), base.endswith("-lf")
        if (unit == "utf16" and not self.non_bmp) or (unit == "utf8" and not self.non_ascii):
            unit = "cp"
        bom = model.endswith("-bom") and self.had_bom
        return f"{unit}{'-lf' if lf and self.has_crlf else ''}{'-bom' if bom else ''}"

    @cached_property
    def non_bmp(self) -> bool:
        """True when a character lies beyond U+FFFF (the highest decides: a scan in C,
        not a Python loop over every character of every document)."""
        return not self.text.isascii() and _ASTRAL.search(self.text) is not None

    @cached_property
    def non_ascii(self) -> bool:
        return not self.text.isascii()


def source_text(data: bytes | str) -> SourceText:
    """Decode a source file (UTF-8, BOM optional; UTF-16 with BOM) and normalise line ends.

    >>> s = source_text("\\ufeffa\\r\\nb".encode("utf-8"))
    >>> (s.text, s.had_bom, s.has_crlf)
    ('a\\nb', True, True)
    """
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raw = data.decode("utf-16")
            bom = True
        else:
            bom = data.startswith(b"\xef\xbb\xbf")
            raw = data.decode("utf-8-sig", errors="replace")
    else:
        bom = data.startswith("\ufeff")
        raw = data[1:] if bom else data
    # a lone CR is a line end too; it counts 1 in every model
    raw = re.sub(r"\r(?!\n)", "\n", raw)
    return SourceText(raw=raw, text=raw.replace("\r\n", "\n"), had_bom=bom,
                      has_crlf="\r\n" in raw)


@dataclass(frozen=True)
class Selection:
    key: str  # the selection GUID
    start: int
    end: int
    name: str = ""


@dataclass
class Detection:
    model: str
    #: selection key -> (start, end) in code points of ``text``; missing = does not fit
    mapped: dict[str, tuple[int, int]]
    on_boundaries: int
    name_matches: int
    names: int
    ambiguous: bool = False

    def evidence(self, total: int) -> str:
        if not total:
            return "no selections"
        parts = [f"{len(self.mapped)}/{total} selections fit the text"]
        if total:
            parts.append(f"{self.on_boundaries} on word boundaries")
        if self.names:
            parts.append(f"{self.name_matches}/{self.names} match their quoted text")
        return ", ".join(parts)


def _is_boundary(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return True
    return not (text[i - 1].isalnum() and text[i].isalnum())


def _index(positions: Sequence[int], unit: int) -> int | None:
    i = bisect.bisect_left(positions, unit)
    return i if i < len(positions) and positions[i] == unit else None


def _same(quoted: str, got: str) -> bool:
    a, b = _WS.sub(" ", quoted).strip(), _WS.sub(" ", got).strip()
    if not a:
        return False
    a = a.rstrip(".…")  # names are often truncated with an ellipsis
    return b.startswith(a) if a else False


def map_with(src: SourceText, model: str, selections: list[Selection]) -> Detection:
    positions = src.positions(model)
    text = src.text
    mapped: dict[str, tuple[int, int]] = {}
    bound = names = matches = 0
    for sel in selections:
        s, e = _index(positions, sel.start), _index(positions, sel.end)
        if s is None or e is None or e < s:
            continue
        mapped[sel.key] = (s, e)
        bound += _is_boundary(text, s) + _is_boundary(text, e)
        if sel.name.strip():
            names += 1
            matches += _same(sel.name, text[s:e])
    return Detection(model, mapped, bound, matches, names)


def prior(origin: str) -> list[str]:
    """Models in the order to prefer for a tool (from the ``origin`` attribute)."""
    o = origin.lower()
    if "nvivo" in o:
        first = ["utf16", "cp", "utf16-lf"]
    elif "atlas" in o:
        first = ["cp-lf", "cp"]
    elif "taguette" in o:
        first = ["utf8"]
    else:
        first = ["cp", "cp-lf"]
    return list(dict.fromkeys([*first, *MODELS]))


def detect(src: SourceText, selections: list[Selection], origin: str = "") -> Detection:
    """The counting model that best explains ``selections`` over ``src``."""
    candidates = prior(origin)
    if src.had_bom:
        candidates += [f"{m}-bom" for m in ("cp", "utf16")]
    cache: dict[str, Detection] = {}
    results = []
    for m in candidates:
        sig = src.signature(m)
        if sig not in cache:
            cache[sig] = map_with(src, m, selections)
        hit = cache[sig]
        results.append(Detection(m, hit.mapped, hit.on_boundaries, hit.name_matches,
                                 hit.names))
    # fits, quoted text and word boundaries add up; earlier = preferred on ties
    scores = [2 * len(r.mapped) + 4 * r.name_matches + r.on_boundaries for r in results]
    best = max(range(len(results)), key=lambda i: (scores[i], -i))
    chosen = results[best]
    rivals = [r for r, sc in zip(results, scores, strict=True)
              if r is not chosen and sc == scores[best] and r.mapped != chosen.mapped]
    chosen.ambiguous = bool(rivals)
    return chosen


def to_units(src_text: str, model: str, offsets: list[int], crlf: bool = False) -> list[int]:
    """Code-point offsets of LF text -> offsets in ``model`` over the text as written.

    Used by the exporter: with ``crlf`` the file has CRLF line ends and ``cp`` counts 2.
    """
    if not crlf and model == "cp":
        return list(offsets)
    s = SourceText(raw=src_text.replace("\n", "\r\n") if crlf else src_text, text=src_text,
                   had_bom=False, has_crlf=crlf)
    pos = s.positions(model)
    return [pos[o] for o in offsets]
