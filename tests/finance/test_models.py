"""Database rules of the finance models: they hold even if a service is bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from finance.models import BudgetLine, CareType, IncomeType, PackageCost, Snapshot, SnapshotKind, SnapshotLine

from .conftest import line, make_package

pytestmark = pytest.mark.django_db


def test_funding_shares_must_sum_to_100(budget, amh, allocated_case, practitioner):
    package = make_package(
        case=allocated_case,
        budget_line=line(budget, amh, CareType.RESIDENTIAL),
        weekly_cost="700",
        started_on=datetime.date(2026, 5, 1),
        by=practitioner,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageCost.objects.create(
            package=package,
            effective_from=datetime.date(2026, 6, 1),
            weekly_cost=Decimal("800"),
            social_care_share=Decimal("60"),
            health_share=Decimal("30"),
            recorded_by=practitioner,
        )
    PackageCost.objects.create(
        package=package,
        effective_from=datetime.date(2026, 6, 1),
        weekly_cost=Decimal("800"),
        social_care_share=Decimal("60"),
        health_share=Decimal("40"),
        recorded_by=practitioner,
    )


def test_income_lines_are_negative(budget, amh):
    income = line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS)
    income.amount = Decimal("10")
    with pytest.raises(IntegrityError), transaction.atomic():
        income.save()
    expenditure = BudgetLine.objects.get(budget=budget, service_line=amh, category=CareType.NURSING)
    expenditure.amount = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        expenditure.save()


def test_snapshots_are_frozen(budget, amh):
    snapshot = Snapshot.objects.create(
        budget=budget, as_of=datetime.date(2026, 4, 30), kind=SnapshotKind.MONTH_END, label="Apr"
    )
    row = SnapshotLine.objects.create(
        snapshot=snapshot,
        line=line(budget, amh, CareType.NURSING),
        commitment=Decimal("1"),
        forecast=Decimal("2"),
    )
    row.commitment = Decimal("5")
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        row.save()
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        row.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(
            budget=budget, as_of=datetime.date(2026, 4, 30), kind=SnapshotKind.MONTH_END, label="Apr"
        )
