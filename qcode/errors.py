"""One family of expected failures, each with a sentence a researcher can act on.

Core code raises these; the CLI catches them in exactly one place (``qcode.cli.app``) and
prints ``Error: <message>`` and, where useful, ``Hint: <hint>`` to stderr, then exits with
the error's :class:`ExitCode`. Messages name files and lines but never quote transcript text.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Named exit statuses, stable for scripts that run qcode over a corpus."""

    OK = 0
    FAILURE = 1  # an unexpected failure (a bug): reported with --debug for the traceback
    USAGE = 2  # bad command-line usage (typer/click use 2 as well)
    NO_PROJECT = 3  # no qcode project here, or the project folder is damaged
    INVALID_INPUT = 4  # a file or value given by the user is malformed
    NOT_FOUND = 5  # a named document, segment, code, coder or file does not exist
    CONFLICT = 6  # the action would overwrite or contradict something already saved
    PARTIAL = 7  # a batch finished, but some items failed (each one reported)
    INSUFFICIENT_DATA = 8  # the data cannot give an answer (e.g. agreement with one coder)
    WRITE_FAILED = 9  # nothing could be saved: disk full, read-only folder, I/O error
    PROBLEMS_FOUND = 10  # qcode check ran and found problems in the project (listed)
    LEAKS_FOUND = 11  # qcode pseudonyms check found identifying strings in a file (listed)
    INTERRUPTED = 130  # Ctrl-C


class QcodeError(Exception):
    """Base of every expected failure.

    >>> str(QcodeError("the codebook has 2 problems", hint="run qcode codebook check"))
    'the codebook has 2 problems'
    """

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, *, hint: str | None = None,
                 details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        #: extra lines (one per problem) printed under the error, e.g. every codebook problem
        self.details: list[str] = list(details or [])

    def __str__(self) -> str:
        return self.message


class UsageError(QcodeError):
    exit_code = ExitCode.USAGE


class ProjectNotFoundError(QcodeError):
    exit_code = ExitCode.NO_PROJECT


class ProjectDamagedError(QcodeError):
    exit_code = ExitCode.NO_PROJECT


class InvalidInputError(QcodeError):
    exit_code = ExitCode.INVALID_INPUT


class CodebookError(InvalidInputError):
    """A codebook that cannot be used; ``details`` lists every located problem."""


class NotFoundError(QcodeError):
    exit_code = ExitCode.NOT_FOUND


class ConflictError(QcodeError):
    exit_code = ExitCode.CONFLICT


class PartialFailureError(QcodeError):
    exit_code = ExitCode.PARTIAL


class InsufficientDataError(QcodeError):
    exit_code = ExitCode.INSUFFICIENT_DATA


class WriteFailedError(QcodeError):
    """The operating system refused a write (full disk, read-only folder, I/O error).

    The message says what is known: whether the data reached the file or nothing changed.
    """

    exit_code = ExitCode.WRITE_FAILED


def located(path: object, line: int | None = None) -> str:
    """Format a location the way compilers do: ``file:line`` (line is 1-based).

    >>> located("codebook.yaml", 12)
    'codebook.yaml:12'
    >>> located("codebook.yaml")
    'codebook.yaml'
    """
    return f"{path}:{line}" if line is not None else str(path)
