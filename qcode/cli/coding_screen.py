"""Drawing the coding session: a rich screen on a terminal, plain lines for scripts.

The session (:mod:`qcode.coding.session`) decides what to show; this module only draws a
:class:`qcode.coding.session.View` and the messages of a reply.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from qcode.clock import clock

if TYPE_CHECKING:  # the session is imported by the command that draws it
    from qcode.coding.session import Shown, View


def _short(text: str, width: int, lines: int) -> str:
    """At most ``lines`` wrapped lines of ``text`` (an ellipsis marks the cut)."""
    flat = " ".join(text.split())
    wrapped = textwrap.wrap(flat, width=max(20, width)) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(0, width - 2)].rstrip() + " …"
    return "\n".join(wrapped)


def _context(console: Console, shown: Shown) -> Text:
    head = f"{shown.id}  {shown.speaker}"
    if shown.time_start is not None:
        head += f"  {clock(shown.time_start)}"
    t = Text(head + "\n", style="dim bold")
    t.append(_short(shown.text, console.width - 4, 3), style="dim")
    return t


def draw(console: Console, view: View) -> None:
    """The full screen for a segment (clears the terminal first)."""
    console.clear()
    n = view.coded_segments
    status = "complete" if view.done else f"{n} segment{'' if n == 1 else 's'} coded"
    title = f" {view.title}   " if view.title != view.doc else "  "
    console.print(Text.assemble((f" {view.doc} ", "bold reverse"), title,
                                (f"coder {view.coder} · {view.index}/{view.total} · {status}",
                                 "dim")))
    for shown in view.before:
        console.print(_context(console, shown))
    seg = view.segment
    heading = Text.assemble((seg.id, "bold cyan"), "  ", (seg.speaker, "bold"))
    if seg.time_start is not None:
        heading.append(f"  {clock(seg.time_start)}", style="cyan")
    body: list[Any] = [Text(seg.text)]
    if view.codes:
        codes = Text("")
        for cid, name in view.codes:
            codes.append(f"\n✔ {cid}", style="bold green")
            codes.append(f"  {name}", style="green")
        body.append(codes)
    if view.memo:
        body.append(Text.assemble("\n", ("memo: ", "bold yellow"), (view.memo, "yellow")))
    console.print(Panel(Group(*body), title=heading, title_align="left", border_style="cyan",
                        padding=(0, 1)))
    for shown in view.after:
        console.print(_context(console, shown))
    if view.suggestions:
        console.print(Text("suggestions", style="bold magenta"))
        width = max(len(cid) for _, cid, _, _ in view.suggestions)
        have = {cid for cid, _ in view.codes}
        for n, cid, name, score in view.suggestions:
            on = cid in have
            line = Text(" ")
            line.append(f" {n} ", style="dim reverse" if on else "bold reverse magenta")
            line.append(f" {cid:<{width}}  ", style="dim" if on else "magenta")
            line.append(f"{score:>3.0f}  ", style="dim")
            line.append(name + ("  ✔ on" if on else ""), style="dim" if on else "magenta")
            console.print(line, overflow="ellipsis", no_wrap=True)
    console.print(Text("code id · number · name · + NAME new code · Enter next · p prev · "
                       "-CODE remove · m memo · u undo · ? help · q quit", style="dim"))


def plain(view: View) -> list[str]:
    """The same content as plain lines, for scripts and pipes (no colours, no clearing)."""
    seg = view.segment
    when = f"  {clock(seg.time_start)}" if seg.time_start is not None else ""
    out = [f"== {view.doc} {view.index}/{view.total} {seg.id}  {seg.speaker}{when}"]
    for shown in view.before:
        out.append(f"   before {shown.id} {shown.speaker}: {_short(shown.text, 10**6, 1)[:100]}")
    out.append(f"   {' '.join(seg.text.split())}")
    for shown in view.after:
        out.append(f"   after {shown.id} {shown.speaker}: {_short(shown.text, 10**6, 1)[:100]}")
    out.append("codes: " + (", ".join(c for c, _ in view.codes) if view.codes else "(none)"))
    if view.memo:
        out.append(f"memo: {view.memo}")
    if view.suggestions:
        have = {cid for cid, _ in view.codes}
        out.append("suggest: " + "  ".join(
            f"{n}={cid} ({score:.0f}{', on' if cid in have else ''})"
            for n, cid, _name, score in view.suggestions))
    return out
