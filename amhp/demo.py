"""AMHP service demo data (DESIGN.md section 8): the register, the rota and a year of Mental
Health Act assessment requests. Registered with `cases.demo` by amhp.registrations.demo and run
inside `manage.py seed_demo`, after the core seed, in its transaction.

- Register: an AMHP profile for every member of the two AMHP teams with an AMHP role (the demo
  `amhp@` and `amhp-lead@` logins among them) and a few more fictional AMHPs: a locum, one whose
  approval ends within 90 days, one behind on training. Approvals run at most 5 years (reg 3 of
  the 2008 Regulations, `latest_expiry`), with at least 18 hours of training in each complete
  approval year (reg 5).
- Rota: the usual shift patterns; shifts built from the first of this month to the end of the
  month after next, filled by AMHPs whose approval holds on every day of the shift, never on
  overlapping shifts and with 11 hours' rest between shifts. Past and today's shifts are
  covered; some later ones are not, more over Christmas and New Year; a swap or two and a
  sick-leave removal.
- Requests: over the last 12 months, with assessments, outcomes that pass amhp.rules, delays and
  a few place of safety breaches (for the figures); and live requests today, among them a
  section 136 with about 5 hours left and one already breached, so the live board shows
  something real.

Access: the AMHP team holds each person it received a request for and the allocated AMHP holds
them personally, written as cases.demo.access writes them (relationship rows and the guardian
permission rows, in bulk). One request per person, so each team relationship has its own two
permission rows; a withdrawn request's access has ended, so it leaves no relationship.

Deterministic for a seed and a day: each part draws from its own generator (`context.rng`) and
every time counts from today (live requests from the current minute).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as account_services
from accounts.models import EmploymentType, Membership, Role, Team, User
from cases.demo.organisations import DEMO_EMAIL_DOMAIN
from cases.demo.registry import DemoContext

from .demo_requests import TEAM_LOCALITIES, seed_requests
from .models import (
    AmhpProfile,
    Approval,
    Profession,
    Shift,
    ShiftAssignment,
    ShiftPattern,
    ShiftSwap,
    TrainingRecord,
)
from .services.register import add_years, first_invalid_day, latest_expiry
from .services.rota import USUAL_PATTERNS, bank_holidays_between, pattern_applies, shift_dates, shift_times

HISTORY_REASON = "Demo data"
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
REST = datetime.timedelta(hours=11)  # daily rest between shifts (Working Time Regulations 1998, reg 10)
WEEK = datetime.timedelta(days=7)
WEEKLY_HOURS = 48  # on the rota in any 7 days, for shifts still to come (reg 4)
AMHP_ROLES = (Role.AMHP, Role.AMHP_LEAD)

# The fictional AMHPs added to the core seed's staff: team, name, profession, employment, trait.
EXTRA_AMHPS = (
    ("amhp_ns", "Morwenna Tregarthen", Profession.NURSE, EmploymentType.LOCUM, "usual"),
    ("amhp_ns", "Idris Pennant", Profession.SOCIAL_WORKER, EmploymentType.PERMANENT, "expiring"),
    ("amhp_ns", "Farah Lindqvist", Profession.OCCUPATIONAL_THERAPIST, EmploymentType.PERMANENT, "behind"),
    ("amhp_em", "Tobias Achterberg", Profession.PSYCHOLOGIST, EmploymentType.PERMANENT, "usual"),
    ("amhp_em", "Precious Nwankwo", Profession.SOCIAL_WORKER, EmploymentType.PERMANENT, "usual"),
)
PROFESSIONS = ((Profession.SOCIAL_WORKER, 80), (Profession.NURSE, 12), (Profession.OCCUPATIONAL_THERAPIST, 8))
TRAINING = (
    ("AMHP refresher: case law update", "Regional AMHP Leads Network"),
    ("The Mental Capacity Act and the Mental Health Act interface", "University of Northshire"),
    ("Working with interpreters in Mental Health Act assessments", "Council workforce development"),
    ("Section 136: multi-agency practice with the police", "Northshire Constabulary and the trust"),
    ("Nearest relative: consultation and displacement", "Regional AMHP Leads Network"),
    ("Race equality and the Mental Health Act", "University of Northshire"),
    ("Autism and learning disability in Mental Health Act assessments", "Council workforce development"),
    ("Reflective practice group", "AMHP service"),
    ("Risk, safety planning and community alternatives to admission", "Council workforce development"),
)
TRAINING_HOURS = ("1.5", "3", "3.5", "6", "7", "7.5")


@dataclass
class Amhp:
    profile: AmhpProfile
    team_key: str
    weight: float  # share of a full rota load (a lead, or an AMHP with a team job too, does less)
    trait: str = "usual"  # "expiring" or "behind" for the AMHPs who show the register's warnings
    approvals: list[Approval] = field(default_factory=list)
    shifts: list[tuple[datetime.datetime, datetime.datetime]] = field(default_factory=list)
    hours: float = 0.0

    @property
    def user(self) -> User:
        return self.profile.user

    def valid_on(self, first: datetime.date, last: datetime.date | None = None) -> bool:
        return first_invalid_day(self.approvals, first, last or first) is None

    def free(self, start, end) -> bool:
        return all(not (start < e + REST and s < end + REST) for s, e in self.shifts)

    def hours_in_week_to(self, end) -> float:
        return sum((e - s).total_seconds() / 3600 for s, e in self.shifts if e > end - WEEK and s < end)

    def take(self, start, end) -> None:
        self.shifts.append((start, end))
        self.hours += (end - start).total_seconds() / 3600

    def drop(self, start, end) -> None:
        self.shifts.remove((start, end))
        self.hours -= (end - start).total_seconds() / 3600


@dataclass
class AmhpTeam:
    """An AMHP team of the demo partnership, with its lead, AMHPs and business support."""

    key: str
    team: Team
    lead: User
    amhps: list[Amhp]
    support: list[User]


def seed_amhp(context: DemoContext) -> dict[str, int]:
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(now)
    teams = _teams(context, context.rng("amhp:register"), today)
    if not teams:
        return {}
    counts = _write_register(teams, context.rng("amhp:training"), today)
    context.log(f"amhp: {counts['AMHP profiles']} AMHPs on the register")
    for team in teams:
        for what, n in _seed_rota(team, context.rng(f"amhp:rota:{team.key}"), today, now).items():
            counts[what] = counts.get(what, 0) + n
    counts |= seed_requests(context, teams, today, now)
    return counts


# --- The register --------------------------------------------------------------------------


def _teams(context: DemoContext, rng, today) -> list[AmhpTeam]:
    partnership = context.partnership
    keys = [key for key in TEAM_LOCALITIES if key in partnership.teams]
    other_jobs = {
        user.pk for key, members in partnership.staff.items() if key not in keys for user, _ in members
    }
    _add_extra_amhps(partnership, rng, today)
    memberships = (
        Membership.objects.filter(
            team__in=[partnership.teams[k] for k in keys], role__in=AMHP_ROLES, is_active=True
        )
        .select_related("user", "team__organisation", "employer")
        .order_by("pk")
    )
    teams = {}
    for key in keys:
        members = [m for m in memberships if m.team_id == partnership.teams[key].pk]
        lead = next((m.user for m in members if m.role == Role.AMHP_LEAD), None)
        if lead is None or not members:
            continue
        support = [u for u, role in partnership.staff.get(key, []) if role == Role.BUSINESS_SUPPORT]
        teams[key] = AmhpTeam(key, partnership.teams[key], lead, [], support)
    seen = set()
    extra = {name: trait for _, name, _, _, trait in EXTRA_AMHPS}
    for membership in memberships:
        team = teams.get(next((k for k in keys if partnership.teams[k].pk == membership.team_id), ""))
        if team is None or membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        profession = next(
            (p for _, name, p, _, _ in EXTRA_AMHPS if name == membership.user.full_name),
            rng.choices([p for p, _ in PROFESSIONS], [w for _, w in PROFESSIONS])[0],
        )
        profile = AmhpProfile(
            user=membership.user,
            profession=profession,
            employer=membership.employer or membership.team.organisation,
            employment_type=membership.employment_type,
        )
        weight = (
            0.4 if membership.role == Role.AMHP_LEAD else 0.5 if membership.user_id in other_jobs else 1.0
        )
        amhp = Amhp(profile, team.key, weight, extra.get(membership.user.full_name, "usual"))
        approver = team.lead if membership.user_id != team.lead.pk else _other_lead(teams, team)
        amhp.approvals = [
            Approval(amhp=profile, approved_on=start, expires_on=end, approved_by=approver)
            for start, end in _approval_dates(rng, today, amhp.trait)
        ]
        team.amhps.append(amhp)
    return list(teams.values())


def _other_lead(teams: dict, team: AmhpTeam) -> User:
    return next((t.lead for t in teams.values() if t is not team), team.lead)


def _add_extra_amhps(partnership, rng, today) -> None:
    """The fictional AMHPs who show the register's warnings; they have no demo login."""
    taken = set(User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").values_list("email", flat=True))
    unusable = make_password(None)
    for key, name, _, employment, _ in EXTRA_AMHPS:
        if key not in partnership.teams:
            continue
        email = f"{name.lower().replace(' ', '.')}@{DEMO_EMAIL_DOMAIN}"
        if email in taken:
            continue
        joined = today - datetime.timedelta(days=rng.randint(600, 3000))
        user = User.objects.create(
            email=email,
            full_name=name,
            password=unusable,
            date_joined=datetime.datetime.combine(
                joined, datetime.time(9), tzinfo=timezone.get_default_timezone()
            ),
        )
        account_services.add_membership(
            user=user,
            team=partnership.teams[key],
            role=Role.AMHP,
            employment_type=employment,
            started_on=joined,
        )
        partnership.staff.setdefault(key, []).append((user, Role.AMHP))


def _approval_dates(rng, today, trait: str) -> list[tuple[datetime.date, datetime.date]]:
    """(approved on, expires on), oldest first: each the longest the Regulations allow, and a
    renewal starting the day after the one before ends, so the year of requests is covered."""
    if trait == "expiring":
        start = add_years(today, -5) + datetime.timedelta(days=rng.randint(35, 80))
        return [(start, latest_expiry(start))]
    if trait == "behind":  # the current approval year began 8 to 10 months ago
        start = add_years(today, -rng.randint(1, 3)) - datetime.timedelta(days=rng.randint(240, 320))
        return [(start, latest_expiry(start))]
    if rng.random() < 0.45:
        start = today - datetime.timedelta(days=rng.randint(60, 1500))
        previous = add_years(start, -5)
        return [(previous, min(start - DAY, latest_expiry(previous))), (start, latest_expiry(start))]
    start = today - datetime.timedelta(days=rng.randint(400, 1500))
    return [(start, latest_expiry(start))]


def _months_complete(start: datetime.date, day: datetime.date) -> int:
    """Whole months from `start` to `day`, as amhp.services.register counts them for training."""
    months = (day.year - start.year) * 12 + day.month - start.month
    return max(months - (1 if day.day < start.day else 0), 0)


def _training(rng, amhp: Amhp, today, recorder: User) -> list[TrainingRecord]:
    """At least 18 hours in every complete approval year; in the current year the pro-rata
    share so far or a little more (reg 5), except for the AMHP who is behind."""
    records = []
    for approval in amhp.approvals:
        k = 0
        while (year_start := add_years(approval.approved_on, k)) <= min(approval.expires_on, today):
            year_end = min(add_years(approval.approved_on, k + 1) - DAY, approval.expires_on)
            if year_end < today:
                target = Decimal(18) + Decimal(rng.choice(("0", "1.5", "3", "4.5", "6")))
            elif amhp.trait == "behind":
                target = Decimal(3)
            else:
                share = Decimal("1.5") * _months_complete(year_start, today + DAY)
                target = min(Decimal(18), share + Decimal(rng.choice(("0", "1.5", "3", "4.5"))))
            span = (min(year_end, today) - year_start).days
            while target > 0:
                hours = min(target, Decimal(rng.choice(TRAINING_HOURS)))
                target -= hours
                title, provider = rng.choice(TRAINING)
                done = year_start + datetime.timedelta(days=rng.randint(0, span))
                records.append(
                    TrainingRecord(
                        amhp=amhp.profile,
                        completed_on=done,
                        title=title,
                        provider=provider,
                        hours=hours,
                        recorded_by=recorder,
                        recorded_at=_at(min(done + 2 * DAY, today), 10),
                    )
                )
            k += 1
    return records


def _write_register(teams: list[AmhpTeam], rng, today) -> dict[str, int]:
    amhps = [amhp for team in teams for amhp in team.amhps]
    # PostgreSQL returns the new ids, so the profiles (and the approvals pointing at them)
    # have their keys for the inserts that follow.
    bulk_create_with_history([a.profile for a in amhps], AmhpProfile, default_change_reason=HISTORY_REASON)
    approvals = [approval for amhp in amhps for approval in amhp.approvals]
    for approval in approvals:
        approval.created_at = _at(approval.approved_on, 11)
    Approval.objects.bulk_create(approvals)
    leads = {team.key: team.lead for team in teams}
    training = [record for amhp in amhps for record in _training(rng, amhp, today, leads[amhp.team_key])]
    TrainingRecord.objects.bulk_create(training)
    return {"AMHP profiles": len(amhps), "approvals": len(approvals), "training records": len(training)}


# --- The rota ------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _festive(day: datetime.date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day <= 2)


def _seed_rota(team: AmhpTeam, rng, today, now) -> dict[str, int]:
    patterns = ShiftPattern.objects.bulk_create(
        ShiftPattern(
            team=team.team,
            name=name,
            kind=kind,
            applies_on=applies,
            starts_at=datetime.time(*start),
            ends_at=datetime.time(*end),
            minimum_amhps=minimum,
        )
        for name, kind, applies, start, end, minimum in USUAL_PATTERNS
    )
    first = today.replace(day=1)
    last = _add_months(first, 3) - DAY
    holidays = bank_holidays_between(first, last)
    shifts, day = [], first
    while day <= last:
        for pattern in patterns:
            if pattern_applies(pattern, day, day in holidays):
                start, end = shift_times(pattern, day)
                shifts.append(
                    Shift(
                        team=team.team,
                        pattern=pattern,
                        date=day,
                        starts_at=start,
                        ends_at=end,
                        minimum_amhps=pattern.minimum_amhps,
                        is_bank_holiday=day in holidays,
                    )
                )
        day += DAY
    shifts.sort(key=lambda s: s.starts_at)
    Shift.objects.bulk_create(shifts)

    assignments = []
    for shift in shifts:
        wanted = shift.minimum_amhps
        if shift.date > today and rng.random() < (0.35 if _festive(shift.date) else 0.05):
            wanted = rng.randint(0, wanted - 1)  # a gap: nobody, or one short of two
        first_day, last_day = shift_dates(shift.starts_at, shift.ends_at)
        able = [
            a
            for a in team.amhps
            if a.valid_on(first_day, last_day) and a.free(shift.starts_at, shift.ends_at)
        ]
        if shift.date > today:  # the past was worked, whatever the hours; the future is capped
            length = (shift.ends_at - shift.starts_at).total_seconds() / 3600
            able = [a for a in able if a.hours_in_week_to(shift.ends_at) + length <= WEEKLY_HOURS * a.weight]
        able.sort(key=lambda a: a.hours / a.weight + rng.random() * 8)
        built = shift.date.replace(day=1) - datetime.timedelta(days=21)  # the month built 3 weeks ahead
        assigned_at = min(_at(built, 10), now - datetime.timedelta(days=rng.randint(1, 5)))
        for amhp in able[:wanted]:
            amhp.take(shift.starts_at, shift.ends_at)
            assignments.append(
                ShiftAssignment(
                    shift=shift,
                    amhp=amhp.profile,
                    is_locum=amhp.profile.is_locum,
                    assigned_by=team.lead,
                    assigned_at=assigned_at,
                )
            )
    swaps = _swaps_and_sick_leave(team, assignments, rng, now)
    ShiftAssignment.objects.bulk_create(assignments)
    ShiftSwap.objects.bulk_create(swaps)
    return {
        "shift patterns": len(patterns),
        "shifts": len(shifts),
        "shift assignments": len(assignments),
        "shift swaps": len(swaps),
    }


def _swaps_and_sick_leave(team: AmhpTeam, assignments: list, rng, now) -> list[ShiftSwap]:
    """Two swaps agreed by the lead, and one AMHP off sick (which leaves a gap)."""
    by_profile = {a.profile.user_id: a for a in team.amhps}
    later = [a for a in assignments if a.shift.starts_at > now + 2 * DAY and a.assigned_at < now - HOUR]
    rng.shuffle(later)
    swaps = []
    for assignment in later[:3]:
        shift, leaving = assignment.shift, by_profile[assignment.amhp.user_id]
        when = now - datetime.timedelta(hours=rng.randint(1, 20))
        when = max(when, assignment.assigned_at + HOUR)
        assignment.removed_at, assignment.removed_by = when, team.lead
        leaving.drop(shift.starts_at, shift.ends_at)
        if len(swaps) == 2:
            assignment.removal_reason = "Off sick"
            continue
        first_day, last_day = shift_dates(shift.starts_at, shift.ends_at)
        taking = next(
            (
                a
                for a in team.amhps
                if a is not leaving
                and a.valid_on(first_day, last_day)
                and a.free(shift.starts_at, shift.ends_at)
            ),
            None,
        )
        if taking is None:
            assignment.removal_reason = "Annual leave"
            continue
        reason = rng.choice(
            ("Childcare on the day", "Training course moved to that day", "Hospital appointment")
        )
        assignment.removal_reason = f"Swapped: {reason}"
        taking.take(shift.starts_at, shift.ends_at)
        replacement = ShiftAssignment(
            shift=shift,
            amhp=taking.profile,
            is_locum=taking.profile.is_locum,
            assigned_by=team.lead,
            assigned_at=when,
        )
        assignments.append(replacement)
        swaps.append(
            ShiftSwap(
                shift=shift,
                from_assignment=assignment,
                to_assignment=replacement,
                reason=reason,
                recorded_by=team.lead,
                recorded_at=when,
            )
        )
    return swaps
