"""`cqcparse fetch`: a thin Typer wrapper around fetch.run.fetch, with a progress bar on a terminal."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cqcparse.errors import CqcparseError

if TYPE_CHECKING:  # the fetch package (and httpx) load only when the command runs
    from cqcparse.fetch.run import Progress as FetchProgress


def register(app: typer.Typer) -> None:
    # No `from __future__ import annotations` here: Typer reads these annotations.
    from cqcparse.cli.options import fail

    @app.command()
    def fetch(
        provider: Annotated[
            Optional[list[str]],
            typer.Option(
                "--provider",
                help="A provider id (1-... or an "
                "NHS trust code such as RXT): the reports of all its locations. Repeatable.",
                show_default=False,
            ),
        ] = None,
        location: Annotated[
            Optional[list[str]],
            typer.Option("--location", help="A location id (1-...). Repeatable.", show_default=False),
        ] = None,
        from_list: Annotated[
            Optional[str],
            typer.Option(
                "--from-list",
                help="A file of ids, one a line (- for "
                "stdin); a 1-... id is tried as a location, then as a provider; prefix "
                "'provider:' or 'location:' to say which.",
            ),
        ] = None,
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                "-o",
                metavar="FOLDER",
                help="The folder for the reports, fetched.jsonl and fetch-errors.jsonl.",
            ),
        ] = Path("reports"),
        every: Annotated[
            bool, typer.Option("--all", help="Every report of each location, not only the latest.")
        ] = False,
        since: Annotated[
            Optional[str], typer.Option("--since", help="Only reports published on or after this date (YYYY-MM-DD).")
        ] = None,
        fmt: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                metavar="[pdf|text]",
                help="pdf, or text (where the API has a text version; otherwise the PDF).",
            ),
        ] = "pdf",
        force: Annotated[bool, typer.Option("--force", help="Download again reports already in the folder.")] = False,
        api_url: Annotated[
            str, typer.Option("--api-url", envvar="CQC_API_URL", help="The API's base address.")
        ] = "https://api.service.cqc.org.uk/public/v1",
        api_key: Annotated[
            Optional[str],
            typer.Option(
                "--api-key",
                envvar="CQC_API_KEY",
                show_default=False,
                help="Your subscription key from CQC's API portal (better in CQC_API_KEY; never printed or written).",
            ),
        ] = None,
        jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Downloads at a time.")] = 4,
        per_minute: Annotated[
            float,
            typer.Option("--max-requests-per-minute", min=1, help="Ceiling on the request rate, retries included."),
        ] = 120.0,
        attempts: Annotated[
            int,
            typer.Option(
                "--max-attempts",
                min=1,
                help="Tries per request before giving up (429, 5xx and connection errors are retried).",
            ),
        ] = 5,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    ) -> None:
        """Download reports from CQC's public API into a folder, with what CQC says about each (ids, dates,
        current ratings) in fetched.jsonl. A second run downloads only what is not there yet."""
        from cqcparse.fetch.client import ApiClient, RetryPolicy, SecretKey
        from cqcparse.fetch.ids import IdError, Target, location_id, provider_id, read_id_list, unique
        from cqcparse.fetch.run import FetchOptions
        from cqcparse.fetch.run import fetch as run_fetch

        if fmt not in ("pdf", "text"):
            raise typer.BadParameter("choose pdf or text", param_hint="--format")
        if not api_url.startswith(("https://", "http://")):
            raise typer.BadParameter(f"{api_url!r} is not an http(s) address", param_hint="--api-url")
        try:
            since_day = date.fromisoformat(since) if since else None
        except ValueError:
            raise typer.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
        try:
            targets = [Target(provider_id(p), "provider") for p in provider or []]
            targets += [Target(location_id(i), "location") for i in location or []]
        except IdError as e:
            raise typer.BadParameter(str(e)) from None
        try:
            if from_list:
                from cqcparse.limits import read_list_file  # a regular file or stdin: a FIFO would block

                targets += read_id_list(from_list, read_list_file(from_list, "the id list"))
            if not targets:
                raise typer.BadParameter("name ids with --provider, --location or --from-list")
            api_key = (api_key or "").strip()
            if not all("!" <= c <= "~" for c in api_key):  # a header carries printable ASCII only
                raise CqcparseError("the API key has a character an HTTP header cannot carry (check CQC_API_KEY)")
            if not api_key:
                raise CqcparseError(
                    "no API key: set CQC_API_KEY or pass --api-key (register on CQC's API "
                    "portal for a free subscription key)"
                )
            options = FetchOptions(
                every=every, since=since_day, fmt="text" if fmt == "text" else "pdf", force=force, jobs=jobs
            )
            with (
                ApiClient(
                    api_url, SecretKey(api_key), per_minute=per_minute, policy=RetryPolicy(max_attempts=attempts)
                ) as client,
                _progress(quiet) as show,
            ):
                summary = run_fetch(unique(targets), output, client, options, progress=show)
        except KeyboardInterrupt:
            typer.echo("Interrupted: the reports fetched so far are kept; run the same command to resume.", err=True)
            raise typer.Exit(130) from None
        except typer.BadParameter:
            raise
        except CqcparseError as e:
            fail(e)
        except Exception as e:  # a bug: still one line without --debug
            fail(RuntimeError(f"unexpected {type(e).__name__} (rerun with --debug for details)"))
        if not quiet:
            failed = f", {summary.failed} failed (see {output / 'fetch-errors.jsonl'})" if summary.failed else ""
            typer.echo(
                f"{summary.fetched} report{'' if summary.fetched == 1 else 's'} fetched, {summary.up_to_date} up to date{failed}",
                err=True,
            )
        if summary.failed:
            raise typer.Exit(1)


@contextmanager
def _progress(quiet: bool) -> Iterator[Optional[Callable[["FetchProgress"], None]]]:
    """A rich progress bar on stderr, only when it is a terminal: locations looked up, then reports."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[errors]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("locations", total=None, errors="")

        def show(p: "FetchProgress") -> None:
            errors = f"[red]{p.failed} failed" if p.failed else ""
            bar.update(task, description=p.stage, total=p.total, completed=p.done, errors=errors)

        yield show
