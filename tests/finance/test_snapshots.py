"""Snapshots (finance/services/snapshots.py) and the month-end job (finance/tasks.py): labels
as the tables head them, frozen figures, one month-end snapshot per budget and day however
often the job runs, and refused dates. The clock is fixed at 1 Dec 2026 (London)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import ProgrammingError, transaction

from cases.services import DomainError
from finance.commitments import LinePosition, line_positions
from finance.models import (
    Agreement,
    AgreementKind,
    BudgetLine,
    CareType,
    PackageCost,
    PooledBudget,
    RiskShareRule,
    Snapshot,
    SnapshotKind,
    SnapshotLine,
)
from finance.services import snapshots
from finance.services.snapshots import snapshot_label, take_snapshot
from finance.tasks import take_month_end_snapshots

from .conftest import line, make_package

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def residential_package(budget, amh, allocated_case, practitioner):
    """700 a week (100 a day) from 1 Apr 2026, recorded before the year."""
    made = make_package(
        case=allocated_case,
        budget_line=line(budget, amh, CareType.RESIDENTIAL),
        weekly_cost="700",
        started_on=day("2026-04-01"),
        by=practitioner,
    )
    PackageCost.objects.filter(package=made).update(recorded_at=datetime.datetime(2026, 1, 1, tzinfo=LONDON))
    return made


SET_UP_BEFORE_THE_YEAR = datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC)


def other_budget(council, finance_officer, amh, year=2026) -> PooledBudget:
    agreement = Agreement.objects.create(
        name=f"Forensic Section 75 {year}",
        kind=AgreementKind.POOLED_FUND,
        host=council,
        starts_on=day("2024-04-01"),
        risk_share_rule=RiskShareRule.OWN_LINES,
        created_by=finance_officer,
    )
    budget = PooledBudget.objects.create(
        agreement=agreement, year=year, created_by=finance_officer, created_at=SET_UP_BEFORE_THE_YEAR
    )
    BudgetLine.objects.create(budget=budget, service_line=amh, category=CareType.NURSING)
    return budget


# --- Labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "kind", "label"),
    [
        ("2026-04-30", SnapshotKind.MONTH_END, "Apr"),
        ("2026-06-30", SnapshotKind.MONTH_END, "Q1"),
        ("2026-09-30", SnapshotKind.MONTH_END, "Q2"),
        ("2026-11-30", SnapshotKind.MONTH_END, "Nov"),
        ("2026-12-31", SnapshotKind.MONTH_END, "Q3"),
        ("2027-02-28", SnapshotKind.MONTH_END, "Feb"),
        ("2027-03-31", SnapshotKind.MONTH_END, "Q4"),
        ("2026-11-23", SnapshotKind.ON_DEMAND, "23 Nov"),
        ("2026-06-30", SnapshotKind.ON_DEMAND, "30 Jun"),
    ],
)
def test_labels(as_of, kind, label):
    assert snapshot_label(day(as_of), kind) == label


# --- Taking a snapshot ---------------------------------------------------------------------


def test_on_demand_snapshot_freezes_every_line(budget, amh, residential_package, finance_officer):
    snapshot = take_snapshot(
        budget=budget, as_of=day("2026-11-23"), kind=SnapshotKind.ON_DEMAND, by=finance_officer
    )
    assert (snapshot.label, snapshot.taken_by, snapshot.kind) == (
        "23 Nov",
        finance_officer,
        SnapshotKind.ON_DEMAND,
    )
    rows = {row.line_id: row for row in snapshot.lines.all()}
    # One row per budget line, zero rows too (16 service-line rows + 5 adjustment lines)
    assert set(rows) == set(budget.lines.values_list("pk", flat=True))
    residential = rows[line(budget, amh, CareType.RESIDENTIAL).pk]
    # 365 days x 100 = 36,500.00, one package live
    assert (residential.commitment, residential.forecast, residential.package_count) == (
        Decimal("36500.00"),
        Decimal("36500.00"),
        1,
    )
    assert rows[line(budget, amh, CareType.NURSING).pk].commitment == Decimal("0.00")
    positions = line_positions(budget, day("2026-11-23"))
    assert {
        pk: LinePosition(r.commitment, r.forecast, r.package_count) for pk, r in rows.items()
    } == positions
    # Two on-demand snapshots of one day are allowed (a rerun by hand is a new picture)
    again = take_snapshot(budget=budget, as_of=day("2026-11-23"), kind=SnapshotKind.ON_DEMAND)
    assert again.pk != snapshot.pk


def test_snapshot_does_not_move_when_packages_change(budget, amh, residential_package, practitioner):
    snapshot = take_snapshot(budget=budget, as_of=day("2026-10-31"), kind=SnapshotKind.MONTH_END)
    PackageCost.objects.create(
        package=residential_package,
        effective_from=day("2026-05-01"),
        weekly_cost=Decimal("1400"),
        recorded_at=datetime.datetime(2026, 11, 5, tzinfo=LONDON),
        recorded_by=practitioner,
    )
    row = snapshot.lines.get(line=line(budget, amh, CareType.RESIDENTIAL))
    assert row.commitment == Decimal("36500.00")  # as frozen on 31 Oct
    # Recomputed for a later day the change shows: 30 days x 100 + 335 days x 200 = 70,000.00
    later = line_positions(budget, day("2026-11-30"))[row.line_id]
    assert later.commitment == Decimal("70000.00")


def test_snapshot_cannot_be_updated(budget, residential_package):
    snapshot = take_snapshot(budget=budget, as_of=day("2026-10-31"), kind=SnapshotKind.MONTH_END)
    snapshot.label = "Changed"
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        snapshot.save()
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        SnapshotLine.objects.filter(snapshot=snapshot).update(commitment=Decimal("1"))
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        SnapshotLine.objects.filter(snapshot=snapshot).delete()
    assert Snapshot.objects.get(pk=snapshot.pk).label == "Oct"


def test_month_end_snapshot_taken_twice_is_the_same(budget, residential_package, finance_officer):
    first = take_snapshot(budget=budget, as_of=day("2026-09-30"), kind=SnapshotKind.MONTH_END)
    second = take_snapshot(
        budget=budget, as_of=day("2026-09-30"), kind=SnapshotKind.MONTH_END, by=finance_officer
    )
    assert second.pk == first.pk
    assert first.label == "Q2"
    assert Snapshot.objects.filter(budget=budget).count() == 1
    assert SnapshotLine.objects.filter(snapshot=first).count() == budget.lines.count()


def test_month_end_race_returns_the_winner(budget, monkeypatch):
    """Another worker writes the month-end snapshot between our check and our insert: the
    unique constraint refuses ours, the savepoint rolls back only that, and we return theirs."""
    as_of = day("2026-10-31")
    real = snapshots.line_positions
    winner = {}

    def competing_worker(budget_, as_of_):
        winner["snapshot"] = Snapshot.objects.create(
            budget=budget_, as_of=as_of_, kind=SnapshotKind.MONTH_END, label="Oct"
        )
        return real(budget_, as_of_)

    monkeypatch.setattr(snapshots, "line_positions", competing_worker)
    result = take_snapshot(budget=budget, as_of=as_of, kind=SnapshotKind.MONTH_END)
    assert result.pk == winner["snapshot"].pk
    assert Snapshot.objects.filter(budget=budget, as_of=as_of).count() == 1  # connection still usable
    assert not SnapshotLine.objects.filter(snapshot__budget=budget).exists()  # ours rolled back


@pytest.mark.parametrize(
    ("as_of", "kind", "message"),
    [
        ("2026-03-31", SnapshotKind.ON_DEMAND, "from 1 April 2026 to 31 March 2027"),
        ("2027-04-30", SnapshotKind.MONTH_END, "from 1 April 2026 to 31 March 2027"),
        ("2026-12-31", SnapshotKind.MONTH_END, "cannot be for a day in the future"),
        ("2026-12-02", SnapshotKind.ON_DEMAND, "cannot be for a day in the future"),
        ("2026-10-30", SnapshotKind.MONTH_END, "must be for the last day of a month"),
    ],
)
def test_refused_dates(budget, as_of, kind, message):
    with pytest.raises(DomainError, match=message):
        take_snapshot(budget=budget, as_of=day(as_of), kind=kind)
    assert not Snapshot.objects.exists()


def test_today_is_allowed(budget):
    assert take_snapshot(budget=budget, as_of=day("2026-12-01"), kind=SnapshotKind.ON_DEMAND).label == "1 Dec"


# --- The month-end job ---------------------------------------------------------------------


def test_month_end_job_once_per_budget(budget, council, finance_officer, amh, residential_package):
    second = other_budget(council, finance_officer, amh)
    previous_year = other_budget(council, finance_officer, amh, year=2025)
    # 31 Oct for both 2026/27 budgets, and the catch-up of 30 Sep for both
    assert take_month_end_snapshots("2026-10-31") == 4
    assert take_month_end_snapshots("2026-10-31") == 0  # a rerun writes nothing
    taken = Snapshot.objects.filter(as_of=day("2026-10-31"))
    assert sorted(taken.values_list("budget_id", flat=True)) == sorted([budget.pk, second.pk])
    assert set(taken.values_list("label", "kind", "taken_by")) == {("Oct", SnapshotKind.MONTH_END, None)}
    assert not Snapshot.objects.filter(budget=previous_year).exists()
    assert (
        SnapshotLine.objects.filter(snapshot__budget=second, snapshot__as_of=day("2026-10-31")).count() == 1
    )
    assert SnapshotLine.objects.filter(
        snapshot__budget=budget, snapshot__as_of=day("2026-10-31")
    ).count() == (budget.lines.count())


def test_month_end_catch_up_skips_a_budget_set_up_after_that_month_end(budget):
    """A budget set up in November has no position at 31 October to catch up."""
    late = other_budget(budget.agreement.host, budget.created_by, BudgetLine.objects.first().service_line)
    PooledBudget.objects.filter(pk=late.pk).update(
        created_at=datetime.datetime(2026, 11, 5, 9, tzinfo=LONDON)
    )
    assert take_month_end_snapshots("2026-11-10") == 1
    assert not Snapshot.objects.filter(budget=late).exists()
    assert take_month_end_snapshots("2026-11-30") == 2  # both on 30 November
    assert Snapshot.objects.filter(budget=late, as_of=day("2026-11-30")).exists()


def test_month_end_job_on_other_days_only_catches_up_the_previous_month_end(budget):
    """A worker down on the night of a month end: the next day's run takes it, once."""
    assert take_month_end_snapshots("2026-10-30") == 1
    assert take_month_end_snapshots("2026-10-29") == 0
    assert list(Snapshot.objects.values_list("as_of", flat=True)) == [day("2026-09-30")]
    assert take_month_end_snapshots("2026-11-01") == 1
    assert take_month_end_snapshots("2026-11-02") == 0
    assert list(Snapshot.objects.values_list("as_of", "label")) == [
        (day("2026-09-30"), "Q2"),
        (day("2026-10-31"), "Oct"),
    ]


def test_month_end_job_defaults_to_today_in_london(budget):
    # 23:30 on 30 Nov in London (beat's time) is a month end
    # (and 31 Oct is caught up)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=LONDON), tick=False):
        assert take_month_end_snapshots() == 2
    assert list(Snapshot.objects.values_list("label", flat=True)) == ["Oct", "Nov"]
    # 23:30 on 1 Dec is not, and 30 Nov is there already
    with time_machine.travel(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=LONDON), tick=False):
        assert take_month_end_snapshots() == 0


def test_month_end_job_runs_through_celery(budget):
    assert take_month_end_snapshots.delay("2026-09-30").get() == 2  # with 31 Aug caught up
    assert list(Snapshot.objects.values_list("label", flat=True)) == ["Aug", "Q2"]
