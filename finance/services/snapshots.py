"""Period snapshots: the commitment and forecast of every budget line, frozen at a day.

Seed 003 s3.2 compares the budget with the position "at each period" (April, Q1, Q2,
November, Q3); those columns must not move when packages change later, so a snapshot is
written once and never updated (the database refuses it). The month-end job makes one
snapshot per budget on the last day of each month; a rerun, a redelivered task or two
workers at once still leave exactly one (a unique constraint, DESIGN.md section 6).
Finance may also take one on demand ("23 Nov").
"""

import calendar
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.services import DomainError

from ..commitments import line_positions
from ..models import PooledBudget, Snapshot, SnapshotKind, SnapshotLine, financial_year_of

__all__ = [
    "is_month_end",
    "snapshot_label",
    "take_month_end_snapshots",
    "take_snapshot",
]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
QUARTER_ENDS = {6: "Q1", 9: "Q2", 12: "Q3", 3: "Q4"}  # of the April-to-March year


def is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def snapshot_label(as_of: datetime.date, kind: str) -> str:
    """How the tables head the period: a quarter end "Q1".."Q4", another month end its month
    ("Apr", "Nov"), an on-demand snapshot its day ("23 Nov")."""
    month = MONTHS[as_of.month - 1]
    if kind == SnapshotKind.MONTH_END:
        return QUARTER_ENDS.get(as_of.month, month)
    return f"{as_of.day} {month}"


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check(budget: PooledBudget, as_of: datetime.date, kind: str) -> None:
    start, end = budget.bounds
    if not start <= as_of <= end:
        raise DomainError(
            f"A snapshot of the {budget.label} budget must be for a day from "
            f"{_long_date(start)} to {_long_date(end)}"
        )
    if as_of > timezone.localdate():
        raise DomainError("A snapshot cannot be for a day in the future")
    if kind not in SnapshotKind.values:
        raise DomainError("Choose a month-end or on-demand snapshot")
    if kind == SnapshotKind.MONTH_END and not is_month_end(as_of):
        raise DomainError("A month-end snapshot must be for the last day of a month")


def _take(*, budget: PooledBudget, as_of: datetime.date, kind: str, by=None) -> tuple[Snapshot, bool]:
    """The snapshot and whether this call wrote it (False: the month end already had one)."""
    _check(budget, as_of, kind)
    month_end = kind == SnapshotKind.MONTH_END
    if month_end:
        existing = Snapshot.objects.filter(budget=budget, as_of=as_of, kind=kind).first()
        if existing:
            return existing, False
    positions = line_positions(budget, as_of)
    try:
        # A savepoint: losing the race to another worker rolls back only this attempt.
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                budget=budget, as_of=as_of, kind=kind, label=snapshot_label(as_of, kind), taken_by=by
            )
            SnapshotLine.objects.bulk_create(
                SnapshotLine(
                    snapshot=snapshot,
                    line_id=line_id,
                    commitment=position.commitment,
                    forecast=position.forecast,
                    package_count=position.package_count,
                )
                for line_id, position in sorted(positions.items())
            )
    except IntegrityError:
        existing = (
            Snapshot.objects.filter(budget=budget, as_of=as_of, kind=kind).first() if month_end else None
        )
        if existing is None:
            raise
        return existing, False
    return snapshot, True


def take_snapshot(*, budget: PooledBudget, as_of: datetime.date, kind: str, by=None) -> Snapshot:
    """Freeze every line's commitment and forecast as known on `as_of` (zero lines too).

    `as_of` must fall in the budget's financial year and not in the future; a month-end
    snapshot must be for a month's last day, and asking again for one returns the existing
    snapshot. `by` is the user who asked (None for the month-end job).
    """
    return _take(budget=budget, as_of=as_of, kind=kind, by=by)[0]


def take_month_end_snapshots(day: datetime.date | None = None) -> int:
    """The month-end snapshots due by `day`: the previous month's end always (a catch-up, in
    case the worker was down that night), and `day` itself when it is a month's last day.

    Each covers every budget whose financial year contains that month end and that existed
    by then (a budget set up mid-year has no position to catch up before it). Because a
    position is "as known on" its day (ADR 7), a late snapshot gives that day's figures.
    Returns how many snapshots this run wrote (a rerun writes none). Each budget is its own
    transaction, so one failure keeps the others."""
    day = day or timezone.localdate()
    month_ends = [day.replace(day=1) - datetime.timedelta(days=1)]
    if is_month_end(day):
        month_ends.append(day)
    created = 0
    for month_end in month_ends:
        budgets = PooledBudget.objects.filter(
            year=financial_year_of(month_end), created_at__date__lte=month_end
        ).order_by("pk")
        for budget in budgets:
            _, wrote = _take(budget=budget, as_of=month_end, kind=SnapshotKind.MONTH_END)
            created += wrote
    return created
