"""The command line: every format from a file and from stdin, -o, schema, --version, and error paths
that exit 1 with one 'Error: ...' line and leave no output file behind."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cqcparse
from cqcparse import Report
from cqcparse import pipeline as pipeline_module
from cqcparse.cli.app import app
from cqcparse.output.writers import CSV_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT = FIXTURES / "larchwood-surgery-2025.txt"
KINDS = {"finding", "action", "positive"}


@pytest.fixture(autouse=True)
def shared_pipeline(monkeypatch, pipe):
    """The CLI builds a Pipeline per command; with the shipped rules, hand it the session's one."""
    real = pipeline_module.Pipeline

    def factory(rules=None, *, rule_paths=None, default_rules=True):
        if rules is None and not rule_paths and default_rules:
            return pipe
        return real(rules, rule_paths=rule_paths, default_rules=default_rules)

    monkeypatch.setattr(pipeline_module, "Pipeline", factory)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def expected(pipe) -> Report:
    return pipe.extract(REPORT)


def invoke(runner: CliRunner, args: list[str], source: str):
    """Run `cqcparse extract` on REPORT given as a path or piped to stdin ('-')."""
    if source == "stdin":
        return runner.invoke(app, ["extract", "-", *args], input=REPORT.read_bytes())
    return runner.invoke(app, ["extract", str(REPORT), *args])


SOURCES = ["file", "stdin"]


@pytest.mark.parametrize("source", SOURCES)
def test_extract_json(runner, expected, source):
    result = invoke(runner, ["--format", "json"], source)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert {"report", "sections", "findings", "actions", "positives", "breaches"} <= set(data)
    assert data["source"] == (str(REPORT) if source == "file" else "-")
    assert data["report"]["provider"] == "Larchwood Surgery"
    for kind in ("findings", "actions", "positives"):
        assert [i["text"] for i in data[kind]] == [i.text for i in getattr(expected, kind)]
    assert "text" in data and data["text"] is None


@pytest.mark.parametrize("source", SOURCES)
def test_extract_jsonl(runner, expected, source):
    result = invoke(runner, ["--format", "jsonl"], source)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected.items()) > 0
    rows = [json.loads(line) for line in lines]
    assert all(row["kind"] in KINDS for row in rows)
    assert all(list(row) == CSV_COLUMNS for row in rows)
    assert [(r["kind"], r["start"]) for r in rows] == [(i.kind, i.start) for i in expected.items()]


@pytest.mark.parametrize("source", SOURCES)
def test_extract_csv(runner, expected, source):
    result = invoke(runner, ["-f", "csv"], source)
    assert result.exit_code == 0, result.output
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    assert header == CSV_COLUMNS
    rows = [dict(zip(header, row)) for row in reader]
    assert len(rows) == len(expected.items())
    assert [r["text"] for r in rows] == [i.text for i in expected.items()]
    must = next(r for r in rows if r["kind"] == "action" and r["modality"] == "must")
    assert must["quality_statement"] == "safeguarding" and must["page"] == ""


def test_stdin_with_bom_offsets_follow_the_text_without_it(runner):
    result = runner.invoke(
        app, ["extract", "-", "-f", "jsonl"], input=b"\xef\xbb\xbfStaff did not always wear gloves.\r\n"
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["source"], r["kind"], r["start"], r["end"], r["text"]) for r in rows] == [
        ("-", "finding", 0, 33, "Staff did not always wear gloves.")
    ]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_output_file_gets_everything_and_stdout_nothing(runner, tmp_path, fmt):
    out = tmp_path / "nested" / f"out.{fmt}"
    result = runner.invoke(app, ["extract", str(REPORT), "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    direct = runner.invoke(app, ["extract", str(REPORT), "-f", fmt])
    assert out.read_text(encoding="utf-8") == direct.stdout
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name], "temporary file left behind"


def test_include_text(runner):
    result = runner.invoke(app, ["extract", str(REPORT), "--include-text"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["text"] == REPORT.read_text(encoding="utf-8")
    item = data["findings"][0]
    assert " ".join(data["text"][item["start"] : item["end"]].split()) == item["text"]


def test_schema_is_a_json_schema_of_the_json_output(runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and schema["title"] == "Report"
    assert {"report", "sections", "findings", "actions", "positives", "breaches"} <= set(schema["properties"])
    assert set(schema["required"]) >= {"report", "findings", "actions", "positives", "breaches"}
    item = schema["$defs"]["Item"]
    assert item["additionalProperties"] is False
    assert list(item["properties"]) == CSV_COLUMNS[1:]


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"cqcparse {cqcparse.__version__}\n"


def test_python_dash_m_version():
    proc = subprocess.run([sys.executable, "-m", "cqcparse", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"cqcparse {cqcparse.__version__}\n"


def test_every_command_is_documented():
    command = typer.main.get_command(app)
    assert {"extract", "schema"} <= set(command.commands)
    for name, cmd in command.commands.items():
        assert (cmd.help or "").strip(), f"command {name} has no help text"


# --- error paths ---------------------------------------------------------------------------------------


def _bad_input(tmp_path: Path, case: str) -> tuple[str, str]:
    """(path argument, message expected after 'Error: PATH: ')"""
    if case == "missing":
        return str(tmp_path / "nope.txt"), "no such file"
    if case == "directory":
        (tmp_path / "folder").mkdir()
        return str(tmp_path / "folder"), "is a directory"
    data = {
        "empty": b"",
        "blank": b"\n \n",
        "binary": b"abc\x00\x00\x01def" * 10,
        "undecodable": b"\x81\x8d\x8f\x90\x9d",
    }[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    message = {
        "empty": "is empty",
        "blank": "is empty",
        "binary": "looks like a binary file",
        "undecodable": "cannot be decoded as UTF-8 or cp1252",
    }[case]
    return str(path), message


BAD_CASES = ["missing", "directory", "empty", "blank", "binary", "undecodable"]


def assert_one_error_line(result, path: str, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}: {message}"), lines[0]
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_exits_1_with_one_error_line(runner, tmp_path, case):
    path, message = _bad_input(tmp_path, case)
    assert_one_error_line(runner.invoke(app, ["extract", path]), path, message)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_leaves_no_output_file(runner, tmp_path, case):
    path, message = _bad_input(tmp_path, case)
    out = tmp_path / "out" / "out.json"
    result = runner.invoke(app, ["extract", path, "-o", str(out)])
    assert_one_error_line(result, path, message)
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_failed_run_keeps_an_existing_output_file(runner, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("previous\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous\n"


@pytest.mark.parametrize(("data", "message"), [(b"", "is empty"), (b"\x00\x01\x02" * 50, "looks like a binary")])
def test_bad_stdin(runner, data, message):
    result = runner.invoke(app, ["extract", "-"], input=data)
    assert_one_error_line(result, "-", message)


def test_bad_format_is_a_usage_error(runner, tmp_path):
    out = tmp_path / "out.xml"
    result = runner.invoke(app, ["extract", str(REPORT), "--format", "xml", "-o", str(out)])
    assert result.exit_code == 2
    assert "--format" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_broken_user_rules_exit_1_naming_file_and_line(runner, tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text('kind: finding\nrules:\n  - id: mine.one\n    regex: "("\n', encoding="utf-8")
    result = runner.invoke(app, ["extract", str(REPORT), "--rules", str(rules)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {rules}:3: rule mine.one: invalid regex:"), lines


def test_user_rules_reach_the_cli(runner, tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("kind: finding\nrules:\n  - id: mine.tardy\n    phrases: [tardy]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["extract", "-", "-f", "jsonl", "--rules", str(rules)], input=b"Carers were tardy on Sundays."
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["text"], r["rules"]) for r in rows] == [
        ("finding", "Carers were tardy on Sundays.", ["mine.tardy"])
    ]


@pytest.mark.parametrize(
    ("report", "needle"),
    [
        (REPORT, "overdue"),
        (FIXTURES / "hollybank-homecare-2023.txt", "late at weekends"),  # broken across a running footer
    ],
)
def test_explain_agrees_with_extract(runner, pipe, report, needle):
    """`explain` must show the sentences `extract` decides on, with the same kinds and span."""
    result = runner.invoke(app, ["explain", str(report), "-s", needle, "-f", "json"])
    assert result.exit_code == 0, result.output
    explained = [(s["start"], s["end"], s["text"], sorted(s["kinds"])) for s in json.loads(result.stdout)["sentences"]]
    extracted = pipe.extract(report)
    items = [i for i in extracted.items() if needle in i.text]
    assert explained == [(items[0].start, items[0].end, items[0].text, sorted(i.kind for i in items))]
