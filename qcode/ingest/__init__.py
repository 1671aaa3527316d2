"""Stage 1, transcripts in: decode bytes, segment turns, attributes, re-anchoring.

The transcript readers themselves are in qcode.formats, one module per format.

``qcode.ingest(project, paths, options)`` is the public library call: once this package is
imported, Python binds ``qcode.ingest`` to it rather than to the function, so the package
itself is callable and runs :func:`qcode.ingest.run.ingest`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcode.ingest.run import IngestOptions, IngestReport
    from qcode.project import Project


class _CallablePackage(types.ModuleType):
    def __call__(self, project: Project, paths: Iterable[Path],
                 options: IngestOptions | None = None,
                 advance: Callable[[], None] | None = None) -> IngestReport:
        # imported here, not at the top: commands that only open a project import this
        # package (qcode.ingest.replace) and must not pay for every transcript reader
        from qcode.ingest.run import ingest

        return ingest(project, paths, options, advance)


sys.modules[__name__].__class__ = _CallablePackage
