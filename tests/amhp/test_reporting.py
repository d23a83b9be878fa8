"""Monthly AMHP figures: requests, assessments, outcomes, time to assessment, place-of-safety
breaches and delays by cause, aggregated in SQL by month (Europe/London)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amhp import services
from amhp.selectors_reporting import month_starts, monthly_figures, totals
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 15, 10, 0))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def receive(team, by, received_at, *, arrived_at=None, status="s136"):
    return services.receive_request(
        team=team,
        person=PersonFactory(),
        data={
            "received_at": received_at,
            "requester_kind": "police",
            "requester_name": "PC Cole",
            "requester_contact": "101",
            "location": "Place of safety",
            "legal_status": status,
            "arrived_at_place_of_safety": arrived_at if status == "s136" else None,
        },
        by=by,
    )


def assess(request, amhp, lead, assessed_at, *, outcome="s2", delays=()):
    services.allocate_request(request_id=request.pk, amhp=amhp, by=lead)
    application = assessed_at + datetime.timedelta(minutes=30) if outcome in ("s2", "s3") else None
    examined = timezone.localtime(assessed_at).date()
    return services.record_assessment(
        request_id=request.pk,
        data={
            "assessed_at": assessed_at,
            "outcome": outcome,
            "application_made_at": application,
            "nearest_relative_contact": "not_practicable",
        },
        recommendations=[
            {"doctor_name": "Dr A", "s12_approved": True, "examined_on": examined},
            {"doctor_name": "Dr B", "s12_approved": False, "examined_on": examined},
        ]
        if application
        else [],
        delays=list(delays),
        by=amhp,
    )


@pytest.fixture
def february(amhp_team, amhp_lead, amhp_user):
    """Three requests in February 2027: one breached, one saved by its extension, one community."""
    breached = receive(amhp_team, amhp_lead, local(2027, 2, 1, 10), arrived_at=local(2027, 2, 1, 9))
    assess(
        breached,
        amhp_user,
        amhp_lead,
        local(2027, 2, 2, 12),  # 27 hours after arrival
        delays=[{"cause": "bed", "minutes": 90}, {"cause": "police", "minutes": 45}],
    )
    extended = receive(amhp_team, amhp_lead, local(2027, 2, 10, 8), arrived_at=local(2027, 2, 10, 8))
    with time_machine.travel(local(2027, 2, 10, 12), tick=False):
        services.extend_place_of_safety(
            request_id=extended.pk, hours=12, authorised_by="Dr Rao", reason="Intoxicated", by=amhp_lead
        )
    assess(
        extended,
        amhp_user,
        amhp_lead,
        local(2027, 2, 10, 14),  # 6 hours after the request
        outcome="nfa",
        delays=[{"cause": "bed", "minutes": 30}],
    )
    community = receive(amhp_team, amhp_lead, local(2027, 2, 20, 9), status="community")
    assess(community, amhp_user, amhp_lead, local(2027, 2, 20, 11))  # 2 hours after the request
    return breached, extended, community


def test_month_starts_are_the_last_12_calendar_months():
    starts = month_starts(datetime.date(2027, 3, 15))
    assert (
        starts[0] == datetime.date(2026, 4, 1)
        and starts[-1] == datetime.date(2027, 3, 1)
        and len(starts) == 12
    )
    assert month_starts(datetime.date(2027, 1, 31))[-2:] == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]


def test_monthly_figures(february, amhp_team):
    months = {m.month: m for m in monthly_figures(amhp_team)}
    feb = months[datetime.date(2027, 2, 1)]
    assert (feb.requests, feb.place_of_safety_requests, feb.breaches, feb.assessments) == (3, 2, 1, 3)
    assert feb.outcomes == {"s2": 2, "nfa": 1}
    # 26, 6 and 2 hours from request to assessment: the median is 6.
    assert feb.median_hours == Decimal("6.0")
    assert feb.delays == {"bed": (2, Decimal("2.0")), "police": (1, Decimal("0.8"))}
    assert (
        months[datetime.date(2027, 1, 1)].requests == 0
        and months[datetime.date(2027, 1, 1)].median_hours is None
    )
    total = totals(list(months.values()))
    assert (total.requests, total.breaches, total.assessments) == (3, 1, 3)


def test_open_place_of_safety_request_past_its_deadline_is_a_breach(amhp_team, amhp_lead):
    receive(
        amhp_team,
        amhp_lead,
        NOW - datetime.timedelta(hours=20),
        arrived_at=NOW - datetime.timedelta(hours=25),
    )
    receive(
        amhp_team, amhp_lead, NOW - datetime.timedelta(hours=1), arrived_at=NOW - datetime.timedelta(hours=2)
    )
    march = monthly_figures(amhp_team)[-1]
    assert (march.requests, march.breaches) == (2, 1)


def test_months_are_counted_in_london_time_and_older_requests_left_out(amhp_team, amhp_lead):
    # 00:30 on 1 April 2026 in London is 23:30 on 31 March in UTC: it counts in April.
    receive(amhp_team, amhp_lead, local(2026, 4, 1, 0, 30), status="community")
    receive(amhp_team, amhp_lead, local(2026, 3, 31, 22, 0), status="community")
    months = monthly_figures(amhp_team)
    assert months[0].month == datetime.date(2026, 4, 1) and months[0].requests == 1
    assert sum(m.requests for m in months) == 1


def test_figures_are_per_team(february, council, amhp_lead):
    from accounts.models import ServiceLine
    from tests.factories import make_team

    west = make_team("West AMHP", council, ServiceLine.AMHP, "")
    assert sum(m.requests for m in monthly_figures(west)) == 0


# --- The page -----------------------------------------------------------------------------------


def test_lead_sees_the_figures(february, amhp_lead_client):
    page = amhp_lead_client.get(reverse("amhp:reporting")).content.decode()
    assert "AMHP figures for the last 12 months" in page and "February 2027" in page and "April 2026" in page
    assert "2 (2.0 hours)" in page and "1 (0.8 hours)" in page
    assert "Admitted under section 2" in page and "No bed available" in page
    assert "AMHPs with a valid approval today" in page and "Rota gap hours" in page


def test_only_the_amhp_lead_sees_the_figures(
    amhp_client, practitioner_client, commissioner_client, stranger_client
):
    for client in (amhp_client, practitioner_client, commissioner_client, stranger_client):
        assert client.get(reverse("amhp:reporting")).status_code == 403


def test_reporting_query_count_does_not_grow(amhp_lead_client, amhp_team, amhp_lead, amhp_user, february):
    url = reverse("amhp:reporting")
    amhp_lead_client.get(url)
    with CaptureQueriesContext(connection) as before:
        amhp_lead_client.get(url)
    for day in range(1, 8):
        request = receive(amhp_team, amhp_lead, local(2027, 1, day, 9), status="community")
        assess(
            request,
            amhp_user,
            amhp_lead,
            local(2027, 1, day, 12),
            delays=[{"cause": "doctor", "minutes": 20}],
        )
    with CaptureQueriesContext(connection) as after:
        response = amhp_lead_client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


# --- Rota gap hours and the register (from the rota and register selectors) ----------------------


def test_rota_gap_hours_and_approved_amhps_by_month(amhp_team, amhp_lead, amhp_user, locum_amhp):
    from amhp.models import Shift, ShiftAssignment, ShiftPattern
    from amhp.selectors_reporting import add_workforce
    from tests.amhp.conftest import make_amhp

    make_amhp(amhp_team, name="Nia New", email="nia@example.org", approved_on=datetime.date(2026, 10, 1))
    pattern = ShiftPattern.objects.create(
        team=amhp_team,
        name="Weekday day",
        kind="weekday_day",
        applies_on="weekdays",
        starts_at=datetime.time(9),
        ends_at=datetime.time(17),
        minimum_amhps=2,
        is_active=False,  # no shifts still to build: only the ones below
    )
    for day in (3, 4):
        Shift.objects.create(
            team=amhp_team,
            pattern=pattern,
            date=datetime.date(2027, 2, day),
            starts_at=local(2027, 2, day, 9),
            ends_at=local(2027, 2, day, 17),
            minimum_amhps=2,
        )
    covered_once = Shift.objects.get(date=datetime.date(2027, 2, 3))
    ShiftAssignment.objects.create(shift=covered_once, amhp=amhp_user.amhp_profile, assigned_by=amhp_lead)
    months = monthly_figures(amhp_team)
    workforce = add_workforce(months, team=amhp_team, user=amhp_lead)
    by_month = {m.month: m for m in months}
    # 8 hours one AMHP short, then 8 hours two AMHPs short.
    assert by_month[datetime.date(2027, 2, 1)].gap_hours == Decimal(24)
    assert by_month[datetime.date(2027, 1, 1)].gap_hours == 0
    assert by_month[datetime.date(2026, 4, 1)].approved_amhps == 2
    assert by_month[datetime.date(2027, 2, 1)].approved_amhps == 3
    assert workforce.approved_now == 3
    assert totals(months).gap_hours == Decimal(24)
