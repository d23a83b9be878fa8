"""The AMHP register: approvals by the council and the training that keeps them (issue 6).

The Mental Health (Approved Mental Health Professionals) (Approval) (England) Regulations
2008: an approval lasts at most 5 years (reg 3) and in each year of it the AMHP completes at
least 18 hours of training agreed with the council as relevant (reg 5; seed 004 1.23-1.27).
Both numbers live in `APPROVAL_RULES`, keyed by the date of approval, so a change in the law
is one new row, not an edit in every screen.

The date rules are pure functions of dates (`approval_years`, `training_hours_by_year`,
`valid_through`): the services, the register, the rota and the reminders all use them.

Writes are keyword-only with the acting user (`by=`); a refusal raises DomainError with the
words the user sees.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import EmploymentType, Membership, Organisation, Role
from cases.services import DomainError

from ..models import AmhpProfile, Approval, Profession, TrainingRecord

__all__ = [
    "APPROVAL_RULES",
    "END_KINDS",
    "ApprovalRules",
    "ApprovalYear",
    "StaleRegisterEdit",
    "YearTraining",
    "add_amhp",
    "add_years",
    "approval_rules_on",
    "approval_years",
    "current_approval",
    "end_approval",
    "first_invalid_day",
    "last_valid_day",
    "latest_expiry",
    "record_approval",
    "record_training",
    "register_version",
    "training_hours_by_year",
    "update_amhp",
    "valid_on",
    "valid_through",
    "valid_until",
]

DAY = datetime.timedelta(days=1)


# --- Rules keyed by date -----------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRules:
    since: datetime.date
    max_years: int
    hours_per_year: Decimal
    source: str


# Newest last. An approval is governed by the rules in force on the day it was given.
APPROVAL_RULES = (
    ApprovalRules(
        since=datetime.date(2008, 11, 3),
        max_years=5,
        hours_per_year=Decimal(18),
        source="Mental Health (Approved Mental Health Professionals) (Approval) (England) "
        "Regulations 2008, regs 3 and 5",
    ),
)


def approval_rules_on(day: datetime.date) -> ApprovalRules:
    """The rules for an approval given on `day` (the earliest set for older dates)."""
    chosen = APPROVAL_RULES[0]
    for rules in APPROVAL_RULES:
        if rules.since <= day:
            chosen = rules
    return chosen


# --- Dates ------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls on 1 March in a common year (as an
    anniversary does in English law)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def latest_expiry(approved_on: datetime.date) -> datetime.date:
    """The last day an approval given on `approved_on` may run to: 5 years less a day."""
    return add_years(approved_on, approval_rules_on(approved_on).max_years) - DAY


def last_valid_day(approval: Approval) -> datetime.date:
    """The expiry, or the day before it was suspended or withdrawn (`ended_on` is the first
    day it no longer holds)."""
    if approval.ended_on is not None:
        return min(approval.expires_on, approval.ended_on - DAY)
    return approval.expires_on


def _approval_valid_on(approval: Approval, day: datetime.date) -> bool:
    return approval.approved_on <= day <= last_valid_day(approval)


def valid_on(approvals: Iterable[Approval], day: datetime.date) -> bool:
    return any(_approval_valid_on(a, day) for a in approvals)


def first_invalid_day(approvals: Iterable[Approval], first: datetime.date, last: datetime.date):
    """The first date from `first` to `last` that no approval covers, or None.

    A renewal that starts the day after the old approval ends covers a night shift across
    the change, so days are checked against every approval, not one.
    """
    approvals = list(approvals)
    day = first
    while day <= last:
        if not valid_on(approvals, day):
            return day
        day += DAY
    return None


def valid_through(approvals: Iterable[Approval], first: datetime.date, last: datetime.date) -> bool:
    return first_invalid_day(approvals, first, last) is None


def valid_until(approvals: Iterable[Approval], day: datetime.date) -> datetime.date | None:
    """The last day of the unbroken run of approval that covers `day` (through any renewal
    that starts before the old approval ends), or None when `day` is not covered."""
    approvals = list(approvals)
    end = None
    while True:
        covering = [last_valid_day(a) for a in approvals if _approval_valid_on(a, day)]
        if not covering:
            return end
        end = max(covering)
        day = end + DAY


def current_approval(approvals: Iterable[Approval], day: datetime.date) -> Approval | None:
    """The approval in force on `day` (the most recent if a renewal overlaps)."""
    valid = [a for a in approvals if _approval_valid_on(a, day)]
    return max(valid, key=lambda a: (a.approved_on, a.pk or 0), default=None)


# --- Approval years and training ---------------------------------------------------------


@dataclass(frozen=True)
class ApprovalYear:
    """Year `number` (1 to 5) of an approval: from the anniversary to the day before the
    next, cut short where the approval ends."""

    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    full_ends_on: datetime.date

    @property
    def is_partial(self) -> bool:
        return self.ends_on < self.full_ends_on

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def approval_years(approval: Approval) -> list[ApprovalYear]:
    """Year k runs from approved_on + k years to the day before approved_on + k+1 years."""
    years, k, last = [], 0, last_valid_day(approval)
    while True:
        starts_on = add_years(approval.approved_on, k)
        if starts_on > last:
            return years
        full_ends_on = add_years(approval.approved_on, k + 1) - DAY
        years.append(ApprovalYear(k + 1, starts_on, min(full_ends_on, last), full_ends_on))
        k += 1


STATUS_LABELS = {
    "met": ("Hours done", "govuk-tag--green"),
    "on_track": ("On track", "govuk-tag--blue"),
    "behind": ("Behind", "govuk-tag--orange"),
    "short": ("Short", "govuk-tag--red"),
    "not_started": ("Not started", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class YearTraining:
    year: ApprovalYear
    hours: Decimal
    required: Decimal
    expected_so_far: Decimal | None
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def tag_class(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def is_current_concern(self) -> bool:
        return self.status in ("behind", "short")


def _months_between(start: datetime.date, day: datetime.date) -> int:
    """Whole months from `start` to `day` (a month is complete on its monthly anniversary)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if day.day < start.day:
        months -= 1
    return max(months, 0)


def training_hours_by_year(approval: Approval, records: Iterable[TrainingRecord], today: datetime.date):
    """Training hours in each approval year, with a status.

    - a completed year under the requirement is "short";
    - in the current year, "behind" when the hours so far are below a pro-rata share of the
      requirement for the whole months complete by the end of today (1.5 hours a month for
      18 a year; all 18 on the year's last day). Whole months, not days: counting days would
      call everyone behind on the second day of the year, and the reminders would cry wolf;
    - a year cut short by the expiry needs a share of 18 in proportion to its length.
    """
    rules = approval_rules_on(approval.approved_on)
    records = list(records)
    result = []
    for year in approval_years(approval):
        full_days = (year.full_ends_on - year.starts_on).days + 1
        days = (year.ends_on - year.starts_on).days + 1
        required = (rules.hours_per_year * days / full_days).quantize(Decimal("0.1"))
        until = min(year.ends_on, today)
        hours = sum((r.hours for r in records if year.starts_on <= r.completed_on <= until), Decimal(0))
        expected = None
        if today < year.starts_on:
            status = "not_started"
        elif today > year.ends_on:
            status = "met" if hours >= required else "short"
        else:
            # Months complete by the end of today: on the year's last day all 12 are.
            share = rules.hours_per_year * _months_between(year.starts_on, today + DAY) / 12
            expected = min(required, share.quantize(Decimal("0.1")))
            status = "met" if hours >= required else ("behind" if hours < expected else "on_track")
        result.append(YearTraining(year, hours, required, expected, status))
    return result


# --- Who may change the register ---------------------------------------------------------


def _led_team_ids(user) -> set[int]:
    from accounts.selectors import current_memberships

    return {m.team_id for m in current_memberships(user) if m.role == Role.AMHP_LEAD}


def _check_lead_of(by, profile: AmhpProfile, what: str) -> None:
    """The AMHP lead of a team the AMHP belongs (or belonged) to."""
    led = _led_team_ids(by)
    if (
        not led
        or not Membership.objects.filter(user_id=profile.user_id, role=Role.AMHP, team_id__in=led).exists()
    ):
        raise DomainError(f"Only the AMHP lead can {what}")


def _text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _check_details(*, profession, employer, employment_type) -> None:
    if profession not in Profession.values:
        raise DomainError("Select the AMHP's profession")
    if not isinstance(employer, Organisation):
        raise DomainError("Select the organisation that employs the AMHP")
    if employment_type not in EmploymentType.values:
        raise DomainError("Select the type of employment")


# --- Register entries --------------------------------------------------------------------


@transaction.atomic
def add_amhp(*, user, profession: str, employer, employment_type: str, notes: str = "", by) -> AmhpProfile:
    """Put a member of the AMHP team (role AMHP) on the council's register."""
    led = _led_team_ids(by)
    if not led:
        raise DomainError("Only the AMHP lead can add AMHPs to the register")
    if user is None:
        raise DomainError("Select the AMHP to add")
    if not Membership.objects.current().filter(user=user, role=Role.AMHP, team_id__in=led).exists():
        raise DomainError(
            f"{user.display_name} is not an AMHP in your team: add them to the team with the AMHP role first"
        )
    _check_details(profession=profession, employer=employer, employment_type=employment_type)
    if AmhpProfile.objects.filter(user=user).exists():
        raise DomainError(f"{user.display_name} is already on the register")
    profile = AmhpProfile(
        user=user,
        profession=profession,
        employer=employer,
        employment_type=employment_type,
        notes=(notes or "").strip(),
    )
    profile._history_user = by
    profile._change_reason = "Added to the register"
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # two leads adding the same person at once
        raise DomainError(f"{user.display_name} is already on the register") from None
    return profile


class StaleRegisterEdit(DomainError):
    """Someone else changed the entry since the form was opened; nothing was saved."""

    def __init__(self, current: AmhpProfile):
        super().__init__(
            "Someone else changed these details while you were editing them. The page now shows "
            "their changes: check them and save again."
        )
        self.current = current


def register_version(profile: AmhpProfile) -> int:
    """The entry's version for optimistic locking: its latest history row."""
    latest = profile.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


@transaction.atomic
def update_amhp(
    *, amhp_id: int, profession: str, employer, employment_type: str, notes: str, expected_version: int, by
) -> AmhpProfile:
    """Correct an entry (a locum taken on permanently, a change of employer). A stale form
    overwrites nothing (DESIGN.md section 12)."""
    profile = AmhpProfile.objects.select_for_update().get(pk=amhp_id)
    _check_lead_of(by, profile, "change the register")
    if register_version(profile) != expected_version:
        raise StaleRegisterEdit(profile)
    _check_details(profession=profession, employer=employer, employment_type=employment_type)
    new = (profession, employer.pk, employment_type, (notes or "").strip())
    if new == (profile.profession, profile.employer_id, profile.employment_type, profile.notes):
        return profile
    profile.profession, profile.employer, profile.employment_type, profile.notes = (
        profession,
        employer,
        employment_type,
        new[3],
    )
    profile._history_user = by
    profile._change_reason = "Details changed"
    profile.save()
    return profile


# --- Approvals ---------------------------------------------------------------------------

END_KINDS = (("suspended", "Suspended"), ("withdrawn", "Withdrawn"))
# How far ahead an approval may start: a panel approves a renewal before the old one ends.
APPROVAL_LEAD_TIME = datetime.timedelta(days=366)


def _lock_profile(amhp_id: int) -> AmhpProfile:
    return AmhpProfile.objects.select_for_update().select_related("user").get(pk=amhp_id)


@transaction.atomic
def record_approval(*, amhp_id: int, approved_on, expires_on=None, by) -> Approval:
    """Approve an AMHP from `approved_on`; the expiry defaults to the 5-year limit and may
    not pass it (reg 3). A lead does not approve themselves."""
    profile = _lock_profile(amhp_id)
    _check_lead_of(by, profile, "record approvals")
    if profile.user_id == by.pk:
        raise DomainError("You cannot record your own approval: another AMHP lead must do it")
    if approved_on is None:
        raise DomainError("Enter the date of approval")
    first = APPROVAL_RULES[0].since
    if approved_on < first:
        raise DomainError(f"The date of approval must be on or after {first:%-d %B %Y}, when the role began")
    if approved_on > timezone.localdate() + APPROVAL_LEAD_TIME:
        raise DomainError("The date of approval must be within a year from today")
    limit = latest_expiry(approved_on)
    expires_on = expires_on or limit
    if expires_on <= approved_on:
        raise DomainError("The expiry date must be after the date of approval")
    if expires_on > limit:
        years = approval_rules_on(approved_on).max_years
        raise DomainError(
            f"An approval lasts at most {years} years: the expiry date must be on or before {limit:%-d %B %Y}"
        )
    if profile.approvals.filter(approved_on=approved_on, ended_on__isnull=True).exists():
        raise DomainError(f"An approval from {approved_on:%-d %B %Y} is already recorded")
    approval = Approval(amhp=profile, approved_on=approved_on, expires_on=expires_on, approved_by=by)
    approval.full_clean()
    approval.save()
    return approval


@transaction.atomic
def end_approval(*, approval_id: int, ended_on, how: str, reason: str, by) -> Approval:
    """Suspend or withdraw an approval before it expires; `ended_on` is the first day it no
    longer holds. Shifts after it stay on the rota, shown as not covered."""
    approval = Approval.objects.select_for_update().select_related("amhp").get(pk=approval_id)
    _check_lead_of(by, approval.amhp, "end approvals")
    if approval.amhp.user_id == by.pk:
        raise DomainError("You cannot end your own approval: another AMHP lead must do it")
    if approval.ended_on is not None:
        raise DomainError(f"This approval was already ended on {approval.ended_on:%-d %B %Y}")
    labels = dict(END_KINDS)
    if how not in labels:
        raise DomainError("Select whether the approval is suspended or withdrawn")
    if ended_on is None:
        raise DomainError("Enter the date the approval ends")
    if ended_on < approval.approved_on:
        raise DomainError(
            f"The end date must be on or after the date of approval, {approval.approved_on:%-d %B %Y}"
        )
    if ended_on > approval.expires_on:
        raise DomainError(
            f"The approval already expires on {approval.expires_on:%-d %B %Y}: enter a date on or before it"
        )
    reason = _text(reason, f"Enter why the approval is being {labels[how].lower()}")
    approval.ended_on = ended_on
    approval.end_reason = f"{labels[how]}: {reason}"
    approval.save(update_fields=["ended_on", "end_reason"])
    return approval


# --- Training ----------------------------------------------------------------------------

MAX_HOURS = Decimal("999.9")


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("Enter the hours as a number, like 3 or 3.5") from None
    if not hours.is_finite() or hours <= 0:
        raise DomainError("Enter the hours as a number greater than 0")
    if hours != hours.quantize(Decimal("0.1")):
        raise DomainError("Enter the hours to no more than one decimal place, like 3.5")
    if hours > MAX_HOURS:
        raise DomainError("Enter hours of 999.9 or fewer")
    return hours.quantize(Decimal("0.1"))


@transaction.atomic
def record_training(
    *, amhp_id: int, completed_on, title: str, provider: str = "", hours, by
) -> TrainingRecord:
    """Training that counts towards the 18 hours in the approval year it falls in."""
    profile = _lock_profile(amhp_id)
    _check_lead_of(by, profile, "record training")
    if completed_on is None:
        raise DomainError("Enter the date of the training")
    if completed_on > timezone.localdate():
        raise DomainError("The date of the training must be today or in the past")
    record = TrainingRecord(
        amhp=profile,
        completed_on=completed_on,
        title=_text(title, "Enter the title of the training"),
        provider=(provider or "").strip(),
        hours=_hours(hours),
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    return record
