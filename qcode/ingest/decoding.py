"""Bytes of a transcript file -> text, the same way for every plain format.

Rules (in order):

1. An empty file, or one that looks binary (NUL bytes outside UTF-16, or a known binary
   signature), is refused.
2. A byte-order mark decides: UTF-8, UTF-16 LE or UTF-16 BE (the BOM is dropped).
3. Otherwise strict UTF-8; if that fails, strict cp1252 (Windows "ANSI", e.g. old f4
   transcripts). Never latin-1: it silently turns cp1252's ``…`` (0x85) into U+0085, a
   line break for ``str.splitlines``. Bytes that are neither are refused, naming the line.
4. CRLF and lone CR become LF. A stray U+FEFF inside the text (from concatenated files) and
   U+200B zero-width spaces are removed: they are invisible and break label detection.
   Everything else is kept as it is: NBSP, typographic quotes, dashes, NFC/NFD form.

>>> decode(b"I: Hello\\r\\nR: Hi\\r\\n", "a.txt").text
'I: Hello\\nR: Hi\\n'
>>> decode("R: \u201cja\u201d \u2026".encode("cp1252"), "a.txt").encoding
'cp1252'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from qcode.errors import InvalidInputError

#: file signatures of formats that are certainly not plain text
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"{\\rtf",
    b"\xd0\xcf\x11\xe0", b"ID3", b"RIFF", b"OggS", b"fLaC", b"\x1f\x8b", b"7z\xbc\xaf",
)
_MAGIC_NAMES = {b"%PDF": "a PDF file", b"PK\x03\x04": "a ZIP archive (Office file?)",
                b"{\\rtf": "an RTF file", b"\xd0\xcf\x11\xe0": "an old binary Office file"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f])
_INVISIBLE = re.compile("[\ufeff\u200b]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Normalised text and the name of the encoding it was read with."""

    text: str
    encoding: str


def _binary_kind(data: bytes) -> str | None:
    for magic in _BINARY_MAGIC:
        if data.startswith(magic):
            return _MAGIC_NAMES.get(magic, "a binary file")
    return None


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def decode(data: bytes, source: str) -> Decoded:
    """Decode ``data`` (the bytes of file ``source``) into normalised text.

    Raises InvalidInputError for empty, binary or undecodable input; the message names
    ``source`` (and the line of the first bad byte) but never quotes its content.
    """
    if not data.strip():
        raise InvalidInputError(f"{source}: the file is empty; nothing was ingested",
                                hint="check that the export finished writing the file")
    kind = _binary_kind(data)
    if kind:
        hint = ("convert it to .docx, .txt, .md, .vtt or .srt first"
                if kind != "a ZIP archive (Office file?)" else
                "if it is a Word file, give it the .docx extension or pass --from docx")
        raise InvalidInputError(f"{source}: {kind}, not a transcript; nothing was ingested",
                                hint=hint)
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", source), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        text = _strict(data[2:], encoding, source)
    else:
        if b"\x00" in data:
            raise InvalidInputError(f"{source}: a binary file (it contains NUL bytes), not a "
                                    "transcript; nothing was ingested",
                                    hint="UTF-16 text needs a byte-order mark; re-save it "
                                         "as UTF-8")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _strict(data, "cp1252", source), "cp1252"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text or "\u200b" in text:
        text = _INVISIBLE.sub("", text)
    if encoding.startswith("utf-16") or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        _refuse_control_characters(text, source)
    return Decoded(text, encoding)


def more_characters_than(data: bytes, limit: int) -> bool:
    """Whether ``data`` decodes (as :func:`decode` would) to more than ``limit``
    characters, found without decoding all of it: at most ``limit`` characters are
    decoded, a chunk at a time.

    >>> more_characters_than("ø".encode() * 3, 3), more_characters_than(b"abcd", 3)
    (False, True)
    """
    if len(data) <= limit:
        return False  # every encoding read here takes at least one byte a character
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (len(data) - 2) // 2 > limit  # one or two units a character
    decoder = codecs.getincrementaldecoder("utf-8")()
    chars, chunk = 0, 1 << 20
    try:
        for at in range(0, len(data), chunk):
            chars += len(decoder.decode(data[at:at + chunk]))
            if chars > limit:
                return True
        return chars + len(decoder.decode(b"", final=True)) > limit
    except UnicodeDecodeError:
        return True  # read as cp1252 then: one byte a character, and there are more


def _refuse_control_characters(text: str, source: str) -> None:
    """Refuse text with more than two control characters in its first 4096 characters."""
    bad = _CONTROL.search(text)
    if bad and len(_CONTROL.findall(text, 0, 4096)) > 2:
        raise InvalidInputError(
            f"{source}:{text.count(chr(10), 0, bad.start()) + 1}: control characters, "
            "probably a binary file, not a transcript; nothing was ingested",
            hint="export the transcript as .txt, .docx, .vtt or .srt")


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start) if not encoding.startswith("utf-16") else None
        where = f"{source}:{line}" if line else source
        tried = "UTF-8 or Windows-1252 (cp1252)" if encoding == "cp1252" else encoding
        raise InvalidInputError(
            f"{where}: bytes that are not {tried} text; nothing was ingested",
            hint="re-save the file as UTF-8 (in most editors: Save as > Encoding > UTF-8)",
        ) from None
