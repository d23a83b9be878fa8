"""The eligibility suggestion against worked examples (Eligibility Regulations 2015 regs 2, 3).

Pure: built on unsaved Assessment instances, no database.
"""

from careact.eligibility import suggest_eligibility
from careact.models import (
    AdultOutcome,
    Assessment,
    AssessmentKind,
    CarerOutcome,
    WellbeingArea,
)
from tests.careact.conftest import eligible_answers


def adult(**fields) -> Assessment:
    outcomes, wellbeing = eligible_answers()
    values = {
        "kind": AssessmentKind.NEEDS,
        "needs_from_impairment": True,
        "outcomes": outcomes,
        "wellbeing": wellbeing,
        "significant_impact": True,
    }
    values.update(fields)
    return Assessment(**values)


def carer_outcomes(**unable) -> dict:
    """Every carer outcome answered 'able', except those given as {outcome: [senses]}."""
    outcomes = {o.value: {"unable": False, "senses": [], "notes": ""} for o in CarerOutcome}
    for outcome, senses in unable.items():
        outcomes[outcome] = {"unable": True, "senses": senses, "notes": ""}
    return outcomes


def carer(**fields) -> Assessment:
    values = {
        "kind": AssessmentKind.CARER,
        "needs_from_impairment": True,
        "carer_health_at_risk": False,
        "outcomes": carer_outcomes(),
        "significant_impact": True,
    }
    values.update(fields)
    return Assessment(**values)


def text(suggestion) -> str:
    return " ".join(suggestion.reasons)


# --- Adults (reg 2) ---------------------------------------------------------------------


def test_adult_meeting_all_three_criteria_is_eligible():
    suggestion = suggest_eligibility(adult())
    assert suggestion.eligible is True
    assert suggestion.unable_outcomes == [AdultOutcome.NUTRITION.label, AdultOutcome.HYGIENE.label]
    assert "unable to achieve 2 of the outcomes" in text(suggestion)
    assert "significant impact on the person's wellbeing" in text(suggestion)


def test_one_outcome_only_is_not_eligible():
    outcomes, _ = eligible_answers()
    outcomes[AdultOutcome.HYGIENE] = {"unable": False, "senses": [], "notes": ""}
    suggestion = suggest_eligibility(adult(outcomes=outcomes))
    assert suggestion.eligible is False
    assert "Only one outcome is not achieved" in text(suggestion)
    assert "the regulations need two or more" in text(suggestion)


def test_outcomes_but_no_significant_impact_is_not_eligible():
    suggestion = suggest_eligibility(adult(significant_impact=False))
    assert suggestion.eligible is False
    assert "No significant impact on the person's wellbeing is recorded" in text(suggestion)


def test_needs_not_from_impairment_or_illness_is_not_eligible():
    suggestion = suggest_eligibility(adult(needs_from_impairment=False))
    assert suggestion.eligible is False
    assert "do not arise from a physical or mental impairment or illness" in text(suggestion)


def test_an_outcome_with_no_sense_recorded_does_not_count():
    outcomes, _ = eligible_answers()
    outcomes[AdultOutcome.HYGIENE] = {"unable": True, "senses": [], "notes": "Struggles"}
    suggestion = suggest_eligibility(adult(outcomes=outcomes))
    assert suggestion.eligible is False
    assert suggestion.unable_outcomes == [AdultOutcome.NUTRITION.label]
    assert "Maintaining personal hygiene is marked as not achieved, but no way" in text(suggestion)


def test_takes_significantly_longer_counts_for_an_adult():
    outcomes, _ = eligible_answers()
    outcomes[AdultOutcome.HYGIENE] = {"unable": True, "senses": ["takes_longer"], "notes": ""}
    assert suggest_eligibility(adult(outcomes=outcomes)).eligible is True


def test_more_than_two_outcomes_each_counted_once():
    outcomes, _ = eligible_answers()
    outcomes[AdultOutcome.COMMUNITY] = {"unable": True, "senses": ["endangers", "pain_distress"], "notes": ""}
    suggestion = suggest_eligibility(adult(outcomes=outcomes))
    assert suggestion.eligible is True and len(suggestion.unable_outcomes) == 3


def test_open_while_outcomes_still_unanswered_could_reach_two():
    outcomes = {AdultOutcome.NUTRITION.value: {"unable": True, "senses": ["without_assistance"], "notes": ""}}
    suggestion = suggest_eligibility(adult(outcomes=outcomes))
    assert suggestion.eligible is None
    assert "Record whether the person can achieve each outcome" in text(suggestion)


def test_a_failed_criterion_decides_even_when_others_are_unanswered():
    suggestion = suggest_eligibility(
        Assessment(
            kind=AssessmentKind.NEEDS, needs_from_impairment=False, outcomes={}, significant_impact=None
        )
    )
    assert suggestion.eligible is False


def test_nothing_recorded_is_open_and_says_what_to_record():
    suggestion = suggest_eligibility(Assessment(kind=AssessmentKind.NEEDS))
    assert suggestion.eligible is None
    reasons = text(suggestion)
    assert "Record whether the needs arise" in reasons
    assert "Record whether there is, or is likely to be, a significant impact" in reasons


def test_significant_impact_unanswered_keeps_it_open():
    assert suggest_eligibility(adult(significant_impact=None)).eligible is None


def test_wellbeing_areas_alone_do_not_decide_the_impact():
    """The worker answers the significant-impact question; one significant area is not
    enough on its own to fill it in (it may be cumulative, or not significant overall)."""
    _, wellbeing = eligible_answers()
    assert wellbeing[WellbeingArea.HEALTH]["impact"] == "significant"
    assert suggest_eligibility(adult(significant_impact=None, wellbeing=wellbeing)).eligible is None


# --- Carers (reg 3) ---------------------------------------------------------------------


def test_carer_unable_to_achieve_one_outcome_is_eligible():
    suggestion = suggest_eligibility(carer(outcomes=carer_outcomes(work=["pain_distress"])))
    assert suggestion.eligible is True
    assert suggestion.unable_outcomes == [CarerOutcome.WORK.label]


def test_carer_with_health_at_risk_and_no_outcomes_is_eligible():
    suggestion = suggest_eligibility(carer(carer_health_at_risk=True))
    assert suggestion.eligible is True
    assert "health is deteriorating or at risk" in text(suggestion)


def test_carer_who_only_takes_longer_is_not_eligible():
    suggestion = suggest_eligibility(carer(outcomes=carer_outcomes(recreation=["takes_longer"])))
    assert suggestion.eligible is False
    assert suggestion.unable_outcomes == []
    assert "taking significantly longer does not count for a carer" in text(suggestion)


def test_carer_with_no_outcome_and_health_not_at_risk_is_not_eligible():
    suggestion = suggest_eligibility(carer())
    assert suggestion.eligible is False
    assert "the regulations need one or the other" in text(suggestion)


def test_carer_needs_must_arise_from_providing_care():
    suggestion = suggest_eligibility(carer(carer_health_at_risk=True, needs_from_impairment=False))
    assert suggestion.eligible is False
    assert "do not arise from providing necessary care" in text(suggestion)


def test_carer_without_significant_impact_is_not_eligible():
    suggestion = suggest_eligibility(carer(carer_health_at_risk=True, significant_impact=False))
    assert suggestion.eligible is False
    assert "No significant impact on the carer's wellbeing" in text(suggestion)


def test_carer_health_unanswered_and_no_outcome_is_open():
    assert suggest_eligibility(carer(carer_health_at_risk=None)).eligible is None


def test_carer_health_at_risk_decides_even_before_outcomes_are_answered():
    assert suggest_eligibility(carer(carer_health_at_risk=True, outcomes={})).eligible is True


def test_adult_outcome_names_are_ignored_for_a_carer():
    """'hygiene' is an adult outcome; a carer's suggestion counts only reg 3(3) outcomes."""
    outcomes = carer_outcomes()
    outcomes["hygiene"] = {"unable": True, "senses": ["without_assistance"], "notes": ""}
    assert suggest_eligibility(carer(outcomes=outcomes)).eligible is False
