"""``qcode check`` as one call: every finding about a project, in a fixed order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qcode.doctor.codings import (
    codebook_codes,
    coding_problems,
    readable_documents,
    reconciliation_problems,
)
from qcode.doctor.files import folder_problems
from qcode.doctor.problem import KINDS, Problem
from qcode.project import Project


@dataclass(frozen=True)
class CheckReport:
    """What ``qcode check`` found (``problems``) and, with ``--fix``, what it did."""

    problems: tuple[Problem, ...]
    fixed: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Findings per kind, kinds with none left out."""
        c = Counter(p.kind for p in self.problems)
        return {k: c[k] for k in KINDS if c[k]}

    def as_dict(self) -> dict[str, object]:
        return {"clean": self.clean, "problem_counts": self.counts(),
                "problems": [p.as_dict() for p in self.problems],
                "fixed": list(self.fixed)}


def check_project(project: Project) -> CheckReport:
    """Read every file of ``project`` and report what is wrong; changes nothing."""
    docs, unreadable = readable_documents(project)
    codes, codebook = codebook_codes(project)
    found = [*folder_problems(project), *unreadable, *codebook,
             *coding_problems(project, docs, codes), *reconciliation_problems(project)]
    order = {k: i for i, k in enumerate(KINDS)}
    return CheckReport(tuple(sorted(found, key=lambda p: (order[p.kind], p.path))))
