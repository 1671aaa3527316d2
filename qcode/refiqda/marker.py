"""The marker of an interrupted ``import qdpx`` into a project (``.import-pending.json``).

Kept apart from :mod:`qcode.refiqda.import_write` because every command that opens a
project looks for it (:mod:`qcode.pending`), and only an import needs the writing side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qcode.project import IMPORT_MARKER, Project

MARKER = IMPORT_MARKER


def pending_import(project: Project) -> dict[str, Any] | None:
    """The marker of an interrupted import into ``project`` (None if there is none)."""
    path = Path(project.root) / MARKER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"file": "(unreadable marker)", "sha256": "", "started": ""}
    return data if isinstance(data, dict) else {"file": "?", "sha256": "", "started": ""}
