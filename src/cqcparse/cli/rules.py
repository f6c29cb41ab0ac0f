"""Commands for rule authors: `rules list|check|test` and `explain` (`evaluate` lives in cli/evaluate.py).

Thin Typer wrappers around `ruletools` and `explain`, registered on the main app by `register(app)`.
Tables and reports go to stdout; summaries of a run go to stderr.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cqcparse.cli.helptext import App
from cqcparse.cli.options import (
    DEFAULT_TIMEOUT,
    FormatOpt,
    NoDefaultsOpt,
    RulesOpt,
    TimeoutOpt,
    check_table_format,
    echo_json,
    fail,
    guard,
    rule_pipeline,
    table_console,
)
from cqcparse.errors import CqcparseError

if TYPE_CHECKING:  # at run time these load spaCy (and rich), so commands import them when they run
    from rich.console import Console

    from cqcparse.tools.explain import SentenceExplanation

rules_app = App(help="List, check and test rules.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
    app.command("explain")(explain_cmd)


def _err(message: str) -> None:
    typer.echo(message, err=True)


# -- rules --------------------------------------------------------------------------------------------


@rules_app.command("list")
def rules_list(
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only rules of this kind.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List the rules in use: id, kind, label, file and description."""
    from cqcparse.analysis.rules import load_rules
    from cqcparse.tools.ruletools import list_rules

    check_table_format(fmt)
    try:
        rows = list_rules(load_rules(rules, defaults=not no_default_rules))
    except CqcparseError as e:
        fail(e)
    rows = [r for r in rows if kind is None or r.kind == kind]
    if fmt == "json":
        echo_json([dataclasses.asdict(r) for r in rows])
        return
    from rich.table import Column, Table

    table = Table("description")
    for name in ("file", "label", "kind", "id"):
        table.columns.insert(0, Column(name, overflow="fold"))
    for r in rows:
        table.add_row(
            r.id + ("" if r.enabled else " (disabled)"), r.kind, r.label or "", f"{r.file}:{r.line}", r.description
        )
    table_console().print(table)


@rules_app.command("check")
def rules_check(
    paths: Annotated[
        Optional[list[Path]], typer.Argument(help="Rule files or folders; the shipped rules when none.")
    ] = None,
) -> None:
    """Check rule files: print every problem as FILE:LINE: rule ID: message; exit 1 if any."""
    from cqcparse.tools.ruletools import check_paths

    result = check_paths(paths or None)
    for p in result.problems:
        typer.echo(p)
    where = f"{result.rules} rules in {len(result.files)} files"
    if result.problems:
        _err(f"{len(result.problems)} problems ({where})")
        raise typer.Exit(1)
    _err(f"ok: {where}")


@rules_app.command("test")
def rules_test(
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="A rule without a match example is an error, not a warning.")
    ] = False,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Run every rule's own examples: each match example must make it fire, each no_match must not."""
    from cqcparse.tools.ruletools import RuleTester

    with guard("the rules' examples", timeout=timeout):
        result = RuleTester(rule_pipeline(rules, no_default_rules)).run()
    for f in result.failures:
        typer.echo(f"FAIL {f}")
    label = "ERROR" if strict else "warning"
    for w in result.without_examples:
        typer.echo(f"{label} {w}")
    _err(
        f"{result.examples} examples of {result.rules} rules: {len(result.failures)} failed, "
        f"{len(result.without_examples)} rules without a match example"
    )
    if not result.ok(strict=strict):
        raise typer.Exit(1)


# -- explain ------------------------------------------------------------------------------------------


def explain_cmd(
    report: Annotated[str, typer.Argument(help="A report: .txt, .pdf or .html.")],
    sentence: Annotated[
        str, typer.Option("--sentence", "-s", help="Text the sentences to explain contain (case-insensitive).")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="[text|json]", help="The output format.")] = "text",
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Show the rules that fired on the sentences holding some text, and why each got its kind and labels."""
    from cqcparse.readers.text import read_source
    from cqcparse.tools.explain import explain

    if fmt not in ("text", "json"):
        raise typer.BadParameter("choose one of text, json", param_hint="--format")
    pipe = rule_pipeline(rules, no_default_rules)
    with guard(report, timeout=timeout):
        result = explain(pipe, read_source(report, timeout=timeout or None), sentence)
    if not result.sentences and not result.lines and not result.facts:
        fail(CqcparseError(f"{report}: no sentence contains {sentence!r} (try a shorter piece of it)"))
    if fmt == "json":
        echo_json(dataclasses.asdict(result))
        return
    out = table_console()
    for s in result.sentences:
        print_sentence(out, s)
    for line in result.lines:
        what = (
            f"a heading ({line.heading_type}, rule {line.heading_rule})"
            if line.heading_rule
            else "a heading"
            if line.heading_type
            else "not prose (a label, table row or short line)"
        )
        out.print(f"[bold]Line[/] at {line.start}{_page(line.page)}: {what}, never part of a sentence")
        out.print(f"  {line.text}", markup=False)
    for f in result.facts:
        out.print(f"[bold]Fact[/] {f.field} = {f.value} (rule {f.rule}) at {f.start}-{f.end}{_page(f.page)}")
        out.print(f"  {f.text}", markup=False)


def print_sentence(out: Console, s: SentenceExplanation) -> None:
    out.print(f"[bold]Sentence[/] {s.start}-{s.end}{_page(s.page)}")
    out.print(f"  {s.text}", markup=False)
    context = f"{s.context} (rule {s.context_rule})" if s.context else "none"
    out.print(
        f"  section: {s.section or '-'}   key question: {s.key_question or '-'}   section quality "
        f"statement: {s.section_quality_statement or '-'}   context: {context}",
        markup=False,
    )
    if s.hits:
        from rich.table import Table

        table = Table("rule", "kind", "label", "weight", "matched")
        for h in s.hits:
            table.add_row(h.rule, h.kind, h.label or "", f"{h.weight:g}", h.text)
        out.print(table)
    else:
        out.print("  no rule fired")
    out.print(f"  statement type: {s.statement_type}", markup=False)
    for m in s.modifiers:
        out.print(f"  modifier {m.category} {m.rule}: {m.trigger!r} governs {m.scope!r}", markup=False)
    out.print("  decision:")
    for step in s.path:
        out.print(f"    - {step}", markup=False)
    kinds = (
        "; ".join(
            k + (f" ({s.modality})" if k == "action" else "") + f" [{', '.join(s.rules.get(k, []))}]" for k in s.kinds
        )
        or "not an item"
    )
    out.print(f"  result: {kinds}; quality statement {s.quality_statement or '-'}", markup=False)
    out.print()


def _page(page: int | None) -> str:
    return f" (page {page})" if page is not None else ""
