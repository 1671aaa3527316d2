"""``qcode registry import|summary``: the quantitative strand (registry utilisation figures)."""

from __future__ import annotations

from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, emit, json_text, note, out, state, warn_omissions
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import ActionFormat, outgoing, real_names_option

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.registry.joint import JointDisplay
    from qcode.registry.table import Registry
    from qcode.registry.utilisation import Summary

registry_app = typer.Typer(
    help="Registry figures: outpatient visits and telemedicine contacts by year, region, "
         "hospital and specialty.",
    no_args_is_help=True, cls=SuggestingGroup)


class By(str, Enum):
    year = "year"
    region = "region"
    hospital = "hospital"
    specialty = "specialty"


class SummaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    svg = "svg"


@registry_app.command("import")
def import_(
    ctx: typer.Context,
    path: Path = typer.Argument(..., metavar="FILE.csv", help="The registry table to import."),
    replace: bool = typer.Option(False, "--replace",
                                 help="Replace registry data already in the project."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Check a registry CSV file and store it in the project (registry/registry.csv).

    Columns (names in any case and order; comma, semicolon or tab separated; UTF-8):
    year, region, hospital, specialty, outpatient_visits, telemedicine_contacts.
    outpatient_visits counts all outpatient activity of the cell, telemedicine included.
    Further columns are kept. Every problem is reported with its line number (a count that
    is negative or not a whole number, contacts above visits, a repeated year + region +
    hospital + specialty, a hospital in two regions, a bad year, a missing column), and a
    file with any problem is not imported at all.

    Examples:

      qcode registry import npr-2009-2015.csv

      qcode registry import corrected.csv --replace
    """
    from qcode.registry.table import read, store

    project = state(ctx).project()
    registry = read(path)
    store(project.root, registry, replace=replace)
    rows = registry.rows
    years = registry.years
    extra = registry.extra_columns
    def n(count: int, one: str, many: str) -> str:
        return f"{count:,} {one if count == 1 else many}"

    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    visits = sum(r.outpatient_visits for r in rows)
    contacts = sum(r.telemedicine_contacts for r in rows)
    note(f"Imported {n(len(rows), 'row', 'rows')} from {path.name}: {span}, "
         f"{n(len({r.region for r in rows}), 'region', 'regions')}, "
         f"{n(len({r.hospital for r in rows}), 'hospital', 'hospitals')}, "
         f"{n(len({r.specialty for r in rows}), 'specialty', 'specialties')}, "
         f"{n(visits, 'outpatient visit', 'outpatient visits')}, "
         f"{n(contacts, 'telemedicine contact', 'telemedicine contacts')}"
         + (f" (extra columns kept: {', '.join(extra)})" if extra else ""))
    if fmt is ActionFormat.json:
        echo_json({"file": str(path), "replaced": replace, "rows_imported": len(rows),
                   "years": list(years), "regions": sorted({r.region for r in rows}),
                   "hospitals": sorted({r.hospital for r in rows}),
                   "specialties": sorted({r.specialty for r in rows}),
                   "outpatient_visits": visits, "telemedicine_contacts": contacts,
                   "extra_columns": list(extra)})


@registry_app.command("summary")
def summary(
    ctx: typer.Context,
    by: By = typer.Option(By.region, "--by", "-b", help="Group the figures by this column."),
    years: str | None = typer.Option(None, "--years", "-y", metavar="FIRST-LAST",
                                     help="Only these years, e.g. 2009-2015 or 2012 "
                                          "(default: all years in the data)."),
    fmt: SummaryFormat = typer.Option(SummaryFormat.table, "--format", "-f",
                                      help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="PATH",
                                       help="Write to this file instead of stdout."),
    real_names: bool = real_names_option(),
) -> None:
    """Telemedicine share of outpatient activity, adoption, regularity, specialties, trend.

    Share = telemedicine contacts / outpatient visits, in percent (3 decimals in tables,
    4 in JSON and CSV), nationally, by the --by column and by year. Adoption: hospitals
    with at least one contact in the period, out of all hospitals. Regularity per
    hospital, over the years of the period found in the data: every_year = contacts > 0
    in every year; sporadic = contacts > 0 in some years but not all; never = no contacts
    in any year (a year without rows counts as a year without contacts). Specialties are
    ranked by contacts and by share. --format svg draws the share over the years, one line
    per group of --by (per region when --by is year) and a dashed national line.

    Examples:

      qcode registry summary

      qcode registry summary --by hospital --years 2012-2015

      qcode registry summary --format json > registry-summary.json

      qcode registry summary --format svg -o share-by-region.svg
    """
    from qcode.registry.table import load
    from qcode.registry.utilisation import parse_years, summarise

    registry = load(outgoing(ctx, real_names).root)  # pseudonymised with a table
    period = parse_years(years) if years else None
    result = summarise(registry, by.value, period)
    text: str | None = None
    if fmt is SummaryFormat.json:
        from qcode.registry.utilisation import as_dict

        if output is None:
            echo_json(as_dict(result))
            return
        text = json_text(as_dict(result))
    elif fmt is SummaryFormat.csv:
        text = _csv(result)
    elif fmt is SummaryFormat.svg:
        text = _svg(result, registry, period)
    if text is not None:
        emit(text, output)
        return
    if output is not None:
        from qcode.errors import UsageError

        raise UsageError("--output needs --format json, csv or svg",
                         hint="tables are for the terminal; use --format csv for a file")
    _tables(result)


def _csv(result: Summary) -> str:
    from qcode._io.csvfile import write_dicts
    from qcode.registry.utilisation import CSV_FIELDS, as_rows

    return write_dicts(as_rows(result), CSV_FIELDS)


def _svg(result: Summary, registry: Registry, period: tuple[int, int] | None) -> str:
    from qcode.registry.utilisation import summarise
    from qcode.reports.registry_svg import Line, line_chart

    lines_of = result if result.by != "year" else summarise(registry, "region", period)
    lines = [Line(g.key, tuple((y.year, y.share_pct) for y in g.years))
             for g in lines_of.groups]
    lines.append(Line("National", tuple((y.year, y.share_pct) for y in result.trend.years),
                      dashed=True))
    first, last = result.period[0], result.period[-1]
    span = f"{first}-{last}" if first != last else str(first)
    return line_chart(lines, title=f"Telemedicine share of outpatient visits, {span}",
                      x_label="Year", y_label="Telemedicine contacts / outpatient visits (%)")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _tables(result: Summary) -> None:
    from rich.table import Table

    console = out()
    # sentences: let the terminal wrap them; text from files is never markup
    say = partial(console.print, soft_wrap=True, markup=False)
    n = result.national
    first, last = result.period[0], result.period[-1]
    say(f"Telemedicine share of outpatient visits, {first}-{last}: "
                  f"{_pct(n.share_pct)} % ({n.telemedicine_contacts:,} contacts / "
                  f"{n.outpatient_visits:,} visits)")
    counts = result.regularity_counts()
    say(f"Regions using telemedicine: {result.regions_using} of "
                  f"{result.regions_total}; hospitals: {result.hospitals_using} of "
                  f"{result.hospitals_total} ({counts['every_year']} every year, "
                  f"{counts['sporadic']} sporadic, {counts['never']} never)")

    table = Table(title=f"By {result.by}", title_justify="left")
    table.add_column(result.by.capitalize())
    per_hospital = result.by == "hospital"
    last_columns = ("Region", "Regularity") if per_hospital else ("Hospitals using",)
    for name in ("Visits", "Contacts", "Share %", *last_columns):
        table.add_column(name, justify="left" if per_hospital and name in last_columns
                         else "right")
    uses = {h.hospital: h for h in result.hospitals}
    for g in result.groups:
        tail = ((uses[g.key].region, uses[g.key].regularity.replace("_", " ")) if per_hospital
                else (f"{g.hospitals_using}/{g.hospitals_total}",))
        table.add_row(g.key, f"{g.outpatient_visits:,}", f"{g.telemedicine_contacts:,}",
                      _pct(g.share_pct), *tail)
    console.print(table, markup=False)
    if result.by != "year":
        yearly = Table(title=f"Share % by {result.by} and year", title_justify="left")
        yearly.add_column(result.by.capitalize())
        for year in result.period:
            yearly.add_column(str(year), justify="right")
        for g in result.groups:
            yearly.add_row(g.key, *[_pct(y.share_pct) for y in g.years])
        console.print(yearly, markup=False)

    t = result.trend
    trend = Table(title="National trend", title_justify="left")
    for name in ("Year", "Visits", "Contacts", "Share %"):
        trend.add_column(name, justify="right")
    for y in t.years:
        trend.add_row(str(y.year), f"{y.outpatient_visits:,}", f"{y.telemedicine_contacts:,}",
                      _pct(y.share_pct))
    console.print(trend, markup=False)
    parts = []
    if t.share_change_pp is not None:
        parts.append(f"share {t.share_change_pp:+.3f} percentage points {first}-{last}")
    if t.contacts_change_pct is not None:
        parts.append(f"contacts {t.contacts_change_pct:+.1f} %")
    if t.visits_change_pct is not None:
        parts.append(f"visits {t.visits_change_pct:+.1f} %")
    if parts and first != last:
        say("Trend: " + "; ".join(parts))

    classes = (("every_year", "Every year"), ("sporadic", "Sporadic"), ("never", "Never"))
    for key, label in classes:
        ids = [h.hospital for h in result.hospitals if h.regularity == key]
        say(f"{label} ({len(ids)}): {', '.join(ids) if ids else '-'}")

    spec = Table(title="Specialties ranked by contacts", title_justify="left")
    for name, justify in (("#", "right"), ("Specialty", "left"), ("Contacts", "right"),
                          ("Visits", "right"), ("Share %", "right"), ("# by share", "right")):
        spec.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in result.specialties:
        spec.add_row(str(s.rank_by_contacts), s.specialty, f"{s.telemedicine_contacts:,}",
                     f"{s.outpatient_visits:,}", _pct(s.share_pct),
                     "-" if s.rank_by_share is None else str(s.rank_by_share))
    console.print(spec, markup=False)


class JointFormat(str, Enum):
    table = "table"
    md = "md"
    html = "html"
    json = "json"


def joint(
    ctx: typer.Context,
    by: str = typer.Option("region", "--by", "-b", metavar="region|hospital|attr:NAME",
                           help="Group documents by their region or hospital attribute "
                                "(joined to the registry), or by any attribute."),
    coder: str | None = typer.Option(None, "--coder", "-c",
                                     help="Whose codings to count (default: the consensus "
                                          "coder, else the only coder)."),
    count: str = typer.Option("segments", "--count",
                              metavar="segments|codings|documents|speakers",
                              help="What a theme x level cell counts, as in qcode matrix."),
    top: int = typer.Option(3, "--top", min=0, help="Most frequent codes shown per group."),
    years: str | None = typer.Option(None, "--years", "-y", metavar="FIRST-LAST",
                                     help="Registry years, e.g. 2009-2015 (default: all)."),
    fmt: JointFormat = typer.Option(JointFormat.table, "--format", "-f",
                                    help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="PATH",
                                       help="Write to this file instead of stdout."),
    real_names: bool = real_names_option(),
) -> None:
    """A joint display: registry figures beside the interviews, group by group.

    For each region, hospital or attribute value: the registry figures (telemedicine
    share of outpatient visits, contacts and visits, hospitals using, or the regularity
    class of a hospital; see qcode registry summary --help), beside the theme x level
    counts of that group's interviews (one coder; counted as qcode matrix counts, coded
    segments by default) and its most frequent codes with one short quote each. Documents
    join a group through their attributes (region, hospital, or the one named by
    attr:NAME; values match the registry regardless of case); groups of other attributes
    have no registry figures.

    Examples:

      qcode joint

      qcode joint --by hospital --coder consensus --format md > joint.md

      qcode joint --by attr:stakeholder_level --format json

      qcode joint --format html -o joint.html
    """
    from qcode.registry.joint import as_dict, build
    from qcode.registry.utilisation import parse_years

    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    display = build(project, by, coder, top, parse_years(years) if years else None, count)
    warn_omissions(display.omissions, project.root)
    text: str | None = None
    if fmt is JointFormat.json:
        if output is None:
            echo_json(as_dict(display))
            return
        text = json_text(as_dict(display))
    elif fmt is JointFormat.md:
        from qcode.reports.joint import as_markdown

        text = as_markdown(display)
    elif fmt is JointFormat.html:
        from qcode.reports.joint import as_html

        text = as_html(display)
    if text is not None:
        emit(text, output)
        return
    if output is not None:
        from qcode.errors import UsageError

        raise UsageError("--output needs --format md, html or json",
                         hint="tables are for the terminal")
    _joint_table(display)


def _joint_table(display: JointDisplay) -> None:
    from rich.table import Table

    from qcode.registry.joint import short_quote
    from qcode.reports.joint import TITLE, column_label, preamble, registry_line

    console = out()
    for line in preamble(display):
        console.print(line, soft_wrap=True, markup=False)
    table = Table(title=TITLE, title_justify="left", show_lines=True)
    table.add_column(column_label(display.by), ratio=1)
    table.add_column("Theme x level", no_wrap=True)
    table.add_column("Most frequent codes", ratio=2)
    width = max((len(t) for t, _ in display.themes), default=3)
    # each column as wide as its level's name (headers are never cut: "Micro", not "Micr")
    most = max((c for row in display.rows for counts in row.interviews.matrix.counts
                for c in counts), default=0)
    cell = 1 + max([len(str(most)), *(len(n or "codes") for _, n in display.levels)])
    head = " " * width + "".join(f"{n or 'codes':>{cell}}" for _, n in display.levels)
    for row in display.rows:
        iv = row.interviews
        grid = [head] + [f"{tid:<{width}}" + "".join(f"{c:>{cell}}" for c in counts)
                         for (tid, _), counts in zip(display.themes, iv.matrix.counts,
                                                     strict=True)]
        codes = "\n".join(f"{q.code} {q.name} ({q.count}): \u201c{short_quote(q.quote, 100)}"
                          f"\u201d ({q.segment})" for q in iv.top_codes) or "-"
        group = "\n".join([f"{row.key}", f"{', '.join(iv.documents)}; {iv.codings} codings",
                           *registry_line(row).split("; ")])
        table.add_row(group, "\n".join(grid), codes)
    least = 10 + len(head) + 2 * 12  # borders, padding, the grid, 12 for each text column
    if least <= console.width:
        console.print(table, markup=False)
    else:  # wider than the terminal (which wraps it) rather than groups printed empty
        shown_width = console.width
        console.width = least
        console.print(table, markup=False)
        console.width = shown_width


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
    app.command("joint")(joint)
