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

from qcode.ingest.run import IngestOptions, IngestReport
from qcode.ingest.run import ingest as run_ingest
from qcode.project import Project


class _CallablePackage(types.ModuleType):
    def __call__(self, project: Project, paths: Iterable[Path],
                 options: IngestOptions | None = None,
                 advance: Callable[[], None] | None = None) -> IngestReport:
        return run_ingest(project, paths, options, advance)


sys.modules[__name__].__class__ = _CallablePackage
