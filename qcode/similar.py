"""Near names for "did you mean" hints: the one fuzzy matcher behind every suggestion.

At the bottom of the package (it imports nothing from qcode), so the private plumbing in
``qcode._io`` and every stage can suggest names without depending on each other.
"""

from __future__ import annotations


def suggestions(word: str, choices: list[str], limit: int = 3, cutoff: float = 60) -> list[str]:
    """Up to ``limit`` choices that look like ``word`` (rapidfuzz WRatio, case-insensitive).

    >>> suggestions("ingird", ["ingrid", "lars"])
    ['ingrid']
    """
    if not choices:
        return []
    # rapidfuzz takes ~50 ms to import and is needed only when a name was not found.
    from rapidfuzz import fuzz, process, utils

    hits = process.extract(word, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                           limit=limit, score_cutoff=cutoff)
    return [h[0] for h in hits]
