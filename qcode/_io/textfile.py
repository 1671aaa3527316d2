"""Reading a text file the user named (a codebook, a CSV): one place, one set of messages.

Every reader of user files fails the same way: a missing file, a folder, or bytes that are
not UTF-8 each give one located sentence (``file:line`` for bad bytes) and a hint.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from qcode._io import limits
from qcode.errors import InvalidInputError, NotFoundError, located

_CHUNK = 1 << 20


def read_user_bytes(path: Path | str, what: str, *, hint: str | None = None,
                    consequence: str = "", limit_key: str = "max_file_mb") -> bytes:
    """The bytes of the regular file ``path``, read in chunks up to the ``limit_key`` bound.

    A device, pipe or socket (``/dev/zero``, a FIFO) is refused before anything is read: it
    may never end. A file above the bound is refused at the bound (a file that grows while
    it is read included), so memory stays bounded.

    >>> read_user_bytes("/dev/zero", "a CSV file")
    Traceback (most recent call last):
    ...
    qcode.errors.InvalidInputError: /dev/zero is not a regular file (a device, pipe or socket)
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NotFoundError(f"{path} does not exist{consequence}",
                            hint=hint or f"give the path of {what}") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder, not {what}{consequence}",
                                hint=hint or f"give the path of {what}") from None
    except OSError as exc:
        raise InvalidInputError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})"
                                f"{consequence}", hint="check the file's permissions") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):  # Linux opens a folder read-only; fdopen would then fail
        os.close(fd)
        raise InvalidInputError(f"{path} is a folder, not {what}{consequence}",
                                hint=hint or f"give the path of {what}")
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(mode):
            raise InvalidInputError(
                f"{path} is not a regular file (a device, pipe or socket){consequence}",
                hint=f"save {what} to a file and give that file's path")
        cap = limits.current().bytes(limit_key)
        size = os.fstat(fd).st_size
        if size > cap:
            raise limits.too_large(str(path), f"the file is {limits.size(size)}",
                                   limit_key, consequence)
        try:
            first = fh.read(size + 1)  # one buffer of the stated size: no copy to join
        except OSError as exc:
            raise InvalidInputError(f"{path} cannot be read "
                                    f"({exc.strerror or type(exc).__name__}){consequence}"
                                    ) from None
        if len(first) <= size:
            return first
        chunks: list[bytes] = [first]  # it grew since it was measured: go on, bounded
        got = len(first)
        try:
            while chunk := fh.read(_CHUNK):
                got += len(chunk)
                if got > cap:
                    raise limits.too_large(str(path), "the file grew past the limit while "
                                           "it was read", limit_key, consequence)
                chunks.append(chunk)
        except OSError as exc:
            raise InvalidInputError(f"{path} cannot be read "
                                    f"({exc.strerror or type(exc).__name__}){consequence}"
                                    ) from None
    return b"".join(chunks)


def read_user_text(path: Path | str, what: str, *, hint: str | None = None,
                   consequence: str = "") -> str:
    """The UTF-8 text of ``path`` (a leading BOM dropped; UTF-16 with a byte-order mark,
    as Excel saves "Unicode text", is read too), or a located QcodeError.

    ``what`` names the kind of file ("a codebook", "a registry CSV"); ``consequence`` is
    appended to each message (e.g. "; nothing was imported").

    >>> read_user_text("/nonexistent/x.csv", "a CSV file")
    Traceback (most recent call last):
    ...
    qcode.errors.NotFoundError: /nonexistent/x.csv does not exist
    """
    path = Path(path)
    raw = read_user_bytes(path, what, hint=hint, consequence=consequence)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInputError(f"{path}: not UTF-16 text after its byte-order mark"
                                    f"{consequence}",
                                    hint=f"save {what} as UTF-8 and try again") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{located(path, line)}: not UTF-8 text{consequence}",
                                hint=f"save {what} as UTF-8 and try again") from None
