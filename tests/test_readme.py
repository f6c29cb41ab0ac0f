"""Every README example runs (issue 14): the Python blocks as written, and each `cqcparse` command line
names a command and options that exist (the quick start and summary examples are run for real)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
COMMAND_LINES = sorted(
    {
        line.removeprefix("$ ").split("#")[0].strip()
        for lang, body in BLOCKS
        if lang == ""
        for line in body.splitlines()
        if line.removeprefix("$ ").startswith("cqcparse ")
    }
)


@pytest.mark.parametrize("code", [body for lang, body in BLOCKS if lang == "python"])
def test_python_examples_run(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^must \w+ ", result.stdout, flags=re.M)  # an action with its modality and label
    assert re.search(r"^harbourside-nhs-ft-well-led-2025\.txt \d+ findings$", result.stdout, flags=re.M)


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_command_lines_name_real_commands_and_options(line: str) -> None:
    words = shlex.split(line.replace("|", " ").replace("[", " ").replace("]", " "))[1:]
    command = [w for w in words[:2] if re.fullmatch(r"[a-z]+", w)]
    if command[:1] != ["rules"]:
        command = command[:1]
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, (line, result.output)
    for option in (w.split("=")[0] for w in words if w.startswith("--")):
        assert option in result.output, (line, option)


def test_quick_start_and_summary_examples_run() -> None:
    result = CliRunner().invoke(app, ["extract", "fixtures/harbourside-nhs-ft-well-led-2025.txt", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    assert first["source"] == "fixtures/harbourside-nhs-ft-well-led-2025.txt" and first["kind"] in (
        "finding",
        "action",
        "positive",
    )
    result = CliRunner().invoke(app, ["summary", "fixtures/harbourside-nhs-ft-well-led-2025.txt"])
    assert result.exit_code == 0, result.output
    assert "Harbourside NHS Foundation Trust" in result.stdout and "Total" in result.stdout
