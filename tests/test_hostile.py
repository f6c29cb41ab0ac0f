"""Hostile and unusual inputs and outputs (issue 14): every command ends with exit 1 and one `Error:` line
(no traceback), leaves no partial or temporary file, never replaces a device, and does not hang.

The hostile files are built here; the commands run as a user runs them (`python -m cqcparse`), so that
what happens when stdout is flushed at exit is tested too."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files: FIFOs, /dev/full, signals")

REPORT = (
    "Our view of the service\n"
    "Staff did not always wear gloves when they gave personal care.\n"
    "The provider must ensure that audits identify and act on shortfalls.\n"
    "People said staff were kind and treated them with dignity.\n"
)
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def cqc(
    *args: str, cwd: Path | None = None, input: bytes | None = None, timeout: float = 120, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cqcparse", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_error(result: subprocess.CompletedProcess, message: str) -> None:
    """Exit 1, nothing on stdout, exactly one line on stderr: `Error: ` + message."""
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert err.splitlines() == [f"Error: {message}"], err
    assert b"Traceback" not in result.stderr


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


# --- writing the output ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["extract", "{report}"], ["schema"], ["rules", "list"], ["show", "{report}"], ["summary", "{report}"]]
)
def test_stdout_on_a_full_device_is_an_error(report: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cqcparse", *(a.format(report=report) for a in args)],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == ["Error: cannot write the output: no space left on device"]


@pytest.mark.parametrize("command", ["extract", "show"])
def test_output_file_on_a_full_device_is_an_error(report: Path, command: str) -> None:
    assert_error(cqc(command, str(report), "-o", "/dev/full"), "cannot write /dev/full: no space left on device")


@pytest.mark.parametrize("command", ["extract", "show"])
def test_output_onto_a_folder_names_it(report: Path, tmp_path: Path, command: str) -> None:
    (tmp_path / "out.json").mkdir()
    assert_error(
        cqc(command, str(report), "-o", str(tmp_path / "out.json")),
        f"cannot write {tmp_path / 'out.json'}: is a folder",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "report.txt"]  # no temporary file


def test_output_under_a_file_names_the_output(report: Path, tmp_path: Path) -> None:
    assert_error(
        cqc("extract", str(report), "-o", str(report / "out.json")),
        f"cannot write {report / 'out.json'}: not a directory",
    )


@pytest.mark.skipif(ROOT_USER, reason="root writes into read-only folders")
def test_output_in_a_read_only_folder_names_the_output(report: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    assert_error(
        cqc("extract", str(report), "-o", str(ro / "out.json")), f"cannot write {ro / 'out.json'}: permission denied"
    )
    assert list(ro.iterdir()) == []


def test_output_onto_a_device_or_its_link_writes_in_place(report: Path, tmp_path: Path) -> None:
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    for target in ["/dev/null", str(link)]:
        result = cqc("extract", str(report), "-o", target)
        assert result.returncode == 0, result.stderr
    assert Path("/dev/null").is_char_device() and link.is_symlink() and link.resolve() == Path("/dev/null")


def test_output_through_a_link_to_a_file_keeps_the_link(report: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert cqc("extract", str(report), "-o", str(link)).returncode == 0
    assert link.is_symlink() and json.loads(real.read_text())["source"] == str(report)


def test_output_equal_to_the_input_is_refused(report: Path) -> None:
    assert_error(
        cqc("extract", str(report), "-o", str(report)), f"cannot write {report}: is the input report; give another file"
    )
    assert report.read_text(encoding="utf-8") == REPORT


def test_output_file_gets_the_umask_mode(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    old = os.umask(0o027)
    try:
        assert cqc("extract", str(report), "-o", str(out)).returncode == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640


def test_a_reader_that_stops_early_ends_it_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(REPORT * 2000, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cqcparse", "extract", str(big), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert json.loads(first)["kind"] == "finding"
    assert err == b""


# --- reading the input -------------------------------------------------------------------------------------


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert_error(
        cqc("extract", str(fifo), timeout=60), f"{fifo}: is not a regular file (a FIFO, device or socket): not read"
    )


def test_a_link_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert_error(
        cqc("extract", str(link), timeout=60), f"{link}: is not a regular file (a FIFO, device or socket): not read"
    )


def test_an_input_over_the_size_limit_is_refused_before_reading(report: Path) -> None:
    result = cqc("extract", str(report), env={"CQCPARSE_MAX_INPUT_MB": "0.0001"})
    assert_error(
        result, f"{report}: is 0 MB, over the limit of 0 MB for one input (set CQCPARSE_MAX_INPUT_MB to raise it)"
    )
    assert_error(
        cqc("extract", "-", input=REPORT.encode(), env={"CQCPARSE_MAX_INPUT_MB": "0.0001"}),
        "-: is over 0 MB, the limit of one input (set CQCPARSE_MAX_INPUT_MB to raise it)",
    )


def test_a_stray_cp1252_byte_in_utf8_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes(
        REPORT.replace("The provider", "The provider\u2019s manager").encode().replace(b"they gave", b"they\x92d given")
    )
    result = cqc("extract", str(path), "--format", "jsonl")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [f"Warning: {path}: 1 byte not UTF-8, read as cp1252"]
    texts = [json.loads(line)["text"] for line in result.stdout.decode().splitlines()]
    assert "The provider\u2019s manager must ensure that audits identify and act on shortfalls." in texts
    assert "Staff did not always wear gloves when they\u2019d given personal care." in texts


def test_an_undefined_cp1252_byte_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(REPORT.encode("cp1252").replace(b"kind", b"\x93kind\x94\x81"))
    result = cqc("extract", str(path), "--format", "jsonl")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        f"Warning: {path}: 3 bytes not UTF-8, read as cp1252; 1 undefined in cp1252 replaced by U+FFFD"
    ]
    texts = [json.loads(line)["text"] for line in result.stdout.decode().splitlines()]
    assert "People said staff were \u201ckind\u201d\ufffd and treated them with dignity." in texts


def test_an_input_over_a_million_characters_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(REPORT * 5000, encoding="utf-8")  # 1.1 million characters
    result = cqc("extract", str(big), "--format", "jsonl", timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.decode().splitlines()) == 5000 * 3


# --- batch -------------------------------------------------------------------------------------------------


def batch_inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"r{i:02d}.txt"
        p.write_text(REPORT.replace("audits", f"{i + 2} audits"), encoding="utf-8")
        paths.append(p)
    return paths


def table_sources(out: Path) -> list[str]:
    with (out / "reports.csv").open(encoding="utf-8") as f:
        return [Path(r["source"]).name for r in csv.DictReader(f)]


def test_batch_into_an_earlier_output_folder_keeps_its_reports(tmp_path: Path) -> None:
    batch_inputs(tmp_path / "old", 2)
    batch_inputs(tmp_path / "new", 1)
    out = tmp_path / "out"
    assert cqc("batch", str(tmp_path / "old"), "-o", str(out), "-j", "1", "--sqlite", str(out / "c.db")).returncode == 0
    assert cqc("batch", str(tmp_path / "new"), "-o", str(out), "-j", "1", "--sqlite", str(out / "c.db")).returncode == 0
    assert table_sources(out) == ["r00.txt", "r00.txt", "r01.txt"]  # sorted by source: new/ before old/
    assert len((out / "items.jsonl").read_text().splitlines()) == 3 * 3
    import sqlite3

    with sqlite3.connect(out / "c.db") as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone() == (3,)


def test_batch_exits_1_when_an_input_failed(tmp_path: Path) -> None:
    batch_inputs(tmp_path / "in", 1)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = cqc("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1")
    assert result.returncode == 1
    assert "1 extracted, 0 up to date, 1 failed" in result.stderr.decode()
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [(Path(e["source"]).name, e["message"]) for e in errors] == [("empty.txt", "is empty")]


def test_batch_leaves_out_fifos_devices_and_links_out_of_the_folder(tmp_path: Path) -> None:
    (r0,) = batch_inputs(tmp_path / "in", 1)
    os.mkfifo(tmp_path / "in" / "fifo.txt")
    (tmp_path / "in" / "zero.txt").symlink_to("/dev/zero")
    (outside,) = batch_inputs(tmp_path / "elsewhere", 1)
    (tmp_path / "in" / "outside.txt").symlink_to(outside)
    (tmp_path / "in" / "again.txt").symlink_to(r0)  # the same file twice: read once
    out = tmp_path / "out"
    result = cqc("batch", str(tmp_path / "in"), str(r0), "-o", str(out), "-j", "1", timeout=120)
    assert result.returncode == 0, result.stderr
    assert table_sources(out) == ["r00.txt"]
    result = cqc("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1", "--follow-links", timeout=120)
    assert result.returncode == 0, result.stderr
    assert table_sources(out) == ["r00.txt", "r00.txt"]  # elsewhere/r00.txt and in/r00.txt


def test_batch_resumes_after_kill_9(tmp_path: Path) -> None:
    batch_inputs(tmp_path / "in", 40)  # enough that the kill comes mid-batch
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cqcparse", "batch", str(tmp_path / "in"), "-o", str(out), "-j", "1"],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "reports").glob("*.json"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    finished = len(list((out / "reports").glob("*.json")))
    assert 3 <= finished < 40
    result = cqc("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1")
    assert result.returncode == 0, result.stderr
    done = int(result.stderr.decode().split(" extracted, ")[1].split(" up to date")[0])
    assert done >= finished - 1  # at most the report being written when killed is redone
    assert len(table_sources(out)) == 40


def test_a_second_batch_into_a_held_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    batch_inputs(tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    with (out / "batch.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242 on testhost, started 2026-01-01 10:00:00\n")
        held.flush()
        result = cqc("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1")
    assert_error(
        result,
        f"{out} is in use by another batch (pid 4242 on testhost, started 2026-01-01 "
        "10:00:00): wait for it to finish or give another --output",
    )
    assert not (out / "reports.csv").exists()


@pytest.mark.parametrize("case", ["folder", "not-sqlite"])
def test_a_bad_sqlite_target_stops_before_any_work(tmp_path: Path, case: str) -> None:
    batch_inputs(tmp_path / "in", 1)
    out = tmp_path / "out"
    target = tmp_path / "tables.db"
    if case == "folder":
        target.mkdir()
        message = f"cannot write {target}: is a folder"
    else:
        target.write_text("my notes\n")
        message = f"cannot write {target}: is not a SQLite database (it is not replaced)"
    assert_error(cqc("batch", str(tmp_path / "in"), "-o", str(out), "--sqlite", str(target)), message)
    assert not out.exists()
    assert case == "folder" or target.read_text() == "my notes\n"


def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "formula.txt"
    path.write_text('Our view of the service\n=HYPERLINK("x") staff did not always wear gloves.\n', encoding="utf-8")
    out = tmp_path / "out"
    assert cqc("batch", str(path), "-o", str(out), "-j", "1").returncode == 0
    with (out / "items.csv").open(encoding="utf-8") as f:
        assert [r["text"] for r in csv.DictReader(f)] == ['\'=HYPERLINK("x") staff did not always wear gloves.']
    raw = cqc("extract", str(path), "--format", "csv", "--raw-csv").stdout.decode()
    assert list(csv.DictReader(raw.splitlines()))[0]["text"] == '=HYPERLINK("x") staff did not always wear gloves.'


def test_combined_files_follow_the_umask(tmp_path: Path) -> None:
    batch_inputs(tmp_path / "in", 1)
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert cqc("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1").returncode == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir() if p.is_file()}
    assert modes and set(modes.values()) == {0o644}, modes


# --- user rules --------------------------------------------------------------------------------------------


def write_rules(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.yaml").write_text("kind: finding\nrules:\n" + body, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "body, problem",
    [
        (
            '  - id: finding.nested\n    regex: "(a+)+$"\n',
            "rule finding.nested: the regex '(a+)+$' repeats a repeated "
            "group, as (a+)+: it can take exponential time; repeat the group's content once",
        ),
        (
            '  - id: finding.token\n    pattern: [{"LOWER": {"REGEX": "^(x+)+y$"}}]\n',
            "rule finding.token: the regex "
            "'^(x+)+y$' repeats a repeated group, as (a+)+: it can take exponential time; repeat the group's content once",
        ),
        (
            '  - id: finding.empty\n    regex: "(?:staff)?"\n',
            "rule finding.empty: the regex '(?:staff)?' matches the empty string (it would fire everywhere)",
        ),
        (
            "  - id: finding.nan\n    phrases: [short staffed]\n    weight: .nan\n",
            "rule finding.nan: weight must be a finite number (got nan)",
        ),
    ],
)
def test_rules_check_rejects_rules_that_hang_or_fire_everywhere(tmp_path: Path, body: str, problem: str) -> None:
    folder = write_rules(tmp_path / "rules", body)
    result = cqc("rules", "check", str(folder))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [f"{folder / 'mine.yaml'}:3: {problem}"]
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["rules", "check"],
        ["rules", "list", "--rules"],
        ["rules", "test", "--rules"],
        ["explain", "{report}", "-s", "staff", "--rules"],
    ],
)
@pytest.mark.parametrize("case", ["not-utf8", "folder"])
def test_unreadable_rule_files_are_one_error_line(report: Path, tmp_path: Path, command: list[str], case: str) -> None:
    bad = tmp_path / "bad.yaml"
    if case == "folder":
        bad.mkdir()
        (bad / "x.yaml").mkdir()  # a folder named like a rule file inside it is left out
    else:
        bad.write_bytes(b"kind: finding\nrules: [\xff]\n")
    result = cqc(*(a.format(report=report) for a in command), str(bad))
    assert b"Traceback" not in result.stderr
    if case == "not-utf8":
        assert result.returncode == 1
        assert f"{bad}:0: is not UTF-8 text (byte 22)" in (result.stdout + result.stderr).decode()
    else:
        assert result.returncode in (0, 1)  # an empty folder of rules is allowed


def test_a_huge_rule_file_is_refused_before_parsing(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    with (folder / "big.yaml").open("w") as f:
        f.write("kind: finding\nrules:\n")
        f.truncate(6 * 2**20)  # a sparse file: nothing over 100 kB is written
    result = cqc("rules", "check", str(folder))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [f"{folder / 'big.yaml'}:0: is over 5 MB, too big for a rule file"]


def test_aliases_repeating_a_phrase_list_are_refused(tmp_path: Path) -> None:
    phrases = ", ".join(f"phrase {i}" for i in range(5000))
    rules = "".join(f"  - id: finding.a{i}\n    phrases: *p\n" for i in range(1, 60))
    folder = write_rules(tmp_path / "rules", f"  - id: finding.a0\n    phrases: &p [{phrases}]\n{rules}")
    result = cqc("rules", "check", str(folder))
    assert result.returncode == 1
    (line,) = result.stdout.decode().splitlines()
    assert re.match(
        rf"{re.escape(str(folder / 'mine.yaml'))}:0: 30\d{{4}} phrases in all", line
    )  # 60 x 5000, and the shipped rules' phrases
    assert line.endswith(" phrases in all (more than 200000): are YAML aliases repeating one list in many rules?")


# --- evaluate ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, message",
    [
        ("no-gold", "{gold}: holds no gold files (NAME.json): nothing to score"),
        ("no-quote", "{gold}/report.json: item 1 is not an object with a 'quote' (see docs/gold-format.md)"),
        ("not-object", "{gold}/report.json: item 2 is not an object with a 'quote' (see docs/gold-format.md)"),
        ("deep", "{gold}/report.json: is not a gold file: its JSON is nested too deeply"),
    ],
)
def test_evaluate_on_bad_gold_is_one_error_line(report: Path, tmp_path: Path, case: str, message: str) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    target = gold / "report.json"
    if case == "no-quote":
        target.write_text(json.dumps({"items": [{"kind": "finding"}]}))
    elif case == "not-object":
        target.write_text(json.dumps({"items": [{"kind": "finding", "quote": "Staff"}, "Staff"]}))
    elif case == "deep":
        target.write_text("[" * 100_000 + "]" * 100_000)
    assert_error(cqc("evaluate", str(gold), "--inputs", str(report.parent)), message.format(gold=gold))


def test_timeout_stops_a_backtracking_user_regex(tmp_path: Path) -> None:
    """Not recognisable as nested quantifiers, (a|aa)+$ still takes exponential time: --timeout stops it."""
    rules = write_rules(tmp_path / "rules", '  - id: finding.slow\n    regex: "(a|aa)+$"\n')
    path = tmp_path / "slow.txt"
    path.write_text(
        "Our view of the service\nPeople said the staff were kind and " + "a" * 60 + "x in every way they could be.\n",
        encoding="utf-8",
    )
    t0 = time.monotonic()
    result = cqc("extract", str(path), "--rules", str(rules), "--timeout", "3", "-o", str(tmp_path / "out.json"))
    assert time.monotonic() - t0 < 60
    assert_error(result, f"{path}: not finished after 3 s (raise --timeout; 0 waits for ever)")
    assert not (tmp_path / "out.json").exists()


def test_a_file_name_that_is_not_utf8_is_read_and_written_printably(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"r\xff.txt")
    (folder / name).write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    result = cqc("batch", str(folder), "-o", str(out), "-j", "1")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["source"] for r in rows} == {f"{folder}/r\ufffd.txt"} and len(rows) == 3
    result = cqc("extract", os.fsencode(folder / name).decode("utf-8", "surrogateescape"), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["source"] == f"{folder}/r\ufffd.txt"


# --- issue 14 bullets without a test of their own until now ----------------------------------------------


def test_bullets_differing_only_in_a_number_are_not_running_headers(tmp_path: Path) -> None:
    path = tmp_path / "bullets.txt"
    path.write_text(
        "Our view of the service\n"
        + "".join(f"- The trust must ensure that {n} staff complete safeguarding training.\n" for n in (12, 30, 7)),
        encoding="utf-8",
    )
    result = cqc("extract", str(path))
    assert result.returncode == 0, result.stderr
    actions = json.loads(result.stdout)["actions"]
    assert [a["text"] for a in actions] == [
        f"The trust must ensure that {n} staff complete safeguarding training." for n in (12, 30, 7)
    ]


@pytest.mark.skipif(ROOT_USER, reason="root reads a file whatever its mode")
def test_batch_records_an_unreadable_file_and_goes_on(tmp_path: Path) -> None:
    r0, r1 = batch_inputs(tmp_path / "in", 2)
    r1.chmod(0)
    out = tmp_path / "out"
    result = cqc("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1", timeout=120)
    assert result.returncode == 1, result.stderr
    (row,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert (row["source"], row["message"]) == (str(r1), "cannot be read: permission denied")
    assert table_sources(out) == [r0.name]


def test_sentence_splitting_is_linear() -> None:
    """Full stops that end no sentence ("kind. the ward") once made the splitter re-scan from the sentence
    start: 100 KB took 41 s. Four times the text must take at most about four times as long."""
    from cqcparse.analysis.sentences import split_sentences

    def seconds(n: int) -> float:
        doc = "staff were kind. the ward was clean. " * n
        t0 = time.perf_counter()
        spans = split_sentences(doc, 0, len(doc), set())
        assert spans  # the splitter ran over the whole text
        return time.perf_counter() - t0

    small, large = min(seconds(2_700) for _ in range(3)), min(seconds(10_800) for _ in range(3))
    assert large < 8 * small + 0.05, (small, large)


@pytest.mark.parametrize("command", [["extract"], ["show"], ["summary"], ["explain"], ["evaluate"], ["rules", "test"]])
def test_a_default_timeout_applies(command: list[str]) -> None:
    from typer.testing import CliRunner

    from cqcparse.cli.app import app

    text = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"--timeout\s+SECONDS \[x>=0\]\s+Stop with an error .*\[default: 300\.0\]", text), text
