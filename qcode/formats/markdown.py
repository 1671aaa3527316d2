"""Markdown transcripts: optional YAML front matter, ``**Speaker:**`` (or ``Speaker:``) labels.

- Front matter becomes document attributes (``title`` becomes the title); because it is
  read as YAML, a key such as ``participant:`` there is never mistaken for a speaker.
- The first heading is the title when front matter has none; headings, ``>`` notes and
  horizontal rules are not spoken words and are left out of the turns.
- Emphasis markers (``**``, ``__``, ``*``, ``_`` around words) are removed before offsets
  are computed, so segment text is the spoken words; the original file's sha256 is kept.

>>> p = read("---\\nsite: Bodø\\n---\\n# Talk\\n\\n**I:** Hi *there*.\\n\\n**R:** Hello.\\n",
...          "a.md")
>>> p.title, p.attributes, [(t.speaker, t.text) for t in p.turns]
('Talk', {'site': 'Bodø'}, [('I', 'Hi there.'), ('R', 'Hello.')])
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

import yaml

from qcode._io.yaml_limits import MAX_EXPANDED_NODES, alias_excess
from qcode.errors import InvalidInputError
from qcode.formats import Parsed
from qcode.formats.labels import parse_labelled, to_parsed

FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
NOTE_OR_RULE = re.compile(r"^[ \t]*(?:>.*|(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
BOLD_LABEL = re.compile(
    r"^[ \t]*(?:\*\*|__)(?P<label>[^*_:\n]{1,63}?)[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:)"
    r"[ \t]*(?P<rest>.*)$")
EMPHASIS = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def front_matter(text: str, source: str) -> tuple[dict[str, str], str, int]:
    """(attributes, body, number of lines the front matter took)."""
    m = FRONT.match(text)
    if not m:
        return {}, text, 0
    bomb_line = alias_excess(m.group(1) or "")
    if bomb_line is not None:
        raise InvalidInputError(f"{source}:{bomb_line + 1}: the front matter uses YAML aliases "
                                f"beyond the limit (more than {MAX_EXPANDED_NODES} values "
                                "once expanded); nothing was ingested",
                                hint="write the repeated values out, or remove the '*' "
                                     "aliases")
    try:
        data = yaml.load(m.group(1) or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 2}" if mark is not None else ""
        raise InvalidInputError(f"{source}{line}: the YAML front matter cannot be read; "
                                "nothing was ingested",
                                hint="fix the block between the two '---' lines") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}:2: the front matter is not a set of 'key: value' "
                                "lines; nothing was ingested")
    attrs = {str(k): _as_text(v) for k, v in data.items()}
    used = m.group(0).count("\n")
    return attrs, text[m.end():], used


def strip_emphasis(line: str) -> str:
    if "*" not in line and "_" not in line:
        return line
    for rx, repl in EMPHASIS:
        line = rx.sub(repl, line)
    return line


def read(text: str, source: str) -> Parsed:
    attrs, body, used = front_matter(text, source)
    title = attrs.pop("title", None) or None
    out_lines: list[str] = [""] * used
    strong: set[str] = set()
    for line in body.split("\n"):
        h = HEADING.match(line)
        if h:
            if title is None:
                title = strip_emphasis(h.group(1)).strip()
            out_lines.append("")
            continue
        if NOTE_OR_RULE.match(line):
            out_lines.append("")
            continue
        b = BOLD_LABEL.match(line)
        if b:
            label = b.group("label").strip()
            strong.add(label)
            line = f"{label}: {b.group('rest')}"
        out_lines.append(strip_emphasis(line))
    res = parse_labelled("\n".join(out_lines), source, strong=frozenset(strong),
                         title=title)
    merged = dict(attrs)
    for k, v in res.attributes.items():
        merged.setdefault(k, v)
    res.attributes = merged
    return to_parsed(res)
