"""Finance fixtures: a Section 75 pooled fund between the council and a trust for
2026/27, with AMH and OPMH lines, a finance officer of each partner, and a helper that
writes a live package directly (services are tested on their own)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role, ServiceLine
from finance.defaults import ensure_defaults
from finance.models import (
    AdjustmentKind,
    Agreement,
    AgreementKind,
    AgreementPartner,
    BudgetLine,
    CarePackage,
    CareType,
    Contribution,
    FinanceServiceLine,
    IncomeType,
    PackageCost,
    PackageStatus,
    PooledBudget,
    RiskShareRule,
)
from tests.careact.conftest import open_case
from tests.factories import OrganisationFactory, make_member, make_team

YEAR = 2026


@pytest.fixture(autouse=True)
def finance_reference_data(db):
    """Service lines and authorisation levels (migration 0002), again if a browser test's
    truncation emptied them."""
    ensure_defaults()


@pytest.fixture
def trust(db):
    return OrganisationFactory(name="Northshire Mental Health NHS Trust", kind=Organisation.Kind.NHS_TRUST)


@pytest.fixture
def finance_team(council):
    return make_team("Adult Social Care Finance", council, ServiceLine.FINANCE)


@pytest.fixture
def trust_finance_team(trust):
    return make_team("Trust Finance", trust, ServiceLine.FINANCE)


@pytest.fixture
def finance_officer(finance_team):
    return make_member(finance_team, Role.FINANCE_OFFICER, full_name="Fran Finance")


@pytest.fixture
def trust_finance_officer(trust_finance_team):
    return make_member(trust_finance_team, Role.FINANCE_OFFICER, full_name="Tom Trustfinance")


@pytest.fixture
def finance_client(finance_officer):
    from django.test import Client

    client = Client()
    client.force_login(finance_officer)
    return client


@pytest.fixture
def agreement(council, trust, finance_officer):
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
def amh(db):
    return FinanceServiceLine.objects.get(short_name="AMH")


@pytest.fixture
def opmh(db):
    return FinanceServiceLine.objects.get(short_name="OPMH")


@pytest.fixture
def budget(agreement, council, trust, amh, opmh, finance_officer):
    """2026/27: contributions 3,000,000 (council) and 1,000,000 (trust); an expenditure line
    for every care type and both income lines per service line, and every adjustment line."""
    budget = PooledBudget.objects.create(
        agreement=agreement,
        year=YEAR,
        created_by=finance_officer,
        created_at=timezone.make_aware(datetime.datetime(YEAR, 3, 1, 9)),  # set up before the year
    )
    Contribution.objects.create(budget=budget, organisation=council, amount=Decimal("3000000"))
    Contribution.objects.create(budget=budget, organisation=trust, amount=Decimal("1000000"))
    for service_line in (amh, opmh):
        for care_type in CareType.values:
            BudgetLine.objects.create(budget=budget, service_line=service_line, category=care_type)
        for income in IncomeType.values:
            BudgetLine.objects.create(budget=budget, service_line=service_line, category=income)
    for kind in AdjustmentKind.values:
        BudgetLine.objects.create(budget=budget, category=kind)
    return budget


def line(budget, service_line, category) -> BudgetLine:
    return BudgetLine.objects.get(budget=budget, service_line=service_line, category=category)


@pytest.fixture
def allocated_case(person, north_team, practitioner, manager):
    return open_case(person, north_team, practitioner, manager)


def make_package(
    *,
    case,
    budget_line,
    weekly_cost,
    started_on=None,
    planned_start=None,
    planned_end=None,
    ended_on=None,
    status=None,
    client_contribution="0",
    by,
    recorded_at=None,
    **shares,
) -> CarePackage:
    """A package written directly, with one cost version from its start, recorded on its
    start day (or now, for a start still ahead) so positions "as known on" a day count it."""
    start = started_on or planned_start
    if recorded_at is None:
        start_of_day = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
        recorded_at = min(start_of_day, timezone.now())
    if status is None:
        status = PackageStatus.ENDED if ended_on else PackageStatus.ACTIVE
    count = CarePackage.objects.count() + 1
    package = CarePackage.objects.create(
        person=case.person,
        case=case,
        team=case.team,
        reference=f"PKG-T{count:05d}",
        care_type=budget_line.category,
        provider="Riverside Care Ltd",
        budget_line=budget_line,
        needs_summary="Support with daily living",
        status=status,
        planned_start=planned_start or start,
        planned_end=planned_end,
        started_on=started_on,
        ended_on=ended_on,
        requested_by=by,
    )
    PackageCost.objects.create(
        package=package,
        effective_from=start,
        weekly_cost=Decimal(str(weekly_cost)),
        client_contribution=Decimal(client_contribution),
        recorded_by=by,
        recorded_at=recorded_at,
        **{k: Decimal(str(v)) for k, v in shares.items()},
    )
    return package
