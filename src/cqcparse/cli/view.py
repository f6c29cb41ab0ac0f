"""`show` (the review page, one report or two): a thin Typer wrapper around review.build_review and
diff.build_diff. Registered on the main app by cli/app.py; `summary` lives in cli/summary.py."""

from __future__ import annotations

import sys
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
    ThresholdOpt,
    TimeoutOpt,
    guard,
    load_report,
    write_stdout,
)
from cqcparse.compare.defaults import DEFAULT_THRESHOLD


def register(app: typer.Typer) -> None:
    app.command("show")(show)


# -- show -------------------------------------------------------------------------------------------------


def show(
    path: Annotated[
        str, typer.Argument(help="A report (.txt, .pdf, .html, - for stdin) or the JSON of `extract --include-text`.")
    ],
    new: Annotated[
        Optional[str],
        typer.Argument(
            help="A newer report of the same service: a two-report page "
            "linking recurring items, marking resolved and new ones.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write the page here (atomically) instead of stdout."),
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Page title (default: the provider).")] = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    pages: PagesOpt = None,
    engine: EngineOpt = None,
    password: PasswordOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultsOpt = False,
) -> None:
    """Write a self-contained HTML review page: the report's text with every item highlighted. Given two
    reports, the two texts side by side with what recurs, was resolved and is new (see `compare`)."""
    if new is not None:
        _show_two(
            path,
            new,
            output,
            title,
            threshold=threshold,
            timeout=timeout,
            rules=rules,
            no_default_rules=no_default_rules,
            pages=pages,
            engine=engine,
            password=password,
        )
        return
    with guard(path, timeout=timeout):
        from cqcparse.output.writers import write_atomic
        from cqcparse.tools.review import build_review

        report, src_pages = load_report(
            path,
            rules=rules,
            no_default_rules=no_default_rules,
            include_text=True,
            pages=pages,
            engine=engine,
            password=password,
        )
        page = build_review(report, pages=src_pages, title=title)
        if output:
            write_atomic(output, page)
            if sys.stderr.isatty():
                typer.echo(f"Wrote {output} ({len(report.items())} items)", err=True)
        else:
            write_stdout(page)


def _show_two(
    old: str, new: str, output: Path | None, title: str | None, *, threshold: float, timeout: float, **options
) -> None:
    """The two-report page; `--pages` applies to both PDFs, `--timeout` to each report and to the page."""
    from cqcparse.compare import compare_reports
    from cqcparse.compare.links import item_links
    from cqcparse.output.writers import write_atomic
    from cqcparse.tools.diff import build_diff

    loaded = []
    for path in (old, new):
        with guard(path, timeout=timeout):
            loaded.append(load_report(path, include_text=True, **options))
    (a, a_pages), (b, b_pages) = loaded
    with guard(new, timeout=timeout):
        c = compare_reports(a, b, threshold=threshold)
        old_links, new_links = item_links(c)
        page = build_diff(
            a,
            b,
            old_links,
            new_links,
            ratings=c.ratings,
            breaches=c.breaches.model_dump(),
            old_pages=a_pages,
            new_pages=b_pages,
            title=title,
        )
        if output:
            write_atomic(output, page)
        else:
            sys.stdout.write(page)
