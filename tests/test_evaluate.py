"""`evaluate`: the port of score.py gives score.py's numbers; the command runs the pipeline over a corpus."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqcparse.cli.app import app
from cqcparse.pipeline import Pipeline
from cqcparse.tools.evaluate import evaluate, score_report, similarity, summarise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLD = FIXTURES / "gold"
REPORTS = GOLD / "reports"
SCORE_PY = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"

runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline(pipe) -> Pipeline:
    return pipe


@pytest.fixture(scope="module")
def fixture_eval(pipeline):
    return evaluate(GOLD, REPORTS, pipeline)


def score_py(pred_dir: Path, gold_dir: Path) -> dict:
    if not SCORE_PY.exists():
        pytest.skip(f"reference scorer not found at {SCORE_PY}")
    out = subprocess.run(
        [sys.executable, str(SCORE_PY), "--json", str(pred_dir), str(gold_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def write_predictions(folder: Path, predictions: dict[str, dict]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, pred in predictions.items():
        (folder / f"{name}.json").write_text(json.dumps(pred), encoding="utf-8")
    return folder


def perturbed(predictions: dict[str, dict]) -> dict[str, dict]:
    """The same predictions with every kind of error score.py counts: items dropped and added, a wrong
    modality, quality statement and key question, a wrong report field and breach."""
    out = copy.deepcopy(predictions)
    brook, east = out["brookside-care-home-2020"], out["eastfield-trust-well-led-2025"]
    brook["findings"].pop(0)
    brook["positives"].append({"text": "We spoke with six members of staff.", "rules": ["x"]})
    brook["positives"][0]["key_question"] = "caring"
    brook["breaches"] = []
    brook["report"]["ratings"]["well-led"] = "Outstanding"
    east["actions"][0]["modality"] = "needs"
    east["actions"][0]["quality_statement"] = None
    east["findings"].append({"text": "Staff did not always feel safe to speak up"})  # a duplicate: extra
    east["findings"].append({"text": "we identified areas for improvement in 4 of the 8 quality statements."})
    east["report"]["quality_statement_scores"] = {}
    return out


def test_the_fixture_gold_exercises_misses_and_label_errors(fixture_eval):
    s = fixture_eval.summary
    # the fixture's plain-practice positive ("Audits were completed every month...") is now found by the
    # default polarity (GUIDELINES.md: plain practice is a strength), so the misses left are findings
    assert s["finding"]["fn"] >= 1
    assert s["quality_statement_accuracy"] < 1
    assert fixture_eval.skipped == [] and s["missing_predictions"] == []


@pytest.mark.parametrize("variant", ["as extracted", "perturbed"])
def test_numbers_equal_score_py(fixture_eval, tmp_path, variant):
    predictions = fixture_eval.predictions if variant == "as extracted" else perturbed(fixture_eval.predictions)
    want = score_py(write_predictions(tmp_path / "pred", predictions), GOLD)
    per_report = {
        name: score_report(pred, json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8")))
        for name, pred in predictions.items()
    }
    got = summarise(per_report, [])
    assert got == want
    if variant == "as extracted":
        assert fixture_eval.summary == want


def test_missing_or_unreadable_inputs(pipeline, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "brookside-care-home-2020.txt").write_text("  \n", encoding="utf-8")  # empty: cannot be read
    ev = evaluate(GOLD, reports, pipeline)
    assert ev.skipped == ["eastfield-trust-well-led-2025"]
    [missing] = ev.summary["missing_predictions"]
    assert missing.startswith("brookside-care-home-2020.txt (") and "is empty" in missing
    want = score_py(
        write_predictions(tmp_path / "pred", {"brookside-care-home-2020": {}}),
        _only(GOLD / "brookside-care-home-2020.json", tmp_path / "gold"),
    )
    assert {k: v for k, v in ev.summary.items() if k != "missing_predictions"} == {
        k: v for k, v in want.items() if k != "missing_predictions"
    }


def _only(gold_file: Path, folder: Path) -> Path:
    folder.mkdir()
    (folder / gold_file.name).write_text(gold_file.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("pred", "gold", "score"),
    [
        ("The trust must act.", "the trust must act", 1.0),
        ("- The trust must act;", "The trust must act.", 1.0),
        (
            "Staff were kind, and the registered manager made sure every person living at the home had a named "
            "keyworker",
            "Staff were kind",
            0.0,
        ),  # the gold is in it, but it is far longer
        ("Staff were kind", "Staff were kind and caring", 0.0),  # too short a prediction
        ("Medicines were not stored safely", "Medicines were not stored safely at all", 0.8 + 0.1 * 32 / 39),
        ("self-\nadminister their medicines", "selfadminister their medicines", 1.0),
    ],
)
def test_similarity(pred, gold, score):
    assert similarity(pred, gold) == pytest.approx(score)


def test_optional_gold_items_neither_required_nor_counted():
    gold = {
        "report": {},
        "items": [
            {"kind": "finding", "quote": "A was late", "optional": True},
            {"kind": "finding", "quote": "B was missing"},
        ],
    }
    r = score_report({"findings": [{"text": "A was late."}]}, gold)["finding"]
    assert (r["tp"], r["fp"], r["fn"]) == (0, 0, 1)
    assert r["misses"] == ["B was missing"]


# -- the command --------------------------------------------------------------------------------------


def test_evaluate_json_is_the_library_result(fixture_eval):
    result = runner.invoke(app, ["evaluate", str(GOLD), "--inputs", str(REPORTS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["txt"]
    assert data["txt"]["summary"] == fixture_eval.summary
    assert set(data["txt"]["reports"]) == {"brookside-care-home-2020", "eastfield-trust-well-led-2025"}


def test_evaluate_table_and_verbose_lists_with_rule_ids(tmp_path):
    # a quotation with its speaker is not evidence (GUIDELINES.md); switching that statement type off lets
    # the user's cue make it an extra finding
    (tmp_path / "extra.yaml").write_text(
        "rules:\n  - {id: test.extra, kind: finding, phrases: [relative said]}\n"
        "  - {id: type.quotation, enabled: false}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", str(GOLD), "--inputs", str(REPORTS), "-v", "--rules", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("finding", "action", "positive", "quality statement accuracy", "report fields 12/12"):
        assert text in out
    # the plain-practice positive "Audits were completed every month..." is found now (default polarity)
    assert "missed finding: Leaders needed to act on concerns more quickly" in out
    assert "extra  finding: One relative said," in out and "[test.extra]" in out
    assert (
        "wrong quality_statement on finding: want ['governance_management_sustainability'], got "
        "capable_compassionate_inclusive_leaders" in out
    )


def test_evaluate_formats_without_inputs_and_bad_gold(tmp_path):
    result = runner.invoke(app, ["evaluate", str(GOLD), "--inputs", str(REPORTS), "--ext", "txt,pdf"])
    assert result.exit_code == 0, result.output
    assert "no gold file has a .pdf input" in result.stdout
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    bad = runner.invoke(app, ["evaluate", str(tmp_path), "--inputs", str(REPORTS)])
    assert bad.exit_code == 1
    assert bad.stderr.startswith(f"Error: {tmp_path / 'broken.json'}: is not JSON")
    assert runner.invoke(app, ["evaluate", str(GOLD), "--inputs", str(tmp_path / "none")]).exit_code == 1
