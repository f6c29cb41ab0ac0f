"""`cqcparse compare`: the comparison of two reports, the labelled pairs, the JSON contract, the CLI and
batch grouping. The reports are the fictional pairs in fixtures/compare (written for this project)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cqcparse.cli import app
from cqcparse.compare import DEFAULT_THRESHOLD, compare_reports
from cqcparse.compare.gold import Gold, Score, score
from cqcparse.compare.match import earlier_items, normalise, stem
from cqcparse.compare.ratings import change
from cqcparse.records import Item, Report

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "compare"
NAMES = sorted(p.name for p in PAIRS.iterdir() if (p / "gold.json").is_file())
runner = CliRunner()


@pytest.fixture(scope="module")
def extracted(pipe):
    return {n: tuple(pipe.extract(PAIRS / n / f, include_text=True) for f in ("old.txt", "new.txt")) for n in NAMES}


# -- the pieces -------------------------------------------------------------------------------------------


def test_stem_and_normalise_fold_wording():
    assert stem("managed") == stem("manage") == stem("management") == "manag"
    assert normalise("Medicines were not always managed safely.") == normalise(
        "The service did not always manage people's medicines safely."
    ).replace("manag medicin", "medicin manag")  # same words, other order


def test_a_short_text_does_not_match_every_text_holding_its_words():
    from cqcparse.compare.match import similarity_matrix

    long = "Risks to people's health and safety were not always assessed, and care plans were out of date."
    s = similarity_matrix(
        ["The service was not always safe.", "The service was not safe."], [long, "The service was not always safe."]
    )
    assert s[0, 0] < DEFAULT_THRESHOLD and s[1, 0] < DEFAULT_THRESHOLD
    assert s[0, 1] == s[1, 1] == 1.0


@pytest.mark.parametrize(
    "old,new,want",
    [
        ("Good", "Requires improvement", "declined"),
        ("Inadequate", "Good", "improved"),
        ("Good", "Good", "same"),
        (None, "Outstanding", "new"),
        ("Good", None, "not rated"),
    ],
)
def test_rating_change_in_cqc_order(old, new, want):
    assert change(old, new) == want


def test_earlier_inspection_and_its_breach_sentence():
    text = "At our last inspection the provider had failed to act. This was a breach of regulation 17. Staff left."
    a, b, c = (text.index(s) for s in ("At our", "This was", "Staff left"))
    items = [
        Item(id=f"finding-{s:06d}", kind="finding", text=text[s:e].strip(), start=s, end=e - 1)
        for s, e in ((a, b), (b, c), (c, len(text) + 1))
    ]
    assert earlier_items(items) == {items[0].id, items[1].id}


def test_a_breach_sentence_after_a_last_inspection_sentence_that_is_no_item_is_earlier():
    text = (
        "Our findings\n- At our last inspection the provider had failed to act. This was a breach of regulation 17.\n"
    )
    s = text.index("This was")
    item = Item(id=f"finding-{s:06d}", kind="finding", text=text[s:-1], start=s, end=len(text) - 1)
    assert earlier_items([item]) == set()
    assert earlier_items([item], text) == {item.id}
    assert earlier_items([item], text.replace("At our last", "At this")) == set()


def test_stock_phrasings_of_one_shortfall_share_a_concept_and_recur(extracted):
    from cqcparse.compare.concepts import concepts_of, example_failures

    assert example_failures() == []
    old = "The provider had failed to assess and manage risks to people's safety."
    new = "The provider had not done all that was reasonably practicable to mitigate risks relating to medicines."
    assert concepts_of(old) & concepts_of(new) == {"risk-mitigation"}
    pairs = {
        (p.old.text, p.new.text): p.similarity for p in compare_reports(*extracted["brambleside"]).findings.recurring
    }
    assert pairs[(old, new)] >= DEFAULT_THRESHOLD
    without = compare_reports(*extracted["brambleside"], concept_weight=0.0).findings.recurring
    assert (old, new) not in {(p.old.text, p.new.text) for p in without}


# -- two reports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_report_compared_with_itself_is_all_recurring(extracted, name):
    report = extracted[name][1]
    c = compare_reports(report, report)
    for changes, items in ((c.actions, report.actions), (c.findings, report.findings)):
        assert [(p.old.id, p.new.id) for p in changes.recurring] == [(i.id, i.id) for i in items]
        assert changes.resolved == [] and changes.new == [] and changes.earlier == []
    assert {r.change for r in c.ratings} == {"same"}
    assert c.breaches.new == [] and c.breaches.cleared == []


def test_three_actions_removed_and_two_added(pipe, tmp_path):
    text = (PAIRS / "heronwood" / "new.txt").read_text(encoding="utf-8")
    removed = [
        "- Ensure care and treatment is provided in a safe way to patients, including the monitoring of "
        "patients prescribed high-risk medicines.",
        "- Establish effective systems and processes to ensure good governance in accordance with the "
        "fundamental standards of care.",
        "- Continue to take action to improve the uptake of cervical screening.",
    ]
    added = [
        "- Review the arrangements for checking the expiry dates of emergency medicines.",
        "- Ensure that all clinical staff complete training in recognising sepsis.",
    ]
    copy = text
    for line in removed:
        assert line in copy
        copy = copy.replace(line + "\n", "")
    copy = copy.replace("- Improve how learning", "\n".join(added) + "\n- Improve how learning")
    (tmp_path / "copy.txt").write_text(copy, encoding="utf-8")
    c = compare_reports(pipe.extract(PAIRS / "heronwood" / "new.txt"), pipe.extract(tmp_path / "copy.txt"))
    assert sorted(r.item.text for r in c.actions.resolved) == sorted(line[2:] for line in removed)
    assert sorted(i.text for i in c.actions.new) == sorted(line[2:] for line in added)
    assert [p.old.text for p in c.actions.recurring] == [
        "Improve how learning from significant events is shared with nurses, receptionists and other staff."
    ]


def test_reworded_shortfall_recurs_and_a_positive_answers_another(extracted):
    c = compare_reports(*extracted["brambleside"])
    pairs = {(p.old.text, p.new.text) for p in c.findings.recurring}
    assert (
        "Medicines were not always managed safely.",
        "The service did not always manage people's medicines safely.",
    ) in pairs
    answered = {r.item.text: r.evidence.text for r in c.findings.resolved if r.evidence}
    assert answered["Risk assessments for people at risk of falls had not been reviewed after people fell."] == (
        "Risk assessments for people at risk of falls were reviewed after every fall, and equipment such as "
        "sensor mats was in place."
    )
    # the new report's account of the last inspection is neither recurring nor new
    # (the classifier reads it as a past inspection, so it is no finding at all; if it were, it would be `earlier`)
    last = {
        "At our last inspection the provider had failed to operate effective systems to monitor the quality "
        "of the service.",
        "This was a breach of regulation 17 (Good governance).",
    }
    first = sorted(last)[0]
    assert first not in {i.text for i in c.findings.new} | {p.new.text for p in c.findings.recurring}
    assert {i.text for i in c.findings.earlier} <= last
    assert [b.regulation for b in c.breaches.repeated] == ["12"]
    assert [b.regulation for b in c.breaches.cleared] == ["17"]


def test_labelled_pairs_meet_the_targets(extracted):
    total = Score()
    for name in NAMES:
        gold = Gold.model_validate_json((PAIRS / name / "gold.json").read_text())
        s = score(compare_reports(*extracted[name], threshold=DEFAULT_THRESHOLD), gold)
        assert s.ratings_wrong == [] and s.breaches_wrong == [], name
        total = total.add(s)
    # measured (bench/compare_eval.py) on the 9 pairs: 26 of 27 predicted pairs right, 26 of 28 expected
    # pairs found (the two misses are sentences the classifier does not extract)
    assert total.correct / total.predicted >= 0.9
    assert total.found / total.expected >= 0.9


# -- the command line and the JSON contract --------------------------------------------------------------


def test_json_output_follows_the_schema_and_is_deterministic(tmp_path):
    old, new = str(PAIRS / "marram" / "old.txt"), str(PAIRS / "marram" / "new.txt")
    first = runner.invoke(app, ["compare", old, new, "--format", "json"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["compare", old, new, "--format", "json", "-o", str(tmp_path / "c.json")])
    assert second.exit_code == 0, second.output
    assert (tmp_path / "c.json").read_text(encoding="utf-8") == first.stdout
    schema = runner.invoke(app, ["schema", "--comparison"])
    data = json.loads(first.stdout)
    jsonschema.validate(data, json.loads(schema.stdout))
    assert list(data) == ["old", "new", "threshold", "method", "ratings", "breaches", "actions", "findings", "labels"]
    assert [(b["regulation"]) for b in data["breaches"]["new"]] == ["18"]
    assert data["ratings"][0] == {
        "question": "overall",
        "old": "Inadequate",
        "new": "Requires improvement",
        "change": "improved",
    }


def test_report_json_inputs_give_the_same_comparison(tmp_path):
    paths = []
    for side in ("old", "new"):
        out = tmp_path / f"{side}.json"
        assert runner.invoke(app, ["extract", str(PAIRS / "fernlea" / f"{side}.txt"), "-o", str(out)]).exit_code == 0
        paths.append(str(out))
    from_json = runner.invoke(app, ["compare", *paths, "-f", "json"])
    from_text = runner.invoke(
        app, ["compare", str(PAIRS / "fernlea" / "old.txt"), str(PAIRS / "fernlea" / "new.txt"), "-f", "json"]
    )
    assert (
        from_json.exit_code == 0
        and json.loads(from_json.stdout)["findings"] == json.loads(from_text.stdout)["findings"]
    )


def test_table_output_names_the_changes():
    r = runner.invoke(app, ["compare", str(PAIRS / "fernlea" / "old.txt"), str(PAIRS / "fernlea" / "new.txt")])
    assert r.exit_code == 0, r.output
    assert "Fernlea Court: 2021-09-15 -> 2023-03-28" in r.stdout
    assert "new:      17 Good governance" in r.stdout


def test_bad_input_is_one_error_line_and_no_output(tmp_path):
    out = tmp_path / "c.json"
    r = runner.invoke(
        app, ["compare", str(tmp_path / "missing.txt"), str(PAIRS / "fernlea" / "new.txt"), "-o", str(out)]
    )
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [f"Error: {tmp_path / 'missing.txt'}: no such file"]
    assert not out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(app, ["compare", str(empty), "-o", str(tmp_path / "changes")])
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {empty}: no report JSONs")
    assert not (tmp_path / "changes").exists()
    assert runner.invoke(app, ["compare", str(PAIRS / "fernlea" / "old.txt")]).exit_code == 2


# -- batch folders ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory, extracted):
    """Report JSONs of three pairs; the kingfisher reports carry fetch's location id, and a third report of
    that location, under another name, joins them by that id."""
    folder = tmp_path_factory.mktemp("batch") / "reports"
    folder.mkdir()
    for name in ("kingfisher", "marram", "heronwood"):
        for side, report in zip(("old", "new"), extracted[name], strict=True):
            data = json.loads(report.model_dump_json())
            if name == "kingfisher":
                data["location_id"] = "1-000000001"
            (folder / f"{name}-{side}.json").write_text(json.dumps(data), encoding="utf-8")
    third = json.loads(extracted["kingfisher"][1].model_dump_json())
    third["report"]["report_date"], third["report"]["location"] = "2025-01-09", "Kingfisher Home Care (Brayford)"
    third["source"], third["location_id"] = "kingfisher-2025.txt", "1-000000001"
    (folder / "kingfisher-third.json").write_text(json.dumps(third), encoding="utf-8")
    (folder.parent / "manifest.json").write_text("{}", encoding="utf-8")
    return folder.parent


def test_batch_groups_by_location_and_compares_in_date_order(batch_folder, tmp_path):
    r = runner.invoke(app, ["compare", str(batch_folder), "--by", "location", "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in (tmp_path / "out" / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["group"], x["old"]["facts"]["report_date"], x["new"]["facts"]["report_date"]) for x in lines] == [
        ("1-000000001", "2018-04-05", "2023-07-18"),
        ("1-000000001", "2023-07-18", "2025-01-09"),
        ("Heronwood Surgery", "2017-06-14", "2021-09-22"),
        ("Saltmarsh Healthcare Limited / Marram House", "2020-03-11", "2024-05-08"),
    ]
    with open(tmp_path / "out" / "summary.csv", newline="", encoding="utf-8") as f:
        summary = {row["group"]: row for row in csv.DictReader(f)}
    assert summary["1-000000001"]["reports"] == "3"
    assert summary["1-000000001"]["rating_path"] == "Requires improvement > Good > Good"
    assert summary["Saltmarsh Healthcare Limited / Marram House"]["repeated_breaches"] == "12;17"
    assert summary["Heronwood Surgery"]["old_must_actions"] == "0"
    with open(tmp_path / "out" / "changes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    old, new = (
        Report.model_validate_json((batch_folder / "reports" / f"marram-{s}.json").read_text()) for s in ("old", "new")
    )
    c = compare_reports(old, new)
    marram = [x for x in rows if x["group"].endswith("Marram House")]
    assert len(marram) == sum(
        len(ch.recurring) + len(ch.resolved) + len(ch.new) + len(ch.earlier) for ch in (c.actions, c.findings)
    )
    again = runner.invoke(app, ["compare", str(batch_folder), "-o", str(tmp_path / "again")])
    assert again.exit_code == 0
    for name in ("changes.jsonl", "changes.csv", "summary.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_batch_groups_by_provider(batch_folder, tmp_path):
    r = runner.invoke(app, ["compare", str(batch_folder), "--by", "provider", "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    with open(tmp_path / "out" / "summary.csv", newline="", encoding="utf-8") as f:
        groups = {row["group"]: row["reports"] for row in csv.DictReader(f)}
    assert groups == {
        "Kingfisher Care Services Ltd": "3",
        "Heronwood Surgery": "2",
        "Saltmarsh Healthcare Limited": "2",
    }


def test_label_counts_cover_every_item_once_per_key_question(extracted):
    old, new = extracted["marram"]
    c = compare_reports(old, new)
    rows = [
        r for r in c.labels if r.label is None or r.label in {"safe", "effective", "caring", "responsive", "well-led"}
    ]
    assert sum(r.findings[0] for r in rows) == len(old.findings)
    assert sum(r.findings[1] for r in rows) == len(new.findings)
    assert sum(r.positives[1] for r in rows) == len(new.positives)
    staffing = next(r for r in c.labels if r.label == "safe_and_effective_staffing")
    labelled = [sum(f.quality_statement == "safe_and_effective_staffing" for f in r.findings) for r in (old, new)]
    assert staffing.findings == tuple(labelled) and labelled[1] >= 2


def test_a_real_report_compared_with_itself(shared_dir, pipe):
    report = pipe.extract(shared_dir / "reports" / "cpft-well-led-2025.txt")
    c = compare_reports(report, report)
    assert len(c.findings.recurring) == len(report.findings) and len(c.actions.recurring) == len(report.actions)
    assert not (c.findings.new or c.findings.resolved or c.actions.new or c.actions.resolved)


def test_copies_of_one_inspection_are_compared_once_and_must_actions_counted(extracted, tmp_path):
    from cqcparse.compare.group import compare_folder
    from cqcparse.compare.tables import summary_row

    report = extracted["heronwood"][1]  # two must-actions
    for name, source in (("a.json", "new.txt"), ("b.json", "new.pdf"), ("c.json", "later.txt")):
        data = json.loads(report.model_dump_json())
        data["source"] = source
        if name == "c.json":
            data["report"]["report_date"] = "2024-02-01"
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    [group] = compare_folder(tmp_path)
    assert [e.report.source for e in group.entries] == ["new.pdf", "later.txt"]  # one copy per date
    row = summary_row(group)
    assert (row["reports"], row["old_must_actions"], row["recurring_must_actions"], row["must_recur_share"]) == (
        2,
        2,
        2,
        "1.000",
    )
    assert row["repeated_breaches"] == "12;17"


def test_location_ids_come_from_fetched_jsonl_beside_the_sources(extracted, tmp_path):
    from cqcparse.compare.group import compare_folder

    fetched = tmp_path / "fetched"
    (fetched / "1-000000042").mkdir(parents=True)
    rows = []
    for n, (name, report) in enumerate((("a", extracted["fernlea"][0]), ("b", extracted["thistle"][1]))):
        src = fetched / "1-000000042" / f"{name}.txt"
        src.write_text("text", encoding="utf-8")
        data = json.loads(report.model_dump_json())
        data["source"] = str(src)
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        rows.append({"location_id": "1-000000042", "provider_id": "1-1", "path": f"1-000000042/{name}.txt", "n": n})
    (fetched / "fetched.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [group] = compare_folder(tmp_path)  # two services by name, one location by fetch's id
    assert group.key == "1-000000042"
    assert len(group.comparisons) == 1
    (fetched / "fetched.jsonl").write_text("{broken\n", encoding="utf-8")
    from cqcparse.errors import InputError

    with pytest.raises(InputError, match="fetched.jsonl: line 1"):
        compare_folder(tmp_path)
