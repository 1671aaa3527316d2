"""Reading a coder log together with its stamp (:class:`qcode.coding.checkpoint.LogStamp`),
and telling, without reading it, that a log is still the one this machine read last.

A checkpoint made of a whole log records the log's stamp; :func:`unchanged_stamp` gives
the stamp a load compares with it (:func:`qcode.coding.checkpoint.trusted`).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

from qcode._io.locking import shared
from qcode._io.nofollow import open_nofollow
from qcode.coding import continuity
from qcode.coding.checkpoint import LogStamp, stamp_of
from qcode.coding.continuity import seen_path
from qcode.coding.log_file import lock_path
from qcode.errors import ProjectDamagedError


def read_stamped(path: Path) -> tuple[bytes, LogStamp | None, int]:
    """The bytes of a log, read while no writer is in the middle of an append (as
    :func:`qcode.coding.store.read_log_bytes`), with the file's stamp (None unless a
    regular file of the size read) and the time just before the read (for
    :func:`qcode.coding.checkpoint.trusted`)."""
    read_ns = time.time_ns()
    with shared(lock_path(path)):
        try:
            fd = open_nofollow(path, os.O_RDONLY)
        except FileNotFoundError:
            return b"", None, read_ns
        except OSError as exc:
            raise ProjectDamagedError(
                f"cannot read {path} ({exc.strerror or type(exc).__name__})",
                hint="check the file and its permissions") from None
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            with os.fdopen(fd, "rb") as fh:
                fd = -1  # the file object closes it
                data = fh.read()
        except OSError as exc:
            raise ProjectDamagedError(
                f"cannot read {path} ({exc.strerror or type(exc).__name__})",
                hint="check the file and its permissions") from None
        finally:
            if fd >= 0:
                os.close(fd)
    stamp = stamp_of(st) if stat.S_ISREG(st.st_mode) and \
        st.st_size == len(data) else None
    return data, stamp, read_ns


def unchanged_stamp(path: Path) -> LogStamp | None:
    """The log's stamp, when this machine's record of it (:mod:`qcode.coding.continuity`)
    says it is the log read last (else None: the log is read). No lock is needed: a log
    being appended to has another size than any checkpoint records."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    stamp = stamp_of(st)
    return stamp if continuity.unchanged(seen_path(path), stamp.size, path) else None
