"""`cqcparse compare`: a thin Typer wrapper around compare.compare_reports and compare.group."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cqcparse.cli.options import EngineOpt, NoDefaultsOpt, PasswordOpt, RulesOpt, ThresholdOpt, guard, load_report
from cqcparse.compare.defaults import DEFAULT_THRESHOLD

FORMATS = ("table", "json")
GROUP_BY = ("location", "provider")


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def compare(
    old: Annotated[
        str,
        typer.Argument(
            help="The older report (.txt, .pdf, .html, or the JSON of `extract`), "
            "or a batch output folder (or a folder of report JSONs)."
        ),
    ],
    new: Annotated[
        Optional[str], typer.Argument(help="The newer report (not with a folder).", show_default=False)
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="[table|json]", help="table (for people) or json.")
    ] = "table",
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output",
            "-o",
            help="Two reports: write the output "
            "here (atomically). A folder: the folder for changes.jsonl, changes.csv and "
            "summary.csv.",
        ),
    ] = None,
    by: Annotated[
        str,
        typer.Option("--by", metavar="[location|provider]", help="A folder: group reports by location or provider."),
    ] = "location",
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    engine: EngineOpt = None,
    password: PasswordOpt = None,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Compare two inspections of a service: rating changes, repeated, new and cleared breaches, and which
    findings and actions recur, are resolved or are new. Given a folder: every pair of consecutive reports
    of each location (or provider)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if by not in GROUP_BY:
        raise typer.BadParameter(f"choose one of {', '.join(GROUP_BY)}", param_hint="--by")
    if new is None:
        if not Path(old).is_dir():
            raise typer.BadParameter("give two reports, or one batch output folder", param_hint="NEW")
        _compare_folder(Path(old), output or Path("changes"), by=by, threshold=threshold)
        return
    from cqcparse.compare import compare_reports

    reports = []
    for path in (old, new):
        with guard(path):
            reports.append(
                load_report(
                    path,
                    rules=rules,
                    no_default_rules=no_default_rules,
                    include_text=True,
                    engine=engine,
                    password=password,
                )[0]
            )
    with guard(new):
        result = compare_reports(reports[0], reports[1], threshold=threshold)
    if fmt == "json":
        content = result.model_dump_json(indent=2) + "\n"
        if output:
            _write(output, content)
        else:
            sys.stdout.write(content)
        return
    from rich.console import Console

    from cqcparse.compare.view import renderables

    buf = io.StringIO() if output else None
    console = Console(file=buf, width=120) if buf else Console()
    for r in renderables(result):
        console.print(r)
    if output and buf:
        _write(output, buf.getvalue())


def _write(output: Path, content: str) -> None:
    """A file that cannot be written is one `Error: cannot write FILE: reason` line."""
    from cqcparse.output.writers import write_atomic

    with guard(str(output)):
        write_atomic(output, content)


def _compare_folder(folder: Path, out: Path, *, by: str, threshold: float) -> None:
    from cqcparse.compare.group import compare_folder
    from cqcparse.compare.tables import write_changes

    with guard(str(folder)):
        groups = compare_folder(folder, by=by, threshold=threshold)
        write_changes(groups, out)
    pairs = sum(len(g.comparisons) for g in groups)
    typer.echo(f"{len(groups)} {by}s, {pairs} comparisons -> {out}", err=True)
