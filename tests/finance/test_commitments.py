"""Commitment and forecast arithmetic (finance/commitments.py; seed 003 s3.2 and the issue 7
brief). Every expected figure is worked by hand beside it. Budget 2026/27 runs 1 Apr 2026 to
31 Mar 2027 (365 days); a weekly cost of 700 is 100 a day, 350 is 50 a day."""

import datetime
from decimal import Decimal

import pytest

from finance.commitments import LinePosition, days_in, line_positions, overlap, priced_days
from finance.models import (
    AdjustmentKind,
    AuthorisationLevel,
    BudgetLine,
    CareType,
    ForecastAdjustment,
    IncomeType,
    PackageCost,
    PackageStatus,
    PanelDecision,
    PanelOutcome,
    PooledBudget,
)

from .conftest import line, make_package

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 10, 31)  # "as known on" for most examples
KNOWN = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)  # recorded before any as_of here


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def recorded_on(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{text}T12:00:00+00:00")


def package(case, budget_line, by, *, weekly, recorded=KNOWN, **fields):
    """A package (conftest's make_package) whose first cost version was recorded at `recorded`."""
    made = make_package(case=case, budget_line=budget_line, weekly_cost=weekly, by=by, **fields)
    PackageCost.objects.filter(package=made).update(recorded_at=recorded)
    return made


def add_cost(made, effective_from, weekly, *, recorded, by, **fields):
    return PackageCost.objects.create(
        package=made,
        effective_from=day(effective_from),
        weekly_cost=Decimal(weekly),
        recorded_at=recorded_on(recorded),
        recorded_by=by,
        **fields,
    )


def approve(made, decided_on, by, outcome=PanelOutcome.APPROVE):
    level = AuthorisationLevel.objects.order_by("-rank").first()
    return PanelDecision.objects.create(
        package=made,
        outcome=outcome,
        decided_on=day(decided_on),
        decided_by="Panel chair",
        level=level,
        level_needed=level,
        reasons="Meets eligible needs",
        recorded_by=by,
    )


def position(budget, service_line, category, as_of=D) -> LinePosition:
    return line_positions(budget, as_of)[line(budget, service_line, category).pk]


# --- Interval helpers ----------------------------------------------------------------------


def test_interval_helpers():
    a = (day("2026-04-01"), day("2026-04-30"))
    assert overlap(a, (day("2026-04-20"), day("2026-05-10"))) == (day("2026-04-20"), day("2026-04-30"))
    assert overlap(a, (day("2026-05-01"), day("2026-05-10"))) is None
    assert days_in(a) == 30
    assert days_in(None) == 0


def test_priced_days_splits_by_version_in_force():
    from finance.commitments import CostVersion

    first = CostVersion(day("2026-03-01"), Decimal("700"), Decimal("0"), Decimal("0"))
    second = CostVersion(day("2026-04-11"), Decimal("1400"), Decimal("0"), Decimal("0"))
    # April: 1-10 under the first version (10 days), 11-30 under the second (20 days)
    split = list(priced_days([first, second], (day("2026-04-01"), day("2026-04-30"))))
    assert split == [(first, 10), (second, 20)]


# --- Expenditure lines ---------------------------------------------------------------------


def test_every_line_present_and_zero_without_packages(budget):
    positions = line_positions(budget, D)
    assert set(positions) == set(BudgetLine.objects.filter(budget=budget).values_list("pk", flat=True))
    assert all(p == LinePosition(Decimal("0.00"), Decimal("0.00"), 0) for p in positions.values())
    assert all(str(p.commitment) == "0.00" for p in positions.values())  # never "-0.00"


def test_package_starting_mid_year(budget, amh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.RESIDENTIAL),
        practitioner,
        weekly="700",
        started_on=day("2026-07-01"),
    )
    # 1 Jul 2026 - 31 Mar 2027: Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31 + Jan 31
    # + Feb 28 + Mar 31 = 274 days x 100 = 27,400.00; no planned end, so the forecast is the same
    assert position(budget, amh, CareType.RESIDENTIAL) == LinePosition(
        Decimal("27400.00"), Decimal("27400.00"), 1
    )
    # No contribution and no health share: -(0 / 7) shows as 0.00, never -0.00
    client = position(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS)
    assert (str(client.commitment), str(client.forecast)) == ("0.00", "0.00")


def test_package_ending_mid_year(budget, amh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.NURSING),
        practitioner,
        weekly="350",
        started_on=day("2026-01-15"),
        ended_on=day("2026-09-30"),
    )
    # Started before the year, so from 1 Apr: Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 +
    # Sep 30 = 183 days x 50 = 9,150.00, in both; it ended before D, so no package is live
    assert position(budget, amh, CareType.NURSING) == LinePosition(Decimal("9150.00"), Decimal("9150.00"), 0)


def test_package_ended_after_d_is_not_yet_ended_on_d(budget, amh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.NURSING),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
        ended_on=day("2026-11-20"),
    )
    # As known on 31 Oct it had not ended: 365 days x 100 = 36,500.00 and still live
    assert position(budget, amh, CareType.NURSING) == LinePosition(
        Decimal("36500.00"), Decimal("36500.00"), 1
    )
    # As known on 30 Nov it ended on 20 Nov: Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 +
    # Sep 30 + Oct 31 + 20 Nov = 234 days x 100 = 23,400.00, no longer live
    assert position(budget, amh, CareType.NURSING, day("2026-11-30")) == LinePosition(
        Decimal("23400.00"), Decimal("23400.00"), 0
    )


def test_cost_change_mid_year_and_future_change_in_forecast_only(budget, amh, allocated_case, practitioner):
    made = package(
        allocated_case,
        line(budget, amh, CareType.DOMICILIARY),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
    )
    add_cost(made, "2026-08-01", "1050", recorded="2026-07-20", by=practitioner)
    add_cost(made, "2027-01-01", "1400", recorded="2026-10-15", by=practitioner)  # known, future-dated
    # Commitment (the version in force on D runs on): 1 Apr - 31 Jul = 122 days x 100 = 12,200
    # + 1 Aug - 31 Mar = 243 days x 150 = 36,450  ->  48,650.00
    # Forecast: 12,200 + 1 Aug - 31 Dec = 153 days x 150 = 22,950 + 1 Jan - 31 Mar = 90 days x 200
    # = 18,000  ->  53,150.00
    assert position(budget, amh, CareType.DOMICILIARY) == LinePosition(
        Decimal("48650.00"), Decimal("53150.00"), 1
    )


def test_planned_end_counts_in_forecast_only(budget, amh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.SUPPORTED_LIVING),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
        planned_end=day("2026-12-31"),
    )
    # Commitment: the whole year, 365 x 100 = 36,500.00
    # Forecast: 1 Apr - 31 Dec = 365 - 90 (Jan 31 + Feb 28 + Mar 31) = 275 days x 100 = 27,500.00
    assert position(budget, amh, CareType.SUPPORTED_LIVING) == LinePosition(
        Decimal("36500.00"), Decimal("27500.00"), 1
    )


def test_planned_end_already_passed_is_ignored(budget, amh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.SUPPORTED_LIVING),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
        planned_end=day("2026-08-31"),
    )
    # Still running on 31 Oct past its planned end: both run to 31 Mar, 365 x 100 = 36,500.00
    assert position(budget, amh, CareType.SUPPORTED_LIVING) == LinePosition(
        Decimal("36500.00"), Decimal("36500.00"), 1
    )


def test_approved_future_start_counts_in_forecast_only(budget, amh, allocated_case, practitioner):
    live_in = line(budget, amh, CareType.LIVE_IN)
    ahead = package(
        allocated_case,
        live_in,
        practitioner,
        weekly="700",
        status=PackageStatus.APPROVED,
        planned_start=day("2027-01-01"),
    )
    approve(ahead, "2026-10-20", practitioner, PanelOutcome.APPROVE_WITH_CHANGES)
    withdrawn = package(
        allocated_case,
        live_in,
        practitioner,
        weekly="7000",
        status=PackageStatus.WITHDRAWN,
        planned_start=day("2027-01-01"),
    )
    approve(withdrawn, "2026-10-20", practitioner)
    decided_later = package(
        allocated_case,
        live_in,
        practitioner,
        weekly="7000",
        status=PackageStatus.APPROVED,
        planned_start=day("2027-01-01"),
    )
    approve(decided_later, "2026-11-05", practitioner)
    package(
        allocated_case,
        live_in,
        practitioner,
        weekly="7000",
        status=PackageStatus.REQUESTED,
        planned_start=day("2027-01-01"),
    )  # not yet decided
    # Only the first counts: 1 Jan - 31 Mar 2027 = 31 + 28 + 31 = 90 days x 100 = 9,000.00 in the
    # forecast; nothing committed and no package live on D
    assert position(budget, amh, CareType.LIVE_IN) == LinePosition(Decimal("0.00"), Decimal("9000.00"), 0)


def test_approved_package_that_started_after_d_is_a_future_start(budget, amh, allocated_case, practitioner):
    made = package(
        allocated_case,
        line(budget, amh, CareType.LIVE_IN),
        practitioner,
        weekly="700",
        started_on=day("2026-11-16"),
        planned_start=day("2026-11-16"),
        planned_end=day("2026-12-15"),
    )
    approve(made, "2026-10-01", practitioner)
    # As known on 31 Oct it had not started: forecast 16 Nov - 15 Dec = 15 + 15 = 30 days x 100
    assert position(budget, amh, CareType.LIVE_IN) == LinePosition(Decimal("0.00"), Decimal("3000.00"), 0)


def test_versions_recorded_after_as_of_are_ignored(budget, amh, allocated_case, practitioner):
    made = package(
        allocated_case,
        line(budget, amh, CareType.DAY_CARE),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
    )
    add_cost(made, "2026-09-01", "1400", recorded="2026-11-10", by=practitioner)  # backdated, later
    # On 31 Oct the change was not yet known: 365 x 100 = 36,500.00 in both
    assert position(budget, amh, CareType.DAY_CARE) == LinePosition(
        Decimal("36500.00"), Decimal("36500.00"), 1
    )
    # On 15 Nov it is: 1 Apr - 31 Aug = 153 days x 100 = 15,300 + 1 Sep - 31 Mar = 212 days x 200
    # = 42,400  ->  57,700.00 in both
    assert position(budget, amh, CareType.DAY_CARE, day("2026-11-15")) == LinePosition(
        Decimal("57700.00"), Decimal("57700.00"), 1
    )


def test_rounded_once_at_the_end(budget, amh, allocated_case, practitioner):
    other = line(budget, amh, CareType.OTHER)
    for _ in range(2):
        package(
            allocated_case,
            other,
            practitioner,
            weekly="1",
            started_on=day("2026-04-01"),
            ended_on=day("2026-04-05"),
        )
    # Each 5 days x 1 / 7 = 0.714285...; together 10 / 7 = 1.428571... -> 1.43 (not 0.71 + 0.71)
    assert position(budget, amh, CareType.OTHER) == LinePosition(Decimal("1.43"), Decimal("1.43"), 0)


# --- Income lines --------------------------------------------------------------------------


def test_client_and_health_contributions(budget, amh, opmh, allocated_case, practitioner):
    package(
        allocated_case,
        line(budget, amh, CareType.RESIDENTIAL),
        practitioner,
        weekly="700",
        client_contribution="140",
        started_on=day("2026-04-01"),
        planned_end=day("2026-12-31"),
        social_care_share="40",
        health_share="20",
        chc_share="10",
        joint_share="20",
        s117_share="10",
    )
    # Client contributions 140 / 7 = 20 a day: commitment 365 x 20 = 7,300; forecast (to the
    # planned end, 275 days) 275 x 20 = 5,500; income is negative
    assert position(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS) == LinePosition(
        Decimal("-7300.00"), Decimal("-5500.00"), 0
    )
    # Health fraction (20 + 10 + 20 / 2 + 10 / 2) / 100 = 0.45; 700 x 0.45 / 7 = 45 a day:
    # commitment 365 x 45 = 16,425; forecast 275 x 45 = 12,375
    assert position(budget, amh, IncomeType.HEALTH_CONTRIBUTIONS) == LinePosition(
        Decimal("-16425.00"), Decimal("-12375.00"), 0
    )
    # The expenditure is gross: 36,500 / 27,500
    assert position(budget, amh, CareType.RESIDENTIAL) == LinePosition(
        Decimal("36500.00"), Decimal("27500.00"), 1
    )
    # Another service line's income is untouched
    assert position(budget, opmh, IncomeType.CLIENT_CONTRIBUTIONS).forecast == Decimal("0.00")


def test_income_follows_cost_versions(budget, opmh, allocated_case, practitioner):
    made = package(
        allocated_case,
        line(budget, opmh, CareType.NURSING),
        practitioner,
        weekly="700",
        client_contribution="70",
        started_on=day("2026-04-01"),
    )
    add_cost(
        made,
        "2027-01-01",
        "1400",
        recorded="2026-10-01",
        by=practitioner,
        client_contribution=Decimal("140"),
        social_care_share=Decimal("50"),
        health_share=Decimal("50"),
    )
    # Client: commitment 365 x 10 = 3,650; forecast 275 x 10 + 90 x 20 = 2,750 + 1,800 = 4,550
    assert position(budget, opmh, IncomeType.CLIENT_CONTRIBUTIONS) == LinePosition(
        Decimal("-3650.00"), Decimal("-4550.00"), 0
    )
    # Health: nothing until 1 Jan, then 1,400 x 0.5 / 7 = 100 a day for 90 days = 9,000 (forecast)
    assert position(budget, opmh, IncomeType.HEALTH_CONTRIBUTIONS) == LinePosition(
        Decimal("0.00"), Decimal("-9000.00"), 0
    )


# --- Adjustment lines ----------------------------------------------------------------------


def test_adjustments_in_commitment_forecast_only_and_withdrawn(budget, finance_officer):
    def adjust(kind, amount, effective_from, *, in_commitment=False, withdrawn_on=None):
        ForecastAdjustment.objects.create(
            line=BudgetLine.objects.get(budget=budget, category=kind),
            amount=Decimal(amount),
            in_commitment=in_commitment,
            effective_from=day(effective_from),
            withdrawn_on=day(withdrawn_on) if withdrawn_on else None,
            note="Known adjustment",
            recorded_by=finance_officer,
        )

    adjust(AdjustmentKind.INFLATION, "12000", "2026-04-01", in_commitment=True)
    adjust(AdjustmentKind.INFLATION, "2500", "2026-12-01", in_commitment=True)  # not yet in force
    adjust(AdjustmentKind.BACKDATING_RISK, "5000", "2026-06-01")  # forecast only
    adjust(AdjustmentKind.EXPECTED_DEMAND, "8000", "2026-05-01", withdrawn_on="2026-09-30")  # withdrawn
    adjust(AdjustmentKind.PRIOR_YEAR, "-3000", "2026-05-01", in_commitment=True, withdrawn_on="2026-11-15")
    positions = line_positions(budget, D)

    def at(kind):
        return positions[BudgetLine.objects.get(budget=budget, category=kind).pk]

    assert at(AdjustmentKind.INFLATION) == LinePosition(Decimal("12000.00"), Decimal("12000.00"), 0)
    assert at(AdjustmentKind.BACKDATING_RISK) == LinePosition(Decimal("0.00"), Decimal("5000.00"), 0)
    assert at(AdjustmentKind.EXPECTED_DEMAND) == LinePosition(Decimal("0.00"), Decimal("0.00"), 0)
    # Withdrawn on 15 Nov, so still in force on 31 Oct
    assert at(AdjustmentKind.PRIOR_YEAR) == LinePosition(Decimal("-3000.00"), Decimal("-3000.00"), 0)
    # On 1 Dec: inflation 12,000 + 2,500 = 14,500; the prior-year one has gone
    later = line_positions(budget, day("2026-12-01"))
    inflation = BudgetLine.objects.get(budget=budget, category=AdjustmentKind.INFLATION).pk
    prior = BudgetLine.objects.get(budget=budget, category=AdjustmentKind.PRIOR_YEAR).pk
    assert later[inflation] == LinePosition(Decimal("14500.00"), Decimal("14500.00"), 0)
    assert later[prior] == LinePosition(Decimal("0.00"), Decimal("0.00"), 0)


# --- Leap year -----------------------------------------------------------------------------


def test_leap_year_has_366_days(agreement, amh, allocated_case, practitioner, finance_officer):
    budget = PooledBudget.objects.create(agreement=agreement, year=2027, created_by=finance_officer)
    residential = BudgetLine.objects.create(budget=budget, service_line=amh, category=CareType.RESIDENTIAL)
    nursing = BudgetLine.objects.create(budget=budget, service_line=amh, category=CareType.NURSING)
    package(allocated_case, residential, practitioner, weekly="100", started_on=day("2027-02-01"))
    package(
        allocated_case,
        nursing,
        practitioner,
        weekly="700",
        started_on=day("2028-02-28"),
        ended_on=day("2028-03-01"),
    )
    positions = line_positions(budget, day("2028-03-15"))
    # 1 Apr 2027 - 31 Mar 2028 holds 29 Feb 2028: 366 days x 100 / 7 = 5,228.5714... -> 5,228.57
    assert positions[residential.pk] == LinePosition(Decimal("5228.57"), Decimal("5228.57"), 1)
    # 28 Feb, 29 Feb, 1 Mar = 3 days x 100 = 300.00
    assert positions[nursing.pk] == LinePosition(Decimal("300.00"), Decimal("300.00"), 0)


# --- Query budget --------------------------------------------------------------------------


def test_query_count_does_not_grow_with_packages(
    budget, amh, opmh, allocated_case, practitioner, django_assert_num_queries
):
    package(
        allocated_case,
        line(budget, amh, CareType.RESIDENTIAL),
        practitioner,
        weekly="700",
        started_on=day("2026-04-01"),
    )
    with django_assert_num_queries(4):
        line_positions(budget, D)
    for index, care_type in enumerate(CareType.values):
        made = package(
            allocated_case,
            line(budget, opmh, care_type),
            practitioner,
            weekly="700",
            started_on=day("2026-05-01"),
        )
        add_cost(made, "2026-06-01", str(800 + index), recorded="2026-05-20", by=practitioner)
        approve(
            package(
                allocated_case,
                line(budget, amh, care_type),
                practitioner,
                weekly="350",
                status=PackageStatus.APPROVED,
                planned_start=day("2027-02-01"),
            ),
            "2026-10-01",
            practitioner,
        )
    with django_assert_num_queries(4):
        positions = line_positions(budget, D)
    assert sum(p.package_count for p in positions.values()) == 1 + len(CareType.values)


def test_a_package_paid_from_last_years_line_counts_in_this_years_budget(
    budget, agreement, amh, allocated_case, practitioner, finance_officer
):
    """A package runs across years: it counts in every budget of the agreement whose year it
    overlaps, on the line of the same service line and care type."""
    last_year = PooledBudget.objects.create(agreement=agreement, year=2025, created_by=finance_officer)
    old_line = BudgetLine.objects.create(budget=last_year, service_line=amh, category=CareType.NURSING)
    make_package(
        case=allocated_case,
        budget_line=old_line,
        weekly_cost="700",
        started_on=datetime.date(2025, 10, 1),
        by=practitioner,
    )
    positions = line_positions(budget, datetime.date(2026, 5, 31))
    this_years_line = line(budget, amh, CareType.NURSING)
    # 2026/27 is 365 days: 700 / 7 x 365 = 36,500.00
    assert positions[this_years_line.pk].commitment == Decimal("36500.00")
    assert positions[this_years_line.pk].package_count == 1
    # 2025/26: 1 Oct 2025 to 31 Mar 2026 is 182 days: 100 x 182 = 18,200.00
    assert line_positions(last_year, datetime.date(2026, 3, 31))[old_line.pk].commitment == Decimal(
        "18200.00"
    )
