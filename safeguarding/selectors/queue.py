"""The safeguarding team's queue and the SAM's and officer's home panel.

Time left for a decision is counted in working days (cases.workdays), in hours on the due
day; an enquiry open over 28 days without a review is overdue (the reminder in
safeguarding.due_work uses the same rule).
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cases.workdays import working_days_between

from ..models import Concern, ConcernStatus, Enquiry, EnquiryStage

__all__ = [
    "REVIEW_DUE_DAYS",
    "TimeLeft",
    "annotate_concerns",
    "annotate_enquiries",
    "awaiting_concerns",
    "enquiry_counts",
    "concern_counts",
    "my_enquiries",
    "open_enquiries",
    "review_overdue_q",
    "time_left",
]

REVIEW_DUE_DAYS = 28


@dataclass(frozen=True)
class TimeLeft:
    band: str  # "on_time", "due_today" or "overdue"
    label: str
    tag_class: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def time_left(due_at: datetime.datetime, now: datetime.datetime | None = None) -> TimeLeft:
    """Working days left; hours on the due day (amber); overdue by working days (red)."""
    now = now or timezone.now()
    today, due_on = timezone.localdate(now), timezone.localdate(due_at)
    if now > due_at:
        late = working_days_between(due_on, today)
        label = f"Overdue by {_plural(late, 'working day')}" if late else "Overdue"
        return TimeLeft("overdue", label, "govuk-tag--red")
    if due_on == today:
        hours = max(1, math.ceil((due_at - now).total_seconds() / 3600))
        return TimeLeft("due_today", f"Due today: {_plural(hours, 'hour')} left", "govuk-tag--yellow")
    days = working_days_between(today, due_on)
    return TimeLeft("on_time", f"{_plural(days, 'working day')} left", "govuk-tag--green")


def review_overdue_q(now: datetime.datetime) -> Q:
    """Open over 28 days with no review recorded."""
    return Q(review_on__isnull=True) & Q(started_at__lt=now - datetime.timedelta(days=REVIEW_DUE_DAYS))


def awaiting_concerns(teams, *, due: str = "", now=None):
    """Concerns waiting for a decision in these teams, the soonest due first."""
    now = now or timezone.now()
    concerns = Concern.objects.filter(team__in=teams, status=ConcernStatus.AWAITING_DECISION).select_related(
        "person", "team"
    )
    if due == "overdue":
        concerns = concerns.filter(decision_due_at__lt=now)
    elif due == "today":
        concerns = concerns.filter(decision_due_at__gte=now, decision_due_at__date=timezone.localdate(now))
    return concerns.defer("details", "immediate_actions", "adults_views").order_by("decision_due_at", "pk")


def open_enquiries(
    teams=None, *, stage: str = "", kind: str = "", overdue: bool = False, mine=None, now=None
):
    """Open enquiries in these teams (None: any team), the oldest first."""
    now = now or timezone.now()
    enquiries = (
        Enquiry.objects.exclude(stage=EnquiryStage.CLOSED)
        .select_related("person", "team", "sam", "enquiry_officer", "concern")
        .only(
            "pk",
            "kind",
            "stage",
            "started_at",
            "review_on",
            "person__given_name",
            "person__family_name",
            "person__preferred_name",
            "person__date_of_birth",
            "team__name",
            "sam__full_name",
            "sam__email",
            "enquiry_officer__full_name",
            "enquiry_officer__email",
            "concern__reference",
        )
    )
    if teams is not None:
        enquiries = enquiries.filter(team__in=teams)
    if stage:
        enquiries = enquiries.filter(stage=stage)
    if kind:
        enquiries = enquiries.filter(kind=kind)
    if overdue:
        enquiries = enquiries.filter(review_overdue_q(now))
    if mine is not None:
        enquiries = enquiries.filter(Q(sam=mine) | Q(enquiry_officer=mine))
    return enquiries.order_by("started_at", "pk")


def annotate_concerns(concerns, now=None) -> list:
    """Set `time_left` and `age_days` on each concern of a page, in Python (no queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for concern in concerns:
        concern.time_left = time_left(concern.decision_due_at, now)
        concern.age_days = (today - timezone.localdate(concern.received_at)).days
    return concerns


def annotate_enquiries(enquiries, now=None) -> list:
    """Set `age_days` and `review_overdue` on each enquiry of a page (no queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for enquiry in enquiries:
        enquiry.age_days = (today - timezone.localdate(enquiry.started_at)).days
        enquiry.review_overdue = enquiry.review_on is None and enquiry.age_days > REVIEW_DUE_DAYS
    return enquiries


def concern_counts(teams, now=None) -> dict:
    """Waiting, due today and overdue decisions, in one query."""
    now = now or timezone.now()
    return Concern.objects.filter(team__in=teams, status=ConcernStatus.AWAITING_DECISION).aggregate(
        waiting=Count("pk"),
        due_today=Count(
            "pk", filter=Q(decision_due_at__gte=now, decision_due_at__date=timezone.localdate(now))
        ),
        overdue=Count("pk", filter=Q(decision_due_at__lt=now)),
    )


def enquiry_counts(teams, now=None) -> dict:
    """Open enquiries by stage, and those over 28 days without a review, in one query."""
    now = now or timezone.now()
    stages = [s for s in EnquiryStage.values if s != EnquiryStage.CLOSED]
    counts = (
        Enquiry.objects.filter(team__in=teams)
        .exclude(stage=EnquiryStage.CLOSED)
        .aggregate(
            open=Count("pk"),
            review_overdue=Count("pk", filter=review_overdue_q(now)),
            **{f"stage_{s}": Count("pk", filter=Q(stage=s)) for s in stages},
        )
    )
    counts["by_stage"] = [(s, EnquiryStage(s).label, counts[f"stage_{s}"]) for s in stages]
    return counts


def my_enquiries(user, limit: int = 20) -> list:
    """Open enquiries the user is the SAM or the officer of, oldest first (home panel)."""
    rows = annotate_enquiries(list(open_enquiries(mine=user)[:limit]))
    for enquiry in rows:
        enquiry.my_part = "Safeguarding adults manager" if enquiry.sam_id == user.pk else "Enquiry officer"
    return rows
