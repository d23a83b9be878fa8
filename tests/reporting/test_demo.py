"""The governance demo data that `manage.py seed_demo` adds (reporting.demo).

The core demo is seeded once for the module with only the governance seeder registered
besides it (the other apps' seeders are held back to keep this quick), inside a transaction
rolled back at the end, on a fixed day.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from cases.demo.registry import register_demo_seeder, registered_seeders, unregister_demo_seeder
from reporting.models import ActionItem, ActionStatus, Indicator, IndicatorValue, Risk, RiskAssessment
from reporting.outcomes import outcome_counts, percentage
from reporting.selectors_indicators import months_shown

from .conftest import ensure_indicators

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)


class RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    saved = registered_seeders()
    for seeder in saved:
        if seeder.name != "governance":
            unregister_demo_seeder(seeder.name)
    out = StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_indicators()
            with time_machine.travel(NOW, tick=False):
                call_command("seed_demo", people=300, seed=3, stdout=out)
            yield out.getvalue()
        finally:
            outer.__exit__(RolledBack, RolledBack(), None)
            for seeder in saved:
                register_demo_seeder(seeder.name, seeder.fn, seeder.order)


def test_action_plan_has_every_status(seeded):
    items = list(ActionItem.objects.all())
    assert len(items) == 15
    statuses = {item.status for item in items}
    assert statuses == {ActionStatus.ON_TRACK, ActionStatus.AT_RISK, ActionStatus.COMPLETED}
    assert sum(item.is_overdue_on(TODAY) for item in items) == 2
    completed = [item for item in items if item.status == ActionStatus.COMPLETED]
    assert all(item.transitions.filter(event="completed").exists() for item in completed)
    assert all(item.updates.exists() for item in completed)


def test_risk_register_has_history_and_levels(seeded):
    risks = list(Risk.objects.all())
    assert len(risks) == 10
    assert {str(r.level) for r in risks} >= {"extreme", "high", "moderate", "low"}
    assert any(r.review_on < TODAY for r in risks)
    for risk in risks:
        history = list(RiskAssessment.objects.filter(risk=risk).order_by("assessed_on", "pk"))
        assert history[0].kind == "first" and len(history) >= 2
        assert (history[-1].consequence, history[-1].likelihood) == (risk.consequence, risk.likelihood)


def test_twelve_months_of_believable_indicator_values(seeded):
    months = months_shown(TODAY)
    for indicator in Indicator.objects.all():
        values = list(IndicatorValue.objects.filter(indicator=indicator).order_by("-month"))
        assert [v.month for v in values] == months
        for value in values:
            assert value.denominator > 50
            assert value.value == percentage(value.numerator, value.denominator)
    latest = IndicatorValue.objects.get(indicator__code="ASCOF-1F", month=months[0])
    counts = outcome_counts(datetime.date(2026, 10, 31))
    assert (latest.numerator, latest.denominator) == (counts.in_paid_employment, counts.in_contact)
    employment = [v.value for v in IndicatorValue.objects.filter(indicator__code="ASCOF-1F")]
    housing = [v.value for v in IndicatorValue.objects.filter(indicator__code="ASCOF-1H")]
    assert all(Decimal(5) < v < Decimal(25) for v in employment), employment
    assert all(Decimal(60) < v < Decimal(95) for v in housing), housing


def test_the_command_reports_what_it_wrote(seeded):
    assert "governance:" in seeded and "indicator values" in seeded
