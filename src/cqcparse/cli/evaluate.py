"""`evaluate`: scores extraction against gold annotations, with its per-report and total tables and the
verbose list of misses. A thin Typer wrapper around tools/evaluate.py, registered on the main app by
`register(app)`. Tables go to stdout. The small helpers (format check, pipeline, JSON, console) are those of
cli/rules.py, repeated here because command modules import only cli/options.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cqcparse.cli.options import (
    DEFAULT_TIMEOUT,
    FormatOpt,
    NoDefaultsOpt,
    RulesOpt,
    check_table_format,
    echo_json,
    fail,
    rule_pipeline,
    table_console,
)
from cqcparse.errors import CqcparseError
from cqcparse.tools.evaluate import KINDS, Evaluation

if TYPE_CHECKING:  # rich is imported when a table is printed: help and usage errors need none of it
    from rich.console import Console


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cmd)


# -- evaluate -----------------------------------------------------------------------------------------


def evaluate_cmd(
    gold: Annotated[
        Path, typer.Argument(help="A folder of gold NAME.json files (docs/gold-format.md), or one gold file.")
    ],
    inputs: Annotated[
        Path,
        typer.Option(
            "--inputs", "-i", help="The folder holding NAME.txt (or the --ext format) for each gold NAME.json."
        ),
    ],
    ext: Annotated[
        str,
        typer.Option(
            "--ext", help="Input formats to score, each on its own: txt, pdf, html or a list such as txt,pdf."
        ),
    ] = "txt",
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="List every miss, extra (with the rules that made it) and wrong label."),
    ] = False,
    fmt: FormatOpt = "table",
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0,
            metavar="SECONDS",
            help="Stop with an error when one report takes longer than this, whatever the stage (0: never).",
        ),
    ] = DEFAULT_TIMEOUT,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Score extraction against gold annotations: P, R, F1 per kind, label accuracy, report fields.

    The numbers are those of shared/eval/score.py on the same extractions."""
    from cqcparse.tools.evaluate import evaluate

    check_table_format(fmt)
    pipe = rule_pipeline(rules, no_default_rules)
    results = []
    for e in (x.strip() for x in ext.split(",") if x.strip()):
        try:
            results.append(evaluate(gold, inputs, pipe, ext=e, timeout=timeout or None))
        except CqcparseError as err:
            fail(err)
    if fmt == "json":
        echo_json({r.ext: r.to_dict() for r in results})
        return
    for r in results:
        print_evaluation(table_console(), r, verbose=verbose)


def print_evaluation(out: Console, ev: Evaluation, *, verbose: bool) -> None:
    from rich.table import Table

    s = ev.summary
    if not ev.reports:
        out.print(f"[bold].{ev.ext}[/]: no gold file has a .{ev.ext} input")
        return
    per = Table("report", *(f"{k} tp/fp/fn" for k in KINDS), "fields", title=f".{ev.ext}: per report")
    for name, r in ev.reports.items():
        per.add_row(
            name, *(f"{r[k]['tp']}/{r[k]['fp']}/{r[k]['fn']}" for k in KINDS), f"{r['report']['ok']}/{r['report']['n']}"
        )
    out.print(per)
    total = Table("kind", "P", "R", "F1", "tp", "fp", "fn", "qs acc", "modality acc", title=f".{ev.ext}: totals")
    for k in KINDS:
        t = s[k]
        total.add_row(
            k,
            f"{t['precision']:.3f}",
            f"{t['recall']:.3f}",
            f"{t['f1']:.3f}",
            str(t["tp"]),
            str(t["fp"]),
            str(t["fn"]),
            _acc(t["qs_accuracy"]),
            _acc(t.get("modality_accuracy")) if k == "action" else "",
        )
    out.print(total)
    out.print(
        f"quality statement accuracy {_acc(s['quality_statement_accuracy'])}   key question accuracy "
        f"{_acc(s['key_question_accuracy'])}   report fields {s['report_fields']}"
    )
    if ev.skipped:
        out.print(f"no .{ev.ext} input for: {', '.join(ev.skipped)}")
    if s["missing_predictions"]:
        out.print(f"[red]not extracted[/]: {'; '.join(s['missing_predictions'])}", markup=True)
    if verbose:
        for name, r in ev.reports.items():
            print_misses(out, name, r)


def print_misses(out: Console, name: str, r: dict) -> None:
    out.print(f"[bold]{name}[/]")
    for k in KINDS:
        for q in r[k]["misses"]:
            out.print(f"  missed {k}: {q}", markup=False)
        for x in r[k]["extras"]:
            out.print(f"  extra  {k}: {x['text']}  [{', '.join(x['rules'])}]", markup=False)
        for e in r[k]["label_errors"]:
            out.print(f"  wrong {e['field']} on {k}: want {e['want']}, got {e['got']}: {e['text']}", markup=False)
    for m in r["report"]["misses"]:
        out.print(f"  report {m}", markup=False)


def _acc(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
