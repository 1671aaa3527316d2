"""Which files an ingest takes: the paths given, folders walked, ``--exclude`` patterns.

Files named directly are read (a link named directly is followed) unless an ``--exclude``
pattern matches them. Folders are walked in sorted order; there, a file is taken when its
extension is a transcript extension (``.txt .text .md .markdown .vtt .srt .docx`` or none)
and no pattern matches it. Everything else found is skipped with its reason, and the
command names every one:

- ``excluded``: an ``--exclude`` pattern matched (a README, a MANIFEST, a folder of
  drafts are taken like any transcript unless the researcher leaves them out so);
- ``hidden``: a name starting with a dot (a hidden folder counts once);
- ``a Word lock file``: ``~$name.docx``, which Word keeps beside a document it has open;
- ``not a transcript``: another extension (``.csv``, ``.pdf``, ``.py``...);
- symbolic links to files or folders are never followed in a folder (``passwd.txt ->
  /etc/passwd`` in a shared folder is not read); they are listed apart.

A pattern is a shell glob (``*``, ``?``, ``[abc]``) matched without regard to case against
the file's name and against its path inside the walked folder (``README*``,
``*MANIFEST*``, ``drafts/*``); a pattern matching a folder's name leaves out the folder.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: extensions taken when a folder is walked (files named on the command line are always read)
TRANSCRIPT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".vtt", ".srt", ".docx",
                                 ""})
HIDDEN, LOCK_FILE, NOT_TRANSCRIPT = "hidden", "a Word lock file", "not a transcript"


@dataclass
class Found:
    """The files a walk found: taken, skipped (with reasons), excluded, links, missing."""

    files: list[Path] = field(default_factory=list)
    #: (path, reason): HIDDEN, LOCK_FILE or NOT_TRANSCRIPT
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    #: (path, the pattern that matched)
    excluded: list[tuple[Path, str]] = field(default_factory=list)
    links: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    #: whether a folder was walked (the command then says what it took)
    walked: bool = False


def matching(patterns: Sequence[str], name: str, inside: str) -> str | None:
    """The first pattern matching a name or its path inside the walked folder, or None.

    >>> matching(["readme*", "drafts/*"], "README.md", "README.md")
    'readme*'
    >>> matching(["drafts/*"], "N01.txt", "drafts/N01.txt"), matching(["*.md"], "a.txt", "a.txt")
    ('drafts/*', None)
    """
    name, inside = name.casefold(), inside.casefold()
    for pattern in patterns:
        p = pattern.casefold().rstrip("/")
        if fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(inside, p):
            return pattern
    return None


def find_files(paths: Iterable[Path], exclude: Sequence[str] = ()) -> Found:
    """Walk ``paths`` by the module's rules."""
    found = Found()
    for path in map(Path, paths):
        if path.is_dir():
            found.walked = True
            _walk(path, exclude, found)
        elif path.exists():
            hit = matching(exclude, path.name, path.as_posix())
            if hit is not None:
                found.excluded.append((path, hit))
            else:  # a device or a pipe is refused when it is read, with a reason
                found.files.append(path)
        else:
            found.missing.append(path)
    found.links.sort()
    return found


def _walk(root: Path, exclude: Sequence[str], found: Found) -> None:
    files: list[tuple[Path, str]] = []
    for top, dirs, names in os.walk(root):  # never descends into a linked folder
        here = Path(top)
        keep = []
        for d in sorted(dirs):
            p, inside = here / d, (here / d).relative_to(root).as_posix()
            if d.startswith("."):
                found.skipped.append((p, HIDDEN))
            elif p.is_symlink():
                found.links.append(p)
            elif (hit := matching(exclude, d, inside)) is not None:
                found.excluded.append((p, hit))
            else:
                keep.append(d)
        dirs[:] = keep
        for name in names:
            p = here / name
            if p.is_symlink():
                found.links.append(p)
            elif name.startswith("."):
                found.skipped.append((p, HIDDEN))
            elif p.is_file():
                files.append((p, p.relative_to(root).as_posix()))
    for p, inside in sorted(files):
        hit = matching(exclude, p.name, inside)
        if hit is not None:
            found.excluded.append((p, hit))
        elif p.name.startswith("~$"):
            found.skipped.append((p, LOCK_FILE))
        elif p.suffix.lower() not in TRANSCRIPT_SUFFIXES:
            found.skipped.append((p, NOT_TRANSCRIPT))
        else:
            found.files.append(p)
