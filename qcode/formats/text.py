"""Plain text with speaker labels: ``Interviewer:``/``Respondent:``, ``I:``/``R:``, ``P1:``,
``[hh:mm:ss] I:`` prefixes, multi-paragraph turns, hard-wrapped lines and a metadata header.

See :mod:`qcode.formats.labels` for how labels are told apart from ``Date:`` headers.

>>> p = read("Date: 2024-03-01\\n\\nI: Hello,\\nwelcome.\\n\\nR: Thanks.\\n", "a.txt")
>>> [(t.speaker, t.text) for t in p.turns], p.attributes
([('I', 'Hello, welcome.'), ('R', 'Thanks.')], {'date': '2024-03-01'})
"""

from __future__ import annotations

from qcode.formats import Parsed
from qcode.formats.labels import parse_labelled, to_parsed


def read(text: str, source: str) -> Parsed:
    return to_parsed(parse_labelled(text, source))
