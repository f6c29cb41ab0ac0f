"""Tests for `cqcparse batch` (cqcparse.batch, cqcparse.store, cqcparse.cli_batch).

Batches run real worker processes, which take a couple of seconds to start, so the batches are run once per
module and shared by the tests that inspect them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.batch.run import Failed, Manifest, extract_one, plan_inputs, read_path_list, report_id, run_batch
from cqcparse.cli.app import app
from cqcparse.errors import InputError
from cqcparse.output.rows import ITEM_COLUMNS, REPORT_COLUMNS

COMBINED = ["items.jsonl", "items.csv", "reports.csv", "breaches.csv", "errors.jsonl"]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "reports"

REPORT = """{provider}
{location}
Inspection report
Date of inspection visit:
{day} March 2024
Date of publication:
{day} May 2024
Ratings
Overall rating for this service {overall}
Is the service safe? Requires improvement
Is the service effective? Good
Is the service caring? Good
Is the service responsive? Good
Is the service well-led? {overall}
Summary of findings
Overall summary
People's experience of using this service and what we found
Risks to people were not always assessed and medicines were not always managed safely at {location}.
Staff were kind and caring and treated people with dignity and respect.
The provider's audits had not identified the concerns we found.
Is the service safe?
Our findings
- Care plans did not contain enough guidance for staff about people's risks.
- The provider had failed to manage medicines safely. This was a breach of regulation 12 (Safe care and treatment) of the Health and Social Care Act 2008 (Regulated Activities) Regulations 2014.
Is the service well-led?
Our findings
- The registered manager must ensure that audits identify and act on shortfalls.
- The provider should review how staff are deployed at night.
"""


def write_report(path: Path, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        REPORT.format(
            provider=f"Provider {n} Limited",
            location=f"Home {n}",
            day=n + 1,
            overall="Good" if n % 2 else "Requires improvement",
        ),
        encoding="utf-8",
    )
    return path


def make_inputs(root: Path) -> Path:
    """Good reports in two folders (one name in both), plus a corrupt PDF, an empty and an undecodable file."""
    src = root / "in"
    for n in range(3):
        write_report(src / "a" / f"home-{n}.txt", n)
    write_report(src / "b" / "home-0.txt", 7)  # same name as a/home-0.txt, other content
    write_report(src / "b" / "deep" / "more" / "home-9.txt", 9)
    if CORPUS.is_dir():  # one real report as text, HTML and PDF
        (src / "corpus").mkdir()
        for p in CORPUS.glob("larkspur-care-home-assessment-2025.*"):
            shutil.copy(p, src / "corpus" / p.name)
    (src / "bad").mkdir()
    (src / "bad" / "x.pdf").write_bytes(os.urandom(2000).replace(b"%PDF-", b"xxxxx"))
    (src / "bad" / "empty.txt").write_bytes(b"")
    # undefined in cp1252 and invalid UTF-8: read.decode_text cannot decode it
    (src / "bad" / "undecodable.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50)
    (src / "notes.md").write_text("not a report")  # folders give .pdf/.txt/.html only
    (src / ".hidden.txt").write_text("hidden files are left out")
    return src


def read_tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in COMBINED}


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return make_inputs(tmp_path_factory.mktemp("batch"))


@pytest.fixture(scope="module")
def batch2(inputs: Path):
    """The inputs with two workers and SQLite: (output folder, summary)."""
    out = inputs.parent / "out2"
    return out, run_batch([str(inputs)], out, jobs=2, sqlite=out / "cqc.db")


@pytest.fixture(scope="module")
def good_count(inputs: Path) -> int:
    return len(
        [
            p
            for p in inputs.rglob("*")
            if p.suffix in {".txt", ".html", ".pdf"} and p.parent.name != "bad" and not p.name.startswith(".")
        ]
    )


# --- a batch with bad inputs ----------------------------------------------------------------------------------


def test_bad_inputs_fail_alone(batch2, good_count: int) -> None:
    out, summary = batch2
    errors = jsonl(out / "errors.jsonl")
    assert {Path(e["source"]).name: e["error"] for e in errors} == {
        "x.pdf": "InputError",
        "empty.txt": "InputError",
        "undecodable.txt": "InputError",
    }
    assert all(e["message"] and set(e) == {"source", "error", "message"} for e in errors)
    assert summary.extracted == good_count and summary.failed == 3 and summary.skipped == 0
    assert len(list((out / "reports").glob("*.json"))) == good_count


def test_combined_files_hold_every_item(batch2, good_count: int) -> None:
    out, _ = batch2
    per_report = {}
    for f in (out / "reports").glob("*.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        per_report[f.stem] = r
    items = jsonl(out / "items.jsonl")
    assert len(items) == sum(len(r["findings"]) + len(r["actions"]) + len(r["positives"]) for r in per_report.values())
    assert items and all(i["report_id"] in per_report for i in items)
    assert all(i["source"] == per_report[i["report_id"]]["source"] for i in items)
    assert list(items[0]) == ITEM_COLUMNS
    csv_lines = (out / "items.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].split(",") == ITEM_COLUMNS  # rows may hold newlines inside quotes; count via jsonl
    reports = (out / "reports.csv").read_text(encoding="utf-8").splitlines()
    assert reports[0].split(",") == REPORT_COLUMNS and len(reports) == good_count + 1
    assert "Home 1" in "".join(reports)
    breaches = (out / "breaches.csv").read_text(encoding="utf-8").splitlines()
    assert len(breaches) > 1 and ",12,Safe care and treatment," in breaches[1]


def test_combined_files_are_sorted_by_source(batch2) -> None:
    out, _ = batch2
    sources = [json.loads(line)["source"] for line in (out / "items.jsonl").read_text().splitlines()]
    assert sources == sorted(sources)
    errors = [e["source"] for e in jsonl(out / "errors.jsonl")]
    assert errors == sorted(errors)


def test_no_temporary_files_left(batch2) -> None:
    out, _ = batch2
    assert not [p for p in out.rglob(".*")]


def test_same_name_in_two_folders_does_not_collide(batch2, inputs: Path) -> None:
    out, _ = batch2
    names = sorted(p.name for p in (out / "reports").glob("home-0.txt-*.json"))
    assert len(names) == 2
    providers = {json.loads((out / "reports" / n).read_text())["report"]["provider"] for n in names}
    assert providers == {"Home 0", "Home 7"}


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", ".bashrc", "a b/c?.txt", "x" * 300, "é.txt", ""])
def test_report_id_stays_in_the_folder(tmp_path: Path, name: str) -> None:
    rid = report_id(tmp_path / "in" / name)
    assert "/" not in rid and "\\" not in rid and not rid.startswith(".") and len(rid) <= 91
    folder = tmp_path / "out"
    assert (folder / f"{rid}.json").resolve().parent == folder.resolve()


def test_report_id_differs_by_folder(tmp_path: Path) -> None:
    assert report_id(tmp_path / "a" / "r.txt") != report_id(tmp_path / "b" / "r.txt")
    assert report_id(tmp_path / "a" / "r.txt") == report_id(tmp_path / "a" / "r.txt")


# --- SQLite ------------------------------------------------------------------------------------------------------


def test_sqlite_answers_a_join(batch2, good_count: int) -> None:
    out, _ = batch2
    db = sqlite3.connect(out / "cqc.db")
    rows = db.execute("""
        SELECT r.provider, b.regulation, count(DISTINCT i.id)
        FROM reports r JOIN breaches b USING (report_id) JOIN items i USING (report_id)
        WHERE i.kind = 'action' GROUP BY r.report_id, b.regulation ORDER BY r.source""").fetchall()
    assert rows and all(reg for _, reg, _ in rows)
    assert ("Home 0", "12") == rows[0][:2]
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == good_count
    assert db.execute("SELECT count(*) FROM errors").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == len(jsonl(out / "items.jsonl"))
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"items_kind", "breaches_regulation"} <= indexes
    db.close()


# --- determinism and resuming ---------------------------------------------------------------------------------------


def test_one_and_two_workers_give_identical_files(batch2, inputs: Path) -> None:
    out2, _ = batch2
    out1 = inputs.parent / "out1"
    run_batch([str(inputs)], out1, jobs=1)
    assert read_tables(out1) == read_tables(out2)
    assert sorted(p.name for p in (out1 / "reports").iterdir()) == sorted(p.name for p in (out2 / "reports").iterdir())


def test_resumed_batch_redoes_nothing(batch2, inputs: Path, good_count: int) -> None:
    out, _ = batch2
    before = read_tables(out)
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "reports").iterdir()}
    summary = run_batch([str(inputs)], out, jobs=2)  # no work: no worker is started
    assert (summary.extracted, summary.skipped, summary.failed) == (0, good_count + 3, 3)
    assert read_tables(out) == before
    assert {p: p.stat().st_mtime_ns for p in (out / "reports").iterdir()} == mtimes


def test_changed_input_and_force_are_redone(tmp_path: Path) -> None:
    src = tmp_path / "in"
    a, b = write_report(src / "a.txt", 1), write_report(src / "b.txt", 2)
    out = tmp_path / "out"
    run_batch([str(src)], out, jobs=1)
    b.write_text(b.read_text().replace("Home 2", "Home 22"))
    s = run_batch([str(src)], out, jobs=1)
    assert (s.extracted, s.skipped) == (1, 1)
    assert "Home 22" in (out / "reports.csv").read_text()
    s = run_batch([str(src)], out, jobs=1, force=True)
    assert (s.extracted, s.skipped) == (2, 0)
    next((out / "reports").glob("a.txt-*.json")).unlink()  # a lost report JSON is redone
    s = run_batch([str(src)], out, jobs=1)
    assert (s.extracted, s.skipped) == (1, 1)
    # a different rule set (fingerprint) redoes everything too
    m = Manifest(out / "manifest.json")
    m.entries[str(a.resolve())].fingerprint = "old"
    m.save()
    assert run_batch([str(src)], out, jobs=1).extracted == 1


# --- workers that crash or hang ----------------------------------------------------------------------------------


def misbehave(pipe, task, timeout):
    """A worker handler: crashes on 'crash' files, hangs on 'hang' files, reads the rest."""
    name = Path(task.source).name
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("hang"):
        time.sleep(600)
    if name.startswith("raise"):
        raise RuntimeError("a bug")
    if name.startswith("hog"):
        hog = bytearray(4 * 1024**3)  # more than --max-memory allows
        return Failed(task.source, "NoLimit", str(len(hog)))
    return extract_one(pipe, task, timeout)


def test_crash_and_hang_cost_one_input(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for name in ["a.txt", "crash.txt", "hang.txt", "m.txt", "z.txt"]:
        write_report(src / name, len(name))
    out = tmp_path / "out"
    s = run_batch([str(src)], out, jobs=2, timeout=1.5, handler=misbehave)
    errors = {Path(e["source"]).name: e for e in jsonl(out / "errors.jsonl")}
    assert errors["crash.txt"]["error"] == "WorkerCrashed" and "code 3" in errors["crash.txt"]["message"]
    assert errors["hang.txt"]["error"] == "Timeout"
    assert (s.extracted, s.failed) == (3, 2)
    # crashes and timeouts may be passing trouble: the next run tries them again, and only them
    s = run_batch([str(src)], out, jobs=1)
    assert (s.extracted, s.skipped, s.failed) == (2, 3, 0)


def test_an_exception_is_an_error_row(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_report(src / "raise.txt", 1)
    write_report(src / "ok.txt", 2)
    s = run_batch([str(src)], tmp_path / "out", jobs=1, handler=misbehave)
    assert (s.extracted, s.failed) == (1, 1)
    assert jsonl(tmp_path / "out" / "errors.jsonl")[0]["error"] == "RuntimeError"


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_AS")
def test_memory_limit_costs_one_input(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for name in ["a.txt", "hog.txt", "z.txt"]:
        write_report(src / name, len(name))
    s = run_batch([str(src)], tmp_path / "out", jobs=1, max_memory=1500, handler=misbehave)
    errors = jsonl(tmp_path / "out" / "errors.jsonl")
    assert [(Path(e["source"]).name, e["error"]) for e in errors] == [("hog.txt", "MemoryError")]
    assert (s.extracted, s.failed) == (2, 1)  # the worker after the one that ran out read z.txt


# --- planning inputs ------------------------------------------------------------------------------------------------


def test_plan_inputs_files_folders_globs(inputs: Path) -> None:
    files = plan_inputs(
        [
            str(inputs / "a"),
            str(inputs / "b" / "**" / "*.txt"),
            str(inputs / "a" / "home-1.txt"),
            str(inputs / "notes.md"),
        ]
    )
    names = [str(p.relative_to(inputs)) for p in files]
    assert names == sorted(names)
    assert names == [
        "a/home-0.txt",
        "a/home-1.txt",
        "a/home-2.txt",
        "b/deep/more/home-9.txt",
        "b/home-0.txt",
        "notes.md",
    ]  # a file named directly is taken whatever its suffix


@pytest.mark.parametrize(
    "name, message",
    [("nope.txt", "nope.txt: no such file or folder"), ("*.none", "*.none: the pattern matches no files")],
)
def test_an_input_that_names_nothing_is_an_error_up_front(inputs: Path, name: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        plan_inputs([str(inputs / "a"), str(inputs / name)])
    assert str(e.value) == f"{inputs}/{message}"


def test_plan_leaves_out_the_output_folder(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", 1)
    write_report(tmp_path / "out" / "b.txt", 2)
    files = plan_inputs([str(tmp_path)], exclude=tmp_path / "out")
    assert [p.name for p in files] == ["a.txt"]


def test_read_path_list(tmp_path: Path) -> None:
    lst = tmp_path / "paths.txt"
    lst.write_text("# reports\n a.txt \n\nb/c.pdf\n")
    assert read_path_list(str(lst)) == ["a.txt", "b/c.pdf"]


# --- the command line ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["from-list", "stdin"])
def test_cli_batch(tmp_path: Path, via: str) -> None:
    paths = [write_report(tmp_path / "in" / f"r{n}.txt", n) for n in range(2)]
    listing = "\n".join(str(p) for p in paths) + "\n"
    (tmp_path / "list.txt").write_text(listing)
    out = tmp_path / "out"
    args = ["batch", "-o", str(out), "--jobs", "1"]
    args += ["--from-list", str(tmp_path / "list.txt")] if via == "from-list" else ["-"]
    result = CliRunner().invoke(app, args, input=listing if via == "stdin" else None)
    assert result.exit_code == 0, result.output
    assert "2 extracted, 0 up to date in " in result.output
    assert jsonl(out / "errors.jsonl") == [] and (out / "reports.csv").read_text().count("\n") == 3
    # a listed path that does not exist stops the batch before any work
    (tmp_path / "list.txt").write_text(listing + str(tmp_path / "in" / "missing.txt") + "\n")
    result = CliRunner().invoke(
        app,
        [*args, "-o", str(tmp_path / "out-missing")],
        input=listing + str(tmp_path / "in" / "missing.txt") + "\n" if via == "stdin" else None,
    )
    assert (result.exit_code, result.output) == (1, f"Error: {tmp_path}/in/missing.txt: no such file or folder\n")
    assert not (tmp_path / "out-missing").exists()


def test_cli_quiet_and_errors(tmp_path: Path) -> None:
    write_report(tmp_path / "in" / "r.txt", 1)
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "empty-folder-x"), "-o", str(tmp_path / "o")])
    assert (result.exit_code, result.output) == (1, f"Error: {tmp_path}/empty-folder-x: no such file or folder\n")
    (tmp_path / "nothing").mkdir()
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "nothing"), "-o", str(tmp_path / "o2")])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "no .pdf" in result.output
    result = CliRunner().invoke(app, ["batch", "-o", str(tmp_path / "o3")])
    assert result.exit_code == 2


def test_cli_help_documents_batch() -> None:
    result = CliRunner().invoke(app, ["batch", "--help"])
    assert result.exit_code == 0
    for flag in [
        "--output",
        "--from-list",
        "--jobs",
        "--timeout",
        "--max-memory",
        "--force",
        "--sqlite",
        "--dask",
        "--quiet",
        "--rules",
    ]:
        assert flag in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_leaves_nothing_half_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for n in range(30):
        write_report(src / f"r{n:02d}.txt", n)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cqcparse", "batch", str(src), "-o", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "reports").glob("*.json"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted" in err
    assert not [p for p in out.rglob(".*")]  # no temporary file left behind
    done = Manifest(out / "manifest.json").entries
    assert 3 <= len(done) < 30
    assert all((out / "reports" / f"{e.report_id}.json").is_file() for e in done.values())
    assert not (out / "items.jsonl").exists()  # tables are written only by a batch that finishes
    s = run_batch([str(src)], out, jobs=2)
    assert (s.extracted, s.skipped) == (30 - len(done), len(done))
    assert (out / "reports.csv").read_text().count("\n") == 31  # the tables hold both runs' reports


# --- Dask ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("processes", [False])  # True works too (checked by hand) but costs 10 s
def test_dask_gives_the_same_files(batch2, inputs: Path, processes: bool) -> None:
    distributed = pytest.importorskip("distributed")
    out2, _ = batch2
    out = inputs.parent / f"out-dask-{processes}"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=processes, dashboard_address=None
    ) as cluster:
        s = run_batch([str(inputs)], out, dask=cluster.scheduler_address, sqlite=out / "cqc.db")
    assert read_tables(out) == read_tables(out2)
    assert s.failed == 3 and s.workers == 2
