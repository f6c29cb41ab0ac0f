"""`summary` (a terminal table, CSV/JSON, a chart): a thin Typer wrapper around the summary functions,
with the table, the notes below it and the bar chart. Registered on the main app by cli/app.py."""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from cqcparse.cli.options import (
    DEFAULT_TIMEOUT,
    EngineOpt,
    NoDefaultsOpt,
    PagesOpt,
    PasswordOpt,
    RulesOpt,
    TimeoutOpt,
    guard,
    load_report,
    write_stdout,
)
from cqcparse.errors import InputError

SUMMARY_FORMATS = ("table", "csv", "json")
COUNT_COLUMNS = ("findings", "must", "should", "needs", "positives")
BATCH_SUFFIXES = {".jsonl", ".ndjson"}
# The review page's colours, so the chart and the page agree.
COLOURS = {"findings": "#e6b800", "must": "#e05555", "should": "#f09a3e", "needs": "#a070e0", "positives": "#4caf50"}


def register(app: typer.Typer) -> None:
    app.command("summary")(summary)


# -- inputs -----------------------------------------------------------------------------------------------


def is_batch(path: str) -> bool:
    p = Path(path)
    return path != "-" and (p.is_dir() or p.suffix.lower() in BATCH_SUFFIXES)


# -- summary ----------------------------------------------------------------------------------------------


def summary(
    path: Annotated[
        str,
        typer.Argument(
            help="A report (.txt, .pdf, .html, -), the JSON of `extract`, or a "
            "batch: items.jsonl, a batch output folder, `extract --format jsonl`."
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="[table|csv|json]",
            help="table (for people), csv or json (for scripts; csv has the count rows only).",
        ),
    ] = "table",
    plot: Annotated[
        Optional[Path],
        typer.Option(
            "--plot", help="Also save a bar chart (PNG, SVG, PDF) here; needs matplotlib: pip install 'cqcparse[plot]'."
        ),
    ] = None,
    themes: Annotated[int, typer.Option("--themes", help="How many must-action themes (batch).")] = 10,
    pages: PagesOpt = None,
    engine: EngineOpt = None,
    password: PasswordOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Count findings, actions and positives per quality statement, with ratings and breaches.

    For a batch: the same across reports, and the most frequent must-action themes."""
    if fmt not in SUMMARY_FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(SUMMARY_FORMATS)}", param_hint="--format")

    with guard(path, timeout=timeout):
        from cqcparse.tools import summary as sm
        from cqcparse.tools.items import load_batch_reports, load_items

        if plot is not None:
            _require_matplotlib()
        batch = is_batch(path)
        if batch:
            result = sm.summarise_batch(load_items(Path(path)), load_batch_reports(Path(path)), themes=themes)
        else:
            report, _ = load_report(
                path,
                rules=rules,
                no_default_rules=no_default_rules,
                include_text=False,
                pages=pages,
                engine=engine,
                password=password,
            )
            result = sm.summarise_report(report)
        if fmt == "json":
            write_stdout(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            write_stdout(summary_csv(result))
        else:
            print_summary(result, batch=batch)
        if plot is not None:
            save_plot(result, plot, batch=batch)
            if sys.stderr.isatty():
                typer.echo(f"Wrote {plot}", err=True)


def summary_csv(result) -> str:
    from cqcparse.tools.summary import ROW_COLUMNS

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(ROW_COLUMNS), lineterminator="\n")
    w.writeheader()
    for row in [*result.rows, result.totals]:
        w.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
    return buf.getvalue()


SHORT = {"findings": "Find.", "should": "Sh.", "positives": "Pos.", "reports": "Rep."}
SHORT_NOTE = "Short names to fit: Find. findings, Sh. should, Pos. positives, Rep. reports."


def summary_table(result, *, batch: bool, short: bool = False):
    """The rich Table of counts, totals below. By quality statement: each key question is a heading row,
    its statements below it, and "Key question only" counts the items labelled with it but no statement;
    a rule between key questions. `short`: abbreviated column names (SHORT), for a narrow terminal."""
    from rich import box
    from rich.padding import Padding
    from rich.table import Table

    from cqcparse.tools.summary import group_label, is_key_question_only, rows_are

    def name(col: str) -> str:
        return SHORT.get(col, col.capitalize()) if short else col.capitalize()

    has_score = any(r.score is not None for r in result.rows)
    n = len(result.reports)
    title = (
        f"{n} report{'s' if n != 1 else ''}"
        if batch
        else (result.facts.get("provider") or (result.reports[0] if result.reports else "report"))
    )
    by_statement = rows_are(result.rows) == "quality statement"
    t = Table(title=title, show_footer=True, title_justify="left", box=box.HORIZONTALS)
    t.add_column("Quality statement" if by_statement else "Key question", footer="Total", min_width=20)
    for col in COUNT_COLUMNS:
        t.add_column(name(col), justify="right", footer=str(getattr(result.totals, col)), min_width=len(name(col)))
    if has_score:
        t.add_column("Score", justify="right", min_width=5, no_wrap=True)
    if batch:
        t.add_column(name("reports"), justify="right", footer=str(result.totals.reports), no_wrap=True)
    blank = [""] * (len(t.columns) - 1)
    heading = None
    for n, r in enumerate(result.rows):
        if by_statement and r.key_question and r.key_question != heading:
            heading = r.key_question
            t.add_row(group_label(heading), *blank, style="bold")
        label: str | Padding = r.label
        if by_statement and r.key_question:  # indented under its heading, wrapped lines too
            label = Padding("Key question only" if is_key_question_only(r) else r.label, (0, 0, 0, 2))
        cells = [label, *(str(getattr(r, c) or "·") for c in COUNT_COLUMNS)]
        if has_score:
            cells.append("" if r.score is None else f"{r.score:g}")
        if batch:
            cells.append(str(r.reports))
        following = result.rows[n + 1] if n + 1 < len(result.rows) else None
        t.add_row(*cells, end_section=following is not None and following.key_question != r.key_question)
    return t


def print_summary(result, *, batch: bool) -> None:
    """The table, in full when it fits the terminal, else with short column names (and a note saying
    so) rather than letting rich drop the last columns; then the notes."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console()
    table = summary_table(result, batch=batch)
    needed = Measurement.get(console, console.options.update_width(10_000), table).minimum
    notes = batch_notes(result) if batch else report_notes(result)
    if needed > console.width:
        table = summary_table(result, batch=batch, short=True)
        notes = [SHORT_NOTE, *notes]
    console.print(table)
    for line in notes:
        console.print(line, highlight=False)


def report_notes(result) -> list:
    """What goes below a report's table: the overall rating, the key question ratings, the breaches."""
    from rich.table import Table

    out: list = [f"Overall rating: {result.overall_rating or 'not rated in this report'}"]
    if result.ratings:
        grid = Table.grid(padding=(0, 2))
        for kq, rating in result.ratings.items():
            grid.add_row(f"  {kq.capitalize()}", rating)
        out.append(grid)
    if not result.breaches:
        return [*out, "Breaches: none found"]
    out.append("Breaches:")
    for b in result.breaches:
        pages = b["pages"] or []
        where = f", page{'s' if len(pages) > 1 else ''} {', '.join(map(str, pages))}" if pages else ""
        out.append(f"  Regulation {b['regulation']} ({b['title'] or 'untitled'}){where}")
    return out


def batch_notes(result) -> list:
    """What goes below a batch's table: overall ratings and breaches (from the batch's report JSONs, when
    given a batch folder) and the most frequent must-action themes."""
    from rich import box
    from rich.table import Table

    out: list = []
    if result.rating_counts:
        out.append("Overall ratings: " + ", ".join(f"{r} {n}" for r, n in result.rating_counts.items()))
    if result.breaches:
        out.append(
            "Breaches (reports): "
            + ", ".join(
                f"regulation {b['regulation']}" + (f" {b['title']}" if b["title"] else "") + f" {b['reports']}"
                for b in result.breaches
            )
        )
    if result.themes:
        t = Table(title="Most frequent must-action themes", title_justify="left", box=box.HORIZONTALS)
        t.add_column("Theme", min_width=20)
        t.add_column("Must-actions", justify="right")
        t.add_column("Reports", justify="right")
        for th in result.themes:
            t.add_row(th.theme, str(th.actions), str(th.reports))
        out.append(t)
    return out


# -- the chart --------------------------------------------------------------------------------------------


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError("--plot", "needs matplotlib, which is not installed: pip install 'cqcparse[plot]'") from None


def save_plot(result, path: Path, *, batch: bool) -> None:
    """Horizontal bars per quality statement (key question for pre-2024 reports, and the title says
    which): stacked by kind for a report; must-actions for a batch."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cqcparse.tools.summary import chart_label, rows_are

    by = rows_are(result.rows)
    rows = [r for r in result.rows if (r.must if batch else r.total)]
    labels = [chart_label(r, by) for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(rows), 3) + 1.4))
    if batch:
        values = [r.must for r in rows][::-1]
        ax.barh(labels, values, color=COLOURS["must"])
        for y, r in enumerate(rows[::-1]):
            ax.text(r.must, y, f"  {r.reports} report{'s' if r.reports != 1 else ''}", va="center", fontsize=8)
        ax.set_title(f"Must-actions by {by} across {len(result.reports)} reports")
        ax.set_xlabel("must-actions")
    else:
        left = [0] * len(rows)
        for col in COUNT_COLUMNS:
            values = [getattr(r, col) for r in rows][::-1]
            ax.barh(labels, values, left=left, color=COLOURS[col], label=col)
            left = [a + b for a, b in zip(left, values)]
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(COUNT_COLUMNS), fontsize=8, frameon=False)
        ax.set_title(f"Items by {by}: {result.facts.get('provider') or result.reports[0]}")
        ax.set_xlabel("items")
    ax.tick_params(axis="y", labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path)
    except (OSError, ValueError) as e:
        raise InputError(str(path), f"cannot save the chart: {e}") from None
    finally:
        plt.close(fig)
