"""`cqcparse fetch` against a fake of CQC's API on 127.0.0.1: paging, latest vs --all, --since, faults,
resume, --force, text versions, a refused key, Ctrl-C, and the key never written anywhere."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
import uuid
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli import app
from cqcparse.fetch.client import ApiClient, SecretKey
from cqcparse.fetch.ids import Target
from cqcparse.fetch.run import FetchOptions, fetch
from fake_cqc import KEY, FakeApi, FakeServer, Fault, tiny_pdf

TRUST = "RXT"
TRUST_LOCATIONS = [f"1-10000000{i}" for i in range(1, 6)]  # five: three pages of at most two
MISSING = "1-999999999"
FIELDS = [
    "location_id",
    "location_name",
    "provider_id",
    "provider_name",
    "link_id",
    "report_date",
    "first_visit_date",
    "report_type",
    "api_ratings",
    "ratings_link_id",
    "path",
    "sha256",
    "content_type",
]


def link(location: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{location}/{n}"))


def make_api() -> FakeApi:
    """RXT has five locations; each has reports from 2021, 2023 and 2025 (the fourth has none); location
    1-100000002 also has a text version of its 2025 report."""
    api = FakeApi(providers={TRUST: {"name": "Fictional Harbourside NHS Trust", "locationIds": TRUST_LOCATIONS}})
    for i, loc in enumerate(TRUST_LOCATIONS):
        reports = (
            []
            if i == 3
            else [
                {
                    "linkId": link(loc, n),
                    "reportDate": f"{year}-0{n + 1}-1{n}",
                    "firstVisitDate": f"{year}-01-0{n + 1}",
                    "reportUri": f"/reports/{link(loc, n)}?{year}0101120000",
                    "reportType": "Location",
                }
                for n, year in enumerate((2021, 2025, 2023))
            ]
        )
        api.locations[loc] = {
            "name": f"Fictional site {i + 1}",
            "providerId": TRUST,
            "reports": reports,
            "currentRatings": {
                "overall": {
                    "rating": "Requires improvement",
                    "reportDate": "2025-02-11",
                    "reportLinkId": link(loc, 1),
                    "keyQuestionRatings": [
                        {"name": "Safe", "rating": "Inadequate"},
                        {"name": "Well-led", "rating": "Good"},
                    ],
                }
            },
        }
        for n in range(3):
            api.pdfs[link(loc, n)] = tiny_pdf(f"Report {n} of location {loc}")
    api.texts[link(TRUST_LOCATIONS[1], 1)] = "A text version of the 2025 report.\n"
    return api


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A test that forgot --api-url reaches a closed local port, never CQC."""
    monkeypatch.setenv("CQC_API_URL", "http://127.0.0.1:9/public/v1")


@pytest.fixture
def server():
    with FakeServer(make_api()) as s:
        yield s


def run(server: FakeServer, out: Path, targets: list[Target], sleeps: list[float] | None = None, **options) -> object:
    sleeps = [] if sleeps is None else sleeps
    with ApiClient(server.url, SecretKey(KEY), per_minute=0, sleep=sleeps.append) as client:
        return fetch(targets, out, client, FetchOptions(per_page=50, **options))


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "fetched.jsonl").read_text().splitlines()]


def files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("total_pages", [True, False])
def test_provider_pages_give_the_latest_report_of_every_location(server, tmp_path, total_pages):
    server.api.total_pages = total_pages
    summary = run(server, tmp_path, [Target(TRUST, "provider")])
    assert (summary.fetched, summary.up_to_date, summary.failed) == (4, 0, 0)
    pages = [p for p in server.api.paths("/providers/RXT/locations")]
    assert len(pages) == (3 if total_pages else 4)  # without totalPages, until an empty page
    latest = [link(loc, 1) for i, loc in enumerate(TRUST_LOCATIONS) if i != 3]
    assert sorted(server.api.paths("/reports/")) == sorted(f"/reports/{x}" for x in latest)
    assert files(tmp_path) == sorted(
        ["fetch-errors.jsonl", "fetched.jsonl"]
        + [f"{loc}/2025-02-11_{link(loc, 1)}.pdf" for i, loc in enumerate(TRUST_LOCATIONS) if i != 3]
    )
    for row in rows(tmp_path):
        assert list(row) == FIELDS
        assert (tmp_path / row["path"]).read_bytes() == server.api.pdfs[row["link_id"]]  # byte for byte
    first = rows(tmp_path)[0]
    assert first == {
        "location_id": "1-100000001",
        "location_name": "Fictional site 1",
        "provider_id": "RXT",
        "provider_name": "Fictional Harbourside NHS Trust",
        "link_id": link("1-100000001", 1),
        "report_date": "2025-02-11",
        "first_visit_date": "2025-01-02",
        "report_type": "Location",
        "api_ratings": {
            "overall": "Requires improvement",
            "safe": "Inadequate",
            "effective": None,
            "caring": None,
            "responsive": None,
            "well-led": "Good",
        },
        "ratings_link_id": link("1-100000001", 1),
        "path": f"1-100000001/2025-02-11_{link('1-100000001', 1)}.pdf",
        "sha256": __import__("hashlib").sha256(server.api.pdfs[link("1-100000001", 1)]).hexdigest(),
        "content_type": "application/pdf",
    }
    assert (tmp_path / "fetch-errors.jsonl").read_text() == ""


def test_all_and_since(server, tmp_path):
    loc = TRUST_LOCATIONS[0]
    every = run(server, tmp_path / "all", [Target(loc, "location")], every=True)
    assert every.fetched == 3
    assert [r["report_date"] for r in rows(tmp_path / "all")] == ["2025-02-11", "2023-03-12", "2021-01-10"]
    since = run(server, tmp_path / "since", [Target(loc, "location")], every=True, since=date(2023, 3, 12))
    assert [r["report_date"] for r in rows(tmp_path / "since")] == ["2025-02-11", "2023-03-12"]
    assert since.fetched == 2
    none = run(server, tmp_path / "none", [Target(loc, "location")], since=date(2026, 1, 1))
    assert (none.fetched, none.failed) == (0, 0)


def test_faults_are_retried_and_a_missing_location_is_an_error(server, tmp_path):
    loc = TRUST_LOCATIONS[0]
    report = f"/reports/{link(loc, 1)}"
    server.api.faults = {
        f"/locations/{loc}": [Fault("status", 429, retry_after="7"), Fault("status", 429)],
        report: [Fault("soft429", seconds=3), Fault("status", 503), Fault("drop")],
        "/providers/RXT": [Fault("status", 502)],
    }
    sleeps: list[float] = []
    summary = run(server, tmp_path, [Target(loc, "location"), Target(MISSING, "location")], sleeps)
    assert (summary.fetched, summary.failed) == (1, 1)
    assert server.api.paths(report) == [report] * 4
    assert (tmp_path / rows(tmp_path)[0]["path"]).read_bytes() == server.api.pdfs[link(loc, 1)]
    # Retry-After 7 and the soft 429's 3 seconds are honoured; the others back off exponentially, with
    # jitter: half of 1, 2, 4 s after the 1st, 2nd, 3rd attempt, plus a random part of the other half
    assert len(sleeps) == 6 and sleeps[0] == 7.0 and sleeps[3] == 3.0
    for s, step in zip([sleeps[1], sleeps[2], sleeps[4], sleeps[5]], [2, 1, 2, 4], strict=True):
        assert step / 2 <= s <= step
    errors = [json.loads(x) for x in (tmp_path / "fetch-errors.jsonl").read_text().splitlines()]
    assert errors == [{"id": MISSING, "kind": "location", "status": 404, "message": "HTTP 404: Resource not found"}]


def test_giving_up_after_the_last_attempt(server, tmp_path):
    loc = TRUST_LOCATIONS[0]
    server.api.faults = {f"/locations/{loc}": [Fault("status", 503)] * 5}
    summary = run(server, tmp_path, [Target(loc, "location")])
    assert server.api.paths(f"/locations/{loc}") == [f"/locations/{loc}"] * 5
    assert [(e.id, e.status) for e in summary.errors] == [(loc, 503)]
    assert summary.errors[0].message == "gave up after 5 attempts (HTTP 503: injected)"


def test_second_run_makes_no_report_request_and_force_redoes(server, tmp_path):
    targets = [Target(TRUST, "provider")]
    run(server, tmp_path, targets, every=True)
    before = (tmp_path / "fetched.jsonl").read_bytes()
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.pdf")}
    server.api.requests.clear()
    again = run(server, tmp_path, targets, every=True)
    assert (again.fetched, again.up_to_date) == (0, 12)
    assert server.api.paths("/reports/") == []
    assert (tmp_path / "fetched.jsonl").read_bytes() == before
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.pdf")} == stamps
    forced = run(server, tmp_path, targets, force=True)
    assert (forced.fetched, forced.up_to_date) == (4, 0)
    assert len(server.api.paths("/reports/")) == 4
    assert len(rows(tmp_path)) == 12  # the earlier reports' rows are kept


def test_text_where_the_api_has_it_else_the_pdf(server, tmp_path):
    with_text, without = TRUST_LOCATIONS[1], TRUST_LOCATIONS[0]
    run(server, tmp_path, [Target(with_text, "location"), Target(without, "location")], fmt="text")
    got = {r["location_id"]: r for r in rows(tmp_path)}
    assert got[with_text]["path"].endswith(".txt") and got[with_text]["content_type"] == "text/plain"
    assert (tmp_path / got[with_text]["path"]).read_text() == "A text version of the 2025 report.\n"
    assert got[without]["path"].endswith(".pdf") and got[without]["content_type"] == "application/pdf"
    assert [h["Accept"] for p, h in server.api.requests if p.startswith("/reports/")] == ["text/plain"] * 2


def test_list_ids_try_a_location_then_a_provider(server, tmp_path):
    server.api.providers["1-200000001"] = {"name": "Fictional Care Ltd", "locationIds": [TRUST_LOCATIONS[4]]}
    ids = tmp_path / "ids.txt"
    ids.write_text("# a provider, a location and one that is neither\n1-200000001\n1-100000001\n1-999999999\n")
    result = CliRunner().invoke(
        app,
        [
            "fetch",
            "--from-list",
            str(ids),
            "-o",
            str(tmp_path / "out"),
            "--max-requests-per-minute",
            "6000",
            "--api-url",
            server.url,
        ],
        env={"CQC_API_KEY": KEY},
    )
    assert result.exit_code == 1, result.output
    assert (
        result.stderr == f"2 reports fetched, 0 up to date, 1 failed (see {tmp_path / 'out' / 'fetch-errors.jsonl'})\n"
    )
    assert sorted(r["location_id"] for r in rows(tmp_path / "out")) == ["1-100000001", "1-100000005"]
    error = json.loads((tmp_path / "out" / "fetch-errors.jsonl").read_text())
    assert error == {
        "id": MISSING,
        "kind": "provider",
        "status": 404,
        "message": "not found as a location or as a provider (HTTP 404)",
    }
    assert all(h["User-Agent"].startswith("cqcparse/") for _, h in server.api.requests)


def everything_written(out: Path, *streams: str) -> str:
    return "\n".join([*streams, *(p.read_bytes().decode("latin-1") for p in out.rglob("*") if p.is_file())])


def traceback_of(result) -> str:
    """What Python prints for the exception --debug lets through."""
    return "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_a_wrong_key_is_one_error_line(server, tmp_path, debug):
    wrong = "wrong-key-0f0f0f0f0f"
    result = CliRunner().invoke(
        app,
        [*debug, "fetch", "--location", TRUST_LOCATIONS[0], "-o", str(tmp_path), "--api-url", server.url],
        env={"CQC_API_KEY": wrong},
    )
    assert result.exit_code == 1
    if not debug:
        assert result.stderr == (
            f"Error: {TRUST_LOCATIONS[0]}: the API refused the key (HTTP 401: Access "
            "denied due to invalid subscription key. Make sure to provide a valid key for "
            "an active subscription.); check CQC_API_KEY or --api-key\n"
        )
    assert files(tmp_path) == []
    assert len(server.api.requests) == 1  # a refused key is final
    if debug:
        assert "KeyRefused: 1-100000001: the API refused the key" in traceback_of(result)
    assert wrong not in everything_written(tmp_path, result.stdout, result.stderr, traceback_of(result))


def test_no_key_is_an_error_before_any_request(server, tmp_path):
    result = CliRunner().invoke(
        app,
        ["fetch", "--location", TRUST_LOCATIONS[0], "-o", str(tmp_path), "--api-url", server.url],
        env={"CQC_API_KEY": ""},
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no API key: set CQC_API_KEY") and result.stderr.count("\n") == 1
    assert server.api.requests == []


def test_the_key_is_in_no_output_file_or_traceback(server, tmp_path):
    """Every failure on the way, with --debug: the key is sent in its header and appears nowhere else."""
    server.api.faults = {f"/locations/{TRUST_LOCATIONS[0]}": [Fault("status", 503)] * 2}
    args = [
        "--debug",
        "fetch",
        "--provider",
        TRUST,
        "--location",
        MISSING,
        "-o",
        str(tmp_path),
        "--all",
        "--api-url",
        server.url,
        "--api-key",
        KEY,
        "--max-requests-per-minute",
        "6000",
        "--max-attempts",
        "2",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert len(rows(tmp_path)) == 9
    assert all(h["Ocp-Apim-Subscription-Key"] == KEY for _, h in server.api.requests)
    unreachable = CliRunner().invoke(
        app,
        [
            "--debug",
            "fetch",
            "--location",
            MISSING,
            "-o",
            str(tmp_path / "x"),
            "--api-url",
            "http://127.0.0.1:9/v1",
            "--api-key",
            KEY,
            "--max-attempts",
            "1",
        ],
    )
    assert unreachable.exit_code == 1
    assert json.loads((tmp_path / "x" / "fetch-errors.jsonl").read_text()) == {
        "id": MISSING,
        "kind": "location",
        "status": None,
        "message": "gave up after 1 attempt (connection failed (ConnectError))",
    }
    written = everything_written(
        tmp_path, result.stdout, result.stderr, unreachable.stdout, unreachable.stderr, traceback_of(unreachable)
    )
    assert KEY not in written
    assert KEY not in CliRunner().invoke(app, ["fetch", "--help"], env={"CQC_API_KEY": KEY}).stdout


def test_bad_ids_and_options(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(app, ["fetch", "--location", "RXT01", "-o", str(tmp_path)], env={"CQC_API_KEY": KEY})
    assert bad.exit_code == 2 and "is not a CQC location id" in bad.stderr
    ids = tmp_path / "ids.txt"
    ids.write_text("1-100000001\nlocation: 12345\n")
    listed = runner.invoke(app, ["fetch", "--from-list", str(ids), "-o", str(tmp_path)], env={"CQC_API_KEY": KEY})
    assert listed.exit_code == 1
    assert (
        listed.stderr == f"Error: {ids}:2: '12345' is not a CQC location id ('1-' and 9 to 11 digits, "
        "e.g. 1-545611283)\n"
    )
    since = runner.invoke(app, ["fetch", "--location", "1-100000001", "--since", "May 2023"])
    assert since.exit_code == 2 and "is not a date" in since.stderr


def test_ctrl_c_leaves_no_partial_file(server, tmp_path):
    loc = TRUST_LOCATIONS[0]
    server.api.faults = {f"/reports/{link(loc, 1)}": [Fault("stall", seconds=10)]}
    env = {**os.environ, "CQC_API_KEY": KEY}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cqcparse",
            "fetch",
            "--location",
            loc,
            "--location",
            TRUST_LOCATIONS[1],
            "--jobs",
            "2",
            "-o",
            str(tmp_path),
            "--api-url",
            server.url,
            "--max-requests-per-minute",
            "6000",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    other = f"{TRUST_LOCATIONS[1]}/2025-02-11_{link(TRUST_LOCATIONS[1], 1)}.pdf"
    deadline = time.monotonic() + 30
    while not (server.api.paths(f"/reports/{link(loc, 1)}") and (tmp_path / other).exists()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.2)  # the stalled report is half read
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 130, stderr
    assert stderr == "Interrupted: the reports fetched so far are kept; run the same command to resume.\n"
    assert files(tmp_path) == [other, "fetch-errors.jsonl", "fetched.jsonl"]  # nothing of the stalled one
    assert [r["path"] for r in rows(tmp_path)] == [other]
    assert KEY not in everything_written(tmp_path, stderr)


def test_an_unwritable_folder_and_a_bad_address(server, tmp_path):
    runner = CliRunner()
    (tmp_path / "file").write_text("x")
    args = ["fetch", "--location", TRUST_LOCATIONS[0], "--api-url", server.url, "--max-requests-per-minute", "6000"]
    on_file = runner.invoke(app, [*args, "-o", str(tmp_path / "file")], env={"CQC_API_KEY": KEY})
    assert (on_file.exit_code, on_file.stderr) == (
        1,
        f"Error: {tmp_path / 'file'}: is a file; give a folder for the reports\n",
    )
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / TRUST_LOCATIONS[0]).write_text("a file where the location's folder goes")
    unwritable = runner.invoke(app, [*args, "-o", str(blocked)], env={"CQC_API_KEY": KEY})
    assert unwritable.exit_code == 1
    assert unwritable.stderr == f"Error: {blocked / TRUST_LOCATIONS[0]}: cannot write (File exists)\n"
    assert sorted(p.name for p in blocked.iterdir()) == [TRUST_LOCATIONS[0]]  # and no partial file


def test_ids_from_stdin_and_a_bad_address(server, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "fetch",
            "--from-list",
            "-",
            "-o",
            str(tmp_path),
            "--api-url",
            server.url,
            "--max-requests-per-minute",
            "6000",
        ],
        input=f"location:{TRUST_LOCATIONS[2]}\n",
        env={"CQC_API_KEY": KEY},
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "1 report fetched, 0 up to date\n"
    assert [r["location_id"] for r in rows(tmp_path)] == [TRUST_LOCATIONS[2]]
    bad = CliRunner().invoke(app, ["fetch", "--location", TRUST_LOCATIONS[2], "--api-url", "ftp://example"])
    assert bad.exit_code == 2 and "is not an http(s) address" in bad.stderr


def test_errors_are_sorted_whatever_the_order_workers_finish(server, tmp_path):
    for loc in TRUST_LOCATIONS[::2]:
        del server.api.locations[loc]  # listed by the provider, but 404
    summary = run(server, tmp_path, [Target(TRUST, "provider"), Target("1-999999990", "location")], jobs=3)
    assert [(e.kind, e.id, e.status) for e in summary.errors] == [
        ("location", "1-100000001", 404),
        ("location", "1-100000003", 404),
        ("location", "1-100000005", 404),
        ("location", "1-999999990", 404),
    ]
    assert summary.fetched == 1  # location 2 (location 4 has no report)


def test_a_provider_without_a_paged_list_gives_its_location_ids(server, tmp_path):
    server.api.faults = {"/providers/RXT/locations": [Fault("status", 404)]}
    summary = run(server, tmp_path, [Target(TRUST, "provider")])
    assert (summary.fetched, summary.failed) == (4, 0)
    assert server.api.paths("/providers/RXT/locations") == ["/providers/RXT/locations"]


def test_debug_traceback_on_stderr_does_not_show_the_key(server, tmp_path):
    """The real process: with --debug a refused key shows Python's traceback on stderr, without the key."""
    wrong = "wrong-key-77e1c0ffee"
    env = {**os.environ, "CQC_API_KEY": wrong, "CQC_API_URL": server.url}
    proc = subprocess.run(
        [sys.executable, "-m", "cqcparse", "--debug", "fetch", "--location", TRUST_LOCATIONS[0], "-o", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert "cqcparse.fetch.client.KeyRefused: 1-100000001: the API refused the key (HTTP 401" in proc.stderr
    assert server.api.requests[0][1]["Ocp-Apim-Subscription-Key"] == wrong  # it was sent...
    assert wrong not in proc.stderr + proc.stdout and files(tmp_path) == []  # ...and shown nowhere


def test_a_key_with_a_character_no_header_carries(server, tmp_path):
    result = CliRunner().invoke(
        app,
        ["fetch", "--location", TRUST_LOCATIONS[0], "-o", str(tmp_path), "--api-url", server.url],
        env={"CQC_API_KEY": "abc\x7fdef"},
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: the API key has a character an HTTP header cannot carry (check CQC_API_KEY)\n"
    assert server.api.requests == []


def test_done_when_every_fault_at_once_through_the_command(server, tmp_path):
    """The issue's acceptance run: 429s (with and without Retry-After), a soft 429, a 503 and a 404 location;
    every report byte for byte, every field, the 404 listed, exit 1; then a run that asks for no report."""
    locs = TRUST_LOCATIONS
    server.api.faults = {
        f"/reports/{link(locs[0], 1)}": [Fault("status", 429, retry_after="1")],
        f"/reports/{link(locs[1], 1)}": [Fault("soft429", seconds=1)],
        f"/locations/{locs[2]}": [Fault("status", 429)],
        "/providers/RXT/locations": [Fault("status", 503)],
    }
    args = [
        "fetch",
        "--provider",
        TRUST,
        "--location",
        MISSING,
        "-o",
        str(tmp_path),
        "--api-url",
        server.url,
        "--max-requests-per-minute",
        "6000",
    ]
    first = CliRunner().invoke(app, args, env={"CQC_API_KEY": KEY})
    assert first.exit_code == 1, first.stderr
    assert first.stderr == f"4 reports fetched, 0 up to date, 1 failed (see {tmp_path / 'fetch-errors.jsonl'})\n"
    got = rows(tmp_path)
    assert [r["link_id"] for r in got] == [link(loc, 1) for i, loc in enumerate(locs) if i != 3]
    for row in got:
        assert list(row) == FIELDS and all(row[f] is not None for f in FIELDS)
        assert (tmp_path / row["path"]).read_bytes() == server.api.pdfs[row["link_id"]]
    assert [json.loads(x)["id"] for x in (tmp_path / "fetch-errors.jsonl").read_text().splitlines()] == [MISSING]
    server.api.requests.clear()
    second = CliRunner().invoke(app, args, env={"CQC_API_KEY": KEY})
    assert second.exit_code == 1
    assert second.stderr == f"0 reports fetched, 4 up to date, 1 failed (see {tmp_path / 'fetch-errors.jsonl'})\n"
    assert server.api.paths("/reports/") == []
