"""Refuse YAML alias bombs before any Python object is built from them.

YAML anchors (``&a``) and aliases (``*a``) let a few lines stand for an enormous document:
nine nested levels of nine aliases each ("billion laughs") describe 10^9 values in under
a kilobyte. PyYAML shares the aliased node, so parsing is quick, but anything that walks
the result (the codebook checker, front matter turned into text) expands it and runs for
minutes until memory runs out.

:func:`alias_excess` reads the parser's event stream once (in bounded memory: a stack of
open collections and one number per anchor) and counts how many values the document
would hold with every alias expanded. A codebook or a front-matter block that would hold
more than :data:`MAX_EXPANDED_NODES` values, or that uses more than :data:`MAX_ALIASES`
aliases, is refused at the alias that crossed the line.

>>> alias_excess("a: &x [1, 2]\\nb: *x\\n") is None
True
>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\\n"
...     for p, n in zip("abcdefgh", "bcdefghi"))
>>> alias_excess(bomb)
6
"""

from __future__ import annotations

#: values a document may hold once every alias is expanded (a large codebook holds ~10^4)
MAX_EXPANDED_NODES = 200_000
#: alias references a document may use
MAX_ALIASES = 10_000


def alias_excess(text: str, *, max_nodes: int = MAX_EXPANDED_NODES,
                 max_aliases: int = MAX_ALIASES) -> int | None:
    """The 1-based line of the alias at which ``text`` passes the limits, else None.

    Text without aliases is never refused here (its size is its own bound). YAML syntax
    errors are left to the caller's own parse, which reports them with their line.
    """
    if "*" not in text:
        return None
    import yaml  # only for a text with aliases; the codebook's own parse imports it too

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: dict[str, int] = {}  # anchor -> expanded size of its node
    stack: list[list[object]] = []  # open collections: [anchor, size so far]
    total = aliases = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([event.anchor, 1])
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, size = stack.pop()
                assert isinstance(size, int)
                if isinstance(anchor, str):
                    sizes[anchor] = size
                grown = size
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                grown = sizes.get(event.anchor or "", 1)
                if aliases > max_aliases or total + grown > max_nodes:
                    return event.start_mark.line + 1 if event.start_mark is not None else 1
            elif isinstance(event, yaml.ScalarEvent):
                grown = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            else:
                continue
            if stack:
                open_size = stack[-1][1]
                assert isinstance(open_size, int)
                stack[-1][1] = open_size + grown
                if open_size + grown > max_nodes:
                    return event.start_mark.line + 1 if event.start_mark is not None else 1
            else:
                total += grown
    except yaml.YAMLError:
        return None
    return None
