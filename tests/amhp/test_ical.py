"""The iCalendar export of an AMHP's shifts: parsed back, in UTC, with no person data."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from amhp import services
from amhp.ical import shifts_calendar
from amhp.models import AmhpProfile, Shift, ShiftAssignment
from tests.factories import make_member

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 10, 1, 10, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def october(amhp_team, amhp_lead, amhp_user, locum_amhp):
    """The usual patterns for October 2026; Asha on the night of the clock change and the
    day before, the locum with her on the night (names that must not leak)."""
    services.set_up_usual_patterns(team=amhp_team, by=amhp_lead)
    services.build_rota(team=amhp_team, month=D(2026, 10, 1), by=amhp_lead)
    asha, luca = (AmhpProfile.objects.get(user=u) for u in (amhp_user, locum_amhp))

    def put_on(name, day, profile):
        shift = Shift.objects.get(team=amhp_team, pattern__name=name, date=day)
        return services.assign_amhp(shift_id=shift.pk, amhp_id=profile.pk, by=amhp_lead)

    return {
        "night": put_on("Night", D(2026, 10, 24), asha),
        "day": put_on("Weekday day", D(2026, 10, 23), asha),
        "removed": put_on("Evening", D(2026, 10, 20), asha),
        "colleague": put_on("Night", D(2026, 10, 24), luca),
    }


def parse(content: bytes) -> list:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def test_my_shifts_as_a_calendar(october, amhp_lead, amhp_user):
    services.remove_assignment(assignment_id=october["removed"].pk, reason="Leave", by=amhp_lead)
    client = Client()
    client.force_login(amhp_user)
    response = client.get(reverse("amhp:my_shifts_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="amhp-shifts.ics"'
    content = response.content
    events = sorted(parse(content), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["AMHP weekday day shift", "AMHP night shift"]
    night = events[1]
    start, end = night.decoded("dtstart"), night.decoded("dtend")
    assert (start, end) == (
        datetime.datetime(2026, 10, 24, 21, tzinfo=UTC),  # 22:00 BST
        datetime.datetime(2026, 10, 25, 9, tzinfo=UTC),  # 09:00 GMT
    )
    assert end - start == datetime.timedelta(hours=12)
    assert b"DTSTART:20261024T210000Z" in content
    assert (
        str(night["uid"])
        == f"shift-{october['night'].shift_id}-assignment-{october['night'].pk}@amhp-rota.invalid"
    )
    # No person data: not the AMHP, not the colleague on the same shift, not the lead.
    for name in (b"Asha", b"Luca", b"Lena", b"asha@example.org"):
        assert name not in content
    # RFC 5545: every line ends in CRLF.
    assert content.endswith(b"\r\n") and content.count(b"\n") == content.count(b"\r\n")


def test_long_lines_are_folded_at_75_octets(october, amhp_team):
    amhp_team.name = "The Northshire and Southshire Approved Mental Health Professional Service " * 2
    amhp_team.save()
    assignments = ShiftAssignment.objects.select_related("shift__pattern", "shift__team").filter(
        removed_at=None
    )
    content = shifts_calendar(assignments)
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    assert str(parse(content)[0]["description"]).startswith("The Northshire and Southshire")


def test_who_may_export_whose_shifts(
    october, amhp_lead, amhp_user, locum_amhp, commissioner_client, amhp_team
):
    asha = AmhpProfile.objects.get(user=amhp_user)
    url = reverse("amhp:amhp_shifts_ics", args=[asha.pk])
    lead = Client()
    lead.force_login(amhp_lead)
    response = lead.get(url)
    assert response.status_code == 200 and len(parse(response.content)) == 3
    colleague = Client()
    colleague.force_login(locum_amhp)
    assert colleague.get(url).status_code == 404
    assert commissioner_client.get(url).status_code == 404
    # A team member not on the register has no calendar.
    from accounts.models import Role

    newcomer = make_member(amhp_team, Role.AMHP, full_name="Nia New")
    client = Client()
    client.force_login(newcomer)
    assert client.get(reverse("amhp:my_shifts_ics")).status_code == 404
