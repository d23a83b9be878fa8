"""What an enquiry must record before it may close: seed 000 6.30, made a rule.

The audit in seed 000 failed cases for not recording who the SAM was, who the enquiry
officer was, what outcomes the adult wanted and whether they were achieved, whether the
adult had capacity, how risk was recorded, the conference and plan based on the adult's
outcomes, and review and closure with how ongoing risk is managed. Care Act 2014 s42 and
s68 (advocacy); statutory guidance 14.94-14.99 (Making Safeguarding Personal). The outcome
also holds the Safeguarding Adults Collection's risk answers (`safeguarding.sac`), so every
enquiry closed since counts in the national categories and none falls to "Not recorded".

Each element is one SQL condition, so the same definition refuses closure
(`services.close_enquiry`), draws the checklist on the close page and counts the quality
view, and they can never disagree.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import MspAsked, RiskAssessmentResult


@dataclass(frozen=True)
class Element:
    key: str
    label: str  # what the checklist calls it
    missing: str  # what to do when it is missing, in the words of an error message
    step: str  # the step page where it is recorded (url name without "enquiry_")
    recorded: Q


def _filled(field: str) -> Q:
    return ~Q(**{field: ""})


_EXPRESSED = Q(msp_asked=MspAsked.ASKED_EXPRESSED)
_RISK_IDENTIFIED = Q(risk_assessment_result=RiskAssessmentResult.IDENTIFIED)

ELEMENTS: tuple[Element, ...] = (
    Element(
        "sam",
        "Safeguarding adults manager named",
        "Name the safeguarding adults manager",
        "staff",
        Q(sam__isnull=False),
    ),
    Element(
        "enquiry_officer",
        "Enquiry officer named",
        "Name the enquiry officer",
        "staff",
        Q(enquiry_officer__isnull=False),
    ),
    Element(
        "strategy",
        "Strategy discussion or meeting: date, attendees and decisions",
        "Record the strategy discussion or meeting: its date, who attended and what was decided",
        "strategy",
        _filled("strategy_kind")
        & Q(strategy_on__isnull=False)
        & _filled("strategy_attendees")
        & _filled("strategy_decisions"),
    ),
    Element(
        "msp",
        "Making Safeguarding Personal: the adult asked, and the outcomes they want",
        "Record whether the adult was asked what outcomes they want, and the outcomes if they said",
        "msp",
        _filled("msp_asked") & (~_EXPRESSED | _filled("desired_outcomes")),
    ),
    Element(
        "capacity",
        "Whether the adult lacks capacity about the enquiry",
        "Record whether the adult lacks capacity about the enquiry",
        "msp",
        _filled("lacks_capacity"),
    ),
    Element(
        "advocacy",
        "Advocacy (Care Act section 68)",
        "Record whether the adult has substantial difficulty being involved and, if there is no "
        "appropriate person to support them, the independent advocate arranged",
        "msp",
        Q(substantial_difficulty=False)
        | (
            Q(substantial_difficulty=True)
            & (Q(appropriate_person=True) | (Q(appropriate_person=False) & _filled("advocate")))
        ),
    ),
    Element(
        "findings",
        "Findings of the enquiry",
        "Record the findings of the enquiry",
        "findings",
        _filled("findings"),
    ),
    Element(
        "risk_assessment",
        "Risk assessment",
        "Record the risk assessment",
        "findings",
        _filled("risk_assessment"),
    ),
    Element(
        "plan",
        "Case conference date and safeguarding plan",
        "Record the case conference date and the safeguarding plan",
        "plan",
        Q(conference_on__isnull=False) & _filled("safeguarding_plan"),
    ),
    Element(
        "review",
        "Review date and notes",
        "Record the review: its date and notes",
        "review",
        Q(review_on__isnull=False) & _filled("review_notes"),
    ),
    Element(
        "outcome",
        "Outcome: what the risk assessment found, action taken, what happened to any risk "
        "identified and whether the adult's outcomes were achieved",
        "Record the outcome: what the risk assessment found, whether action was taken, what happened "
        "to the risk if one was identified and, if the adult said what outcomes they wanted, whether "
        "they were achieved",
        "outcome",
        # The SAC's risk questions (SG2c, SG2e): services.enquiries._outcome is the rule.
        _filled("risk_assessment_result")
        & Q(action_taken__isnull=False)
        & (~_RISK_IDENTIFIED | _filled("risk_outcome"))
        & (~_EXPRESSED | _filled("outcomes_achieved")),
    ),
    Element(
        "ongoing_risk",
        "How any ongoing risk will be managed",
        "Enter how any ongoing risk will be managed",
        "close",
        _filled("ongoing_risk_management"),
    ),
)

ALL_RECORDED = Q()
for _element in ELEMENTS:
    ALL_RECORDED &= _element.recorded


def recorded_annotations() -> dict:
    """`rec_<key>` booleans for every element, for .annotate() or .values()."""
    return {f"rec_{e.key}": ExpressionWrapper(e.recorded, output_field=BooleanField()) for e in ELEMENTS}


@dataclass(frozen=True)
class ChecklistItem:
    element: Element
    done: bool


def checklist_from_row(row: dict) -> list[ChecklistItem]:
    """The checklist of one enquiry from a row annotated with `recorded_annotations()`."""
    return [ChecklistItem(e, bool(row[f"rec_{e.key}"])) for e in ELEMENTS]
