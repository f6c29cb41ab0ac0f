"""One test per report layout, on fixtures written for this project (fixtures/heldout: reports we wrote
and annotated, never tuned on sentence by sentence), plus an unknown layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqcparse.readers.source import SourceText
from cqcparse.tools.evaluate import evaluate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HELDOUT = FIXTURES / "heldout"

LAYOUTS = {
    # name: (report_type, what the layout brings)
    "brookfield-homecare-2025": "home_care",  # single assessment framework, scores in 3 phrasings
    "kingsmead-mental-health-trust-2017": "nhs_trust_quality_report",  # MUST/SHOULD lists, requirement notices
    "elmstead-nursing-home-2018": "adult_social_care",  # "Is the service safe?" sections, breaches
}


@pytest.fixture(scope="module", params=["txt", "pdf", "html"])
def heldout(request, pipe):
    return evaluate(HELDOUT / "gold", HELDOUT, pipe, ext=request.param)


def test_every_layout_and_format_meets_the_bars(heldout):
    s = heldout.summary
    assert not s["missing_predictions"] and not heldout.skipped
    for kind in ("finding", "action", "positive"):
        assert s[kind]["f1"] >= 0.85, (heldout.ext, kind, s[kind])
    assert s["action"]["modality_accuracy"] == 1.0
    assert s["key_question_accuracy"] == 1.0


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_report_field_of_every_layout(heldout, name):
    fields = heldout.reports[name]["report"]
    assert fields["misses"] == [], (heldout.ext, name)
    assert heldout.predictions[name]["report"]["report_type"] == LAYOUTS[name]


def test_scores_in_every_phrasing(pipe):
    r = pipe.extract(HELDOUT / "brookfield-homecare-2025.txt")
    assert len(r.report.quality_statement_scores) == 13
    assert set(r.report.quality_statement_scores.values()) <= {1, 2, 3, 4}


def test_requirement_notices_and_previous_breaches(pipe):
    kingsmead = pipe.extract(HELDOUT / "kingsmead-mental-health-trust-2017.pdf")
    assert [b.regulation for b in kingsmead.breaches] == ["12", "18"]
    assert all(b.instrument == "HSCA (RA) Regulations 2014" and b.title for b in kingsmead.breaches)
    assert all(c.page is not None for b in kingsmead.breaches for c in b.citations)
    elmstead = pipe.extract(HELDOUT / "elmstead-nursing-home-2018.txt")
    assert [b.regulation for b in elmstead.breaches] == ["17"]  # 18 was breached before, no longer


def test_nhs_trust_well_led_web_page(pipe):
    r = pipe.extract(FIXTURES / "harbourside-nhs-ft-well-led-2025.html")
    assert r.report.report_type == "nhs_trust_well_led"
    assert r.report.quality_statement_scores["freedom_to_speak_up"] == 1
    qs_sections = [s.quality_statement for s in r.sections if s.type == "quality_statement"]
    assert len(qs_sections) == 8
    # under a quality statement heading, the heading decides the label
    a = next(i for i in r.actions if i.text.startswith("The trust should introduce a central process"))
    assert (a.modality, a.quality_statement) == ("should", "workforce_equality_diversity_inclusion")


def test_older_trust_quality_report(pipe):
    r = pipe.extract(FIXTURES / "millbrook-acute-trust-quality-report-2016.txt")
    assert r.report.ratings == {
        "safe": "Requires improvement",
        "effective": "Good",
        "caring": "Good",
        "responsive": "Requires improvement",
        "well-led": "Requires improvement",
    }
    assert r.report.service_ratings["Wrenfield Community Hospital: Medical care"] == "Good"
    assert r.report.service_ratings["Millbrook General Hospital: Medical care"] == "Requires improvement"
    ensure = [a for a in r.actions if a.text.startswith("Ensure")]
    # the heading or list introduction sets the modality, even for a bullet that starts "Ensure..."
    assert ensure and all(a.rules[0].startswith(("heading.action-", "context.")) for a in ensure)
    assert {a.modality for a in ensure} == {"must", "should"}
    assert all(i.quality_statement is None for i in r.items())  # no quality statements before 2024


UNKNOWN = """Riverside Dental Studio
Review of dental care, March 2027
Findings of the review panel
The review panel visited the studio on 2 March 2027.
Patients told us the dentists explained their treatment clearly and they felt listened to.
Sterilisation records were not always completed, and 2 of the 5 autoclave checks we looked at were overdue.
Improvement required
The provider must ensure that sterilisation checks are recorded every day.
Leaders needed to review how staff are trained in infection control.
"""


def test_unknown_layout_still_gives_sentences_and_items(pipe):
    r = pipe.run(SourceText(path="unknown.txt", format="text", text=UNKNOWN))
    kinds = {(i.kind, i.text.split()[0]) for i in r.items()}
    assert ("positive", "Patients") in kinds
    assert ("finding", "Sterilisation") in kinds
    assert ("action", "The") in kinds and ("action", "Leaders") in kinds
    assert {a.modality for a in r.actions} == {"must", "needs"}
    assert r.report.provider == "Riverside Dental Studio"
    assert all(UNKNOWN[i.start : i.end] == i.text for i in r.items())
