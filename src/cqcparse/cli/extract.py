"""`extract` and `schema`: one report to JSON, JSONL or CSV, and the JSON Schema of that output."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cqcparse.cli.options import (ENGINES, EngineOpt, NoDefaultsOpt, PagesOpt, PasswordOpt, RulesOpt, guard,
                                  page_progress)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("schema")(schema)


def extract(
    path: Annotated[str, typer.Argument(help="A report: .txt, .pdf or .html, or - for stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, jsonl or csv.")] = "json",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (atomically) "
                                                   "instead of stdout.")] = None,
    include_text: Annotated[bool, typer.Option("--include-text", help="Add the document text the "
                                               "offsets refer to (json).")] = False,
    pages: PagesOpt = None,
    engine: EngineOpt = None,
    password: PasswordOpt = None,
    timeout: Annotated[Optional[float], typer.Option("--timeout", help="Stop reading a PDF after this "
                                                     "many seconds.")] = None,
    max_memory: Annotated[Optional[int], typer.Option("--max-memory", help="Stop with an error past this "
                                                      "many MB of memory.")] = None,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Extract findings, actions, positives, breaches and report fields from one report."""
    from cqcparse.pipeline import Pipeline
    from cqcparse.output.writers import FORMATS, render, write_atomic
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    with guard(path, f" (limit {max_memory} MB; raise --max-memory)" if max_memory else ""):
        pipe = Pipeline(rule_paths=rules, default_rules=not no_default_rules)
        if max_memory:
            from cqcparse.limits import limit_memory
            limit_memory(max_memory)
        with page_progress() as progress:
            report = pipe.extract(path, include_text=include_text, pages=pages, engine=engine,
                                  password=password, timeout=timeout, progress=progress)
        content = render(report, fmt)
        if output:
            write_atomic(output, content)
        else:
            sys.stdout.write(content)


def schema() -> None:
    """Print the JSON Schema of `extract --format json` output."""
    from cqcparse.records import Report
    typer.echo(json.dumps(Report.model_json_schema(), indent=2))
