"""Reads for the referral pages: team triage queues, waiting times and their RAG bands.

Waits are counted in working days (cases.workdays). A band is computed in Python for the
rows of one page, and as a received-date cut-off in SQL when the queue is filtered by band.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.models import ServiceLine, Team
from accounts.selectors import current_teams

from .models import (
    URGENCY_RANK,
    Referral,
    ReferralQueueSettings,
    ReferralStatus,
    Relationship,
    Urgency,
)
from .workdays import is_working_day, working_days_between

RECEIVING_SERVICE_LINES = (
    ServiceLine.WORKING_AGE,
    ServiceLine.OLDER_PEOPLE,
    ServiceLine.POINT_OF_ACCESS,
    ServiceLine.FORENSIC,
)
DEFAULT_AMBER_AFTER = 2
DEFAULT_RED_AFTER = 5


class Band:
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    CHOICES = [(GREEN, "On time"), (AMBER, "Due soon"), (RED, "Overdue")]
    LABELS = dict(CHOICES)
    TAG_CLASSES = {GREEN: "govuk-tag--green", AMBER: "govuk-tag--yellow", RED: "govuk-tag--red"}


@dataclass(frozen=True)
class Thresholds:
    amber: int = DEFAULT_AMBER_AFTER
    red: int = DEFAULT_RED_AFTER

    def band(self, waiting: int) -> str:
        """Green below the amber threshold, amber from it, red from the red threshold."""
        if waiting >= self.red:
            return Band.RED
        if waiting >= self.amber:
            return Band.AMBER
        return Band.GREEN


def point_of_access_team() -> Team | None:
    """The team whose queue public referrals land in: the first active point-of-access team."""
    return (
        Team.objects.filter(is_active=True, service_line=ServiceLine.POINT_OF_ACCESS).order_by("name").first()
    )


def receiving_teams():
    """Teams a referral can be sent to: the active teams of the adult mental health lines."""
    return Team.objects.filter(is_active=True, service_line__in=RECEIVING_SERVICE_LINES).select_related(
        "organisation"
    )


def thresholds_for(team) -> Thresholds:
    settings = ReferralQueueSettings.objects.filter(team=team).first()
    if settings is None:
        return Thresholds()
    return Thresholds(amber=settings.amber_after_working_days, red=settings.red_after_working_days)


def holding_teams_of(person) -> list:
    """Teams holding an open case or referral for one person ("Already known to")."""
    relationships = (
        Relationship.objects.active().filter(person=person, team__isnull=False).select_related("team")
    )
    return sorted({r.team for r in relationships}, key=lambda t: t.name)


def queue_teams_for(user) -> list:
    return current_teams(user)


def default_queue_team(user, teams: list):
    """The user's first current team with referrals waiting, else their first team."""
    if not teams:
        return None
    waiting = set(
        Referral.objects.filter(team__in=teams, status=ReferralStatus.AWAITING_TRIAGE)
        .values_list("team_id", flat=True)
        .distinct()
    )
    return next((t for t in teams if t.pk in waiting), teams[0])


def _urgency_rank():
    return Case(
        *[When(urgency=urgency, then=Value(rank)) for urgency, rank in URGENCY_RANK.items()],
        default=Value(len(URGENCY_RANK)),
        output_field=IntegerField(),
    )


def triage_queue(team, *, urgency: str = "", source: str = "", band: str = "", thresholds=None, today=None):
    """Referrals waiting for triage in one team: most urgent first, then the longest waiting."""
    referrals = (
        Referral.objects.filter(team=team, status=ReferralStatus.AWAITING_TRIAGE)
        .select_related("person")
        .annotate(urgency_rank=_urgency_rank())
    )
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if source:
        referrals = referrals.filter(source=source)
    if band:
        referrals = referrals.filter(_band_condition(band, thresholds or thresholds_for(team), today))
    return referrals.order_by("urgency_rank", "received_at", "pk")


def urgency_counts(team) -> list[tuple[str, str, int]]:
    """(value, label, count) of the team's waiting referrals for each urgency, in one query."""
    counts = Referral.objects.filter(team=team, status=ReferralStatus.AWAITING_TRIAGE).aggregate(
        **{value: Count("pk", filter=Q(urgency=value)) for value in Urgency.values}
    )
    return [(value, label, counts[value]) for value, label in Urgency.choices]


def waiting_counts_for_teams(teams) -> list[tuple]:
    """(team, waiting count) for each team, in one query."""
    counts = dict(
        Referral.objects.filter(team__in=teams, status=ReferralStatus.AWAITING_TRIAGE)
        .values_list("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    return [(team, counts.get(team.pk, 0)) for team in teams]


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def waiting_days(referral, today=None) -> int:
    return working_days_between(local_date(referral.received_at), today or timezone.localdate())


def annotate_waits(referrals, thresholds: Thresholds, today=None) -> list:
    """Set `waiting` (working days) and `band` on each referral of a page, in Python."""
    today = today or timezone.localdate()
    for referral in referrals:
        referral.waiting = waiting_days(referral, today)
        referral.band = thresholds.band(referral.waiting)
        referral.band_label = Band.LABELS[referral.band]
        referral.band_class = Band.TAG_CLASSES[referral.band]
    return referrals


def _latest_received_date_waiting(days: int, today: datetime.date) -> datetime.date:
    """The latest received date from which a referral has waited at least `days` working days
    by `today` (waits only grow as the received date moves back)."""
    day = today
    if days <= 0:
        return today
    counted = 0
    while counted < days:
        if is_working_day(day):
            counted += 1
        day -= datetime.timedelta(days=1)
    return day


def _band_condition(band: str, thresholds: Thresholds, today=None) -> Q:
    today = today or timezone.localdate()
    red_by = _latest_received_date_waiting(thresholds.red, today)
    amber_by = _latest_received_date_waiting(thresholds.amber, today)
    if band == Band.RED:
        return Q(received_at__date__lte=red_by)
    if band == Band.AMBER:
        return Q(received_at__date__lte=amber_by, received_at__date__gt=red_by)
    if band == Band.GREEN:
        return Q(received_at__date__gt=amber_by)
    return Q()


def referral_taken_by(user, pk):
    """A referral this user took, for its confirmation page (reference and team only: the
    receiving team may be one the user is not in). None for anyone else's."""
    return Referral.objects.select_related("team").filter(pk=pk, created_by=user).first()


def referral_history(referral):
    return referral.transitions.select_related("actor").order_by("at", "pk")


def teams_for_transfer(referral):
    return receiving_teams().exclude(pk=referral.team_id).order_by("name")
