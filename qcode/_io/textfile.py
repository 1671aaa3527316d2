"""Reading a text file the user named (a codebook, a CSV): one place, one set of messages.

Every reader of user files fails the same way: a missing file, a folder, or bytes that are
not UTF-8 each give one located sentence (``file:line`` for bad bytes) and a hint.
"""

from __future__ import annotations

from pathlib import Path

from qcode.errors import InvalidInputError, NotFoundError, located


def read_user_text(path: Path | str, what: str, *, hint: str | None = None,
                   consequence: str = "") -> str:
    """The UTF-8 text of ``path`` (a leading BOM dropped), or a located QcodeError.

    ``what`` names the kind of file ("a codebook", "a registry CSV"); ``consequence`` is
    appended to each message (e.g. "; nothing was imported").

    >>> read_user_text("/nonexistent/x.csv", "a CSV file")
    Traceback (most recent call last):
    ...
    qcode.errors.NotFoundError: /nonexistent/x.csv does not exist
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{path} does not exist{consequence}",
                            hint=hint or f"give the path of {what}") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder, not {what}{consequence}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{located(path, line)}: not UTF-8 text{consequence}",
                                hint=f"save {what} as UTF-8 and try again") from None
