"""The AMHP rota: shift patterns, building a month of shifts, and who is on each (issue 6).

The rota must never have a gap: the board papers name insufficient AMHP cover as a
statutory risk (seeds 000 and 003; MHA 1983 s114 and s13 make it the council's duty to
have enough AMHPs available at all hours). So:

- only an AMHP whose approval holds on every day a shift touches can be put on it (a night
  shift needs the next morning too), and one AMHP is never on two overlapping shifts;
- shift times are wall-clock Europe/London, stored as aware datetimes, so the night across
  the October clock change is 12 hours long and the March one 10;
- bank holidays (England and Wales, substitute days included) come from cases.workdays.

On a bank holiday only bank-holiday and every-day patterns run: the bank-holiday day shift
replaces the weekday or weekend one, so a Christmas Day on a Saturday is not staffed twice.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Role
from cases.services import DomainError
from cases.workdays import bank_holidays

from ..models import AmhpProfile, Shift, ShiftAssignment, ShiftKind, ShiftPattern, ShiftSwap
from .register import first_invalid_day

__all__ = [
    "BuildResult",
    "LONDON",
    "USUAL_PATTERNS",
    "assign_amhp",
    "bank_holidays_between",
    "build_rota",
    "create_pattern",
    "pattern_applies",
    "pattern_coverage_gaps",
    "record_swap",
    "remove_assignment",
    "set_up_usual_patterns",
    "shift_dates",
    "shift_hours",
    "shift_times",
    "update_pattern",
]

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
# How far ahead the lead may build: the holiday library knows future years, people don't.
BUILD_MONTHS_AHEAD = 12
ROTA_ROLES = (Role.AMHP, Role.AMHP_LEAD)


# --- Dates and times (pure) --------------------------------------------------------------


def bank_holidays_between(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """England and Wales bank holidays from `first` to `last`, from the holidays library."""
    days: set[datetime.date] = set()
    for year in range(first.year, last.year + 1):
        days |= {d for d in bank_holidays(year) if first <= d <= last}
    return days


def pattern_applies(pattern: ShiftPattern, day: datetime.date, is_bank_holiday: bool) -> bool:
    applies = pattern.applies_on
    if applies == ShiftPattern.AppliesOn.EVERY_DAY:
        return True
    if applies == ShiftPattern.AppliesOn.BANK_HOLIDAYS:
        return is_bank_holiday
    if is_bank_holiday:
        return False
    if applies == ShiftPattern.AppliesOn.WEEKDAYS:
        return day.weekday() < 5
    return day.weekday() >= 5  # weekends


def shift_times(pattern: ShiftPattern, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end as aware datetimes: the pattern's London wall-clock times on `day`; an end
    at or before the start is the next day."""
    end_day = day if pattern.ends_at > pattern.starts_at else day + DAY
    start = datetime.datetime.combine(day, pattern.starts_at, tzinfo=LONDON)
    end = datetime.datetime.combine(end_day, pattern.ends_at, tzinfo=LONDON)
    return start, end


def shift_hours(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """Hours actually worked, not wall-clock: 22:00 to 09:00 over the October change is 12."""
    # Subtracting two datetimes in the same zone gives wall-clock time: go through UTC.
    seconds = (end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)).total_seconds()
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01")).normalize()


def shift_dates(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first and last London dates a shift touches (an end at midnight touches no more)."""
    first = start.astimezone(LONDON).date()
    last = (end - datetime.timedelta(microseconds=1)).astimezone(LONDON).date()
    return first, last


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _covered(patterns) -> list[tuple[int, int]]:
    spans = []
    for p in patterns:
        start, end = _minutes(p.starts_at), _minutes(p.ends_at)
        if end <= start:
            spans += [(start, 1440), (0, end)]
        else:
            spans.append((start, end))
    return spans


def pattern_coverage_gaps(patterns) -> list[tuple[str, list[tuple[datetime.time, datetime.time]]]]:
    """For weekdays, weekends and bank holidays, the times of day no active pattern covers.

    A warning for the lead, read on a 24-hour clock: the night that starts on Friday is
    counted as covering Friday's early hours too, which is close enough to catch a missing
    pattern (a team with no bank-holiday day shift would otherwise build none).
    """
    kinds = (
        ("weekdays", datetime.date(2030, 1, 2), False),  # a Wednesday
        ("weekends", datetime.date(2030, 1, 5), False),  # a Saturday
        ("bank holidays", datetime.date(2030, 1, 1), True),
    )
    result = []
    for label, sample, holiday in kinds:
        spans = sorted(_covered([p for p in patterns if p.is_active and pattern_applies(p, sample, holiday)]))
        holes, reached = [], 0
        for start, end in spans:
            if start > reached:
                holes.append((reached, start))
            reached = max(reached, end)
        if reached < 1440:
            holes.append((reached, 1440))
        if holes:
            as_time = [
                (datetime.time(a // 60, a % 60), datetime.time((b // 60) % 24, b % 60)) for a, b in holes
            ]
            result.append((label, as_time))
    return result


# --- Who may change the rota -------------------------------------------------------------


def _check_lead(by, team_id: int, what: str) -> None:
    from accounts.selectors import has_role_in_team

    if not has_role_in_team(by, team_id, Role.AMHP_LEAD):
        raise DomainError(f"Only the AMHP lead can {what}")


def _text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


# --- Patterns ----------------------------------------------------------------------------

PATTERN_FIELDS = ("name", "kind", "applies_on", "starts_at", "ends_at", "minimum_amhps")


def _check_pattern(data: dict) -> dict:
    data = dict(data)
    data["name"] = _text(data.get("name"), "Enter a name for the shift pattern")
    if data.get("kind") not in ShiftKind.values:
        raise DomainError("Select the kind of shift")
    if data.get("applies_on") not in ShiftPattern.AppliesOn.values:
        raise DomainError("Select the days the shift runs on")
    if not isinstance(data.get("starts_at"), datetime.time):
        raise DomainError("Enter the time the shift starts")
    if not isinstance(data.get("ends_at"), datetime.time):
        raise DomainError("Enter the time the shift ends")
    minimum = data.get("minimum_amhps")
    if not isinstance(minimum, int) or minimum < 1:
        raise DomainError("At least one AMHP must be on every shift")
    if minimum > 50:
        raise DomainError("Enter a minimum of 50 AMHPs or fewer")
    return data


def _save_pattern(pattern: ShiftPattern) -> ShiftPattern:
    try:
        with transaction.atomic():
            pattern.save()
    except IntegrityError:
        raise DomainError(f"There is already a shift pattern called {pattern.name}") from None
    return pattern


@transaction.atomic
def create_pattern(*, team, data: dict, by) -> ShiftPattern:
    """A recurring shift with the minimum number of AMHPs the lead requires on it."""
    _check_lead(by, team.pk, "set up shift patterns")
    data = _check_pattern(data)
    pattern = ShiftPattern(team=team, **{f: data[f] for f in PATTERN_FIELDS})
    return _save_pattern(pattern)


@transaction.atomic
def update_pattern(*, pattern_id: int, data: dict, is_active: bool, by) -> ShiftPattern:
    """Change a pattern. Shifts already built keep their times and minimum (the record of
    what was planned); the change applies to months built from now on."""
    pattern = ShiftPattern.objects.select_for_update().get(pk=pattern_id)
    _check_lead(by, pattern.team_id, "change shift patterns")
    data = _check_pattern(data)
    for field in PATTERN_FIELDS:
        setattr(pattern, field, data[field])
    pattern.is_active = bool(is_active)
    return _save_pattern(pattern)


USUAL_PATTERNS = (
    ("Weekday day", ShiftKind.WEEKDAY_DAY, ShiftPattern.AppliesOn.WEEKDAYS, (9, 0), (17, 0), 2),
    ("Evening", ShiftKind.EVENING, ShiftPattern.AppliesOn.EVERY_DAY, (17, 0), (22, 0), 1),
    ("Night", ShiftKind.NIGHT, ShiftPattern.AppliesOn.EVERY_DAY, (22, 0), (9, 0), 1),
    ("Weekend day", ShiftKind.WEEKEND_DAY, ShiftPattern.AppliesOn.WEEKENDS, (9, 0), (17, 0), 1),
    (
        "Bank holiday day",
        ShiftKind.BANK_HOLIDAY_DAY,
        ShiftPattern.AppliesOn.BANK_HOLIDAYS,
        (9, 0),
        (17, 0),
        1,
    ),
)


@transaction.atomic
def set_up_usual_patterns(*, team, by) -> list[ShiftPattern]:
    """The usual set for a team with none: every hour of every day covered."""
    _check_lead(by, team.pk, "set up shift patterns")
    type(team).objects.select_for_update().filter(pk=team.pk).first()
    if ShiftPattern.objects.filter(team=team).exists():
        raise DomainError("This team already has shift patterns: change them one by one")
    patterns = [
        ShiftPattern(
            team=team,
            name=name,
            kind=kind,
            applies_on=applies,
            starts_at=datetime.time(*start),
            ends_at=datetime.time(*end),
            minimum_amhps=minimum,
        )
        for name, kind, applies, start, end, minimum in USUAL_PATTERNS
    ]
    return ShiftPattern.objects.bulk_create(patterns)


# --- Building a month --------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    month: datetime.date
    created: int
    already_built: int
    bank_holidays: list[datetime.date]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def build_rota(*, team, month: datetime.date, by) -> BuildResult:
    """Create the month's shifts from the active patterns; a rebuild adds only what is
    missing (unique pattern and date), so it is safe to run again after adding a pattern.

    Days already past are skipped: a shift nobody could have worked is not a gap.
    """
    _check_lead(by, team.pk, "build the rota")
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    today = timezone.localdate()
    if last < today:
        raise DomainError("That month has passed: choose this month or a later one")
    if first > _add_months(today, BUILD_MONTHS_AHEAD):
        raise DomainError(f"You can build the rota up to {BUILD_MONTHS_AHEAD} months ahead")
    patterns = list(ShiftPattern.objects.filter(team=team, is_active=True))
    if not patterns:
        raise DomainError("Set up the shift patterns before building the rota")
    holidays = bank_holidays_between(first, last)
    start_day = max(first, today)
    shifts = []
    day = start_day
    while day <= last:
        is_holiday = day in holidays
        for pattern in patterns:
            if pattern_applies(pattern, day, is_holiday):
                starts_at, ends_at = shift_times(pattern, day)
                shifts.append(
                    Shift(
                        team=team,
                        pattern=pattern,
                        date=day,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        minimum_amhps=pattern.minimum_amhps,
                        is_bank_holiday=is_holiday,
                    )
                )
        day += DAY
    existing = Shift.objects.filter(team=team, date__gte=start_day, date__lte=last)
    before = existing.count()
    Shift.objects.bulk_create(shifts, ignore_conflicts=True)
    created = existing.count() - before
    return BuildResult(first, created, len(shifts) - created, sorted(holidays))


# --- Assignments -------------------------------------------------------------------------


def _name(profile: AmhpProfile) -> str:
    return profile.user.display_name


def _check_can_work(profile: AmhpProfile, shift: Shift) -> None:
    """Approval valid on every day of the shift; a current AMHP of the team; not already on
    it; not on an overlapping shift."""
    name = _name(profile)
    if (
        not Membership.objects.current()
        .filter(user_id=profile.user_id, team_id=shift.team_id, role__in=ROTA_ROLES)
        .exists()
    ):
        raise DomainError(f"{name} is not a current member of this AMHP team")
    first, last = shift_dates(shift.starts_at, shift.ends_at)
    invalid = first_invalid_day(profile.approvals.all(), first, last)
    if invalid is not None:
        raise DomainError(f"{name}'s approval is not valid on {invalid:%-d %B %Y}")
    current = ShiftAssignment.objects.filter(amhp=profile, removed_at__isnull=True)
    if current.filter(shift=shift).exists():
        raise DomainError(f"{name} is already on this shift")
    clash = (
        current.filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .select_related("shift__pattern")
        .first()
    )
    if clash is not None:
        other = clash.shift
        start = timezone.localtime(other.starts_at)
        raise DomainError(
            f"{name} is already on the {other.pattern.name.lower()} shift starting "
            f"{start:%-d %B %Y at %H:%M}, which overlaps this one"
        )


def _lock_shift(shift_id: int) -> Shift:
    return Shift.objects.select_for_update().select_related("pattern").get(pk=shift_id)


def _check_not_ended(shift: Shift) -> None:
    if shift.ends_at <= timezone.now():
        raise DomainError("This shift has ended: the record of who worked it cannot change")


def _assign(*, shift: Shift, amhp_id: int, by) -> ShiftAssignment:
    # Locking the AMHP serialises two leads putting the same person on overlapping shifts.
    profile = AmhpProfile.objects.select_for_update().select_related("user").get(pk=amhp_id)
    _check_can_work(profile, shift)
    return ShiftAssignment.objects.create(
        shift=shift, amhp=profile, is_locum=profile.is_locum, assigned_by=by
    )


@transaction.atomic
def assign_amhp(*, shift_id: int, amhp_id, by) -> ShiftAssignment:
    shift = _lock_shift(shift_id)
    _check_lead(by, shift.team_id, "put AMHPs on shifts")
    _check_not_ended(shift)
    if amhp_id is None:
        raise DomainError("Select an AMHP")
    return _assign(shift=shift, amhp_id=amhp_id, by=by)


@transaction.atomic
def remove_assignment(*, assignment_id: int, reason: str, by) -> ShiftAssignment:
    """Take an AMHP off a shift; the row stays, with who, when and why. A repeat is a no-op."""
    assignment = ShiftAssignment.objects.select_for_update().select_related("shift").get(pk=assignment_id)
    _check_lead(by, assignment.shift.team_id, "take AMHPs off shifts")
    if assignment.removed_at is not None:
        return assignment
    _check_not_ended(assignment.shift)
    assignment.removal_reason = _text(reason, "Enter why the AMHP is coming off the shift")
    assignment.removed_at = timezone.now()
    assignment.removed_by = by
    assignment.save(update_fields=["removal_reason", "removed_at", "removed_by"])
    return assignment


@transaction.atomic
def record_swap(*, assignment_id: int, to_amhp_id, reason: str, by) -> ShiftSwap:
    """Give one AMHP's place on a shift to another, who must be able to work it. Both
    assignments stay, joined by the swap row."""
    assignment = (
        ShiftAssignment.objects.select_for_update().select_related("amhp__user").get(pk=assignment_id)
    )
    shift = _lock_shift(assignment.shift_id)
    _check_lead(by, shift.team_id, "record swaps")
    _check_not_ended(shift)
    if assignment.removed_at is not None:
        raise DomainError(f"{_name(assignment.amhp)} is no longer on this shift")
    if to_amhp_id is None:
        raise DomainError("Select the AMHP taking the shift")
    if int(to_amhp_id) == assignment.amhp_id:
        raise DomainError("Select a different AMHP to take the shift")
    reason = _text(reason, "Enter why the shift is being swapped")
    assignment.removed_at = timezone.now()
    assignment.removed_by = by
    assignment.removal_reason = f"Swapped: {reason}"
    assignment.save(update_fields=["removal_reason", "removed_at", "removed_by"])
    replacement = _assign(shift=shift, amhp_id=to_amhp_id, by=by)
    return ShiftSwap.objects.create(
        shift=shift, from_assignment=assignment, to_assignment=replacement, reason=reason, recorded_by=by
    )
