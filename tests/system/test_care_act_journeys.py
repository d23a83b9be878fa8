"""The Care Act journey of issue 4, through the browser: a worker assesses an allocated person,
who is eligible; the manager authorises; a plan is agreed and authorised; the light-touch
review comes due (travelled in time) and shows on the worker's and the manager's pages; a
review revises the plan, version 2 is authorised and the reminder goes. axe on every page.

Time travel: time-machine moves the wall clock of the whole process, so the live server
thread sees the travelled date too. It does not patch the monotonic clock, which is what
Playwright's Python side waits on (its own timeouts run in the Node driver, another
process), so page waits and timeouts behave normally while travelled.
"""

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from careact.due_work import LIGHT_TOUCH
from careact.models import Assessment, AssessmentStatus, CarePlan, PlanStatus, Review, WellbeingArea
from cases.due_work import run_sweep
from cases.models import Reminder
from cases.services.reminders import reminder_subject
from tests.careact.conftest import open_case
from tests.factories import PersonFactory
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
LIGHT_TOUCH_TITLE = "Light-touch review of the care and support plan"
NUTRITION = "Managing and maintaining nutrition"
HYGIENE = "Maintaining personal hygiene"
OTHER_OUTCOMES = [
    "Managing toilet needs",
    "Being appropriately clothed",
    "Being able to make use of the home safely",
    "Maintaining a habitable home environment",
    "Developing and maintaining family or other personal relationships",
    "Accessing and engaging in work, training, education or volunteering",
    "Making use of necessary facilities or services in the local community",
    "Carrying out any caring responsibilities for a child",
]
# Answered on the first, incomplete save; the rest are answered after the error summary.
FIRST_WELLBEING = [WellbeingArea.HEALTH, WellbeingArea.CONTROL, WellbeingArea.DIGNITY]


def group(page, name: str):
    """A fieldset by its legend (radios, checkboxes, date inputs)."""
    return page.get_by_role("group", name=name, exact=True)


def fill_date(page, legend: str, day: datetime.date):
    boxes = group(page, legend)
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


def day_at_ten(day: datetime.date) -> datetime.datetime:
    """Mid-morning in London on `day`: far from midnight, so the travelled date is certain."""
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=LONDON)


def open_reminder(plan: CarePlan) -> Reminder | None:
    return Reminder.objects.filter(
        subject=reminder_subject(plan), kind=LIGHT_TOUCH, resolved_at__isnull=True
    ).first()


# --- The steps ------------------------------------------------------------------------------


def assess(page, live_server, person):
    """Step 1: the worker starts the assessment from the person page, sends it incomplete,
    completes it, takes the system's suggestion and submits."""
    page.get_by_role("link", name="Kwame Mensah").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwame Mensah")
    check_page(page, "01-person", "person page before the assessment")
    page.get_by_role("link", name="Start a needs assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a needs assessment")
    check_page(page, "02-assessment-start", "start a needs assessment")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Needs assessment")
    check_page(page, "03-assessment-edit-empty", "assessment form, empty")

    # A first go, with some answers: two outcomes not achieved, each in a sense.
    page.get_by_label("What does the person want to achieve?").fill(
        "To cook for himself again and go back to the allotment"
    )
    page.get_by_label("Strengths and support already available").fill("His brother visits on Sundays")
    group(page, "Do the needs arise from a physical or mental impairment or illness?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("What is the impairment or illness?").fill("Severe depression with psychotic features")
    for area in FIRST_WELLBEING:
        impact = "Significant impact" if area == WellbeingArea.HEALTH else "Some impact"
        group(page, area.label).get_by_label(impact).check()
    nutrition = group(page, NUTRITION)
    nutrition.get_by_label("No", exact=True).check()
    nutrition.get_by_label("Unable without assistance").check()
    nutrition.get_by_label(re.compile("^Notes")).fill("Not eating regular meals")
    hygiene = group(page, HYGIENE)
    hygiene.get_by_label("No", exact=True).check()
    hygiene.get_by_label("Able, but only with significant pain, distress or anxiety").check()
    page.get_by_role("button", name="Save and check before submitting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and submit the assessment")
    expect(page.get_by_text(re.compile(r"\d+ answers still to complete"))).to_be_visible()
    check_page(page, "04-assessment-check-incomplete", "check page, incomplete")
    page.get_by_role("button", name="Submit for authorisation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    for missing in (
        "Select the impact on wellbeing: protection from abuse and neglect",
        "Answer whether the person can achieve: managing toilet needs",
        "Answer whether there is, or is likely to be, a significant impact on wellbeing",
        "Record the eligibility determination",
        "Enter the reasons for the determination",
    ):
        expect(summary).to_contain_text(missing)
    expect(summary).not_to_contain_text("Enter what the person wants to achieve")
    check_page(page, "05-assessment-submit-errors", "check page, submitted incomplete")
    assert Assessment.objects.get(person=person).status == AssessmentStatus.DRAFT

    # Back to the answers: everything typed is still there.
    page.get_by_role("link", name="Complete the answers").click()
    expect(page.get_by_label("What does the person want to achieve?")).to_have_value(
        "To cook for himself again and go back to the allotment"
    )
    expect(group(page, NUTRITION).get_by_label("Unable without assistance")).to_be_checked()
    expect(group(page, WellbeingArea.HEALTH.label).get_by_label("Significant impact")).to_be_checked()
    expect(page.get_by_text("Not enough recorded yet")).to_be_visible()
    for area in WellbeingArea:
        if area not in FIRST_WELLBEING:
            group(page, area.label).get_by_label("Some impact").check()
    for label in OTHER_OUTCOMES:
        group(page, label).get_by_label("Yes", exact=True).check()
    group(
        page, "As a result, is there, or is there likely to be, a significant impact on wellbeing?"
    ).get_by_label("Yes").check()
    page.get_by_role("button", name="Save draft").click()
    no_errors(page)

    # The suggestion follows the saved answers; the worker records the determination.
    suggestion = page.locator(".govuk-inset-text", has_text="The system's suggestion")
    expect(suggestion).to_contain_text("Eligible")
    check_page(page, "06-assessment-edit-suggestion", "assessment form with the suggestion")
    group(page, "Your determination").get_by_label("Eligible", exact=True).check()
    page.get_by_label("Reasons for the determination").fill(
        "Depression means Kwame cannot manage meals or personal care without help; "
        "this has a significant impact on his health and wellbeing."
    )
    group(page, "Does the person have substantial difficulty in being involved?").get_by_label(
        "No substantial difficulty in being involved"
    ).check()
    page.get_by_role("button", name="Save and check before submitting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and submit the assessment")
    expect(page.get_by_text("still to complete")).to_have_count(0)
    check_page(page, "07-assessment-check-complete", "check page, complete")
    page.get_by_role("button", name="Submit for authorisation").click()
    no_errors(page)
    expect(page.get_by_text("The assessment was sent to a manager to authorise.")).to_be_visible()
    check_page(page, "08-assessment-awaiting", "assessment awaiting authorisation")

    assessment = Assessment.objects.get(person=person)
    assert assessment.status == AssessmentStatus.AWAITING_AUTHORISATION
    assert assessment.eligible is True and assessment.significant_impact is True
    assert assessment.outcomes["nutrition"] == {
        "unable": True,
        "senses": ["without_assistance"],
        "notes": "Not eating regular meals",
    }
    assert assessment.outcomes["hygiene"]["senses"] == ["pain_distress"]
    assert assessment.outcomes["toilet"]["unable"] is False
    assert assessment.wellbeing["health"]["impact"] == "significant"
    return assessment


def authorise_assessment(page, live_server, manager, assessment):
    """Step 2: the manager finds the assessment waiting on the home page and authorises it."""
    sign_in(page, live_server, manager)
    waiting = page.locator("h2", has_text="Assessments waiting for you to authorise").locator("xpath=..")
    expect(waiting).to_contain_text("Kwame Mensah")
    check_page(page, "09-manager-home-assessment-waiting", "manager home with an assessment waiting")
    waiting.get_by_role("link", name="Kwame Mensah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authorise or return the assessment")
    check_page(page, "10-assessment-authorise", "authorise the assessment")
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether to authorise or return")
    assert_accessible(page, context="authorise the assessment, no decision")
    page.get_by_label("Authorise the assessment and determination").check()
    page.get_by_role("button", name="Confirm decision").click()
    no_errors(page)
    expect(page.get_by_text("The assessment was authorised.")).to_be_visible()
    assert_accessible(page, context="assessment authorised")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED and assessment.authorised_by == manager
    sign_out(page, live_server)


def agree_plan(page, live_server, practitioner, person):
    """Step 3: the worker starts the plan from the authorised assessment, records needs
    (eligible and not), services, budget, a part direct payment, contingency, agreed today."""
    sign_in(page, live_server, practitioner)
    page.get_by_role("link", name="Kwame Mensah").first.click()
    page.get_by_role("link", name=re.compile("^Start a plan from the needs assessment")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a plan from this assessment")
    check_page(page, "11-plan-start", "start a plan")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Care and support plan.*: version 1$")
    )
    check_page(page, "12-plan-edit-empty", "plan form, empty")

    # The needs the assessment found, copied in; then one that is not eligible.
    page.get_by_text(re.compile(r"Needs found in the assessment \(2\)")).click()
    page.get_by_role("button", name="Add these needs to the plan").click()
    need1, need2, need3 = (group(page, f"Need {n}") for n in (1, 2, 3))
    expect(need1.get_by_label("Need", exact=True)).to_have_value(f"{NUTRITION}: Not eating regular meals")
    expect(need1.get_by_label("Yes")).to_be_checked()
    need1.get_by_label("How it will be met").fill("Home care: a visit at lunch and tea every day")
    need2.get_by_label("How it will be met").fill("Home care: help to wash three mornings a week")
    need3.get_by_label("Need", exact=True).fill("Getting back to the allotment")
    need3.get_by_label("No").check()
    need3.get_by_label("How it will be met").fill("His brother takes him on Sundays; not funded")
    page.get_by_label("Services and support arranged").fill(
        "Northshire Home Care: 10 hours a week. Allotment society: Sunday mornings."
    )
    page.get_by_label("Personal budget per week (£)").fill("180.00")
    page.get_by_label("Part of the personal budget as a direct payment").check()
    page.get_by_label("Direct payment per week (£)").fill("40")
    page.get_by_label("Contingency").fill(
        "If a visit is missed the agency calls his brother, then the duty team"
    )
    fill_date(page, "Date the plan was agreed with the person", timezone.localdate())
    check_page(page, "13-plan-edit-filled", "plan form, filled")
    page.get_by_role("button", name="Save and check the plan").click()
    no_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the plan before sending it")
    expect(page.get_by_text("The plan cannot be sent yet")).to_have_count(0)
    check_page(page, "14-plan-check", "check the plan")
    page.get_by_role("button", name="Send for authorisation").click()
    no_errors(page)
    expect(page.get_by_text("The plan was sent to a manager to authorise.")).to_be_visible()
    assert_accessible(page, context="plan awaiting authorisation")

    plan = CarePlan.objects.get(person=person)
    assert plan.status == PlanStatus.AWAITING_AUTHORISATION and plan.version_number == 1
    assert [(n["eligible"], n["how_met"][:9]) for n in plan.needs] == [
        (True, "Home care"),
        (True, "Home care"),
        (False, "His broth"),
    ]
    assert (str(plan.personal_budget_weekly), plan.direct_payment, str(plan.direct_payment_weekly)) == (
        "180.00",
        "part",
        "40.00",
    )
    assert plan.agreed_on == timezone.localdate()
    sign_out(page, live_server)
    return plan


def authorise_plan(page, live_server, manager, *, version: int, screenshot_name: str):
    """The manager opens the plan from "Plans waiting for you to authorise" and authorises it."""
    sign_in(page, live_server, manager)
    page.get_by_role(
        "link", name=re.compile(f"^Care and support plan.*, version {version} for Kwame Mensah")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authorise the plan")
    check_page(page, screenshot_name, f"authorise the plan, version {version}")
    page.get_by_label("Authorise the plan").check()
    page.get_by_role("button", name="Save decision").click()
    no_errors(page)
    expect(page.get_by_text("The plan was authorised. It is now in place.")).to_be_visible()
    assert_accessible(page, context=f"plan version {version} in place")
    sign_out(page, live_server)


def see_reminder_due(page, live_server, practitioner, plan):
    """Six weeks and a day on: the light-touch review is on the worker's home page."""
    counts = run_sweep()
    assert counts[LIGHT_TOUCH]["created"] == 1
    reminder = open_reminder(plan)
    assert reminder.assignee == practitioner
    assert reminder.due_on == plan.agreed_on + datetime.timedelta(days=56)
    # Travelling moved the wall clock, not the monotonic one Playwright waits on: a wait
    # for something that never comes still gives up after its own half second.
    started = time.monotonic()
    with pytest.raises(AssertionError):
        expect(page.get_by_text("Nothing like this is on the page")).to_be_visible(timeout=500)
    assert 0.4 < time.monotonic() - started < 5
    # The worker's session from six weeks ago has expired: they sign in again.
    page.reload()
    expect(page).to_have_url(re.compile("/sign-in/"))
    sign_in(page, live_server, practitioner)
    panel = page.locator("h2", has_text="Your reminders").locator("xpath=..")
    expect(panel.get_by_role("link", name=LIGHT_TOUCH_TITLE)).to_be_visible()
    expect(panel).to_contain_text(f"Due {reminder.due_on:%-d %b}")
    check_page(page, "16-worker-home-reminder-due", "worker home, light-touch review due")
    sign_out(page, live_server)
    assert run_sweep()[LIGHT_TOUCH]["created"] == 0  # a second sweep adds nothing


def manager_sees_overdue(page, live_server, manager):
    """Past eight weeks: the manager sees it overdue in the team's lists."""
    run_sweep()
    sign_in(page, live_server, manager)
    overdue = page.locator("h2", has_text="Overdue in your teams").locator("xpath=..")
    expect(overdue.get_by_role("link", name="Light-touch reviews")).to_be_visible()
    check_page(page, "17-manager-home-overdue", "manager home, light-touch review overdue")
    overdue.get_by_role("link", name="Light-touch reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Due and overdue work")
    row = page.get_by_role("row", name=re.compile(LIGHT_TOUCH_TITLE))
    expect(row).to_contain_text("Kwame Mensah")
    expect(row).to_contain_text("Pat Practitioner")
    expect(row).to_contain_text("Overdue")
    check_page(page, "18-team-overdue", "team due and overdue work, filtered")
    sign_out(page, live_server)


def review_and_revise(page, live_server, practitioner, plan):
    """Step 5: from the reminder, the worker reviews the plan, revises it and changes the
    personal budget; version 2 goes to the manager."""
    sign_in(page, live_server, practitioner)
    panel = page.locator("h2", has_text="Your reminders").locator("xpath=..")
    expect(panel).to_contain_text("1 overdue")
    panel.get_by_role("link", name=LIGHT_TOUCH_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Care and support plan"))
    expect(page.locator("#reviews-due").locator("xpath=following-sibling::dl[1]")).to_contain_text("Overdue")
    check_page(page, "19-plan-review-overdue", "plan in place, light-touch review overdue")
    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review of the plan")
    expect(page.get_by_label(re.compile("^Light-touch review"))).to_be_checked()
    check_page(page, "20-review-form", "record a review")
    page.get_by_label("Revise the plan").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what is working and what is not")
    expect(page.get_by_label("Revise the plan")).to_be_checked()
    check_page(page, "21-review-form-errors", "record a review, with errors")
    page.get_by_label("The person's views").fill("The lunch visit helps; mornings are the hardest part")
    page.get_by_label("What is working and what is not").fill(
        "Eating regularly again. Washing needs more help than planned."
    )
    page.get_by_label("Reasons for the outcome").fill("Add a fourth morning visit for personal care")
    page.get_by_role("button", name="Save review").click()
    no_errors(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Care and support plan.*: version 2$")
    )
    expect(page.get_by_label("Personal budget per week (£)")).to_have_value("180.00")
    page.get_by_label("Personal budget per week (£)").fill("205.50")
    fill_date(page, "Date the plan was agreed with the person", timezone.localdate())
    check_page(page, "22-plan-v2-edit", "plan version 2, changing the budget")
    page.get_by_role("button", name="Save and check the plan").click()
    no_errors(page)
    page.get_by_role("button", name="Send for authorisation").click()
    no_errors(page)
    revision = CarePlan.objects.get(previous=plan)
    assert revision.version_number == 2 and revision.status == PlanStatus.AWAITING_AUTHORISATION
    review = Review.objects.get(plan=plan)
    assert (review.kind, review.outcome, review.held_on) == ("light_touch", "revise", timezone.localdate())
    assert open_reminder(plan) is None  # recording the review settled it
    sign_out(page, live_server)
    return revision


def see_version_two(page, live_server, practitioner, plan, revision):
    """Version 2 in place, the change visible in the comparison, and the reminder gone."""
    revision.refresh_from_db()
    plan.refresh_from_db()
    assert revision.status == PlanStatus.ACTIVE and plan.status == PlanStatus.SUPERSEDED
    assert str(revision.personal_budget_weekly) == "205.50"
    # The review settled the reminder at once; the next sweep agrees and makes no new one.
    assert run_sweep()[LIGHT_TOUCH]["created"] == 0
    reminder = Reminder.objects.get(subject=reminder_subject(plan), kind=LIGHT_TOUCH)
    assert reminder.resolved_at is not None and reminder.resolution.startswith("Reviewed on")
    assert not Reminder.objects.filter(subject=reminder_subject(revision)).exists()

    sign_in(page, live_server, practitioner)
    panel = page.locator("h2", has_text="Your reminders").locator("xpath=..")
    expect(panel.get_by_role("link", name=LIGHT_TOUCH_TITLE)).to_have_count(0)
    expect(panel).to_contain_text("Nothing is due on the records allocated to you.")
    check_page(page, "24-worker-home-after-review", "worker home, reminder resolved")
    page.goto(url(live_server, reverse("careact:plan_detail", args=[revision.pk])))
    expect(page.locator("dl").first).to_contain_text("Agreed and in place")
    expect(page.get_by_text("Version 2 (this one)")).to_be_visible()
    check_page(page, "25-plan-v2", "plan version 2 in place")
    page.get_by_role("link", name="Compare with the previous version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare versions of the plan")
    budget = page.get_by_role("row", name=re.compile("^Personal budget"))
    expect(budget).to_contain_text("Changed")
    expect(budget.locator("del")).to_contain_text("180.00")
    expect(budget.locator("ins")).to_contain_text("205.50")
    check_page(page, "26-plan-compare", "compare plan versions")


# --- The journey ----------------------------------------------------------------------------


def test_assessment_to_plan_to_review_with_reminders(page, live_server, practitioner, manager, north_team):
    kwame = PersonFactory(given_name="Kwame", family_name="Mensah")
    open_case(kwame, north_team, practitioner, manager)
    start = timezone.localdate()

    sign_in(page, live_server, practitioner)
    assessment = assess(page, live_server, kwame)
    sign_out(page, live_server)
    authorise_assessment(page, live_server, manager, assessment)
    plan = agree_plan(page, live_server, practitioner, kwame)
    authorise_plan(page, live_server, manager, version=1, screenshot_name="15-plan-authorise")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.authorised_by == manager
    assert open_reminder(plan) is None  # nothing is due yet
    assert run_sweep()[LIGHT_TOUCH]["created"] == 0
    sign_in(page, live_server, practitioner)
    expect(page.get_by_text("Nothing is due on the records allocated to you.")).to_be_visible()

    with time_machine.travel(day_at_ten(start + datetime.timedelta(days=43)), tick=True):
        see_reminder_due(page, live_server, practitioner, plan)

    with time_machine.travel(day_at_ten(start + datetime.timedelta(days=57)), tick=True):
        manager_sees_overdue(page, live_server, manager)
        revision = review_and_revise(page, live_server, practitioner, plan)
        authorise_plan(page, live_server, manager, version=2, screenshot_name="23-plan-v2-authorise")
        see_version_two(page, live_server, practitioner, plan, revision)
