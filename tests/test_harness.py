"""A hostile-input harness (issue 14): odd or broken inputs, built here, through every command -- one-report
commands (extract, show, summary, explain, compare), rule tools (rules check, list, test), evaluate, batch,
fetch and output targets. Whatever the input: no traceback, no 'unexpected' (that word is for real bugs), no
hang past the timeout, exit 0 only with output, otherwise exit 1 with one `Error:` line naming the file, no
partial output, no temporary file left, and no device replaced by a file. Commands run in-process
(Typer's CliRunner) to keep the harness quick."""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli.app import app
from test_limits import CATALOG, FONT, LOOPS, PAGE, PAGES, TEXT, pdf, stream

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks")

SENTENCES = "Staff did not always wear gloves. People said staff were kind. "
REPORT = "Our view of the service\nStaff did not always wear gloves.\nThe provider must ensure audits are done.\n"
Maker = bytes | Callable[[Path], object]


def _link(target: str | Path) -> Callable[[Path], None]:
    return lambda p: os.symlink(target, p)


def _nested_dir(p: Path) -> None:
    p.mkdir()
    (p / "x.yaml").mkdir()


# name -> (file name, content or a function making the file, can it be read: True, False or None for either)
BIG = {  # large inputs: extract and summary only, to keep the harness quick
    "deep html": (
        "a.html",
        b"<html><body>" + b"<div>" * 3000 + SENTENCES.encode() + b"</div>" * 3000 + b"</body></html>",
        True,
    ),
    "entity-heavy html": ("a.html", b"<html><body><p>" + b"&amp;&#8217;&nbsp;" * 5000 + b"</p></body></html>", True),
    "one long word": ("a.txt", b"a" * 200_000, True),
    "full stops": ("a.txt", b"." * 100_000, True),
    "spaces": ("a.txt", b"Staff were kind." + b" " * 200_000 + b"Meals were good.", True),
    "blank lines": ("a.txt", b"Provider Limited\n" + b" \n" * 3000 + b"Staff were kind.\n", True),
    "lower-case sentences": ("a.txt", b"staff were kind. the ward was clean. " * 3000, True),
    "many bullets": (
        "a.txt",
        b"".join(b"- The trust must ensure staff complete training %d.\n" % (i % 7) for i in range(2000)),
        True,
    ),
    "quotes never closed": ("a.txt", ("\u201c" + SENTENCES * 2000).encode(), True),
}
SMALL: dict[str, tuple[str, Maker, bool | None]] = {
    "empty": ("a.txt", b"", False),
    "blank": ("a.txt", b" \n\t\n  \n", False),
    "bom only": ("a.txt", b"\xef\xbb\xbf", False),
    "nul bytes": ("a.txt", b"Staff\x00\x00\x00were kind." * 50, False),
    "undefined cp1252": ("a.txt", b"\x81\x8d\x8f\x90\x9d" * 40, False),
    "zip named .txt": ("a.txt", b"PK\x03\x04" + bytes(300), False),
    "stray bytes": ("a.txt", SENTENCES.encode() * 50 + b"\x92\x93\xff" + SENTENCES.encode(), True),
    "utf-16": ("a.txt", REPORT.encode("utf-16"), True),
    "crlf lines": ("a.txt", REPORT.replace("\n", "\r\n").encode(), True),
    "cr lines": ("a.txt", REPORT.replace("\n", "\r").encode(), True),
    "form feeds": ("a.txt", "\f".join([REPORT] * 3).encode(), True),
    "html named .txt": ("a.txt", b"<html><body><p>Staff were kind to people.</p></body></html>", True),
    "text named .pdf": ("a.pdf", REPORT.encode(), False),
    "garbage pdf": ("a.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8, False),
    "truncated pdf": ("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n", False),
    "tiny pdf": ("a.pdf", pdf(CATALOG, PAGES, PAGE, stream(TEXT), FONT), True),
    "pdf without text": ("a.pdf", pdf(CATALOG, PAGES, PAGE, stream(b"0 0 m 10 10 l S"), FONT), False),
    **{f"pdf: {case}": ("a.pdf", data, None) for case, data in LOOPS.items()},
    "html without text": ("a.html", b"<html><body><script>x()</script></body></html>", False),
    "xhtml entity expansion": (
        "a.xhtml",
        b'<?xml version="1.0"?><!DOCTYPE h [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><html><body><p>&c;&c;&c;</p></body></html>',
        None,
    ),
    "json not from extract": ("a.json", b'{"x": 1}', None),
    "json cut short": ("a.json", b'{"report": {', None),
    "name with a newline": ("a\nb.txt", REPORT.encode(), True),
    "name that is not utf-8": (os.fsdecode(b"r\xff.txt"), REPORT.encode(), True),
    "fifo": ("a.txt", os.mkfifo, False),
    "link to /dev/zero": ("a.txt", _link("/dev/zero"), False),
    "link to itself": ("a.txt", lambda p: os.symlink(p, p), False),
    "dangling link": ("a.txt", lambda p: os.symlink(p.parent / "gone.txt", p), False),
    "folder": ("a.txt", os.mkdir, False),
}
# command -> (arguments, does it write the output file, must a readable input succeed)
ONE_REPORT: dict[str, tuple[Callable[[str, str], list[str]], bool, bool]] = {
    "extract": (lambda src, out: ["extract", src, "-o", out, "--timeout", "60"], True, True),
    "extract csv": (lambda src, out: ["extract", src, "--format", "csv", "-o", out, "--timeout", "60"], True, True),
    "show": (lambda src, out: ["show", src, "-o", out, "--timeout", "60"], True, True),
    "summary": (lambda src, out: ["summary", src, "--timeout", "60"], False, True),
    # explain may find no sentence holding the text: an error naming the report, not a failure of the harness
    "explain": (lambda src, out: ["explain", src, "-s", "staff", "--timeout", "60"], False, False),
    "compare": (lambda src, out: ["compare", src, src, "--format", "json", "-o", out], True, True),
}
CASES = [(case, command) for case in SMALL for command in ONE_REPORT] + [
    (case, command) for case in BIG for command in ("extract", "summary")
]


def make(folder: Path, name: str, content: Maker) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return path


def run(args: list[str], limit: float = 90) -> tuple[int, str, str]:
    t0 = time.monotonic()
    result = CliRunner().invoke(app, args)
    assert time.monotonic() - t0 < limit, "too slow: past the timeout"
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output and "rerun with --debug" not in result.output, result.output[-800:]
    return result.exit_code, result.stdout, result.stderr


def assert_failed(code: int, stderr: str, named: str, *empty: Path) -> None:
    """Exit 1 and one `Error:` line naming `named`; each folder in `empty` holds no file."""
    assert code == 1, stderr[-500:]
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {named}"), stderr
    for folder in empty:
        assert sorted(p.name for p in folder.iterdir()) == []


@pytest.mark.parametrize("case, command", CASES, ids=[f"{c}-{m}" for c, m in CASES])
def test_one_report_command(tmp_path: Path, case: str, command: str) -> None:
    name, content, readable = {**SMALL, **BIG}[case]
    src = make(tmp_path / "in", name, content)
    out = tmp_path / "out" / "result"
    out.parent.mkdir()
    before = sorted(p.name for p in src.parent.iterdir())
    arguments, writes, must_succeed = ONE_REPORT[command]
    code, stdout, stderr = run(arguments(str(src), str(out)))
    assert sorted(p.name for p in src.parent.iterdir()) == before  # no temporary file beside the input
    if code == 0:
        assert readable is not False, f"exit 0 on an input that cannot be read: {stdout[:200]}"
        assert sorted(p.name for p in out.parent.iterdir()) == (["result"] if writes else [])
        assert (out.stat().st_size > 0) if writes else stdout
    else:
        assert readable is not True or not must_succeed, stderr
        assert_failed(code, stderr, str(src) if "utf-8" not in case else str(src.parent), out.parent)


# --- where the output goes ---------------------------------------------------------------------------------

TARGETS: dict[str, tuple[Callable[[Path], Path], str | None]] = {  # -> (make the target, the error or None)
    "/dev/null": (lambda tmp: Path("/dev/null"), None),
    "a link to /dev/null": (lambda tmp: make(tmp, "null-link", _link("/dev/null")), None),
    "a link to a file": (
        lambda tmp: make(tmp, "link", _link(make(tmp, "real.json", b"old"))),
        None,
    ),
    "a folder": (lambda tmp: make(tmp, "dir", os.mkdir), "is a folder"),
    "under a file": (lambda tmp: make(tmp, "file", b"x") / "out.json", "not a directory"),
    "in a missing folder": (lambda tmp: tmp / "no" / "such" / "out.json", None),  # made
    "/dev/full": (lambda tmp: Path("/dev/full"), "no space left on device"),
}


@pytest.mark.parametrize("command", ["extract", "show", "compare"])
@pytest.mark.parametrize("target", TARGETS)
def test_output_target(tmp_path: Path, target: str, command: str) -> None:
    src = make(tmp_path / "in", "report.txt", REPORT.encode())
    make_target, error = TARGETS[target]
    out = make_target(tmp_path)
    was_device = out.exists() and stat.S_ISCHR(os.stat(out).st_mode)
    args = {"extract": ["extract", str(src)], "show": ["show", str(src)], "compare": ["compare", str(src), str(src)]}
    code, _, stderr = run([*args[command], "-o", str(out)])
    if error is None:
        assert code == 0, stderr
        assert stat.S_ISCHR(os.stat(out).st_mode) == was_device  # a device stays a device
        if target == "a link to a file":
            assert out.is_symlink() and (tmp_path / "real.json").read_bytes() != b"old"
    else:
        assert code == 1 and stderr.splitlines() == [f"Error: cannot write {out}: {error}"], stderr
    assert [p.name for p in tmp_path.rglob(".*")] == []  # no temporary file left


# --- rule files ------------------------------------------------------------------------------------------

RULE_FILES: dict[str, Maker] = {
    "empty": b"",
    "not utf-8": b"kind: finding\nrules: [\xff]\n",
    "binary": bytes(range(256)) * 4,
    "a list": b"- one\n- two\n",
    "a scalar": b"just words\n",
    "tabs": b"kind: finding\nrules:\n\t- id: finding.x\n",
    "unterminated string": b'kind: finding\nrules:\n  - id: "finding.x\n',
    "deep nesting": b"kind: finding\nrules: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "alias bomb": b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + b"".join(b"%c: &%c [%s]\n" % (c, c, b", ".join([b"*" + bytes([c - 1])] * 9)) for c in range(98, 106))
    + b"kind: finding\nrules: []\n",
    "python object": b"kind: finding\nrules: !!python/object/apply:os.system [echo hi]\n",
    "unknown key": b"kind: finding\nrules:\n  - id: finding.x\n    phrases: [short staffed]\n    colour: red\n",
    "unknown kind": b"kind: wish\nrules:\n  - id: wish.x\n    phrases: [short staffed]\n",
    "no pattern": b"kind: finding\nrules:\n  - id: finding.x\n",
    "duplicate id": b"kind: finding\nrules:\n  - id: finding.x\n    phrases: [a b]\n  - id: finding.x\n    phrases: [c d]\n",
    "empty-matching regex": b'kind: finding\nrules:\n  - id: finding.x\n    regex: "(?:staff)?"\n',
    "nested quantifier": b'kind: finding\nrules:\n  - id: finding.x\n    regex: "(a+)+$"\n',
    "broken regex": b'kind: finding\nrules:\n  - id: finding.x\n    regex: "(unclosed"\n',
    "nan weight": b"kind: finding\nrules:\n  - id: finding.x\n    phrases: [short staffed]\n    weight: .nan\n",
    "bad token pattern": b'kind: finding\nrules:\n  - id: finding.x\n    pattern: [{"LOWR": "staff"}]\n',
    "fifo": os.mkfifo,
    "link to /dev/zero": _link("/dev/zero"),
}
RULE_COMMANDS = {
    "rules check": lambda rules, report: ["rules", "check", rules],
    "rules list": lambda rules, report: ["rules", "list", "--rules", rules],
    "rules test": lambda rules, report: ["rules", "test", "--rules", rules, "--timeout", "60"],
    "extract": lambda rules, report: ["extract", report, "--rules", rules, "--timeout", "60"],
}


@pytest.mark.parametrize("command", RULE_COMMANDS)
@pytest.mark.parametrize("case", RULE_FILES)
def test_rule_file(tmp_path: Path, case: str, command: str) -> None:
    rules = make(tmp_path / "rules", "mine.yaml", RULE_FILES[case])
    report = make(tmp_path, "report.txt", REPORT.encode())
    code, stdout, stderr = run(RULE_COMMANDS[command](str(rules), str(report)))
    assert code == 1, (stdout + stderr)[-500:]
    if command == "rules check":  # every problem on its own line, each naming the file
        assert stdout.splitlines() and all(line.startswith(f"{rules}:") for line in stdout.splitlines()), stdout
    else:
        assert_failed(code, stderr, str(rules))


# --- evaluate --------------------------------------------------------------------------------------------

GOLD: dict[str, Maker | None] = {  # the gold file report.json, or None for a gold folder with none
    "no gold file": None,
    "empty": b"",
    "not json": b"{items: [",
    "a list": b"[]",
    "items not a list": b'{"items": {"quote": "Staff"}}',
    "item without quote": b'{"items": [{"kind": "finding"}]}',
    "item not an object": b'{"items": ["Staff did not always wear gloves."]}',
    "quote not text": b'{"items": [{"kind": "finding", "quote": 7}]}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "not utf-8": b'{"items": [{"quote": "\xff"}]}',
    "folder": os.mkdir,
    "fifo": os.mkfifo,
    "link to /dev/zero": _link("/dev/zero"),
}


@pytest.mark.parametrize("case", GOLD)
def test_evaluate_gold(tmp_path: Path, case: str) -> None:
    gold, inputs = tmp_path / "gold", tmp_path / "inputs"
    gold.mkdir()
    make(inputs, "report.txt", REPORT.encode())
    content = GOLD[case]
    named = str(gold) if content is None else str(make(gold, "report.json", content))
    code, _, stderr = run(["evaluate", str(gold), "--inputs", str(inputs)])
    assert_failed(code, stderr, named if case not in ("folder", "fifo", "link to /dev/zero") else str(gold))


# --- batch and fetch: what they are given ----------------------------------------------------------------

BATCH: dict[str, Callable[[Path], tuple[list[str], str]]] = {  # -> (arguments, the path the error names)
    "missing input": lambda t: ([str(t / "nope"), "-o", str(t / "out")], str(t / "nope")),
    "output is a file": lambda t: ([str(make(t / "in", "r.txt", REPORT.encode())), "-o", str(make(t, "f", b"x"))], ""),
    "sqlite is a folder": lambda t: (
        [str(make(t / "in", "r.txt", REPORT.encode())), "-o", str(t / "out"), "--sqlite", str(make(t, "d", os.mkdir))],
        "",
    ),
    "sqlite is not sqlite": lambda t: (
        [str(make(t / "in", "r.txt", REPORT.encode())), "-o", str(t / "out"), "--sqlite", str(make(t, "db", b"x"))],
        "",
    ),
    "list file missing": lambda t: (["--from-list", str(t / "none.txt"), "-o", str(t / "out")], str(t / "none.txt")),
    "list file binary": lambda t: (
        ["--from-list", str(make(t, "l.txt", bytes(range(256)))), "-o", str(t / "out")],
        str(t / "l.txt"),
    ),
    "empty folder": lambda t: ([str(make(t, "in", os.mkdir)), "-o", str(t / "out")], str(t / "in")),
    "only a fifo": lambda t: ([str(make(t / "in", "a.txt", os.mkfifo).parent), "-o", str(t / "out")], str(t / "in")),
    "input is /dev/zero": lambda t: (["/dev/zero", "-o", str(t / "out")], "/dev/zero"),
}


@pytest.mark.parametrize("case", BATCH)
def test_batch_input(tmp_path: Path, case: str) -> None:
    args, named = BATCH[case](tmp_path)
    code, _, stderr = run(["batch", *args, "-j", "1", "--quiet"])
    assert_failed(code, stderr, named)
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob(".*"))


FETCH: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "nothing listens": lambda t: (
        ["--location", "1-123456789", "--api-url", "http://127.0.0.1:9", "--max-attempts", "1", "-o", str(t / "o")],
        "",
    ),
    "id list missing": lambda t: (["--from-list", str(t / "ids.txt"), "-o", str(t / "o")], str(t / "ids.txt")),
    "id list binary": lambda t: (["--from-list", str(make(t, "ids", bytes(range(256)))), "-o", str(t / "o")], ""),
    "id list a fifo": lambda t: (["--from-list", str(make(t, "ids.fifo", os.mkfifo)), "-o", str(t / "o")], ""),
}


@pytest.mark.parametrize("case", FETCH)
def test_fetch_input(tmp_path: Path, case: str) -> None:
    args, named = FETCH[case](tmp_path)
    code, _, stderr = run(["fetch", *args, "--api-key", "k"], limit=60)
    if case == "nothing listens":  # a failure per id: recorded, and the run says so and exits 1
        assert code == 1 and stderr.startswith("0 reports fetched, 0 up to date, 1 failed"), stderr
        assert len((tmp_path / "o" / "fetch-errors.jsonl").read_text().splitlines()) == 1
    else:
        assert_failed(code, stderr, named)
