"""The command line: thin Typer wrappers around library functions. Only the cli package prints.
The app imports the command modules; they import only the shared options."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from cqcparse.cli import batch, extract, fetch, rules, view
from cqcparse.cli.options import state
from cqcparse.version import __version__

app = typer.Typer(help="Turn CQC inspection and assessment reports into structured data.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


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

for _commands in (extract, rules, batch, view, fetch):
    _commands.register(app)
