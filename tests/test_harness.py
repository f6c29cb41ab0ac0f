"""A hostile-input harness (issue 14): many odd or broken inputs, built here, through every one-report
command. Whatever the input: no traceback, no 'unexpected' (that word is for real bugs), exit 0 only with
output, exit 1 with one `Error:` line and no output file, no temporary file left, and bounded time."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli.app import app

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")

SENTENCES = "Staff did not always wear gloves. People said staff were kind. "
INPUTS = {  # name -> (file name, bytes, or a callable that makes the file; may it be read?)
    "empty": ("a.txt", b"", False),
    "blank": ("a.txt", b" \n\t\n  \n", False),
    "nul bytes": ("a.txt", b"Staff\x00\x00\x00were kind." * 50, False),
    "undefined cp1252": ("a.txt", b"\x81\x8d\x8f\x90\x9d" * 40, False),
    "garbage pdf": ("a.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8, False),
    "truncated pdf": ("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n", False),
    "self-referencing pdf": ("a.pdf", b"%PDF-1.4\n7 0 obj 7 0 R endobj\ntrailer << /Root 7 0 R >>\n%%EOF\n", False),
    "html without text": ("a.html", b"<html><body><script>x()</script></body></html>", False),
    "deep html": (
        "a.html",
        b"<html><body>" + b"<div>" * 3000 + SENTENCES.encode() + b"</div>" * 3000 + b"</body></html>",
        True,
    ),
    "entity-heavy html": ("a.html", b"<html><body><p>" + b"&amp;&#8217;&nbsp;" * 5000 + b"</p></body></html>", True),
    "one long word": ("a.txt", b"a" * 200_000, True),
    "full stops": ("a.txt", b"." * 200_000, True),
    "spaces": ("a.txt", b"Staff were kind." + b" " * 200_000 + b"Meals were good.", True),
    "blank lines": ("a.txt", b"Provider Limited\n" + b" \n" * 3000 + b"Staff were kind.\n", True),
    "lower-case sentences": ("a.txt", b"staff were kind. the ward was clean. " * 3000, True),
    "many bullets": (
        "a.txt",
        b"".join(b"- The trust must ensure staff complete training %d.\n" % (i % 7) for i in range(2000)),
        True,
    ),
    "quotes never closed": ("a.txt", ("\u201c" + SENTENCES * 2000).encode(), True),
    "stray bytes": ("a.txt", SENTENCES.encode() * 50 + b"\x92\x93\xff" + SENTENCES.encode(), True),
    "fifo": ("a.txt", os.mkfifo, False),
    "link to /dev/zero": ("a.txt", lambda p: os.symlink("/dev/zero", p), False),
    "folder": ("a.txt", os.mkdir, False),
}
COMMANDS = {
    "extract": lambda src, out: ["extract", src, "-o", out, "--timeout", "60"],
    "extract csv": lambda src, out: ["extract", src, "--format", "csv", "-o", out, "--timeout", "60"],
    "show": lambda src, out: ["show", src, "-o", out, "--timeout", "60"],
    "summary": lambda src, out: ["summary", src, "--timeout", "60"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", INPUTS)
def test_hostile_input(tmp_path: Path, case: str, command: str) -> None:
    name, data, readable = INPUTS[case]
    src = tmp_path / "in" / name
    src.parent.mkdir()
    if callable(data):
        data(src)
    else:
        src.write_bytes(data)
    out = tmp_path / "out" / "result"
    out.parent.mkdir()
    t0 = time.monotonic()
    result = CliRunner().invoke(app, COMMANDS[command](str(src), str(out)))
    assert time.monotonic() - t0 < 90, "too slow"
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "unexpected" not in result.output, result.output
    left = sorted(p.name for p in out.parent.iterdir())
    if result.exit_code == 0:
        assert readable, f"exit 0 on an input that cannot be read: {result.output[:200]}"
        assert left == (["result"] if command != "summary" else []) and (command == "summary" or out.stat().st_size)
    else:
        assert result.exit_code == 1 and not readable, result.output[-500:]
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and errors[0].startswith(f"Error: {src}"), result.stderr
        assert left == []  # no partial output and no temporary file
