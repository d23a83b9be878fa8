"""The system's eligibility suggestion, from what the worker recorded.

Care and Support (Eligibility Criteria) Regulations 2015:

- reg 2 (adults): the needs arise from a physical or mental impairment or illness; as a
  result the adult is unable to achieve two or more of the ten outcomes in reg 2(2); and
  consequently there is, or is likely to be, a significant impact on their wellbeing.
  "Unable to achieve" (reg 2(3)) has four senses: unable without assistance; able only
  with significant pain, distress or anxiety; able but it endangers the health or safety
  of the adult or others; able but it takes significantly longer than normally expected.
- reg 3 (carers): the needs arise as a consequence of providing necessary care; as a result
  the carer's physical or mental health is, or is at risk of, deteriorating, or they are
  unable to achieve any one of the outcomes in reg 3(3); and consequently there is, or is
  likely to be, a significant impact on their wellbeing. Reg 3(4) has only the first three
  senses: "takes significantly longer" is not one of them.

A pure function over an Assessment (saved or not): no queries. The worker makes the
determination; this is only a suggestion with its reasons in plain words, so a
determination that differs from it can be explained (statutory guidance 6.102-6.110).
"""

from dataclasses import dataclass, field

from .models.assessments import (
    CARER_SENSES,
    AdultOutcome,
    AssessmentKind,
    CarerOutcome,
    UnableSense,
)

ADULT_OUTCOMES_NEEDED = 2  # reg 2(1)(b): "two or more"


@dataclass(frozen=True)
class Suggestion:
    """`eligible` is None when not enough is recorded to say; `reasons` explain each criterion
    that decides the answer (or is still open), in plain words."""

    eligible: bool | None
    reasons: list[str] = field(default_factory=list)
    unable_outcomes: list[str] = field(default_factory=list)  # labels of outcomes that count


def outcome_choices(kind: str):
    """The outcomes that apply: reg 2(2) for an adult, reg 3(3) for a carer."""
    return CarerOutcome if kind == AssessmentKind.CARER else AdultOutcome


def allowed_senses(kind: str) -> tuple[str, ...]:
    """The senses of "unable to achieve": reg 2(3) for an adult, reg 3(4) for a carer."""
    if kind == AssessmentKind.CARER:
        return tuple(s.value for s in CARER_SENSES)
    return tuple(UnableSense.values)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _outcomes_criterion(assessment, kind: str) -> tuple[bool | None, list[str], list[str]]:
    """How many outcomes are not achieved in a sense that counts.

    Returns (met, reasons, labels of counted outcomes). For an adult `met` means two or
    more; for a carer, at least one.
    """
    choices = outcome_choices(kind)
    senses_that_count = set(allowed_senses(kind))
    answers = assessment.outcomes if isinstance(assessment.outcomes, dict) else {}
    counted, unanswered, reasons = [], 0, []
    for outcome in choices:
        answer = answers.get(outcome.value) or {}
        unable = answer.get("unable")
        if unable is None:
            unanswered += 1
            continue
        if not unable:
            continue
        senses = set(answer.get("senses") or [])
        if senses & senses_that_count:
            counted.append(outcome.label)
        elif senses:  # only senses that do not count (a carer's "takes significantly longer")
            reasons.append(
                f"{outcome.label}: taking significantly longer does not count for a carer "
                "(regulation 3(4)), so this outcome is not counted"
            )
        else:
            reasons.append(
                f"{outcome.label} is marked as not achieved, but no way it is not achieved is "
                "recorded, so it is not counted"
            )
    needed = 1 if kind == AssessmentKind.CARER else ADULT_OUTCOMES_NEEDED
    if len(counted) >= needed:
        return True, reasons, counted
    if len(counted) + unanswered >= needed:
        return None, reasons, counted
    return False, reasons, counted


def _adult(assessment) -> Suggestion:
    criteria, reasons = [], []

    impairment = assessment.needs_from_impairment
    criteria.append(impairment)
    if impairment is None:
        reasons.append("Record whether the needs arise from a physical or mental impairment or illness")
    elif impairment:
        reasons.append("The needs arise from a physical or mental impairment or illness")
    else:
        reasons.append(
            "The needs do not arise from a physical or mental impairment or illness, which the "
            "regulations require (regulation 2(1)(a))"
        )

    met, notes, counted = _outcomes_criterion(assessment, AssessmentKind.NEEDS)
    criteria.append(met)
    reasons.extend(notes)
    if met:
        reasons.append(
            f"The person is unable to achieve {len(counted)} of the outcomes: "
            + "; ".join(map(_lower_first, counted))
        )
    elif met is None:
        reasons.append(
            "Record whether the person can achieve each outcome: "
            f"{len(counted)} not achieved so far, and the regulations need two or more"
        )
    elif len(counted) == 1:
        reasons.append(
            f"Only one outcome is not achieved ({_lower_first(counted[0])}); the regulations need two or more"
        )
    else:
        reasons.append("No outcome is recorded as not achieved; the regulations need two or more")

    reasons.append(_impact_reason(assessment.significant_impact, "person"))
    criteria.append(assessment.significant_impact)
    return _combine(criteria, reasons, counted)


def _carer(assessment) -> Suggestion:
    criteria, reasons = [], []

    from_caring = assessment.needs_from_impairment
    criteria.append(from_caring)
    if from_caring is None:
        reasons.append("Record whether the carer's needs arise from providing necessary care")
    elif from_caring:
        reasons.append("The carer's needs arise from providing necessary care")
    else:
        reasons.append(
            "The carer's needs do not arise from providing necessary care, which the regulations "
            "require (regulation 3(1)(a))"
        )

    # Reg 3(2): health deteriorating or at risk, OR unable to achieve any one outcome.
    health = assessment.carer_health_at_risk
    met, notes, counted = _outcomes_criterion(assessment, AssessmentKind.CARER)
    reasons.extend(notes)
    if health:
        reasons.append("The carer's physical or mental health is deteriorating or at risk")
    if met:
        reasons.append(
            f"The carer is unable to achieve {len(counted)} of the outcomes: "
            + "; ".join(map(_lower_first, counted))
        )
    if health or met:
        effect = True
    elif health is None or met is None:
        effect = None
        if health is None:
            reasons.append("Record whether the carer's physical or mental health is deteriorating or at risk")
        if met is None:
            reasons.append("Record whether the carer can achieve each outcome")
    else:
        effect = False
        reasons.append(
            "The carer's health is not at risk and no outcome is recorded as not achieved; "
            "the regulations need one or the other (regulation 3(2))"
        )
    criteria.append(effect)

    reasons.append(_impact_reason(assessment.significant_impact, "carer"))
    criteria.append(assessment.significant_impact)
    return _combine(criteria, reasons, counted)


def _impact_reason(impact: bool | None, who: str) -> str:
    if impact is None:
        return "Record whether there is, or is likely to be, a significant impact on wellbeing"
    if impact:
        return f"There is, or is likely to be, a significant impact on the {who}'s wellbeing"
    return (
        f"No significant impact on the {who}'s wellbeing is recorded; the regulations need one "
        f"(regulation {'3(1)(c)' if who == 'carer' else '2(1)(c)'})"
    )


def _combine(criteria: list[bool | None], reasons: list[str], counted: list[str]) -> Suggestion:
    """Every criterion must be met: one that is not decides it; otherwise any still open
    leaves the suggestion open."""
    if any(c is False for c in criteria):
        eligible = False
    elif all(c is True for c in criteria):
        eligible = True
    else:
        eligible = None
    return Suggestion(eligible=eligible, reasons=reasons, unable_outcomes=counted)


def suggest_eligibility(assessment) -> Suggestion:
    """The suggested determination for a needs (reg 2) or carer's (reg 3) assessment."""
    if assessment.kind == AssessmentKind.CARER:
        return _carer(assessment)
    return _adult(assessment)
