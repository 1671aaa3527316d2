"""How much qcode reads from one file, archive or transcript, and how to raise it.

Every bound has a generous default for a real study, a ``[limits]`` key in ``qcode.toml``
and an environment variable (``QCODE_`` + the key in capitals), which wins over the
project file and works outside a project too::

    [limits]
    max_file_mb = 512          # any one file qcode reads whole (transcript, CSV, JSONL, codebook)
    max_transcript_mb = 50     # text of one transcript, in millions of characters
    max_segments = 100000      # segments (turns, cues, paragraphs) of one transcript
    max_segment_chars = 200000 # characters of one segment: a coding's quote is at most this
    max_archive_mb = 2048      # what one archive (.qdpx, .docx) expands to, all entries
    max_zip_ratio = 200        # how much one archive entry (over 1 MB) may expand per byte

    QCODE_MAX_TRANSCRIPT_MB=200 qcode ingest huge.txt

A bound that is hit raises :class:`~qcode.errors.InvalidInputError` naming the file, the
bound and both ways to raise it (:func:`too_large`).

>>> Limits().max_segments
100000
>>> Limits.from_mapping({"max_segments": 10}, "qcode.toml").max_segments
10
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from qcode.errors import InvalidInputError, ProjectDamagedError

MB = 1024 * 1024
#: archive entries smaller than this are never refused for their compression ratio
RATIO_FLOOR = MB


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_mb: float = 512
    max_transcript_mb: float = 50
    max_segments: int = 100_000
    max_segment_chars: int = 200_000
    max_archive_mb: float = 2048
    max_zip_ratio: float = 200

    @classmethod
    def from_mapping(cls, values: dict[str, object], where: str) -> Limits:
        """Limits from a ``[limits]`` table; unknown keys and non-positive numbers refused."""
        known = {f.name: f.type for f in fields(cls)}
        updates: dict[str, Any] = {}  # field name -> int or float, as the field is typed
        for key, value in values.items():
            if key not in known:
                raise ProjectDamagedError(f"{where}: [limits] has no setting '{key}'",
                                          hint=f"the settings are: {', '.join(known)}")
            number = _positive(value)
            if number is None:
                raise ProjectDamagedError(f"{where}: [limits] {key} must be a positive number")
            updates[key] = int(number) if known[key] == "int" else number
        return replace(cls(), **updates)

    def with_environment(self) -> Limits:
        """These limits with any ``QCODE_MAX_...`` environment variable applied."""
        updates: dict[str, Any] = {}  # field name -> int or float, as the field is typed
        for f in fields(self):
            raw = os.environ.get(env_name(f.name))
            if raw is None or not raw.strip():
                continue
            number = _positive(raw.strip())
            if number is None:
                raise InvalidInputError(f"{env_name(f.name)}={raw!r} is not a positive number",
                                        hint=f"for example: {env_name(f.name)}=1000")
            updates[f.name] = int(number) if f.type == "int" else number
        return replace(self, **updates)

    def bytes(self, name: str) -> int:
        """A ``..._mb`` limit in bytes (or characters, for ``max_transcript_mb``)."""
        return int(float(getattr(self, name)) * MB)


def _positive(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 and number == number and number != float("inf") else None


def size(n: int) -> str:
    """A byte count for a message.

    >>> size(1500), size(3 * MB)
    ('1500 bytes', '3.0 MB')
    """
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} bytes"


def env_name(key: str) -> str:
    """The environment variable of a limit.

    >>> env_name("max_file_mb")
    'QCODE_MAX_FILE_MB'
    """
    return "QCODE_" + key.upper()


_project_limits = Limits()


def use_project_limits(limits: Limits) -> None:
    """The ``[limits]`` of the project just opened (the CLI opens one project per run)."""
    global _project_limits
    _project_limits = limits


def current() -> Limits:
    """The limits in force: the open project's (else the defaults), then the environment."""
    return _project_limits.with_environment()


def too_large(where: str, what: str, key: str, consequence: str = "") -> InvalidInputError:
    """The error for a bound that was hit: ``what`` says by how much, ``key`` names it."""
    value = getattr(current(), key)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    bigger = f"{float(value) * 4:g}" if isinstance(value, float) else str(int(value) * 4)
    return InvalidInputError(
        f"{where}: {what}, more than the limit {key} = {shown}{consequence}",
        hint=f"if the file is right, raise the limit: {env_name(key)}={bigger} qcode ..., "
             f"or in qcode.toml: [limits] {key} = {bigger}")


def check_transcript(where: str, consequence: str, *, chars: int = 0, segments: int = 0,
                     longest: tuple[str, int] | None = None) -> None:
    """Refuse one transcript above ``max_transcript_mb`` (``chars``), ``max_segments``
    (``segments``) or ``max_segment_chars`` (``longest``: a segment id and its length)."""
    bound = current()
    if chars > bound.bytes("max_transcript_mb"):
        raise too_large(where, f"the transcript holds {chars} characters",
                        "max_transcript_mb", consequence)
    if segments > bound.max_segments:
        raise too_large(where, f"the transcript has {segments} segments (turns, cues or "
                        "paragraphs)", "max_segments", consequence)
    if longest is not None and longest[1] > bound.max_segment_chars:
        raise too_large(where, f"segment {longest[0]} holds {longest[1]} characters (every "
                        "coding of it would store them all as its quote)",
                        "max_segment_chars", consequence)
