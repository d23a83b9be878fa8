"""Reads for the AMHP rota: shifts with who is on them, gaps, who is on duty, my shifts.

An assignment counts towards cover only while the AMHP's approval holds for the whole shift:
an approval suspended after the rota was filled leaves a gap, and the rota says so. Every
read here is a fixed number of queries (shifts, assignments, approvals, patterns),
whatever the number of shifts or AMHPs.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Role, Team
from accounts.selectors import current_memberships, has_role_in_team

from .models import AmhpProfile, Shift, ShiftAssignment, ShiftPattern
from .services.register import first_invalid_day
from .services.rota import (
    LONDON,
    ROTA_ROLES,
    bank_holidays_between,
    pattern_applies,
    shift_dates,
    shift_hours,
    shift_times,
)

DEFAULT_GAP_WEEKS = 6
MAX_GAP_WEEKS = 26
PANEL_GAP_DAYS = 14
DAY = datetime.timedelta(days=1)


# --- Who may see what --------------------------------------------------------------------


def _teams_with(user, roles) -> list[Team]:
    seen = {}
    for membership in current_memberships(user):
        if membership.role in roles:
            seen.setdefault(membership.team_id, membership.team)
    return list(seen.values())


def rota_teams(user) -> list[Team]:
    """Teams whose rota the user may see: AMHPs and AMHP leads of the team."""
    return _teams_with(user, ROTA_ROLES)


def led_rota_teams(user) -> list[Team]:
    return _teams_with(user, (Role.AMHP_LEAD,))


def leads_rota(user, team_id: int) -> bool:
    return has_role_in_team(user, team_id, Role.AMHP_LEAD)


def pick_team(teams: list[Team], requested) -> Team | None:
    return next((t for t in teams if str(t.pk) == str(requested)), teams[0] if teams else None)


def shift_for_user(user, pk: int) -> Shift:
    """A shift of one of the user's AMHP teams; 404 otherwise."""
    team_ids = [t.pk for t in rota_teams(user)]
    shift = Shift.objects.select_related("pattern", "team").filter(pk=pk, team_id__in=team_ids).first()
    if shift is None:
        raise Http404("Not found")
    return shift


def assignment_for_user(user, pk: int) -> ShiftAssignment:
    team_ids = [t.pk for t in rota_teams(user)]
    assignment = (
        ShiftAssignment.objects.select_related("shift__pattern", "shift__team", "amhp__user")
        .filter(pk=pk, shift__team_id__in=team_ids)
        .first()
    )
    if assignment is None:
        raise Http404("Not found")
    return assignment


def patterns_for(team: Team):
    return ShiftPattern.objects.filter(team=team).order_by("-is_active", "starts_at", "name")


def pattern_for_user(user, pk: int) -> ShiftPattern:
    team_ids = [t.pk for t in rota_teams(user)]
    pattern = ShiftPattern.objects.filter(pk=pk, team_id__in=team_ids).first()
    if pattern is None:
        raise Http404("Not found")
    return pattern


# --- Shifts with cover -------------------------------------------------------------------


@dataclass
class OnShift:
    assignment: ShiftAssignment
    valid: bool

    @property
    def name(self) -> str:
        return self.assignment.amhp.user.display_name

    @property
    def is_locum(self) -> bool:
        return self.assignment.is_locum


@dataclass
class ShiftRow:
    """A shift (or, when `shift` is None, one the rota should have but has not built)."""

    pattern: ShiftPattern
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minimum: int
    is_bank_holiday: bool
    shift: Shift | None = None
    on_shift: list[OnShift] = field(default_factory=list)

    @property
    def built(self) -> bool:
        return self.shift is not None

    @property
    def hours(self) -> Decimal:
        return shift_hours(self.starts_at, self.ends_at)

    @property
    def covered(self) -> int:
        return sum(1 for a in self.on_shift if a.valid)

    @property
    def missing(self) -> int:
        return max(self.minimum - self.covered, 0)

    @property
    def status(self) -> str:
        if self.missing == 0:
            return "covered"
        return "uncovered" if self.covered == 0 else "under"

    def gap_hours(self, now: datetime.datetime) -> Decimal:
        """Hours still to fill: shift hours (from now, if it has begun) times AMHPs missing.
        To a tenth of an hour, so a running shift shows 12 rather than 11.98 and the total is
        the sum of the rows shown."""
        hours = shift_hours(max(self.starts_at, now), self.ends_at) * self.missing
        return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _assignments_prefetch():
    current = (
        ShiftAssignment.objects.filter(removed_at__isnull=True)
        .select_related("amhp__user")
        .prefetch_related("amhp__approvals")
        .order_by("assigned_at", "pk")
    )
    return Prefetch("assignments", queryset=current, to_attr="current_assignments")


def _row(shift: Shift) -> ShiftRow:
    first, last = shift_dates(shift.starts_at, shift.ends_at)
    on_shift = [
        OnShift(a, first_invalid_day(a.amhp.approvals.all(), first, last) is None)
        for a in shift.current_assignments
    ]
    return ShiftRow(
        shift.pattern,
        shift.date,
        shift.starts_at,
        shift.ends_at,
        shift.minimum_amhps,
        shift.is_bank_holiday,
        shift,
        on_shift,
    )


def _shifts(team_ids, **filters):
    return (
        Shift.objects.filter(team_id__in=team_ids, **filters)
        .select_related("pattern", "team")
        .prefetch_related(_assignments_prefetch())
        .order_by("starts_at", "pattern__name", "pk")
    )


def shift_row(shift_id: int) -> ShiftRow:
    return _row(_shifts_by_pk(shift_id))


def _shifts_by_pk(shift_id: int) -> Shift:
    return (
        Shift.objects.select_related("pattern", "team")
        .prefetch_related(_assignments_prefetch())
        .get(pk=shift_id)
    )


def _unbuilt(patterns, built: set, first: datetime.date, last: datetime.date) -> list[ShiftRow]:
    """Shifts the active patterns call for on these dates that have not been built."""
    holidays = bank_holidays_between(first, last)
    rows, day = [], first
    while day <= last:
        for pattern in patterns:
            if (pattern.pk, day) not in built and pattern_applies(pattern, day, day in holidays):
                start, end = shift_times(pattern, day)
                rows.append(ShiftRow(pattern, day, start, end, pattern.minimum_amhps, day in holidays))
        day += DAY
    return rows


@dataclass
class RotaDay:
    date: datetime.date
    is_bank_holiday: bool
    rows: list[ShiftRow]

    @property
    def not_built(self) -> int:
        return sum(1 for r in self.rows if not r.built)


def rota_days(team: Team, first: datetime.date, last: datetime.date) -> list[RotaDay]:
    """Every date from `first` to `last` with its shifts, built or still to build."""
    rows = [_row(s) for s in _shifts([team.pk], date__gte=first, date__lte=last)]
    built = {(r.pattern.pk, r.date) for r in rows}
    patterns = list(ShiftPattern.objects.filter(team=team, is_active=True))
    today = timezone.localdate()
    rows += _unbuilt(patterns, built, max(first, today), last) if last >= today else []
    holidays = bank_holidays_between(first, last)
    by_day: dict[datetime.date, list[ShiftRow]] = {}
    for row in rows:
        by_day.setdefault(row.date, []).append(row)
    days, day = [], first
    while day <= last:
        day_rows = sorted(by_day.get(day, []), key=lambda r: (r.starts_at, r.pattern.name))
        days.append(RotaDay(day, day in holidays, day_rows))
        day += DAY
    return days


# --- Gaps --------------------------------------------------------------------------------


@dataclass
class GapReport:
    first: datetime.date
    last: datetime.date
    now: datetime.datetime
    rows: list[ShiftRow]
    # False when the teams have no active pattern and no shift in the period: no gaps then
    # means no rota, not full cover.
    has_rota: bool = True

    @property
    def total_hours(self) -> Decimal:
        return sum((r.gap_hours(self.now) for r in self.rows), Decimal(0))

    @property
    def not_built(self) -> int:
        return sum(1 for r in self.rows if not r.built)

    @property
    def bank_holiday_rows(self) -> int:
        return sum(1 for r in self.rows if r.is_bank_holiday)

    def row_hours(self):
        return [(r, r.gap_hours(self.now)) for r in self.rows]


def find_gaps(team_ids, *, now: datetime.datetime, days: int) -> GapReport:
    """Every shift from now to the end of the `days`-th day that has fewer valid AMHPs than
    its minimum, and every shift the patterns call for but the rota has not built (a rota not
    yet built is a gap too). A shift already running counts its remaining hours."""
    today = timezone.localtime(now, LONDON).date()
    last = today + datetime.timedelta(days=days - 1)
    # From yesterday: last night's shift may still be running.
    shifts = [_row(s) for s in _shifts(team_ids, date__gte=today - DAY, date__lte=last)]
    built = {(r.pattern.pk, r.date) for r in shifts}
    patterns = list(ShiftPattern.objects.filter(team_id__in=team_ids, is_active=True).select_related("team"))
    unbuilt = _unbuilt(patterns, built, today - DAY, last)
    rows = [r for r in shifts if r.missing] + unbuilt
    rows = [r for r in rows if r.ends_at > now]
    rows.sort(key=lambda r: (r.starts_at, r.pattern.name))
    return GapReport(today, last, now, rows, has_rota=bool(shifts or patterns))


def panel_gaps(team_ids, *, now, days: int = PANEL_GAP_DAYS) -> dict:
    """For the lead's home panel: how many gaps in the next `days`, and whether there is a
    rota at all (no rota is not "no gaps")."""
    report = find_gaps(team_ids, now=now, days=days)
    return {"gap_count": len(report.rows), "has_rota": report.has_rota}


# --- Assigning ---------------------------------------------------------------------------


@dataclass
class Candidate:
    profile: AmhpProfile
    reason: str = ""  # why they cannot be put on the shift; empty when they can

    @property
    def name(self) -> str:
        return self.profile.user.display_name


def candidates(shift: Shift, *, exclude_ids=()) -> tuple[list[Candidate], list[Candidate]]:
    """(who can be put on the shift, who cannot and why): current AMHPs of the team on the
    register, with an approval valid through the shift and no overlapping shift."""
    members = Membership.objects.current().filter(
        user=OuterRef("user_id"), team=shift.team, role__in=ROTA_ROLES
    )
    busy = ShiftAssignment.objects.filter(
        amhp=OuterRef("pk"),
        removed_at__isnull=True,
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
    )
    on_this = ShiftAssignment.objects.filter(amhp=OuterRef("pk"), removed_at__isnull=True, shift=shift)
    profiles = (
        AmhpProfile.objects.filter(Exists(members))
        .exclude(pk__in=exclude_ids)
        .annotate(busy=Exists(busy), on_this=Exists(on_this))
        .select_related("user")
        .prefetch_related("approvals")
        .order_by("user__full_name", "pk")
    )
    first, last = shift_dates(shift.starts_at, shift.ends_at)
    able, unable = [], []
    for profile in profiles:
        if profile.on_this:
            continue
        invalid = first_invalid_day(profile.approvals.all(), first, last)
        if invalid is not None:
            unable.append(Candidate(profile, f"approval not valid on {invalid:%-d %B %Y}"))
        elif profile.busy:
            unable.append(Candidate(profile, "on an overlapping shift"))
        else:
            able.append(Candidate(profile))
    return able, unable


def shift_history(shift: Shift):
    """Everyone who has been on the shift, including those taken off or swapped."""
    return (
        ShiftAssignment.objects.filter(shift=shift)
        .select_related("amhp__user", "assigned_by", "removed_by")
        .order_by("assigned_at", "pk")
    )


# --- On duty, my shifts ------------------------------------------------------------------


def on_duty(team_ids, now: datetime.datetime) -> list[ShiftRow]:
    return [_row(s) for s in _shifts(team_ids, starts_at__lte=now, ends_at__gt=now)]


def my_assignments(profile: AmhpProfile, *, since: datetime.datetime):
    """The AMHP's current assignments on shifts ending after `since`, soonest first."""
    return (
        ShiftAssignment.objects.filter(amhp=profile, removed_at__isnull=True, shift__ends_at__gt=since)
        .select_related("shift__pattern", "shift__team")
        .order_by("shift__starts_at", "pk")
    )


def next_assignment(profile: AmhpProfile, now: datetime.datetime):
    return my_assignments(profile, since=now).filter(shift__starts_at__gt=now).first()


def affected_assignments(profile: AmhpProfile, from_day: datetime.date) -> int:
    """Current assignments on shifts that end after `from_day` begins (after an approval ends)."""
    start = datetime.datetime.combine(from_day, datetime.time(0), tzinfo=LONDON)
    return ShiftAssignment.objects.filter(
        amhp=profile, removed_at__isnull=True, shift__ends_at__gt=start
    ).count()
