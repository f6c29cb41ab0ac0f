"""What every command shares: the --debug state, the one-line error guard, the page progress bar, the
common options and reading a report (a document, or the JSON of `extract`). Subcommand modules import this; nothing here imports them."""
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


def load_report(path: str, *, rules: list[Path] | None, no_default_rules: bool, include_text: bool,
                **read_options):
    """A report from a document (extracted now) or from `extract --format json` output. Returns the
    report and, for a document, the reader's pages (exact page markers)."""
    from cqcparse.records import Report
    if path != "-" and Path(path).suffix.lower() == ".json":
        try:
            return Report.model_validate_json(Path(path).read_bytes()), None
        except OSError as e:
            raise InputError(path, e.strerror or str(e)) from None
        except ValueError as e:
            raise InputError(path, "not the JSON of `cqcparse extract --format json` "
                             f"({str(e).splitlines()[0]})") from None
    from cqcparse.pipeline import Pipeline
    from cqcparse.readers.text import read_source
    pipe = Pipeline(rule_paths=rules, default_rules=not no_default_rules)
    src = read_source(path, **{k: v for k, v in read_options.items() if v is not None})
    return pipe.run(src, include_text=include_text), src.pages
