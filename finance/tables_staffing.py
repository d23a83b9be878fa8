"""The staffing budget table (seed 003 s3.3): per partner and group, the budget (S75
estimate), the adjusted budget, the adjusted budget to date, the actual to date, the forecast
and the variance (forecast minus adjusted budget), with a total per partner and a grand total.

"To date" is a whole number of complete months of the financial year: the budget to date is
adjusted budget x complete months / 12 (seed 003: 100,294 x 8 / 12 = 66,863 at the end of
November), and the actual to date adds the monthly actuals of those same months. The page
asks for a month end, so "complete months up to the as-of date" and "months up to the as-of
month" are the same months. Budget to date is rounded to the penny per row (ROUND_HALF_UP);
totals add the rows, as the table shows them.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from accounts.exports import Table

from .models import PooledBudget, StaffingLine

ZERO = Decimal("0")
PENNY = Decimal("0.01")
COLUMNS = [
    "Partner",
    "Group",
    "Budget (S75 estimate)",
    "Adjusted budget",
    "Adjusted budget to date",
    "Actual to date",
    "Forecast",
    "Variance (forecast − adjusted budget)",
]


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_ends(budget: PooledBudget) -> list[datetime.date]:
    """The twelve month ends of the budget's financial year, April first."""
    start, _ = budget.bounds
    ends = []
    for n in range(12):
        year, month = start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1
        ends.append(month_end(year, month))
    return ends


def complete_months(budget: PooledBudget, as_of: datetime.date) -> int:
    """Months of the financial year whose last day is on or before `as_of` (0 to 12)."""
    return sum(1 for end in month_ends(budget) if end <= as_of)


def default_as_of(budget: PooledBudget, reference: datetime.date) -> datetime.date:
    """The last month end of the year on or before `reference` (the latest snapshot's date or
    today); the first month end when the year has not yet had one."""
    ends = month_ends(budget)
    past = [end for end in ends if end <= reference]
    return past[-1] if past else ends[0]


@dataclass(frozen=True)
class StaffingPosition:
    partner: str
    partner_id: int
    group: str
    budget_amount: Decimal
    adjusted_budget: Decimal
    actual_to_date: Decimal
    forecast: Decimal


def staffing_positions(budget: PooledBudget, as_of: datetime.date) -> list[StaffingPosition]:
    """One query: each staffing line with the actuals of the complete months up to `as_of`."""
    start, _ = budget.bounds
    months = complete_months(budget, as_of)
    # No complete month yet: a cutoff before the start counts nothing.
    cutoff = month_ends(budget)[months - 1] if months else start - datetime.timedelta(days=1)
    counted = Q(actuals__month__gte=start, actuals__month__lte=cutoff)
    rows = (
        StaffingLine.objects.filter(budget=budget)
        .select_related("partner")
        .annotate(
            actual_to_date=Coalesce(
                Sum("actuals__amount", filter=counted),
                Value(ZERO),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )
        .order_by("partner__name", "group", "pk")
    )
    return [
        StaffingPosition(
            partner=row.partner.name,
            partner_id=row.partner_id,
            group=row.group,
            budget_amount=row.budget_amount,
            adjusted_budget=row.adjusted_budget,
            actual_to_date=row.actual_to_date,
            forecast=row.forecast,
        )
        for row in rows
    ]


def _figures(position: StaffingPosition, months: int) -> list[Decimal]:
    to_date = (position.adjusted_budget * months / 12).quantize(PENNY, rounding=ROUND_HALF_UP)
    return [
        position.budget_amount,
        position.adjusted_budget,
        to_date,
        position.actual_to_date,
        position.forecast,
        position.forecast - position.adjusted_budget,
    ]


def _add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    return [x + y for x, y in zip(a, b, strict=True)]


def build_staffing_table(positions: list[StaffingPosition], *, months: int, as_of: datetime.date) -> Table:
    """Pure: the table from positions (sorted by partner, then group)."""
    table = Table(
        title=f"Staffing at {as_of.day} {as_of:%B %Y}",
        columns=list(COLUMNS),
        note=(
            f"Budget to date is the adjusted budget × {months} of 12 months; actual to date adds "
            f"the actuals of those months. Variance is the forecast minus the adjusted budget."
        ),
    )
    grand = [ZERO] * 6
    index = 0
    while index < len(positions):
        partner_id = positions[index].partner_id
        partner_total = [ZERO] * 6
        while index < len(positions) and positions[index].partner_id == partner_id:
            position = positions[index]
            figures = _figures(position, months)
            table.add([position.partner, position.group, *figures])
            partner_total = _add(partner_total, figures)
            index += 1
        table.add([f"{positions[index - 1].partner} total", "", *partner_total], kind="total")
        grand = _add(grand, partner_total)
    table.add(["Grand total", "", *grand], kind="total")
    return table


def staffing_table(budget: PooledBudget, as_of: datetime.date) -> Table:
    return build_staffing_table(
        staffing_positions(budget, as_of), months=complete_months(budget, as_of), as_of=as_of
    )


def staffing_variance(budget: PooledBudget) -> dict[tuple[int, str], tuple[Decimal, Decimal]]:
    """Per partner (id, name): the adjusted budget and forecast of its staffing lines, for
    the risk share (one query)."""
    totals: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}
    rows = StaffingLine.objects.filter(budget=budget).values_list(
        "partner_id", "partner__name", "adjusted_budget", "forecast"
    )
    for partner_id, name, adjusted, forecast in rows:
        a, f = totals.get((partner_id, name), (ZERO, ZERO))
        totals[(partner_id, name)] = (a + adjusted, f + forecast)
    return totals
