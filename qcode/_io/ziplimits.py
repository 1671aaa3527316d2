"""Bounded reading of ZIP archives (``.qdpx`` projects, ``.docx`` transcripts).

An archive is checked twice. First from its central directory, before anything is
decompressed: the number of entries, the declared uncompressed total against
``max_archive_mb``, and each entry's declared compression ratio against ``max_zip_ratio``
(entries under 1 MB are never refused for their ratio). Then while streaming: an entry
that yields more than it declared, or more than the ratio allows, or the archive's total
passing the bound, stops at once. A header that lies cannot get past either check.

The bounds come from :mod:`qcode._io.limits` (``[limits]`` in ``qcode.toml`` or
``QCODE_MAX_ARCHIVE_MB`` / ``QCODE_MAX_ZIP_RATIO``).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence

from qcode._io import limits
from qcode.errors import InvalidInputError

MAX_ENTRIES = 20_000
MAX_ENTRY = 2**31 - 1  # the REFI-QDA limit for one internal file
_CHUNK = 1 << 16


def check_directory(infos: Sequence[zipfile.ZipInfo], where: str, consequence: str,
                    *, max_entries: int = MAX_ENTRIES) -> int:
    """Refuse an archive whose central directory already exceeds a bound; return the
    byte budget for :func:`read_entry` (the ``max_archive_mb`` bound)."""
    if len(infos) > max_entries:
        raise InvalidInputError(f"{where}: refused: {len(infos)} entries (more than "
                                f"{max_entries}){consequence}")
    bound = limits.current()
    budget = bound.bytes("max_archive_mb")
    declared = sum(i.file_size for i in infos)
    if declared > budget:
        raise limits.too_large(where, f"refused: the archive expands to "
                               f"{limits.size(declared)}", "max_archive_mb", consequence)
    for info in infos:
        if info.file_size > limits.RATIO_FLOOR and \
                info.file_size > bound.max_zip_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise limits.too_large(where, f"refused: entry '{info.filename}' expands "
                                   f"{ratio:.0f} times (a zip bomb?)", "max_zip_ratio",
                                   consequence)
    return budget


def read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: list[int],
               consequence: str) -> bytes:
    """Stream one entry, stopping as soon as it passes its declared size, the ratio bound
    or what is left of ``budget`` (a one-item list, decreased by what was read)."""
    ratio = limits.current().max_zip_ratio
    limit = min(info.file_size, MAX_ENTRY)
    chunks: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                got += len(chunk)
                budget[0] -= len(chunk)
                if got > limit:
                    raise InvalidInputError(
                        f"{where}: refused: entry '{info.filename}' expands beyond its "
                        f"declared size (a zip bomb?){consequence}")
                if budget[0] < 0:
                    raise limits.too_large(where, f"refused: entry '{info.filename}' takes "
                                           "the archive past its size bound",
                                           "max_archive_mb", consequence)
                if got > limits.RATIO_FLOOR and got > ratio * max(info.compress_size, 1):
                    raise limits.too_large(where, f"refused: entry '{info.filename}' expands "
                                           f"more than {ratio:g} times (a zip bomb?)",
                                           "max_zip_ratio", consequence)
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        raise InvalidInputError(f"{where}: entry '{info.filename}' is damaged or its "
                                f"sizes lie ({type(exc).__name__}){consequence}") from None
    except NotImplementedError:
        raise InvalidInputError(f"{where}: entry '{info.filename}' uses a compression qcode "
                                f"cannot read{consequence}") from None
    return b"".join(chunks)
