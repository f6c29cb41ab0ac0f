"""What every command shares: the --debug state, the one-line error guard, the page progress bar and
the common options. Subcommand modules import this; nothing here imports them."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from cqcparse.errors import CqcparseError, InputError

state = {"debug": False}


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


