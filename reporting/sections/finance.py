"""Board report sections "finance" (the Section 75 pooled budget: seed 003 s3.2 and s3.4) and
"staffing" (seed 003 s3.3), issue 8.

For each pooled budget whose financial year contains the last day of the report's period:

- finance: the tables of `finance.tables` (summary with the "Other finance adjustments"
  block, one table per service line) from the snapshots whose day is on or before the period
  end, the periods `default_periods` picks (April, quarter ends, the latest); sentences read
  from those figures as seed 003 s3.2.1 words them; the risk share at the latest of those
  snapshots (`finance.risk_share`); and the deep-dive trend of residential packages against
  their average weekly cost at each month end to the period end, per service line
  (`finance.deep_dive.care_type_trend`). No list of packages or people: a board report holds
  aggregates only. Money identifies no one and is never suppressed; package counts are.
- staffing: the staffing table of `finance.tables_staffing` at the last month end of the
  year on or before the period end, with a sentence on the forecast variance.

Queries: a fixed handful per pooled budget (the tables two, the risk share five, the trend
one per service line), whatever the number of packages, people or months. Agreements, and so
budgets in a year, are a few set up by finance.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from accounts.exports import Table, table_to_data
from finance import deep_dive
from finance.models import CareType, LineSection, PooledBudget, Snapshot, financial_year_of
from finance.risk_share import risk_share, shares_table, variance_table
from finance.tables import BudgetFigures, budget_tables, default_periods, load_figures
from finance.tables_staffing import build_staffing_table, complete_months, month_ends, staffing_positions

from . import SUPPRESSED, SUPPRESSION_NOTE, SUPPRESSION_THRESHOLD, SectionRequest, register_section, suppress

ZERO = Decimal("0")
THOUSAND = Decimal("1000")
TREND_CARE_TYPE = CareType.RESIDENTIAL


# --- Words for money ---------------------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def pounds_k(amount: Decimal) -> str:
    """£373k as seed 003 writes it (the size only: the words say over or under); amounts under
    £500 in whole pounds, so a small figure never reads as £0k."""
    size = abs(amount)
    thousands = (size / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if thousands == 0:
        return f"£{size.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"£{thousands:,}k"


def over_under(variance: Decimal) -> str:
    """Commitment against budget: "£373k over budget"."""
    if variance > 0:
        return f"{pounds_k(variance)} over budget"
    if variance < 0:
        return f"{pounds_k(variance)} under budget"
    return "on budget"


def spend(variance: Decimal) -> str:
    """A forecast variance: "£432k overspend"."""
    if variance > 0:
        return f"{pounds_k(variance)} overspend"
    if variance < 0:
        return f"{pounds_k(variance)} underspend"
    return "a balanced position (no over- or underspend)"


def _change(change: Decimal, since: str) -> str:
    """ "up £92k since Apr": of the figure itself, so it reads the same over or under budget."""
    if change < 0:
        return f"down {pounds_k(change)} since {since}"
    if change > 0:
        return f"up {pounds_k(change)} since {since}"
    return f"unchanged since {since}"


def _moved(change: Decimal, since: str) -> str:
    if change < 0:
        return f"fallen by {pounds_k(change)} since {since}"
    if change > 0:
        return f"risen by {pounds_k(change)} since {since}"
    return f"not changed since {since}"


# --- Budgets and snapshots ---------------------------------------------------------------------


def budgets_at(day: datetime.date) -> list[PooledBudget]:
    """Pooled budgets whose financial year contains `day` (one query)."""
    return list(
        PooledBudget.objects.filter(year=financial_year_of(day))
        .select_related("agreement", "agreement__host")
        .order_by("agreement__name", "pk")
    )


def snapshots_by_budget(budgets: list[PooledBudget], day: datetime.date) -> dict[int, list[Snapshot]]:
    """Each budget's snapshots of a day on or before `day`, oldest first (one query)."""
    found: dict[int, list[Snapshot]] = {b.pk: [] for b in budgets}
    rows = Snapshot.objects.filter(budget__in=[b.pk for b in budgets], as_of__lte=day).order_by(
        "as_of", "taken_at", "pk"
    )
    for snapshot in rows:
        found[snapshot.budget_id].append(snapshot)
    return found


def _titled(table: Table, budget: PooledBudget, several: bool) -> Table:
    """With more than one pooled budget in the report, each table names its agreement."""
    if several:
        table.title = f"{budget.agreement.name}: {table.title}"
    return table


# --- Sentences from the figures (seed 003 s3.2.1 to s3.2.3) -------------------------------------


def _ids(lines) -> list[int]:
    return [line.pk for line in lines]


def overview_sentence(figures: BudgetFigures) -> str:
    """Commitments against budget before the adjustments, and the forecast variance after
    them, at the latest period, with the change since the previous chosen period."""
    periods = figures.periods
    latest = periods[-1]
    previous = periods[-2] if len(periods) > 1 else None
    service_lines = [line for line in figures.lines if line.service_line_id]
    everything = figures.lines
    budget = sum((line.amount for line in service_lines), ZERO)
    adjusted_budget = sum((line.amount for line in everything), ZERO)
    committed = latest.totals(_ids(service_lines))[0]
    forecast = latest.totals(_ids(everything))[1]
    text = (
        f"The {latest.label} snapshot ({_day(latest.as_of)}) of {figures.budget.agreement.name} shows "
        f"commitments {over_under(committed - budget)} overall"
    )
    if previous is not None:
        text += f" ({_change(committed - previous.totals(_ids(service_lines))[0], previous.label)})"
    text += (
        f", with a forecast variance, taking into account the other finance adjustments, of "
        f"{spend(forecast - adjusted_budget)}"
    )
    if previous is not None:
        moved = forecast - previous.totals(_ids(everything))[1]
        text += f"; the forecast has {_moved(moved, previous.label)}"
    return text + "."


def service_line_sentence(figures: BudgetFigures, service_line) -> str:
    periods = figures.periods
    latest = periods[-1]
    previous = periods[-2] if len(periods) > 1 else None
    expenditure = figures.lines_of(service_line, LineSection.EXPENDITURE)
    both = expenditure + figures.lines_of(service_line, LineSection.INCOME)
    budget = sum((line.amount for line in both), ZERO)
    committed, forecast = latest.totals(_ids(both))
    text = f"{service_line.name} ({service_line.short_name}): "
    if previous is not None:
        gross = latest.totals(_ids(expenditure))[0] - previous.totals(_ids(expenditure))[0]
        text += f"gross commitments have {_moved(gross, previous.label)}; "
    return (
        text + f"after income, commitments are {over_under(committed - budget)} and the forecast is "
        f"{spend(forecast - budget)} before the other finance adjustments."
    )


def risk_share_sentence(result) -> str:
    if result.problem:
        return f"The risk share cannot be worked out: {result.problem}."
    shares = "; ".join(f"{s.partner.name} {pounds_k(s.share)}" for s in result.shares)
    what = "overspend" if result.total > 0 else "underspend" if result.total < 0 else "variance"
    return (
        f"The forecast {what} of {pounds_k(result.total)} (care packages {spend(result.care_variance)}, "
        f"staffing {spend(result.staffing_variance)}) is shared "
        f"{result.rule_label[0].lower()}{result.rule_label[1:]}: {shares}."
    )


# --- The trend (seed 003 s3.4.3) ----------------------------------------------------------------


def _trend_lines(figures: BudgetFigures):
    """Service lines with a residential expenditure line, in the tables' order."""
    return [
        s
        for s in figures.service_lines
        if any(line.category == TREND_CARE_TYPE for line in figures.lines_of(s, LineSection.EXPENDITURE))
    ]


def _money_value(amount: Decimal | None) -> float | None:
    """A chart point (JSON number): the pounds to the penny, already rounded by the trend."""
    return None if amount is None else float(amount)


def trend_parts(budget: PooledBudget, service_line, day: datetime.date, is_public: bool, several: bool):
    """(sentence, chart, table) for residential packages of one service line, or None when no
    such package was live at any month end of the year to `day` (one query)."""
    points = deep_dive.care_type_trend(
        budget, care_type=TREND_CARE_TYPE, service_line=service_line, today=day
    )
    if not any(p.packages for p in points):
        return None
    subject = f"{CareType(TREND_CARE_TYPE).label} packages, {service_line.short_name}, {budget.label}"
    if several:
        subject = f"{budget.agreement.name}: {subject}"
    counts = [suppress(p.packages, is_public) for p in points]
    small = any(c == SUPPRESSED for c in counts)
    if small:
        sentence = (
            f"{subject}: fewer than {SUPPRESSION_THRESHOLD} packages at some month ends, so the trend is not "
            f"described in the public report."
        )
    else:
        sentence = f"{subject}: {deep_dive.trend_sentence(points)}"
    labels = [deep_dive.format_day(p.month_end) for p in points]
    chart = {
        "title": f"{subject}: packages and average weekly cost at each month end",
        "labels": labels,
        "series": [
            {
                "name": "Packages",
                "values": [None if c == SUPPRESSED else c for c in counts],
                "axis": "left",
                "unit": "",
            },
            {
                "name": "Average weekly cost",
                "values": [_money_value(p.average_weekly_cost) for p in points],
                "axis": "right",
                "unit": "£",
            },
        ],
        "left_label": "Packages",
        "right_label": "Average weekly cost (£)",
    }
    note = "Live packages at each month end; the average is over those with a weekly cost in force that day."
    table = Table(
        title=f"{subject}: figures at each month end",
        columns=["Month end", "Packages", "Average weekly cost (£)", "Total weekly cost (£)"],
        note=f"{note} {SUPPRESSION_NOTE}" if is_public else note,
    )
    for point, count in zip(points, counts, strict=True):
        table.add([point.month_end, count, point.average_weekly_cost, point.total_weekly_cost])
    return sentence, chart, table


# --- Finance -----------------------------------------------------------------------------------


FINANCE_DEFINITIONS = [
    [
        "ISP",
        "In-service position: the commitment on the snapshot's day, the cost of the care packages in place.",
    ],
    [
        "Forecast",
        "The expected cost for the whole financial year on the snapshot's day: packages to their planned "
        "end, approved future starts and known cost changes, with the other finance adjustments.",
    ],
    ["Variance", "The latest period's commitment or forecast minus the budget. Positive is an overspend."],
    [
        "Snapshot",
        "The commitment and forecast of every budget line frozen at a month end (or on demand), so the "
        "figures shown for a period never change afterwards.",
    ],
    [
        "Other finance adjustments",
        "Inflation, backdating risk, prior-year liabilities and expected demand that finance adds to the "
        "packages' figures.",
    ],
    [
        "Risk share",
        "How the forecast over- or underspend of the pooled fund falls on the partners under the Section 75 "
        "agreement (NHS Bodies and Local Authorities Partnership Arrangements Regulations 2000, reg. 7(4)).",
    ],
    [
        "Residential trend",
        "Residential care packages live at each month end and their average weekly cost then (the cost in "
        "force that day), to tell growth in demand from growth in unit cost (seed 003 s3.4.3).",
    ],
]


def build_finance(request: SectionRequest) -> dict:
    day = request.period_end
    budgets = budgets_at(day)
    definitions = [list(d) for d in FINANCE_DEFINITIONS]
    if request.is_public:
        definitions.append(["*", f"{SUPPRESSION_NOTE} Money is not suppressed: it identifies no one."])
    section = {"summary": [], "tables": [], "charts": [], "definitions": definitions}
    if not budgets:
        section["summary"].append(f"No pooled budget covers {_day(day)}.")
        return section
    several = len(budgets) > 1
    snapshots = snapshots_by_budget(budgets, day)
    for budget in budgets:
        periods = default_periods(snapshots[budget.pk])
        figures = load_figures(budget, periods)
        if periods:
            section["summary"].append(overview_sentence(figures))
            for service_line in figures.service_lines:
                section["summary"].append(service_line_sentence(figures, service_line))
            for _, table in budget_tables(figures):
                section["tables"].append(table_to_data(_titled(table, budget, several)))
            result = risk_share(budget, periods[-1])
            section["summary"].append(risk_share_sentence(result))
            section["tables"].append(table_to_data(_titled(variance_table(result), budget, several)))
            if result.shares:
                section["tables"].append(table_to_data(_titled(shares_table(result), budget, several)))
        else:
            section["summary"].append(
                f"No snapshot of the {budget.agreement.name} pooled budget {budget.label} was taken on or "
                f"before {_day(day)}, so there are no care package figures for the period."
            )
        for service_line in _trend_lines(figures):
            parts = trend_parts(budget, service_line, day, request.is_public, several)
            if parts:
                sentence, chart, table = parts
                section["summary"].append(sentence)
                section["charts"].append(chart)
                section["tables"].append(table_to_data(table))
    return section


# --- Staffing ----------------------------------------------------------------------------------


STAFFING_DEFINITIONS = [
    [
        "Budget (S75 estimate)",
        "The staffing budget set in the Section 75 agreement for the partner and group.",
    ],
    ["Adjusted budget", "The budget after agreed changes in the year."],
    [
        "Adjusted budget to date",
        "The adjusted budget times the complete months of the financial year to the table's date, over 12.",
    ],
    ["Actual to date", "The actual spend of those complete months, from the ledger."],
    ["Variance", "The forecast for the year minus the adjusted budget: positive is an overspend."],
]


def staffing_as_of(budget: PooledBudget, day: datetime.date) -> datetime.date:
    """The last month end of the budget's year on or before `day`; `day` itself before the
    year's first month end (no complete month yet)."""
    past = [end for end in month_ends(budget) if end <= day]
    return past[-1] if past else day


def build_staffing(request: SectionRequest) -> dict:
    day = request.period_end
    budgets = budgets_at(day)
    section = {
        "summary": [],
        "tables": [],
        "charts": [],
        "definitions": [list(d) for d in STAFFING_DEFINITIONS],
    }
    if not budgets:
        section["summary"].append(f"No pooled budget covers {_day(day)}.")
        return section
    several = len(budgets) > 1
    for budget in budgets:
        as_of = staffing_as_of(budget, day)
        positions = staffing_positions(budget, as_of)
        if not positions:
            section["summary"].append(
                f"No staffing budget is recorded for {budget.agreement.name} {budget.label}."
            )
            continue
        table = build_staffing_table(positions, months=complete_months(budget, as_of), as_of=as_of)
        _, _, _, adjusted, to_date, actual, forecast, variance = table.rows[-1].cells
        section["summary"].append(
            f"At {_day(as_of)}, the staffing forecast for {budget.agreement.name} {budget.label} is "
            f"{spend(variance)} against the adjusted budget of {pounds_k(adjusted)} (forecast "
            f"{pounds_k(forecast)}); {pounds_k(actual)} spent to date against {pounds_k(to_date)} budgeted "
            f"to date."
        )
        section["tables"].append(table_to_data(_titled(table, budget, several)))
    return section


def register() -> None:
    register_section("finance", "Section 75 pooled budget", build_finance, order=60)
    register_section("staffing", "Staffing budgets", build_staffing, order=70)
