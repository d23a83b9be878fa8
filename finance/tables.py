"""Care package budget tables from snapshots (seed 003 s3.2; issue 7 "Tables from snapshots").

For the periods (snapshots) chosen, each table shows the budget, then the commitment ("ISP",
in-service position, as seed 003 heads it) and the forecast at each period, the variance
(latest period minus budget, both columns) and, on the service-line tables, the change from
the previous chosen period (latest minus previous).

- Summary: one row per service line (its expenditure and income together), "Total", the
  "Other finance adjustments" block (one row per adjustment line) and "Adjusted total".
- One table per service line: its expenditure lines by care type, "Expenditure total", its
  income lines (negative), "Income total" and "Total".

Figures are exact Decimal pounds (snapshot lines hold pence); pages round for display only.
Reads take a fixed number of queries, however many periods and lines: the budget lines, the
budget's snapshots, and the chosen snapshots' lines in one go.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.exports import Table, slug

from .models import (
    AdjustmentKind,
    BudgetLine,
    CareType,
    FinanceServiceLine,
    IncomeType,
    LineSection,
    PooledBudget,
    Snapshot,
    SnapshotKind,
    SnapshotLine,
)

ZERO = Decimal("0")
ISP = "ISP"
FORECAST = "Forecast"
SUMMARY_SLUG = "summary"
QUARTER_END_MONTHS = (6, 9, 12, 3)
_CATEGORY_ORDER = {
    value: n for n, value in enumerate(CareType.values + IncomeType.values + AdjustmentKind.values)
}


@dataclass(frozen=True)
class Period:
    """One chosen snapshot: its figures per budget line id."""

    snapshot_id: int
    label: str
    as_of: datetime.date
    commitment: dict[int, Decimal] = field(default_factory=dict)
    forecast: dict[int, Decimal] = field(default_factory=dict)

    def totals(self, line_ids) -> tuple[Decimal, Decimal]:
        """Commitment and forecast of a group of lines; a line the snapshot lacks (added to
        the budget after it was taken) counts as nothing."""
        return (
            sum((self.commitment.get(i, ZERO) for i in line_ids), ZERO),
            sum((self.forecast.get(i, ZERO) for i in line_ids), ZERO),
        )


@dataclass
class BudgetFigures:
    """Everything the budget tables need, loaded once."""

    budget: PooledBudget
    lines: list[BudgetLine]
    periods: list[Period]

    @property
    def service_lines(self) -> list[FinanceServiceLine]:
        seen: dict[int, FinanceServiceLine] = {}
        for line in self.lines:
            if line.service_line_id and line.service_line_id not in seen:
                seen[line.service_line_id] = line.service_line
        return sorted(seen.values(), key=lambda s: (s.position, s.name))

    def lines_of(self, service_line, section) -> list[BudgetLine]:
        return [
            line
            for line in self.lines
            if line.service_line_id == (service_line.pk if service_line else None) and line.section == section
        ]


# --- Loading --------------------------------------------------------------------------------


def budget_snapshots(budget: PooledBudget) -> list[Snapshot]:
    """The budget's snapshots, oldest first (one query)."""
    return list(Snapshot.objects.filter(budget=budget).order_by("as_of", "taken_at", "pk"))


def default_periods(snapshots: list[Snapshot]) -> list[Snapshot]:
    """The periods a board table shows unless others are chosen (seed 003: Apr, Q1, Q2 ...,
    and the latest position): the April month end, each quarter end, and the latest
    snapshot, as far as they exist. `snapshots` are oldest first."""
    if not snapshots:
        return []
    chosen = [
        s
        for s in snapshots
        if s.kind == SnapshotKind.MONTH_END and (s.as_of.month == 4 or s.as_of.month in QUARTER_END_MONTHS)
    ]
    latest = snapshots[-1]
    if latest not in chosen:
        chosen.append(latest)
    return chosen


def load_figures(budget: PooledBudget, snapshots: list[Snapshot]) -> BudgetFigures:
    """Budget lines and the chosen snapshots' lines: two queries for any number of periods."""
    lines = sorted(
        BudgetLine.objects.filter(budget=budget).select_related("service_line"),
        key=lambda line: (
            line.service_line.position if line.service_line_id else 10**6,
            line.service_line_id or 0,
            _CATEGORY_ORDER.get(line.category, 99),
            line.pk,
        ),
    )
    ordered = sorted(snapshots, key=lambda s: (s.as_of, s.taken_at, s.pk))
    commitment: dict[int, dict[int, Decimal]] = {s.pk: {} for s in ordered}
    forecast: dict[int, dict[int, Decimal]] = {s.pk: {} for s in ordered}
    if ordered:
        rows = SnapshotLine.objects.filter(snapshot_id__in=[s.pk for s in ordered]).values_list(
            "snapshot_id", "line_id", "commitment", "forecast"
        )
        for snapshot_id, line_id, committed, forecast_value in rows:
            commitment[snapshot_id][line_id] = committed
            forecast[snapshot_id][line_id] = forecast_value
    periods = [
        Period(s.pk, s.label, s.as_of, commitment=commitment[s.pk], forecast=forecast[s.pk]) for s in ordered
    ]
    return BudgetFigures(budget=budget, lines=lines, periods=periods)


# --- Building -------------------------------------------------------------------------------


def _budget_of(lines) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


@dataclass
class _Figures:
    """Budget and (commitment, forecast) per period for one row."""

    budget: Decimal
    pairs: list[tuple[Decimal, Decimal]]

    @classmethod
    def of(cls, lines, periods) -> "_Figures":
        ids = [line.pk for line in lines]
        return cls(_budget_of(lines), [p.totals(ids) for p in periods])

    def __add__(self, other: "_Figures") -> "_Figures":
        return _Figures(
            self.budget + other.budget,
            [(a + c, b + d) for (a, b), (c, d) in zip(self.pairs, other.pairs, strict=True)],
        )

    def cells(self, *, change: bool) -> list[Decimal]:
        cells = [self.budget]
        for committed, forecast in self.pairs:
            cells += [committed, forecast]
        if self.pairs:
            latest_c, latest_f = self.pairs[-1]
            cells += [latest_c - self.budget, latest_f - self.budget]
            if change and len(self.pairs) > 1:
                previous_c, previous_f = self.pairs[-2]
                cells += [latest_c - previous_c, latest_f - previous_f]
        return cells


def _columns(first: str, periods: list[Period], *, change: bool) -> tuple[list[str], list[tuple[str, int]]]:
    """Column names and the spanning period headings above them (seed 003 layout)."""
    columns = [first, "Budget"]
    groups: list[tuple[str, int]] = [("", 2)]
    for period in periods:
        columns += [ISP, FORECAST]
        groups.append((period.label, 2))
    if not periods:
        return columns, []  # the budget alone needs no period headings
    columns += [ISP, FORECAST]
    groups.append(("Variance", 2))
    if change and len(periods) > 1:
        columns += [ISP, FORECAST]
        groups.append((f"Change from {periods[-2].label}", 2))
    return columns, groups


def _note(periods: list[Period], *, change: bool) -> str:
    if not periods:
        return "No period is chosen: only the budget is shown."
    latest = periods[-1]
    text = (
        f"ISP is the commitment (in-service position) and Forecast the forecast for the year, at "
        f"each period. Variance is {latest.label} ({latest.as_of.day} {latest.as_of:%b %Y}) minus the budget."
    )
    if change and len(periods) > 1:
        text += f" Change is {latest.label} minus {periods[-2].label}."
    return text


def _zero(figures: BudgetFigures) -> _Figures:
    return _Figures(ZERO, [(ZERO, ZERO) for _ in figures.periods])


def service_line_table(figures: BudgetFigures, service_line: FinanceServiceLine) -> Table:
    """Seed 003 s3.2.2/3.2.3: expenditure by care type, income, and their totals."""
    periods = figures.periods
    columns, groups = _columns(f"{service_line.short_name} activity", periods, change=True)
    table = Table(
        title=f"{service_line.name} ({service_line.short_name})",
        columns=columns,
        column_groups=groups,
        note=_note(periods, change=True),
    )
    expenditure_total = _zero(figures)
    for line in figures.lines_of(service_line, LineSection.EXPENDITURE):
        row = _Figures.of([line], periods)
        table.add([line.get_category_display(), *row.cells(change=True)])
        expenditure_total = expenditure_total + row
    table.add(["Expenditure total", *expenditure_total.cells(change=True)], kind="total")
    income_total = _zero(figures)
    for line in figures.lines_of(service_line, LineSection.INCOME):
        row = _Figures.of([line], periods)
        table.add([line.get_category_display(), *row.cells(change=True)])
        income_total = income_total + row
    table.add(["Income total", *income_total.cells(change=True)], kind="total")
    table.add(["Total", *(expenditure_total + income_total).cells(change=True)], kind="total")
    return table


def summary_table(figures: BudgetFigures) -> Table:
    """Seed 003 s3.2.1: one row per service line, the total, the other finance adjustments
    and the adjusted total."""
    periods = figures.periods
    columns, groups = _columns("Service line", periods, change=False)
    table = Table(
        title=f"Care packages summary {figures.budget.label}",
        columns=columns,
        column_groups=groups,
        note=_note(periods, change=False),
    )
    total = _zero(figures)
    for service_line in figures.service_lines:
        lines = figures.lines_of(service_line, LineSection.EXPENDITURE) + figures.lines_of(
            service_line, LineSection.INCOME
        )
        row = _Figures.of(lines, periods)
        table.add([service_line.short_name, *row.cells(change=False)])
        total = total + row
    table.add(["Total", *total.cells(change=False)], kind="total")
    adjustments = figures.lines_of(None, LineSection.ADJUSTMENT)
    if adjustments:
        table.add(["Other finance adjustments"] + [None] * (len(columns) - 1), kind="heading")
        for line in adjustments:
            row = _Figures.of([line], periods)
            table.add([line.get_category_display(), *row.cells(change=False)])
            total = total + row
        table.add(["Adjusted total", *total.cells(change=False)], kind="total")
    return table


def budget_tables(figures: BudgetFigures) -> list[tuple[str, Table]]:
    """(slug, table) for the summary and each service line, in page order."""
    tables = [(SUMMARY_SLUG, summary_table(figures))]
    for service_line in figures.service_lines:
        tables.append((slug(service_line.short_name), service_line_table(figures, service_line)))
    return tables


def header_rows(table: Table) -> tuple[list[dict], list[dict]]:
    """The two header rows of a table with period headings, for the page: a column without
    a group heading spans both rows (as "Budget" does in seed 003). Each cell knows the
    index of its first column, so the page can right-align the columns of figures."""
    if not table.column_groups:
        return [], [{"label": name, "index": i} for i, name in enumerate(table.columns)]
    top, bottom, index = [], [], 0
    for label, span in table.column_groups:
        if label:
            top.append({"label": label, "colspan": span, "rowspan": 1, "scope": "colgroup", "index": index})
            bottom += [{"label": table.columns[i], "index": i} for i in range(index, index + span)]
        else:
            top += [
                {"label": table.columns[i], "colspan": 1, "rowspan": 2, "scope": "col", "index": i}
                for i in range(index, index + span)
            ]
        index += span
    return top, bottom


def snapshot_rows(budget: PooledBudget):
    """The snapshot list, newest first, with who took each (a queryset, for filtering and
    paging; one query a page)."""
    return (
        Snapshot.objects.filter(budget=budget)
        .select_related("taken_by")
        .order_by("-as_of", "-taken_at", "-pk")
    )


def budgets_for_tables(user):
    """Budgets whose aggregate tables the user may read (finance and commissioners of a
    partner), newest year first."""
    from .permissions import agreements_for_tables

    return PooledBudget.objects.filter(agreement__in=agreements_for_tables(user).values("pk")).select_related(
        "agreement"
    )
