"""Labels: quality statements from topic rules where no statement heading decides (2024+ assessments),
key questions and no quality statements before 2024. All texts are written for these tests."""

from __future__ import annotations

import pytest

from cqcparse.analysis.labels import best_topic, carries_over
from cqcparse.pipeline import Pipeline, assessed_key_questions, uses_quality_statements
from cqcparse.readers.source import SourceText

SAF_OPENING = "Our current view of the service\nDate of assessment 3 to 14 February 2025.\n"


def structure(pipe: Pipeline, text: str):
    return pipe.structure(SourceText(path="<test>", format="text", text=text))


def label_of(pipe: Pipeline, text: str, sentence: str) -> str | None:
    found = [a for a in structure(pipe, text).analysed if a.text == sentence]
    assert len(found) == 1, [a.text for a in structure(pipe, text).analysed]
    return found[0].decision.quality_statement


@pytest.mark.parametrize(
    ("sentence", "qs"),
    [
        ("Medicines were not always given at the times they were prescribed.", "medicines_optimisation"),
        ("Staff wore personal protective equipment and the home was clean.", "infection_prevention_and_control"),
        ("There were not enough staff on duty at night to meet people's needs.", "safe_and_effective_staffing"),
        ("Care visits were often late and some were shorter than planned.", "safe_and_effective_staffing"),
        ("Staff knew how to recognise and report abuse.", "safeguarding"),
        ("Risk assessments for people at risk of falls had not been reviewed.", "involving_people_to_manage_risks"),
        ("Fire doors were wedged open and equipment had not been serviced.", "safe_environments"),
        ("Staff reported incidents and lessons learned were shared at team meetings.", "learning_culture"),
        (
            "Referrals to the hospital were followed up and test results were acted on.",
            "safe_systems_pathways_and_transitions",
        ),
        (
            "Mental capacity assessments had not been completed for decisions about care.",
            "consent_to_care_and_treatment",
        ),
        (
            "Staff worked well with district nurses and other health professionals.",
            "how_staff_teams_and_services_work_together",
        ),
        ("Uptake of cervical screening was below the national target.", "supporting_people_to_live_healthier_lives"),
        ("Care followed national guidance and best practice.", "delivering_evidence_based_care_and_treatment"),
        ("Staff spoke to people kindly and respected their privacy and dignity.", "kindness_compassion_and_dignity"),
        ("People were supported to do as much as they could for themselves.", "independence_choice_and_control"),
        ("Staff promoted staff wellbeing and the workload was manageable.", "workforce_wellbeing_and_enablement"),
        ("Care plans said how each person liked to spend the morning.", "person_centred_care"),
        ("People had a regular team of care workers who knew them well.", "care_provision_integration_and_continuity"),
        (
            "Complaints were investigated and people were involved in decisions about their care.",
            "listening_to_and_involving_people",
        ),
        ("Patients could get an appointment on the same day.", "equity_in_access"),
        ("Advance care plans recorded people's wishes for the end of their lives.", "planning_for_the_future"),
        ("The provider's audits had not identified the gaps in care records.", "governance_management_sustainability"),
        (
            "Leadership was not yet stable because the registered manager had left.",
            "capable_compassionate_inclusive_leaders",
        ),
        ("Staff said they were afraid to speak up about poor practice.", "freedom_to_speak_up"),
        ("The service worked with the local authority and community groups.", "partnerships_and_communities"),
    ],
)
def test_topic_rules_label_a_sentence_without_a_statement_heading(pipe, sentence, qs):
    assert label_of(pipe, SAF_OPENING + sentence + "\n", sentence) == qs


def test_a_saf_web_opening_without_headings_gets_topic_labels(pipe):
    text = (
        "During an assessment of Homecare agencies\n"
        "The agency was in breach of 2 regulations, on staffing and on governance. "
        "Care workers did not always arrive on time and some care visits were missed. "
        "This left people without support when they needed it. "
        "Medicines were not always recorded on people's medicines administration records.\n"
        "People told us care workers were kind and treated them with dignity.\n"
    )
    report = pipe.run(SourceText(path="<test>", format="text", text=text))
    sentence = "Care workers did not always arrive on time and some care visits were missed."
    start = text.index(sentence)
    item = next(i for i in report.findings if i.text == sentence)
    assert (item.start, item.end, item.quality_statement) == (
        start,
        start + len(sentence),
        "safe_and_effective_staffing",
    )
    assert {i.key_question for i in report.items()} == {None}  # no key question heading in the opening
    labels = {a.text: a.decision.quality_statement for a in structure(pipe, text).analysed}
    assert labels[sentence] == "safe_and_effective_staffing"
    # no topic of its own: the sentence before it in the paragraph decides
    assert labels["This left people without support when they needed it."] == "safe_and_effective_staffing"
    assert labels["Medicines were not always recorded on people's medicines administration records."] == (
        "medicines_optimisation"
    )
    assert labels["People told us care workers were kind and treated them with dignity."] == (
        "kindness_compassion_and_dignity"
    )


KLOE_REPORT = (
    "Hazelmere House\nInspection report\n"
    "Date of inspection visit: 4 March 2019\n"
    "Is the service safe?\nOur findings\n"
    "Medicines were not always stored safely and staff did not record when creams were applied.\n"
    "Infection prevention and control\n"
    "The home was clean and staff used gloves and aprons.\n"
    "Is the service effective?\nOur findings\n"
    "Staff had not completed training in the Mental Capacity Act.\n"
)


def test_a_report_before_2024_gets_key_questions_and_no_quality_statements(pipe):
    report = pipe.run(SourceText(path="<test>", format="text", text=KLOE_REPORT))
    got = {i.text: (i.quality_statement, i.key_question) for i in report.items()}
    assert got == {
        "Medicines were not always stored safely and staff did not record when creams were applied.": (None, "safe"),
        "The home was clean and staff used gloves and aprons.": (None, "safe"),
        "Staff had not completed training in the Mental Capacity Act.": (None, "effective"),
    }
    # "Infection prevention and control" is a sub-heading here, not a quality statement section
    assert [s.type for s in report.sections if s.title == "Infection prevention and control"] == []


@pytest.mark.parametrize(
    ("text", "saf"),
    [
        ("Our current view of the service\nPeople were safe.\n", True),
        ("Report from 3 March 2025 assessment\n", True),
        ("Actions were not complete at the time of our assessment.\n", True),
        ("We looked at 6 of the quality statements.\n", True),
        ("Date of inspection visit: 4 March 2019\nAt the time of the inspection 20 people lived at the home.\n", False),
        ("Staff completed an assessment of people's needs before they moved in.\n", False),
        (KLOE_REPORT, False),
    ],
)
def test_the_framework_is_told_by_its_wording(pipe, text, saf):
    st = structure(pipe, text)
    assert uses_quality_statements(st.headings, st.source.text, pipe.rules) is saf


def test_a_single_key_question_assessment_only_labels_with_its_statements(pipe):
    well_led = "Ratings - Well-led\nRequires improvement\nOur view of the service\n"
    st = structure(pipe, well_led)
    assert assessed_key_questions(st.headings, st.source.text, pipe.rules) == {"well-led"}
    # staffing words then label with governance, the only well-led statement they belong to
    sentence = "Vacancy rates for nurses had risen and agency staff were used on most shifts."
    assert label_of(pipe, well_led + sentence + "\n", sentence) == "governance_management_sustainability"
    # a care home opening that merely names the well-led key question is not a well-led assessment
    opening = SAF_OPENING + "We rated well-led as requires improvement.\n"
    st = structure(pipe, opening)
    assert assessed_key_questions(st.headings, st.source.text, pipe.rules) == {
        "safe",
        "effective",
        "caring",
        "responsive",
        "well-led",
    }


def test_a_heading_with_repeated_ligature_letters_opens_its_key_question(pipe):
    text = "Is the service effeffective?\nOur findings\nStaff had not completed training in the Mental Capacity Act.\n"
    report = pipe.run(SourceText(path="<test>", format="text", text=text))
    assert [(s.type, s.key_question) for s in report.sections if s.type == "key_question"] == [
        ("key_question", "effective")
    ]
    assert [(i.key_question, i.quality_statement) for i in report.findings] == [("effective", None)]


def test_a_new_paragraph_does_not_carry_the_topic_over(pipe):
    text = SAF_OPENING + "Medicines were not managed safely.\nIt was a large home.\n"
    assert label_of(pipe, text, "It was a large home.") is None
    same = SAF_OPENING + "Medicines were not managed safely. It was a large home.\n"
    assert label_of(pipe, same, "It was a large home.") == "medicines_optimisation"


def test_longer_phrases_and_actors(pipe):
    text = "Leaders must make sure the strategy is shared with staff."
    hits = [h for h in pipe.matcher(pipe.nlp.make_doc(text), [(0, len(text))]) if h.kind == "topic"]
    modal = text.index("must")
    # the actor before the modal weighs half: the strategy is the topic
    assert best_topic(hits, text, actor_end=modal) == ("shared_direction_and_culture", ["topic.shared-direction"])
    assert best_topic(hits, text)[0] == "capable_compassionate_inclusive_leaders"  # ties go to the earliest
    board = "Reports went to the board."
    hits = [h for h in pipe.matcher(pipe.nlp.make_doc(board), [(0, len(board))]) if h.kind == "topic"]
    assert [h.rule for h in hits] == ["topic.leader-roles"]
    assert carries_over(hits, board) and carries_over([], board)  # only a weak topic, or none
    strong = "Medicines were late."
    hits = [h for h in pipe.matcher(pipe.nlp.make_doc(strong), [(0, len(strong))]) if h.kind == "topic"]
    assert not carries_over(hits, strong)
