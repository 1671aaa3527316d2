"""Compare two codebooks: codes added, removed, renamed, moved and changed.

``qcode codebook diff OLD NEW`` takes two files, or two git revisions of the project's
``codebook.yaml`` (read with ``git show REV:./codebook.yaml``). A code whose id went away
while a code with the same name (or, failing that, the same definition) came is reported
as renamed, not as one removed and one added.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from qcode.codebook.load import check_text
from qcode.errors import CodebookError, NotFoundError
from qcode.models import Code, Codebook

#: the fields compared for "changed" (id, theme and level are the other kinds)
COMPARED = ("name", "definition", "include", "exclude", "examples", "keywords", "keywords_no",
            "parent", "source", "variation_relevant", "retired")


@dataclass
class CodebookDiff:
    old: str
    new: str
    added: list[Code] = field(default_factory=list)
    removed: list[Code] = field(default_factory=list)
    renamed: list[tuple[Code, Code]] = field(default_factory=list)
    moved: list[tuple[Code, Code]] = field(default_factory=list)
    changed: list[tuple[Code, Code, list[str]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed or self.moved or self.changed)

    def as_dict(self) -> dict[str, object]:
        def short(c: Code) -> dict[str, object]:
            return {"id": c.id, "name": c.name, "theme": c.theme, "level": c.level}

        return {"old": self.old, "new": self.new,
                "added_codes": [short(c) for c in self.added],
                "removed_codes": [short(c) for c in self.removed],
                "renamed_codes": [{"old_id": a.id, "new_id": b.id, "old_name": a.name,
                             "new_name": b.name} for a, b in self.renamed],
                "moved_codes": [{"id": b.id, "from": f"{a.theme} x {a.level}",
                           "to": f"{b.theme} x {b.level}"} for a, b in self.moved],
                "changed_codes": [{"id": b.id, "fields": f} for _a, b, f in self.changed]}


def _changed_fields(a: Code, b: Code) -> list[str]:
    return [f for f in COMPARED if getattr(a, f) != getattr(b, f)]


def compare(old: Codebook, new: Codebook, old_name: str = "old",
            new_name: str = "new") -> CodebookDiff:
    out = CodebookDiff(old_name, new_name)
    before = {c.id: c for c in old.codes}
    after = {c.id: c for c in new.codes}
    gone = [c for i, c in before.items() if i not in after]
    came = [c for i, c in after.items() if i not in before]
    for key in ("name", "definition"):
        for a in list(gone):
            match = [b for b in came if getattr(b, key) and
                     str(getattr(b, key)).casefold() == str(getattr(a, key)).casefold()]
            if len(match) == 1:
                out.renamed.append((a, match[0]))
                gone.remove(a)
                came.remove(match[0])
    out.removed, out.added = gone, came
    pairs = [(before[i], after[i]) for i in before if i in after] + out.renamed
    for a, b in pairs:
        if (a.theme, a.level) != (b.theme, b.level):
            out.moved.append((a, b))
        fields = _changed_fields(a, b)
        if a.id != b.id and "name" in fields:
            fields.remove("name")  # shown by the rename
        if fields:
            out.changed.append((a, b, fields))
    return out


def _codebook(text: str, label: str) -> Codebook:
    result = check_text(text, label)
    if result.codebook is None:
        raise CodebookError(f"{label} is not a valid codebook: {result.errors[0]}",
                            hint="check it with: qcode codebook check")
    return result.codebook


def read_version(spec: str, root: Path | None, yaml_name: str) -> tuple[str, Codebook]:
    """A codebook from a file path, else from a git revision of the project's codebook."""
    path = Path(spec)
    if path.is_file():
        return spec, _codebook(path.read_text(encoding="utf-8"), spec)
    if root is None:
        raise NotFoundError(f"no codebook file {spec}",
                            hint="give two files, or run inside a project to compare git "
                                 "revisions of its codebook.yaml")
    label = f"{spec}:{yaml_name}"
    try:
        done = subprocess.run(["git", "-C", str(root), "show", f"{spec}:./{yaml_name}"],
                              capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        raise NotFoundError(f"no codebook file {spec}, and git could not be run",
                            hint="give two files, or install git") from None
    if done.returncode != 0:
        raise NotFoundError(f"no codebook file {spec}, and no git revision {label}",
                            hint="give a file, or a revision such as HEAD~1 or a commit id")
    return label, _codebook(done.stdout.decode("utf-8", errors="replace"), label)
