"""Report facts and breaches: one row per phrasing the fact and breach rules read (text -> field -> value),
on sentences written for these tests, plus where each fact came from and the rules' running time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cqcparse.analysis.rules import load_rules
from cqcparse.readers.source import SourceText
from cqcparse.records import Report
from cqcparse.tools.explain import explain
from cqcparse.tools.review import build_review

HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "heldout"


def run(pipe, text: str) -> Report:
    return pipe.run(SourceText("<test>", "text", text))


def field(report: Report, path: str):
    """'ratings.safe' -> report.report.ratings['safe']; 'breaches' -> the breached regulation numbers."""
    if path == "breaches":
        return [b.regulation for b in report.breaches]
    name, _, key = path.partition(".")
    value = getattr(report.report, name)
    return value.get(key) if key else value


FACTS = [
    # overall rating
    ("Thistledown Lodge\nOverall: Good\nAbout the service", "overall_rating", "Good"),
    ("Brackley Vale NHS Trust\nOverall trust quality rating Inadequate", "overall_rating", "Inadequate"),
    (
        "Hazelmere Surgery\nThis practice is rated as Requires improvement overall. (Previous rating March 2017 – Good)",
        "overall_rating",
        "Requires improvement",
    ),
    (
        "12 May 2021\nWe rated it as requires improvement because:\n- Staff did not always check the vehicles.",
        "overall_rating",
        "Requires improvement",
    ),
    (
        "Northgate Hospital\nOverall rating for this service Requires improvement",
        "overall_rating",
        "Requires improvement",
    ),
    ("Rowan House\nInspection report\nOverall rating for this service Good –––", "overall_rating", "Good"),
    ("Rowan House\nOverall rating for this service\nOutstanding", "overall_rating", "Outstanding"),
    (
        "Overall, we rated the trust as requires improvement. We rated it good for caring.",
        "overall_rating",
        "Requires improvement",
    ),
    ("The overall rating for this home is inadequate.", "overall_rating", "Inadequate"),
    (
        "We have updated the overall rating for this practice, which is now outstanding.",
        "overall_rating",
        "Outstanding",
    ),
    ("At our last inspection the service was rated good overall.", "overall_rating", None),
    (
        "The service met the characteristics of a 'Requires improvement' rating in all areas.",
        "overall_rating",
        "Requires improvement",
    ),
    (
        "The overall rating for this service is 'Inadequate' and the service is in special measures.",
        "overall_rating",
        "Inadequate",
    ),
    ("Thornby Surgery\nOverall rating for this GP practice: Outstanding", "overall_rating", "Outstanding"),
    (
        "Our rating for this location has gone down from good to requires improvement.",
        "overall_rating",
        "Requires improvement",
    ),
    ("Our rating for this key question has gone down from good to requires improvement.", "overall_rating", None),
    ("Our rating of services went down. We rated them as inadequate because:", "overall_rating", "Inadequate"),
    # key question ratings
    (
        "Are services safe? – Good\nAre services well-led? - Requires improvement",
        "ratings.well-led",
        "Requires improvement",
    ),
    ("Is the service effective? Inadequate –––", "ratings.effective", "Inadequate"),
    ("We rated safe as requires improvement because:\n- Checks were missed.", "ratings.safe", "Requires improvement"),
    ("We again rated the surgery as inadequate for providing a caring service.", "ratings.caring", "Inadequate"),
    (
        "The practice is rated as good for providing effective, caring and well-led services.",
        "ratings.well-led",
        "Good",
    ),
    ("The practice is rated as good for providing effective, caring and well-led services.", "ratings.caring", "Good"),
    ("Overall, the practice is rated as requires improvement.", "overall_rating", "Requires improvement"),
    # publication date (UK numeric dates are day first)
    ("Date of publication: 20/06/2019", "report_date", "2019-06-20"),
    ("Date of publication: 05/10/2015", "report_date", "2015-10-05"),
    ("Date of publication:\n3rd May 2018", "report_date", "2018-05-03"),
    ("Published 12 September 2019", "report_date", "2019-09-12"),
    ("Date of publication: 05/10/15", "report_date", "2015-10-05"),
    ("Report from 17 July 2025 assessment", "report_date", "2025-07-17"),
    ("Updated 5 July 2016\nLetter from the Chief Inspector of General Practice", "report_date", None),
    # provider: the name as the title gives it
    ("Archived: Thistledown Residential Home\nOverall: Inadequate", "provider", "Thistledown Residential Home"),
    (
        "Updated 5 July 2016\nLetter from the Chief Inspector of General Practice\nYou can read our earlier report by "
        "selecting the 'all reports' link for Brambles Medical Centre on our website.",
        "provider",
        "Brambles Medical Centre",
    ),
    (
        "Our current view of the service\nUpdated\n3 March 2024\nDate of assessment 4 to 8 March 2024. Rowan Court is "
        "a care home for 30 people.",
        "provider",
        "Rowan Court",
    ),
    (
        "This practice is rated as Outstanding overall.\nWe carried out an announced comprehensive inspection at Fernside "
        "Surgery on 2 May 2018 as part of our programme.",
        "provider",
        "Fernside Surgery",
    ),
    ("During an inspection of Urgent and emergency services\nThe centre opens every day.", "provider", None),
    ("Kestrel Court\nOverall: Good\nProvided and run by:\nFernway Care Ltd", "registered_provider", "Fernway Care Ltd"),
    ("Location ID: 1-123456789\nProvider ID: RXT", "location_id", "1-123456789"),
    ("Location ID: 1-123456789\nProvider ID: RXT", "provider_id", "RXT"),
    # report type and service type
    (
        "During an inspection of Urgent and emergency services\nThe centre opens every day.",
        "report_type",
        "core_service",
    ),
    (
        "During an inspection of Urgent and emergency services\nThe centre opens every day.",
        "service_type",
        "Urgent and emergency services",
    ),
    ("Kingfisher Care\nKingfisher Care Ltd is a domiciliary care agency in Thornby.", "report_type", "home_care"),
    ("Swiftline Medical is an independent ambulance service based in Thornby.", "report_type", "ambulance"),
    ("Elm Ward provides psychiatric intensive care for men.", "report_type", "mental_health"),
    ("The Larches is an independent hospital providing day surgery.", "report_type", "independent_health"),
    ("Thistledown is a residential care home for 20 people.", "service_type", "residential care home"),
    ("- GP PRACTICE\nThornby Surgery", "service_type", "GP practice"),
    ("- GP PRACTICE\nThornby Surgery", "provider", "Thornby Surgery"),
    ("Thornby Surgery is a GP practice serving 6,000 patients.", "report_type", "gp_practice"),
    # breaches
    (
        "We have identified breaches in relation to safe care and treatment, safeguarding and good governance.",
        "breaches",
        ["12", "13", "17"],
    ),
    (
        "Inspectors found breaches of the legal regulations relating to staffing and the recruitment of staff.",
        "breaches",
        ["18", "19"],
    ),
    (
        "We found breaches of regulations 12 (Safe care and treatment), 17 (Good governance) and 18 (Staffing).",
        "breaches",
        ["12", "17", "18"],
    ),
    (
        "Regulated activity Regulation\nPersonal care Regulation 12 HSCA (RA)\nRegulations 2014 Safe care and\ntreatment",
        "breaches",
        ["12"],
    ),
    ("Treatment of disease, disorder or injury Regulation 18 HSCA (RA) Regulations 2014 Staffing", "breaches", ["18"]),
    ("We served a Section 29A warning notice on the trust in relation to good governance.", "breaches", ["17"]),
    ("We identified breaches of Regulation 12 and Regulation 17.", "breaches", ["12", "17"]),
    ("The provider was not meeting the requirements of regulation 16.", "breaches", ["16"]),
    (
        "At our last inspection the provider was in breach of regulation 18 (Staffing). Enough improvement had been "
        "made and the provider was no longer in breach of regulation 18.",
        "breaches",
        [],
    ),
    ("At our last inspection we found breaches in relation to staffing and good governance.", "breaches", []),
    (
        "At our last inspection this was a breach of regulation 9 (Person-centred care). This was a breach of "
        "regulation 12. The provider was no longer in breach of regulations 9 and 17.",
        "breaches",
        ["12"],
    ),
    (
        "The trust met the duty of candour. Regulation 20 (Duty of candour) was met. Fit and proper persons checks "
        "had been carried out for every director.",
        "breaches",
        [],
    ),
]


@pytest.mark.parametrize(("text", "path", "value"), FACTS, ids=[f"{p}-{n}" for n, (_, p, _) in enumerate(FACTS)])
def test_fact_phrasing(pipe, text, path, value):
    assert field(run(pipe, text), path) == value


SCORES = [
    ("Score: 2 – Evidence shows some shortfalls", 2),
    ("Score 2 of 4 – some shortfalls", 2),
    ("Score 3: evidence shows a good standard", 3),
    ("Quality statement score: 3 (a good standard)", 3),
    ("Our score for this quality statement is 1", 1),
    ("Our score: 2 (evidence shows some shortfalls)", 2),
    ("The score for this quality statement is 4 – evidence shows an exceptional standard", 4),
    ("We scored this quality statement 2 out of 4: evidence shows some shortfalls", 2),
    ("Evidence shows significant shortfalls", 1),
]


@pytest.mark.parametrize(
    "heading, qs",
    [
        ("Safeguarding", "safeguarding"),
        ("Equity in access", "equity_in_access"),
        ("Freedom to speak up", "freedom_to_speak_up"),
        ("Assessing needs", "assessing_needs"),
    ],
)
@pytest.mark.parametrize(("line", "score"), SCORES)
def test_quality_statement_score_under_its_heading(pipe, heading, qs, line, score):
    text = (
        f"Rowan Court\nReport from 2 May 2025 assessment\nRatings\nOverall Good\n{heading}\n{line}\n"
        "We expect providers to do this well.\nStaff knew the people they supported.\nLearning culture\n"
        "Staff reported incidents and learned from them.\n"
    )
    assert run(pipe, text).report.quality_statement_scores == {qs: score}


def test_quality_statement_scores_from_a_score_table(pipe):
    text = (
        "Rowan Court\nReport from 2 May 2025 assessment\nSafe\nGood\nQuality statement Score\n"
        "Learning culture 3\nSafe and effective staffing 2\nStaff completed 3\nLearning culture\n"
        "Staff reported incidents and learned from them.\nEffective\nGood\nQuality statement Score\n"
        "How staff, teams and services work together 4\n"
    )
    report = run(pipe, text).report
    assert report.quality_statement_scores == {
        "learning_culture": 3,
        "safe_and_effective_staffing": 2,
        "how_staff_teams_and_services_work_together": 4,
    }
    source = report.fact_sources["quality_statement_scores.safe_and_effective_staffing"]
    assert (source.rule, source.text) == ("fact.score.table-row", "Safe and effective staffing 2")
    assert text[source.start : source.end] == "Safe and effective staffing 2"


@pytest.mark.parametrize(
    ("block", "provider", "registered"),
    [
        (
            "Ashgrove Community Support\nAshgrove Care Services Limited\n",
            "Ashgrove Community Support",
            "Ashgrove Care Services Limited",
        ),
        ("Fernhollow Care Limited\nOakfield Care Home\n", "Oakfield Care Home", "Fernhollow Care Limited"),
        ("Arreta Home Care Limited\nArreta Home Care Limited\n", "Arreta Home Care Limited", None),
    ],
)
def test_title_block_location_and_company_in_either_order(pipe, block, provider, registered):
    report = run(pipe, f"{block}Inspection report\n12 Mill Lane\nDate of publication: 26 October 2017\n").report
    assert (report.provider, report.registered_provider) == (provider, registered)


def test_unrated_dental_report_has_no_rating(pipe):
    r = run(
        pipe,
        "Ferncliffe Dental Care\nInspection report\nFerncliffe Dental Care is a general dental practice in "
        "Ashby.\nAre services safe?\nWe found that this practice was providing safe care in accordance "
        "with the relevant regulations. Staff were rated as good by patients.\n",
    )
    assert (r.report.report_type, r.report.overall_rating, r.report.ratings) == ("dental", None, {})


def test_breach_titles_and_instruments(pipe):
    r = run(
        pipe,
        "We found breaches of regulations 12 (Safe care) and 17. The provider was in breach of regulation "
        "18 of the Care Quality Commission (Registration) Regulations 2009.",
    )
    assert [(b.regulation, b.title, b.instrument) for b in r.breaches] == [
        ("18", "Notification of other incidents", "CQC (Registration) Regulations 2009"),
        ("12", "Safe care and treatment", "HSCA (RA) Regulations 2014"),
        ("17", "Good governance", "HSCA (RA) Regulations 2014"),
    ]


def test_every_fact_says_where_it_came_from(pipe):
    text = (
        "Archived: Thistledown Residential Home\nOverall: Inadequate\nProvided and run by:\nFernway Care Ltd\n"
        "Date of publication: 05/10/2015\nIs the service safe? Inadequate –––\n"
    )
    r = run(pipe, text)
    sources = r.report.fact_sources
    assert {k: (s.rule, s.text, s.page) for k, s in sources.items()} == {
        "provider": ("fact.provider.first-line", "Archived: Thistledown Residential Home", None),
        "overall_rating": ("fact.overall.web-page", "Overall: Inadequate", None),
        "registered_provider": ("fact.registered-provider.provided-by", "Provided and run by: Fernway Care Ltd", None),
        "location": ("fact.provider.first-line", "Archived: Thistledown Residential Home", None),
        "report_date": ("fact.date.publication", "Date of publication: 05/10/2015", None),
        "ratings.safe": ("fact.rating.key-question-question", "Is the service safe? Inadequate", None),
        "report_type": ("fact.type.asc-kloe", "Is the service safe?", None),
    }
    for s in sources.values():
        assert " ".join(text[s.start : s.end].split()) == s.text


def test_fact_sources_carry_the_pdf_page(pipe):
    r = pipe.extract(HELDOUT / "kingsmead-mental-health-trust-2017.pdf")
    assert r.report.fact_sources["provider"].page == 1
    assert r.report.fact_sources["provider"].text == r.report.provider
    assert r.report.fact_sources["report_date"].text == "Date of publication: 21 September 2017"
    assert all(s.page is not None for s in r.report.fact_sources.values())


# Whitespace-heavy and repetitive texts on which a regex with nested quantifiers over whitespace backtracks
# for seconds (the old fact.registered-provider.above-title took about 8 s on the first).
HOSTILE = {
    "lines of spaces": "x" + (" " * 40 + "\n") * 4000 + "Inspection",
    "spaces and tabs": "Overall rating " + " \t" * 20000 + "x",
    "blank lines": "a\n" + "\n \n" * 10000,
    "a title list": "breaches in relation to " + "care, " * 3000,
    "a number list": "breaches of regulations " + "12 (a), " * 3000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_fact_and_breach_rules_run_in_linear_time(name):
    text = HOSTILE[name]
    for r in load_rules().of("fact", "breach"):
        start = time.perf_counter()
        list(r.compiled().finditer(text))
        assert time.perf_counter() - start < 1.0, r.id


def test_explain_points_at_the_facts_a_text_gave(pipe):
    src = SourceText("<test>", "text", "Archived: Thistledown Residential Home\nOverall: Inadequate\n")
    facts = explain(pipe, src, "overall").facts
    assert [(f.field, f.value, f.rule, f.start, f.end) for f in facts] == [
        ("overall_rating", "Inadequate", "fact.overall.web-page", 39, 58)
    ]


def test_review_page_shows_where_a_fact_came_from(pipe):
    text = "Archived: Thistledown Residential Home\nOverall: Inadequate\nStaff were kind to people.\n"
    page = build_review(pipe.run(SourceText("<test>", "text", text), include_text=True))
    assert (
        '<dd title="read from: Archived: Thistledown Residential Home (rule fact.provider.first-line, '
        'characters 0-38)">Thistledown Residential Home</dd>'
    ) in page


def test_schema_has_the_new_report_fields():
    props = Report.model_json_schema()["$defs"]["ReportFacts"]["properties"]
    assert {"location_id", "provider_id", "service_type", "registered_provider", "fact_sources"} <= set(props)
