"""How `summary`, its chart and the review page present the counts: every column kept at 80 and 120
columns (short names and a note when narrow), key questions as headings over their statements rather than
rows that look like subtotals, and pre-2024 reports counted and titled by key question. The reports are
fictional (the shipped sample and fixtures/compare)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cqcparse.cli.app import app
from cqcparse.cli.summary import SHORT_NOTE, summary_table
from cqcparse.output.writers import to_jsonl
from cqcparse.records import Item, Report
from cqcparse.tools.items import SourcedItem
from cqcparse.tools.review import Mark, build_review
from cqcparse.tools.summary import summarise_batch
from test_review import dump_dom, needs_chromium, parse

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "harbourside-nhs-ft-well-led-2025.txt"
OLD_STYLE = ROOT / "fixtures" / "compare" / "marram" / "old.txt"  # a 2020 report: key questions only


@pytest.fixture(scope="module")
def seed(pipe) -> Report:
    return pipe.extract(SEED, include_text=True)


@pytest.fixture(scope="module")
def old_style(pipe) -> Report:
    return pipe.extract(OLD_STYLE, include_text=True)


def batch_folder(tmp_path: Path, reports: list[Report]) -> Path:
    (tmp_path / "reports").mkdir()
    (tmp_path / "manifest.json").write_text("{}")
    for n, r in enumerate(reports):
        (tmp_path / "reports" / f"r{n}.json").write_text(r.model_dump_json(), encoding="utf-8")
    (tmp_path / "items.jsonl").write_text(to_jsonl(reports), encoding="utf-8")
    return tmp_path


def item(n: int, kind: str, *, qs: str | None = None, kq: str | None = None, modality: str | None = None) -> Item:
    return Item(
        id=f"{kind}-{n:06d}",
        kind=kind,
        text="x",
        modality=modality,
        quality_statement=qs,
        key_question=kq,
        start=n,
        end=n + 1,
    )


def rendered(table, width: int) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    console.print(table)
    return [line.rstrip() for line in console.export_text().splitlines()]


@pytest.mark.parametrize("width", [80, 120])
def test_batch_table_keeps_the_reports_column(seed, old_style, tmp_path, width):
    folder = batch_folder(tmp_path, [seed, old_style])
    result = CliRunner().invoke(app, ["summary", str(folder)], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    header = next(line for line in lines if "Quality statement" in line).split()
    total = next(line for line in lines if line.strip().startswith("Total")).split()
    assert total[-1] == "2"  # both reports, in the last column
    if width == 80:
        assert header[2:] == ["Find.", "Must", "Sh.", "Needs", "Pos.", "Score", "Rep."]
        assert SHORT_NOTE in result.stdout
    else:
        assert header[2:] == ["Findings", "Must", "Should", "Needs", "Positives", "Score", "Reports"]
        assert SHORT_NOTE not in result.stdout


def test_key_questions_are_headings_over_their_statements_not_subtotals():
    items = [
        SourcedItem("a", item(1, "finding", kq="safe")),
        SourcedItem("a", item(2, "finding", qs="safeguarding", kq="safe")),
        SourcedItem("a", item(3, "positive", qs="learning_culture", kq="safe")),
        SourcedItem("a", item(4, "action", qs="safe_systems_pathways_and_transitions", kq="safe", modality="must")),
        SourcedItem("a", item(5, "finding")),
    ]
    lines = rendered(summary_table(summarise_batch(items), batch=False), 80)
    body = [line for line in lines if line.strip() and not line.strip().startswith("─")]
    assert body[1].split()[:2] == ["Quality", "statement"]
    assert body[2].strip() == "Safe"  # a heading row: no counts
    assert re.fullmatch(r"    Key question only\s+1\s+·\s+·\s+·\s+·", body[3])
    assert body[4].startswith("    Learning culture ")
    assert body[5].startswith("    Safe systems pathways and ")  # wrapped lines keep the indent
    assert body[6].strip() == "transitions" and body[6].startswith("    t")
    assert body[7].startswith("    Safeguarding ")
    assert body[8].startswith("  Not labelled ") and body[9].split() == ["Total", "3", "1", "0", "0", "1"]


def test_a_pre_2024_report_is_counted_by_key_question(old_style):
    lines = rendered(summary_table(summarise_batch([SourcedItem("m", i) for i in old_style.items()]), batch=False), 80)
    assert any(line.split()[:2] == ["Key", "question"] for line in lines)
    safe = next(line for line in lines if line.strip().startswith("Safe"))
    assert safe.split()[1:] == [
        str(len([i for i in old_style.findings if i.key_question == "safe"])),
        "·",
        "·",
        "·",
        "1",
    ]


def test_chart_titles_say_what_the_bars_are(seed, old_style, tmp_path):
    pytest.importorskip("matplotlib")
    for report, src, want in (
        (old_style, OLD_STYLE, "Items by key question: Marram House"),
        (seed, SEED, "Items by quality statement: Harbourside NHS Foundation Trust"),
    ):
        chart = tmp_path / f"{report.report.provider}.svg"
        result = CliRunner().invoke(app, ["summary", str(src), "--plot", str(chart), "-f", "json"])
        assert result.exit_code == 0, result.output
        svg = chart.read_text(encoding="utf-8")
        assert want in svg
        assert report is seed or "Not labelled" not in svg  # every item of the 2020 report has its key question
    (tmp_path / "batch").mkdir()
    folder = batch_folder(tmp_path / "batch", [old_style])
    chart = tmp_path / "musts.svg"
    (tmp_path / "batch" / "items.jsonl").write_text(to_jsonl([old_style]), encoding="utf-8")
    CliRunner().invoke(app, ["summary", str(folder), "--plot", str(chart), "-f", "json"])
    assert "Must-actions by key question across 1 reports" in chart.read_text(encoding="utf-8")


def test_review_page_counts_by_key_question_for_a_pre_2024_report(seed, old_style):
    old = parse(build_review(old_style))
    assert old.select_one("#counts-title").get_text() == "Items by key question"
    assert old.select_one("#counts th").get_text() == "Key question"
    labels = [a.get_text() for a in old.select("#counts td:first-child a")]
    assert labels == ["Safe", "Effective", "Caring", "Responsive", "Well-led"]  # every item under its key question
    new = parse(build_review(seed))
    assert new.select_one("#counts-title").get_text() == "Items by quality statement"


def test_review_page_names_a_key_questions_own_row(pipe):
    report = pipe.extract(ROOT / "fixtures" / "compare" / "marram" / "new.txt", include_text=True)
    first, *rest = report.findings  # one finding labelled with its key question alone
    kq_only = first.model_copy(update={"quality_statement": None, "key_question": "well-led"})
    soup = parse(build_review(report.model_copy(update={"findings": [kq_only, *rest]})))
    kq_rows = [a.get_text() for a in soup.select("#counts td.kq a")]
    assert kq_rows == ["Well-led (key question only)"]


def test_tooltip_names_every_page_of_an_item_over_a_page_break():
    it = item(1, "finding").model_copy(update={"page": 9, "pages": [9, 10]})
    assert "pages 9, 10" in Mark(it, 0, 1, True).tooltip
    assert Mark(it.model_copy(update={"pages": None}), 0, 1, True).tooltip.endswith("| page 9")


@needs_chromium
def test_browser_key_question_count_filters_a_pre_2024_report(old_style, tmp_path):
    page = tmp_path / "review.html"
    page.write_text(build_review(old_style), encoding="utf-8")
    link = next(
        a for a in parse(page.read_text(encoding="utf-8")).select("#counts a[data-count]") if "group=safe&" in a["href"]
    )
    soup = dump_dom(tmp_path, page, link["href"])
    shown = {m["data-item-id"] for m in soup.select("mark[data-item-id]:not(.off)")}
    kind = re.search(r"kind=(\w+)", link["href"]).group(1)
    wanted = {i.id for i in old_style.items() if i.key_question == "safe" and i.kind == kind}
    assert shown == wanted and len(wanted) == int(link["data-count"]) > 0
    assert soup.select_one("#counts-title").get_text() == "Items by key question"
