"""Extraction: known items of the seed report and of our own fixtures, judged by GUIDELINES.md (what a
careful reader would extract), plus report fields, breaches and the library entry point."""
from __future__ import annotations

from pathlib import Path

import pytest

import cqcparse
from cqcparse import Item, Report, extract
from cqcparse import pipeline as pipeline_module
from cqcparse.readers.text import read_source
from cqcparse.readers.source import SourceText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "cpft-well-led-2025.txt"
HOLLYBANK = FIXTURES / "hollybank-homecare-2023.txt"
LARCHWOOD = FIXTURES / "larchwood-surgery-2025.txt"


@pytest.fixture(scope="module")
def seed(pipe) -> Report:
    return pipe.extract(SEED)


@pytest.fixture(scope="module")
def seed_sentences(segmented_source) -> list[str]:
    return segmented_source(read_source(SEED)).sentences


@pytest.fixture(scope="module")
def hollybank(pipe) -> Report:
    return pipe.extract(HOLLYBANK)


@pytest.fixture(scope="module")
def larchwood(pipe) -> Report:
    return pipe.extract(LARCHWOOD)


def one(items: list[Item], text: str) -> Item:
    found = [i for i in items if i.text == text]
    assert len(found) == 1, f"{text!r} found {len(found)} times in {[i.text for i in items]}"
    return found[0]


def texts(report: Report) -> dict[str, set[str]]:
    """Each sentence extracted, with the kinds it was extracted as."""
    out: dict[str, set[str]] = {}
    for i in report.items():
        out.setdefault(i.text, set()).add(i.kind)
    return out


# --- the seed report -------------------------------------------------------------------------------

def test_seed_report_fields(seed):
    assert seed.report.provider == "Cambridgeshire and Peterborough NHS Foundation Trust"
    assert seed.report.report_date == "2025-07-17"
    assert seed.format == "text" and seed.source == str(SEED)


@pytest.mark.parametrize(("text", "modality", "qs"), [
    ("The trust must ensure that the executive team have tailored support to develop in their roles.",
     "must", "capable_compassionate_inclusive_leaders"),
    ("Moving forwards the trust must ensure the stability of the leadership team, both the executive "
     "directors and non-executive directors.", "must", "capable_compassionate_inclusive_leaders"),
    ("The trust must take action to ensure Freedom to Speak Up processes are effective and must be able "
     "to clearly demonstrate that it has acted on concerns.", "must", "freedom_to_speak_up"),
    ("Succession planning had been previously lacking and needed to be prioritised.", "needs",
     "capable_compassionate_inclusive_leaders"),
])
def test_seed_actions(seed, text, modality, qs):
    item = one(seed.actions, text)
    assert item.modality == modality
    assert item.quality_statement == qs
    assert item.rules, "an item must say which rules decided it"


SEED_MUST = {
    "Moving forwards the trust must ensure the stability of the leadership team, both the executive directors "
    "and non-executive directors.",
    "The trust must ensure that the executive team have tailored support to develop in their roles.",
    "The trust must reset its external stakeholder relationships and agree with system partners its short and "
    "medium term priorities.",
    "The trust must ensure this clearly articulates the clinical strategy for physical and mental health "
    "services.",
    "The trust must take action to ensure Freedom to Speak Up processes are effective and must be able to "
    "clearly demonstrate that it has acted on concerns.",
}
SEED_NEEDS = {
    "Succession planning had been previously lacking and needed to be prioritised.",
    "The support from corporate services (finance, HR, data and insight) for individual directorates was "
    "variable and assurance processes across the directorates needed to be reviewed and strengthened.",
    "The trust needs an engagement plan and the visits to services by members of the board need to be "
    "embedded.",
    "Whilst action was taking place, the success of these interventions needed to be monitored.",
    "Whilst there were examples of quality improvement projects taking place this approach needs to be "
    "extended and embedded.",
    "Whilst action was being taken to promote environmental sustainability at the trust, there were concerns "
    "about sustainability being taken seriously by leaders, and more needed to be done to embed this in the "
    "organisation.",
}
# Borderline implied actions: extracting them is allowed, missing them too (GUIDELINES: optional items).
SEED_NEEDS_OPTIONAL = {
    "There was scope to bring together data from a range of sources to identify challenged services and "
    "potential closed cultures.",
    "Directorate leaders needed the capacity and capability to lean into the system working so they can be "
    "active partners in developing local services to meet the needs of the population.",
    "There is still a lot more to do to ensure that the draft equality, diversity and inclusion strategy is "
    "adopted, and meaningful changes take place which improve the equality and equity of staff and people who "
    "use services related to their protected characteristics under the Equality Act 2010.",
    "The lead made good use of the resources available, but this is an area needing further development across "
    "the organisation.",
    "The patient experience lead made excellent use of the resources available, but further support and "
    "development was needed for this to become embedded across the organisation.",
}


def test_seed_must_actions_are_exactly_the_requirements(seed):
    assert {i.text for i in seed.actions if i.modality == "must"} == SEED_MUST


def test_seed_has_no_should_actions(seed):
    assert [i.text for i in seed.actions if i.modality == "should"] == []


def test_seed_implied_actions(seed):
    needs = {i.text for i in seed.actions if i.modality == "needs"}
    assert SEED_NEEDS <= needs, SEED_NEEDS - needs
    assert needs <= SEED_NEEDS | SEED_NEEDS_OPTIONAL, needs - SEED_NEEDS - SEED_NEEDS_OPTIONAL


def test_seed_implied_action_without_a_modal_verb(seed):
    item = one(seed.actions, "The trust needs an engagement plan and the visits to services by members of "
                             "the board need to be embedded.")
    assert item.modality == "needs"


def test_seed_finding_that_is_also_an_action(seed):
    text = "Succession planning had been previously lacking and needed to be prioritised."
    finding, action = one(seed.findings, text), one(seed.actions, text)
    assert (finding.start, finding.end) == (action.start, action.end)
    assert finding.modality is None and action.modality == "needs"
    assert finding.id == f"finding-{finding.start:06d}" and action.id == f"action-{action.start:06d}"


def test_seed_must_action_stating_no_shortfall_is_not_a_finding(seed):
    text = "The trust must ensure that the executive team have tailored support to develop in their roles."
    assert texts(seed)[text] == {"action"}


@pytest.mark.parametrize(("text", "qs"), [
    ("The equality, diversity and inclusion team were passionate and engaged in their work.",
     "workforce_equality_diversity_inclusion"),
    ("The new chief executive had been well received both internally and externally.",
     "capable_compassionate_inclusive_leaders"),
    ("The board, executive directors and non-executive directors, were working together in a mutually "
     "respectful manner under the stewardship of the chair.", "capable_compassionate_inclusive_leaders"),
    ("The trust was making progress with its Green Plan and there was a clear direction moving forwards.",
     "environmental_sustainability"),
])
def test_seed_positives(seed, text, qs):
    item = one(seed.positives, text)
    assert item.quality_statement == qs
    assert text not in {i.text for i in seed.findings}


@pytest.mark.parametrize(("text", "qs"), [
    ("Staff reported that senior leaders were not visible.", "capable_compassionate_inclusive_leaders"),
    ("Staff continued to raise concerns about racial and disability discrimination at work.",
     "workforce_equality_diversity_inclusion"),
    ("Quality improvement at the trust appeared to have slowed.", "learning_improvement_innovation"),
    ("Significant numbers of staff didn\u2019t feel safe speaking up and do not feel assured about the "
     "independence of the speak up guardians.", "freedom_to_speak_up"),
])
def test_seed_findings(seed, text, qs):
    item = one(seed.findings, text)
    assert item.quality_statement == qs
    assert text not in {i.text for i in seed.positives}


@pytest.mark.parametrize("text", [
    "There was scope to bring together data from a range of sources to identify challenged services "
    "and potential closed cultures.",
    "The patient experience lead made excellent use of the resources available, but further support "
    "and development was needed for this to become embedded across the organisation.",
])
def test_seed_findings_that_mix_praise_or_suggest(seed, seed_sentences, text):
    assert text in seed_sentences
    assert "finding" in texts(seed).get(text, set())


@pytest.mark.parametrize("text", [
    "At the point of onsite inspection 39% of complaints were classed as overdue.",
    "A review of patient complaints highlighted significant delays in responding.",
])
def test_seed_findings_of_people_experience(seed, text):
    item = one(seed.findings, text)
    assert item.section == "People's experience of this service"


@pytest.mark.parametrize("text", [
    "The trust employs about 4500 staff.",
    "We assessed all 8 of the quality statements in the well-led key question in this assessment.",
    "We also held 18 staff focus groups on and off site and observed board and committee meetings between "
    "December 2024 and February 2025.",
])
def test_seed_background_and_method_are_not_items(seed, text):
    assert text not in texts(seed)


@pytest.mark.parametrize("text", [
    "The well-led review followed assessments of 3 of the trust\u2019s frontline mental health services "
    "(assessment service groups - ASGs): acute wards for adults, community mental health services for adults "
    "and crisis services and health-based places of safety.",
    "CQC carried out enhanced engagement during 2023 and 2024 with the trust looking at culture within the "
    "organisation.",
    "Concerns around significant and rapid changes within the trust executive team also prompted our well-led "
    "assessment.",
])
def test_seed_method_is_not_a_positive(seed, seed_sentences, text):
    assert text in seed_sentences
    assert "positive" not in texts(seed).get(text, set())


def test_seed_bullet_marks_and_headings_never_in_items(seed):
    titles = {s.title for s in seed.sections}
    for item in seed.items():
        assert not item.text.startswith(("-", "\u2022", "\u25cf")), item.text
        assert item.text not in titles
        assert item.text[0].isupper() or item.text[0].isdigit(), item.text


def test_seed_sections(seed):
    assert [(s.title, s.type) for s in seed.sections if s.type != "preamble"] == [
        ("Ratings - Well-led", "summary"), ("Our view of the service", "summary"),
        ("People's experience of this service", "people_experience")]
    assert seed.sections[-1].end == len(SEED.read_text(encoding="utf-8"))


def test_seed_items_are_sorted_and_unique(seed):
    items = seed.items()
    assert [(i.start, i.kind) for i in items] == sorted((i.start, i.kind) for i in items)
    assert len({i.id for i in items}) == len(items)
    for kind, group in (("finding", seed.findings), ("action", seed.actions), ("positive", seed.positives)):
        assert all(i.kind == kind for i in group)
        assert all((i.modality is not None) == (kind == "action") for i in group)


# --- our pre-2024 care-at-home fixture --------------------------------------------------------------

def test_hollybank_report_fields(hollybank):
    r = hollybank.report
    assert (r.provider, r.report_date, r.inspection_dates, r.overall_rating) == (
        "Hollybank Homecare Limited", "2023-11-14", ["2023-10-03"], "Requires improvement")
    assert r.ratings == {"safe": "Requires improvement", "effective": "Good", "caring": "Good",
                         "responsive": "Good", "well-led": "Requires improvement"}


def test_hollybank_breaches(hollybank):
    assert [(b.regulation, b.title, b.instrument, len(b.citations)) for b in hollybank.breaches] == [
        ("12", "Safe care and treatment", "HSCA (RA) Regulations 2014", 2),
        ("17", "Good governance", "HSCA (RA) Regulations 2014", 2)]
    text = HOLLYBANK.read_text(encoding="utf-8")
    for b in hollybank.breaches:
        for c in b.citations:
            assert c.text == " ".join(text[c.start:c.end].split())
    # a citation is the sentence (or table row) holding it, not the whole paragraph
    assert [c.text for c in hollybank.breaches[0].citations] == [
        "This was a breach of regulation 12 (Safe care and treatment) of the Health and Social Care Act 2008 "
        "(Regulated Activities) Regulations 2014.",
        "Regulation 12 HSCA RA Regulations 2014 Safe care and treatment"]


def test_hollybank_no_quality_statements_before_2024(hollybank):
    assert {i.quality_statement for i in hollybank.items()} == {None}


@pytest.mark.parametrize(("text", "kind", "key_question", "section"), [
    ("Medicines were not always managed safely.", "finding", None,
     "People's experience of using this service and what we found"),
    ("Carers used risk tools, e.g. the falls checklist, but these were not reviewed when people's needs "
     "changed.", "finding", None, "People's experience of using this service and what we found"),
    ("Risk assessments were out of date for 3 people.", "finding", None,
     "People's experience of using this service and what we found"),
    ("The registered manager was approachable and carers felt well supported.", "positive", None,
     "People's experience of using this service and what we found"),
    ("Risks to people were not always assessed.", "finding", "safe",
     "Assessing risk, safety monitoring and management"),
    ("People said carers were often late at weekends and they were not told when their carer would arrive.",
     "finding", "safe", "Assessing risk, safety monitoring and management"),
    ("The provider did not have effective systems to monitor the quality of care.", "finding", "well-led",
     "Our findings"),
    ("Audits had not identified the shortfalls we found.", "finding", "well-led", "Our findings"),
])
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
    assert (r.provider, r.report_date, r.overall_rating) == ("Larchwood Surgery", "2025-03-04",
                                                            "Requires improvement")
    assert r.quality_statement_scores == {"learning_culture": 3, "safeguarding": 2, "medicines_optimisation": 2}


def test_larchwood_quality_statement_sections(larchwood):
    qs = [(s.title, s.quality_statement) for s in larchwood.sections if s.type == "quality_statement"]
    assert qs == [("Learning culture", "learning_culture"), ("Safeguarding", "safeguarding"),
                  ("Medicines optimisation", "medicines_optimisation")]


@pytest.mark.parametrize(("text", "kinds", "modality", "qs"), [
    ("Safeguarding training was not up to date for 4 of the 9 clinical staff.", {"finding"}, None,
     "safeguarding"),
    ("The practice must ensure that all clinical staff complete safeguarding training at the level required "
     "for their role.", {"action"}, "must", "safeguarding"),
    ("Reviews of patients prescribed high-risk medicines were overdue.", {"finding"}, None,
     "medicines_optimisation"),
    ("The practice should review its recall system for patients on repeat prescriptions.", {"action"},
     "should", "medicines_optimisation"),
    ("Staff knew how to report incidents and were encouraged to do so.", {"positive"}, None,
     "learning_culture"),
])
def test_larchwood_heading_decides_the_quality_statement(larchwood, text, kinds, modality, qs):
    assert texts(larchwood).get(text) == kinds
    for item in larchwood.items():
        if item.text == text:
            assert (item.modality, item.quality_statement, item.key_question) == (modality, qs, "safe")


def test_larchwood_quoted_must_is_not_an_action(larchwood):
    assert not any("We must check every alert" in i.text for i in larchwood.actions)


@pytest.mark.parametrize("text", [
    "Larchwood Surgery is a GP practice serving about 7,200 patients in a market town.",
    "We assessed 3 quality statements in the safe key question.",
])
def test_larchwood_description_and_method_are_not_items(larchwood, text):
    assert text not in texts(larchwood)


# --- kinds and modality from context and from traps (GUIDELINES.md) ---------------------------------

def run(pipe, text: str) -> Report:
    return pipe.run(SourceText("<test>", "text", text))


def test_action_headings_set_the_modality(pipe):
    report = run(pipe, "Action the trust MUST take to improve\n- Ensure that staff complete mandatory training.\n"
                       "Action the trust SHOULD take to improve\n- Consider how to share learning from incidents.")
    assert [(i.text, i.modality) for i in report.actions] == [
        ("Ensure that staff complete mandatory training.", "must"),
        ("Consider how to share learning from incidents.", "should")]


def test_list_introduction_sets_the_kind_of_its_bullets(pipe):
    report = run(pipe, "Importantly, the trust must:\n- review the governance of its subsidiaries.\n"
                       "In addition the trust should:\n- publish its equality data.")
    assert [(i.text, i.modality) for i in report.actions] == [
        ("review the governance of its subsidiaries.", "must"), ("publish its equality data.", "should")]


@pytest.mark.parametrize(("text", "modality"), [
    ("The provider is required to submit an action plan by the end of the month.", "must"),
    ("The trust should consider how it shares learning across directorates.", "should"),
    ("More needed to be done to embed this in the organisation.", "needs"),
])
def test_action_modality(pipe, text, modality):
    assert [(i.text, i.modality) for i in run(pipe, text).actions] == [(text, modality)]


@pytest.mark.parametrize("text", [
    "Providers must have regard to it.",
    "We will consider whether any further regulatory action should be taken.",
    "An application must be made to the Court of Protection.",
    "One person told us, \u201cThe staff must ask me if I am ready.\u201d",
])
def test_law_policy_process_and_quotations_are_not_actions(pipe, text):
    assert run(pipe, text).actions == []


@pytest.mark.parametrize("text", [
    "The service was safe.",
    "Details are in our safe findings below.",
    "This key question has been rated good.",
    "We spoke with 13 staff.",
])
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
