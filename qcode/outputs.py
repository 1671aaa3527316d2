"""Writing a file the user named (``--output``, ``export qdpx FILE``, ``demo DIR``...).

Every command that writes a user-named file goes through :func:`write_output` (or calls
:func:`guard_folder` first, for a new folder), so one rule protects the project's own data:

* a path inside a project's data -- ``documents/``, ``codings/``, ``reconciliations/``,
  ``registry/``, ``memos/``, the codebook, ``qcode.toml``, ``codebook.log.jsonl``, the
  import marker, ``pseudonyms.csv``, ``.qcode.lock``, ``.gitignore``, ``.gitattributes``
  and ``.qcode-index/`` -- is refused with a :class:`~qcode.errors.ConflictError`, however it is
  spelled (relative, absolute, with ``..``, through a linked folder; on a file system that
  ignores case, in any case);
* a symbolic link at an output file's path is refused (qcode does not write through links;
  a folder given for a new project may be a link, as long as it does not lead into data).

The project is found from the target itself, by walking up from it to a ``qcode.toml``: so
the rule holds whether or not a project is open, and whichever project ``--project``
names. (A codebook kept outside the project folder, by a ``codebook =`` setting that leads
elsewhere, is not found this way.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from qcode._io import atomic
from qcode._io.leftovers import sweep_temp_files
from qcode.errors import ConflictError, QcodeError
from qcode.project import DATA_FOLDERS, IMPORT_MARKER, SETTINGS_FILE, Project

#: files at a project's root that are its data too (besides the codebook and qcode.toml):
#: the codebook's change log, the import marker, the pseudonym table, the project lock and
#: the git settings init writes (spelled here: the modules that own them sit above this one)
ROOT_DATA_FILES = ("codebook.log.jsonl", IMPORT_MARKER, "pseudonyms.csv", ".qcode.lock",
                   ".gitignore", ".gitattributes")
#: machine-local folders at a project's root that qcode keeps (the read index)
ROOT_DATA_FOLDERS = (".qcode-index",)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _protected(root: Path) -> list[tuple[Path, str]]:
    """(resolved path, how to name it) of each part of the project's data at ``root``."""
    try:
        codebook = Project(root).codebook_path
    except QcodeError:  # a damaged qcode.toml: protect the default name
        codebook = root / "codebook.yaml"
    items = [(root / f, f"{f}/") for f in (*DATA_FOLDERS, *ROOT_DATA_FOLDERS)]
    items += [(root / f, f) for f in (SETTINGS_FILE, *ROOT_DATA_FILES)]
    try:
        items.append((codebook, codebook.relative_to(root).as_posix()))
    except ValueError:  # a codebook kept outside the project folder
        items.append((codebook, str(codebook)))
    return [(p.resolve(), label) for p, label in items]


def _data_part(target: Path) -> str | None:
    """The part of a project's data that ``target`` (resolved) is or lies in, if any."""
    for folder in target.parents:
        if not (folder / SETTINGS_FILE).is_file():
            continue
        protected = _protected(folder)
        for path, label in protected:
            if target == path or path in target.parents:
                return label
        # the same folders or files under another spelling (case-insensitive file systems)
        ids = {i: label for path, label in protected if (i := _identity(path)) is not None}
        for here in (target, *target.parents):
            if here == folder:
                break
            ident = _identity(here)
            if ident is not None and ident in ids:
                return ids[ident]
    return None


def guard_output(path: Path | str) -> None:
    """Refuse to write the user-named file ``path`` if it is a symbolic link or
    lies in a project's data (see the module's docstring)."""
    path = Path(path)
    if path.is_symlink():
        raise ConflictError(f"{path} is a symbolic link; qcode does not write output through "
                            "links, so nothing was written",
                            hint="give the path of a real file (or delete the link first)")
    guard_folder(path)


def guard_folder(path: Path | str) -> None:
    """Refuse the user-named folder ``path`` (for a new project: ``init``, ``demo``,
    ``import qdpx --into``) if it lies in a project's data."""
    path = Path(path)
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links: creating the folder will fail clearly
        return
    label = _data_part(target)
    if label is not None:
        raise ConflictError(
            f"{path} is in the project's data ({label}); writing there would replace the "
            "project's own files, so nothing was written",
            hint=f"write it outside the project's data folders, e.g. output/{path.name}")


#: lines per piece of :meth:`Lines.chunks` (a report's excerpt is one line of ~400
#: characters: pieces of about a megabyte)
LINES_PER_CHUNK = 2048


class Lines(NamedTuple):
    """A text given as its lines (joined by newlines, no newline added at the end), so that
    a text of tens of megabytes (a report) is written a chunk of lines at a time instead of
    being joined into one string and encoded whole.

    >>> Lines(["# Title", "", "text"]).text()
    '# Title\\n\\ntext'
    """

    lines: list[str]

    def text(self) -> str:
        """The whole text."""
        return "\n".join(self.lines)

    def chunks(self, size: int | None = None) -> Iterator[str]:
        """The text in pieces of ``size`` lines (:data:`LINES_PER_CHUNK`), each but the last
        with its newline: their concatenation is :meth:`text`."""
        lines, size = self.lines, size or LINES_PER_CHUNK
        for i in range(0, len(lines), size):
            piece = lines[i:i + size]
            if i + size < len(lines):
                piece.append("")  # the newline before the next piece
            yield "\n".join(piece)


def write_output(path: Path | str, data: bytes | str | Lines) -> None:
    """Write a user-named output file atomically, after :func:`guard_output`; stale temp
    files of a killed earlier write of it are removed first (:mod:`qcode._io.leftovers`).
    Text is written as UTF-8; :class:`Lines` a chunk at a time."""
    guard_output(path)
    sweep_temp_files(Path(path).parent, Path(path).name)  # left by a killed earlier write
    if isinstance(data, Lines):
        atomic.write_chunks(Path(path), (c.encode("utf-8") for c in data.chunks()))
    elif isinstance(data, str):
        atomic.write_text(Path(path), data)
    else:
        atomic.write_bytes(Path(path), data)
