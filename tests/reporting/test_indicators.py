"""The outcome indicators (seed 003 s3.1; ASCOF 1F and 1H) against a known set of people,
checked by a calculation written out again here, and the monthly task's idempotency."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseStatus, StatusCheck
from reporting import outcomes, selectors_indicators
from reporting.models import Indicator, IndicatorValue
from reporting.services import record_indicator_values
from reporting.tasks import compute_monthly_indicators
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indicators")]

D = datetime.date(2026, 10, 31)  # the month end computed
TODAY = datetime.datetime(2026, 11, 15, 9, 0, tzinfo=datetime.UTC)
OCTOBER = datetime.date(2026, 10, 1)
PAID = {"paid"}
SETTLED = {"owner_or_tenant", "with_family", "supported"}


def at(day: datetime.date, hour=12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class World:
    """People with cases and statuses; `expected` says who should count, and why."""

    def __init__(self, team, worker):
        self.team, self.worker, self.people = team, worker, []

    def person(self, dob, *, cases=((datetime.date(2026, 1, 5), None),), checks=(), label=""):
        person = PersonFactory(date_of_birth=dob, given_name=label or "Test")
        for number, (opened, closed) in enumerate(cases):
            Case.objects.create(
                person=person,
                team=self.team if number == 0 else self._other_team(),
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                opened_at=at(opened),
                closed_at=at(closed) if closed else None,
            )
        for checked_on, employment, accommodation in checks:
            StatusCheck.objects.create(
                person=person,
                employment=employment,
                accommodation=accommodation,
                checked_on=checked_on,
                recorded_by=self.worker,
            )
        self.people.append(person)
        return person

    def _other_team(self):
        from tests.factories import make_team

        if not hasattr(self, "_second"):
            self._second = make_team("South Working Age", self.team.organisation)
        return self._second


ADULT = datetime.date(1980, 6, 15)


@pytest.fixture
def world(north_team, practitioner):
    w = World(north_team, practitioner)
    w.person(datetime.date(2008, 10, 31), checks=[(D, "paid", "owner_or_tenant")], label="turns18")
    w.person(datetime.date(2008, 11, 1), checks=[(D, "paid", "owner_or_tenant")], label="still17")
    w.person(datetime.date(1956, 11, 1), checks=[(D, "student", "with_family")], label="still69")
    w.person(datetime.date(1956, 10, 31), checks=[(D, "paid", "owner_or_tenant")], label="turns70")
    w.person(ADULT, checks=[(datetime.date(2026, 6, 1), "paid", "owner_or_tenant")], label="both")
    w.person(ADULT, checks=[(datetime.date(2025, 10, 31), "paid", "owner_or_tenant")], label="tooold")
    w.person(ADULT, checks=[(datetime.date(2025, 11, 1), "paid", "supported")], label="justin")
    w.person(
        ADULT,
        checks=[
            (datetime.date(2026, 3, 1), "paid", "owner_or_tenant"),
            (datetime.date(2026, 9, 1), "seeking", "homeless"),
        ],
        label="latestwins",
    )
    w.person(
        ADULT,
        checks=[
            (datetime.date(2026, 5, 1), "not_seeking", "temporary"),
            (datetime.date(2026, 11, 5), "paid", "owner_or_tenant"),  # after the day: ignored
        ],
        label="future",
    )
    w.person(
        ADULT,
        cases=[(datetime.date(2026, 1, 5), datetime.date(2026, 10, 15))],
        checks=[(D, "paid", "owner_or_tenant")],
        label="closedbefore",
    )
    w.person(
        ADULT,
        cases=[(datetime.date(2026, 1, 5), datetime.date(2026, 11, 3))],
        checks=[(datetime.date(2026, 8, 1), "paid", "with_family")],
        label="closedafter",
    )
    w.person(
        ADULT,
        cases=[(datetime.date(2026, 11, 2), None)],
        checks=[(D, "paid", "owner_or_tenant")],
        label="openedafter",
    )
    w.person(
        ADULT,
        cases=[(datetime.date(2026, 1, 5), None), (datetime.date(2026, 2, 5), None)],
        checks=[(datetime.date(2026, 2, 1), "paid", "owner_or_tenant")],
        label="twocases",
    )
    w.person(ADULT, checks=[], label="nostatus")
    w.person(ADULT, checks=[(datetime.date(2026, 7, 1), "voluntary", "residential")], label="neither")
    w.person(ADULT, cases=[], checks=[(D, "paid", "owner_or_tenant")], label="nocase")
    return w


def independent_counts(people, day):
    """ASCOF 1F/1H written out again: 18-69 on the day, a case open on the day, the latest
    status checked within the 12 months up to the day; all in contact in the denominator."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    a_year_before = datetime.date(day.year - 1, day.month, day.day)
    denominator = employed = settled = 0
    for person in people:
        dob = person.date_of_birth
        age = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        if not 18 <= age <= 69:
            continue
        cases = Case.objects.filter(person=person)
        if not any(c.opened_at < end and (c.closed_at is None or c.closed_at >= end) for c in cases):
            continue
        denominator += 1
        checks = sorted(
            (c for c in StatusCheck.objects.filter(person=person) if a_year_before < c.checked_on <= day),
            key=lambda c: (c.checked_on, c.pk),
        )
        if checks:
            employed += checks[-1].employment in PAID
            settled += checks[-1].accommodation in SETTLED
    return denominator, employed, settled


def test_the_two_indicators_are_seeded_with_seed_003_targets():
    """As migration 0002 writes them (the fixture writes them again if a flush removed them)."""
    seeded = {i.code: (i.target, i.higher_is_better) for i in Indicator.objects.all()}
    assert seeded == {"ASCOF-1F": (Decimal("12.5"), True), "ASCOF-1H": (Decimal("75.0"), True)}


def test_counts_match_the_independent_calculation(world):
    counts = outcomes.outcome_counts(D)
    assert (counts.in_contact, counts.in_paid_employment, counts.living_independently) == independent_counts(
        world.people, D
    )
    # And by hand: in contact are turns18, still69, both, tooold, justin, latestwins, future,
    # closedafter, twocases, nostatus, neither (11). Paid: turns18, both, justin, closedafter,
    # twocases (5). Settled: turns18, still69, both, justin, closedafter, twocases (6).
    assert (counts.in_contact, counts.in_paid_employment, counts.living_independently) == (11, 5, 6)


def test_one_query_whatever_the_number_of_people(world):
    with CaptureQueriesContext(connection) as ctx:
        outcomes.outcome_counts(D)
    assert len(ctx.captured_queries) == 1


def test_ages_on_29_february():
    """Born 29 Feb 2008: 18 on 1 March 2026 in a common year, not on 28 February."""
    day = datetime.date(2026, 2, 28)
    assert outcomes.years_before(day, 18) == datetime.date(2008, 2, 28)
    assert outcomes.years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)


def test_percentage_rounding():
    assert outcomes.percentage(67, 500) == Decimal("13.4")
    assert outcomes.percentage(1, 8) == Decimal("12.5")
    assert outcomes.percentage(1, 3) == Decimal("33.3")
    assert outcomes.percentage(2, 3) == Decimal("66.7")
    assert outcomes.percentage(0, 0) is None


@time_machine.travel(TODAY, tick=False)
def test_task_stores_the_previous_month_once(world):
    assert compute_monthly_indicators() == 2
    values = {v.indicator.code: v for v in IndicatorValue.objects.select_related("indicator")}
    assert set(values) == {"ASCOF-1F", "ASCOF-1H"}
    employment, housing = values["ASCOF-1F"], values["ASCOF-1H"]
    assert (employment.month, employment.numerator, employment.denominator) == (OCTOBER, 5, 11)
    assert employment.value == Decimal("45.5")  # 5 / 11
    assert (housing.numerator, housing.denominator, housing.value) == (6, 11, Decimal("54.5"))

    # A rerun writes nothing, even after the records change.
    StatusCheck.objects.create(
        person=world.people[-3],  # nostatus
        employment="paid",
        accommodation="owner_or_tenant",
        checked_on=D,
        recorded_by=world.worker,
    )
    assert compute_monthly_indicators() == 0
    assert IndicatorValue.objects.count() == 2
    employment.refresh_from_db()
    assert employment.numerator == 5

    # Asked to replace, it updates the same rows in place.
    assert compute_monthly_indicators(month="2026-10-01", replace=True) == 2
    assert IndicatorValue.objects.count() == 2
    again = IndicatorValue.objects.get(pk=employment.pk)
    assert (again.numerator, again.denominator, again.value) == (6, 11, Decimal("54.5"))


@time_machine.travel(TODAY, tick=False)
def test_a_month_not_ended_is_refused(world):
    with pytest.raises(ValueError, match="has not ended"):
        record_indicator_values(month=datetime.date(2026, 11, 1))
    assert not IndicatorValue.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_no_one_in_contact_gives_no_value(db):
    compute_monthly_indicators(month="2026-09-30")
    for value in IndicatorValue.objects.all():
        assert (value.numerator, value.denominator, value.value) == (0, 0, None)


@time_machine.travel(TODAY, tick=False)
def test_indicator_rows_show_the_last_twelve_months_against_target(world):
    for month in ("2025-10-01", "2025-11-01", "2026-10-01"):
        compute_monthly_indicators(month=month)
    rows = {row.indicator.code: row for row in selectors_indicators.indicator_rows()}
    employment = rows["ASCOF-1F"]
    # October 2025 is 13 months back: not shown.
    assert [v.month for v in employment.values] == [OCTOBER, datetime.date(2025, 11, 1)]
    assert employment.latest.value == Decimal("45.5")
    assert employment.latest_meets_target is True
    assert Indicator.objects.get(code="ASCOF-1H").meets_target(Decimal("74.9")) is False
