"""The classifier's stages on sentences written for these tests: statement type, modifiers (ConText),
polarity by composition, default polarity and the modal traps. Each row: sentence -> (statement type,
kinds, modality)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqcparse.analysis.classify import Decision
from cqcparse.analysis.rates import compare_rates
from cqcparse.readers.source import SourceText
from cqcparse.tools.explain import explain


def decide_one(pipe, sentence: str) -> Decision:
    analysed = pipe.structure(SourceText(path="t.txt", format="text", text=sentence + "\n")).analysed
    assert len(analysed) == 1, [a.text for a in analysed]
    return analysed[0].decision


STATEMENT_TYPES = [
    # evidence: plain practice is a strength by default; a shortfall is a finding
    ("Staff knocked on people's doors before entering their rooms.", "evidence", {"positive"}, None),
    ("Relevant checks were carried out before new staff started work.", "evidence", {"positive"}, None),
    ("Care records were inconsistent and some were missing.", "evidence", {"finding"}, None),
    # reported speech without quotation marks is evidence in the inspectors' sentence
    ("Staff said staffing levels in the evenings were insufficient.", "reported", {"finding"}, None),
    ("Relatives told us the manager was approachable and kind.", "reported", {"positive"}, None),
    # not evidence: neither finding nor positive, and their modal verbs are no action
    ("We spoke with 9 members of staff and 4 relatives.", "method", set(), None),
    ("The home is a care home for up to 30 older people.", "background", set(), None),
    ("At the time of our inspection there were 24 people using the service.", "background", set(), None),
    ("By safe, we mean that people are protected from abuse and avoidable harm.", "definition", set(), None),
    ("By effective, we mean that staff must follow the best available evidence.", "definition", set(), None),
    ("The regulation says that providers must display their rating.", "law", set(), None),
    ("National guidance recommends that every patient should be assessed within 15 minutes.", "law", set(), None),
    ("The care plan said staff should check the person's skin every two hours.", "law", set(), None),
    ("We will decide whether regulatory action should be taken.", "cqc_process", set(), None),
    (
        "At our last inspection we told the provider it must improve the storage of medicines.",
        "past_inspection",
        set(),
        None,
    ),
    ("At our last inspection the provider had failed to deploy enough staff.", "past_inspection", set(), None),
    ("This key question has been rated good.", "rating", set(), None),
    ("One person said, \u201cThe staff should get a medal.\u201d", "quotation", set(), None),
]

MODIFIERS = [
    # negation: a negated shortfall is a strength, a negated strength a shortfall
    ("No patient waited longer than 18 weeks for treatment.", "evidence", {"positive"}, None),
    ("None of the people we spoke with raised concerns about hygiene.", "evidence", {"positive"}, None),
    ("People did not have to wait too long for help.", "evidence", {"positive"}, None),
    ("Patients told us staff never made them feel rushed.", "reported", {"positive"}, None),
    (
        "None of the staff we spoke with said they had been treated badly after raising a concern.",
        "reported",
        {"positive"},
        None,
    ),
    ("None of the staff had completed their fire training.", "evidence", {"finding"}, None),
    ("There were no delays in discharging people from the ward.", "evidence", {"positive"}, None),
    ("Staff were not kind to the people they supported.", "evidence", {"finding"}, None),
    ("Staff did not have a plan for managing the risk.", "evidence", {"finding"}, None),
    ("Staff repositioned people regularly to prevent pressure ulcers.", "evidence", {"positive"}, None),
    # prevention turns a shortfall round, never a strength
    (
        "Staff were trained to recognise abuse and to manage people's risks in a safe way.",
        "evidence",
        {"positive"},
        None,
    ),
    ("We found no evidence during this visit that people had come to harm.", "evidence", {"positive"}, None),
    # pseudo triggers negate nothing
    ("Staff were not only kind but also skilled.", "evidence", {"positive"}, None),
    ("Staff offered picture menus to people who could not read.", "evidence", {"positive"}, None),
    ("Staff knew how to raise concerns and who to raise them with.", "evidence", {"positive"}, None),
    # contrast and concession make a mixed sentence a finding
    ("The board had a clear vision, but its strategy was still being developed.", "evidence", {"finding"}, None),
    ("Although staff were kind and caring, care records were inconsistent.", "evidence", {"finding"}, None),
    # conditional: an inverted or 'if' should is a condition, not advice
    ("Staff arranged transport, should people wish to visit the town.", "evidence", {"positive"}, None),
    ("Staff gave pain relief promptly should a person be in pain.", "evidence", {"positive"}, None),
    ("Staff knew who to call if a person should fall at night.", "evidence", {"positive"}, None),
    # historical: cues after 'at our last inspection' belong to it
    (
        "Staff now record fluid intake, which at our last inspection was not always recorded.",
        "evidence",
        {"positive"},
        None,
    ),
]

ACTIONS_AND_TRAPS = [
    ("The provider must ensure medicines are stored safely.", "evidence", {"action"}, "must"),
    ("The trust should review how staff are deployed at night.", "evidence", {"action"}, "should"),
    (
        "Succession planning had been previously lacking and needed to be prioritised.",
        "evidence",
        {"finding", "action"},
        "needs",
    ),
    # what follows the modal is what the action is to fix, not a shortfall
    ("The trust needs to reduce the number of delayed discharges.", "evidence", {"action"}, "needs"),
    # traps
    ("Providers must have regard to the code of practice.", "law", set(), None),
    ("We will consider whether any further regulatory action should be taken.", "cqc_process", set(), None),
    ("Protocols were not in place when they should have been.", "evidence", {"finding"}, None),
    (
        "The care plan stated staff should turn the person every 2 hours, but records showed this was not done.",
        "evidence",
        {"finding"},
        None,
    ),
    ("Regulation 12 (2) (a)", "citation", set(), None),
    # a modal inside a clause naming what someone should do; the provider's own modal still makes an action
    ("There was no guidance on when carers should call a doctor.", "evidence", {"finding"}, None),
    ("Care plans did not hold the information staff needed to move people safely.", "evidence", {"finding"}, None),
    (
        "The trust should ensure staff have guidance on when they should escalate a deteriorating patient.",
        "evidence",
        {"action"},
        "should",
    ),
    ("(Regulations 12 and 17)", "citation", set(), None),
    # a sentence that opens with its modal is an action whatever the clauses after it mention
    (
        "We recommend the provider follows national guidance on the use of medicines prescribed as required.",
        "evidence",
        {"action"},
        "should",
    ),
    ("The provider must ensure care plans say what staff should do if a person falls.", "evidence", {"action"}, "must"),
    ("Staff could not always tell us what they should do after an incident.", "evidence", {"finding"}, None),
    (
        "Evacuation plans did not say how many staff each person needed to leave the building.",
        "evidence",
        {"finding"},
        None,
    ),
    # a notice's requirement is a must action; serving it is CQC's process
    (
        "The warning notice requires the provider to make sure falls are reviewed by 1 May.",
        "evidence",
        {"action"},
        "must",
    ),
    ("We served a further warning notice on the registered manager.", "cqc_process", set(), None),
    # special measures, the duties of every registered person, what a procedure sets out
    ("A provider in special measures must show it has made the changes within six months.", "evidence", set(), None),
    ("Registered persons are required to notify CQC of deaths and serious injuries.", "evidence", set(), None),
    ("The council's procedures set out which incidents should be referred to it.", "evidence", set(), None),
    # reported speech of a modal, a general rule, a conditional requirement
    ("The manager said the fire drills should happen more often.", "reported", set(), None),
    (
        "When people are assessed as lacking capacity, a best interests decision should be made.",
        "law",
        set(),
        None,
    ),
    (
        "Staff said that if two carers were required upstairs, one carer stayed in the lounge.",
        "reported",
        {"positive"},
        None,
    ),
]

# no default polarity: evidence that states no judgement is neither a finding nor a positive without a cue
NEUTRAL = [
    # an individual case sets up a finding or a strength; alone it is neither
    ("One resident was prescribed a blood thinner twice a day.", "evidence", set(), None),
    ("Two of the falls had happened in the early evening.", "evidence", set(), None),
    # the provider's own account of its practice
    ("The deputy manager said they audited the care plans every month.", "reported", set(), None),
    # a plan or intention
    ("The manager planned to arrange moving and handling training for the new staff.", "evidence", set(), None),
    # a count over a period, a schedule, a comparison with no judgement
    ("The trust completed 40 complaint investigations in the 12 months to June.", "evidence", set(), None),
    ("The chef worked 25 hours a week across the two kitchens.", "evidence", set(), None),
    ("Engagement scores were higher in the community teams than on the wards.", "evidence", set(), None),
    # a negated subject is not a count: it stays a strength
    ("No one using the service had been admitted to hospital in the previous year.", "evidence", {"positive"}, None),
    ("The trust reported 4 serious incidents between April 2023 and March 2024.", "reported", set(), None),
    # 'used' is past tense: plain practice is a strength
    ("Leaders used feedback from people to change how visits were planned.", "evidence", {"positive"}, None),
    # a continuation of a list
    ("These included speech and language therapists and dietitians.", "evidence", set(), None),
    # cqc process and background
    ("This inspection took place on 4 and 5 May 2016 and was unannounced.", "background", set(), None),
    (
        "This report only covers our findings in relation to the key questions safe and well-led.",
        "background",
        set(),
        None,
    ),
    ("There were 10 people on the ward when we visited.", "background", set(), None),
    ("The director of nursing was the registered manager.", "background", set(), None),
    ("As a result, we brought forward our planned inspection of the home.", "cqc_process", set(), None),
    ("The service had a registered manager.", "background", set(), None),
    ("There had been several changes to the board in the last year.", "evidence", set(), None),
    ("Outside of these hours patients would be directed to the out-of-hours service.", "evidence", set(), None),
    ("The chief executive is a member of the county's system leadership board.", "background", set(), None),
    (
        "The trust's strategy set out 3 strategic objectives: safe care, a good place to work and strong partnerships.",
        "background",
        set(),
        None,
    ),
    ("The oldest part of the house dated back to 1820.", "background", set(), None),
    ("We received 20 comment cards, 18 of which were positive about the care.", "evidence", {"positive"}, None),
    ("In the 12 months before our visit, the hospice supported 1,240 patients.", "evidence", set(), None),
    ("One person told us they felt supported by the night staff.", "reported", {"positive"}, None),
    # a cue word still decides
    ("One person told us the staff were always kind and patient.", "reported", {"positive"}, None),
    # words naming a practice judge nothing in an individual case or the provider's own account
    ("One resident had successfully left the building through the fire door.", "evidence", set(), None),
    ("The deputy manager told us they monitored call bells with monthly audits.", "reported", set(), None),
    ("For one member of staff, their induction was a list of policies to read.", "evidence", set(), None),
    # but make a strength of the inspectors' own evidence
    ("Fridge temperatures were monitored and recorded every day.", "evidence", {"positive"}, None),
    # method in the passive
    ("Staff training systems were reviewed.", "method", set(), None),
]

# shortfalls with no word of criticism
SHORTFALLS = [
    ("Two care plans referred to people by the wrong name.", "evidence", {"finding"}, None),
    ("The policies on the use of bed rails were contradictory.", "evidence", {"finding"}, None),
    ("Weights had been recorded for 2 of the 9 people whose records we looked at.", "evidence", {"finding"}, None),
    ("Two board posts had been filled by interim directors for more than 18 months.", "evidence", {"finding"}, None),
    ("Staff knew what to do when things went wrong and shared the learning.", "evidence", {"positive"}, None),
    ("Checks had not been done for 3 of the 12 staff files we looked at.", "evidence", {"finding"}, None),
    ("The community team had 2.5 whole-time equivalent nursing vacancies.", "evidence", {"finding"}, None),
    ("One person had been visited by more than 15 different care workers in a month.", "evidence", {"finding"}, None),
    # the absence of good practice; the absence of something bad stays a strength
    ("There was no review of the new worker's probation or training.", "evidence", {"finding"}, None),
    ("There were no delays in discharging people from the ward.", "evidence", {"positive"}, None),
    ("A relative said the choice of meals could be improved.", "reported", {"finding"}, None),
    ("Only 58% of obstetric doctors had completed their annual update.", "evidence", {"finding"}, None),
    ("On the ward we found 2 out-of-date catheters on the resuscitation trolley.", "evidence", {"finding"}, None),
    ("Staff held a training day each year, and 96% of midwives had attended it.", "evidence", {"positive"}, None),
    ("Our rating of this service went down.", "rating", set(), None),
    ("The overall rating for this provider is 'Inadequate'.", "rating", set(), None),
    ("79% of staff had completed safeguarding training, against a target of 90%.", "evidence", {"finding"}, None),
    ("Caseloads were too high for staff to manage safely.", "evidence", {"finding"}, None),
    ("Leaders had been slow to respond to concerns about workloads.", "evidence", {"finding"}, None),
    ("It was too early to tell whether the new rota had made a difference.", "evidence", {"finding"}, None),
    (
        "The manager checked training informally; there was no log of who had completed it.",
        "evidence",
        {"finding"},
        None,
    ),
    ("The building was clean and the clinic rooms were well stocked.", "evidence", {"positive"}, None),
    ("A CQC inspector led the inspection, with support from a dental adviser.", "method", set(), None),
    ("Rating at last inspection: Good (report published 4 May 2018).", "rating", set(), None),
    ("Staff told us they were stretched and that some visits were shortened.", "reported", {"finding"}, None),
    ("Volunteers were less aware of how to raise a concern.", "evidence", {"finding"}, None),
    ("Completion rates were above the provider's target of 95%.", "evidence", {"positive"}, None),
    ("Referrals are sent by email, and nobody checks that they are received.", "evidence", {"finding"}, None),
    (
        "After 6pm the number waiting regularly exceeds what the staff on duty can manage.",
        "evidence",
        {"finding"},
        None,
    ),
    (
        "One member of staff communicated effectively with people with hearing difficulties.",
        "evidence",
        {"positive"},
        None,
    ),
    (
        "Staff encouraged people's independence and stepped in only where this was needed.",
        "evidence",
        {"positive"},
        None,
    ),
    ("Care plans were only updated when the person's family asked.", "evidence", {"finding"}, None),
    ("Staff who raised concerns about staffing told us they were thanked.", "reported", {"positive"}, None),
    ("The vacancies have not yet affected how quickly people are seen.", "evidence", set(), None),
    # practice words after 'but' state no strength; nor, before 2024, in a dated fact
    (
        "The trust had a patient advisory group, but its advice was usually sought after decisions were made.",
        "evidence",
        {"finding"},
        None,
    ),
    ("The practice recruited a second nurse and a receptionist in 2023.", "evidence", set(), None),
    ("The trust's values of respect, openness and hope were developed with staff in 2021.", "evidence", set(), None),
    ("People's care plans included a section for recording their views.", "evidence", set(), None),
    ("Staffing in the night team needed to improve.", "evidence", {"action", "finding"}, "needs"),
    ("Staff updated people who had been waiting longer than an hour.", "evidence", {"positive"}, None),
    (
        "The hospice worked with partners to reach groups who had not traditionally used it.",
        "evidence",
        {"positive"},
        None,
    ),
    (
        "Staff plan care with people so that they are not admitted to hospital against their wishes.",
        "evidence",
        set(),
        None,
    ),
    # a condition states nothing that happened; risks named in a list are no shortfall
    ("The electronic records alerted the office if a dose had not been signed for.", "evidence", {"positive"}, None),
    ("Risks such as falls and poor nutrition were assessed when people moved in.", "evidence", {"positive"}, None),
    ("If people's needs changed, care plans were not updated.", "evidence", {"finding"}, None),
    ("We were somewhat assured that the provider was admitting people safely.", "evidence", {"finding"}, None),
    # no record of good practice; records at odds with the person; staff taken from the rest; work behind
    ("No further outings had been recorded for the person since May.", "evidence", {"finding"}, None),
    ("No falls were recorded in the last three months.", "evidence", {"positive"}, None),
    (
        "The person used a hoist whereas their moving and handling assessment showed they could stand.",
        "evidence",
        {"finding"},
        None,
    ),
    (
        "While two carers helped a person to bed, this left one carer for the lounge.",
        "evidence",
        {"finding"},
        None,
    ),
    ("Staff were behind with their moving and handling training.", "evidence", {"finding"}, None),
    # a purpose clause names an aim: its strength cues are not what was achieved
    ("At night there were too few staff on duty to make sure people were safe.", "evidence", {"finding"}, None),
    ("Staff on one ward said raising problems was seen as disloyal.", "reported", {"finding"}, None),
    ("The community team had 4 whole-time equivalent vacancies and had filled 2 posts.", "evidence", {"finding"}, None),
    ("Leaders had used quality improvement methods to reduce the use of seclusion.", "evidence", {"positive"}, None),
    # 'never events' names a kind of incident; it negates nothing
    ("Both never events had been investigated and the learning shared with staff.", "evidence", {"positive"}, None),
    # the standard special measures paragraph and a rating sentence are not evidence
    (
        "The overall rating for this service is inadequate and the service is therefore in special measures.",
        "cqc_process",
        set(),
        None,
    ),
    ("We rated the wards for older people, the crisis teams and the community teams as good.", "rating", set(), None),
    ("The home provides personal care for up to 40 people.", "background", set(), None),
]

# a rate against a reference points the way the numbers do; a high rate of a good outcome is a strength
RATES = [
    (
        "61% of patients found it easy to get through by phone, compared with the national average of 70%.",
        "evidence",
        {"finding"},
        None,
    ),
    (
        "In the survey, 80% of staff said they would recommend the trust, compared with 74% at similar trusts.",
        "reported",
        {"positive"},
        None,
    ),
    (
        "In the survey, 21% of staff reported bullying by managers, compared with 15% at similar trusts.",
        "reported",
        {"finding"},
        None,
    ),
    (
        "In the survey, 9% of staff reported bullying by managers, compared with 15% at similar trusts.",
        "reported",
        {"positive"},
        None,
    ),
    ("The team saw 97% of urgent referrals within 2 hours.", "evidence", {"positive"}, None),
    ("The team saw 57% of urgent referrals within 2 hours.", "evidence", set(), None),
]


@pytest.mark.parametrize(
    ("sentence", "stype", "kinds", "modality"),
    STATEMENT_TYPES + MODIFIERS + ACTIONS_AND_TRAPS + NEUTRAL + SHORTFALLS + RATES,
)
def test_sentence_type_kind_and_modality(pipe, sentence, stype, kinds, modality):
    d = decide_one(pipe, sentence)
    assert (d.statement_type, set(d.kinds), d.modality) == (stype, kinds, modality), d.path


@pytest.mark.parametrize(
    ("sentence", "rule", "category"),
    [
        ("No patient waited longer than 18 weeks for treatment.", "negation.subject", "negation"),
        ("People did not have to wait too long for help.", "negation.verb", "negation"),
        ("There were no delays in discharging people from the ward.", "negation.determiner", "negation"),
        ("The board had a clear vision, but its strategy was still being developed.", "contrast.but", "contrast"),
        ("Although staff were kind and caring, care records were inconsistent.", "concession.whilst", "concession"),
        ("Staff gave pain relief promptly should a person be in pain.", "conditional.should-inverted", "conditional"),
        ("There was no guidance for staff on how to support the person safely.", "purpose.to-ensure", "purpose"),
        (
            "Staff now record fluid intake, which at our last inspection was not always recorded.",
            "historical.last-inspection",
            "historical",
        ),
    ],
)
def test_each_modifier_is_found_with_its_scope(pipe, sentence, rule, category):
    d = decide_one(pipe, sentence)
    found = [m for m in d.modifiers if m.rule == rule]
    assert found and found[0].category == category
    m = found[0]
    assert m.start <= m.scope_start <= m.end <= m.scope_end <= len(sentence)


def test_negation_scope_ends_at_a_terminator(pipe):
    d = decide_one(pipe, "Staff did not record the checks, which meant the delays went unnoticed.")
    neg = next(m for m in d.modifiers if m.category == "negation")
    assert neg.scope_end <= "Staff did not record the checks, which".index("which")
    assert d.kinds == ["finding"]  # 'delays' lies outside the negation: still a shortfall


def test_explain_names_the_modifier_that_flipped_a_sentence(pipe):
    text = "No patient waited longer than 18 weeks for treatment.\n"
    result = explain(pipe, SourceText(path="t.txt", format="text", text=text), "18 weeks")
    [s] = result.sentences
    assert s.statement_type == "evidence" and s.kinds == ["positive"]
    subject = next(m for m in s.modifiers if m.rule == "negation.subject")
    assert (subject.category, subject.trigger) == ("negation", "No")
    assert subject.scope.startswith("patient waited longer than 18 weeks")
    flips = [step for step in s.path if "negates shortfall" in step]
    assert flips and flips[0].startswith("negation.subject 'No'") and "negates shortfall finding." in flips[0]
    assert "negation.subject" in s.rules["positive"]


NEGATED_SUBJECTS = [
    "No patient",
    "No one",
    "Nobody",
    "None of the people we spoke with",
    "No relative",
    "None of the residents",
]
SHORTFALL_PREDICATES = [
    "waited longer than 4 hours",
    "raised concerns about the food",
    "reported delays",
    "described any fear of speaking up",
    "had been left without help",
    "was turned away",
    "experienced missed visits",
    "felt unsafe",
    "told us care was inconsistent",
    "had to wait too long",
]
TAILS = ["", " during our visit", " in the last year", " at the weekend"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NEGATED_SUBJECTS), st.sampled_from(SHORTFALL_PREDICATES), st.sampled_from(TAILS))
def test_a_negated_shortfall_is_never_a_finding_only(pipe, subject, predicate, tail):
    sentence = f"{subject} {predicate}{tail}."
    assert set(decide_one(pipe, f"People {predicate}{tail}.").kinds) >= {"finding"}  # the shortfall itself
    kinds = set(decide_one(pipe, sentence).kinds)
    assert kinds != {"finding"}, sentence


def test_the_decision_path_names_the_rule_that_withheld_default_polarity(pipe):
    d = decide_one(pipe, "One resident was prescribed a blood thinner twice a day.")
    assert "no default polarity: ['positive.neutral-individual-case']" in d.path
    d = decide_one(pipe, "The electronic records alerted the office if a dose had not been signed for.")
    assert any(step.startswith("hypothetical.if-clause 'if a dose had not been signed for'") for step in d.path)
    d = decide_one(pipe, "One resident had successfully left the building through the fire door.")
    assert "practice words ['positive.practice-word'] ignored: ['positive.neutral-individual-case']" in d.path


@pytest.mark.parametrize(
    ("span", "sign"),
    [
        ("58% of patients found it easy, compared with the CCG average of 76%", -1),
        ("11.5% of staff, compared with 9.5% nationally", 1),
        ("70% of patients, compared with 70% in England", 0),
        ("most patients, compared with 70% in England", 0),
    ],
)
def test_compare_rates_reads_the_rate_and_its_reference(span, sign):
    assert compare_rates(span) == sign


def test_explain_path_says_which_way_a_rate_comparison_points(pipe):
    d = decide_one(
        pipe, "In the survey, 21% of staff reported bullying by managers, compared with 15% at similar trusts."
    )
    assert any(
        p.startswith("rate comparison finding.rate-comparison") and "a measure of something bad" in p for p in d.path
    )


def test_a_purpose_clause_names_an_aim_not_a_strength(pipe):
    d = decide_one(pipe, "At night there were too few staff on duty to make sure people were safe.")
    assert any("purpose.to-ensure" in p and "names as the aim positive.praise 'safe'" in p for p in d.path), d.path
    assert d.positive_score == 0


def test_a_bracketed_citation_after_a_must_item_is_no_action_of_its_own(pipe):
    text = (
        "Action the trust MUST take to improve\n"
        "- The trust must ensure that resuscitation trolleys are checked every day. (Regulation 12)\n"
        "- The trust must ensure that staff complete their mandatory training. (Regulation 18)\n"
    )
    analysed = pipe.structure(SourceText(path="t.txt", format="text", text=text)).analysed
    got = [(a.text, a.decision.statement_type, a.decision.modality) for a in analysed]
    assert got == [
        ("The trust must ensure that resuscitation trolleys are checked every day.", "evidence", "must"),
        ("(Regulation 12)", "citation", None),
        ("The trust must ensure that staff complete their mandatory training.", "evidence", "must"),
        ("(Regulation 18)", "citation", None),
    ]
    assert any("a bare citation of a regulation" in p for p in analysed[1].decision.path)


def test_a_requirement_tables_not_met_cell_without_a_full_stop_is_a_finding(pipe):
    text = (
        "Action we have told the provider to take\n"
        "Regulated activity Regulation\n"
        "Accommodation for persons who require nursing or personal care Regulation 12 HSCA (RA) Regulations 2014 "
        "Safe care and treatment\n"
        "Staff did not always follow the plans written to keep people safe from falls\n"
        "Regulation 12 (1), (2) (a)\n"
        "Regulated activity Regulation\n"
        "Accommodation for persons who require nursing or personal care Regulation 17 HSCA (RA) Regulations 2014 "
        "Good governance\n"
        "Audits\n"
        "Regulation 17 (1)\n"
    )
    report = pipe.run(SourceText(path="t.txt", format="text", text=text))
    cell = "Staff did not always follow the plans written to keep people safe from falls"
    assert [(f.text, f.start) for f in report.findings] == [(cell, text.index(cell))]
    assert [b.regulation for b in report.breaches] == ["12", "17"]
