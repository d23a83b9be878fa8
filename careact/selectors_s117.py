"""Reads for the section 117 register and the one rule for when aftercare is next reviewed.

`s117_review_due` is the rule in Python; `with_review_due` is the same rule in SQL, so the
register can filter and sort by it and the reminder sweep can find due work in one query.
Both add whole calendar months and clamp to the month's last day (31 January + 1 month is
28 or 29 February), as PostgreSQL's `date + interval` does.
"""

import calendar
import datetime
from collections.abc import Mapping

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import Organisation, Team
from cases.models import BreakGlassAccess
from cases.permissions import relationship_exists

from .models import Section117Entitlement, Section117Review, Section117Status, Section117Transition

DEFAULT_REVIEW_INTERVAL_MONTHS = 12
DUE_SOON_DAYS = 28
REGISTER_PAGE_SIZE = 25
_MISSING = object()


# --- The review rule --------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months, clamped to the last day of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def s117_review_due(entitlement_or_fields) -> datetime.date | None:
    """When the aftercare is next to be reviewed: the later of the discharge date and the
    latest review, plus the review interval in months. None once it has ended.

    Takes an entitlement or a mapping with `discharged_on`, `review_interval_months`,
    `last_review_on` (the latest review's date, None if there is none; `with_review_due`
    annotates it) and optionally `status`. `last_review_on` must be given: the rule never
    queries, so a missing latest review is an error rather than a silently early date.
    """
    if isinstance(entitlement_or_fields, Mapping):
        get = entitlement_or_fields.get
    else:

        def get(name, default=None):
            return getattr(entitlement_or_fields, name, default)

    if get("status", Section117Status.ACTIVE) != Section117Status.ACTIVE:
        return None
    last_review_on = get("last_review_on", _MISSING)
    if last_review_on is _MISSING:
        raise TypeError("s117_review_due needs last_review_on (None when there has been no review)")
    discharged_on = get("discharged_on")
    start = max(discharged_on, last_review_on) if last_review_on else discharged_on
    return add_months(start, get("review_interval_months") or DEFAULT_REVIEW_INTERVAL_MONTHS)


def review_state(due_on: datetime.date | None, today: datetime.date | None = None) -> str:
    """ "overdue" after the due date, "due" from DUE_SOON_DAYS before it, else "scheduled"
    ("" when nothing is due)."""
    if due_on is None:
        return ""
    today = today or timezone.localdate()
    if due_on < today:
        return "overdue"
    if due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "scheduled"


class AddMonths(Func):
    """SQL: a date plus a number of months, as a date (PostgreSQL clamps to the month end)."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        sql = f"(({day_sql}) + make_interval(months => ({months_sql})::integer))::date"
        return sql, (*day_params, *months_params)


def _latest_review_subquery():
    reviews = Section117Review.objects.filter(entitlement=OuterRef("pk")).order_by("-held_on")
    return Subquery(reviews.values("held_on")[:1], output_field=DateField())


def with_review_due(entitlements):
    """Annotate `last_review_on` and `review_due_on` (the rule above, in SQL; NULL once
    ended)."""
    return entitlements.annotate(last_review_on=_latest_review_subquery()).annotate(
        review_due_on=Case(
            When(
                status=Section117Status.ACTIVE,
                then=AddMonths(
                    Greatest("discharged_on", Coalesce("last_review_on", "discharged_on")),
                    "review_interval_months",
                ),
            ),
            default=Value(None),
            output_field=DateField(),
        )
    )


def s117_active_with_review_due():
    """Every active entitlement with its next review date: for the reminder sweep."""
    return with_review_due(
        Section117Entitlement.objects.filter(status=Section117Status.ACTIVE).select_related("team", "person")
    )


# --- The register -----------------------------------------------------------------------


def _visible_entitlements(user):
    """Entitlements of people open to the user now: the same test as
    cases.permissions.visible_to (a relationship, or a live break-glass on an unrestricted
    record), written against the entitlement's person so it is a per-row EXISTS."""
    live_break_glass = BreakGlassAccess.objects.filter(
        user=user, person=OuterRef("person_id"), expires_at__gt=timezone.now()
    )
    person_ref = OuterRef("person_id")
    return Section117Entitlement.objects.filter(
        relationship_exists(user, person_ref=person_ref)
        | (Q(person__is_restricted=False) & Exists(live_break_glass))
    )


def s117_register(
    user, *, status: str = Section117Status.ACTIVE, team_id=None, section: str = "", overdue: bool = False
):
    """The register rows the user may see, soonest review first (ended ones last).

    Listing is not a read of one person's record (ADR 2): it shows the name of people the
    user may already open, and nothing else about them beyond the register's own columns.
    """
    entitlements = _visible_entitlements(user)
    if status in Section117Status.values:
        entitlements = entitlements.filter(status=status)
    if team_id:
        entitlements = entitlements.filter(team_id=team_id)
    if section:
        entitlements = entitlements.filter(section=section)
    entitlements = with_review_due(entitlements)
    if overdue:
        entitlements = entitlements.filter(review_due_on__lt=timezone.localdate())
    return entitlements.select_related("person", "team", "responsible_council", "responsible_icb").order_by(
        F("review_due_on").asc(nulls_last=True), "person__family_name", "person__given_name", "pk"
    )


def register_teams(user) -> list[Team]:
    """Teams that hold entries the user may see, for the register's team filter."""
    team_ids = _visible_entitlements(user).values("team_id")
    return list(Team.objects.filter(pk__in=team_ids).order_by("name"))


# --- One entitlement --------------------------------------------------------------------


def entitlements_for_person(person) -> list[Section117Entitlement]:
    return list(
        with_review_due(Section117Entitlement.objects.filter(person=person)).select_related(
            "team", "responsible_council", "responsible_icb"
        )
    )


def has_active_entitlement(entitlements) -> bool:
    return any(e.status == Section117Status.ACTIVE for e in entitlements)


def reviews_of(entitlement) -> list[Section117Review]:
    return list(entitlement.reviews.select_related("recorded_by").order_by("-held_on", "-pk"))


def transitions_of(entitlement) -> list[Section117Transition]:
    return list(entitlement.transitions.select_related("actor").order_by("at", "pk"))


def councils():
    return Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).order_by("name")


def icbs():
    return Organisation.objects.filter(kind=Organisation.Kind.ICB).order_by("name")
