"""The coding app's search (``/``): the same search as ``qcode search``, over the open
document, walked hit by hit, each hit coded with a key.

What the user types is the query, optionally after the options of ``qcode search``:
``--regex PATTERN``, ``--whole-word WORDS``, ``--fuzzy N WORDS``. The hits are selected
one at a time in the :class:`qcode.coding.app_state.AppState` (so the usual keys code
the selection too); :meth:`HitWalk.code` codes the current hit's exact span (origin
``search``) and goes to the next, :meth:`HitWalk.code_all` codes every hit as one action
(one ``undo`` reverts it).
"""

from __future__ import annotations

import bisect

from qcode.coding.app_state import AppState
from qcode.errors import QcodeError, UsageError
from qcode.search.match import Query, compile_query
from qcode.search.run import Hit, hits_in

HELP = "--regex, --whole-word and --fuzzy N work as in qcode search"


def parse_prompt(text: str) -> Query:
    """The query of what was typed at the search prompt.

    >>> parse_prompt("--fuzzy 80 sykehus")
    Query(text='sykehus', regex=False, whole_word=False, fuzzy=80)
    >>> parse_prompt("--regex --whole-word vide(o|oen)").regex
    True
    """
    words = text.strip().split(" ")
    regex = whole = False
    fuzzy: int | None = None
    while words and words[0].startswith("--"):
        flag = words.pop(0)
        if flag == "--regex":
            regex = True
        elif flag == "--whole-word":
            whole = True
        elif flag == "--fuzzy" and words and words[0].isdigit():
            fuzzy = int(words.pop(0))
        else:
            raise UsageError(f"unknown search option {flag}", hint=HELP)
    return Query(" ".join(words), regex=regex, whole_word=whole, fuzzy=fuzzy)


class HitWalk:
    """The hits of the last search in the app's document, and which one is selected."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.hits: list[Hit] = []
        self.index = -1
        self.query = ""

    def search(self, text: str) -> None:
        """Search the document; select the first hit at or after the cursor."""
        st = self.state
        try:
            matcher = compile_query(parse_prompt(text))
        except QcodeError as exc:
            st.message = exc.message
            st.version += 1
            return
        self.query = text.strip()
        self.hits = hits_in(st.doc, matcher, context=0)[0]
        if not self.hits:
            self.index = -1
            st.message = f"No hits for {self.query}."
            st.version += 1
            return
        at = bisect.bisect_left([h.start for h in self.hits], st.cursor)
        self._go(at % len(self.hits))

    def _go(self, index: int) -> None:
        self.index = index
        hit = self.hits[index]
        self.state.select(hit.start, hit.end)
        self.state.message = (f"Hit {index + 1} of {len(self.hits)} in {hit.segment}: "
                              "] next, [ previous, h codes it, H codes every hit")

    def step(self, n: int) -> None:
        """To the next (1) or previous (-1) hit, round the document."""
        if not self.hits:
            self.state.message = "No search yet: / searches the document."
            self.state.version += 1
            return
        self._go((self.index + n) % len(self.hits))

    def code(self, code_id: str | None) -> None:
        """Code the selected hit with ``code_id``, then go to the next hit."""
        st = self.state
        if not self.hits or self.index < 0:
            st.message = "No search yet: / searches the document."
            return
        if code_id is None:
            st.message = "No code highlighted: choose one in the codebook (tab)."
            return
        n = self.index + 1
        hit = self.hits[self.index]
        written = st.code_spans([(hit.start, hit.end)], code_id, origin="search")
        if not written and not st.message.startswith("+ "):
            return  # refused (the message says why): stay on the hit
        done = f"+ {code_id} on hit {n}" if written else f"{code_id} is already on hit {n}"
        if len(self.hits) > 1:
            self._go((self.index + 1) % len(self.hits))
            st.message = f"{done}; {st.message}"
        else:
            st.message = done + "."

    def code_all(self, code_id: str | None) -> None:
        """Code every hit with ``code_id`` as one action."""
        st = self.state
        if not self.hits:
            st.message = "No search yet: / searches the document."
            return
        if code_id is None:
            st.message = "No code highlighted: choose one in the codebook (tab)."
            return
        st.code_spans([(h.start, h.end) for h in self.hits], code_id, origin="search")
        st.clear_selection()
