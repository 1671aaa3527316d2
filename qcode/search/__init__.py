"""Text search over a project's documents (``qcode search`` and the coding app's ``/``).

- :mod:`qcode.search.folding`: case and accent folding with a map back to the original
  offsets;
- :mod:`qcode.search.match`: plain, whole-word, regex and fuzzy matching of a folded text;
- :mod:`qcode.search.run`: choosing documents and filtering hits (speaker, codings);
- :mod:`qcode.search.code_hits`: coding the hits as one undoable action.

Pure: every function returns records; nothing prints or exits.
"""

from __future__ import annotations

__all__ = ["code_hits", "folding", "match", "run"]
