"""Monthly figures for the AMHP lead (and later the board reports): requests, assessments,
outcomes, time from request to assessment, place-of-safety breaches and delays by cause; with
rota gap hours and the register's approvals and training from the rota and register selectors.

Aggregated in SQL by calendar month in Europe/London (TruncMonth): four queries whatever the
number of requests. Aggregates only: nothing here names a person.

A place-of-safety breach: a s135/s136 request whose deadline (24 hours from arrival plus any
extension, by the rules in force on the arrival date) passed before the assessment, or before
the request was withdrawn, or is already past while the request is still open. It counts in
the month the request was received.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, Count, F, FloatField, Func, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .models import AssessmentDelay, DelayCause, MhaAssessment, MhaRequest, Outcome
from .selectors_register import register_rows
from .selectors_requests import place_of_safety_deadline_sql
from .selectors_rota import rota_days
from .services.register import valid_on

MONTHS = 12


class Median(Aggregate):
    """PostgreSQL's continuous median (percentile_cont 0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochHours(Func):
    """The hours in an interval, as a number."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 3600.0)"
    output_field = FloatField()


def month_starts(today: datetime.date | None = None, months: int = MONTHS) -> list[datetime.date]:
    """The first day of each of the last `months` calendar months, oldest first, this one last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass
class MonthFigures:
    month: datetime.date
    requests: int = 0
    place_of_safety_requests: int = 0
    breaches: int = 0
    assessments: int = 0
    outcomes: dict = field(default_factory=dict)  # Outcome value -> count
    median_hours: Decimal | None = None
    delays: dict = field(default_factory=dict)  # DelayCause value -> (count, hours)
    gap_hours: Decimal = Decimal(0)  # rota: shift hours short of the minimum of valid AMHPs
    approved_amhps: int = 0  # AMHPs with a valid approval on the month's last day (today, this month)

    def outcome_counts(self) -> list[int]:
        return [self.outcomes.get(value, 0) for value in Outcome.values]

    def delay_cells(self) -> list[tuple[int, Decimal]]:
        return [self.delays.get(value, (0, Decimal(0))) for value in DelayCause.values]


def _month(value) -> datetime.date:
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


def _hours(minutes) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def monthly_figures(team, today: datetime.date | None = None) -> list[MonthFigures]:
    """The last 12 months for one AMHP team, oldest first."""
    starts = month_starts(today)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time()))
    rows = {start: MonthFigures(month=start) for start in starts}
    now = timezone.now()

    requests = (
        MhaRequest.objects.filter(team=team, received_at__gte=since)
        .annotate(
            month=TruncMonth("received_at"),
            deadline=place_of_safety_deadline_sql(),
            ended=Coalesce("assessment__assessed_at", "closed_at", Value(now)),
        )
        .values("month")
        .annotate(
            n=Count("pk"),
            pos=Count("pk", filter=Q(deadline__isnull=False)),
            breaches=Count("pk", filter=Q(deadline__isnull=False, ended__gt=F("deadline"))),
        )
        .order_by()
    )
    for row in requests:
        figures = rows.get(_month(row["month"]))
        if figures:
            figures.requests, figures.place_of_safety_requests, figures.breaches = (
                row["n"],
                row["pos"],
                row["breaches"],
            )

    assessments = MhaAssessment.objects.filter(request__team=team, assessed_at__gte=since).annotate(
        month=TruncMonth("assessed_at")
    )
    for row in assessments.values("month", "outcome").annotate(n=Count("pk")).order_by():
        figures = rows.get(_month(row["month"]))
        if figures:
            figures.outcomes[row["outcome"]] = row["n"]
            figures.assessments += row["n"]
    medians = assessments.values("month").annotate(
        median=Median(EpochHours(F("assessed_at") - F("request__received_at")))
    )
    for row in medians.order_by():
        figures = rows.get(_month(row["month"]))
        if figures and row["median"] is not None:
            figures.median_hours = Decimal(str(row["median"])).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )

    delays = (
        AssessmentDelay.objects.filter(assessment__request__team=team, assessment__assessed_at__gte=since)
        .annotate(month=TruncMonth("assessment__assessed_at"))
        .values("month", "cause")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
        .order_by()
    )
    for row in delays:
        figures = rows.get(_month(row["month"]))
        if figures:
            figures.delays[row["cause"]] = (row["n"], _hours(row["minutes"]))
    return list(rows.values())


@dataclass
class Workforce:
    """The register now: AMHPs approved, approvals ending within 90 days, training behind."""

    approved_now: int
    expiring_soon: int
    training_behind: int


def add_workforce(months: list[MonthFigures], *, team, user, today: datetime.date | None = None) -> Workforce:
    """Rota gap hours of the team's shifts in each month, and AMHPs with a valid approval at
    each month's end, from the rota and the register (amhp.selectors_rota and
    amhp.selectors_register); the register is the one the lead sees. A fixed number of
    queries: the shifts of the 12 months and the register, each loaded once."""
    today = today or timezone.localdate()
    by_month = {m.month: m for m in months}
    for day in rota_days(team, months[0].month, today):
        figures = by_month.get(day.date.replace(day=1))
        if figures:
            figures.gap_hours += sum((row.hours * row.missing for row in day.rows), Decimal(0))
    rows = [row for row in register_rows(user, today) if row.in_team]
    for figures in months:
        next_month = (figures.month + datetime.timedelta(days=32)).replace(day=1)
        last_day = min(next_month - datetime.timedelta(days=1), today)
        figures.approved_amhps = sum(1 for row in rows if valid_on(row.profile.approvals.all(), last_day))
    return Workforce(
        approved_now=sum(1 for row in rows if row.current is not None),
        expiring_soon=sum(1 for row in rows if row.expiring_soon),
        training_behind=sum(1 for row in rows if row.training_behind),
    )


@dataclass
class Totals:
    gap_hours: Decimal
    requests: int
    breaches: int
    assessments: int
    outcomes: list[int]
    delays: list[tuple[int, Decimal]]


def totals(months: list[MonthFigures]) -> Totals:
    """The 12-month totals of the monthly rows (no queries)."""
    delays = []
    for index in range(len(DelayCause.values)):
        cells = [m.delay_cells()[index] for m in months]
        delays.append((sum(c[0] for c in cells), sum((c[1] for c in cells), Decimal(0))))
    return Totals(
        gap_hours=sum((m.gap_hours for m in months), Decimal(0)),
        requests=sum(m.requests for m in months),
        breaches=sum(m.breaches for m in months),
        assessments=sum(m.assessments for m in months),
        outcomes=[sum(m.outcome_counts()[i] for m in months) for i in range(len(Outcome.values))],
        delays=delays,
    )
