"""Reads for care and support plans and reviews: a person's plans, the versions of a plan,
the comparison of two versions, when reviews are due, and the manager's waiting list.

Callers have already been through `careact.permissions.get_record_for_user` or
`cases.permissions.get_person_for_user` for the person. Every list is a fixed number of
queries whatever its length (annotations, never a query per row).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Subquery, Window
from django.utils import timezone

from accounts.models import TEAM_LEAD_ROLES
from accounts.selectors import current_memberships, leads_team

from . import review_rules
from .models import (
    AdultOutcome,
    Assessment,
    AssessmentStatus,
    CarePlan,
    CarerOutcome,
    DirectPayment,
    PlanStatus,
    PlanTransition,
    Review,
    ReviewKind,
)
from .services.plans import FIELD_LABELS, IN_PROGRESS, plan_problems

S = PlanStatus
DUE_SOON_DAYS = 28  # a planned review shows as "due soon" four weeks ahead
AWAITING_SHOWN = 10
CURRENT = (S.DRAFT, S.AWAITING_AUTHORISATION, S.ACTIVE)


# --- When reviews are due ---------------------------------------------------------------


@dataclass
class ReviewSchedule:
    """When this version's light-touch and next planned reviews are due, for the page."""

    light_touch_opens: datetime.date
    light_touch_due: datetime.date
    light_touch_held_on: datetime.date | None
    annual_due: datetime.date
    today: datetime.date

    @property
    def light_touch_state(self) -> str:
        """done, not_yet (before 6 weeks), due (6-8 weeks) or overdue (after 8 weeks)."""
        if self.light_touch_held_on:
            return "done"
        if self.today < self.light_touch_opens:
            return "not_yet"
        return "overdue" if review_rules.is_overdue(self.light_touch_due, self.today) else "due"

    @property
    def annual_state(self) -> str:
        """overdue, due_soon (within four weeks) or scheduled."""
        if review_rules.is_overdue(self.annual_due, self.today):
            return "overdue"
        if (self.annual_due - self.today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return "scheduled"

    @property
    def next_due(self) -> datetime.date:
        """The next review date to show in a list: the light-touch one until it is held."""
        if not self.light_touch_held_on and self.light_touch_due < self.annual_due:
            return self.light_touch_due
        return self.annual_due

    @property
    def next_overdue(self) -> bool:
        return review_rules.is_overdue(self.next_due, self.today)


def review_schedule(plan: CarePlan, *, last_review_on=None, light_touch_on=None, today=None):
    """The schedule of an ACTIVE plan (None for any other): light-touch 6-8 weeks after it
    was agreed (seed 003 s2) and planned 12 months after agreement or the latest review
    (Care Act s27; statutory guidance 13.32)."""
    if plan.status != S.ACTIVE or plan.agreed_on is None:
        return None
    opens, due = review_rules.light_touch_window(plan.agreed_on)
    return ReviewSchedule(
        light_touch_opens=opens,
        light_touch_due=due,
        light_touch_held_on=review_rules.light_touch_done_on(light_touch_on, last_review_on),
        annual_due=review_rules.annual_review_due(plan.agreed_on, last_review_on),
        today=today or timezone.localdate(),
    )


def _with_review_dates(plans):
    """Annotate the latest review of each version and its light-touch review, if held."""
    reviews = Review.objects.filter(plan=OuterRef("pk")).order_by("-held_on", "-pk")
    return plans.annotate(
        last_review_on=Subquery(reviews.values("held_on")[:1]),
        last_review_kind=Subquery(reviews.values("kind")[:1]),
        last_review_outcome=Subquery(reviews.values("outcome")[:1]),
        light_touch_on=Subquery(reviews.filter(kind=ReviewKind.LIGHT_TOUCH).values("held_on")[:1]),
    )


def _attach_schedule(plan: CarePlan, today) -> CarePlan:
    plan.schedule = review_schedule(
        plan, last_review_on=plan.last_review_on, light_touch_on=plan.light_touch_on, today=today
    )
    return plan


# --- A person's plans -------------------------------------------------------------------


@dataclass
class PersonPlans:
    current: list = field(default_factory=list)  # draft, waiting or in place
    earlier: list = field(default_factory=list)  # superseded or ended
    startable: list = field(default_factory=list)  # authorised assessments with no plan yet


def plans_for_person(person) -> PersonPlans:
    """The person's plans with the latest review and the review schedule of each: two
    queries (plans, assessments to start from) whatever their number."""
    today = timezone.localdate()
    plans = list(
        _with_review_dates(CarePlan.objects.filter(person=person))
        .select_related("team")
        .order_by("kind", "-version_number", "-pk")
    )
    result = PersonPlans()
    for plan in plans:
        _attach_schedule(plan, today)
        (result.current if plan.status in CURRENT else result.earlier).append(plan)
    result.startable = list(
        Assessment.objects.filter(person=person, status=AssessmentStatus.AUTHORISED)
        .filter(~Exists(CarePlan.objects.filter(assessment=OuterRef("pk"))))
        .order_by("-completed_on", "-pk")
    )
    return result


def plan_in_progress(person_id: int, kind: str) -> CarePlan | None:
    """A draft or waiting plan of this kind: there can be only one."""
    return CarePlan.objects.filter(person_id=person_id, kind=kind, status__in=IN_PROGRESS).first()


def plan_in_place(person_id: int, kind: str) -> CarePlan | None:
    return CarePlan.objects.filter(person_id=person_id, kind=kind, status=S.ACTIVE).first()


def plan_with_schedule(plan: CarePlan) -> CarePlan:
    """The plan's latest review and review schedule, in one query."""
    dates = _with_review_dates(CarePlan.objects.filter(pk=plan.pk)).values(
        "last_review_on", "last_review_kind", "last_review_outcome", "light_touch_on"
    )[0]
    for key, value in dates.items():
        setattr(plan, key, value)
    return _attach_schedule(plan, timezone.localdate())


def transitions_for(plan: CarePlan) -> list[PlanTransition]:
    return list(plan.transitions.select_related("actor").order_by("at", "pk"))


def reviews_for(plan: CarePlan) -> list[Review]:
    return list(plan.reviews.select_related("recorded_by").order_by("-held_on", "-pk"))


def problems_for(plan: CarePlan) -> list[str]:
    """What the plan still needs before it can be sent for authorisation."""
    return plan_problems(plan) if plan.status == S.DRAFT else []


def revision_of(plan: CarePlan) -> CarePlan | None:
    """The draft or waiting version that will replace this plan, if any."""
    return CarePlan.objects.filter(previous=plan, status__in=IN_PROGRESS).first()


# --- Versions ---------------------------------------------------------------------------


def plan_versions(plan: CarePlan) -> list[CarePlan]:
    """Every version in this plan's chain, oldest first (one query): walk `previous` back
    and forward from the plan among the person's plans of the same kind."""
    plans = {
        p.pk: p
        for p in CarePlan.objects.filter(person_id=plan.person_id, kind=plan.kind).select_related(
            "authorised_by", "written_by"
        )
    }
    by_previous = {p.previous_id: p for p in plans.values() if p.previous_id}
    chain, current = [], plans.get(plan.pk, plan)
    while current is not None and current not in chain:
        chain.insert(0, current)
        current = plans.get(current.previous_id)
    current = by_previous.get(plan.pk)
    while current is not None and current not in chain:
        chain.append(current)
        current = by_previous.get(current.pk)
    return chain


@dataclass
class FieldDifference:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class NeedDifference:
    need: str
    change: str  # added, removed, changed, same
    old: dict | None
    new: dict | None


@dataclass
class PlanComparison:
    old: CarePlan
    new: CarePlan
    fields: list[FieldDifference]
    needs: list[NeedDifference]

    @property
    def changed_count(self) -> int:
        return sum(f.changed for f in self.fields) + sum(n.change != "same" for n in self.needs)


def money(value) -> str:
    return f"£{Decimal(value):,.2f} a week" if value is not None and value != "" else "Not recorded"


def describe_value(field_name: str, value) -> str:
    """A plan field's value as words, for comparisons and stale-edit messages."""
    if field_name == "needs":
        rows = value or []
        return "; ".join(
            f"{row.get('need')} ({'' if row.get('eligible') else 'not '}eligible): {row.get('how_met')}"
            for row in rows
            if isinstance(row, dict)
        )
    if field_name in ("personal_budget_weekly", "direct_payment_weekly"):
        return money(value) if value not in (None, "") else ""
    if field_name == "direct_payment":
        return DirectPayment(value).label if value in DirectPayment.values else ""
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value or "")


def _need_key(row: dict) -> str:
    return " ".join(str(row.get("need", "")).split()).casefold()


def compare_plans(old: CarePlan, new: CarePlan) -> PlanComparison:
    """Field by field, and need by need (matched by what the need is): added, removed,
    changed (eligibility or how it is met) or the same. No queries."""
    fields = [
        FieldDifference(
            FIELD_LABELS[name],
            describe_value(name, getattr(old, name)),
            describe_value(name, getattr(new, name)),
        )
        for name in FIELD_LABELS
        if name != "needs"
    ]
    fields.insert(
        0,
        FieldDifference(
            "Assessment",
            f"{old.assessment.get_kind_display()} version {old.assessment.version_number}",
            f"{new.assessment.get_kind_display()} version {new.assessment.version_number}",
        ),
    )
    old_needs = {_need_key(row): row for row in old.needs or [] if isinstance(row, dict)}
    new_needs = {_need_key(row): row for row in new.needs or [] if isinstance(row, dict)}
    needs = []
    for key, row in new_needs.items():
        before = old_needs.get(key)
        if before is None:
            needs.append(NeedDifference(row.get("need"), "added", None, row))
        else:
            same = (before.get("eligible"), before.get("how_met")) == (
                row.get("eligible"),
                row.get("how_met"),
            )
            needs.append(NeedDifference(row.get("need"), "same" if same else "changed", before, row))
    needs.extend(
        NeedDifference(row.get("need"), "removed", row, None)
        for key, row in old_needs.items()
        if key not in new_needs
    )
    return PlanComparison(old=old, new=new, fields=fields, needs=needs)


# --- From an assessment -----------------------------------------------------------------


def needs_from_assessment(assessment: Assessment) -> list[dict]:
    """The outcomes the assessment found the person unable to achieve, as suggested needs
    (eligible when the determination was eligible); the worker writes how each is met."""
    labels = dict((CarerOutcome if assessment.is_carer else AdultOutcome).choices)
    suggestions = []
    for key, label in labels.items():
        answer = (assessment.outcomes or {}).get(key) or {}
        if isinstance(answer, dict) and answer.get("unable"):
            notes = str(answer.get("notes") or "").strip()
            suggestions.append(
                {
                    "need": f"{label}: {notes}" if notes else label,
                    "eligible": bool(assessment.eligible),
                    "how_met": "",
                }
            )
    return suggestions


# --- Managers ---------------------------------------------------------------------------


def led_team_ids(user) -> list[int]:
    return sorted({m.team_id for m in current_memberships(user) if m.role in TEAM_LEAD_ROLES})


def leads_any_team(user) -> bool:
    return bool(led_team_ids(user))


def can_authorise(user, plan: CarePlan) -> bool:
    """The rule of services.authorise_plan, to decide whether to offer it."""
    return (
        plan.status == S.AWAITING_AUTHORISATION
        and leads_team(user, plan.team_id)
        and plan.written_by_id != user.pk
    )


def awaiting_queryset(user, team_id: int | None = None):
    """Plans waiting in the teams the user leads (or one of them) that they did not write,
    oldest first: a manager cannot authorise their own plan."""
    team_ids = led_team_ids(user)
    if team_id is not None:
        team_ids = [t for t in team_ids if t == team_id]
    return (
        CarePlan.objects.filter(team_id__in=team_ids, status=S.AWAITING_AUTHORISATION)
        .exclude(written_by=user)
        .select_related("person", "team", "written_by")
        .order_by("updated_at", "pk")
    )


def awaiting_authorisation_for(user, limit: int = AWAITING_SHOWN) -> tuple[list[CarePlan], int]:
    """The first `limit` plans waiting for the user, and how many in all (one query)."""
    if not led_team_ids(user):
        return [], 0
    shown = list(awaiting_queryset(user).annotate(waiting_total=Window(Count("pk")))[:limit])
    return shown, (shown[0].waiting_total if shown else 0)


def led_teams(user) -> list:
    """The teams the user leads, for the filter on the waiting list."""
    seen = {}
    for membership in current_memberships(user):
        if membership.role in TEAM_LEAD_ROLES:
            seen.setdefault(membership.team_id, membership.team)
    return sorted(seen.values(), key=lambda team: team.name)


def latest_plan_from(assessment: Assessment) -> CarePlan | None:
    """The newest plan resting on this assessment, so its page can link to it or offer to
    start one."""
    return CarePlan.objects.filter(assessment=assessment).order_by("-version_number", "-pk").first()
