"""Commitment and forecast per budget line, as known on a day (seed 003 s3.2; issue 7 brief,
"Commitment and forecast").

Seed 003 s3.2 reports each care package line as the budget, the commitment ("ISP", the
in-service position: what the packages in place cost over the year) and the forecast (the
commitment with known ends, cost changes, approved starts and finance's adjustments). The
rules, for the budget's financial year [S, E] and the day D the position is "as known on":

- A cost version counts only if it was recorded on or before D. The version in force on a
  day is the latest whose `effective_from` is on or before it; a day costs weekly / 7. Days
  before a package's first version cost nothing (no price was known for them).
- Commitment: packages started on or before D, from max(started_on, S) to ended_on if it
  ended on or before D, else to E; only versions in force by D (the one in force on D runs
  on to the end of the period).
- Forecast: the same packages, ending at ended_on if on or before D, else at planned_end if
  it falls from D to E, else at E, with every known version (future-dated changes too); plus
  approved future starts (panel approved, decided on or before D, not started by D, not
  withdrawn or declined) from max(planned_start, S) to planned_end or E. A planned end that
  has already passed while the package still runs is ignored: the package is still being
  paid for, so the forecast cannot stop before the commitment does.
- Income lines of the package's service line, over the same days: client contributions
  -weekly client_contribution / 7 a day; health contributions -weekly_cost x health
  fraction / 7 a day, the fraction being (health + CHC + joint / 2 + s117 / 2) / 100.
- Adjustment lines: the adjustments in force on D (effective_from <= D, not withdrawn by
  D); commitment counts those marked `in_commitment`, the forecast all of them.

Sums are kept exact (weekly amount x days) and divided by 7 once per line, then rounded to
the penny (half up); nothing is rounded before.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db.models import Q

from .models import (
    BudgetLine,
    CarePackage,
    ForecastAdjustment,
    IncomeType,
    LineSection,
    PackageCost,
    PackageStatus,
    PanelOutcome,
    PooledBudget,
    section_of,
)

ONE_DAY = datetime.timedelta(days=1)
PENNY = Decimal("0.01")
ZERO = Decimal("0")
APPROVED_OUTCOMES = (PanelOutcome.APPROVE, PanelOutcome.APPROVE_WITH_CHANGES)
NOT_GOING_AHEAD = (PackageStatus.WITHDRAWN, PackageStatus.DECLINED)

Period = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class LinePosition:
    """One budget line's commitment and forecast in pounds (to the penny), and the number of
    its packages live on the day (expenditure lines only; income and adjustments carry 0)."""

    commitment: Decimal
    forecast: Decimal
    package_count: int = 0


@dataclass(frozen=True)
class CostVersion:
    """The figures of one PackageCost row the arithmetic needs."""

    effective_from: datetime.date
    weekly_cost: Decimal
    client_contribution: Decimal
    health_percent: Decimal  # health + CHC + (joint + s117) / 2, out of 100


@dataclass
class Tally:
    """Weekly amounts multiplied by days (exact); divide by 7 (or 700 for health) at the end."""

    cost: Decimal = ZERO
    client: Decimal = ZERO
    health: Decimal = ZERO  # weekly cost x health percent x days

    def add(self, version: CostVersion, days: int) -> None:
        self.cost += version.weekly_cost * days
        self.client += version.client_contribution * days
        self.health += version.weekly_cost * version.health_percent * days


# --- Interval helpers ---------------------------------------------------------------------


def overlap(a: Period | None, b: Period | None) -> Period | None:
    """The days two inclusive periods share, or None."""
    if a is None or b is None:
        return None
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def days_in(period: Period | None) -> int:
    """Days in an inclusive period (0 for none)."""
    return (period[1] - period[0]).days + 1 if period else 0


def priced_days(versions: list[CostVersion], period: Period | None) -> Iterator[tuple[CostVersion, int]]:
    """Split `period` by the version in force on each day: a version runs from its
    `effective_from` to the day before the next version; the last one runs on to the end."""
    if period is None:
        return
    following = [*versions[1:], None]
    for version, after in zip(versions, following, strict=True):
        segment_end = after.effective_from - ONE_DAY if after else period[1]
        days = days_in(overlap((version.effective_from, segment_end), period))
        if days:
            yield version, days


def commitment_period(package: dict, as_of: datetime.date, year: Period) -> Period | None:
    """From the start (or S) to the end if it ended by D, else to the end of the year."""
    ended = package["ended_on"]
    end = ended if ended and ended <= as_of else year[1]
    return overlap((package["started_on"], end), year)


def forecast_period(package: dict, as_of: datetime.date, year: Period) -> Period | None:
    """A started package: to the end if it ended by D, else to a planned end still ahead in
    the year, else to the end of the year. An approved future start: from its planned start
    to its planned end or the end of the year."""
    planned_end = package["planned_end"]
    if _started_by(package, as_of):
        ended = package["ended_on"]
        if ended and ended <= as_of:
            end = ended
        elif planned_end and as_of <= planned_end <= year[1]:
            end = planned_end
        else:
            end = year[1]
        return overlap((package["started_on"], end), year)
    return overlap((package["planned_start"], planned_end or year[1]), year)


def _started_by(package: dict, as_of: datetime.date) -> bool:
    return package["started_on"] is not None and package["started_on"] <= as_of


def _live_on(package: dict, as_of: datetime.date) -> bool:
    return _started_by(package, as_of) and (package["ended_on"] is None or package["ended_on"] >= as_of)


# --- Reading the budget -------------------------------------------------------------------


def _packages(budget: PooledBudget, as_of: datetime.date):
    """Packages in the commitment (started by D) or approved to start later.

    A package is paid from a line of one year's budget, but it runs across years: it counts
    in every budget of the same agreement whose year it overlaps, on that budget's line of
    the same service line and care type.
    """
    year_start, year_end = budget.bounds
    in_year = (Q(ended_on__isnull=True) | Q(ended_on__gte=year_start)) & Q(planned_start__lte=year_end)
    started = Q(started_on__lte=as_of)
    approved_to_start = (
        Q(
            panel_decision__outcome__in=APPROVED_OUTCOMES,
            panel_decision__decided_on__lte=as_of,
        )
        & (Q(started_on__isnull=True) | Q(started_on__gt=as_of))
        & ~Q(status__in=NOT_GOING_AHEAD)
    )
    return CarePackage.objects.filter(budget_line__budget__agreement_id=budget.agreement_id).filter(
        in_year & (started | approved_to_start)
    )


def _versions(packages, as_of: datetime.date) -> dict[int, list[CostVersion]]:
    """Every cost version recorded on or before D (London date), by package, oldest first."""
    rows = (
        PackageCost.objects.filter(package__in=packages.values("pk"), recorded_at__date__lte=as_of)
        .order_by("package_id", "effective_from")
        .values_list(
            "package_id",
            "effective_from",
            "weekly_cost",
            "client_contribution",
            "health_share",
            "chc_share",
            "joint_share",
            "s117_share",
        )
    )
    versions: dict[int, list[CostVersion]] = defaultdict(list)
    for package_id, effective_from, weekly, client, health, chc, joint, s117 in rows:
        percent = health + chc + (joint + s117) / 2
        versions[package_id].append(CostVersion(effective_from, weekly, client, percent))
    return versions


def to_pounds(value: Decimal) -> Decimal:
    """Round once, to the penny, half up; never a negative zero."""
    rounded = value.quantize(PENNY, rounding=ROUND_HALF_UP)
    return rounded if rounded else Decimal("0.00")


def _package_tallies(budget: PooledBudget, as_of: datetime.date, line_of: dict):
    """Per expenditure line: the commitment and forecast tallies and the packages live on D.

    `line_of` maps (service line id, category) to this budget's line id."""
    year = budget.bounds
    packages = _packages(budget, as_of)
    fields = ("pk", "started_on", "ended_on", "planned_start", "planned_end")
    rows = list(packages.values(*fields, "budget_line__service_line_id", "budget_line__category"))

    versions = _versions(packages, as_of)
    committed: dict[int, Tally] = defaultdict(Tally)
    forecast: dict[int, Tally] = defaultdict(Tally)
    live: dict[int, int] = defaultdict(int)
    for package in rows:
        known = versions.get(package["pk"], [])
        line_id = line_of.get((package["budget_line__service_line_id"], package["budget_line__category"]))
        if line_id is None:  # this year's budget has no such line
            continue
        if _started_by(package, as_of):
            in_force_by_d = [v for v in known if v.effective_from <= as_of]
            for version, days in priced_days(in_force_by_d, commitment_period(package, as_of, year)):
                committed[line_id].add(version, days)
            if _live_on(package, as_of):
                live[line_id] += 1
        for version, days in priced_days(known, forecast_period(package, as_of, year)):
            forecast[line_id].add(version, days)
    return committed, forecast, live


def _adjustments_in_force(budget: PooledBudget, as_of: datetime.date):
    """(line id, amount, in commitment) of the adjustments in force on D."""
    in_force = Q(effective_from__lte=as_of) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of))
    return (
        ForecastAdjustment.objects.filter(in_force, line__budget=budget)
        .order_by()
        .values_list("line_id", "amount", "in_commitment")
    )


def line_positions(budget: PooledBudget, as_of: datetime.date) -> dict[int, LinePosition]:
    """Commitment and forecast of every line of `budget` as known on `as_of`, by line id.

    Four queries whatever the number of packages (lines, packages, cost versions,
    adjustments). Every line is present, zero ones too. A package's income goes to the
    income lines of its expenditure line's service line; if the budget has no such line the
    income is not shown anywhere.
    """
    lines = list(BudgetLine.objects.filter(budget=budget).values_list("pk", "service_line_id", "category"))
    service_line_of = {pk: service_line_id for pk, service_line_id, _ in lines}
    income_line = {
        (service_line_id, category): pk
        for pk, service_line_id, category in lines
        if section_of(category) == LineSection.INCOME
    }
    amounts = {pk: [ZERO, ZERO] for pk in service_line_of}  # [commitment, forecast]

    with localcontext() as context:
        context.prec = 50
        line_of = {(service_line_id, category): pk for pk, service_line_id, category in lines}
        committed, forecast, live = _package_tallies(budget, as_of, line_of)
        for index, tallies in enumerate((committed, forecast)):
            for line_id, tally in tallies.items():
                amounts[line_id][index] += tally.cost / 7
                service_line_id = service_line_of[line_id]
                client_line = income_line.get((service_line_id, IncomeType.CLIENT_CONTRIBUTIONS))
                health_line = income_line.get((service_line_id, IncomeType.HEALTH_CONTRIBUTIONS))
                if client_line:
                    amounts[client_line][index] -= tally.client / 7
                if health_line:
                    amounts[health_line][index] -= tally.health / 700
        for line_id, amount, in_commitment in _adjustments_in_force(budget, as_of):
            if in_commitment:
                amounts[line_id][0] += amount
            amounts[line_id][1] += amount

        return {
            pk: LinePosition(
                commitment=to_pounds(commitment),
                forecast=to_pounds(forecast_amount),
                package_count=live.get(pk, 0),
            )
            for pk, (commitment, forecast_amount) in amounts.items()
        }
