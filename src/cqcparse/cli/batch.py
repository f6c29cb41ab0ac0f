"""`cqcparse batch`: a thin Typer wrapper around batch.run_batch, with a progress bar on stderr."""

import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cqcparse.cli.options import NoDefaultsOpt, RawCsvOpt, RulesOpt, fail
from cqcparse.errors import CqcparseError


def register(app: typer.Typer) -> None:
    # No `from __future__ import annotations` here: Typer reads these annotations, which use names local
    # to this function.
    @app.command()
    def batch(
        inputs: Annotated[
            Optional[list[str]],
            typer.Argument(
                help="Reports, folders (searched recursively for .pdf, .txt, .html) or globs; - reads paths "
                "from stdin, one a line.",
                show_default=False,
            ),
        ] = None,
        output: Annotated[Path, typer.Option("--output", "-o", metavar="FOLDER", help="The output folder.")] = Path(
            "out"
        ),
        from_list: Annotated[
            Optional[str],
            typer.Option("--from-list", metavar="FILE", help="A file of paths, one a line (- for stdin)."),
        ] = None,
        jobs: Annotated[
            Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the number of CPUs).")
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", min=0, help="Give up on an input after this many seconds (0: never).")
        ] = 120.0,
        max_memory: Annotated[
            Optional[int],
            typer.Option(
                "--max-memory",
                min=0,
                metavar="MB",
                help="Address-space limit of each worker and of its PDF reader, MB (default 4096, or "
                "CQCPARSE_MAX_MEMORY_MB; 0: none); an input that needs more fails.",
                show_default=False,
            ),
        ] = None,
        force: Annotated[bool, typer.Option("--force", help="Redo inputs whose output is up to date.")] = False,
        sqlite: Annotated[
            Optional[Path], typer.Option("--sqlite", metavar="FILE", help="Also write the tables to this SQLite file.")
        ] = None,
        dask: Annotated[
            Optional[str],
            typer.Option(
                "--dask",
                help="Run on the Dask cluster at this scheduler "
                "address (needs the dask extra: pip install "
                "distributed); its workers must see the inputs at the same "
                "paths.",
            ),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
        follow_links: Annotated[
            bool,
            typer.Option(
                "--follow-links",
                help="Follow links in input folders to files outside them (by default they are left out).",
            ),
        ] = False,
        raw_csv: RawCsvOpt = False,
        rules: RulesOpt = None,
        no_default_rules: NoDefaultsOpt = False,
    ) -> None:
        """Extract many reports in parallel into one folder: a JSON per report, plus items.jsonl, items.csv,
        reports.csv, breaches.csv and errors.jsonl, describing every report in the folder (from this run
        and earlier ones). A second run skips reports that are up to date. Exits 1 if any input failed."""
        from cqcparse.batch.run import read_path_list, run_batch

        paths = list(inputs or [])
        try:
            if "-" in paths:
                paths = [p for p in paths if p != "-"] + read_path_list("-")
            if from_list:
                paths += read_path_list(from_list)
            if not paths:
                raise typer.BadParameter("name reports, folders or globs, or give --from-list", param_hint="INPUTS")
            with _progress(quiet) as show:
                summary = run_batch(
                    paths,
                    output,
                    rule_paths=rules,
                    default_rules=not no_default_rules,
                    jobs=jobs,
                    timeout=timeout or None,
                    max_memory=max_memory,
                    force=force,
                    sqlite=sqlite,
                    dask=dask,
                    follow_links=follow_links,
                    raw_csv=raw_csv,
                    progress=show,
                )
        except KeyboardInterrupt:
            typer.echo("Interrupted: the reports finished so far are kept; run the same command to resume.", err=True)
            raise typer.Exit(130) from None
        except CqcparseError as e:
            fail(e)
        except typer.BadParameter:
            raise
        except Exception as e:  # a bug: still one line without --debug
            fail(RuntimeError(f"unexpected {type(e).__name__}: {e} (rerun with --debug for details)"))
        if not quiet:
            typer.echo(summary_line(summary, output), err=True)
        if summary.failed:
            raise typer.Exit(1)


def summary_line(s, out: Path) -> str:
    """One line: what was done, how fast, where it went (`out` as the user gave it)."""
    failed = f", {s.failed} failed (see {out / 'errors.jsonl'})" if s.failed else ""
    speed = ""
    if s.extracted and s.seconds:
        speed = (
            f" in {s.seconds:.1f} s: {s.extracted / s.seconds:.1f} files/s, {s.pages / s.seconds:.1f} pages/s, "
            f"{s.workers} worker{'s' if s.workers != 1 else ''}"
        )
    return f"{s.extracted} extracted, {s.skipped} up to date{failed}{speed} -> {out}"


class _progress:
    """A rich progress bar on stderr when it is a terminal; otherwise a callback that does nothing."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None  # a rich Progress while the bar is shown

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[errors]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("files", total=None, rates="", errors="")
        self.started = time.monotonic()
        return self.update

    def update(self, p) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rates = f"{p.done / elapsed:.1f} files/s {p.pages / elapsed:.1f} pages/s" if p.done else ""
        errors = f"[red]{p.failed} errors" if p.failed else ""
        self.bar.update(self.task, total=p.total, completed=p.done, rates=rates, errors=errors)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
