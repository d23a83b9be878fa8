"""Care and support plans and carer's support plans (Care Act s25), personal budgets (s26),
direct payments (s31-33) and reviews (s27).

One service per transition (ADR 3): each runs in a transaction, locks the plan, checks the
move against `PLAN_TRANSITIONS`, writes the status and a PlanTransition row, and sets the
history user and reason. The rules a step needs are checked here, so no screen can skip
them. Drafts are edited with optimistic locking (`version`); a stale save raises StaleEdit
and overwrites nothing.

Versions: a review that revises a plan, or a plan started from a reassessment while a plan
is in place, makes a new DRAFT version that points at the one it replaces (`previous`).
The old version stays ACTIVE until the new one is authorised, then becomes SUPERSEDED.
Both are kept.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from accounts.selectors import leads_team
from cases.models import CaseStatus, Person
from cases.services import DomainError, StaleEdit
from cases.services.people import FieldChange

from ..due_work import settle_reminders
from ..models import (
    Assessment,
    AssessmentStatus,
    CarePlan,
    DirectPayment,
    PlanKind,
    PlanStatus,
    PlanTransition,
    Review,
    ReviewKind,
    ReviewOutcome,
)

__all__ = [
    "PLAN_EDITABLE_FIELDS",
    "PLAN_TRANSITIONS",
    "PlanIncomplete",
    "authorise_plan",
    "clean_needs",
    "plan_problems",
    "record_review",
    "return_plan",
    "start_plan",
    "submit_plan",
    "update_plan",
]

S = PlanStatus
PLAN_TRANSITIONS = {
    S.DRAFT: {S.AWAITING_AUTHORISATION, S.ENDED},  # ended: the plan it revised has ended
    S.AWAITING_AUTHORISATION: {S.ACTIVE, S.DRAFT},  # authorised, or returned
    S.ACTIVE: {S.SUPERSEDED, S.ENDED},
}
IN_PROGRESS = (S.DRAFT, S.AWAITING_AUTHORISATION)
PLAN_EDITABLE_FIELDS = (
    "needs",
    "services",
    "personal_budget_weekly",
    "direct_payment",
    "direct_payment_weekly",
    "contingency",
    "agreed_on",
)
MONEY_LIMIT = Decimal("9999999.99")  # max_digits=9, decimal_places=2
PENNY = Decimal("0.01")
NEED_MAX_LENGTH = 300


class PlanIncomplete(DomainError):
    """A plan (or a review) cannot move on yet; `problems` lists everything missing, so the
    page shows them all in one error summary."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("The plan is not complete: " + "; ".join(self.problems))


# --- Checks -----------------------------------------------------------------------------


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _money(value, label: str) -> Decimal | None:
    """Pounds and pence, not negative, at most 2 decimal places; blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().lstrip("£").replace(",", ""))
    except InvalidOperation:
        raise DomainError(f"Enter the {label} as an amount in pounds, like 180.50") from None
    if not amount.is_finite():
        raise DomainError(f"Enter the {label} as an amount in pounds, like 180.50")
    if amount < 0:
        raise DomainError(f"The {label} must be £0 or more")
    if amount != amount.quantize(PENNY):
        raise DomainError(f"The {label} can only have pounds and pence, like 180.50")
    if amount > MONEY_LIMIT:
        raise DomainError(f"The {label} must be less than £10,000,000 a week")
    return amount.quantize(PENNY)


def clean_needs(needs) -> list[dict]:
    """Each need as {"need", "eligible", "how_met"} (s25(1)(a)-(b); statutory guidance 10.37):
    what the need is, whether it is eligible, and how it will be met. Rows must be complete."""
    if needs is None:
        return []
    if not isinstance(needs, list | tuple):
        raise DomainError("Enter the needs as a list")
    cleaned = []
    for number, row in enumerate(needs, start=1):
        if not isinstance(row, dict):
            raise DomainError(f"Need {number}: enter the need, whether it is eligible and how it is met")
        need, how_met, eligible = _text(row.get("need")), _text(row.get("how_met")), row.get("eligible")
        if not need:
            raise DomainError(f"Need {number}: enter the need")
        if len(need) > NEED_MAX_LENGTH:
            raise DomainError(f"Need {number}: the need must be {NEED_MAX_LENGTH} characters or fewer")
        if not isinstance(eligible, bool):
            raise DomainError(f"Need {number}: select whether it is an eligible need")
        if not how_met:
            raise DomainError(f"Need {number}: enter how the need will be met")
        cleaned.append({"need": need, "eligible": eligible, "how_met": how_met})
    return cleaned


def _assessment_completed_on(plan: CarePlan) -> datetime.date | None:
    assessment = plan.assessment
    if assessment.completed_on:
        return assessment.completed_on
    return timezone.localdate(assessment.authorised_at) if assessment.authorised_at else None


def _agreed_on_problem(plan: CarePlan, agreed_on) -> str | None:
    if agreed_on is None:
        return "Enter the date the plan was agreed with the person"
    if agreed_on > timezone.localdate():
        return "The date the plan was agreed must be today or in the past"
    completed = _assessment_completed_on(plan)
    if completed and agreed_on < completed:
        return (
            f"The date the plan was agreed must be on or after {completed:%-d %B %Y}, "
            "when the assessment was completed"
        )
    return None


def _direct_payment(values: dict) -> None:
    """Care Act s31-33: a direct payment is all or part of the personal budget."""
    choice = values["direct_payment"]
    budget = values["personal_budget_weekly"]
    if choice not in DirectPayment.values:
        raise DomainError("Select whether the personal budget is taken as a direct payment")
    if choice == DirectPayment.NONE:
        values["direct_payment_weekly"] = None
    elif choice == DirectPayment.FULL:
        values["direct_payment_weekly"] = budget
    else:
        amount = values["direct_payment_weekly"]
        if amount is None:
            raise DomainError("Enter the direct payment per week")
        if amount == 0:
            raise DomainError("The direct payment must be more than £0")
        if budget is None:
            raise DomainError("Enter the personal budget: the direct payment is part of it")
        if amount > budget:
            raise DomainError("The direct payment must not be more than the personal budget")


def plan_problems(plan: CarePlan) -> list[str]:
    """Everything a plan still needs before a manager can authorise it (s25-s26)."""
    problems = []
    if not plan.needs:
        problems.append("Add at least one need and how it will be met")
    else:
        try:
            clean_needs(plan.needs)
        except DomainError as exc:
            problems.append(str(exc))
    if not _text(plan.services):
        problems.append("Enter the services and support arranged")
    if not _text(plan.contingency):
        problems.append("Enter the contingency: what happens if the support breaks down")
    has_eligible = any(isinstance(row, dict) and row.get("eligible") is True for row in plan.needs or [])
    if plan.personal_budget_weekly is None and has_eligible:
        problems.append("Enter the personal budget: the plan has eligible needs (Care Act s26)")
    elif plan.personal_budget_weekly is None and plan.direct_payment != DirectPayment.NONE:
        problems.append("Enter the personal budget that the direct payment comes from")
    if plan.direct_payment == DirectPayment.PART and not plan.direct_payment_weekly:
        problems.append("Enter the direct payment per week")
    problem = _agreed_on_problem(plan, plan.agreed_on)
    if problem:
        problems.append(problem)
    return problems


# --- Shared steps -----------------------------------------------------------------------


def _log(plan: CarePlan, *, event: str, from_status: str, by, reason: str = "", details=None):
    PlanTransition.objects.create(
        plan=plan,
        event=event,
        from_status=from_status,
        to_status=plan.status,
        actor=by,
        reason=reason,
        details=details or {},
    )


def _save(plan: CarePlan, *, by, reason: str, fields=None) -> None:
    plan._history_user = by
    plan._change_reason = reason
    if fields:
        plan.save(update_fields=[*fields, "updated_at"])
    else:
        plan.save()


def _move(plan: CarePlan, to_status: str) -> str:
    if to_status not in PLAN_TRANSITIONS.get(plan.status, set()):
        raise DomainError(f"This plan is {plan.get_status_display().lower()}: that cannot be done now")
    from_status, plan.status = plan.status, to_status
    return from_status


def _lock(plan_id: int) -> CarePlan:
    return CarePlan.objects.select_for_update().select_related("assessment", "team").get(pk=plan_id)


def _in_progress(person_id: int, kind: str):
    return CarePlan.objects.filter(person_id=person_id, kind=kind, status__in=IN_PROGRESS)


def _refuse_second_in_progress(person_id: int, kind: str) -> None:
    existing = _in_progress(person_id, kind).first()
    if existing is not None:
        raise DomainError(
            f"This person already has a {existing.get_kind_display().split(' (')[0].lower()} in progress "
            f"(version {existing.version_number}, {existing.get_status_display().lower()}): "
            "carry on with that one"
        )


def _copy_content(source: CarePlan) -> dict:
    return {
        "needs": [dict(row) for row in source.needs or []],
        "services": source.services,
        "personal_budget_weekly": source.personal_budget_weekly,
        "direct_payment": source.direct_payment,
        "direct_payment_weekly": source.direct_payment_weekly,
        "contingency": source.contingency,
    }


def _manager_check(plan: CarePlan, by, action: str) -> None:
    if not leads_team(by, plan.team_id):
        raise DomainError(f"Only a manager of {plan.team.name} can {action} this plan")


# --- Services ---------------------------------------------------------------------------


@transaction.atomic
def start_plan(*, assessment, by) -> CarePlan:
    """A draft plan from an authorised assessment (s25). A carer's assessment gives a carer's
    support plan. If the person was found not eligible the plan may still meet needs under
    the council's power (s19; s20(6) for carers). If a plan of this kind is in place, the new
    one is its next version, starting as a copy, and replaces it once authorised."""
    Person.objects.select_for_update().filter(pk=assessment.person_id).first()
    assessment = Assessment.objects.select_for_update().select_related("case").get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.SUPERSEDED:
        raise DomainError("This assessment has been replaced by a reassessment: start the plan from that one")
    if assessment.status != AssessmentStatus.AUTHORISED:
        raise DomainError("A plan can only be started from an assessment a manager has authorised")
    if assessment.case.status != CaseStatus.OPEN:
        raise DomainError("The case this assessment belongs to is closed: reopen it first")
    kind = PlanKind.CARER_SUPPORT if assessment.is_carer else PlanKind.CARE_AND_SUPPORT
    _refuse_second_in_progress(assessment.person_id, kind)
    current = (
        CarePlan.objects.select_for_update()
        .filter(person_id=assessment.person_id, kind=kind, status=S.ACTIVE)
        .order_by("-version_number", "-pk")
        .first()
    )
    plan = CarePlan(
        kind=kind,
        person_id=assessment.person_id,
        case=assessment.case,
        team_id=assessment.team_id,
        assessment=assessment,
        written_by=by,
        status=S.DRAFT,
    )
    if current is not None:
        plan.previous, plan.version_number = current, current.version_number + 1
        for field, value in _copy_content(current).items():
            setattr(plan, field, value)
    _save(plan, by=by, reason="Plan started from an assessment")
    _log(
        plan,
        event="started",
        from_status="",
        by=by,
        details={"assessment": assessment.pk, "previous": current.pk if current else None},
    )
    return plan


@transaction.atomic
def update_plan(*, plan_id: int, data: dict, expected_version: int, by) -> CarePlan:
    """Save a draft, partly done or complete. Only the keys given change. A stale
    `expected_version` raises StaleEdit and saves nothing (DESIGN.md section 12)."""
    plan = _lock(plan_id)
    if plan.status != S.DRAFT:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: only a draft can be changed. "
            "To change an agreed plan, record a review that revises it"
        )
    if plan.version != expected_version:
        raise _stale_edit(plan, expected_version, data)
    values = {field: data.get(field, getattr(plan, field)) for field in PLAN_EDITABLE_FIELDS}
    values["needs"] = clean_needs(values["needs"])
    values["services"], values["contingency"] = _text(values["services"]), _text(values["contingency"])
    values["personal_budget_weekly"] = _money(values["personal_budget_weekly"], "personal budget")
    values["direct_payment_weekly"] = _money(values["direct_payment_weekly"], "direct payment")
    _direct_payment(values)
    agreed_on = values["agreed_on"]
    if agreed_on is not None:
        if not isinstance(agreed_on, datetime.date):
            raise DomainError("Enter the date the plan was agreed as a real date")
        problem = _agreed_on_problem(plan, agreed_on)
        if problem:
            raise DomainError(problem)
    if all(getattr(plan, field) == values[field] for field in PLAN_EDITABLE_FIELDS):
        return plan
    for field, value in values.items():
        setattr(plan, field, value)
    plan.version = expected_version + 1  # the row is locked, so this cannot race
    _save(plan, by=by, reason="Draft saved")
    return plan


@transaction.atomic
def submit_plan(*, plan_id: int, by) -> CarePlan:
    """Send a complete draft to a manager. Everything missing is reported at once."""
    plan = _lock(plan_id)
    if plan.status == S.AWAITING_AUTHORISATION:
        return plan
    if plan.status != S.DRAFT:
        raise DomainError(f"This plan is {plan.get_status_display().lower()}: it has already been authorised")
    problems = plan_problems(plan)
    if problems:
        raise PlanIncomplete(problems)
    from_status = _move(plan, S.AWAITING_AUTHORISATION)
    plan.version += 1
    _save(plan, by=by, reason="Sent for authorisation", fields=["status", "version"])
    _log(plan, event="submitted", from_status=from_status, by=by)
    return plan


@transaction.atomic
def authorise_plan(*, plan_id: int, by) -> CarePlan:
    """A manager of the plan's team, not its writer, authorises it: it is in place (ACTIVE)
    and the version it replaces, if any, is superseded."""
    plan = _lock(plan_id)
    if plan.status == S.ACTIVE:
        return plan
    if plan.status != S.AWAITING_AUTHORISATION:
        raise DomainError("Only a plan waiting for authorisation can be authorised")
    _manager_check(plan, by, "authorise")
    if plan.written_by_id == by.pk:
        raise DomainError("You wrote this plan: another manager must authorise it")
    problems = plan_problems(plan)
    if problems:
        raise PlanIncomplete(problems)
    previous = CarePlan.objects.select_for_update().filter(pk=plan.previous_id).first()
    from_status = _move(plan, S.ACTIVE)
    plan.authorised_by, plan.authorised_at = by, timezone.now()
    plan.version += 1
    _save(plan, by=by, reason="Authorised", fields=["status", "authorised_by", "authorised_at", "version"])
    _log(plan, event="authorised", from_status=from_status, by=by)
    if previous is not None and previous.status == S.ACTIVE:
        was = _move(previous, S.SUPERSEDED)
        previous.version += 1
        _save(
            previous, by=by, reason=f"Replaced by version {plan.version_number}", fields=["status", "version"]
        )
        _log(
            previous,
            event="superseded",
            from_status=was,
            by=by,
            reason=f"Replaced by version {plan.version_number}",
            details={"next": plan.pk},
        )
    return plan


@transaction.atomic
def return_plan(*, plan_id: int, by, reason: str) -> CarePlan:
    """A manager sends the plan back to the worker as a draft, saying why."""
    reason = _text(reason)
    if not reason:
        raise DomainError("Enter why the plan is being returned")
    plan = _lock(plan_id)
    if plan.status == S.DRAFT:
        last = plan.transitions.order_by("-at", "-pk").first()
        if last is not None and last.event == "returned":
            return plan
    if plan.status != S.AWAITING_AUTHORISATION:
        raise DomainError("Only a plan waiting for authorisation can be returned")
    _manager_check(plan, by, "return")
    from_status = _move(plan, S.DRAFT)
    plan.version += 1
    _save(plan, by=by, reason=f"Returned: {reason}", fields=["status", "version"])
    _log(plan, event="returned", from_status=from_status, by=by, reason=reason)
    return plan


REVIEW_FIELDS = (
    "kind",
    "held_on",
    "change_reason",
    "persons_views",
    "whats_working",
    "outcome",
    "outcome_reason",
)


def _clean_review(plan: CarePlan, data: dict) -> dict:
    values = {field: data.get(field) for field in REVIEW_FIELDS}
    for field in ("change_reason", "persons_views", "whats_working", "outcome_reason"):
        values[field] = _text(values[field])
    problems = []
    if values["kind"] not in ReviewKind.values:
        problems.append("Select the type of review")
    held_on = values["held_on"]
    if not isinstance(held_on, datetime.date):
        problems.append("Enter the date the review was held")
    elif held_on > timezone.localdate():
        problems.append("The date the review was held must be today or in the past")
    elif plan.agreed_on and held_on < plan.agreed_on:
        problems.append(
            f"The date the review was held must be on or after {plan.agreed_on:%-d %B %Y}, "
            "when the plan was agreed"
        )
    if values["kind"] == ReviewKind.UNPLANNED and not values["change_reason"]:
        problems.append("Enter what changed to prompt the review")
    if not values["whats_working"]:
        problems.append("Enter what is working and what is not")
    if values["outcome"] not in ReviewOutcome.values:
        problems.append("Select the outcome of the review")
    if not values["outcome_reason"]:
        problems.append("Enter the reasons for the outcome")
    if problems:
        raise PlanIncomplete(problems) if len(problems) > 1 else DomainError(problems[0])
    return values


@transaction.atomic
def record_review(*, plan_id: int, data: dict, by) -> CarePlan:
    """Review a plan in place (Care Act s27; statutory guidance 13.32).

    Outcome "continue" keeps the plan; "revise" makes a new DRAFT version copying this one
    (the old one stays in place until the new one is authorised); "end" ends the plan on
    the review date, and any revision still in progress ends with it.
    Returns the plan to go to next: the new draft for "revise", otherwise the reviewed plan.
    """
    plan = _lock(plan_id)
    if plan.status != S.ACTIVE:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: only a plan in place can be reviewed"
        )
    values = _clean_review(plan, data)
    if values["outcome"] == ReviewOutcome.REVISE:
        revision = CarePlan.objects.filter(previous=plan).first()
        if revision is not None:
            raise DomainError(
                f"A revised version of this plan (version {revision.version_number}) is already "
                f"{revision.get_status_display().lower()}: carry on with that one"
            )
        _refuse_second_in_progress(plan.person_id, plan.kind)
    review = Review(plan=plan, person_id=plan.person_id, recorded_by=by, **values)
    review._history_user = by
    review._change_reason = "Review recorded"
    review.full_clean()
    review.save()
    details = {"review": review.pk, "kind": review.kind, "outcome": review.outcome}
    settle_reminders(plan, resolution=f"Reviewed on {review.held_on:%d/%m/%Y}")
    if review.outcome == ReviewOutcome.END:
        label = ReviewKind(review.kind).label.split(" (")[0]
        from_status = _move(plan, S.ENDED)
        plan.ended_on, plan.end_reason = review.held_on, review.outcome_reason
        plan.version += 1
        _save(
            plan,
            by=by,
            reason=f"Ended after a review: {label}",
            fields=["status", "ended_on", "end_reason", "version"],
        )
        _log(
            plan, event="ended", from_status=from_status, by=by, reason=review.outcome_reason, details=details
        )
        _end_revisions(plan, on=review.held_on, by=by)
        return plan
    _log(
        plan, event="reviewed", from_status=plan.status, by=by, reason=review.outcome_reason, details=details
    )
    return _revise(plan, review=review, by=by) if review.outcome == ReviewOutcome.REVISE else plan


def _revise(plan: CarePlan, *, review: Review, by) -> CarePlan:
    revision = CarePlan(
        kind=plan.kind,
        person_id=plan.person_id,
        case_id=plan.case_id,
        team_id=plan.team_id,
        assessment_id=plan.assessment_id,
        previous=plan,
        version_number=plan.version_number + 1,
        status=S.DRAFT,
        written_by=by,
        **_copy_content(plan),
    )
    _save(revision, by=by, reason=f"Revision of version {plan.version_number} after a review")
    _log(
        revision,
        event="started",
        from_status="",
        by=by,
        reason=f"Revised after the review on {review.held_on:%-d %B %Y}",
        details={"review": review.pk, "previous": plan.pk},
    )
    return revision


def _end_revisions(plan: CarePlan, *, on, by) -> None:
    for revision in CarePlan.objects.select_for_update().filter(previous=plan, status__in=IN_PROGRESS):
        from_status = _move(revision, S.ENDED)
        revision.ended_on, revision.end_reason = on, "The plan it revised was ended"
        revision.version += 1
        _save(
            revision,
            by=by,
            reason="Ended with the plan it revised",
            fields=["status", "ended_on", "end_reason", "version"],
        )
        _log(revision, event="ended", from_status=from_status, by=by, reason=revision.end_reason)


# --- Optimistic locking -----------------------------------------------------------------

FIELD_LABELS = {
    "needs": "Needs and how they are met",
    "services": "Services and support arranged",
    "personal_budget_weekly": "Personal budget per week",
    "direct_payment": "Direct payment",
    "direct_payment_weekly": "Direct payment per week",
    "contingency": "Contingency",
    "agreed_on": "Date agreed with the person",
}


def _stale_edit(plan: CarePlan, version: int, submitted: dict) -> StaleEdit:
    """Three-way comparison of the version the editor saw, the plan now, and the form; the
    editor's own changes laid over the current plan go back in `merged`."""
    then = plan.history.filter(version=version).order_by("-history_id").first()
    changes, merged = [], {}
    for field in PLAN_EDITABLE_FIELDS:
        now = getattr(plan, field)
        before = getattr(then, field) if then is not None else now
        mine = submitted.get(field, before)
        merged[field] = now if mine == before else mine
        if before != now:
            changes.append(FieldChange(field, FIELD_LABELS[field], before, now, mine))
    return StaleEdit(current=plan, changes=changes, merged=merged)
