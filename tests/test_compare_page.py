"""The two-report page (`cqcparse show OLD NEW`): each item once per column with its status, recurring
items linked both ways, and in headless Chromium following an item's link highlights it and scrolls the
other column to its counterpart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from cqcparse.cli import app
from cqcparse.compare import compare_reports
from cqcparse.compare.links import item_links
from cqcparse.tools.diff import build_diff
from test_review import needs_chromium, run_chromium

PAIR = Path(__file__).resolve().parents[1] / "fixtures" / "compare" / "brambleside"


@pytest.fixture(scope="module")
def reports(pipe):
    return pipe.extract(PAIR / "old.txt", include_text=True), pipe.extract(PAIR / "new.txt", include_text=True)


@pytest.fixture(scope="module")
def comparison(reports):
    return compare_reports(*reports)


@pytest.fixture(scope="module")
def page(reports, comparison, tmp_path_factory) -> Path:
    old_links, new_links = item_links(comparison)
    path = tmp_path_factory.mktemp("diff") / "diff.html"
    path.write_text(
        build_diff(
            *reports, old_links, new_links, ratings=comparison.ratings, breaches=comparison.breaches.model_dump()
        ),
        encoding="utf-8",
    )
    return path


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_each_item_once_per_column_with_its_status(reports, comparison, page):
    soup = soup_of(page.read_text(encoding="utf-8"))
    for side, report in zip(("old", "new"), reports, strict=True):
        marks = soup.select(f"#col-{side} mark[data-item-id]")
        assert sorted(m["data-item-id"] for m in marks) == sorted(i.id for i in report.items())
    status = {m["id"]: m["data-status"] for m in soup.select("mark[data-item-id]")}
    for ch in (comparison.actions, comparison.findings):
        for p in ch.recurring:
            assert status[f"old-{p.old.id}"] == status[f"new-{p.new.id}"] == "recurring"
        for r in ch.resolved:
            assert status[f"old-{r.item.id}"] == "resolved"
        for i in ch.new:
            assert status[f"new-{i.id}"] == "new"
        for i in ch.earlier:
            assert status[f"new-{i.id}"] == "earlier"
    assert (
        "cleared" in soup.select_one("#breaches").get_text()
        and "17 Good governance" in soup.select_one("#breaches").get_text()
    )


def test_recurring_items_link_both_ways(comparison, page):
    soup = soup_of(page.read_text(encoding="utf-8"))
    pairs = [(p.old.id, p.new.id) for ch in (comparison.actions, comparison.findings) for p in ch.recurring]
    assert len(pairs) >= 4  # the labelled pair has 4 expected; the extractor may find more
    for old_id, new_id in pairs:
        assert soup.select_one(f"#old-{old_id}")["data-partner"] == new_id
        assert soup.select_one(f"#new-{new_id}")["data-partner"] == old_id
        assert soup.select_one(f"#old-{old_id} + a.go")["href"] == f"#item=old-{old_id}"


def test_show_with_two_reports_writes_the_page(tmp_path):
    out = tmp_path / "diff.html"
    r = CliRunner().invoke(app, ["show", str(PAIR / "old.pdf"), str(PAIR / "new.pdf"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    soup = soup_of(out.read_text(encoding="utf-8"))
    assert soup.title.get_text() == "Brambleside Care Home — cqcparse comparison"
    assert soup.select("#col-old mark[data-status=recurring]") and soup.select("#col-new mark[data-status=new]")
    missing = CliRunner().invoke(app, ["show", str(PAIR / "old.pdf"), str(tmp_path / "nope.pdf"), "-o", str(out)])
    assert missing.exit_code == 1 and missing.stderr.startswith(f"Error: {tmp_path / 'nope.pdf'}: ")


@needs_chromium
def test_browser_following_a_link_highlights_and_scrolls_to_the_counterpart(comparison, page, tmp_path):
    pair = comparison.actions.recurring[0]  # the last pair in the text: both columns must scroll
    link = soup_of(page.read_text(encoding="utf-8")).select_one(f"#old-{pair.old.id} + a.go")["href"]
    soup = soup_of(run_chromium(tmp_path, page.as_uri() + link, "--dump-dom", "--window-size=1000,500"))
    assert soup.body["data-focus"] == f"old-{pair.old.id}"
    assert soup.body["data-counterpart"] == f"new-{pair.new.id}"
    assert sorted(m["id"] for m in soup.select("mark.hl")) == sorted([f"new-{pair.new.id}", f"old-{pair.old.id}"])
    old_top, new_top = (int(x) for x in soup.body["data-scroll"].split(","))
    assert new_top > 0 and old_top > 0  # both columns scrolled down to the pair
    # and an item that was not linked highlights nothing on the other side
    fresh = comparison.findings.new[0]
    soup = soup_of(run_chromium(tmp_path, page.as_uri() + f"#item=new-{fresh.id}", "--dump-dom"))
    assert soup.body["data-counterpart"] == ""
    assert [m["id"] for m in soup.select("mark.hl")] == [f"new-{fresh.id}"]


def test_show_with_two_reports_reads_only_the_pages_asked_for(pipe, tmp_path):
    out = tmp_path / "diff.html"
    r = CliRunner().invoke(app, ["show", str(PAIR / "old.pdf"), str(PAIR / "new.pdf"), "--pages", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    soup = soup_of(out.read_text(encoding="utf-8"))
    for side in ("old", "new"):
        want = pipe.extract(PAIR / f"{side}.pdf", pages="2")
        got = sorted(m["data-item-id"] for m in soup.select(f"#col-{side} mark[data-item-id]"))
        assert got == sorted(i.id for i in want.items()) and got
        assert {i.page for i in want.items()} == {2}
    bad = CliRunner().invoke(
        app, ["show", str(PAIR / "old.pdf"), str(PAIR / "new.pdf"), "--pages", "x", "-o", str(out)]
    )
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ") and len(bad.stderr.splitlines()) == 1


def test_show_with_two_reports_links_the_pairs_compare_finds_at_the_threshold(tmp_path):
    old, new = str(PAIR / "old.txt"), str(PAIR / "new.txt")
    linked = {}
    for t in ("0.55", "0.9"):
        out = tmp_path / f"diff-{t}.html"
        r = CliRunner().invoke(app, ["show", old, new, "--threshold", t, "-o", str(out)])
        assert r.exit_code == 0, r.output
        soup = soup_of(out.read_text(encoding="utf-8"))
        linked[t] = {
            (m["data-item-id"], m["data-partner"]) for m in soup.select("#col-old mark[data-status=recurring]")
        }
        c = CliRunner().invoke(app, ["compare", old, new, "--threshold", t, "--format", "json"])
        data = json.loads(c.stdout)
        pairs = {(p["old"]["id"], p["new"]["id"]) for k in ("actions", "findings") for p in data[k]["recurring"]}
        assert linked[t] == pairs
    assert linked["0.9"] < linked["0.55"]
    r = CliRunner().invoke(app, ["show", old, new, "--threshold", "0", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and not (tmp_path / "x.html").exists()
