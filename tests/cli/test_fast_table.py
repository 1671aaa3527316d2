"""qcode/cli/fast_table.py lays a table out exactly as rich's ``Table``: the same
characters (and escape sequences on a terminal) on generated tables at odd widths, with
wide, combining and joined characters, long words, empty cells, several lines in a cell,
markup-like and emoji-like text (printed literally), control characters and tabs."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from qcode.cli.cell_wrap import wrap_cell, wrap_plain_words
from qcode.cli.console import out, print_whole
from qcode.cli.fast_table import FastTable, print_table

#: the console class of qcode's output (control characters made visible)
SafeConsole: type[Console] = type(out())

PIECES = ["a", "be", "word", "Respondent", "T00001:0022", "GOV-MAC-01", " ", " ", " ",
          "  ", "\n", "-", ".", "漢字", "😀", "e\u0301", "👩\u200d💻", "\u2764\ufe0f",
          "[bold]", "[/i]", "[", "]", ":smile:", ":", "x" * 31, "\x1b[2J", "\u2028",
          "\u00a0", "ﾊﾝ"]

#: cell texts; a tab is rare (rich expands it: such a table is laid out by rich itself)
mixed = st.lists(st.sampled_from(PIECES * 8 + ["\t"]), max_size=12).map("".join)
#: the usual transcript: ASCII words with one space between them
WORDS = ["a", "be", "word", "x" * 11, "y" * 25, "Respondent", "-", "[bold]", ":smile:",
         "policy.", "T00001:0022"]
prose = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
texts = st.one_of(mixed, prose, st.lists(prose, max_size=3).map("\n".join))


class _AsciiIO(io.StringIO):
    encoding = "ascii"  # rich draws an ASCII box for such a file


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, object], list[dict[str, object]],
                                     list[list[str]]]:
    spec: dict[str, object] = {"title": draw(st.one_of(st.none(), st.sampled_from(
                ["alice vs bob: segments that differ", "Words only one coder marked"]))),
            "show_lines": draw(st.booleans()), "expand": draw(st.booleans())}
    columns: list[dict[str, object]] = []
    for _ in range(draw(st.integers(1, 5))):
        columns.append({
            "header": draw(st.sampled_from(["Segment", "Text", "Only alice", "Both", "",
                                            "Words in context", "漢字", "[b]x"])),
            "min_width": draw(st.one_of(st.none(), st.integers(0, 30))),
            "max_width": draw(st.one_of(st.none(), st.integers(1, 30))),
            "ratio": draw(st.one_of(st.none(), st.integers(1, 3)))})
    rows = draw(st.lists(st.lists(texts, min_size=len(columns), max_size=len(columns)),
                         min_size=1, max_size=5))
    return spec, columns, rows


def _both(spec: dict[str, object], columns: list[dict[str, object]],
          rows: list[list[str]]) -> tuple[Table, FastTable]:
    ours = FastTable(**spec)  # type: ignore[arg-type]
    theirs = Table(**spec)  # type: ignore[arg-type]
    for c in columns:
        ours.add_column(overflow="fold", **c)  # type: ignore[arg-type]
        theirs.add_column(overflow="fold", **c)  # type: ignore[arg-type]
    for row in rows:
        ours.add_row(*row)
        theirs.add_row(*row)
    return theirs, ours


consoles = st.fixed_dictionaries({
    "width": st.integers(8, 160), "force_terminal": st.booleans(),
    "no_color": st.booleans(), "ascii": st.booleans()})


def _console(settings_: dict[str, object]) -> Console:
    kw = dict(settings_)
    file = _AsciiIO() if kw.pop("ascii") else io.StringIO()
    return SafeConsole(file=file, highlight=False, soft_wrap=False,
                       color_system="truecolor" if kw["force_terminal"] else None,
                       **kw)  # type: ignore[arg-type]


def _text(console: Console) -> str:
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


@settings(max_examples=300, deadline=None)
@given(table=tables(), setup=consoles)
def test_prints_what_rich_prints(table: tuple[dict[str, object], list[dict[str, object]],
                                              list[list[str]]],
                                 setup: dict[str, object]) -> None:
    theirs, ours = _both(*table)
    rich_console, our_console = _console(setup), _console(setup)
    rich_console.print(theirs, markup=False)
    our_console.print(ours, markup=False)
    assert _text(our_console) == _text(rich_console)


@settings(max_examples=300, deadline=None)
@given(table=tables(), setup=consoles, room=st.integers(0, 300))
def test_measures_what_rich_measures(table: tuple[dict[str, object],
                                                  list[dict[str, object]], list[list[str]]],
                                     setup: dict[str, object], room: int) -> None:
    theirs, ours = _both(*table)
    console = _console(setup)
    options = console.options.update(markup=False).update_width(room)
    assert Measurement.get(console, options, ours) == \
        Measurement.get(console, options, theirs)


@settings(max_examples=150, deadline=None)
@given(table=tables(), setup=consoles)
def test_print_whole_takes_the_text_literally(
        table: tuple[dict[str, object], list[dict[str, object]], list[list[str]]],
        setup: dict[str, object]) -> None:
    """print_whole measures a rich table of strings with markup on ('[/i]' raised); a
    FastTable is measured as it is printed, like a rich table of literal Text."""
    _, ours = _both(*table)
    rich_console, our_console, direct = _console(setup), _console(setup), _console(setup)
    print_whole(rich_console, ours.rich_table(rich_console), markup=False)
    print_whole(our_console, ours, markup=False)
    assert _text(our_console) == _text(rich_console)
    print_table(direct, ours)  # the rows written straight to the file
    assert _text(direct) == _text(rich_console)
    assert direct.width == setup["width"]


def _diff_like() -> FastTable:
    table = FastTable(title="alice vs bob: segments that differ", show_lines=True,
                      expand=True)
    for col in ("Segment", "Text", "Only alice", "Only bob", "Both"):
        table.add_column(col, ratio=1 if col == "Text" else None,
                         min_width=24 if col == "Text" else None,
                         max_width=11 if col == "Segment" else None, overflow="fold")
    table.add_row("T00000:0022\nRespondent", "Specialist no no is the it because budget. "
                  "Had when and security [bold]funding[/bold] :smile: 漢字 in a "
                  "verylongwordthatmustbefoldedacrosslines here.", "ORG-MAC-01\nORG-MES-04",
                  "ECO-MES-04", "-")
    table.add_row("T00000:0024", "", "", "x\x1b[2J", "[/i]")
    return table


@pytest.mark.parametrize("width", [30, 57, 80, 133])
def test_lays_out_a_diff_table_itself(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The common table takes the fast layout (rich's Table is not asked to render it),
    and prints what rich prints."""
    table = _diff_like()
    rich_console = _console({"width": width, "force_terminal": True, "no_color": False,
                             "ascii": False})
    print_whole(rich_console, table.rich_table(rich_console), markup=False)

    def refuse(*args: object) -> Table:
        raise AssertionError("the fast layout fell back to rich")

    monkeypatch.setattr(FastTable, "rich_table", refuse)
    for show in (print_table, lambda c, t: print_whole(c, t, markup=False)):
        our_console = _console({"width": width, "force_terminal": True, "no_color": False,
                                "ascii": False})
        show(our_console, table)
        assert _text(our_console) == _text(rich_console)
        assert "[/i]" in _text(our_console) and "😄" in _text(our_console)


def test_print_table_on_a_quiet_or_recording_console() -> None:
    """A quiet console prints nothing; a recording one records the rows too."""
    quiet = _console({"width": 80, "force_terminal": False, "no_color": False,
                      "ascii": False})
    quiet.quiet = True
    print_table(quiet, _diff_like())
    assert _text(quiet) == ""
    recording = SafeConsole(file=io.StringIO(), width=80, record=True)
    print_table(recording, _diff_like())
    assert recording.export_text() == _text(recording)
    assert "verylongwordthatmustbefolded" in _text(recording)


@settings(max_examples=1000, deadline=None)
@given(line=st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), prose),
       width=st.integers(1, 40))
def test_wraps_a_cell_as_rich_does(line: str, width: int) -> None:
    """Each line of a cell exactly ``width`` cells wide, broken where rich breaks it."""
    console = SafeConsole(file=io.StringIO(), width=100)
    text = console.render_str(line, markup=False)
    if "\t" in text.plain:
        return
    lines = text.wrap(console, width, justify="left", overflow="fold")
    assert wrap_cell(text.plain, width) == [ln.plain for ln in lines]


@settings(max_examples=1000, deadline=None)
@given(line=prose.filter(lambda t: t and "  " not in t and t.strip() == t),
       width=st.integers(1, 40))
def test_a_line_of_words_wraps_at_once_as_word_by_word(line: str, width: int) -> None:
    """The pattern that wraps a plain line at once gives the lines the word-by-word loop
    gives (which rich's wrapping is tested against above), long words folded alike."""
    words: list[str] = []
    wrap_plain_words(line, width, words)
    assert wrap_cell(line, width) == words
