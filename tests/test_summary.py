"""Summaries: counts per quality statement and kind, batch inputs, must-action themes, the CLI."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli.app import app
from cqcparse.errors import InputError
from cqcparse.output.writers import to_jsonl
from cqcparse.records import Item, Report
from cqcparse.tools.items import SourcedItem, load_batch_reports, load_items, report_items
from cqcparse.tools.summary import OTHER, count_rows, group_label, summarise_batch, summarise_report
from cqcparse.tools.themes import must_action_themes

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "harbourside-nhs-ft-well-led-2025.txt"  # the shipped sample report (fictional)


def item(
    n: int, kind: str, *, modality: str | None = None, qs: str | None = None, kq: str | None = None, text: str = "x"
) -> Item:
    return Item(
        id=f"{kind}-{n:06d}",
        kind=kind,
        text=text,
        modality=modality,
        quality_statement=qs,
        key_question=kq,
        start=n,
        end=n + len(text),
    )


@pytest.fixture(scope="module")
def seed(pipe) -> Report:
    return pipe.extract(SEED)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


# -- counting ---------------------------------------------------------------------------------------------


def test_rows_count_each_kind_and_modality_in_framework_order():
    items = [
        SourcedItem("a", i)
        for i in [
            item(1, "finding", qs="freedom_to_speak_up"),
            item(2, "action", modality="must", qs="freedom_to_speak_up"),
            item(3, "action", modality="should", qs="safeguarding"),
            item(4, "action", modality="needs", kq="safe"),
            item(5, "positive"),
            item(6, "positive", qs="safeguarding", kq="safe"),
        ]
    ]
    rows, totals = count_rows(items, {"safeguarding": [3, 2]})
    assert [r.group for r in rows] == ["safe", "safeguarding", "freedom_to_speak_up", OTHER]
    by = {r.group: r for r in rows}
    assert (by["freedom_to_speak_up"].findings, by["freedom_to_speak_up"].must) == (1, 1)
    assert (by["safeguarding"].should, by["safeguarding"].positives, by["safeguarding"].score) == (1, 1, 2.5)
    assert by["safe"].needs == 1 and by[OTHER].positives == 1
    assert by["freedom_to_speak_up"].key_question == "well-led"
    assert (totals.findings, totals.must, totals.should, totals.needs, totals.positives) == (1, 1, 1, 1, 2)


def test_scored_statement_without_items_still_has_a_row():
    rows, _ = count_rows([], {"learning_culture": [2]})
    assert [(r.group, r.score, r.total) for r in rows] == [("learning_culture", 2.0, 0)]


def test_labels():
    assert group_label("well-led") == "Well-led"
    assert group_label("safe_and_effective_staffing") == "Safe and effective staffing"
    assert group_label(OTHER) == "Not labelled"


def test_report_summary_adds_up(seed):
    s = summarise_report(seed)
    assert s.totals.findings == len(seed.findings) and s.totals.positives == len(seed.positives)
    assert s.totals.must + s.totals.should + s.totals.needs == len(seed.actions)
    for col in ("findings", "must", "should", "needs", "positives"):
        assert sum(getattr(r, col) for r in s.rows) == getattr(s.totals, col)
    assert s.facts["provider"] == seed.report.provider
    json.dumps(s.to_dict())  # serialisable as it is


# -- batch inputs -----------------------------------------------------------------------------------------


def test_jsonl_of_extract_gives_the_report_counts(seed, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(to_jsonl([seed]), encoding="utf-8")
    batch = summarise_batch(load_items(path))
    single = summarise_report(seed)
    assert [(r.group, r.total) for r in batch.rows] == [(r.group, r.total) for r in single.rows if r.total]
    assert batch.reports == [seed.source] and batch.totals.reports == 1


def test_batch_rows_with_report_id_and_folder(tmp_path):
    rows = [
        {"report_id": "r1", "source": "a.pdf", **item(1, "action", modality="must", qs="safeguarding").model_dump()},
        {"report_id": "r2", "source": "b.pdf", **item(2, "action", modality="must", qs="safeguarding").model_dump()},
    ]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    s = summarise_batch(load_items(tmp_path))
    [row] = s.rows
    assert (row.must, row.reports) == (2, 2)
    assert load_batch_reports(tmp_path) == []  # no reports/ folder: counts only


def test_batch_folder_report_jsons_add_scores_ratings_breaches(seed, tmp_path):
    unrated = seed.model_copy(
        update={"report": seed.report.model_copy(update={"overall_rating": None, "quality_statement_scores": {}})}
    )
    scored = seed.model_copy(
        update={
            "source": "other.txt",
            "report": seed.report.model_copy(
                update={"overall_rating": "Good", "quality_statement_scores": {"freedom_to_speak_up": 3}}
            ),
        }
    )
    (tmp_path / "reports").mkdir()
    (tmp_path / "manifest.json").write_text("{}")
    for n, r in enumerate([unrated, scored]):
        (tmp_path / "reports" / f"r{n}.json").write_text(r.model_dump_json(), encoding="utf-8")
    (tmp_path / "items.jsonl").write_text(to_jsonl([unrated, scored]), encoding="utf-8")
    s = summarise_batch(load_items(tmp_path / "items.jsonl"), load_batch_reports(tmp_path / "items.jsonl"))
    assert s.rating_counts == {"not rated": 1, "Good": 1}
    assert next(r for r in s.rows if r.group == "freedom_to_speak_up").score == 3
    assert s.totals.reports == 2


@pytest.mark.parametrize(
    "content, reason",
    [
        ("not json", "Expecting value"),
        ('{"source": "a"}', "id: Field required"),
        ("[1, 2]", "a line must be a JSON object"),
    ],
)
def test_bad_rows_name_the_line(tmp_path, content, reason):
    path = tmp_path / "items.jsonl"
    path.write_text("\n" + content + "\n", encoding="utf-8")  # the blank first line is skipped
    with pytest.raises(InputError) as e:
        load_items(path)
    assert str(e.value).startswith(f"{path}:2: not an item row (") and reason in str(e.value)


def test_folder_without_items_jsonl(tmp_path):
    with pytest.raises(InputError, match="no items.jsonl"):
        load_items(tmp_path)


# -- themes -----------------------------------------------------------------------------------------------


def test_themes_rank_phrases_merge_plurals_and_skip_boilerplate():
    texts = [
        ("r1", "The provider must ensure medicines management is safe."),
        ("r2", "The trust must ensure medicines management audits are completed."),
        ("r3", "The provider must ensure risks to people are assessed."),
        ("r3", "The provider must ensure the risk assessments are reviewed."),
    ]
    musts = [SourcedItem(r, item(n, "action", modality="must", text=t)) for n, (r, t) in enumerate(texts)]
    themes = must_action_themes(musts, n=3)
    assert [(t.theme, t.actions, t.reports) for t in themes][:2] == [("medicines management", 2, 2), ("risk", 2, 1)]
    words = {w for t in must_action_themes(musts, n=50) for w in t.theme.split()}
    assert not words & {"must", "ensure", "provider", "trust", "the"}
    assert "medicines" not in {t.theme for t in themes}  # covered by 'medicines management'


# -- the CLI ----------------------------------------------------------------------------------------------


def test_cli_summary_table():
    result = invoke("summary", str(SEED))
    assert result.exit_code == 0, result.output
    assert "Quality statement" in result.output and "Total" in result.output
    assert "Overall rating" in result.output and "Breaches" in result.output


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_cli_summary_formats(seed, fmt):
    result = invoke("summary", str(SEED), "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert data["totals"]["findings"] == len(seed.findings)
    else:
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert rows[-1]["group"] == "total" and int(rows[-1]["findings"]) == len(seed.findings)


@pytest.mark.parametrize("as_folder", [False, True])
def test_cli_summary_batch(seed, tmp_path, as_folder):
    (tmp_path / "items.jsonl").write_text(to_jsonl([seed]), encoding="utf-8")
    target = tmp_path if as_folder else tmp_path / "items.jsonl"
    result = invoke("summary", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 report ") and "Reports" in result.output
    assert "must-action themes" in result.output


def test_cli_summary_of_extract_json(seed, tmp_path):
    path = tmp_path / "report.json"
    path.write_text(seed.model_dump_json(), encoding="utf-8")
    result = invoke("summary", str(path), "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["totals"]["must"] == sum(a.modality == "must" for a in seed.actions)


def test_cli_summary_errors(tmp_path):
    result = invoke("summary", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1
    result = invoke("summary", str(SEED), "--format", "xml")
    assert result.exit_code == 2


def test_cli_plot(tmp_path):
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    result = invoke("summary", str(SEED), "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_plot_batch(seed, tmp_path):
    pytest.importorskip("matplotlib")
    (tmp_path / "items.jsonl").write_text(to_jsonl([seed]), encoding="utf-8")
    chart = tmp_path / "musts.svg"
    result = invoke("summary", str(tmp_path), "--plot", str(chart), "-f", "json")
    assert result.exit_code == 0, result.output
    assert "Must-actions by quality statement" in chart.read_text(encoding="utf-8")


def test_cli_plot_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    result = invoke("summary", str(SEED), "--plot", str(tmp_path / "c.png"))
    assert result.exit_code == 1
    assert result.output == "Error: --plot: needs matplotlib, which is not installed: pip install 'cqcparse[plot]'\n"
    assert not (tmp_path / "c.png").exists()


def test_cli_show(seed, tmp_path):
    out = tmp_path / "review.html"
    result = invoke("show", str(SEED), "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count("data-item-id=") == len(seed.items())
    result = invoke("show", str(SEED))
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")


def test_cli_show_needs_text(seed, tmp_path):
    path = tmp_path / "report.json"
    path.write_text(seed.model_dump_json(), encoding="utf-8")  # extracted without --include-text
    result = invoke("show", str(path))
    assert result.exit_code == 1 and "include-text" in result.output


def test_every_item_in_report_items_is_counted(seed):
    assert sum(r.total for r in count_rows(report_items(seed))[0]) == len(seed.items())


def test_breach_pages_are_plural_when_more_than_one() -> None:
    from types import SimpleNamespace

    from cqcparse.cli.summary import report_notes

    result = SimpleNamespace(
        overall_rating="Good",
        ratings={},
        breaches=[
            {"regulation": "12", "title": "Safe care and treatment", "pages": [9, 11]},
            {"regulation": "17", "title": None, "pages": [3]},
        ],
    )
    assert report_notes(result) == [
        "Overall rating: Good",
        "Breaches:",
        "  Regulation 12 (Safe care and treatment), pages 9, 11",
        "  Regulation 17 (untitled), page 3",
    ]
