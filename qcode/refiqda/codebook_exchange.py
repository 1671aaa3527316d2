"""Codebook exchange: ``.qdc`` out of and into a project (or a YAML codebook file).

Importing into a project **replaces** its codebook with the imported one, but refuses (and
changes nothing) when a code that some coder has used would disappear; the previous
codebook is kept beside it as ``codebook.before-import-<time>.yaml``. The new file is
checked by ``qcode.codebook.load`` before it is written.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from qcode._io import atomic
from qcode._io.textfile import read_user_bytes
from qcode.codebook.load import check_text
from qcode.coding.store import coder_names, current_codings
from qcode.errors import CodebookError, ConflictError, InvalidInputError
from qcode.models import Codebook
from qcode.outputs import write_output
from qcode.project import Project, now_iso
from qcode.refiqda.codebook_map import build_codebook
from qcode.refiqda.codebook_xml import ORIGIN, qdc_bytes, read_qdc
from qcode.refiqda.codebook_yaml import dump
from qcode.refiqda.report import ImportReport


def export_qdc(cb: Codebook, path: Path) -> int:
    """Write ``cb`` as a ``.qdc``; return the number of codes."""
    write_output(Path(path), qdc_bytes(cb, ORIGIN))
    return len(cb.codes)


def read_file(path: Path, what: str) -> bytes:
    return read_user_bytes(path, f"a {what}", consequence="; nothing was imported",
                           hint="check the path")


def checked(cb: Codebook, where: str) -> tuple[Codebook, str]:
    """The codebook as it reloads from YAML (and that text); refuse one that would not."""
    text = dump(cb, header=f"Imported by qcode from {Path(where).name}.")
    result = check_text(text, "imported codebook")
    if result.codebook is None:
        raise CodebookError(f"{where}: the imported codebook is not usable "
                            f"({len(result.errors)} problems); nothing was imported",
                            details=[str(p) for p in result.errors])
    return result.codebook, text


def import_qdc(path: Path, level_map: dict[str, str] | None = None,
               ) -> tuple[Codebook, str, ImportReport]:
    """Read a ``.qdc`` -> (codebook, its YAML text, report). Writes nothing."""
    data = read_file(path, "codebook file")
    if data[:4] == b"PK\x03\x04":
        raise InvalidInputError(f"{path} is a ZIP archive (a .qdpx project?), not a .qdc "
                                "codebook; nothing was imported",
                                hint=f"import a whole project with: qcode import qdpx {path}")
    qdc = read_qdc(data, str(path))
    report = ImportReport(file=str(path), kind="qdc", origin=qdc.origin,
                          namespace=qdc.namespace)
    check_namespace(report, "codebook")
    cb = build_codebook(qdc.roots, qdc.sets, report, level_map=level_map,
                        name=Path(path).stem)
    if not cb.codes:
        raise InvalidInputError(f"{path}: no code could be imported; nothing was written",
                                hint="see the reasons with --format json, or try "
                                     "--map-levels", details=[f"{d.what}: {d.reason}"
                                                              for d in report.dropped][:10])
    cb, text = checked(cb, str(path))
    report.taken.update(codes=len(cb.codes), themes=len(cb.themes), levels=len(cb.levels))
    return cb, text, report


def check_namespace(report: ImportReport, kind: str) -> None:
    ns = report.namespace
    if not ns:
        report.note("the file has no XML namespace; read as REFI-QDA 1.0")
    elif not ns.startswith(f"urn:QDA-XML:{kind}:"):
        report.note(f"unexpected XML namespace '{ns}'; read as REFI-QDA 1.0")
    elif ns != f"urn:QDA-XML:{kind}:1.0":
        report.note(f"namespace '{ns}' is another REFI-QDA version; read as 1.0")


def coded_code_ids(project: Project) -> dict[str, int]:
    """code id -> number of current codings (all coders)."""
    counts: Counter[str] = Counter()
    for coder in coder_names(project):
        counts.update(c.code for c in current_codings(project, coder))
    return dict(counts)


def apply_codebook(project: Project, cb: Codebook, text: str, report: ImportReport) -> Path:
    """Replace the project's codebook (see the module docstring); return the backup path."""
    used = coded_code_ids(project)
    gone = sorted(cid for cid in used if cb.code(cid) is None)
    if gone:
        shown = ", ".join(gone[:8]) + (" ..." if len(gone) > 8 else "")
        raise ConflictError(
            f"the imported codebook lacks {len(gone)} code(s) that have codings ({shown}); "
            "nothing was changed",
            hint="import into a new project (qcode init), or add those codes to the file")
    target: Path = project.codebook_path
    if target.is_file() and target.read_bytes() == text.encode("utf-8"):
        report.note("the project's codebook is already this one; nothing was written")
        return target  # no backup of an unchanged codebook
    stamp = now_iso().replace(":", "").replace("-", "")
    backup = target.with_name(f"{target.stem}.before-import-{stamp}{target.suffix}")
    if target.exists():
        atomic.write_bytes(backup, target.read_bytes())
    atomic.write_text(target, text)
    report.target = str(target)
    report.written = True
    return backup
