"""Which coders are consensus coders: the one definition every command uses.

A consensus coder is a coder made by ``qcode reconcile``: one named by a reconciliation log
(``reconciliations/NAME.jsonl``), or whose coding log holds reconciled codings (its log
survives a lost or renamed reconciliation file). ``agree`` leaves consensus coders out
unless they are named; ``matrix``, ``cooccur``, ``report`` and ``joint`` take the only one
as the default coder; reports label it "reconciled consensus".
"""

from __future__ import annotations

from qcode._io.nofollow import contains_nofollow
from qcode.coding.store import coder_names
from qcode.project import Project

#: how a reconciled coding is written in a coder's log (compact or spaced JSON)
RECONCILED = (b'"origin":"reconciled"', b'"origin": "reconciled"')


def consensus_coders(project: Project) -> list[str]:
    """The consensus coders among the project's coders, in the order of ``coder_names``."""
    folder = project.reconciliations_dir
    named = {p.stem for p in folder.glob("*.jsonl")} if folder.is_dir() else set()
    found = []
    for name in coder_names(project):
        if name in named:
            found.append(name)
            continue
        try:
            if contains_nofollow(project.codings_dir / f"{name}.jsonl", RECONCILED):
                found.append(name)
        except OSError:
            continue
    return found
