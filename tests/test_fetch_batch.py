"""batch on a folder written by `cqcparse fetch`: the API's ids and ratings, and whether the extracted overall
rating agrees, in each report's JSON, reports.csv and SQLite."""

from __future__ import annotations

import csv
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.batch import run_batch
from cqcparse.cli import app
from cqcparse.fetch.client import ApiClient, SecretKey
from cqcparse.fetch.ids import Target
from cqcparse.fetch.run import FetchOptions, fetch
from fake_cqc import KEY, FakeApi, FakeServer, tiny_pdf

ROOT = Path(__file__).resolve().parents[1]
AGREES, DIFFERS = "1-300000001", "1-300000002"
NEW, OLD, OTHER = (str(uuid.uuid5(uuid.NAMESPACE_URL, n)) for n in ("new", "old", "other"))


def location(name: str, rating: str, rated_link: str, reports: list[tuple[str, str]]) -> dict:
    return {
        "name": name,
        "providerId": "1-300000000",
        "currentRatings": {
            "overall": {
                "rating": rating,
                "reportLinkId": rated_link,
                "keyQuestionRatings": [
                    {"name": "Safe", "rating": "Requires improvement"},
                    {"name": "Well-led", "rating": "Good"},
                ],
            }
        },
        "reports": [{"linkId": link, "reportDate": day, "reportType": "Location"} for link, day in reports],
    }


@pytest.fixture(scope="module")
def fetched(tmp_path_factory) -> Path:
    """A fetch folder: a text report whose rating the API shares, one whose rating it does not (plus an
    older PDF of that location, which the current rating is not about)."""
    api = FakeApi(providers={"1-300000000": {"name": "Fictional Care Group", "locationIds": [AGREES, DIFFERS]}})
    api.locations[AGREES] = location("Hollybank", "Requires improvement", OTHER, [(OTHER, "2023-11-14")])
    api.locations[DIFFERS] = location("Larchwood", "Good", NEW, [(NEW, "2025-03-04"), (OLD, "2019-06-01")])
    api.texts[OTHER] = (ROOT / "fixtures" / "hollybank-homecare-2023.txt").read_text(encoding="utf-8")
    api.texts[NEW] = (ROOT / "fixtures" / "larchwood-surgery-2025.txt").read_text(encoding="utf-8")
    api.pdfs = {OTHER: tiny_pdf("unused"), NEW: tiny_pdf("unused"), OLD: tiny_pdf("An older report")}
    out = tmp_path_factory.mktemp("fetched") / "reports"
    with FakeServer(api) as server, ApiClient(server.url, SecretKey(KEY), per_minute=0) as client:
        summary = fetch([Target("1-300000000", "provider")], out, client, FetchOptions(every=True, fmt="text"))
    assert (summary.fetched, summary.failed) == (3, 0)
    return out


def table(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as f:
        return {row["link_id"] or Path(row["source"]).name: row for row in csv.DictReader(f)}


def test_batch_carries_the_api_data(fetched, tmp_path):
    out = tmp_path / "out"
    run_batch([str(fetched), str(ROOT / "fixtures" / "larchwood-surgery-2025.txt")], out, jobs=1, sqlite=out / "cqc.db")
    rows = table(out / "reports.csv")
    assert {
        k: (
            r["location_id"],
            r["provider_id"],
            r["api_overall"],
            r["api_safe"],
            r["api_well_led"],
            r["api_caring"],
            r["overall_rating"],
            r["overall_rating_agrees"],
        )
        for k, r in rows.items()
    } == {
        OTHER: (
            AGREES,
            "1-300000000",
            "Requires improvement",
            "Requires improvement",
            "Good",
            "",
            "Requires improvement",
            "True",
        ),
        NEW: (DIFFERS, "1-300000000", "Good", "Requires improvement", "Good", "", "Requires improvement", "False"),
        OLD: (DIFFERS, "1-300000000", "Good", "Requires improvement", "Good", "", "", ""),
        "larchwood-surgery-2025.txt": ("", "", "", "", "", "", "Requires improvement", ""),  # not fetched
    }
    db = sqlite3.connect(out / "cqc.db")
    assert db.execute(
        "SELECT link_id, overall_rating_agrees FROM reports WHERE location_id = ? ORDER BY link_id", (DIFFERS,)
    ).fetchall() == sorted([(NEW, 0), (OLD, None)])
    by_link = {}
    for path in (out / "reports").glob("*.json"):
        data = json.loads(path.read_text())
        by_link[(data.get("api") or {}).get("link_id")] = data
    assert by_link[NEW]["api"] == {
        "location_id": DIFFERS,
        "provider_id": "1-300000000",
        "link_id": NEW,
        "api_ratings": {
            "overall": "Good",
            "safe": "Requires improvement",
            "effective": None,
            "caring": None,
            "responsive": None,
            "well-led": "Good",
        },
        "overall_rating_agrees": False,
    }
    assert "api" not in by_link[None]  # the report outside the fetch folder


def test_a_later_fetched_jsonl_reaches_reports_already_extracted(fetched, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    report = next(fetched.rglob(f"*_{NEW}.txt"))
    (folder / report.parent.name).mkdir()
    copy = folder / report.parent.name / report.name
    copy.write_bytes(report.read_bytes())
    out = tmp_path / "out"
    run_batch([str(folder)], out, jobs=1)
    assert table(out / "reports.csv")[report.name]["link_id"] == ""
    (folder / "fetched.jsonl").write_bytes((fetched / "fetched.jsonl").read_bytes())
    again = run_batch([str(folder)], out, jobs=1)
    assert again.extracted == 0  # nothing is extracted again: only the tables and the JSON change
    assert table(out / "reports.csv")[NEW]["overall_rating_agrees"] == "False"
    [json_file] = (out / "reports").glob("*.json")
    assert json.loads(json_file.read_text())["api"]["link_id"] == NEW


def test_a_broken_fetched_jsonl_is_one_error_line(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text("Larchwood Surgery\nOverall Good\n")
    (tmp_path / "reports" / "fetched.jsonl").write_text('{"location_id": "1-300000001"}\n')
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "reports"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'reports' / 'fetched.jsonl'}:1: not a line written by cqcparse fetch\n"
    assert not (tmp_path / "out" / "reports.csv").exists()
