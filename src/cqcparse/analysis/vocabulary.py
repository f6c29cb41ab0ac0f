"""CQC's vocabulary: the 34 quality statements (each with its key question), the five key questions and
the action modalities."""

from __future__ import annotations

QUALITY_STATEMENTS: dict[str, str] = {
    # well-led
    "shared_direction_and_culture": "well-led",
    "capable_compassionate_inclusive_leaders": "well-led",
    "freedom_to_speak_up": "well-led",
    "workforce_equality_diversity_inclusion": "well-led",
    "governance_management_sustainability": "well-led",
    "partnerships_and_communities": "well-led",
    "learning_improvement_innovation": "well-led",
    "environmental_sustainability": "well-led",
    # safe
    "learning_culture": "safe",
    "safe_systems_pathways_and_transitions": "safe",
    "safeguarding": "safe",
    "involving_people_to_manage_risks": "safe",
    "safe_environments": "safe",
    "safe_and_effective_staffing": "safe",
    "infection_prevention_and_control": "safe",
    "medicines_optimisation": "safe",
    # effective
    "assessing_needs": "effective",
    "delivering_evidence_based_care_and_treatment": "effective",
    "how_staff_teams_and_services_work_together": "effective",
    "supporting_people_to_live_healthier_lives": "effective",
    "monitoring_and_improving_outcomes": "effective",
    "consent_to_care_and_treatment": "effective",
    # caring
    "kindness_compassion_and_dignity": "caring",
    "treating_people_as_individuals": "caring",
    "independence_choice_and_control": "caring",
    "responding_to_peoples_immediate_needs": "caring",
    "workforce_wellbeing_and_enablement": "caring",
    # responsive
    "person_centred_care": "responsive",
    "care_provision_integration_and_continuity": "responsive",
    "providing_information": "responsive",
    "listening_to_and_involving_people": "responsive",
    "equity_in_access": "responsive",
    "equity_in_experiences_and_outcomes": "responsive",
    "planning_for_the_future": "responsive",
}
KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well-led")
MODALITIES = ("must", "should", "needs")


def key_question_id(word: str) -> str | None:
    """'Well-led', 'well led', 'Safe' -> the key question's id; None for anything else."""
    w = "-".join(word.lower().split())
    w = "well-led" if w in ("wellled", "well-led") else w
    return w if w in KEY_QUESTIONS else None
