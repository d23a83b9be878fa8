"""A small known world for the board report journey of issue 8 (imported by
test_board_report_journeys), and the figures the journey expects in the PDF, worked out here
from the world's own description without the section builders.

The dates follow the real clock, so the journey passes whatever today's date is (the report
is rendered by a real Celery worker in another process, which a time machine in this process
would not reach). The board meets later this month (today, on its last day), so the
quarterly report covers the three whole months before this one, all in the past:

    period:  S (the first day, three months back) .. E (the last day of last month)

Everything below is dated S + a few days, so it falls in the period whatever the month.

- Activity (North Working Age, working-age service line): 7 referrals received in the
  period and 1 just before it; 3 of the 7 allocated (a case opened a day later), one of those
  cases closed in the period; the referral before the period opened a case before it.
  Public report: 7 is shown, 3 ("fewer than 5") is "*".
- Safeguarding: 2 concerns received in the period, one decided (a section 42 enquiry).
- Indicators: the two seeded ASCOF indicators, a value for each month of the period.
- Action plan: one action past its end date (overdue at E) with an update, one on track.
- Risk register: one risk, 4 x 4 = 16 (extreme) before the period, re-scored 4 x 3 = 12
  (high) in it.
- Section 75 money: the pooled budget of E's financial year, a few lines, and a month-end
  snapshot at E.

A browser test is transactional and the test runner empties every table before the next
one, so the reference data (finance service lines, the seeded indicators) is written again.
"""

import datetime
import importlib
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, ServiceLine
from finance.models import (
    AdjustmentKind,
    BudgetLine,
    CareType,
    Contribution,
    FinanceServiceLine,
    IncomeType,
    PooledBudget,
    Snapshot,
    SnapshotKind,
    SnapshotLine,
    financial_year_of,
)
from finance.services.snapshots import snapshot_label
from reporting import services as governance
from reporting.models import Indicator, IndicatorValue, ReportPeriod
from reporting.services import boards as board_services
from tests.factories import PersonFactory, make_member, make_team
from tests.reporting.sections_world import ActivityWorld
from tests.safeguarding.sac_known_set import decide_at, raise_at
from tests.system.finance_fixtures import agreement, finance_officer, finance_reference_data, trust

__all__ = [  # the fixtures, for `import *` in a test module
    "agreement",
    "board_world",
    "finance_officer",
    "finance_reference_data",
    "trust",
]

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)

BOARD = "Northshire Mental Health Partnership Board"
AUDIENCE = "The council, the NHS trust and the integrated care board; papers are published for the public"
TITLE = "Quarterly performance report"
SECTIONS = ["indicators", "activity", "safeguarding", "finance", "actions", "risks"]
SECTION_TITLES = [
    "Performance indicators",
    "Activity",
    "Safeguarding adults",
    "Section 75 pooled budget",
    "Partnership action plan",
    "Joint risk register",
]
# Two of the people in the world (a board report must never name anyone).
SAFEGUARDING_PEOPLE = [("Zephyrine", "Quillfeather"), ("Barnaby", "Thistlewood")]

# Indicator values per month of the period, oldest first: (in the measure, people counted).
EMPLOYMENT = [(6, 40), (6, 42), (7, 45)]
INDEPENDENT = [(33, 40), (34, 42), (37, 45)]

# Pooled budget lines (AMH) and their snapshot at E: (budget, commitment, forecast).
AMH_LINES = {
    CareType.RESIDENTIAL: ("1200000", "1150000", "1245000"),
    CareType.DOMICILIARY: ("500000", "430000", "480000"),
    IncomeType.CLIENT_CONTRIBUTIONS: ("-150000", "-140000", "-150000"),
}
INFLATION = ("60000", "0", "60000")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_back(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pounds_k(amount: Decimal) -> str:
    """£45k, as the report words money (the size only)."""
    return f"£{(abs(amount) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}k"


@dataclass
class BoardWorld:
    board: object
    definition: object
    meeting: object
    today: datetime.date
    start: datetime.date
    end: datetime.date
    referrals_received: list[datetime.datetime]
    referrals_allocated: list[datetime.datetime]
    concerns_received: list[datetime.datetime]
    budget: PooledBudget

    # --- What the report should say, worked out from the description above ----------------

    def in_period(self, moments) -> int:
        return sum(1 for m in moments if self.start <= m.astimezone(LONDON).date() <= self.end)

    @property
    def months(self) -> list[datetime.date]:
        return [months_back(first_of_month(self.end), n) for n in (2, 1, 0)]

    def employment_at_end(self) -> Decimal:
        return percent(*EMPLOYMENT[-1])

    def commitment_variance(self) -> Decimal:
        """Service lines only: commitment less budget at the snapshot (before adjustments)."""
        budget = sum(Decimal(b) for b, _, _ in AMH_LINES.values())
        committed = sum(Decimal(c) for _, c, _ in AMH_LINES.values())
        return committed - budget


def _period_and_meeting(today: datetime.date):
    """The meeting later this month (or today, on the month's last day), so the quarter
    before it is the three whole months before this one."""
    next_month = months_back(first_of_month(today), -1)
    meets_on = min(today + 14 * DAY, next_month - DAY)
    end = first_of_month(today) - DAY
    return meets_on, months_back(first_of_month(end), 2), end


def _indicators(world_months):
    """The indicators the reporting migration seeds (emptied by an earlier browser test),
    then a value for each month of the period."""
    from django.apps import apps

    migration = importlib.import_module("reporting.migrations.0002_append_only_and_indicators")
    migration.add_indicators(apps, None)
    codes = {"ASCOF-1F": EMPLOYMENT, "ASCOF-1H": INDEPENDENT}
    for indicator in Indicator.objects.filter(code__in=codes):
        for month, (numerator, denominator) in zip(world_months, codes[indicator.code], strict=True):
            IndicatorValue.objects.create(
                indicator=indicator,
                month=month,
                numerator=numerator,
                denominator=denominator,
                value=percent(numerator, denominator),
            )


def _activity(team, start: datetime.date):
    world = ActivityWorld()
    received = [at(start + n * DAY) for n in (2, 9, 20, 33, 41, 55, 70)]
    before = at(start - 5 * DAY)
    world.referral(team, before, before + DAY)
    world.case(team, (before + DAY, "open"))
    allocated = []
    for n, moment in enumerate(received):
        if n in (0, 2, 4):
            allocated.append(moment + DAY)
            world.referral(team, moment, moment + DAY)
            if n == 0:
                world.case(team, (moment + DAY, "open"), (at(start + 75 * DAY), "closed"))
            else:
                world.case(team, (moment + DAY, "open"))
        else:
            world.referral(team, moment)
    world.save()
    return [before, *received], [before + DAY, *allocated]


def _safeguarding(council, practitioner, start: datetime.date):
    team = make_team(
        name="Adult Safeguarding", organisation=council, service_line=ServiceLine.SAFEGUARDING, locality=""
    )
    sam = make_member(team, Role.SAFEGUARDING_MANAGER, full_name="Sara Sam", email="sam@example.org")
    officer = make_member(team, Role.ENQUIRY_OFFICER, full_name="Ellis Officer", email="officer@example.org")
    (given_a, family_a), (given_b, family_b) = SAFEGUARDING_PEOPLE
    first = raise_at(
        PersonFactory(given_name=given_a, family_name=family_a), team, practitioner, at(start + 12 * DAY)
    )
    decide_at(first, sam, officer, at(start + 13 * DAY))
    second_at = at(start + 40 * DAY)
    raise_at(PersonFactory(given_name=given_b, family_name=family_b), team, practitioner, second_at)
    return [at(start + 12 * DAY), second_at]


def _action_plan(commissioner, start: datetime.date, end: datetime.date):
    plan = governance.create_plan(title="Partnership review action plan", owner=BOARD, by=commissioner)
    overdue = governance.add_action(
        plan=plan,
        recommendation="Agree how the partners share information about hospital discharges",
        action="Agree a joint hospital discharge protocol",
        lead_name="R. Marsh",
        starts_on=start - 60 * DAY,
        ends_on=start + 30 * DAY,
        by=commissioner,
    )
    governance.add_action_update(
        item_id=overdue.pk,
        written_on=start + 20 * DAY,
        text="Draft protocol with the trust's legal team",
        by=commissioner,
    )
    governance.add_action(
        plan=plan,
        recommendation="Give the council a line of sight of cases of concern",
        action="Monthly joint review of cases of concern",
        lead_name="J. Okoro",
        starts_on=start,
        ends_on=end + 90 * DAY,
        by=commissioner,
    )


def _risk(commissioner, start: datetime.date, end: datetime.date):
    risk = governance.add_risk(
        title="Not enough AMHPs on the rota",
        owner_name="Head of AMHP service",
        consequence=4,
        likelihood=4,
        assessed_on=start - 40 * DAY,
        mitigations="Incentive scheme; locum cover for gaps",
        review_on=start + 20 * DAY,
        by=commissioner,
    )
    governance.rescore_risk(
        risk_id=risk.pk,
        consequence=4,
        likelihood=3,
        assessed_on=start + 25 * DAY,
        note="Two AMHPs warranted; gaps now at weekends only",
        next_review_on=end + 30 * DAY,
        by=commissioner,
    )


def _pooled_budget(agreement, council, trust, finance_officer, end: datetime.date) -> PooledBudget:
    year = financial_year_of(end)
    budget = PooledBudget.objects.create(
        agreement=agreement,
        year=year,
        created_by=finance_officer,
        created_at=timezone.make_aware(datetime.datetime(year, 3, 1, 9)),
    )
    Contribution.objects.create(budget=budget, organisation=council, amount=Decimal("1200000"))
    Contribution.objects.create(budget=budget, organisation=trust, amount=Decimal("410000"))
    amh = FinanceServiceLine.objects.get(short_name="AMH")
    positions = {}
    for category, (amount, commitment, forecast) in AMH_LINES.items():
        line = BudgetLine.objects.create(
            budget=budget, service_line=amh, category=category, amount=Decimal(amount)
        )
        positions[line] = (commitment, forecast)
    amount, commitment, forecast = INFLATION
    line = BudgetLine.objects.create(budget=budget, category=AdjustmentKind.INFLATION, amount=Decimal(amount))
    positions[line] = (commitment, forecast)
    snapshot = Snapshot.objects.create(
        budget=budget,
        as_of=end,
        kind=SnapshotKind.MONTH_END,
        label=snapshot_label(end, SnapshotKind.MONTH_END),
    )
    SnapshotLine.objects.bulk_create(
        SnapshotLine(snapshot=snapshot, line=line, commitment=Decimal(c), forecast=Decimal(f))
        for line, (c, f) in positions.items()
    )
    return budget


@pytest.fixture
def board_world(
    finance_reference_data, council, north_team, practitioner, commissioner, agreement, trust, finance_officer
) -> BoardWorld:
    today = timezone.localdate()
    meets_on, start, end = _period_and_meeting(today)
    received, allocated = _activity(north_team, start)
    concerns = _safeguarding(council, practitioner, start)
    world_months = [months_back(first_of_month(end), n) for n in (2, 1, 0)]
    _indicators(world_months)
    _action_plan(commissioner, start, end)
    _risk(commissioner, start, end)
    budget = _pooled_budget(agreement, council, trust, finance_officer, end)

    board = board_services.create_board(name=BOARD, audience=AUDIENCE, by=commissioner)
    meeting = board_services.add_meeting(
        board_id=board.pk, meets_on=meets_on, title="Quarterly meeting (public part)", by=commissioner
    )
    definition = board_services.add_definition(
        board_id=board.pk,
        data={
            "title": TITLE,
            "sections": SECTIONS,
            "period": ReportPeriod.QUARTER,
            "is_public": True,
            "days_before_meeting": 10,
            "is_scheduled": True,
        },
        by=commissioner,
    )
    return BoardWorld(
        board=board,
        definition=definition,
        meeting=meeting,
        today=today,
        start=start,
        end=end,
        referrals_received=received,
        referrals_allocated=allocated,
        concerns_received=concerns,
        budget=budget,
    )
