"""Reads for Mental Capacity Act records, and the rule that suggests a capacity outcome.

MCA 2005 s1(2): a person is assumed to have capacity unless it is established that they
lack it. s2(1) and s3(1): they lack capacity for a decision only if, because of an
impairment of, or disturbance in, the functioning of the mind or brain, they cannot
understand, retain, or use or weigh the information relevant to it, or communicate it.
"""

from .models import AdvocacyKind, AdvocacyReferral, BestInterestsDecision, CapacityAssessment, CapacityOutcome

FUNCTIONAL_TESTS = (
    ("can_understand", "understand the information relevant to the decision"),
    ("can_retain", "retain that information"),
    ("can_use_or_weigh", "use or weigh that information"),
    ("can_communicate", "communicate the decision"),
)
PANEL_SIZE = 10


def suggested_capacity_outcome(
    *, impairment: bool, can_understand: bool, can_retain: bool, can_use_or_weigh: bool, can_communicate: bool
) -> str:
    """Lacks capacity only with an impairment AND at least one of the four functional tests
    failed (ss2-3); otherwise the presumption of capacity stands (s1(2))."""
    able = (can_understand, can_retain, can_use_or_weigh, can_communicate)
    if impairment and not all(able):
        return CapacityOutcome.LACKS_CAPACITY
    return CapacityOutcome.HAS_CAPACITY


def cannot_do(answers) -> list[str]:
    """The functional tests the person cannot meet, in words (from a mapping or a record)."""
    get = answers.get if isinstance(answers, dict) else lambda name: getattr(answers, name)
    return [words for name, words in FUNCTIONAL_TESTS if get(name) is False]


def explain_outcome(answers) -> str:
    """Why the rule suggests its outcome, for the form and the record."""
    get = answers.get if isinstance(answers, dict) else lambda name: getattr(answers, name)
    gaps = cannot_do(answers)
    if not get("impairment"):
        return (
            "No impairment of, or disturbance in, the mind or brain is recorded, so the person "
            "is presumed to have capacity (MCA s1(2), s2(1))."
        )
    if not gaps:
        return (
            "The person can understand, retain, use or weigh the information and communicate "
            "a decision, so they have capacity to make it (MCA s3(1))."
        )
    return (
        "There is an impairment and the person cannot " + _join(gaps) + ", so they lack capacity "
        "to make this decision (MCA s2(1), s3(1))."
    )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# --- A person's records ------------------------------------------------------------------


def _latest(queryset, limit: int) -> tuple[list, bool]:
    """The newest `limit` rows and whether there are more (one query)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def capacity_assessments_for(person, limit: int = PANEL_SIZE) -> tuple[list[CapacityAssessment], bool]:
    return _latest(CapacityAssessment.objects.filter(person=person).select_related("assessor"), limit)


def best_interests_decisions_for(person, limit: int = PANEL_SIZE) -> tuple[list[BestInterestsDecision], bool]:
    decisions = BestInterestsDecision.objects.filter(person=person).select_related(
        "decision_maker", "capacity_assessment"
    )
    return _latest(decisions, limit)


def advocacy_referrals_for(person, limit: int = PANEL_SIZE) -> tuple[list[AdvocacyReferral], bool]:
    return _latest(AdvocacyReferral.objects.filter(person=person).select_related("referred_by"), limit)


def imca_referrals_for(person):
    """The person's IMCA referrals, newest first, to link a best-interests decision to."""
    return AdvocacyReferral.objects.filter(person=person, kind=AdvocacyKind.IMCA).order_by(
        "-referred_on", "-pk"
    )


def decisions_following(assessment: CapacityAssessment) -> list[BestInterestsDecision]:
    return list(assessment.best_interests_decisions.select_related("decision_maker").order_by("-decided_on"))
