"""The command line: thin Typer wrappers around library functions. Only the cli package prints.
The app imports the command modules; they import only the shared options."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated, Optional

import typer

from cqcparse.cli import batch, compare, evaluate, extract, fetch, rules, summary, view
from cqcparse.cli.helptext import App
from cqcparse.cli.options import show_warnings, state
from cqcparse.version import __version__

app = App(
    help="Turn CQC inspection and assessment reports into structured data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqcparse {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    state["debug"] = debug
    show_warnings()
    if not debug:  # pdfminer logs what it repairs ("Invalid MediaBox ..."): stderr carries only our lines
        logging.getLogger("pdfminer").setLevel(logging.ERROR)


for _commands in (extract, evaluate, rules, batch, view, summary, compare, fetch):
    _commands.register(app)


def main() -> None:
    """The console entry point. Stdout is flushed here, so that output that cannot be written (a full disk,
    /dev/full) is an `Error:` line and exit 1, and a reader that stops early (`| head`) ends it quietly."""
    from typer._click.exceptions import ClickException  # the click that typer vendors

    code: int | str | None = 0
    try:
        code = app(prog_name="cqcparse", standalone_mode=False)
    except ClickException as e:  # a usage error: click's plain lines (typer's rich box costs 0.1 s of imports)
        e.show()
        code = e.exit_code
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        code = 1
    except SystemExit as done:
        code = done.code
    except OSError as e:  # a command could not write stdout (click handles only a broken pipe)
        if state["debug"]:
            raise
        code = _stdout_failed(e)
    try:
        sys.stdout.flush()
    except OSError as e:
        code = _stdout_failed(e)
    sys.exit(code)


def _stdout_failed(e: OSError) -> int:
    """Exit 1, with one `Error:` line unless the reader just stopped reading (a broken pipe). Stdout then
    points at /dev/null, so that Python's own flush at exit does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if not isinstance(e, BrokenPipeError):
        reason = (e.strerror or str(e)).lower()
        sys.stderr.write(
            f"Error: {e.filename}: {reason}\n" if e.filename else f"Error: cannot write the output: {reason}\n"
        )
    return 1
