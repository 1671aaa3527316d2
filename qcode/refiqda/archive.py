"""Safe reading of a ``.qdpx`` (a ZIP) or a bare ``.qde`` with its sources beside it.

Nothing is ever extracted to disk: entries are read into memory, with limits checked from
the central directory first and again while streaming (a lying header cannot get past):

- an entry whose name would land outside the archive folder (``../x``, ``/etc/x``,
  ``C:\\x``) refuses the whole archive (zip slip);
- at most :data:`MAX_ENTRIES` entries; only the project file and the plain texts in
  ``sources/`` (``*.txt``) are read, and their uncompressed total and each one's
  compression ratio are bounded by ``max_archive_mb`` and ``max_zip_ratio``
  (:mod:`qcode._io.ziplimits`, settings in :mod:`qcode._io.limits`);
- the project file is the single ``*.qde`` at the root (any name; two or more are refused
  as ambiguous); the sources folder is found in any letter case; ``.root`` marker files
  are ignored.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from qcode._io import ziplimits
from qcode._io.textfile import read_user_bytes
from qcode.errors import InvalidInputError, NotFoundError
from qcode.refiqda.codebook_exchange import read_file

MAX_ENTRIES = ziplimits.MAX_ENTRIES
NOTHING_IMPORTED = "; nothing was imported"
_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(name: str) -> bool:
    n = name.replace("\\", "/")
    if n.startswith("/") or _DRIVE.match(n):
        return True
    return any(part == ".." for part in n.split("/"))


@dataclass
class Archive:
    """The parts of a project file that the importer needs, read and bounded."""

    where: str  # for messages: the archive path
    qde_name: str
    qde: bytes
    #: lower-cased file name in the sources folder -> bytes
    sources: dict[str, bytes] = field(default_factory=dict)
    #: folder of a bare .qde (sources may be resolved relative to it); None for a zip
    folder: Path | None = None

    def internal(self, name: str) -> bytes | None:
        return self.sources.get(name.strip().lower())


def open_qdpx(path: Path, *, max_entries: int | None = None) -> Archive:
    path = Path(path)
    max_entries = MAX_ENTRIES if max_entries is None else max_entries
    if path.exists() and not path.is_file():  # a device or a pipe: never opened
        raise InvalidInputError(f"{path} is not a regular file (a device, pipe or socket)"
                                f"{NOTHING_IMPORTED}", hint="give the path of a .qdpx file")
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file", hint="check the path")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"<CodeBook" in head or b":CodeBook" in head:
            raise InvalidInputError(f"{path}: a REFI-QDA codebook (.qdc), not a project "
                                    "(.qdpx); nothing was imported",
                                    hint=f"import it with: qcode import qdc {path}") from None
        raise InvalidInputError(f"{path}: not a ZIP archive, so not a .qdpx; nothing was "
                                "imported", hint="a bare project file ends in .qde") from None
    with zf:
        infos = zf.infolist()
        for info in infos[:max_entries + 1]:
            if _unsafe(info.filename):
                raise InvalidInputError(
                    f"{path}: refused: entry '{info.filename}' points outside the archive "
                    "(zip slip); nothing was imported")
        if len(infos) > max_entries:
            raise InvalidInputError(f"{path}: refused: {len(infos)} entries (more than "
                                    f"{max_entries}){NOTHING_IMPORTED}")
        files = [i for i in infos if not i.is_dir()]
        qdes = [i for i in files if "/" not in i.filename.strip("/")
                and i.filename.lower().endswith(".qde")]
        if not qdes:
            raise InvalidInputError(f"{path}: no .qde project file at the top of the "
                                    "archive; nothing was imported",
                                    hint="is this a REFI-QDA project export (.qdpx)?")
        if len(qdes) > 1:
            names = ", ".join(sorted(i.filename for i in qdes))
            raise InvalidInputError(f"{path}: refused as ambiguous: {len(qdes)} project "
                                    f"files at the top of the archive ({names}); nothing "
                                    "was imported",
                                    hint="export one project per .qdpx, or unpack it and "
                                         "import the .qde you mean")
        texts = [i for i in files if _plain_text(i.filename)]
        # only what is read counts against the bounds: a project's audio and video
        # sources (never read: qcode imports text) do not make its archive "too large"
        budget = [ziplimits.check_directory([qdes[0], *texts], str(path), NOTHING_IMPORTED,
                                            max_entries=max_entries)]
        qde = _read(zf, qdes[0], path, budget)
        sources = {PurePosixPath(i.filename.replace("\\", "/")).name.lower():
                   _read(zf, i, path, budget) for i in texts}
    return Archive(str(path), qdes[0].filename, qde, sources)


def _plain_text(name: str) -> bool:
    """A ``sources/*.txt`` entry: the plain text of a source or a note (REFI-QDA keeps
    every ``plainTextPath`` there); media and original files are never read."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return len(parts) == 2 and parts[0].lower() == "sources" and \
        parts[1].lower().endswith(".txt")


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: Path, budget: list[int]) -> bytes:
    """Stream one entry within its declared size and the archive's bounds."""
    return ziplimits.read_entry(zf, info, str(where), budget, NOTHING_IMPORTED)


def open_qde(path: Path) -> Archive:
    """A bare project file; its sources are looked up beside it (see :func:`sibling`)."""
    path = Path(path)
    data = read_file(path, "project file")
    return Archive(str(path), path.name, data, {}, folder=path.resolve().parent)


def sibling(folder: Path, name: str) -> bytes | None:
    """A source file of a bare .qde: ``<folder>/<sources in any case>/<name>`` or
    ``<folder>/<name>``; only plain file names (no folders) are looked up."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", ".."):
        return None
    candidates = [folder / base]
    for sub in folder.iterdir():
        if sub.is_dir() and sub.name.lower() == "sources":
            candidates.insert(0, sub / base)
            for f in sub.iterdir():
                if f.name.lower() == base.lower():
                    candidates.insert(1, f)
    for c in candidates:
        if c.is_file():
            return read_user_bytes(c, "a source text", consequence=NOTHING_IMPORTED)
    return None


def open_any(path: Path) -> Archive:
    path = Path(path)
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder, not a .qdpx or .qde file; nothing was "
                                "imported", hint="give the .qdpx file, or the .qde file of an "
                                                 "unpacked project")
    if path.suffix.lower() == ".qde":
        return open_qde(path)
    return open_qdpx(path)
