"""An AMHP's shifts as an iCalendar file (RFC 5545), through the `icalendar` library.

Carries no person data: no names (not the AMHP's, not colleagues'), no people assessed, no
places; only the shift's name, team and times. A calendar file is copied to phones and
personal accounts the council does not control (DESIGN.md section 11).

Times are written in UTC (the "Z" form), which every calendar reads the same way and which
needs no VTIMEZONE block; the calendar app shows them in local time, so the night across
the October clock change shows as 22:00 to 09:00 and lasts 12 hours.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import ShiftAssignment

PRODID = "-//Adult mental health social care//AMHP rota//EN"
UID_DOMAIN = "amhp-rota.invalid"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def shifts_calendar(assignments: Iterable[ShiftAssignment], *, now: datetime.datetime | None = None) -> bytes:
    """VCALENDAR with one VEVENT per assignment; the UID is stable per assignment, so a
    re-import updates rather than duplicates, and a swapped-away shift drops out."""
    stamp = _utc(now or timezone.now()).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "AMHP shifts")
    for assignment in assignments:
        shift = assignment.shift
        event = Event()
        event.add("uid", f"shift-{shift.pk}-assignment-{assignment.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(shift.starts_at))
        event.add("dtend", _utc(shift.ends_at))
        summary = f"AMHP {shift.pattern.name.lower()} shift"
        if shift.is_bank_holiday:
            summary += " (bank holiday)"
        event.add("summary", summary)
        event.add("description", f"{shift.team.name} rota")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
