"""Extraction: known items of the shipped sample report and of our own fixtures, judged by GUIDELINES.md
(what a careful reader would extract); the real seed report read from ../shared against its gold; report
fields, breaches and the library entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cqcparse
from cqcparse import Item, Report, extract
from cqcparse import pipeline as pipeline_module
from cqcparse.readers.source import SourceText
from cqcparse.readers.text import read_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "harbourside-nhs-ft-well-led-2025.txt"  # fictional, typeset for this project
SAMPLE_GOLD = FIXTURES / "harbourside-nhs-ft-well-led-2025.gold.json"  # its hand annotation (../shared/eval/gold)
SEED = "cpft-well-led-2025"  # the real seed report: read from ../shared, never copied into the project
HOLLYBANK = FIXTURES / "hollybank-homecare-2023.txt"
LARCHWOOD = FIXTURES / "larchwood-surgery-2025.txt"


@pytest.fixture(scope="module")
def sample(pipe) -> Report:
    return pipe.extract(SAMPLE)


@pytest.fixture(scope="module")
def sample_sentences(segmented_source) -> list[str]:
    return segmented_source(read_source(SAMPLE)).sentences


@pytest.fixture(scope="module")
def sample_gold() -> dict:
    return json.loads(SAMPLE_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_path(shared_dir) -> Path:
    return shared_dir / "reports" / f"{SEED}.txt"


@pytest.fixture(scope="module")
def seed(pipe, seed_path) -> Report:
    return pipe.extract(seed_path)


@pytest.fixture(scope="module")
def seed_gold(shared_dir) -> dict:
    return json.loads((shared_dir / "eval" / "gold" / f"{SEED}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hollybank(pipe) -> Report:
    return pipe.extract(HOLLYBANK)


@pytest.fixture(scope="module")
def larchwood(pipe) -> Report:
    return pipe.extract(LARCHWOOD)


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def one(items: list[Item], text: str) -> Item:
    found = [i for i in items if i.text == text]
    assert len(found) == 1, f"{text!r} found {len(found)} times in {[i.text for i in items]}"
    return found[0]


def sentence_key(text: str) -> str:
    """A sentence as gold quotes it: straight apostrophes and quotation marks, no closing full stop."""
    return text.translate(QUOTES).strip(" .;:")


def gold_sentences(gold: dict, kind: str, modality: str | None = None) -> tuple[set[str], set[str]]:
    """The gold items of one kind (and modality): the required sentences and the optional ones."""
    items = [g for g in gold["items"] if g["kind"] == kind and g.get("modality") == modality]
    return (
        {sentence_key(g["quote"]) for g in items if not g.get("optional")},
        {sentence_key(g["quote"]) for g in items if g.get("optional")},
    )


def texts(report: Report) -> dict[str, set[str]]:
    """Each sentence extracted, with the kinds it was extracted as."""
    out: dict[str, set[str]] = {}
    for i in report.items():
        out.setdefault(i.text, set()).add(i.kind)
    return out


# --- the shipped sample report (fictional, with its gold annotation) --------------------------------


def test_sample_report_fields(sample, sample_gold):
    assert sample.report.provider == sample_gold["report"]["provider"] == "Harbourside NHS Foundation Trust"
    assert sample.report.report_date == sample_gold["report"]["report_date"] == "2025-08-14"
    assert sample.format == "text" and sample.source == str(SAMPLE)


@pytest.mark.parametrize(
    ("text", "modality", "qs"),
    [
        (
            "The trust must ensure the board has timely and accurate assurance about the quality and safety of services "
            "at every site.",
            "must",
            "governance_management_sustainability",
        ),
        (
            "The trust must ensure that its Freedom to Speak Up guardian service is adequately resourced and that the "
            "board receives assurance that concerns raised by staff are acted on.",
            "must",
            "freedom_to_speak_up",
        ),
        (
            "The trust should introduce a central process for agreeing, recording and reviewing reasonable adjustments.",
            "should",
            "workforce_equality_diversity_inclusion",
        ),
        (
            "Succession planning for executive and senior roles was at an early stage and needed to be prioritised.",
            "needs",
            "capable_compassionate_inclusive_leaders",
        ),
    ],
)
def test_sample_actions(sample, text, modality, qs):
    item = one(sample.actions, text)
    assert item.modality == modality
    assert item.quality_statement == qs
    assert item.rules, "an item must say which rules decided it"


@pytest.mark.parametrize("modality", ["must", "should", "needs"])
def test_sample_actions_are_the_gold_actions(sample, sample_gold, modality):
    required, optional = gold_sentences(sample_gold, "action", modality)
    got = {sentence_key(i.text) for i in sample.actions if i.modality == modality}
    assert required, "the sample report has actions of every modality"
    assert required <= got, required - got
    assert got <= required | optional, got - required - optional


def test_sample_finding_that_is_also_an_action(sample):
    text = "Succession planning for executive and senior roles was at an early stage and needed to be prioritised."
    finding, action = one(sample.findings, text), one(sample.actions, text)
    assert (finding.start, finding.end) == (action.start, action.end)
    assert finding.modality is None and action.modality == "needs"
    assert finding.id == f"finding-{finding.start:06d}" and action.id == f"action-{action.start:06d}"


def test_sample_must_action_stating_no_shortfall_is_not_a_finding(sample):
    text = (
        "The trust must ensure the board has timely and accurate assurance about the quality and safety of "
        "services at every site."
    )
    assert texts(sample)[text] == {"action"}


@pytest.mark.parametrize(
    ("text", "qs"),
    [
        (
            "The chair and chief executive, both appointed in 2024, were highly regarded by staff and by system partners.",
            "capable_compassionate_inclusive_leaders",
        ),
        (
            "Staff we spoke with were proud to work for the trust and were committed to providing good care for their "
            "local communities.",
            "shared_direction_and_culture",
        ),
        (
            "The trust was an active and respected partner in the Alder Coast Integrated Care System.",
            "partnerships_and_communities",
        ),
        (
            "No member of the board we spoke with sought to minimise the concerns we raised, and the chief executive had "
            "commissioned an external review of speaking up in February 2025.",
            "freedom_to_speak_up",
        ),
    ],
)
def test_sample_positives(sample, text, qs):
    item = one(sample.positives, text)
    assert item.quality_statement == qs
    assert text not in {i.text for i in sample.findings}


@pytest.mark.parametrize(
    ("text", "qs"),
    [
        (
            "Staff working in community services and at Port Alder Hospital told us they rarely saw executive directors, "
            "and the programme of board visits to services had lapsed during 2024.",
            "capable_compassionate_inclusive_leaders",
        ),
        (
            "Only 52% of staff who responded to the 2024 NHS Staff Survey said they would feel secure raising concerns "
            "about unsafe clinical practice, which was below the national average for acute and community trusts.",
            "freedom_to_speak_up",
        ),
        (
            "The trust\u2019s Green Plan was due to expire and progress against it had not been reported to the board for "
            "over a year.",
            "environmental_sustainability",
        ),
        (
            "Learning from patient safety investigations was inconsistently shared between the 2 acute hospitals.",
            "learning_improvement_innovation",
        ),
    ],
)
def test_sample_findings(sample, text, qs):
    item = one(sample.findings, text)
    assert item.quality_statement == qs
    assert text not in {i.text for i in sample.positives}


@pytest.mark.parametrize(
    "text",
    [
        "The trust\u2019s strategy, Harbourside 2030, had been refreshed in 2024, but it was not underpinned by a "
        "clinical strategy and staff in many services could not describe how it related to their work.",
        "Board members told us the new report had improved their understanding of performance, although it did not "
        "yet include data on health inequalities.",
    ],
)
def test_sample_findings_that_mix_praise_and_shortfall(sample, sample_sentences, text):
    assert text in sample_sentences
    assert "finding" in texts(sample).get(text, set())


@pytest.mark.parametrize(
    "text",
    [
        "Waiting times for planned care had increased.",
        "Healthwatch reported that people found it difficult to contact the trust\u2019s outpatient booking service "
        "and that appointment letters were sometimes received after the appointment date.",
    ],
)
def test_sample_findings_of_people_experience(sample, text):
    item = one(sample.findings, text)
    assert item.section == "People's experience of this service"


@pytest.mark.parametrize(
    "text",
    [
        "It has around 1,050 inpatient beds and employs about 7,800 staff.",
        "We assessed all 8 quality statements in the well-led key question.",
        "We interviewed members of the board and senior leaders, held 22 focus groups with staff across both acute "
        "hospitals and community services, and observed meetings of the board and its committees.",
    ],
)
def test_sample_background_and_method_are_not_items(sample, sample_sentences, text):
    assert text in sample_sentences
    assert text not in texts(sample)


@pytest.mark.parametrize(
    "text",
    [
        "We carried out this well-led assessment between 10 February and 28 March 2025, including an onsite visit on "
        "11 to 13 March 2025.",
        "The assessment followed our assessments of urgent and emergency care and medical care at Kestrel Bay General "
        "Hospital in November 2024.",
        "We also took into account the results of the 2024 NHS Staff Survey and concerns raised with us by staff "
        "through our whistleblowing process.",
    ],
)
def test_sample_method_is_not_a_positive(sample, sample_sentences, text):
    assert text in sample_sentences
    assert "positive" not in texts(sample).get(text, set())


def test_sample_bullet_marks_and_headings_never_in_items(sample):
    titles = {s.title for s in sample.sections}
    for item in sample.items():
        assert not item.text.startswith(("-", "\u2022", "\u25cf")), item.text
        assert item.text not in titles
        assert item.text[0].isupper() or item.text[0].isdigit(), item.text


def test_sample_sections(sample):
    statements = [
        "Shared direction and culture",
        "Capable, compassionate and inclusive leaders",
        "Freedom to speak up",
        "Workforce equality, diversity and inclusion",
        "Governance, management and sustainability",
        "Partnerships and communities",
        "Learning, improvement and innovation",
        "Environmental sustainability \u2013 sustainable development",
    ]
    assert [(s.title, s.type) for s in sample.sections if s.type != "preamble"] == [
        ("Ratings - Well-led", "summary"),
        ("Our view of the service", "summary"),
        ("People's experience of this service", "people_experience"),
        *[
            pair
            for title in statements
            for pair in ((title, "quality_statement"), ("What people expect", "expectation"))
        ],
    ]
    *_, last_statement, expectation = sample.sections
    assert last_statement.end == len(SAMPLE.read_text(encoding="utf-8"))
    assert last_statement.start < expectation.start < expectation.end < last_statement.end


def test_sample_items_are_sorted_and_unique(sample):
    items = sample.items()
    assert [(i.start, i.kind) for i in items] == sorted((i.start, i.kind) for i in items)
    assert len({i.id for i in items}) == len(items)
    for kind, group in (("finding", sample.findings), ("action", sample.actions), ("positive", sample.positives)):
        assert all(i.kind == kind for i in group)
        assert all((i.modality is not None) == (kind == "action") for i in group)


# --- the real seed report, read from ../shared with its gold (never copied here) --------------------------


def test_seed_report_fields(seed, seed_gold):
    assert seed.report.provider == seed_gold["report"]["provider"]
    assert seed.report.report_date == seed_gold["report"]["report_date"]


@pytest.mark.parametrize(
    ("kind", "modality"),
    [("finding", None), ("positive", None), ("action", "must"), ("action", "should"), ("action", "needs")],
)
def test_seed_items_are_the_gold_items(seed, seed_gold, kind, modality):
    required, optional = gold_sentences(seed_gold, kind, modality)
    got = {sentence_key(i.text) for i in seed.items() if i.kind == kind and i.modality == modality}
    assert required <= got, required - got
    assert got <= required | optional, got - required - optional


def test_seed_must_actions_have_a_gold_quality_statement(seed, seed_gold):
    labels = {
        sentence_key(g["quote"]): g["quality_statements"]
        for g in seed_gold["items"]
        if g["kind"] == "action" and g.get("modality") == "must"
    }
    musts = [i for i in seed.actions if i.modality == "must"]
    assert musts and all(i.quality_statement in labels[sentence_key(i.text)] for i in musts)


def test_seed_sections(seed, seed_path):
    assert [(s.title, s.type) for s in seed.sections if s.type != "preamble"] == [
        ("Ratings - Well-led", "summary"),
        ("Our view of the service", "summary"),
        ("People's experience of this service", "people_experience"),
    ]
    assert seed.sections[-1].end == len(seed_path.read_text(encoding="utf-8"))


# --- our pre-2024 care-at-home fixture --------------------------------------------------------------


def test_hollybank_report_fields(hollybank):
    r = hollybank.report
    assert (r.provider, r.report_date, r.inspection_dates, r.overall_rating) == (
        "Hollybank Homecare Limited",
        "2023-11-14",
        ["2023-10-03"],
        "Requires improvement",
    )
    assert r.ratings == {
        "safe": "Requires improvement",
        "effective": "Good",
        "caring": "Good",
        "responsive": "Good",
        "well-led": "Requires improvement",
    }


def test_hollybank_breaches(hollybank):
    assert [(b.regulation, b.title, b.instrument, len(b.citations)) for b in hollybank.breaches] == [
        ("12", "Safe care and treatment", "HSCA (RA) Regulations 2014", 2),
        ("17", "Good governance", "HSCA (RA) Regulations 2014", 2),
    ]
    text = HOLLYBANK.read_text(encoding="utf-8")
    for b in hollybank.breaches:
        for c in b.citations:
            assert c.text == " ".join(text[c.start : c.end].split())
    # a citation is the sentence (or table row) holding it, not the whole paragraph
    assert [c.text for c in hollybank.breaches[0].citations] == [
        "This was a breach of regulation 12 (Safe care and treatment) of the Health and Social Care Act 2008 "
        "(Regulated Activities) Regulations 2014.",
        "Regulation 12 HSCA RA Regulations 2014 Safe care and treatment",
    ]


def test_hollybank_no_quality_statements_before_2024(hollybank):
    assert {i.quality_statement for i in hollybank.items()} == {None}


@pytest.mark.parametrize(
    ("text", "kind", "key_question", "section"),
    [
        (
            "Medicines were not always managed safely.",
            "finding",
            None,
            "People's experience of using this service and what we found",
        ),
        (
            "Carers used risk tools, e.g. the falls checklist, but these were not reviewed when people's needs "
            "changed.",
            "finding",
            None,
            "People's experience of using this service and what we found",
        ),
        (
            "Risk assessments were out of date for 3 people.",
            "finding",
            None,
            "People's experience of using this service and what we found",
        ),
        (
            "The registered manager was approachable and carers felt well supported.",
            "positive",
            None,
            "People's experience of using this service and what we found",
        ),
        (
            "Risks to people were not always assessed.",
            "finding",
            "safe",
            "Assessing risk, safety monitoring and management",
        ),
        (
            "People said carers were often late at weekends and they were not told when their carer would arrive.",
            "finding",
            "safe",
            "Assessing risk, safety monitoring and management",
        ),
        (
            "The provider did not have effective systems to monitor the quality of care.",
            "finding",
            "well-led",
            "Our findings",
        ),
        ("Audits had not identified the shortfalls we found.", "finding", "well-led", "Our findings"),
    ],
)
def test_hollybank_items(hollybank, text, kind, key_question, section):
    group = {"finding": hollybank.findings, "positive": hollybank.positives}[kind]
    item = one(group, text)
    assert (item.key_question, item.section) == (key_question, section)


def test_hollybank_quotation_is_evidence_not_an_item(hollybank):
    assert not any("Mum trusts" in t and not t.startswith("A relative said") for t in texts(hollybank))
    assert "A relative said, \u201cMum trusts them completely.\u201d" not in {i.text for i in hollybank.actions}


def test_hollybank_legal_boilerplate_is_not_an_action(hollybank):
    assert hollybank.actions == []


# --- our single assessment framework fixture --------------------------------------------------------


def test_larchwood_report_fields(larchwood):
    r = larchwood.report
    assert (r.provider, r.report_date, r.overall_rating) == ("Larchwood Surgery", "2025-03-04", "Requires improvement")
    assert r.quality_statement_scores == {"learning_culture": 3, "safeguarding": 2, "medicines_optimisation": 2}


def test_larchwood_quality_statement_sections(larchwood):
    qs = [(s.title, s.quality_statement) for s in larchwood.sections if s.type == "quality_statement"]
    assert qs == [
        ("Learning culture", "learning_culture"),
        ("Safeguarding", "safeguarding"),
        ("Medicines optimisation", "medicines_optimisation"),
    ]


@pytest.mark.parametrize(
    ("text", "kinds", "modality", "qs"),
    [
        ("Safeguarding training was not up to date for 4 of the 9 clinical staff.", {"finding"}, None, "safeguarding"),
        (
            "The practice must ensure that all clinical staff complete safeguarding training at the level required "
            "for their role.",
            {"action"},
            "must",
            "safeguarding",
        ),
        (
            "Reviews of patients prescribed high-risk medicines were overdue.",
            {"finding"},
            None,
            "medicines_optimisation",
        ),
        (
            "The practice should review its recall system for patients on repeat prescriptions.",
            {"action"},
            "should",
            "medicines_optimisation",
        ),
        ("Staff knew how to report incidents and were encouraged to do so.", {"positive"}, None, "learning_culture"),
    ],
)
def test_larchwood_heading_decides_the_quality_statement(larchwood, text, kinds, modality, qs):
    assert texts(larchwood).get(text) == kinds
    for item in larchwood.items():
        if item.text == text:
            assert (item.modality, item.quality_statement, item.key_question) == (modality, qs, "safe")


def test_larchwood_quoted_must_is_not_an_action(larchwood):
    assert not any("We must check every alert" in i.text for i in larchwood.actions)


@pytest.mark.parametrize(
    "text",
    [
        "Larchwood Surgery is a GP practice serving about 7,200 patients in a market town.",
        "We assessed 3 quality statements in the safe key question.",
    ],
)
def test_larchwood_description_and_method_are_not_items(larchwood, text):
    assert text not in texts(larchwood)


# --- kinds and modality from context and from traps (GUIDELINES.md) ---------------------------------


def run(pipe, text: str) -> Report:
    return pipe.run(SourceText("<test>", "text", text))


def test_action_headings_set_the_modality(pipe):
    report = run(
        pipe,
        "Action the trust MUST take to improve\n- Ensure that staff complete mandatory training.\n"
        "Action the trust SHOULD take to improve\n- Consider how to share learning from incidents.",
    )
    assert [(i.text, i.modality) for i in report.actions] == [
        ("Ensure that staff complete mandatory training.", "must"),
        ("Consider how to share learning from incidents.", "should"),
    ]


def test_list_introduction_sets_the_kind_of_its_bullets(pipe):
    report = run(
        pipe,
        "Importantly, the trust must:\n- review the governance of its subsidiaries.\n"
        "In addition the trust should:\n- publish its equality data.",
    )
    assert [(i.text, i.modality) for i in report.actions] == [
        ("review the governance of its subsidiaries.", "must"),
        ("publish its equality data.", "should"),
    ]


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("The provider is required to submit an action plan by the end of the month.", "must"),
        ("The trust should consider how it shares learning across directorates.", "should"),
        ("More needed to be done to share learning between the two hospitals.", "needs"),
        ("The provider needs a clearer plan for recruiting night staff.", "needs"),
    ],
)
def test_action_modality(pipe, text, modality):
    assert [(i.text, i.modality) for i in run(pipe, text).actions] == [(text, modality)]


@pytest.mark.parametrize(
    "text",
    [
        "Providers must have regard to it.",
        "We will consider whether any further regulatory action should be taken.",
        "Under the Mental Capacity Act, a decision made for a person who lacks capacity must be in their best interests.",
        "A relative told us, \u201cThe carers must always phone ahead.\u201d",
    ],
)
def test_law_policy_process_and_quotations_are_not_actions(pipe, text):
    assert run(pipe, text).actions == []


@pytest.mark.parametrize(
    "text",
    [
        "The service was safe.",
        "Details are in our safe findings below.",
        "This key question has been rated good.",
        "We spoke with 13 staff.",
    ],
)
def test_boilerplate_and_method_are_not_items(pipe, text):
    assert run(pipe, text).items() == []


# --- the library entry point --------------------------------------------------------------------------


def test_extract_returns_a_report_and_reuses_the_pipeline(monkeypatch, pipe):
    built = []

    def factory(*args, **kwargs):
        built.append((args, kwargs))
        return pipe

    monkeypatch.setattr(pipeline_module, "_DEFAULT", None)
    monkeypatch.setattr(pipeline_module, "Pipeline", factory)
    first = extract(LARCHWOOD)
    second = cqcparse.extract(str(LARCHWOOD))
    assert isinstance(first, Report) and isinstance(second, Report)
    assert len(built) == 1
    assert pipeline_module._DEFAULT is pipe
    assert first.model_dump(exclude={"source"}) == second.model_dump(exclude={"source"})


def test_extract_builds_the_default_pipeline_once():
    """Without monkeypatching: two calls, one shared Pipeline object."""
    extract(LARCHWOOD)
    first = pipeline_module._DEFAULT
    extract(LARCHWOOD)
    assert first is not None and pipeline_module._DEFAULT is first


def test_include_text(pipe):
    report = pipe.extract(LARCHWOOD, include_text=True)
    assert report.text == LARCHWOOD.read_text(encoding="utf-8")
    assert pipe.extract(LARCHWOOD).text is None
