"""qcode: a terminal toolkit for qualitative interview coding.

Every analysis is also a library call::

    import qcode
    project = qcode.open_project("study")
    codebook = project.codebook

Names are imported lazily so that ``qcode --version`` and ``import qcode`` stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors and records
    "QcodeError": "qcode.errors",
    "ExitCode": "qcode.errors",
    "Codebook": "qcode.models",
    "Code": "qcode.models",
    "Theme": "qcode.models",
    "Level": "qcode.models",
    "Document": "qcode.models",
    "Turn": "qcode.models",
    "Segment": "qcode.models",
    "Coding": "qcode.models",
    "CodingEvent": "qcode.models",
    # project and codebook
    "Project": "qcode.project",
    "open_project": "qcode.project",
    "init_project": "qcode.project",
    "load_codebook": "qcode.codebook.load",
    "check_codebook": "qcode.codebook.load",
    "resolve_code": "qcode.codebook.lookup",
    # transcripts in
    "ingest": "qcode.ingest.run",
    "read_document": "qcode.ingest.run",
    "finish_pending": "qcode.pending",
    # coding
    "coder_names": "qcode.coding.store",
    "current_codings": "qcode.coding.store",
    "completed_documents": "qcode.coding.store",
    "add_codes": "qcode.coding.store",
    "remove_codes": "qcode.coding.store",
    "mark_done": "qcode.coding.store",
    "suggest_documents": "qcode.coding.suggest",
    # agreement and reconciliation
    "agreement_for_project": "qcode.agreement.project",
    "diff": "qcode.reconcile.pair_diff",
    "reconcile": "qcode.reconcile.run",
    # counting and reporting
    "matrix": "qcode.counts.matrix",
    "cooccur": "qcode.counts.cooccur",
    "run_demo": "qcode.demo",
    # exchange
    "export_qdc": "qcode.refiqda.codebook_exchange",
    "import_qdc": "qcode.refiqda.codebook_exchange",
    "export_qdpx": "qcode.refiqda.exporter",
    "import_qdpx": "qcode.refiqda.importer",
    # the quantitative strand
    "read_registry": "qcode.registry.table",
    "summarise_registry": "qcode.registry.utilisation",
    "joint_display": "qcode.registry.joint",
}
_ALIASES = {"load_codebook": "load", "check_codebook": "check_file", "read_registry": "read",
            "summarise_registry": "summarise", "joint_display": "build"}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qcode' has no attribute {name!r}")
    value = getattr(import_module(module), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
