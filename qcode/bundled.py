"""Where the material shipped with qcode lives: bundled codebooks and the sample study.

In a wheel they sit inside the package (``qcode/_bundled/``); in a source checkout or an
editable install they are the repository's top-level ``codebooks/`` and ``transcripts/``.
"""

from __future__ import annotations

from pathlib import Path

from qcode.errors import NotFoundError

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_CODEBOOK = "telemedicine-norway.yaml"


def bundled_dir(kind: str) -> Path:
    """The folder of bundled ``codebooks`` or ``transcripts``."""
    for candidate in (_PACKAGE / "_bundled" / kind, _PACKAGE.parent / kind):
        if candidate.is_dir():
            return candidate
    raise NotFoundError(f"the bundled {kind} folder is missing from this installation",
                        hint="reinstall qcode: pip install --force-reinstall qcode")


def bundled_codebook(name: str = DEFAULT_CODEBOOK) -> Path:
    path = bundled_dir("codebooks") / name
    if not path.is_file():
        names = ", ".join(sorted(p.name for p in bundled_dir("codebooks").glob("*.yaml")))
        raise NotFoundError(f"no bundled codebook named {name}", hint=f"bundled: {names}")
    return path
