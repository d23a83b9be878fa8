"""Reads for the mental health deep dive (seed 003 s3.4): the lists the pool manager reviews
and the trend of package numbers against unit cost, for one pooled budget.

Seed 003 s3.4.5 asks for "a review of the top 10 most expensive cases", to "increase the
frequency of review of high cost packages", a "review of the live in care packages", and
s3.4.3 reads the trend as demand (more packages) or unit cost (dearer packages). These
functions answer exactly those questions; the views only show them.

Rules, for the budget's financial year [S, E] and the day D the lists are "as on"
(today, or E once the year is over):

- The packages are those paid from the budget's lines (as the budget tables count them).
- A package is live on a day if it started on or before it and has not ended before it
  (the `package_count` rule of finance/commitments.py).
- Its weekly cost on a day is the cost version in force that day: the latest whose
  `effective_from` is on or before it. The deep dive reads today's records, so a cost
  change recorded late counts from the day it took effect (the period tables, built from
  frozen snapshots, keep what was known at each month end).
- Annual equivalent: weekly cost / 7 x 365, as commitments cost a day at weekly / 7.
- "Not reviewed in N months": the last review, or the start if never reviewed, falls on or
  before D less N months.
- These lists name people: every person shown is one AccessLog row (basis finance), all
  written in one INSERT (`log_people_shown`), so the audit stays one statement per page.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.exports import Table
from accounts.selectors import current_organisation
from accounts.templatetags.tables import format_money
from cases.models import AccessAction, AccessBasis, AccessLog

from .models import CarePackage, CareType, FinanceServiceLine, PackageCost, PooledBudget, financial_year_of

TOP_COUNT = 10
DEFAULT_MIN_WEEKLY_COST = Decimal("1000")
DEFAULT_MONTHS = 6
PAGE_SIZE = 25
PENNY = Decimal("0.01")
NEVER = "Never"


# --- Days ---------------------------------------------------------------------------------


def as_on(budget: PooledBudget, today: datetime.date | None = None) -> datetime.date:
    """The day the lists describe: today, or the last day of the year once it is over."""
    today = today or timezone.localdate()
    return min(today, budget.bounds[1])


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier, or the month's last day if it is shorter (31 Aug less
    6 months is 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later` (consistent with `months_before`)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def month_ends(budget: PooledBudget, today: datetime.date | None = None) -> list[datetime.date]:
    """The month ends of the budget's year that have passed by today (today included)."""
    start, end = budget.bounds
    last = as_on(budget, today)
    ends = []
    year, month = start.year, start.month
    while (day := month_end(year, month)) <= last and day <= end:
        ends.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


# --- The lists ----------------------------------------------------------------------------


def budget_packages(budget: PooledBudget):
    """Packages of the budget's agreement: a package is booked to one year's line but runs on
    into later years, and counts in each (ADR 7)."""
    return CarePackage.objects.filter(budget_line__budget__agreement_id=budget.agreement_id)


def live_on(day: datetime.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def cost_in_force(day: datetime.date) -> Subquery:
    """SQL: the weekly cost of the outer package's version in force on `day`."""
    versions = PackageCost.objects.filter(package=OuterRef("pk"), effective_from__lte=day)
    return Subquery(versions.order_by("-effective_from").values("weekly_cost")[:1])


def _with_cost_and_review(packages, day: datetime.date):
    return packages.annotate(
        weekly_cost=cost_in_force(day), reviewed_basis=Coalesce("last_reviewed_on", "started_on")
    )


def live_packages(
    budget: PooledBudget, day: datetime.date, *, service_line: FinanceServiceLine | None = None
):
    """Live packages on `day` with `weekly_cost` (in force that day) and `reviewed_basis`
    (last review, else start) annotated, and what a row shows loaded in the same query."""
    packages = _with_cost_and_review(budget_packages(budget).filter(live_on(day)), day).select_related(
        "person", "budget_line__service_line"
    )
    if service_line is not None:
        packages = packages.filter(budget_line__service_line=service_line)
    return packages


def top_packages(budget: PooledBudget, day: datetime.date, *, limit: int = TOP_COUNT) -> list[CarePackage]:
    """The `limit` live packages with the highest weekly cost in force on `day`."""
    rows = live_packages(budget, day).filter(weekly_cost__isnull=False)
    return list(rows.order_by("-weekly_cost", "reference")[:limit])


def high_cost_unreviewed(
    budget: PooledBudget,
    day: datetime.date,
    *,
    min_weekly_cost: Decimal = DEFAULT_MIN_WEEKLY_COST,
    months: int = DEFAULT_MONTHS,
    service_line: FinanceServiceLine | None = None,
):
    """Live packages costing at least `min_weekly_cost` a week on `day` whose last review
    (or start, if never reviewed) is `months` or more before it; longest wait first."""
    cutoff = months_before(day, months)
    rows = live_packages(budget, day, service_line=service_line).filter(
        weekly_cost__gte=min_weekly_cost, reviewed_basis__lte=cutoff
    )
    return rows.order_by("reviewed_basis", "-weekly_cost", "reference")


def live_in_packages(
    budget: PooledBudget, day: datetime.date, *, service_line: FinanceServiceLine | None = None
):
    """Live-in care packages live on `day`, longest since review first (seed 003 s3.4.5)."""
    rows = live_packages(budget, day, service_line=service_line).filter(care_type=CareType.LIVE_IN)
    return rows.order_by("reviewed_basis", "reference")


# --- Rows and tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class PackageRow:
    """What a deep-dive list shows of one package (name and NHS number only: ADR 7)."""

    pk: int
    person_id: int
    reference: str
    person: str
    nhs_number: str
    care_type: str
    service_line: str
    provider: str
    weekly_cost: Decimal | None
    annual_equivalent: Decimal | None
    started_on: datetime.date
    last_reviewed_on: datetime.date | None
    months_since_review: int

    @property
    def last_reviewed(self):
        return self.last_reviewed_on or NEVER


def annual_equivalent(weekly_cost: Decimal | None) -> Decimal | None:
    if weekly_cost is None:
        return None
    return (weekly_cost * 365 / 7).quantize(PENNY, rounding=ROUND_HALF_UP)


def package_rows(packages, day: datetime.date) -> list[PackageRow]:
    """Rows from packages loaded by `live_packages` (no further queries)."""
    return [
        PackageRow(
            pk=p.pk,
            person_id=p.person_id,
            reference=p.reference,
            person=p.person.display_name,
            nhs_number=p.person.formatted_nhs_number or "Not recorded",
            care_type=p.get_care_type_display(),
            service_line=p.budget_line.service_line.short_name if p.budget_line.service_line_id else "",
            provider=p.provider,
            weekly_cost=p.weekly_cost,
            annual_equivalent=annual_equivalent(p.weekly_cost),
            started_on=p.started_on,
            last_reviewed_on=p.last_reviewed_on,
            months_since_review=months_between(p.reviewed_basis, day),
        )
        for p in packages
    ]


# Columns of each list: (heading, PackageRow attribute).
PACKAGE = ("Package", "reference")
PERSON = [("Person", "person"), ("NHS number", "nhs_number")]
WHERE = [("Care type", "care_type"), ("Service line", "service_line"), ("Provider", "provider")]
TOP_COLUMNS = [
    PACKAGE,
    *PERSON,
    *WHERE,
    ("Weekly cost (£)", "weekly_cost"),
    ("Annual equivalent (£)", "annual_equivalent"),
    ("Started", "started_on"),
    ("Last reviewed", "last_reviewed"),
]
REVIEW_COLUMNS = [
    PACKAGE,
    *PERSON,
    *WHERE,
    ("Weekly cost (£)", "weekly_cost"),
    ("Started", "started_on"),
    ("Last reviewed", "last_reviewed"),
    ("Months since review (or start)", "months_since_review"),
]
LIVE_IN_COLUMNS = [column for column in REVIEW_COLUMNS if column[1] != "care_type"]


NUMERIC_ATTRIBUTES = {"weekly_cost", "annual_equivalent", "months_since_review"}


def headers(columns) -> list[tuple[str, bool]]:
    """(heading, is numeric) for each column, so numbers are right-aligned on the page."""
    return [(heading, attribute in NUMERIC_ATTRIBUTES) for heading, attribute in columns]


def package_table(title: str, rows: list[PackageRow], columns, *, note: str = "") -> Table:
    table = Table(title=title, columns=[heading for heading, _ in columns], note=note)
    for row in rows:
        table.add([getattr(row, attribute) for _, attribute in columns])
    return table


def overdue_review_counts(user, today: datetime.date | None = None) -> list[tuple[PooledBudget, int]]:
    """For the home panel: this year's budgets the user manages with live packages of the
    default high cost not reviewed for the default months, and how many (two queries)."""
    from .permissions import agreements_for_finance

    today = today or timezone.localdate()
    budgets = {
        b.pk: b
        for b in PooledBudget.objects.filter(
            agreement__in=agreements_for_finance(user).values("pk"), year=financial_year_of(today)
        ).select_related("agreement")
    }
    if not budgets:
        return []
    cutoff = months_before(today, DEFAULT_MONTHS)
    budget_of_agreement = {b.agreement_id: b for b in budgets.values()}
    live = CarePackage.objects.filter(
        live_on(today), budget_line__budget__agreement_id__in=list(budget_of_agreement)
    )
    counts = (
        _with_cost_and_review(live, today)
        .filter(weekly_cost__gte=DEFAULT_MIN_WEEKLY_COST, reviewed_basis__lte=cutoff)
        .values_list("budget_line__budget__agreement_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = sorted(counts, key=lambda count: budget_of_agreement[count[0]].agreement.name)
    return [(budget_of_agreement[agreement_id], n) for agreement_id, n in found]


# --- The access log -----------------------------------------------------------------------


def log_people_shown(*, user, rows: list[PackageRow], what: str, action: str = AccessAction.VIEW) -> int:
    """One AccessLog row per person shown (finance basis), in one INSERT. Returns the count."""
    person_ids = sorted({row.person_id for row in rows})
    if not person_ids:
        return 0
    organisation = current_organisation(user)
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            organisation=organisation,
            person_id=person_id,
            action=action,
            basis=AccessBasis.FINANCE,
            what=what[:100],
        )
        for person_id in person_ids
    )
    return len(person_ids)


# --- The trend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """Live packages at a month end and their weekly cost (the versions in force that day).
    The average is over the packages with a cost in force, rounded to the penny."""

    month_end: datetime.date
    packages: int
    total_weekly_cost: Decimal
    average_weekly_cost: Decimal | None


def care_type_trend(
    budget: PooledBudget,
    *,
    care_type: str | None = None,
    service_line: FinanceServiceLine | None = None,
    today: datetime.date | None = None,
) -> list[TrendPoint]:
    """One point per month end of the budget's year so far: one query, arithmetic here."""
    ends = month_ends(budget, today)
    if not ends:
        return []
    packages = budget_packages(budget).filter(
        Q(started_on__lte=ends[-1]) & (Q(ended_on__isnull=True) | Q(ended_on__gte=ends[0]))
    )
    if care_type:
        packages = packages.filter(care_type=care_type)
    if service_line is not None:
        packages = packages.filter(budget_line__service_line=service_line)
    rows = packages.order_by("pk", "costs__effective_from").values_list(
        "pk", "started_on", "ended_on", "costs__effective_from", "costs__weekly_cost"
    )
    spans: dict[int, tuple] = {}
    versions: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for pk, started_on, ended_on, effective_from, weekly_cost in rows:
        spans[pk] = (started_on, ended_on)
        if effective_from is not None:
            versions[pk].append((effective_from, weekly_cost))
    points = []
    for day in ends:
        count, priced, total = 0, 0, Decimal("0")
        for pk, (started_on, ended_on) in spans.items():
            if started_on > day or (ended_on is not None and ended_on < day):
                continue
            count += 1
            in_force = [cost for effective_from, cost in versions[pk] if effective_from <= day]
            if in_force:
                priced += 1
                total += in_force[-1]
        average = (total / priced).quantize(PENNY, rounding=ROUND_HALF_UP) if priced else None
        points.append(TrendPoint(day, count, total, average))
    return points


def _percent_change(before, after) -> int:
    return int(
        ((Decimal(after) - Decimal(before)) * 100 / Decimal(before)).quantize(1, rounding=ROUND_HALF_UP)
    )


def _change_words(percent: int) -> str:
    if percent > 0:
        return f"up {percent}%"
    if percent < 0:
        return f"down {-percent}%"
    return "unchanged"


def _month_name(day: datetime.date) -> str:
    return f"{day:%B %Y}"


def trend_sentence(points: list[TrendPoint]) -> str:
    """A plain, neutral reading of the trend for the pool manager (seed 003 s3.4.3 reads
    OPMH as growth in demand and AMH as growth in unit cost): which grew more since the
    first month end with packages, the number of packages or their average weekly cost.
    Compared on the whole percentages the sentence states."""
    if len(points) < 2:
        return "The trend needs two month ends; it starts at the end of the year's first month."
    base = next((p for p in points if p.packages and p.average_weekly_cost is not None), None)
    last = points[-1]
    if base is None:
        return "No packages of this kind were live at these month ends."
    since = f"since the end of {_month_name(base.month_end)}"
    if base is last:
        return f"Packages of this kind were live only at the end of {_month_name(last.month_end)}."
    if not last.packages or last.average_weekly_cost is None:
        return (
            f"No packages of this kind were live at the end of {_month_name(last.month_end)}, "
            f"against {base.packages} at the end of {_month_name(base.month_end)}."
        )
    count = _percent_change(base.packages, last.packages)
    cost = _percent_change(base.average_weekly_cost, last.average_weekly_cost)
    opening = f"Packages {_change_words(count)} and average weekly cost {_change_words(cost)} {since}"
    figures = (
        f"{base.packages} to {last.packages} {'package' if last.packages == 1 else 'packages'}; "
        "average weekly cost "
        f"£{format_money(base.average_weekly_cost)} to £{format_money(last.average_weekly_cost)}."
    )
    if count == 0 and cost == 0:
        return (
            f"Packages and average weekly cost unchanged {since}: {last.packages} packages, "
            f"£{format_money(last.average_weekly_cost)} a week on average."
        )
    if abs(count) == abs(cost):
        if (count > 0) == (cost > 0):
            reading = "demand and unit cost changed in the same proportion"
        else:
            reading = "the changes in demand and unit cost are the same size and offset each other"
    else:
        main = count if abs(count) > abs(cost) else cost
        kind = "growth" if main > 0 else "the fall"
        if abs(count) > abs(cost):
            reading = f"{kind} is mainly in demand (the number of packages) rather than unit cost"
        else:
            reading = (
                f"{kind} is mainly in unit cost (the average weekly cost of a package) rather than demand"
            )
    return f"{opening}: {reading}. From {figures}"


def trend_table(points: list[TrendPoint], title: str) -> Table:
    table = Table(
        title=title,
        columns=["Month end", "Packages", "Average weekly cost (£)", "Total weekly cost (£)"],
        note="Average over the packages with a weekly cost in force at the month end.",
    )
    for point in points:
        table.add([point.month_end, point.packages, point.average_weekly_cost, point.total_weekly_cost])
    return table


def format_day(day: datetime.date) -> str:
    """30 Apr 2026, as table cells show dates."""
    return f"{day.day} {day:%b %Y}"


def tick_label(day: datetime.date, first: bool) -> str:
    """ "Apr\\n2026" for the first month and each January, else "May"."""
    return f"{day:%b}\n{day:%Y}" if first or day.month == 1 else f"{day:%b}"
