"""AMHP register due work for the daily reminder sweep (cases.due_work; DESIGN.md section 6).

Two kinds, each given to the AMHP (assignee) and their AMHP team (for the lead):
- `amhp.approval_expiring`: the unbroken run of approval ends within 90 days and no
  renewal is recorded; due on the last day of approval (reg 3 of the 2008 Regulations:
  without re-approval the AMHP may not act after it);
- `amhp.training_behind`: in the current approval year the training hours are below the
  pro-rata share of 18 (reg 5; `training_hours_by_year`); due on the last day of that year.

The register is tens of people, so these derive in Python with the same pure functions the
pages use (no second copy of the rules in SQL), and write through cases.services.reminders:
ON CONFLICT DO NOTHING on (subject, kind, due date) makes a rerun add nothing. An open
reminder whose work is done, or whose due date moved, is resolved with the reason.
"""

import datetime

from django.db.models import Prefetch
from django.urls import reverse

from accounts.models import Membership, Role
from cases.due_work import DueWorkCounts, register_due_work

from .models import AmhpProfile, Approval, TrainingRecord
from .services.register import current_approval, last_valid_day, training_hours_by_year, valid_until

APPROVAL_EXPIRING = "amhp.approval_expiring"
TRAINING_BEHIND = "amhp.training_behind"
EXPIRY_NOTICE_DAYS = 90
SUBJECT = f"{Approval._meta.label_lower}:"


def _register(today: datetime.date):
    """(profile, AMHP team id, approvals) for each AMHP who is a current member of an AMHP
    team with the AMHP role: those who left get no reminders."""
    current = Membership.objects.current().filter(role=Role.AMHP).order_by("started_on", "pk")
    profiles = (
        AmhpProfile.objects.select_related("user")
        .prefetch_related(
            "approvals",
            Prefetch("training", queryset=TrainingRecord.objects.order_by()),
            Prefetch("user__memberships", queryset=current, to_attr="amhp_memberships"),
        )
        .filter(user__is_active=True)
        .order_by("pk")
    )
    for profile in profiles:
        if profile.user.amhp_memberships:
            yield profile, profile.user.amhp_memberships[0].team_id, list(profile.approvals.all())


def _url(profile) -> str:
    return reverse("amhp:register_amhp", args=[profile.pk])


def _sync(kind: str, wanted: dict, reasons: dict, now) -> DueWorkCounts:
    """Create the wanted reminders; resolve open ones of the kind that are no longer wanted."""
    from cases import services
    from cases.selectors_reminders import open_reminder_keys

    created = services.create_reminders(wanted.values(), now=now)
    stale: dict[str, list[int]] = {}
    for pk, subject, due_on in open_reminder_keys(kind):
        if (subject, due_on) not in wanted:
            stale.setdefault(reasons.get(subject, "No longer due"), []).append(pk)
    resolved = sum(
        services.resolve_reminders(ids=ids, resolution=resolution, now=now)
        for resolution, ids in stale.items()
    )
    return DueWorkCounts(created=created, resolved=resolved)


def derive_approval_expiry(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    from cases.services import ReminderSpec

    wanted, reasons = {}, {}
    for profile, team_id, approvals in _register(today):
        until = valid_until(approvals, today)
        for approval in approvals:
            subject = f"{SUBJECT}{approval.pk}"
            if approval.ended_on is not None:
                reasons[subject] = "The approval was suspended or withdrawn"
            elif until is not None and until > last_valid_day(approval):
                reasons[subject] = "Re-approved"
            else:
                reasons[subject] = "The approval ended"
        if until is None or (until - today).days > EXPIRY_NOTICE_DAYS:
            continue
        last = max((a for a in approvals if last_valid_day(a) == until), key=lambda a: a.approved_on)
        subject = f"{SUBJECT}{last.pk}"
        wanted[(subject, until)] = ReminderSpec(
            subject=subject,
            kind=APPROVAL_EXPIRING,
            due_on=until,
            title=f"AMHP approval ends on {until:%-d %B %Y}: arrange re-approval",
            url=_url(profile),
            team_id=team_id,
            assignee_id=profile.user_id,
        )
    return _sync(APPROVAL_EXPIRING, wanted, reasons, now)


def derive_training_behind(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    from cases.services import ReminderSpec

    wanted, reasons = {}, {}
    for profile, team_id, approvals in _register(today):
        for approval in approvals:
            reasons[f"{SUBJECT}{approval.pk}"] = "Training caught up, or the approval year ended"
        approval = current_approval(approvals, today)
        if approval is None:
            continue
        years = training_hours_by_year(approval, profile.training.all(), today)
        year = next((y for y in years if y.year.contains(today)), None)
        if year is None or year.status != "behind":
            continue
        subject = f"{SUBJECT}{approval.pk}"
        wanted[(subject, year.year.ends_on)] = ReminderSpec(
            subject=subject,
            kind=TRAINING_BEHIND,
            due_on=year.year.ends_on,
            title=(
                f"AMHP training behind: {year.required.normalize():f} hours due by "
                f"{year.year.ends_on:%-d %B %Y}"
            ),
            url=_url(profile),
            team_id=team_id,
            assignee_id=profile.user_id,
        )
    return _sync(TRAINING_BEHIND, wanted, reasons, now)


def register() -> None:
    """Called from amhp.registrations.register (AmhpConfig.ready)."""
    register_due_work(APPROVAL_EXPIRING, derive_approval_expiry, label="AMHP approvals ending")
    register_due_work(TRAINING_BEHIND, derive_training_behind, label="AMHP training behind")
