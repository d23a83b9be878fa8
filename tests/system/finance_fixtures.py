"""Finance fixtures for the browser journey of issue 7 (imported by test_finance_journeys).

A Section 75 pooled fund between the county council and the mental health trust already
exists, with its 2025/26 budget and two packages that began that year and run on into
2026/27 (a package is booked to one year's line and counts in every later year of the same
agreement). The council's finance officer is the pool manager. Amira Okafor has an open case
allocated to the practitioner in North Working Age, whose team manager may record the
funding panel's decision.

A browser test is transactional and the test runner empties every table before the next
one, so the reference data (service lines and authorisation levels) is written again here.

The module also holds what the journey types (the budget) and the figures it expects on
screen, worked out from the weekly costs and the days without finance/commitments.py.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role, ServiceLine
from finance.defaults import ensure_defaults
from finance.models import (
    Agreement,
    AgreementKind,
    AgreementPartner,
    BudgetLine,
    CarePackage,
    CareType,
    Contribution,
    FinanceServiceLine,
    PackageCost,
    PackageStatus,
    PooledBudget,
    RiskShareRule,
)
from finance.services import staffing as staffing_services
from tests.careact.conftest import open_case
from tests.factories import OrganisationFactory, PersonFactory, make_member, make_team

__all__ = [  # the fixtures, for `import *` in a test module
    "agreement",
    "allocated_case",
    "carried_over",
    "finance_officer",
    "finance_reference_data",
    "previous_budget",
    "trust",
]

PREVIOUS_YEAR = 2025


@pytest.fixture
def finance_reference_data(transactional_db):
    ensure_defaults()


@pytest.fixture
def trust(transactional_db):
    return OrganisationFactory(name="Northshire Mental Health NHS Trust", kind=Organisation.Kind.NHS_TRUST)


@pytest.fixture
def finance_officer(council):
    team = make_team("Adult Social Care Finance", council, ServiceLine.FINANCE, "")
    return make_member(team, Role.FINANCE_OFFICER, full_name="Fran Finance", email="fran.finance@example.org")


@pytest.fixture
def agreement(finance_reference_data, council, trust, finance_officer):
    """The pooled fund (regulation 7), hosted by the council, overspends shared in proportion
    to the contributions."""
    agreement = Agreement.objects.create(
        name="Northshire mental health Section 75",
        kind=AgreementKind.POOLED_FUND,
        host=council,
        pool_manager=finance_officer,
        starts_on=datetime.date(2024, 4, 1),
        risk_share_rule=RiskShareRule.PROPORTIONAL,
        created_by=finance_officer,
    )
    AgreementPartner.objects.create(agreement=agreement, organisation=council)
    AgreementPartner.objects.create(agreement=agreement, organisation=trust)
    return agreement


@pytest.fixture
def previous_budget(agreement, council, trust, finance_officer):
    """Last year's budget: only the lines the packages carried over were booked to."""
    budget = PooledBudget.objects.create(agreement=agreement, year=PREVIOUS_YEAR, created_by=finance_officer)
    Contribution.objects.create(budget=budget, organisation=council, amount=Decimal("2900000"))
    Contribution.objects.create(budget=budget, organisation=trust, amount=Decimal("1150000"))
    amh = FinanceServiceLine.objects.get(short_name="AMH")
    opmh = FinanceServiceLine.objects.get(short_name="OPMH")
    BudgetLine.objects.create(
        budget=budget, service_line=amh, category=CareType.LIVE_IN, amount=Decimal("240000")
    )
    BudgetLine.objects.create(
        budget=budget, service_line=opmh, category=CareType.NURSING, amount=Decimal("650000")
    )
    return budget


@pytest.fixture
def allocated_case(person, north_team, practitioner, manager):
    """Amira Okafor's referral received and allocated to the practitioner."""
    return open_case(person, north_team, practitioner, manager)


def carried_over_package(
    *, case, line, weekly_cost, started_on, client_contribution=Decimal("0"), provider, by, number
) -> CarePackage:
    """A live package from last year, written directly (its request and panel decision are
    not part of this journey): one cost version from its start, recorded that day."""
    package = CarePackage.objects.create(
        person=case.person,
        case=case,
        team=case.team,
        reference=f"PKG-L{number:05d}",
        care_type=line.category,
        provider=provider,
        budget_line=line,
        needs_summary="Support with daily living after a long hospital admission",
        status=PackageStatus.ACTIVE,
        planned_start=started_on,
        started_on=started_on,
        requested_by=by,
    )
    PackageCost.objects.create(
        package=package,
        effective_from=started_on,
        weekly_cost=weekly_cost,
        client_contribution=client_contribution,
        recorded_by=by,
        recorded_at=timezone.make_aware(datetime.datetime.combine(started_on, datetime.time(9))),
    )
    return package


@pytest.fixture
def carried_over(previous_budget, north_team, practitioner, manager):
    """Two packages begun in 2025/26 and still live: AMH live-in care (a high-cost package
    never reviewed) and OPMH nursing care with a client contribution."""
    live_in_line = previous_budget.lines.get(category=CareType.LIVE_IN)
    nursing_line = previous_budget.lines.get(category=CareType.NURSING)
    grace = PersonFactory(given_name="Grace", family_name="Lindqvist")
    ravi = PersonFactory(given_name="Ravi", family_name="Byrne")
    return {
        "live_in": carried_over_package(
            case=open_case(grace, north_team, practitioner, manager),
            line=live_in_line,
            weekly_cost=LIVE_IN_WEEKLY,
            started_on=datetime.date(2025, 10, 6),
            provider="Homeward Live-in Care",
            by=practitioner,
            number=1,
        ),
        "nursing": carried_over_package(
            case=open_case(ravi, north_team, practitioner, manager),
            line=nursing_line,
            weekly_cost=NURSING_WEEKLY,
            client_contribution=NURSING_CLIENT_WEEKLY,
            started_on=datetime.date(2026, 1, 5),
            provider="Beech House Nursing Home",
            by=practitioner,
            number=2,
        ),
    }


STAFFING = [
    # partner, group, budget, adjusted budget, forecast (typed on the staffing page), and the
    # actual spend each month so far
    ("Northshire County Council", "AP", "800,000", "820,000", "830,000", "69000"),
    ("Northshire County Council", "Mgmt", "200,000", "200,000", "195,000", "16000"),
    ("Northshire Mental Health NHS Trust", "AMH", "400,000", "400,000", "410,000", "34000"),
]


def add_staffing_actuals(budget, *, months, by) -> None:
    """The monthly actuals of the staffing lines, through the service (the actuals pages
    have their own tests; the journey reads the table they feed)."""
    lines = {
        (line.partner.name, line.group): line.pk for line in budget.staffing_lines.select_related("partner")
    }
    for month in months:
        staffing_services.record_actuals(
            budget=budget,
            month=month,
            amounts={lines[(partner, group)]: Decimal(actual) for partner, group, *_, actual in STAFFING},
            by=by,
        )


# --- The journey: what is typed, and the figures it expects ---------------------------------

YEAR_START, YEAR_END = datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)
SET_UP_DAY = datetime.date(2026, 9, 14)  # a Monday: budget, request, decision and start
Q2_END = datetime.date(2026, 9, 30)
COST_CHANGE_DAY = datetime.date(2026, 10, 12)
NEW_COST_FROM = datetime.date(2026, 11, 1)
OCT_END = datetime.date(2026, 10, 31)
TABLES_DAY = datetime.date(2026, 11, 2)

WEEKLY, NEW_WEEKLY, CLIENT_WEEKLY, HEALTH_SHARE = (
    Decimal("1050"),
    Decimal("1190"),
    Decimal("150"),
    Decimal("20"),
)
LIVE_IN_WEEKLY = Decimal("1400")
NURSING_WEEKLY, NURSING_CLIENT_WEEKLY = Decimal("980"), Decimal("210")

# The budget the finance officer types (pounds): expenditure, and income as the amount expected.
# The contributions pay for the care packages (4,200,000) and staffing (1,420,000).
CONTRIBUTIONS = {"Northshire County Council": "4,000,000", "Northshire Mental Health NHS Trust": "1,620,000"}
AMH_LINES = {
    "residential": "1,200,000",
    "nursing": "450,000",
    "domiciliary care": "600,000",
    "live-in care": "250,000",
    "supported living": "500,000",
}
AMH_INCOME = {"health contributions": "300,000", "client contributions": "150,000"}
OPMH_LINES = {"residential": "900,000", "nursing": "700,000"}
OPMH_INCOME = {"client contributions": "100,000"}
ADJUSTMENTS = {"inflation": "120,000", "expected demand": "30,000"}


# Worked out here from the weekly costs and the days, independently of finance/commitments.py.


def days(first: datetime.date, last: datetime.date) -> int:
    return (last - first).days + 1


def per_week(spans) -> Decimal:
    """Σ weekly amount × days / 7 over (weekly, first day, last day) spans, to the penny."""
    exact = sum((weekly * days(first, last) for weekly, first, last in spans), Decimal("0")) / 7
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shown(amount: Decimal, units: str = "pounds") -> str:
    """As the page shows a figure: whole pounds (or £ thousands), a true minus sign."""
    value = Decimal(amount) / 1000 if units == "k" else Decimal(amount)
    rounded = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.0f}"
    return f"\u2212{text}" if rounded < 0 else text


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def pence(amount: Decimal) -> str:
    """As the risk share page shows a figure: pounds and pence, a true minus sign."""
    text = f"{abs(amount):,.2f}"
    return f"\u2212{text}" if amount < 0 else text


def from_pence(text: str) -> Decimal:
    return -money(text[1:]) if text.startswith("\u2212") else money(text)


def row(budget: Decimal, periods: list[tuple[Decimal, Decimal]], *, change: bool) -> list[Decimal]:
    """Budget, then ISP and forecast per period, the variance (latest − budget) and, on the
    service-line tables, the change (latest − previous)."""
    cells = [budget]
    for commitment, forecast in periods:
        cells += [commitment, forecast]
    (latest_c, latest_f), (previous_c, previous_f) = periods[-1], periods[-2]
    cells += [latest_c - budget, latest_f - budget]
    if change:
        cells += [latest_c - previous_c, latest_f - previous_f]
    return cells


def add(*rows: list[Decimal]) -> list[Decimal]:
    return [sum(column, Decimal("0")) for column in zip(*rows, strict=True)]


def expected_tables() -> dict:
    """The AMH table and the summary rows for periods Q2 (30 Sep) and Oct (31 Oct).

    Amira's package: £1,050 a week from 14 September, a client contribution of £150 a week
    and 20% health funding; a new cost of £1,190 from 1 November, recorded on 12 October.
    On 30 September and 31 October the commitment runs at £1,050 to 31 March (the new cost
    is not in force on either day). The Q2 forecast does not know the new cost yet; the Oct
    forecast has £1,050 to 31 October and £1,190 from 1 November. The two packages carried
    over from 2025/26 run all year at one cost.
    """
    start = SET_UP_DAY
    residential_c = per_week([(WEEKLY, start, YEAR_END)])
    residential_f_oct = per_week([(WEEKLY, start, OCT_END), (NEW_WEEKLY, NEW_COST_FROM, YEAR_END)])
    client = -per_week([(CLIENT_WEEKLY, start, YEAR_END)])
    health_c = -per_week([(WEEKLY * HEALTH_SHARE / 100, start, YEAR_END)])
    health_f_oct = -per_week(
        [
            (WEEKLY * HEALTH_SHARE / 100, start, OCT_END),
            (NEW_WEEKLY * HEALTH_SHARE / 100, NEW_COST_FROM, YEAR_END),
        ]
    )
    live_in = per_week([(LIVE_IN_WEEKLY, YEAR_START, YEAR_END)])
    nursing = per_week([(NURSING_WEEKLY, YEAR_START, YEAR_END)])
    nursing_client = -per_week([(NURSING_CLIENT_WEEKLY, YEAR_START, YEAR_END)])

    def budget(text: str, income: bool = False) -> Decimal:
        return -money(text) if income else money(text)

    amh = {
        "Residential": row(
            budget(AMH_LINES["residential"]),
            [(residential_c, residential_c), (residential_c, residential_f_oct)],
            change=True,
        ),
        "Nursing": row(budget(AMH_LINES["nursing"]), [(0, 0), (0, 0)], change=True),
        "Live-in care": row(budget(AMH_LINES["live-in care"]), [(live_in, live_in)] * 2, change=True),
        "Health contributions": row(
            budget(AMH_INCOME["health contributions"], income=True),
            [(health_c, health_c), (health_c, health_f_oct)],
            change=True,
        ),
        "Client contributions": row(
            budget(AMH_INCOME["client contributions"], income=True), [(client, client)] * 2, change=True
        ),
    }
    other_amh = [
        row(budget(AMH_LINES[name]), [(0, 0), (0, 0)], change=True)
        for name in ("domiciliary care", "supported living")
    ]
    amh["Expenditure total"] = add(amh["Residential"], amh["Nursing"], amh["Live-in care"], *other_amh)
    amh["Income total"] = add(amh["Health contributions"], amh["Client contributions"])
    amh["Total"] = add(amh["Expenditure total"], amh["Income total"])

    opmh_total = add(
        row(budget(OPMH_LINES["residential"]), [(0, 0), (0, 0)], change=False),
        row(budget(OPMH_LINES["nursing"]), [(nursing, nursing)] * 2, change=False),
        row(
            budget(OPMH_INCOME["client contributions"], income=True),
            [(nursing_client, nursing_client)] * 2,
            change=False,
        ),
    )
    summary = {"AMH": amh["Total"][:7], "OPMH": opmh_total}
    summary["Total"] = add(summary["AMH"], summary["OPMH"])
    adjustments = sum((money(v) for v in ADJUSTMENTS.values()), Decimal("0"))
    adjusted = list(summary["Total"])
    adjusted[0] += adjustments
    adjusted[5] -= adjustments
    adjusted[6] -= adjustments
    summary["Adjusted total"] = adjusted
    return {"amh": amh, "summary": summary}
