"""The command line: thin Typer wrappers around library functions. Only this module prints."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import CqcparseError, InputError

app = typer.Typer(help="Turn CQC inspection and assessment reports into structured data.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqcparse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    state["debug"] = debug


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
    from rich.progress import Progress
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("Reading pages", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def guard(path: str, memory_hint: str = "") -> Iterator[None]:
    """Turn any error while handling `path` into one `Error:` line and exit 1 (a traceback only with
    --debug)."""
    try:
        yield
    except CqcparseError as e:
        fail(e)
    except MemoryError:
        fail(InputError(path, f"ran out of memory{memory_hint}"))
    except Exception as e:  # a bug: still one line without --debug
        fail(RuntimeError(f"{path}: unexpected {type(e).__name__}: {e} (rerun with --debug for details)"))


PagesOpt = Annotated[Optional[str], typer.Option("--pages", help="PDF pages: 3, 1-12, 2,5-7.")]
EngineOpt = Annotated[Optional[str], typer.Option("--engine", help="PDF engine: pdfium (fast, default) "
                      "or plumber.")]
PasswordOpt = Annotated[Optional[str], typer.Option("--password", help="Password of an encrypted PDF.")]
RulesOpt = Annotated[Optional[list[Path]], typer.Option("--rules", help="A folder or file of extra rules "
                     "(repeatable); a rule with a shipped rule's id replaces it.", envvar="CQCPARSE_RULES")]
NoDefaultsOpt = Annotated[bool, typer.Option("--no-default-rules", help="Use only the --rules given.")]


@app.command()
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
    from .pipeline import Pipeline
    from .writers import FORMATS, render, write_atomic
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    with guard(path, f" (limit {max_memory} MB; raise --max-memory)" if max_memory else ""):
        pipe = Pipeline(rule_paths=rules, default_rules=not no_default_rules)
        if max_memory:
            from .limits import limit_memory
            limit_memory(max_memory)
        with page_progress() as progress:
            report = pipe.extract(path, include_text=include_text, pages=pages, engine=engine,
                                  password=password, timeout=timeout, progress=progress)
        content = render(report, fmt)
        if output:
            write_atomic(output, content)
        else:
            sys.stdout.write(content)


@app.command()
def schema() -> None:
    """Print the JSON Schema of `extract --format json` output."""
    from .records import Report
    typer.echo(json.dumps(Report.model_json_schema(), indent=2))


from .cli_tools import register  # noqa: E402  (rules, evaluate, explain: commands for rule authors)
register(app)
from .cli_batch import register as _register_batch
_register_batch(app)
from .cli_view import register as _register_view
_register_view(app)
from .cli_fetch import register as _register_fetch
_register_fetch(app)
