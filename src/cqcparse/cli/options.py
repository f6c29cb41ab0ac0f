"""What every command shares: the --debug state, the one-line error guard, the page progress bar, the
common options and reading a report (a document, or the JSON of `extract`). Subcommand modules import this; nothing here imports them."""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cqcparse.errors import CqcparseError, InputError, InputWarning, OutputError
from cqcparse.limits import Overran, deadline, overran_error

if TYPE_CHECKING:  # at run time this loads spaCy (and rich): the commands import them when they run
    from rich.console import Console

    from cqcparse.pipeline import Pipeline

state = {"debug": False}


def show_warnings() -> None:
    """Print an InputWarning as one 'Warning: ' line on stderr (other warnings as Python does)."""
    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, InputWarning):
            typer.echo(f"Warning: {message}", err=True)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def fail(error: Exception) -> None:
    """One line on stderr and exit 1; the traceback only with --debug."""
    if state["debug"]:
        raise error
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(1)


ENGINES = ("pdfium", "plumber")  # read_pdf.ENGINES, named here so that --help does not load the PDF engines


@contextmanager
def page_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar of pages read, on stderr and only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("Reading pages", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


_FULL = {errno.ENOSPC, errno.EIO, errno.EDQUOT}


DEFAULT_TIMEOUT = 300.0  # seconds for one report, every stage (reading, rules, writing): --timeout changes it


@contextmanager
def guard(path: str, memory_hint: str = "", *, timeout: float | None = None) -> Iterator[None]:
    """Turn any error while handling `path` into one `Error:` line and exit 1 (a traceback only with
    --debug). With `timeout`, the block stops after that many seconds with an error naming `path`."""
    try:
        with deadline(timeout):
            yield
    except Overran:
        fail(overran_error(path, timeout or 0))
    except CqcparseError as e:
        fail(e)
    except MemoryError:
        fail(InputError(path, f"ran out of memory{memory_hint}"))
    except BrokenPipeError:
        raise  # the reader of stdout stopped (`| head`): cli.main ends quietly
    except (typer.Exit, typer.BadParameter):
        raise  # already said (fail) or a usage error: typer's own
    except OSError as e:
        if e.filename is None and e.errno in _FULL:  # printing to stdout (a table) failed
            fail(OutputError.of("the output", e))
        fail(RuntimeError(f"{path}: unexpected {type(e).__name__}: {e} (rerun with --debug for details)"))
    except Exception as e:  # a bug: still one line without --debug
        fail(RuntimeError(f"{path}: unexpected {type(e).__name__}: {e} (rerun with --debug for details)"))


TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout",
        min=0,
        metavar="SECONDS",
        help="Stop with an error after this many seconds, whatever the stage (0: never).",
    ),
]
PagesOpt = Annotated[Optional[str], typer.Option("--pages", metavar="PAGES", help="PDF pages: 3, 1-12, 2,5-7.")]
ThresholdOpt = Annotated[
    float,
    typer.Option(
        "--threshold",
        min=0.01,
        max=1.0,
        help="Least similarity (0-1) of an old and a new item to count as recurring (compare, and show with two "
        "reports).",
    ),
]
EngineOpt = Annotated[
    Optional[str],
    typer.Option("--engine", metavar="[pdfium|plumber]", help="PDF engine: pdfium (fast, the default) or plumber."),
]
PasswordOpt = Annotated[Optional[str], typer.Option("--password", metavar="TEXT", help="Password of an encrypted PDF.")]
RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--rules",
        metavar="PATH",
        help="A folder or file of extra rules (repeatable); a rule with a shipped rule's id replaces it.",
        envvar="CQCPARSE_RULES",
    ),
]
NoDefaultsOpt = Annotated[bool, typer.Option("--no-default-rules", metavar="", help="Use only the --rules given.")]


def load_report(path: str, *, rules: list[Path] | None, no_default_rules: bool, include_text: bool, **read_options):
    """A report from a document (extracted now) or from `extract --format json` output. Returns the
    report and, for a document, the reader's pages (exact page markers)."""
    from cqcparse.records import Report

    if path != "-" and Path(path).suffix.lower() == ".json":
        try:
            return Report.model_validate_json(Path(path).read_bytes()), None
        except OSError as e:
            raise InputError(path, e.strerror or str(e)) from None
        except ValueError as e:
            raise InputError(
                path, f"not the JSON of `cqcparse extract --format json` ({str(e).splitlines()[0]})"
            ) from None
    from cqcparse.readers.text import read_source

    pipe = shared_pipeline(rules, no_default_rules)
    src = read_source(path, **{k: v for k, v in read_options.items() if v is not None})
    return pipe.run(src, include_text=include_text), src.pages


RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        metavar="",
        help="Keep CSV cells that start with = + - @ as they "
        "are (by default they get a leading ' so that spreadsheets do not run them).",
    ),
]


def write_stdout(content: str) -> None:
    """Write and flush stdout: a full disk or /dev/full is an OutputError, not a bug."""
    try:
        sys.stdout.write(content)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError.of("the output", e) from None


def is_same_file(path: str, output: Path) -> bool:
    """Would writing `output` overwrite the input `path`?"""
    try:
        return path != "-" and os.path.samefile(path, output)
    except OSError:
        return False


# -- shared by the rule tools' commands (rules, explain, evaluate) --

FormatOpt = Annotated[str, typer.Option("--format", "-f", metavar="[table|json]", help="The output format.")]
TABLE_FORMATS = ("table", "json")


def check_table_format(fmt: str) -> None:
    if fmt not in TABLE_FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(TABLE_FORMATS)}", param_hint="--format")


def rule_pipeline(rules: list[Path] | None, no_default_rules: bool) -> Pipeline:
    from cqcparse.pipeline import Pipeline

    try:
        return Pipeline(rule_paths=rules, default_rules=not no_default_rules)
    except CqcparseError as e:
        fail(CqcparseError(f"{e} (run 'cqcparse rules check' to see every problem)"))
        raise  # fail() always exits


def echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def table_console() -> Console:
    """Tables for a terminal fit its width; piped output is wide so that ids and texts stay whole."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=max(console.width, 200))


def shared_pipeline(rules: list[Path] | None, no_default_rules: bool) -> Pipeline:
    """One Pipeline per rule set: `compare` and `show OLD NEW` read two reports, and loading spaCy and the
    rules is the slow part. A user rule file edited since it was loaded is loaded again."""
    stamps = tuple((str(p), _stamp(p)) for p in rules or ())
    return _cached_pipeline(stamps, no_default_rules)


def _stamp(path: Path) -> tuple[int, int]:
    """When a rule file or folder (and the files in it) last changed, and their number."""
    try:
        files = [path, *path.glob("*.yaml"), *path.glob("*.yml")] if path.is_dir() else [path]  # as rulefiles
        return max(f.stat().st_mtime_ns for f in files), len(files)
    except OSError:
        return 0, 0


@functools.lru_cache(maxsize=4)
def _cached_pipeline(rules: tuple[tuple[str, tuple[int, int]], ...], no_default_rules: bool) -> Pipeline:
    from cqcparse.pipeline import Pipeline

    return Pipeline(rule_paths=[Path(p) for p, _ in rules] or None, default_rules=not no_default_rules)
