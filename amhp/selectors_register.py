"""Reads for the AMHP register: who the lead may see, the register rows and the forecast.

The AMHP lead sees the AMHPs of the teams they lead (including those who have left, tagged);
an AMHP sees their own entry; nobody else sees any. Every list is a fixed number of
queries: approvals and training are prefetched and the rules run in Python, because the
register is tens of people, not thousands.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404

from accounts.models import EmploymentType, Membership, Organisation, Role, Team
from accounts.selectors import current_memberships, team_members

from .models import AmhpProfile, Approval, TrainingRecord
from .services.register import (
    YearTraining,
    current_approval,
    last_valid_day,
    training_hours_by_year,
    valid_on,
    valid_until,
)

EXPIRING_SOON_DAYS = 90
FORECAST_MONTHS = 12


# --- Who may see what --------------------------------------------------------------------


def led_teams(user) -> list[Team]:
    """Teams in which the user is the AMHP lead now."""
    seen = {}
    for membership in current_memberships(user):
        if membership.role == Role.AMHP_LEAD:
            seen.setdefault(membership.team_id, membership.team)
    return list(seen.values())


def is_amhp_lead(user) -> bool:
    return bool(led_teams(user))


def _led_profiles(user):
    team_ids = [t.pk for t in led_teams(user)]
    members = Membership.objects.filter(user=OuterRef("user_id"), role=Role.AMHP, team_id__in=team_ids)
    current = Membership.objects.current().filter(
        user=OuterRef("user_id"), role=Role.AMHP, team_id__in=team_ids
    )
    return AmhpProfile.objects.filter(Exists(members)).annotate(in_team=Exists(current))


def register_profiles(user):
    """The lead's register with approvals and training prefetched (three queries)."""
    return (
        _led_profiles(user)
        .select_related("user", "employer")
        .prefetch_related("approvals", Prefetch("training", queryset=TrainingRecord.objects.order_by()))
        .order_by("user__full_name", "pk")
    )


def profile_for_user(user, pk: int) -> tuple[AmhpProfile, bool]:
    """(the entry, whether the user leads it). 404 for anyone but the lead and the AMHP."""
    profile = _led_profiles(user).select_related("user", "employer").filter(pk=pk).first()
    if profile is not None:
        return profile, True
    own = AmhpProfile.objects.select_related("user", "employer").filter(pk=pk, user=user).first()
    if own is None:
        raise Http404("Not found")
    own.in_team = True
    return own, False


def own_profile(user) -> AmhpProfile | None:
    if not user.is_authenticated:
        return None
    return AmhpProfile.objects.filter(user=user).first()


def addable_users(user):
    """Members of the lead's teams with the AMHP role who are not yet on the register."""
    users = None
    for team in led_teams(user):
        members = team_members(team, roles=[Role.AMHP])
        users = members if users is None else users | members
    if users is None:
        return AmhpProfile.objects.none()
    return users.filter(amhp_profile__isnull=True).distinct().order_by("full_name")


def employer_choices():
    return Organisation.objects.order_by("name")


# --- Register rows -----------------------------------------------------------------------


@dataclass
class RegisterRow:
    profile: AmhpProfile
    current: Approval | None
    latest: Approval | None
    valid_until: datetime.date | None
    days_left: int | None
    training: YearTraining | None
    in_team: bool = True

    @property
    def name(self) -> str:
        return self.profile.user.display_name

    @property
    def expiring_soon(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRING_SOON_DAYS

    @property
    def training_behind(self) -> bool:
        return self.training is not None and self.training.status in ("behind", "short")

    @property
    def lapsed_on(self) -> datetime.date | None:
        """When the last approval stopped, for someone with none now."""
        if self.current is not None or self.latest is None:
            return None
        return last_valid_day(self.latest)


def register_row(profile: AmhpProfile, today: datetime.date) -> RegisterRow:
    approvals = list(profile.approvals.all())
    current = current_approval(approvals, today)
    latest = max(approvals, key=lambda a: (a.approved_on, a.pk), default=None)
    until = days_left = training = None
    if current is not None:
        until = valid_until(approvals, today)  # on through a renewal already recorded
        days_left = (until - today).days
        years = training_hours_by_year(current, profile.training.all(), today)
        training = next((y for y in years if y.year.contains(today)), None)
    return RegisterRow(
        profile, current, latest, until, days_left, training, getattr(profile, "in_team", True)
    )


def register_rows(user, today: datetime.date) -> list[RegisterRow]:
    return [register_row(p, today) for p in register_profiles(user)]


LOCUM_TYPES = (EmploymentType.LOCUM, EmploymentType.AGENCY)


def filter_rows(rows: list[RegisterRow], data: dict) -> list[RegisterRow]:
    """Filters of the register page (cleaned data of RegisterFilterForm)."""
    if data.get("profession"):
        rows = [r for r in rows if r.profile.profession == data["profession"]]
    employment = data.get("employment")
    if employment == "locum":
        rows = [r for r in rows if r.profile.employment_type in LOCUM_TYPES]
    elif employment:
        rows = [r for r in rows if r.profile.employment_type == employment]
    if data.get("expiring"):
        rows = [r for r in rows if r.expiring_soon]
    if data.get("behind"):
        rows = [r for r in rows if r.training_behind]
    if not data.get("include_left"):
        rows = [r for r in rows if r.in_team]
    return rows


# --- Detail ------------------------------------------------------------------------------


@dataclass
class ApprovalEntry:
    approval: Approval
    status: str
    tag_class: str
    years: list[YearTraining] = field(default_factory=list)


def approval_entries(profile: AmhpProfile, today: datetime.date) -> list[ApprovalEntry]:
    """Each approval with its state and, for the current and past ones, training per year."""
    approvals = list(profile.approvals.select_related("approved_by"))
    training = list(profile.training.order_by())
    current = current_approval(approvals, today)
    entries = []
    for approval in approvals:
        if approval.ended_on is not None and approval.ended_on <= today:
            status, tag = approval.end_reason.split(":", 1)[0] or "Ended", "govuk-tag--red"
        elif approval.approved_on > today:
            status, tag = "Starts later", "govuk-tag--blue"
        elif approval.expires_on < today:
            status, tag = "Expired", "govuk-tag--grey"
        elif approval == current:
            status, tag = "Current", "govuk-tag--green"
        else:
            status, tag = "Valid", "govuk-tag--green"
        years = training_hours_by_year(approval, training, today) if approval.approved_on <= today else []
        entries.append(ApprovalEntry(approval, status, tag, years))
    return entries


def training_log(profile: AmhpProfile):
    return profile.training.select_related("recorded_by").order_by("-completed_on", "-pk")


def approval_of(profile: AmhpProfile, pk: int) -> Approval:
    approval = profile.approvals.filter(pk=pk).first()
    if approval is None:
        raise Http404("Not found")
    return approval


# --- Forecast ----------------------------------------------------------------------------


@dataclass
class MonthForecast:
    first_day: datetime.date
    last_day: datetime.date
    valid_first: int
    valid_last: int
    leaving: list[tuple[str, datetime.date]]
    joining: list[str]

    @property
    def change(self) -> int:
        return self.valid_last - self.valid_first


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    index = today.year * 12 + today.month - 1
    return [datetime.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(months)]


def forecast(user, today: datetime.date, months: int = FORECAST_MONTHS) -> list[MonthForecast]:
    """For this month and the next eleven: how many of the team's AMHPs hold a valid approval
    on the first and the last day, and who drops out (with their last valid day) or joins.

    Approvals already recorded only: a renewal not yet recorded shows as a drop-out, which is
    the warning the lead needs. Three queries whatever the size of the register.
    """
    people = []
    for profile in register_profiles(user):
        if profile.in_team:
            people.append((profile.user.display_name, list(profile.approvals.all())))
    result = []
    for first in _month_starts(today, months):
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        valid_first = valid_last = 0
        leaving, joining = [], []
        for name, approvals in people:
            at_start, at_end = valid_on(approvals, first), valid_on(approvals, last)
            valid_first += at_start
            valid_last += at_end
            if at_start and not at_end:
                leaving.append((name, valid_until(approvals, first)))
            elif at_end and not at_start:
                joining.append(name)
        result.append(
            MonthForecast(first, last, valid_first, valid_last, sorted(leaving, key=lambda x: x[1]), joining)
        )
    return result
