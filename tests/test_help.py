"""Help texts (issue 14): every command's and subcommand's --help names values as a user would (FILE, TEXT,
[json|jsonl|csv]), never by Python types (`<str>`, `<bool>`, `<list[Path]>`, `{path}`)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from cqcparse.cli.app import app


def command_paths(command, path: tuple[str, ...] = ()):
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_paths(sub, (*path, name))


COMMANDS = list(command_paths(typer.main.get_command(app)))
CHOICES = {  # command -> option -> the choices its help must show
    ("extract",): {"--format": "[json|jsonl|csv]", "--engine": "[pdfium|plumber]"},
    ("show",): {"--engine": "[pdfium|plumber]"},
    ("summary",): {"--format": "[table|csv|json]", "--engine": "[pdfium|plumber]"},
    ("compare",): {"--format": "[table|json]", "--engine": "[pdfium|plumber]", "--by": "[location|provider]"},
    ("evaluate",): {"--format": "[table|json]"},
    ("explain",): {"--format": "[text|json]"},
    ("fetch",): {"--format": "[pdf|text]"},
    ("rules", "list"): {"--format": "[table|json]"},
}


def help_of(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"}, prog_name="cqcparse")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_walked() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"", "extract", "batch", "rules check", "rules list", "rules test", "explain", "evaluate", "fetch"} <= names
    assert len(names) == 14


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cqcparse")
def test_help_names_no_python_types(path: tuple[str, ...]) -> None:
    text = help_of(path)
    assert re.findall(r"<[^>\s]*>|\{[^}\s]*\}", text) == []
    assert not re.search(r"\b(bool|str|int|float|list\[|Path)\b", text.replace("Show this message", ""))
    for option, choices in CHOICES.get(path, {}).items():
        assert re.search(rf"{re.escape(option)}\s+(-\w\s+)?{re.escape(choices)}", text), (option, text)


def test_help_shows_the_memory_limit_and_required_arguments_plainly() -> None:
    text = help_of(("extract",))
    assert "Usage: cqcparse extract [OPTIONS] REPORT" in text
    assert re.search(r"--max-memory\s+MB\s+\[x>=0\]\s+Stop with an error past this many MB", text)
    assert "4096" in text and "CQCPARSE_MAX_MEMORY_MB" in text
    assert re.search(r"--timeout\s+SECONDS", help_of(("rules", "test")))
    assert re.search(r"--timeout\s+SECONDS", help_of(("evaluate",)))


def test_a_usage_error_is_plain_text_and_exit_2() -> None:
    result = subprocess.run([sys.executable, "-m", "cqcparse", "extract"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Usage: cqcparse extract [OPTIONS] REPORT",
        "Try 'cqcparse extract --help' for help.",
        "",
        "Error: Missing argument 'REPORT'.",
    ]


def test_help_and_usage_errors_load_no_heavy_module() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['cqcparse', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('cqcparse', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ['spacy', 'scipy', 'rapidfuzz', 'yaml', 'pypdfium2', 'pdfplumber', 'cqcparse.pipeline', "
        "'typer.rich_utils', 'markdown_it', 'rich.console']\n"
        "print([m for m in heavy if m in sys.modules], file=sys.stderr)"
    )
    loaded = {}
    for args in (["--version"], ["extract"], ["compare", "--threshold", "x"]):
        result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
        loaded[args[0]] = result.stderr.splitlines()[-1]
    assert loaded == {"--version": "[]", "extract": "[]", "compare": "[]"}


def test_compare_threshold_default_agrees_with_the_matcher() -> None:
    from cqcparse.cli import compare as cli_compare
    from cqcparse.compare.match import DEFAULT_THRESHOLD

    assert cli_compare.DEFAULT_THRESHOLD == DEFAULT_THRESHOLD
