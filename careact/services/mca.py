"""Mental Capacity Act 2005 records: capacity assessments (ss1-3), best-interests decisions
(s4) and referrals to advocates (IMCA ss35-41; IMHA MHA s130A; Care Act ss67-68).

The services check the law's own rules so no screen can skip them: an outcome must follow
from the answers (s1(2), s2(1), s3(1)); a best-interests decision follows only a finding
that the person lacks capacity; when nobody appropriate can be consulted an IMCA must be
instructed first (s37-s39).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.services import DomainError

from ..models import (
    AdvocacyKind,
    AdvocacyReferral,
    BestInterestsDecision,
    CapacityAssessment,
    CapacityOutcome,
)
from ..selectors_mca import explain_outcome, suggested_capacity_outcome

__all__ = [
    "MCA_MINIMUM_AGE",
    "record_advocacy_referral",
    "record_best_interests_decision",
    "record_capacity_assessment",
]

MCA_MINIMUM_AGE = 16  # MCA s2(5): powers under the Act are exercisable for people aged 16 and over
REFER_TO_IMCA = "Refer to an IMCA before recording this decision"


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _past_date(value, *, missing: str, future: str) -> datetime.date:
    if value is None:
        raise DomainError(missing)
    if value > timezone.localdate():
        raise DomainError(future)
    return value


def _age_on(person, day: datetime.date) -> int:
    born = person.date_of_birth
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def record_capacity_assessment(
    *,
    person,
    decision: str,
    assessed_on,
    support_given: str,
    impairment: bool,
    impairment_details: str,
    can_understand: bool,
    can_retain: bool,
    can_use_or_weigh: bool,
    can_communicate: bool,
    evidence: str,
    outcome: str,
    by,
) -> CapacityAssessment:
    """A decision-specific assessment. The recorded outcome must be the one the answers
    lead to; otherwise the service refuses and says why."""
    decision = _text(decision, "Enter the specific decision the person needs to make")
    assessed_on = _past_date(
        assessed_on,
        missing="Enter the date of the assessment",
        future="The date of the assessment must be today or in the past",
    )
    if _age_on(person, assessed_on) < MCA_MINIMUM_AGE:
        raise DomainError("The Mental Capacity Act applies to people aged 16 and over")
    support_given = _text(
        support_given, "Enter the practicable steps taken to help the person make the decision (s1(3))"
    )
    answers = {
        "impairment": impairment,
        "can_understand": can_understand,
        "can_retain": can_retain,
        "can_use_or_weigh": can_use_or_weigh,
        "can_communicate": can_communicate,
    }
    unanswered = [name for name, value in answers.items() if value is None]
    if unanswered:
        raise DomainError("Answer every question of the assessment")
    impairment_details = (impairment_details or "").strip()
    if impairment and not impairment_details:
        raise DomainError(
            "Describe the impairment of, or disturbance in, the functioning of the mind or brain"
        )
    evidence = _text(evidence, "Enter the evidence for each answer")
    if outcome not in CapacityOutcome.values:
        raise DomainError("Select the outcome of the assessment")
    suggested = suggested_capacity_outcome(**answers)
    if outcome != suggested:
        raise DomainError(
            f"The answers do not support this outcome. {explain_outcome(answers)} "
            "Check the answers, or record the outcome they lead to."
        )
    assessment = CapacityAssessment(
        person=person,
        decision=decision,
        assessed_on=assessed_on,
        assessor=by,
        support_given=support_given,
        impairment=bool(impairment),
        impairment_details=impairment_details,
        evidence=evidence,
        outcome=outcome,
        **{name: bool(value) for name, value in answers.items() if name != "impairment"},
    )
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def record_best_interests_decision(
    *,
    capacity_assessment: CapacityAssessment,
    decided_on,
    persons_wishes: str,
    consulted: str,
    options_considered: str,
    decision: str,
    least_restrictive: str,
    no_one_to_consult: bool,
    by,
    imca_referral: AdvocacyReferral | None = None,
) -> BestInterestsDecision:
    """A decision made for a person found to lack capacity for it (MCA s4), with why it is
    the least restrictive option (s1(6)). With nobody appropriate to consult, an IMCA
    referral of the person, made by the date of the decision, is required (ss37-39)."""
    assessment = CapacityAssessment.objects.select_for_update().get(pk=capacity_assessment.pk)
    if assessment.outcome != CapacityOutcome.LACKS_CAPACITY:
        raise DomainError(
            "A best-interests decision can only follow an assessment that found the person "
            "lacks capacity to make the decision: otherwise the decision is theirs (MCA s1(2))"
        )
    decided_on = _past_date(
        decided_on,
        missing="Enter the date of the decision",
        future="The date of the decision must be today or in the past",
    )
    if decided_on < assessment.assessed_on:
        raise DomainError("The date of the decision must be on or after the date of the capacity assessment")
    if imca_referral is not None and (
        imca_referral.person_id != assessment.person_id or imca_referral.kind != AdvocacyKind.IMCA
    ):
        raise DomainError("Select one of this person's IMCA referrals")
    if no_one_to_consult and imca_referral is None:
        raise DomainError(REFER_TO_IMCA)
    if imca_referral is not None and imca_referral.referred_on > decided_on:
        raise DomainError("The IMCA referral must be made on or before the date of the decision")
    record = BestInterestsDecision(
        capacity_assessment=assessment,
        person_id=assessment.person_id,
        decided_on=decided_on,
        decision_maker=by,
        persons_wishes=_text(
            persons_wishes, "Enter the person's wishes, feelings, beliefs and values (s4(6))"
        ),
        consulted=_text(
            consulted,
            "Enter who was consulted and what they said, or who you tried to consult (s4(7))",
        ),
        options_considered=_text(options_considered, "Enter the options considered"),
        decision=_text(decision, "Enter the decision"),
        least_restrictive=_text(least_restrictive, "Enter why this is the least restrictive option (s1(6))"),
        no_one_to_consult=bool(no_one_to_consult),
        imca_referral=imca_referral,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def record_advocacy_referral(
    *, person, kind: str, referred_on, provider: str, advocate_name: str, reason: str, by
) -> AdvocacyReferral:
    """A referral to an independent advocate: IMCA (MCA s35), IMHA (MHA s130A) or a Care Act
    advocate (ss67-68)."""
    if kind not in AdvocacyKind.values:
        raise DomainError("Select the kind of advocate")
    referred_on = _past_date(
        referred_on,
        missing="Enter the date of the referral",
        future="The date of the referral must be today or in the past",
    )
    referral = AdvocacyReferral(
        person=person,
        kind=kind,
        referred_on=referred_on,
        provider=_text(provider, "Enter the advocacy provider"),
        advocate_name=(advocate_name or "").strip(),
        reason=_text(reason, "Enter why an advocate is needed"),
        referred_by=by,
    )
    referral.full_clean()
    referral.save()
    return referral
