"""`extract` and `schema`: one report to JSON, JSONL or CSV, and the JSON Schema of that output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from cqcparse.cli.options import (
    DEFAULT_TIMEOUT,
    ENGINES,
    EngineOpt,
    NoDefaultsOpt,
    PagesOpt,
    PasswordOpt,
    RawCsvOpt,
    RulesOpt,
    TimeoutOpt,
    fail,
    guard,
    is_same_file,
    page_progress,
    shared_pipeline,
    write_stdout,
)
from cqcparse.errors import OutputError


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("schema")(schema)


def extract(
    path: Annotated[str, typer.Argument(metavar="REPORT", help="A report: .txt, .pdf or .html, or - for stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="[json|jsonl|csv]", help="The output format.")] = "json",
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout."),
    ] = None,
    include_text: Annotated[
        bool, typer.Option("--include-text", metavar="", help="Add the document text the offsets refer to (json).")
    ] = False,
    pages: PagesOpt = None,
    engine: EngineOpt = None,
    password: PasswordOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    max_memory: Annotated[
        Optional[int],
        typer.Option(
            "--max-memory",
            min=0,
            metavar="MB",
            help="Stop with an error past this many MB of memory: the PDF reader by default (4096, or "
            "CQCPARSE_MAX_MEMORY_MB; 0: no limit), the whole command when given.",
            show_default=False,
        ),
    ] = None,
    raw_csv: RawCsvOpt = False,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Extract findings, actions, positives, breaches and report fields from one report."""
    from cqcparse.output.writers import FORMATS, render, write_atomic

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    if output is not None and is_same_file(path, output):
        fail(OutputError(str(output), "is the input report; give another file"))
    with guard(path, f" (limit {max_memory} MB; raise --max-memory)" if max_memory else "", timeout=timeout):
        pipe = shared_pipeline(rules, no_default_rules)
        if max_memory:  # given: the whole command (0: no limit at all)
            from cqcparse.limits import limit_memory

            limit_memory(max_memory)
        with page_progress() as progress:
            report = pipe.extract(
                path,
                include_text=include_text,
                pages=pages,
                engine=engine,
                password=password,
                timeout=timeout or None,
                progress=progress,
                max_memory=max_memory,
            )
        content = render(report, fmt, raw_csv=raw_csv)
        if output:
            write_atomic(output, content)
        else:
            write_stdout(content)


def schema(
    comparison: Annotated[
        bool, typer.Option("--comparison", help="The schema of `compare --format json` instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of `extract --format json` output (or of `compare --format json`)."""
    if comparison:
        from cqcparse.compare.model import Comparison

        typer.echo(json.dumps(Comparison.model_json_schema(), indent=2))
        return
    from cqcparse.records import Report

    typer.echo(json.dumps(Report.model_json_schema(), indent=2))
