"""The AMHP journey of issue 6, through the browser.

The AMHP lead sets up the shift patterns, builds this month's and next month's rota, sees the
gaps, fills some and sees the gaps shrink. The AMHP on duty takes a police section 136 request
(the person found through the search), sees it on the live board with its place of safety
clock, is allocated, and records the assessment: a first attempt with a 15-day-old medical
examination is refused with the reason in the error summary and nothing typed lost; the valid
one, two doctors (one section 12 approved) and an admission under section 2, is saved.
axe on every page visited.

Time travel (as in test_care_act_journeys): the whole process runs at 11:00 London time on a
working Wednesday soon after today, so the shift running "now" is the weekday day shift and
every clock and date below is known.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from amhp.models import MhaAssessment, MhaRequest, Outcome, RequestStatus, Shift, ShiftAssignment
from cases.workdays import is_working_day
from tests.amhp.conftest import amhp_lead, amhp_team, amhp_user, locum_amhp  # noqa: F401 (fixtures)
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)


def working_wednesday() -> datetime.date:
    """The first Wednesday after today that is not a bank holiday (a weekday day shift runs)."""
    day = datetime.date.today() + DAY
    while day.weekday() != 2 or not is_working_day(day):
        day += DAY
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def group(page, name: str):
    """A fieldset by its legend (radios, date inputs, a formset row)."""
    return page.get_by_role("group", name=name, exact=True)


def fill_date(scope, legend: str, day: datetime.date):
    boxes = scope.get_by_role("group", name=legend, exact=True)
    boxes.get_by_label("Day").fill(str(day.day))
    boxes.get_by_label("Month").fill(str(day.month))
    boxes.get_by_label("Year").fill(str(day.year))


def check_page(page, name: str, context: str):
    """Every page visited passes axe; the main ones are photographed for people to look at."""
    assert_accessible(page, context=context)
    screenshot(page, name)


def no_errors(page):
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        raise AssertionError(summary.inner_text())


def nav(page):
    return page.get_by_role("navigation", name="Menu")


def gap_figures(page) -> tuple[int, float]:
    return int(page.locator("#gap-count").inner_text()), float(page.locator("#gap-hours").inner_text())


# --- The lead builds the rota and fills gaps ------------------------------------------------


def build_month(page, month: datetime.date):
    page.get_by_role("link", name="Build a month").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build a month of the rota")
    group(page, "Which month?").get_by_label(f"{month:%B %Y}").check()
    page.get_by_role("button", name="Build the rota").click()
    no_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rota for {month:%B %Y}")
    expect(page.get_by_text(f"The rota for {month:%B %Y} was built")).to_be_visible()


def put_on_shift(page, name: str):
    group(page, "Who should go on the shift?").get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Put on the shift").click()
    no_errors(page)
    expect(page.get_by_text(f"{name} was put on the shift.")).to_be_visible()


def lead_builds_the_rota_and_fills_gaps(page, live_server, lead, today):
    following = next_month(today)
    sign_in(page, live_server, lead)
    check_page(page, "a01-lead-home", "AMHP lead home, no rota yet")

    nav(page).get_by_role("link", name="Rota", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rota for the week of")
    check_page(page, "a02-rota-empty", "rota with no patterns")
    page.get_by_role("link", name="Shift patterns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shift patterns")
    assert_accessible(page, context="shift patterns, none yet")
    page.get_by_role("button", name="Set up the usual patterns").click()
    expect(page.get_by_text("5 shift patterns were set up")).to_be_visible()
    patterns = page.get_by_role("table")
    for name in ("Weekday day", "Evening", "Night", "Weekend day", "Bank holiday day"):
        expect(patterns.get_by_role("cell", name=re.compile(f"^{name}"))).to_be_visible()
    # The usual set covers every hour: no warning about uncovered times.
    expect(page.get_by_text(re.compile("no pattern covers"))).to_have_count(0)
    check_page(page, "a03-patterns", "shift patterns set up")

    # This month (from today) and next month.
    page.get_by_role("link", name="Build a month").click()
    assert_accessible(page, context="build a month")
    screenshot(page, "a04-build")
    page.get_by_role("link", name="Back").click()
    build_month(page, today.replace(day=1))
    build_month(page, following)
    expect(
        page.get_by_role("cell", name=re.compile(f"^Night on {following.day} {following:%B}"))
    ).to_be_visible()
    check_page(page, "a05-rota-next-month", "next month's rota, just built")
    assert Shift.objects.filter(date__gte=following).count() > 28

    page.get_by_role("link", name="Gaps").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gaps in the next 6 weeks")
    count_before, hours_before = gap_figures(page)
    assert count_before > 30
    check_page(page, "a06-gaps-before", "gaps, nothing filled")

    # Today's weekday day shift (running now, needs two) and the first night of next month.
    page.get_by_role("link", name=f"Weekday day on {today.day} {today:%B}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Weekday day on {today:%A} {today.day} {today:%B %Y}"
    )
    expect(page.get_by_text("Uncovered")).to_be_visible()
    expect(page.get_by_text("0 of 2")).to_be_visible()
    check_page(page, "a07-shift-uncovered", "shift page, nobody on")
    put_on_shift(page, "Asha Amhp")
    put_on_shift(page, "Luca Locum")
    on_shift = page.get_by_role("heading", name="On the shift", exact=True).locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(on_shift).to_contain_text("Asha Amhp")
    expect(on_shift.get_by_text("Locum", exact=True)).to_be_visible()
    check_page(page, "a08-shift-covered", "shift page, covered")

    page.get_by_role("link", name="Back to the rota").click()
    page.get_by_role("link", name="Gaps").first.click()
    page.get_by_role("link", name=f"Night on {following.day} {following:%B}", exact=True).click()
    # Asha works today's day shift; the night of the 1st does not overlap it, so both can work it.
    put_on_shift(page, "Luca Locum")
    assert_accessible(page, context="night shift, covered")

    page.get_by_role("link", name="Back to the rota").click()
    page.get_by_role("link", name="Gaps").first.click()
    count_after, hours_after = gap_figures(page)
    assert count_after == count_before - 2
    # Today's day shift counted its 6 hours left twice; the night its 11 hours.
    assert hours_before - hours_after == pytest.approx(2 * 6 + 11, abs=0.5)
    check_page(page, "a09-gaps-after", "gaps after filling two shifts")
    assert ShiftAssignment.objects.filter(removed_at__isnull=True).count() == 3
    sign_out(page, live_server)


# --- The AMHP on duty takes a s136 request and records the assessment -----------------------


def take_s136_request(page, live_server, today) -> MhaRequest:
    nav(page).get_by_role("link", name="Live board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Live board")
    expect(page.get_by_text("There are no live requests.")).to_be_visible()
    check_page(page, "b02-board-empty", "live board, empty")
    page.get_by_role("link", name="Take a request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Take a request for a Mental Health Act assessment"
    )
    check_page(page, "b03-request-form", "take a request")

    page.get_by_label("Name", exact=True).fill("Amira Okafor")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(url(live_server, reverse("amhp:request_create")))  # criteria not in the URL
    choice = group(page, "The request is about").get_by_role("radio", name=re.compile("^Amira Okafor, born"))
    expect(choice).to_have_count(1)
    expect(page.get_by_text("Already known to North Working Age")).to_be_visible()
    check_page(page, "b04-request-search", "take a request, search results")
    choice.check()

    fill_date(page, "Date the request was received", today)
    page.get_by_label("Time the request was received").fill("10:10")
    group(page, "Who asked for the assessment?").get_by_label("Police").check()
    page.get_by_label("Their name").fill("PC Dana Cole 4521")
    page.get_by_label("How to contact them").fill("Custody suite, 01632 960 100")
    page.get_by_label("Where is the person now?").fill("Northshire General place of safety suite")
    group(page, "Their legal status now").get_by_label("Section 136 (police, place of safety)").check()
    fill_date(page, "Date they arrived at the place of safety", today)
    page.get_by_label("Time they arrived at the place of safety").fill("10:00")
    page.get_by_label("Reason for the request").fill(
        "Found on the railway bridge, distressed and hearing voices"
    )
    page.get_by_role("button", name="Save the request").click()
    no_errors(page)

    mha = MhaRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {mha.reference}")
    clock = page.get_by_role("region", name="Place of safety clock")
    expect(clock).to_contain_text(re.compile(r"2[23] hours? \d+ minutes? left|2[23] hours left"))
    expect(clock).to_contain_text(f"until 10:00 on {today + DAY:%-d %B %Y}")
    check_page(page, "b05-request-received", "request page with the clock")
    assert mha.person.given_name == "Amira" and mha.legal_status == "s136"
    assert mha.arrived_at_place_of_safety == at(today, 10)
    return mha


def allocate_to_self(page, mha):
    nav(page).get_by_role("link", name="Live board").click()
    row = page.get_by_role("row").filter(has_text=mha.reference)
    expect(row).to_contain_text("Amira Okafor")
    expect(row).to_contain_text("Section 136")
    expect(row.locator(".govuk-tag--blue")).to_contain_text(re.compile(r"hours? .*left"))
    expect(row).to_contain_text("Not allocated")
    check_page(page, "b06-board", "live board with the s136 request")

    row.get_by_role("link", name=mha.reference).click()
    page.get_by_role("link", name="Allocate to an AMHP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate the request")
    # The rota says who is on duty now: they come first and are marked.
    choice = group(page, "Which AMHP?").get_by_label("Asha Amhp (on duty now)")
    expect(choice).to_be_visible()
    check_page(page, "b07-allocate", "allocate the request")
    choice.check()
    page.get_by_role("button", name="Allocate", exact=True).click()
    no_errors(page)
    expect(page.locator("#request-status")).to_have_text("Allocated to an AMHP")
    assert_accessible(page, context="request allocated")


def fill_doctor(page, number: int, *, name: str, s12: bool, examined: datetime.date):
    row = group(page, f"Doctor {number}")
    row.get_by_label("Doctor's name").fill(name)
    row.get_by_role("group", name="Approved under section 12?").get_by_label("Yes" if s12 else "No").check()
    fill_date(row, "Date of the medical examination", examined)


def record_assessment(page, mha, today):
    page.get_by_role("link", name="Record the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the assessment")
    check_page(page, "b08-assessment-form", "record the assessment, empty")

    fill_date(page, "Date of the assessment", today)
    page.get_by_label("Time of the assessment").fill("10:40")
    # The examinations were 15 and 14 days ago: day 15 counting the day of the last one.
    fill_doctor(page, 1, name="Dr Helen Marsh", s12=True, examined=today - 15 * DAY)
    fill_doctor(page, 2, name="Dr Samuel Osei", s12=False, examined=today - 14 * DAY)
    page.get_by_label("Name", exact=True).fill("Grace Okafor")
    page.get_by_label("Relationship to the person").fill("Mother")
    group(page, "Were they informed or consulted?").get_by_label("Informed (section 2, s11(3))").check()
    group(page, "Did they object to an application?").get_by_label("No").check()
    group(page, "Outcome").get_by_label("Admitted under section 2").check()
    fill_date(page, "Date the application was made", today)
    page.get_by_label("Time the application was made").fill("10:55")
    delay = group(page, "Delay 1")
    delay.get_by_label("Cause").select_option(label="No bed available")
    delay.get_by_label("How long, in minutes").fill("90")
    page.get_by_role("button", name="Save the assessment").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    last_allowed = today - DAY
    expect(summary).to_contain_text(
        f"The application is more than 14 days after the last medical examination on "
        f"{(today - 14 * DAY):%-d %B %Y}: the last day it could be made was {last_allowed:%-d %B %Y}"
    )
    expect(page).to_have_title(re.compile(r"^Error: Record the assessment"))
    # Nothing typed is lost.
    expect(group(page, "Doctor 1").get_by_label("Doctor's name")).to_have_value("Dr Helen Marsh")
    expect(group(page, "Doctor 2").get_by_label("Doctor's name")).to_have_value("Dr Samuel Osei")
    expect(
        group(page, "Doctor 1").get_by_role("group", name="Approved under section 12?").get_by_label("Yes")
    ).to_be_checked()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Grace Okafor")
    expect(group(page, "Outcome").get_by_label("Admitted under section 2")).to_be_checked()
    expect(group(page, "Delay 1").get_by_label("How long, in minutes")).to_have_value("90")
    expect(page.get_by_label("Time the application was made")).to_have_value("10:55")
    assert not MhaAssessment.objects.exists()
    check_page(page, "b09-assessment-refused", "assessment refused: examination 15 days old")

    # The doctors examined the person yesterday and this morning.
    fill_date(group(page, "Doctor 1"), "Date of the medical examination", today - DAY)
    fill_date(group(page, "Doctor 2"), "Date of the medical examination", today)
    page.get_by_role("button", name="Save the assessment").click()
    no_errors(page)
    expect(page.get_by_text(f"The assessment for request {mha.reference} was recorded.")).to_be_visible()
    expect(page.locator("#request-status")).to_have_text("Assessed")
    outcome = page.get_by_role("term").filter(has_text="Outcome").locator("xpath=following-sibling::dd[1]")
    expect(outcome).to_have_text("Admitted under section 2")
    doctors = page.get_by_role("table", name="Doctors")
    expect(doctors.get_by_role("row", name=re.compile("Dr Helen Marsh Yes"))).to_be_visible()
    check_page(page, "b10-assessed", "request assessed, section 2")

    assessment = MhaAssessment.objects.get()
    assert assessment.outcome == Outcome.S2
    assert assessment.application_made_at == at(today, 10, 55)
    assert sorted((r.doctor_name, r.s12_approved) for r in assessment.recommendations.all()) == [
        ("Dr Helen Marsh", True),
        ("Dr Samuel Osei", False),
    ]
    assert [(d.cause, d.minutes) for d in assessment.delays.all()] == [("bed", 90)]
    mha.refresh_from_db()
    assert mha.status == RequestStatus.ASSESSED


def test_lead_fills_the_rota_and_the_amhp_on_duty_assesses_a_s136(
    page,
    live_server,
    amhp_lead,  # noqa: F811 (the fixtures imported above)
    amhp_user,  # noqa: F811
    locum_amhp,  # noqa: F811
    person,
):
    today = working_wednesday()
    with time_machine.travel(at(today, 11), tick=True):
        lead_builds_the_rota_and_fills_gaps(page, live_server, amhp_lead, today)

        sign_in(page, live_server, amhp_user)
        on_duty = page.get_by_role("heading", name="AMHPs on duty now").locator(
            "xpath=following-sibling::ul[1]"
        )
        expect(on_duty).to_contain_text("Weekday day")
        expect(on_duty).to_contain_text("Asha Amhp")
        check_page(page, "b01-amhp-home", "AMHP home, on duty")

        mha = take_s136_request(page, live_server, today)
        allocate_to_self(page, mha)
        record_assessment(page, mha, today)
