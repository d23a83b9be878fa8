"""Rota pages: the week and month view, patterns, building, assigning, swaps, gaps, the
on-duty home panel and my shifts. The clock stands at 10:00 on Monday 21 December 2026."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, ServiceLine
from amhp import services
from amhp.models import AmhpProfile, Shift, ShiftAssignment, ShiftPattern, ShiftSwap
from tests.amhp.conftest import make_amhp
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 12, 21, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen():
    """Before any other fixture, so sign-ins happen at the same time as the requests."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rota(amhp_team, amhp_lead):
    """The usual patterns; December and January built at the end of November."""
    services.set_up_usual_patterns(team=amhp_team, by=amhp_lead)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=LONDON), tick=False):
        services.build_rota(team=amhp_team, month=D(2026, 12, 1), by=amhp_lead)
        services.build_rota(team=amhp_team, month=D(2027, 1, 1), by=amhp_lead)
    return amhp_team


def shift(team, name, day) -> Shift:
    return Shift.objects.get(team=team, pattern__name=name, date=day)


def profile_of(user) -> AmhpProfile:
    return AmhpProfile.objects.get(user=user)


def put_on(team, name, day, user, lead):
    return services.assign_amhp(shift_id=shift(team, name, day).pk, amhp_id=profile_of(user).pk, by=lead)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


# --- The rota ----------------------------------------------------------------------------


def test_week_shows_who_is_on_cover_locums_and_bank_holidays(rota, amhp_lead, amhp_lead_client, locum_amhp):
    put_on(rota, "Weekday day", D(2026, 12, 22), locum_amhp, amhp_lead)
    response = amhp_lead_client.get(reverse("amhp:rota"))
    page = response.content.decode()
    assert "Rota for the week of 21 December 2026" in page
    assert "Luca Locum" in page and "Locum</strong>" in page
    assert "1 short" in page and "Uncovered" in page and "Bank holiday</strong>" in page
    assert "Fri 25 Dec" in page and "Sun 27 Dec" in page and "Mon 28 Dec" not in page
    assert reverse("amhp:rota_build") in page  # the lead's buttons
    christmas = next(d for d in response.context["days"] if d.date == D(2026, 12, 25))
    assert christmas.is_bank_holiday and [r.pattern.name for r in christmas.rows] == [
        "Bank holiday day",
        "Evening",
        "Night",
    ]
    later = amhp_lead_client.get(reverse("amhp:rota"), {"week_day": 2, "week_month": 2, "week_year": 2027})
    assert "Rota for the week of 1 February 2027" in later.content.decode()
    assert "not built yet" in later.content.decode()
    month = amhp_lead_client.get(reverse("amhp:rota"), {"month": "2027-01"}).content.decode()
    assert "Rota for January 2027" in month and "Fri 1 Jan" in month and "Sun 31 Jan" in month


def test_rota_access(rota, amhp_client, practitioner_client, commissioner_client, stranger_client):
    url = reverse("amhp:rota")
    page = amhp_client.get(url).content.decode()
    assert "Weekday day" in page and reverse("amhp:rota_build") not in page
    assert practitioner_client.get(url).status_code == 403
    assert commissioner_client.get(url).status_code == 404
    assert stranger_client.get(url).status_code == 404


def test_rota_query_count_does_not_grow(rota, amhp_lead, amhp_lead_client, amhp_user, locum_amhp):
    put_on(rota, "Night", D(2026, 12, 21), amhp_user, amhp_lead)
    url = reverse("amhp:rota")
    week = count_queries(amhp_lead_client, url)
    for day in range(22, 28):
        put_on(rota, "Night", D(2026, 12, day), amhp_user, amhp_lead)
        put_on(rota, "Evening", D(2026, 12, day), locum_amhp, amhp_lead)
    assert count_queries(amhp_lead_client, url) == week
    assert count_queries(amhp_lead_client, url, {"month": "2026-12"}) == week


# --- Patterns and building ---------------------------------------------------------------


def test_set_up_the_usual_patterns_then_build(amhp_team, amhp_lead_client, amhp_client):
    page = amhp_lead_client.get(reverse("amhp:patterns")).content.decode()
    assert "Set up the usual patterns" in page
    assert amhp_client.post(reverse("amhp:patterns_usual")).status_code == 403
    response = amhp_lead_client.post(reverse("amhp:patterns_usual"), follow=True)
    assert "5 shift patterns were set up" in response.content.decode()
    assert ShiftPattern.objects.filter(team=amhp_team).count() == 5
    assert "no pattern covers" not in amhp_lead_client.get(reverse("amhp:patterns")).content.decode()

    response = amhp_lead_client.post(reverse("amhp:rota_build"), {"month": "2027-02"})
    assert response.status_code == 302 and "month=2027-02" in response.url
    assert Shift.objects.filter(team=amhp_team, date__month=2, date__year=2027).count() == 28 * 2 + 20 + 8
    response = amhp_lead_client.post(reverse("amhp:rota_build"), {"month": "2025-01"})
    assert "Select a month from the list" in response.content.decode()
    assert amhp_client.get(reverse("amhp:rota_build")).status_code == 403


def test_pattern_form_errors_keep_what_was_typed(amhp_team, amhp_lead_client):
    response = amhp_lead_client.post(
        reverse("amhp:pattern_create"),
        {
            "name": "Late",
            "kind": "evening",
            "applies_on": "every_day",
            "starts_at": "25:00",
            "ends_at": "23:30",
            "minimum_amhps": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Enter a real time" in page and "At least one AMHP must be on every shift" in page
    assert 'value="Late"' in page and 'value="23:30"' in page
    response = amhp_lead_client.post(
        reverse("amhp:pattern_create"),
        {
            "name": "Late",
            "kind": "evening",
            "applies_on": "every_day",
            "starts_at": "17:00",
            "ends_at": "23:30",
            "minimum_amhps": "1",
        },
    )
    assert response.status_code == 302
    pattern = ShiftPattern.objects.get(team=amhp_team, name="Late")
    edit = amhp_lead_client.get(reverse("amhp:pattern_edit", args=[pattern.pk])).content.decode()
    assert 'value="17:00"' in edit


# --- A shift -----------------------------------------------------------------------------


def test_only_amhps_valid_for_the_whole_shift_are_offered(
    rota, amhp_team, amhp_lead, amhp_lead_client, amhp_user
):
    # Approved 23 December 2021: the last day is 22 December 2026, and the night of the
    # 22nd runs into the 23rd.
    make_amhp(amhp_team, name="Ed Ending", email="ed@example.org", approved_on=D(2021, 12, 23), by=amhp_lead)
    ed = AmhpProfile.objects.get(user__full_name="Ed Ending")
    night = shift(rota, "Night", D(2026, 12, 22))
    url = reverse("amhp:shift_detail", args=[night.pk])
    response = amhp_lead_client.get(url)
    page = response.content.decode()
    assert [name for _, name in response.context["form"].fields["amhp"].choices] == ["Asha Amhp"]
    assert "Ed Ending: approval not valid on 23 December 2026" in page
    response = amhp_lead_client.post(url, {"amhp": ed.pk})
    assert "Select an AMHP from the list" in response.content.decode()
    response = amhp_lead_client.post(url, {"amhp": profile_of(amhp_user).pk})
    assert response.status_code == 302
    assert ShiftAssignment.objects.filter(shift=night, amhp__user=amhp_user, removed_at=None).exists()


def test_a_refusal_from_the_service_shows_as_a_form_error(rota, amhp_lead_client, amhp_user):
    ended = shift(rota, "Night", D(2026, 12, 20))  # ended at 09:00 today
    response = amhp_lead_client.post(
        reverse("amhp:shift_detail", args=[ended.pk]), {"amhp": profile_of(amhp_user).pk}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page and "This shift has ended" in page


def test_shift_access(rota, amhp_client, amhp_user, council, commissioner_client, practitioner_client):
    night = shift(rota, "Night", D(2026, 12, 22))
    url = reverse("amhp:shift_detail", args=[night.pk])
    page = amhp_client.get(url).content.decode()
    assert "Nobody is on this shift" in page and "Put an AMHP on the shift" not in page
    assert amhp_client.post(url, {"amhp": profile_of(amhp_user).pk}).status_code == 403
    assert practitioner_client.get(url).status_code == 404
    assert commissioner_client.get(url).status_code == 404
    other_team = make_team(
        name="Other AMHP", organisation=council, service_line=ServiceLine.AMHP, locality=""
    )
    other_lead = make_member(other_team, Role.AMHP_LEAD, full_name="Olu Other")
    assert client_for(other_lead).get(url).status_code == 404


def test_take_off_and_swap(rota, amhp_lead, amhp_lead_client, amhp_client, amhp_user, locum_amhp):
    first = put_on(rota, "Night", D(2026, 12, 22), amhp_user, amhp_lead)
    remove = reverse("amhp:assignment_remove", args=[first.pk])
    assert amhp_client.get(remove).status_code == 403
    response = amhp_lead_client.post(remove, {"reason": ""})
    assert "Enter why the AMHP is coming off the shift" in response.content.decode()
    assert amhp_lead_client.post(remove, {"reason": "Unwell"}).status_code == 302
    first.refresh_from_db()
    assert first.removal_reason == "Unwell" and first.removed_by == amhp_lead

    second = put_on(rota, "Night", D(2026, 12, 23), amhp_user, amhp_lead)
    swap = reverse("amhp:assignment_swap", args=[second.pk])
    page = amhp_lead_client.get(swap).content.decode()
    assert "Luca Locum" in page
    response = amhp_lead_client.post(
        swap, {"to_amhp": profile_of(locum_amhp).pk, "reason": "Childcare"}, follow=True
    )
    assert "Luca Locum is on the shift instead of Asha Amhp" in response.content.decode()
    recorded = ShiftSwap.objects.get()
    assert recorded.from_assignment == second and recorded.to_assignment.amhp == profile_of(locum_amhp)


# --- Gaps --------------------------------------------------------------------------------


def test_gaps_page_lists_hours_and_unbuilt_months(rota, amhp_lead, amhp_lead_client, amhp_client, amhp_user):
    put_on(rota, "Weekday day", D(2026, 12, 22), amhp_user, amhp_lead)
    response = amhp_lead_client.get(reverse("amhp:gaps"))
    page = response.content.decode()
    report = response.context["report"]
    assert "Gaps in the next 6 weeks" in page and report.last == D(2027, 1, 31)
    assert report.total_hours > 0 and f'id="gap-hours">{floatformat(report.total_hours, "-1")}<' in page
    assert "1 short" in page and "Bank holiday</strong>" in page and "Rota not built" not in page
    longer = amhp_lead_client.get(reverse("amhp:gaps"), {"weeks": 8})
    assert "Rota not built" in longer.content.decode() and longer.context["report"].not_built > 0
    assert amhp_client.get(reverse("amhp:gaps")).status_code == 403


def test_gaps_look_ahead_shows_the_weeks_in_use(rota, amhp_lead_client):
    url = reverse("amhp:gaps")
    for params, weeks in (({}, 6), ({"weeks": 8}, 8), ({"weeks": 5}, 6)):
        page = amhp_lead_client.get(url, params).content.decode()
        assert f"Gaps in the next {weeks} weeks" in page
        assert re.findall(r'<option value="(\d+)" selected>', page) == [str(weeks)]


def test_gap_hours_of_a_running_shift_are_rounded_to_a_tenth(rota, amhp_lead_client):
    """At 10:01 the running day shift is 2 AMHPs short for 6 hours 59 minutes: 14, not 13.97."""
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        response = amhp_lead_client.get(reverse("amhp:gaps"), {"weeks": 2})
    page, report = response.content.decode(), response.context["report"]
    running = [hours for row, hours in report.row_hours() if row.starts_at < report.now]
    assert running[0] == Decimal("14.0") and all(h == h.quantize(Decimal("0.1")) for h in running)
    assert report.total_hours == sum(hours for _, hours in report.row_hours())
    assert not re.search(r"\d\.\d\d<", page)
    assert f'id="gap-hours">{floatformat(report.total_hours, "-1")}<' in page


def test_gaps_page_without_a_rota_says_so(amhp_team, amhp_lead_client):
    page = amhp_lead_client.get(reverse("amhp:gaps")).content.decode()
    assert "No rota is built for the next 6 weeks" in page and "No gaps" not in page
    assert reverse("amhp:patterns") in page and reverse("amhp:rota_build") in page


def test_gaps_query_count_does_not_grow(rota, amhp_lead, amhp_lead_client, amhp_user, locum_amhp):
    put_on(rota, "Night", D(2026, 12, 21), amhp_user, amhp_lead)
    url = reverse("amhp:gaps")
    few = count_queries(amhp_lead_client, url, {"weeks": 2})
    for day in range(22, 31):
        put_on(rota, "Night", D(2026, 12, day), amhp_user, amhp_lead)
        put_on(rota, "Evening", D(2026, 12, day), locum_amhp, amhp_lead)
    assert count_queries(amhp_lead_client, url, {"weeks": 8}) == few


# --- Home page and my shifts -------------------------------------------------------------


def test_home_panel_shows_who_is_on_duty_the_next_shift_and_gaps(
    rota, amhp_lead, amhp_lead_client, amhp_client, amhp_user, locum_amhp, practitioner_client
):
    put_on(rota, "Weekday day", D(2026, 12, 21), locum_amhp, amhp_lead)
    put_on(rota, "Night", D(2026, 12, 23), amhp_user, amhp_lead)
    home = reverse("accounts:home")
    lead_page = amhp_lead_client.get(home).content.decode()
    assert "AMHPs on duty now" in lead_page and "Luca Locum" in lead_page and "1 short" in lead_page
    assert re.search(r"\d+ gaps</strong> in the next 14 days", lead_page)
    assert 'href="/amhp/register/"' in lead_page and 'href="/amhp/rota/"' in lead_page
    amhp_page = amhp_client.get(home).content.decode()
    assert "Your next shift" in amhp_page and "Wed 23 Dec, 22:00" in amhp_page
    assert "My shifts" in amhp_page and "in the next 14 days" not in amhp_page
    assert 'href="/amhp/rota/"' not in amhp_page and 'href="/amhp/register/"' not in amhp_page
    assert "AMHPs on duty now" not in practitioner_client.get(home).content.decode()


def test_home_panel_without_patterns_or_rota_says_no_rota_is_built(amhp_team, amhp_lead_client, amhp_client):
    home = reverse("accounts:home")
    lead_page = amhp_lead_client.get(home).content.decode()
    assert "No rota is built for the next 14 days" in lead_page and "No gaps" not in lead_page
    assert (
        f'href="{reverse("amhp:patterns")}"' in lead_page
        and f'href="{reverse("amhp:rota_build")}"' in lead_page
    )
    assert "No rota is built" not in amhp_client.get(home).content.decode()  # only the lead builds it


def test_home_panel_query_count_does_not_grow(rota, amhp_lead, amhp_lead_client, amhp_user, locum_amhp):
    put_on(rota, "Weekday day", D(2026, 12, 21), locum_amhp, amhp_lead)
    home = reverse("accounts:home")
    before = count_queries(amhp_lead_client, home)
    put_on(rota, "Weekday day", D(2026, 12, 21), amhp_user, amhp_lead)
    for day in range(22, 31):
        put_on(rota, "Night", D(2026, 12, day), amhp_user, amhp_lead)
    assert count_queries(amhp_lead_client, home) == before


def test_my_shifts(rota, amhp_lead, amhp_client, amhp_user, practitioner_client):
    put_on(rota, "Night", D(2026, 12, 24), amhp_user, amhp_lead)
    page = amhp_client.get(reverse("amhp:my_shifts")).content.decode()
    assert "Thu 24 Dec 2026" in page and reverse("amhp:my_shifts_ics") in page
    assert practitioner_client.get(reverse("amhp:my_shifts")).status_code == 403
