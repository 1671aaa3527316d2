"""The leak check: does an output file hold any entry of the table, or a variant of one?

Every file is read as text the way a reader would meet it: Markdown, CSV and plain text as
they are; HTML with its entities decoded; JSON string by string (the place is the JSON
path); DOCX, XLSX, ODT and QDPX unzipped, each XML part with its entities decoded and
scanned twice (as written, which covers attribute values, and with the tags taken out,
which joins a name split over two runs of text), and each text part (a qdpx source) as it
is. A hit is exact (what the rewrite would replace: the entry, its name parts written with
a capital, initials, genitives, any case and accents) or fuzzy (a misspelling: a word or
run of words written with a capital, within ``threshold`` % of a variant by rapidfuzz).
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from qcode._io.textfile import read_user_bytes
from qcode.pseudonyms.rewrite import Rewriter, key_of
from qcode.pseudonyms.variants import fold

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".csv", ".tsv", ".tex", ".html", ".htm",
                 ".xml", ".svg", ".yaml", ".yml", ".qdc", ".qde"}
JSON_SUFFIXES = {".json", ".jsonl"}
ZIP_SUFFIXES = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".qdpx"}
#: the most a zip part may unpack to before it is refused (a zip bomb guard)
MAX_PART_BYTES = 256 << 20
#: variants shorter than this are not matched fuzzily (too many ordinary words are near)
FUZZY_MIN = 5
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Hit:
    """One identifying string found: file, place in it, the text found, the entry it is
    (or is near), and how it was found (exact or fuzzy, with the score)."""

    file: str
    place: str
    found: str
    entry: str
    how: str

    def line(self) -> str:
        return f"{self.file}: {self.place}: '{self.found}' ({self.how}: {self.entry})"


@dataclass
class CheckResult:
    files: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    #: file -> why it could not be scanned (it is not reported clean)
    unscanned: dict[str, str] = field(default_factory=dict)


class Scanner:
    """The table compiled once for exact and fuzzy matching over many texts."""

    def __init__(self, rw: Rewriter, threshold: float | None = 88.0) -> None:
        self.rw = rw
        self.threshold = threshold
        by_words: dict[int, dict[str, str]] = {}
        for key, target in rw.targets.items():
            if len(key.replace(" ", "")) >= FUZZY_MIN:
                by_words.setdefault(key.count(" ") + 1, {})[key] = target.reals[0]
        self.fuzzy_keys = by_words

    def scan(self, text: str, file: str, where: str = "") -> list[Hit]:
        prefix = f"{where}, " if where else ""
        matches = self.rw.matches(text)
        places = _Places(text) if matches else None
        hits = [Hit(file, prefix + places.at(m.start), text[m.start:m.end],
                    " / ".join(m.target.reals), "exact") for m in matches if places]
        if self.threshold is not None and self.fuzzy_keys:
            # the longest near run first; a near run inside a hit already made is the same hit
            taken = [(m.start, m.end) for m in matches]
            near = sorted(self._fuzzy(text, file, prefix), key=lambda f: f[0] - f[1])
            kept = []
            for at, end, hit in near:
                if not any(a <= at and end <= b for a, b in taken):
                    taken.append((at, end))
                    kept.append((at, hit))
            hits += [hit for _, hit in sorted(kept, key=lambda k: k[0])]
        return hits

    def _fuzzy(self, text: str, file: str, prefix: str) -> Iterator[tuple[int, int, Hit]]:
        assert self.threshold is not None
        folded: str | None = None
        places = _Places(text)
        for n, keys in self.fuzzy_keys.items():
            grams: dict[str, int] = {}
            for m in _run_of(n).finditer(text):  # n words from each capitalised word on
                if folded is None:
                    folded = fold(text)  # one character per character: slices line up
                grams.setdefault(folded[m.start(1):m.end(1)], m.start(1))
            if not grams:
                continue
            choices = list(grams)
            names = list(keys)
            scores = process.cdist(names, choices, scorer=fuzz.ratio,
                                   score_cutoff=self.threshold, workers=1)
            for row, col in zip(*scores.nonzero(), strict=True):
                gram = choices[int(col)]
                plain = key_of(gram)
                if plain in self.rw.targets or re.sub(r"'?s$", "", plain) in self.rw.targets:
                    continue  # an exact hit (with its genitive) of another variant
                at = grams[gram]
                end = at + len(gram)
                yield at, end, Hit(file, prefix + places.at(at), text[at:end],
                                   keys[names[int(row)]], f"fuzzy {scores[row, col]:.0f}%")


_RUNS: dict[int, re.Pattern[str]] = {}


def _run_of(n: int) -> re.Pattern[str]:
    """``n`` words starting with a capitalised one (captured in a lookahead, so runs that
    overlap are all found)."""
    if n not in _RUNS:
        _RUNS[n] = re.compile(rf"(?<![^\W_])(?=([A-ZÀ-ÖØ-Þ][^\W_]*(?:[\W_]+[^\W_]+){{{n - 1}}}))")
    return _RUNS[n]


class _Places:
    """Line and column of offsets in one text (line starts found once)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> str:
        line = bisect_right(self.starts, offset)
        return f"line {line}, column {offset - self.starts[line - 1] + 1}"


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_strings(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{path} (key)", str(k)
            yield from _json_strings(v, f"{path}.{k}")


def _scan_json(sc: Scanner, text: str, name: str) -> list[Hit]:
    docs: list[tuple[str, Any]] = []
    try:
        docs = [("$", json.loads(text))]
    except ValueError:
        lines = text.splitlines()
        try:
            docs = [(f"line {i}: $", json.loads(line)) for i, line in
                    enumerate(lines, start=1) if line.strip()]
        except ValueError:
            return sc.scan(text, name)  # not JSON after all: scan it as text
    return [h for root, doc in docs for path, s in _json_strings(doc, root)
            for h in sc.scan(s, name, path)]


def _scan_markup(sc: Scanner, text: str, name: str, where: str) -> list[Hit]:
    raw = html.unescape(text)
    hits = sc.scan(raw, name, where)
    seen = {(h.entry, fold(h.found)) for h in hits}
    joined = html.unescape(_TAG.sub("", text))
    hits += [Hit(h.file, h.place + " (text with tags removed)", h.found, h.entry, h.how)
             for h in sc.scan(joined, name, where)
             if (h.entry, fold(h.found)) not in seen]
    return hits


def _scan_zip(sc: Scanner, path: Path, name: str) -> list[Hit]:
    hits: list[Hit] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.file_size > MAX_PART_BYTES:
                raise ValueError(f"part {info.filename} unpacks to more than "
                                 f"{MAX_PART_BYTES >> 20} MB")
            with zf.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
            if len(data) > MAX_PART_BYTES:
                raise ValueError(f"part {info.filename} unpacks to more than "
                                 f"{MAX_PART_BYTES >> 20} MB")
            text = data.decode("utf-8", errors="replace")
            low = info.filename.lower()
            if low.endswith((".xml", ".rels", ".qde", ".html", ".htm", ".svg")):
                hits += _scan_markup(sc, text, name, info.filename)
            elif low.endswith(".json"):
                hits += [Hit(h.file, f"{info.filename}, {h.place}", h.found, h.entry, h.how)
                         for h in _scan_json(sc, text, name)]
            elif not low.endswith((".png", ".jpg", ".jpeg", ".gif", ".emf", ".wmf",
                                   ".bin", ".pdf")):
                hits += sc.scan(text, name, info.filename)
    return hits


def scan_file(sc: Scanner, path: Path, result: CheckResult) -> None:
    name = str(path)
    suffix = path.suffix.lower()
    result.files.append(name)
    try:
        if suffix in ZIP_SUFFIXES:
            read_user_bytes(path, "an output file")  # refuses a folder, device or a huge file
            result.hits += _scan_zip(sc, path, name)
            return
        data = read_user_bytes(path, "an output file")
        text = data.decode("utf-8-sig")
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        result.unscanned[name] = str(exc) if not isinstance(exc, UnicodeDecodeError) \
            else "not UTF-8 text"
        return
    if suffix in JSON_SUFFIXES:
        result.hits += _scan_json(sc, text, name)
    elif suffix in (".html", ".htm", ".xml", ".svg", ".qdc", ".qde"):
        result.hits += _scan_markup(sc, text, name, "")
    elif suffix in TEXT_SUFFIXES or suffix == "":
        result.hits += sc.scan(text, name)
    else:
        result.unscanned[name] = f"cannot read {suffix} files (md, html, docx, xlsx, csv, " \
                                 "json, qdpx and plain text can be checked)"


def check_files(rw: Rewriter, paths: list[Path], *, fuzzy: float | None = 88.0
                ) -> CheckResult:
    """Scan each file (every file of a folder) for the table's entries and variants
    (``fuzzy``: the rapidfuzz ratio from which a near spelling counts; None: exact only)."""
    sc = Scanner(rw, fuzzy)
    result = CheckResult()
    for path in expand(paths):
        scan_file(sc, path, result)
    return result


def expand(paths: list[Path]) -> list[Path]:
    """Each file as given, and every file under a folder (hidden ones left out), sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()
                          and not any(part.startswith(".") for part in
                                      p.relative_to(path).parts))
        else:
            out.append(path)
    return out
