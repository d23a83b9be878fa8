"""The enquiry, step by step, to closure (Care Act 2014 s42(2); s68 advocacy; statutory
guidance 14.94-14.112; seed 000 6.27-6.31).

Each step saves with optimistic locking at the step's own fields: a save refused as stale
overwrites nothing and says what changed (a change to another step since the page was
opened does not block this one). Every save writes an EnquiryTransition (who and when);
the stage only moves forward: strategy -> enquiry -> planning -> review -> closed. Steps
can be revisited until closure, which is refused until every element seed 000's audit
looked for is recorded (`safeguarding.checklist`).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases.models import Relationship
from cases.services import DomainError, FieldChange, StaleEdit, end_relationship, end_relationships_for_source
from cases.services.reminders import resolve_reminders

from ..checklist import ELEMENTS, Element, recorded_annotations
from ..models import (
    Enquiry,
    EnquiryStage,
    EnquiryTransition,
    MspAsked,
    OutcomesAchieved,
    RiskAssessmentResult,
    RiskOutcome,
    YesNoDontKnow,
)
from ..permissions import can_close_enquiry, can_work_on_enquiry, is_sam_of
from .concerns import check_enquiry_staff, concern_source, enquiry_source, grant_enquiry_access

__all__ = [
    "ENQUIRY_REVIEW_KIND",
    "STAGE_ORDER",
    "STEP_FIELDS",
    "ClosureRefused",
    "change_enquiry_staff",
    "close_enquiry",
    "record_findings",
    "record_msp",
    "record_outcome",
    "record_plan",
    "record_review",
    "record_strategy",
]

ENQUIRY_REVIEW_KIND = "safeguarding.enquiry_review"
STAGE_ORDER = [
    EnquiryStage.STRATEGY,
    EnquiryStage.ENQUIRY,
    EnquiryStage.PLANNING,
    EnquiryStage.REVIEW,
    EnquiryStage.CLOSED,
]

STEP_FIELDS = {
    "staff": ("sam", "enquiry_officer"),
    "strategy": ("strategy_kind", "strategy_on", "strategy_attendees", "strategy_decisions"),
    "msp": (
        "msp_asked",
        "desired_outcomes",
        "lacks_capacity",
        "substantial_difficulty",
        "appropriate_person",
        "advocate",
    ),
    "findings": ("findings", "risk_assessment"),
    "plan": ("conference_on", "conference_attendees", "safeguarding_plan"),
    "review": ("review_on", "review_notes"),
    "outcome": ("risk_assessment_result", "action_taken", "risk_outcome", "outcomes_achieved"),
    "close": ("ongoing_risk_management",),
}
# Recording a step moves the enquiry at least this far.
STEP_STAGE = {
    "strategy": EnquiryStage.ENQUIRY,
    "plan": EnquiryStage.PLANNING,
    "review": EnquiryStage.REVIEW,
}
STEP_EVENTS = {
    "staff": "staff named",
    "strategy": "strategy recorded",
    "msp": "personal outcomes recorded",
    "findings": "findings recorded",
    "plan": "plan recorded",
    "review": "review recorded",
    "outcome": "outcome recorded",
}


class ClosureRefused(DomainError):
    """Closure refused: `missing` lists every element not yet recorded, in checklist order."""

    def __init__(self, missing: list[Element]):
        self.missing = missing
        super().__init__(
            "The enquiry cannot be closed until everything is recorded. Still missing: "
            + "; ".join(e.missing[:1].lower() + e.missing[1:] for e in missing)
        )


# --- Shared -----------------------------------------------------------------------------


def _text(value) -> str:
    return (value or "").strip()


def _require(value, message: str) -> str:
    value = _text(value)
    if not value:
        raise DomainError(message)
    return value


def _raw(obj, field: str):
    return getattr(obj, Enquiry._meta.get_field(field).attname)  # "sam_id" for the people named


def _display(field: str, value) -> str:
    """A value as a person reads it, for the 'what changed' table of a stale save."""
    if value is None or value == "":
        return ""
    model_field = Enquiry._meta.get_field(field)
    if model_field.is_relation:
        from accounts.models import User

        return str(User.objects.filter(pk=value).first() or "")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _stale(enquiry: Enquiry, expected_version: int, submitted: dict, fields) -> StaleEdit | None:
    """The step's own fields changed since `expected_version`: a StaleEdit saying how.

    None when the version moved on only through other steps' fields, so this save cannot
    overwrite anyone's work (the history row of that version tells what it held).
    """
    then = enquiry.history.filter(version=expected_version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in fields:
        now = _raw(enquiry, field)
        before = _raw(then, field) if then is not None else None
        mine = submitted.get(field)
        mine = getattr(mine, "pk", mine)
        merged[field] = now if mine == before else mine
        if then is None or before != now:
            label = str(Enquiry._meta.get_field(field).verbose_name)
            changes.append(
                FieldChange(
                    field,
                    label[:1].upper() + label[1:],
                    _display(field, before),
                    _display(field, now),
                    _display(field, mine),
                )
            )
    if not changes:
        return None
    return StaleEdit(current=enquiry, changes=changes, merged=merged)


def _lock(enquiry_id: int) -> Enquiry:
    enquiry = Enquiry.objects.select_for_update().select_related("concern", "team").get(pk=enquiry_id)
    if enquiry.stage == EnquiryStage.CLOSED:
        raise DomainError("This enquiry is closed: it can no longer be changed")
    return enquiry


def _check_version(enquiry: Enquiry, expected_version: int, submitted: dict, fields) -> None:
    if enquiry.version != expected_version:
        stale = _stale(enquiry, expected_version, submitted, fields)
        if stale is not None:
            raise stale


def _transition(enquiry, *, event, from_stage, by, reason="", details=None) -> EnquiryTransition:
    return EnquiryTransition.objects.create(
        enquiry=enquiry,
        event=event,
        from_stage=from_stage,
        to_stage=enquiry.stage,
        actor=by,
        reason=reason,
        details=details or {},
    )


def _save(enquiry: Enquiry, *, by, reason: str) -> None:
    enquiry.version += 1  # the row is locked, so this cannot race
    enquiry._history_user = by
    enquiry._change_reason = reason
    enquiry.save()


def _check_date(value, *, enquiry: Enquiry, what: str, required: str) -> datetime.date:
    if value is None:
        raise DomainError(required)
    if value > timezone.localdate():
        raise DomainError(f"The date of the {what} must be today or in the past")
    received = timezone.localdate(enquiry.concern.received_at)
    if value < received:
        raise DomainError(
            f"The date of the {what} cannot be before the concern was received ({received:%-d %B %Y})"
        )
    return value


# --- Step rules: each returns the values to save -----------------------------------------


def _strategy(enquiry: Enquiry, data: dict) -> dict:
    if data.get("strategy_kind") not in ("discussion", "meeting"):
        raise DomainError("Select whether it was a strategy discussion or a strategy meeting")
    return {
        "strategy_kind": data["strategy_kind"],
        "strategy_on": _check_date(
            data.get("strategy_on"),
            enquiry=enquiry,
            what="strategy discussion or meeting",
            required="Enter the date of the strategy discussion or meeting",
        ),
        "strategy_attendees": _require(data.get("strategy_attendees"), "Enter who attended"),
        "strategy_decisions": _require(data.get("strategy_decisions"), "Enter what was decided"),
    }


def _msp(enquiry: Enquiry, data: dict) -> dict:
    """Making Safeguarding Personal, capacity, and advocacy (Care Act s68: substantial
    difficulty being involved and no appropriate person means an independent advocate).

    Outcomes and whether they were achieved are kept only where the adult expressed
    outcomes, so the SAC's "achieved" counts only those (clearing them when the answer
    changes is deliberate)."""
    asked = data.get("msp_asked")
    if asked not in MspAsked.values:
        raise DomainError("Select whether the adult was asked what outcomes they want")
    values = {"msp_asked": asked, "desired_outcomes": ""}
    if asked == MspAsked.ASKED_EXPRESSED:
        values["desired_outcomes"] = _require(
            data.get("desired_outcomes"), "Enter the outcomes the adult wants"
        )
    elif enquiry.outcomes_achieved:
        values["outcomes_achieved"] = ""
    if data.get("lacks_capacity") not in YesNoDontKnow.values:
        raise DomainError("Select whether the adult lacks capacity about the enquiry")
    values["lacks_capacity"] = data["lacks_capacity"]
    difficulty = data.get("substantial_difficulty")
    if difficulty is None:
        raise DomainError("Select whether the adult has substantial difficulty being involved in the enquiry")
    values.update(
        substantial_difficulty=difficulty, appropriate_person=None, advocate=_text(data.get("advocate"))
    )
    if difficulty:
        appropriate = data.get("appropriate_person")
        if appropriate is None:
            raise DomainError("Select whether there is an appropriate person to support the adult")
        values["appropriate_person"] = appropriate
        if not appropriate and not values["advocate"]:
            raise DomainError(
                "Enter the independent advocate arranged: the adult has substantial difficulty and no "
                "appropriate person (Care Act section 68)"
            )
    else:
        values["advocate"] = ""
    return values


def _needs_strategy(enquiry: Enquiry) -> None:
    if enquiry.strategy_on is None:
        raise DomainError("Record the strategy discussion or meeting first")


def _findings(enquiry: Enquiry, data: dict) -> dict:
    _needs_strategy(enquiry)
    return {
        "findings": _require(data.get("findings"), "Enter the findings of the enquiry"),
        "risk_assessment": _require(data.get("risk_assessment"), "Enter the risk assessment"),
    }


def _plan(enquiry: Enquiry, data: dict) -> dict:
    _needs_strategy(enquiry)
    conference_on = _check_date(
        data.get("conference_on"),
        enquiry=enquiry,
        what="case conference",
        required="Enter the date of the case conference",
    )
    if conference_on < enquiry.strategy_on:
        raise DomainError("The case conference cannot be before the strategy discussion or meeting")
    return {
        "conference_on": conference_on,
        "conference_attendees": _text(data.get("conference_attendees")),
        "safeguarding_plan": _require(
            data.get("safeguarding_plan"), "Enter the safeguarding plan, based on the adult's outcomes"
        ),
    }


def _review(enquiry: Enquiry, data: dict) -> dict:
    _needs_strategy(enquiry)
    if enquiry.conference_on is None:
        raise DomainError("Record the case conference and safeguarding plan first")
    review_on = _check_date(
        data.get("review_on"), enquiry=enquiry, what="review", required="Enter the date of the review"
    )
    if review_on < enquiry.conference_on:
        raise DomainError("The review cannot be before the case conference")
    return {
        "review_on": review_on,
        "review_notes": _require(data.get("review_notes"), "Enter the review notes"),
    }


def _outcome(enquiry: Enquiry, data: dict) -> dict:
    """The SAC's risk questions for a concluded enquiry (SG2c, SG2e): what the risk assessment
    found; whether action was taken, which for an enquiry that ceased at the adult's request
    is always no (the SAC has no other category for it); and what happened to the risk,
    asked only where a risk was identified and refused otherwise (not applicable)."""
    _needs_strategy(enquiry)
    if not enquiry.msp_asked:
        raise DomainError("Record whether the adult was asked what outcomes they want first")
    found = data.get("risk_assessment_result")
    if found not in RiskAssessmentResult.values:
        raise DomainError("Select what the risk assessment found")
    action = data.get("action_taken")
    if found == RiskAssessmentResult.CEASED:
        if action:
            raise DomainError(
                "Select No for whether action was taken: an enquiry that ceased at the adult's "
                "request counts as no action taken"
            )
        action = False
    elif action is None:
        raise DomainError("Select whether action was taken")
    risk = data.get("risk_outcome") or ""
    if found == RiskAssessmentResult.IDENTIFIED:
        if risk not in RiskOutcome.values:
            raise DomainError("Select whether the risk remained, was reduced or was removed")
    elif risk:
        raise DomainError(
            "Select not applicable for what happened to the risk: it applies only when a risk was identified"
        )
    values = {
        "risk_assessment_result": found,
        "action_taken": action,
        "risk_outcome": risk,
        "outcomes_achieved": "",
    }
    if enquiry.msp_asked == MspAsked.ASKED_EXPRESSED:
        if data.get("outcomes_achieved") not in OutcomesAchieved.values:
            raise DomainError("Select whether the outcomes the adult wanted were achieved")
        values["outcomes_achieved"] = data["outcomes_achieved"]
    return values


STEP_RULES = {
    "strategy": _strategy,
    "msp": _msp,
    "findings": _findings,
    "plan": _plan,
    "review": _review,
    "outcome": _outcome,
}


@transaction.atomic
def _record_step(*, step: str, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    enquiry = _lock(enquiry_id)
    if not can_work_on_enquiry(by, enquiry):
        raise DomainError("Only the enquiry's safeguarding adults manager or enquiry officer can record this")
    fields = STEP_FIELDS[step]
    _check_version(enquiry, expected_version, data, fields)
    values = STEP_RULES[step](enquiry, data)
    changed = sorted(f for f, v in values.items() if getattr(enquiry, f) != v)
    from_stage = enquiry.stage
    wanted = STEP_STAGE.get(step, from_stage)
    to_stage = max(from_stage, wanted, key=STAGE_ORDER.index)
    if not changed and to_stage == from_stage:
        return enquiry  # a repeat: nothing to record
    for field, value in values.items():
        setattr(enquiry, field, value)
    enquiry.stage = to_stage
    _save(enquiry, by=by, reason=STEP_EVENTS[step].capitalize())
    _transition(enquiry, event=STEP_EVENTS[step], from_stage=from_stage, by=by, details={"fields": changed})
    if step == "review":
        resolve_reminders(
            kind=ENQUIRY_REVIEW_KIND, subject=f"safeguarding.enquiry:{enquiry.pk}", resolution="Reviewed"
        )
    return enquiry


def record_strategy(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    """Strategy discussion or meeting: kind, date, attendees and decisions. Moves the
    enquiry from strategy to enquiry (seed 000 6.29: cases stopped at strategy)."""
    return _record_step(
        step="strategy", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


def record_msp(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    """Making Safeguarding Personal, capacity and advocacy (statutory guidance 14.15; s68)."""
    return _record_step(
        step="msp", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


def record_findings(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    return _record_step(
        step="findings", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


def record_plan(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    """Case conference and a safeguarding plan based on the adult's outcomes; moves to planning."""
    return _record_step(
        step="plan", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


def record_review(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    return _record_step(
        step="review", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


def record_outcome(*, enquiry_id: int, data: dict, expected_version: int, by) -> Enquiry:
    """What the risk assessment found, whether action was taken, what happened to any risk
    identified and, where the adult expressed outcomes, whether they were achieved."""
    return _record_step(
        step="outcome", enquiry_id=enquiry_id, data=data, expected_version=expected_version, by=by
    )


# --- The people named -------------------------------------------------------------------


@transaction.atomic
def change_enquiry_staff(
    *, enquiry_id: int, sam, enquiry_officer, expected_version: int, by, reason: str = ""
) -> Enquiry:
    """Name the SAM and the enquiry officer (a SAM of the team decides). Each holds the adult
    personally while named; whoever is replaced loses that access at once."""
    enquiry = _lock(enquiry_id)
    if not is_sam_of(by, enquiry.team_id):
        raise DomainError(f"Only a safeguarding adults manager of {enquiry.team} can change who is named")
    _check_version(
        enquiry, expected_version, {"sam": sam, "enquiry_officer": enquiry_officer}, STEP_FIELDS["staff"]
    )
    check_enquiry_staff(team=enquiry.team, sam=sam, enquiry_officer=enquiry_officer)
    before = (enquiry.sam_id, enquiry.enquiry_officer_id)
    after = (sam.pk, enquiry_officer.pk if enquiry_officer else None)
    if before == after:
        return enquiry
    source = enquiry_source(enquiry)
    for relationship in (
        Relationship.objects.active()
        .filter(source=source, user__isnull=False)
        .exclude(user_id__in=[pk for pk in after if pk])
    ):
        end_relationship(relationship=relationship, by=by)
    enquiry.sam, enquiry.enquiry_officer = sam, enquiry_officer
    _save(enquiry, by=by, reason=_text(reason) or "SAM or enquiry officer changed")
    _transition(
        enquiry,
        event=STEP_EVENTS["staff"],
        from_stage=enquiry.stage,
        by=by,
        reason=_text(reason),
        details={
            "from_sam": before[0],
            "to_sam": after[0],
            "from_officer": before[1],
            "to_officer": after[1],
        },
    )
    grant_enquiry_access(enquiry, by=by)
    return enquiry


# --- Closure ----------------------------------------------------------------------------


def missing_elements(enquiry_id: int) -> list[Element]:
    row = Enquiry.objects.filter(pk=enquiry_id).values(**recorded_annotations()).get()
    return [e for e in ELEMENTS if not row[f"rec_{e.key}"]]


@transaction.atomic
def close_enquiry(*, enquiry_id: int, ongoing_risk_management: str, expected_version: int, by) -> Enquiry:
    """Close the enquiry with how any ongoing risk will be managed.

    Refused, listing everything still missing in one error (ClosureRefused), until every
    element of the checklist is recorded; then the SAM's, the officer's and the team's
    access through this concern and enquiry ends.
    """
    enquiry = Enquiry.objects.select_for_update().select_related("concern", "team").get(pk=enquiry_id)
    if enquiry.stage == EnquiryStage.CLOSED:
        return enquiry
    if not can_close_enquiry(by, enquiry):
        raise DomainError("Only the safeguarding adults manager can close the enquiry")
    submitted = {"ongoing_risk_management": ongoing_risk_management}
    _check_version(enquiry, expected_version, submitted, STEP_FIELDS["close"])
    ongoing = _text(ongoing_risk_management)
    # Everything else as the checklist judges the saved record; this page's own answer as typed.
    missing = [e for e in missing_elements(enquiry.pk) if e.key != "ongoing_risk"]
    if not ongoing:
        missing.append(next(e for e in ELEMENTS if e.key == "ongoing_risk"))
    if missing:
        raise ClosureRefused(missing)
    enquiry.ongoing_risk_management = ongoing
    from_stage = enquiry.stage
    enquiry.stage, enquiry.closed_at, enquiry.closed_by = EnquiryStage.CLOSED, timezone.now(), by
    _save(enquiry, by=by, reason="Enquiry closed")
    _transition(enquiry, event="closed", from_stage=from_stage, by=by)
    end_relationships_for_source(source=enquiry_source(enquiry), by=by)
    end_relationships_for_source(source=concern_source(enquiry.concern), by=by)
    resolve_reminders(
        kind=ENQUIRY_REVIEW_KIND, subject=f"safeguarding.enquiry:{enquiry.pk}", resolution="Closed"
    )
    return enquiry
