"""Reads for Mental Health Act assessment requests: who may use them, the live board with its
clocks, a request with its history, and a person's requests.

The live board is a fixed number of queries whatever its length: the place-of-safety deadline
is computed in SQL from the rules in force on the arrival date (amhp.rules), so the board is
ordered and counted in the database.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, DurationField, ExpressionWrapper, F, Q, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Role, ServiceLine, Team, User
from accounts.selectors import can_see_person_data, current_memberships, has_role
from cases.models import AccessAction, AccessBasis, Person
from cases.permissions import VIEW_PERSON, PersonAccess, get_record_for_user, log_access

from . import rules
from .models import (
    PLACE_OF_SAFETY_STATUSES,
    Approval,
    MhaAssessment,
    MhaRequest,
    MhaRequestTransition,
    RequestStatus,
    ShiftAssignment,
)

AMHP_ROLES = (Role.AMHP, Role.AMHP_LEAD)
# Business support in the AMHP team take requests by phone too.
INTAKE_ROLES = (*AMHP_ROLES, Role.BUSINESS_SUPPORT)
LIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.ALLOCATED)
AMBER_BEFORE = datetime.timedelta(hours=6)


# --- Who may do what ----------------------------------------------------------------------


def amhp_teams(user, roles=INTAKE_ROLES) -> list[Team]:
    """AMHP service teams in which the user now holds one of `roles`."""
    seen = {}
    for membership in current_memberships(user):
        if membership.team.service_line == ServiceLine.AMHP and membership.role in roles:
            seen.setdefault(membership.team_id, membership.team)
    return list(seen.values())


def led_amhp_teams(user) -> list[Team]:
    return amhp_teams(user, roles=(Role.AMHP_LEAD,))


def uses_board(user) -> bool:
    """AMHP team members, and any AMHP (one in a community team may be allocated a request)."""
    return can_see_person_data(user) and (bool(amhp_teams(user)) or has_role(user, Role.AMHP))


def works_on(user, request: MhaRequest) -> bool:
    """AMHPs, the lead and business support of the request's team, and its allocated AMHP."""
    if request.allocated_amhp_id == user.pk:
        return True
    return any(team.pk == request.team_id for team in amhp_teams(user))


def is_amhp_in_team(user, request: MhaRequest) -> bool:
    """AMHPs and the lead of the request's team (allocation, withdrawal)."""
    return any(team.pk == request.team_id for team in amhp_teams(user, roles=AMHP_ROLES))


# --- The register, read for allocation and applications ------------------------------------


def _valid_on(on: datetime.date, prefix: str = "") -> Q:
    """An approval valid on a date: approved_on <= date <= expires_on, not ended by then."""
    return Q(
        **{f"{prefix}approved_on__lte": on, f"{prefix}expires_on__gte": on},
    ) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on}))


def holds_valid_approval(user, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return Approval.objects.filter(_valid_on(on), amhp__user=user).exists()


def approved_amhps(on: datetime.date | None = None, *, organisation=None):
    """Active users with an AMHP approval valid on the date, by name; with `organisation`,
    only those working in one of its teams now (the council's own AMHPs, seconded staff
    included: several councils share the system)."""
    on = on or timezone.localdate()
    users = User.objects.filter(
        is_active=True, pk__in=Approval.objects.filter(_valid_on(on)).values("amhp__user_id")
    )
    if organisation is not None:
        members = Membership.objects.current().filter(team__organisation=organisation)
        users = users.filter(pk__in=members.values("user_id"))
    return users.select_related("amhp_profile").order_by("full_name", "pk")


def works_for(user, organisation) -> bool:
    return Membership.objects.current().filter(user=user, team__organisation=organisation).exists()


def on_duty_amhp_ids(team, at: datetime.datetime | None = None) -> set[int]:
    """Users assigned to one of the team's shifts running now (the rota)."""
    at = at or timezone.now()
    return set(
        ShiftAssignment.objects.filter(
            shift__team=team, shift__starts_at__lte=at, shift__ends_at__gt=at, removed_at__isnull=True
        ).values_list("amhp__user_id", flat=True)
    )


@dataclass(frozen=True)
class AmhpChoice:
    user: User
    on_duty: bool
    is_locum: bool

    @property
    def label(self) -> str:
        notes = [n for n, on in (("on duty now", self.on_duty), ("locum", self.is_locum)) if on]
        return f"{self.user.display_name} ({', '.join(notes)})" if notes else self.user.display_name


def allocation_choices(request: MhaRequest) -> list[AmhpChoice]:
    """The council's AMHPs approved today, those on the team's duty rota now first (two queries)."""
    on_duty = on_duty_amhp_ids(request.team)
    choices = [AmhpChoice(user, user.pk in on_duty, user.amhp_profile.is_locum) for user in approved_amhps()]
    return sorted(choices, key=lambda c: (not c.on_duty, c.user.full_name, c.user.pk))


# --- Clocks in SQL --------------------------------------------------------------------------

ONE_HOUR = datetime.timedelta(hours=1)


def place_of_safety_deadline_sql(prefix: str = ""):
    """SQL for amhp.rules.place_of_safety_deadline: arrival + the hours of the rules in force
    on the arrival date (Europe/London) + the extension; NULL for other legal statuses."""
    arrived = f"{prefix}arrived_at_place_of_safety"
    base_hours = Case(
        *[
            When(**{f"{arrived}__date__gte": r.commences_on}, then=Value(r.place_of_safety_hours))
            for r in reversed(rules.commenced_rule_sets())
        ],
        default=Value(rules.RULE_SETS[0].place_of_safety_hours),
    )
    period = ExpressionWrapper(
        (base_hours + F(f"{prefix}extension_hours")) * Value(ONE_HOUR), output_field=DurationField()
    )
    return Case(
        When(
            **{f"{prefix}legal_status__in": PLACE_OF_SAFETY_STATUSES, f"{arrived}__isnull": False},
            then=ExpressionWrapper(F(arrived) + period, output_field=DateTimeField()),
        ),
        default=None,
        output_field=DateTimeField(),
    )


# --- The live board -----------------------------------------------------------------------


def live_requests(user):
    """Open and allocated requests of the user's AMHP teams, and any allocated to the user:
    place-of-safety deadlines soonest first (breaches first), then the longest waiting."""
    teams = [team.pk for team in amhp_teams(user)]
    return (
        MhaRequest.objects.filter(status__in=LIVE_STATUSES)
        .filter(Q(team_id__in=teams) | Q(allocated_amhp=user))
        .select_related("person", "allocated_amhp", "team")
        .annotate(pos_deadline=place_of_safety_deadline_sql())
        .order_by(F("pos_deadline").asc(nulls_last=True), "received_at", "pk")
    )


def describe_duration(delta: datetime.timedelta, *, days: bool = False) -> str:
    """ "26 hours 10 minutes", "1 hour", "45 minutes", "less than a minute" (rounded down);
    with `days`, "2 days 3 hours" (for long waits, not for statutory clocks counted in hours)."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes == 0:
        return "less than a minute"
    whole_days, rest = divmod(minutes, 24 * 60) if days else (0, minutes)
    hours, minutes = divmod(rest, 60)
    parts = [(whole_days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


@dataclass
class Clock:
    """A statutory clock at a moment: 'breached', 'amber' (under 6 hours left) or 'running'."""

    deadline: datetime.datetime
    now: datetime.datetime

    @property
    def remaining(self) -> datetime.timedelta:
        return self.deadline - self.now

    @property
    def breached(self) -> bool:
        return self.now >= self.deadline

    @property
    def band(self) -> str:
        if self.breached:
            return "breached"
        return "amber" if self.remaining < AMBER_BEFORE else "running"

    @property
    def text(self) -> str:
        if self.breached:
            return f"Breached by {describe_duration(self.remaining)}"
        return f"{describe_duration(self.remaining)} left"


@dataclass
class BoardRow:
    request: MhaRequest
    clock: Clock | None
    waiting: str  # time since received, for requests without a place-of-safety clock


def board_rows(requests, now: datetime.datetime | None = None) -> list[BoardRow]:
    """The clock of each live request (no queries: the deadline is annotated)."""
    now = now or timezone.now()
    rows = []
    for request in requests:
        deadline = getattr(request, "pos_deadline", None)
        clock = Clock(deadline, now) if deadline is not None else None
        rows.append(BoardRow(request, clock, describe_duration(now - request.received_at, days=True)))
    return rows


def live_summary(user) -> dict:
    """Counts for the home panel, in one query: live, unallocated, breached, under 6 hours."""
    now = timezone.now()
    return (
        live_requests(user)
        .order_by()
        .aggregate(
            live=Count("pk"),
            unallocated=Count("pk", filter=Q(status=RequestStatus.OPEN)),
            breached=Count("pk", filter=Q(pos_deadline__lte=now)),
            amber=Count("pk", filter=Q(pos_deadline__gt=now, pos_deadline__lt=now + AMBER_BEFORE)),
        )
    )


# --- One request --------------------------------------------------------------------------


def get_request_for_user(user, pk, *, perm: str = VIEW_PERSON, what: str) -> tuple[MhaRequest, PersonAccess]:
    """A request whose person the user may see (relationship or break-glass), logged; or 404.

    A withdrawn request no longer gives its team access to the person, yet the team must
    still reach its own record of it: its AMHP team members then read it as the team's
    record (logged with that basis), for viewing only.
    """
    related = ("team", "allocated_amhp", "created_by")
    try:
        return get_record_for_user(user, MhaRequest, pk, perm=perm, what=what, select_related=related)
    except Http404:
        request = MhaRequest.objects.select_related(*related).filter(pk=pk).first()
        own_record = (
            request is not None
            and perm == VIEW_PERSON
            and request.status == RequestStatus.WITHDRAWN
            and can_see_person_data(user)
            and works_on(user, request)
        )
        if not own_record:
            raise
        person = Person.objects.get(pk=request.person_id)
        log_access(
            user=user, person=person, basis=AccessBasis.TEAM_RECORD, action=AccessAction.VIEW, what=what
        )
        request.person = person
        return request, PersonAccess(person=person, basis=AccessBasis.TEAM_RECORD)


def request_history(request: MhaRequest):
    return list(
        MhaRequestTransition.objects.filter(request=request).select_related("actor").order_by("at", "pk")
    )


def assessment_for(request: MhaRequest) -> MhaAssessment | None:
    return (
        MhaAssessment.objects.filter(request=request)
        .select_related("amhp")
        .prefetch_related("recommendations", "delays")
        .first()
    )


def teams_holding(person) -> list[Team]:
    """Teams with an active relationship with the person (shown as "Known to")."""
    from cases.selectors import active_relationships_for

    return sorted({r.team for r in active_relationships_for(person) if r.team_id}, key=lambda t: t.name)


PERSON_PANEL_SIZE = 10


def requests_for_person(person, limit: int = PERSON_PANEL_SIZE) -> list[MhaRequest]:
    """The person's requests, newest first, with the outcome where assessed (one query)."""
    return list(
        MhaRequest.objects.filter(person=person)
        .select_related("team", "allocated_amhp", "assessment")
        .order_by("-received_at", "-pk")[:limit]
    )
