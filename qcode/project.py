"""The project folder: find it, create it, read and write its files atomically.

::

    study/
      qcode.toml              settings: name, codebook path, default segmentation unit
      codebook.yaml           the codebook
      documents/<id>.json     ingested transcripts (one human-readable JSON file each)
      codings/<coder>.jsonl   one append-only event log per coder
      reconciliations/<name>.jsonl
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import tomli_w
from pydantic import ValidationError

from qcode._io import atomic, limits
from qcode._io.gitattributes import ensure_gitattributes
from qcode._io.gitignore import ensure_gitignore
from qcode._io.nofollow import read_nofollow, refuse_linked_folder
from qcode._io.project_lock import generation as text_generation
from qcode._io.write_errors import REFUSED, folder_in_the_way, write_failed
from qcode.bundled import bundled_codebook
from qcode.codebook.cache import cached_codebook, codebook_key
from qcode.codebook.commit import finish_pending as finish_codebook_change
from qcode.codebook.load import load as load_codebook
from qcode.codebook.load import read_codebook_text
from qcode.codebook.lookup import suggestions
from qcode.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ProjectDamagedError,
    ProjectNotFoundError,
    UsageError,
)
from qcode.models import Codebook, Document, Record

SETTINGS_FILE = "qcode.toml"
#: the machine-local index (an SQLite database, see :mod:`qcode.index.store`), gitignored
INDEX_DIR = ".qcode-index"
INDEX_FILE = "index.sqlite"
#: the pseudonym table (:mod:`qcode.pseudonyms.table`), named here so that a command can
#: tell there is none without loading the pseudonym modules
PSEUDONYM_TABLE = "pseudonyms.csv"
#: at the project root while a REFI-QDA import into it is unfinished (see
#: :mod:`qcode.refiqda.import_write`); here so that lower modules can name it
IMPORT_MARKER = ".import-pending.json"
#: the folders that hold the project's data (never written by a command's --output)
DATA_FOLDERS = ("documents", "codings", "reconciliations", "registry", "memos", "archive")
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Settings(Record):
    name: str
    codebook: str = "codebook.yaml"
    unit: str = "turn"
    created: str = ""


def settings_problem(table: object) -> tuple[str, str] | None:
    """The first problem pydantic would report validating ``table`` (qcode.toml's
    ``[project]``) as :class:`Settings`, as (field, message), or None when it is valid.

    Checked by hand because the table is four strings and building pydantic's validator
    (its first in a process) costs 15-30 ms at the start of every command; a read command
    on a small study builds no other. ``tests/project/test_settings_check.py`` holds it to
    pydantic's answer with Hypothesis."""
    if not isinstance(table, dict):
        return "", "Input should be a valid dictionary or instance of Settings"
    for name, info in Settings.model_fields.items():
        if name not in table:
            if info.is_required():
                return name, "Field required"
        elif not isinstance(table[name], str):
            return name, "Input should be a valid string"
    for key in table:
        if key not in Settings.model_fields:
            return str(key), "Extra inputs are not permitted"
    return None


def check_project_name(name: str) -> None:
    """Refuse a name that a UTF-8 ``qcode.toml`` cannot hold (lone surrogates, from bad bytes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"the project name cannot be stored: it holds a character that is not valid "
            f"Unicode (position {exc.start + 1})",
            hint="give the name with --name in plain UTF-8 text") from None


def settings_toml(s: Settings) -> str:
    """The text of ``qcode.toml``, written by tomli-w so that any name reads back the same."""
    return "# qcode project settings\n" + tomli_w.dumps({"project": s.model_dump()})


def damaged_document_hint(doc_id: str) -> str:
    """The repair for a damaged ``documents/<id>.json`` (``ingest --replace`` sets the
    damaged file aside and re-anchors the codings by their quotes)."""
    return (f"restore it from a backup, or ingest its transcript again: qcode ingest FILE "
            f"--id {doc_id} --replace")


def now_iso() -> str:
    """The current UTC time, to the second, ISO 8601 with a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Project:
    """An open project folder. Cheap to create; files are read on demand."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.settings = self._read_settings()
        #: the documents' text generation when the project was opened (see
        #: :mod:`qcode._io.project_lock`): coding writes check their offsets if it moved
        self.text_generation = text_generation(self.root)
        for folder in DATA_FOLDERS:  # a link could lead reads and writes out of the project
            refuse_linked_folder(self.root / folder)
        #: a codebook checked from its file in this process, with its index key, until the
        #: document index stores it (:func:`qcode.index.documents.indexed_documents`)
        self.codebook_to_index: tuple[bytes, Codebook] | None = None

    # ---------------------------------------------------------------- settings & codebook

    def _read_settings(self) -> Settings:
        path = self.root / SETTINGS_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ProjectNotFoundError(f"{self.root} is not a qcode project (no {SETTINGS_FILE})",
                                       hint=f"create one with: qcode init {self.root}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProjectDamagedError(f"{path}: cannot be read: {exc}",
                                      hint="fix the file by hand or restore it from a backup"
                                      ) from None
        table = data.get("limits", {})
        limits.use_project_limits(limits.Limits.from_mapping(
            table if isinstance(table, dict) else {"limits": table}, str(path)))
        project = data.get("project", {})
        problem = settings_problem(project)
        if problem is not None:
            raise ProjectDamagedError(f"{path}: [project] {problem[0]}: {problem[1]}",
                                      hint="every project needs name = \"...\"")
        return Settings.model_construct(_fields_set=set(project), **project)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def pseudonym_table(self) -> Path:
        """Where the pseudonym table is (:mod:`qcode.pseudonyms.table`), known without
        loading the pseudonym modules."""
        return self.root / PSEUDONYM_TABLE

    @property
    def codebook_path(self) -> Path:
        return self.root / self.settings.codebook

    @cached_property
    def codebook(self) -> Codebook:
        """The checked codebook: from the index when it holds this very text (see
        :mod:`qcode.codebook.cache`), else parsed and checked (and offered to the index
        through :attr:`codebook_to_index`)."""
        finish_codebook_change(self.root, self.codebook_path)  # one a kill interrupted
        path = self.codebook_path
        text = read_codebook_text(path)
        key = codebook_key(path, text)
        found = None if key is None else cached_codebook(self.root / INDEX_DIR / INDEX_FILE, key)
        if found is not None:
            return found
        codebook = load_codebook(path, text)
        if key is not None:
            self.codebook_to_index = (key, codebook)
        return codebook

    # ---------------------------------------------------------------- folders

    @property
    def documents_dir(self) -> Path:
        return self.root / "documents"

    @property
    def codings_dir(self) -> Path:
        return self.root / "codings"

    @property
    def reconciliations_dir(self) -> Path:
        return self.root / "reconciliations"

    # ---------------------------------------------------------------- documents

    def document_path(self, doc_id: str) -> Path:
        if not DOC_ID_RE.match(doc_id):
            raise UsageError(f"'{doc_id}' is not a valid document id",
                             hint="use letters, digits, '_', '-' or '.', at most 64 characters")
        return self.documents_dir / f"{doc_id}.json"

    def document_ids(self) -> list[str]:
        """Ids of all ingested documents, sorted."""
        if not self.documents_dir.is_dir():
            return []
        return sorted(p.stem for p in self.documents_dir.glob("*.json")
                      if not p.name.startswith("."))

    def has_document(self, doc_id: str) -> bool:
        return DOC_ID_RE.match(doc_id) is not None and self.document_path(doc_id).is_file()

    def resolve_document(self, ref: str) -> str:
        """The id of the document ``ref`` names: the id itself, or a prefix of exactly one
        id (as git takes a short hash). UsageError for an ambiguous prefix, NotFoundError
        (with near names) when nothing matches."""
        if self.has_document(ref):
            return ref
        ids = self.document_ids()
        hits = [i for i in ids if i.startswith(ref)] if ref else []
        if len(hits) == 1:
            return hits[0]
        if hits:
            shown = ", ".join(hits[:10]) + (", ..." if len(hits) > 10 else "")
            raise UsageError(f"ambiguous document prefix '{ref}': {shown}",
                             hint="type more of the id")
        near = suggestions(ref, ids)
        hint = f"did you mean {', '.join(near)}?" if near else "list them with: qcode docs"
        raise NotFoundError(f"no document '{ref}' in this project", hint=hint)

    def load_document(self, doc_id: str) -> Document:
        """The document with the id ``doc_id`` exactly (a document the user names, perhaps
        by a prefix, goes through :meth:`resolve_document` first)."""
        path = self.document_path(doc_id)
        try:
            raw = read_nofollow(path)
        except FileNotFoundError:
            self.resolve_document(doc_id)  # NotFoundError with near names (or ambiguous)
            raise NotFoundError(f"no document '{doc_id}' in this project",
                                hint="give its whole id, or list them with: qcode docs"
                                ) from None
        except IsADirectoryError:
            raise folder_in_the_way(path, "a document") from None
        try:
            return Document.model_validate_json(raw)
        except ValidationError as exc:
            raise ProjectDamagedError(
                f"{path}: not a valid qcode document ({exc.error_count()} "
                f"problem{'s' if exc.error_count() != 1 else ''})",
                hint=damaged_document_hint(doc_id),
            ) from None

    def documents(self) -> list[Document]:
        return [self.load_document(i) for i in self.document_ids()]

    def save_document(self, doc: Document) -> bytes:
        """Write ``documents/<id>.json`` (atomically); return the bytes written."""
        path = self.document_path(doc.id)
        if path.is_dir() and not path.is_symlink():
            raise folder_in_the_way(path, "a document")
        ensure_gitignore(self.root)  # a project made before qcode wrote one gets it now
        data = (doc.model_dump_json(indent=2) + "\n").encode("utf-8")
        atomic.write_bytes(path, data)
        return data


# -------------------------------------------------------------------- find / init


def find_root(start: Path | None = None) -> Path:
    """Walk up from ``start`` (default: the current folder) to the folder with qcode.toml."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ProjectNotFoundError(
        f"not inside a qcode project ({SETTINGS_FILE} not found in {here} or above)",
        hint="create one with: qcode init DIR, or point at one with --project DIR",
    )


def open_project(explicit: Path | str | None = None) -> Project:
    """Open the project at ``explicit`` (a folder), else the one around the current folder."""
    if explicit:
        root = Path(explicit)
        if not (root / SETTINGS_FILE).is_file():
            raise ProjectNotFoundError(f"{root} is not a qcode project (no {SETTINGS_FILE})",
                                       hint=f"create one with: qcode init {root}")
        return Project(root)
    return Project(find_root())


def init_project(directory: Path, codebook: Path | None = None,
                 name: str | None = None) -> Project:
    """Create a new project folder; refuse (changing nothing) if one is already there."""
    directory = Path(directory)
    project_name = name or directory.resolve().name
    check_project_name(project_name)
    if (directory / SETTINGS_FILE).exists():
        raise ConflictError(f"{directory} is already a qcode project; nothing was changed",
                            hint="choose another folder, or work in this one")
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(f"{directory} exists and is not a folder")
    source = Path(codebook) if codebook else bundled_codebook()
    load_codebook(source)  # refuse a broken codebook before creating anything
    target = directory / "codebook.yaml"
    if target.exists():
        raise ConflictError(f"{target} already exists; nothing was changed",
                            hint="move it away, or pass it with --codebook")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(target, source.read_bytes())
        for sub in ("documents", "codings", "reconciliations"):
            (directory / sub).mkdir(exist_ok=True)
        ensure_gitignore(directory)  # locks, checkpoints, temp files stay out of git
        # append-only logs merged by git's union driver: no conflicts to settle by hand
        ensure_gitattributes(directory)
        settings = Settings(name=project_name, created=now_iso())
        # qcode.toml last: the folder is a project only once everything else is in place
        atomic.write_text(directory / SETTINGS_FILE, settings_toml(settings))
    except OSError as exc:
        if exc.errno in REFUSED:  # full disk, read-only, I/O error: the write-failure family
            raise write_failed(directory, exc, "the project was not created") from None
        raise InvalidInputError(
            f"cannot create a project in {directory} "
            f"({exc.strerror or type(exc).__name__})",
            hint="choose a folder you can write to (its parent must be a folder)") from None
    return Project(directory)
