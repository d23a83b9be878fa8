"""The safeguarding journey of issue 5, in the browser: a worker raises a concern from the
adult's record; the safeguarding adults manager (SAM) sees it in the queue with the time
left, decides on a section 42 enquiry and names the enquiry officer; the officer records the
strategy meeting and the adult's outcomes (Making Safeguarding Personal); closure is refused
with what is missing listed; the rest is recorded and the SAM closes the enquiry, which the
quality view and the Safeguarding Adults Collection for its financial year then count.

The person alleged to cause harm is seen by the SAM and the officer, never by the worker who
raised the concern (restricted visibility). Every page visited is checked with axe-core.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, ServiceLine
from safeguarding.models import (
    AbuseType,
    Concern,
    ConcernStatus,
    EnquiryKind,
    EnquiryStage,
    MspAsked,
    RiskAssessmentResult,
    RiskOutcome,
)
from safeguarding.sac import FinancialYear
from tests.factories import make_member, make_team
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

ALLEGED_NAME = "Darren Fletcher-Hale"
ALLEGED_DETAILS = "Collects her pension every Thursday"


@pytest.fixture
def safeguarding_team(council):
    return make_team(
        name="Adult Safeguarding", organisation=council, service_line=ServiceLine.SAFEGUARDING, locality=""
    )


@pytest.fixture
def sam(safeguarding_team):
    return make_member(
        safeguarding_team, Role.SAFEGUARDING_MANAGER, full_name="Sara Sam", email="sam@example.org"
    )


@pytest.fixture
def enquiry_officer(safeguarding_team):
    return make_member(
        safeguarding_team, Role.ENQUIRY_OFFICER, full_name="Ellis Officer", email="officer@example.org"
    )


def error_summary(page):
    return page.locator(".govuk-error-summary")


def group(page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


def h1(page):
    return page.get_by_role("heading", level=1)


def fill_date(page, legend: str, day: datetime.date):
    dates = group(page, legend)
    dates.get_by_label("Day").fill(str(day.day))
    dates.get_by_label("Month").fill(str(day.month))
    dates.get_by_label("Year").fill(str(day.year))


def save_and_expect_enquiry(page, done: str):
    """Save a step; fail with the page's own error summary if it was refused."""
    page.get_by_role("button", name="Save", exact=True).click()
    if error_summary(page).count():
        raise AssertionError(error_summary(page).inner_text())
    expect(page.get_by_text(done)).to_be_visible()
    expect(h1(page)).to_have_text("Section 42 enquiry")


def open_step(page, name: str):
    """The enquiry page's Record/Change link of one step (its visually hidden text names it)."""
    page.get_by_role("link", name=re.compile(rf"^(Record|Change) {re.escape(name)}$")).click()


def test_concern_to_closed_s42_enquiry(
    page, live_server, practitioner, person, sam, enquiry_officer, safeguarding_team
):
    today = timezone.localdate()

    # --- The worker raises a concern from the adult's record --------------------------
    sign_in(page, live_server, practitioner)
    page.goto(url(live_server, reverse("cases:person_detail", args=[person.pk])))
    expect(h1(page)).to_have_text("Amira Okafor")
    panel = page.locator("#safeguarding")
    expect(panel).to_have_text("Safeguarding")
    expect(page.get_by_text("No safeguarding concerns.")).to_be_visible()
    assert_accessible(page, context="person page, safeguarding panel")
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(h1(page)).to_have_text("Raise a safeguarding concern")
    assert_accessible(page, context="raise a concern")
    screenshot(page, "s01-raise-concern")

    page.get_by_label("Who raised the concern?").fill("Pat Practitioner")
    page.get_by_label("Their role or relationship to the adult (optional)").fill("Allocated social worker")
    page.get_by_label("The organisation or place it came from (optional)").fill("North Working Age")
    group(page, "Where did it happen?").get_by_label("Own home").check()
    group(page, "Source of risk").get_by_label("Other - known to individual").check()
    page.get_by_label("The adult's primary support reason").select_option(label="Mental health support")
    page.get_by_label("What happened?").fill(
        "Amira says her nephew takes her bank card and she has no money for food by Friday. "
        "He shouts at her when she asks for it back."
    )
    page.get_by_label("Immediate actions taken to make the adult safe").fill(
        "Food parcel arranged today; Amira has asked the bank to cancel the card."
    )
    group(page, "Does the adult consent to safeguarding action?").get_by_label(
        "The adult consents to safeguarding action"
    ).check()
    page.get_by_label("Name (optional)", exact=True).fill(ALLEGED_NAME)
    page.get_by_label("Relationship to the adult (optional)", exact=True).fill("Nephew")
    page.get_by_label("Anything else about them (optional)", exact=True).fill(ALLEGED_DETAILS)
    # No type of abuse yet: refused, and everything typed is still there.
    page.get_by_role("button", name="Send the concern").click()
    expect(error_summary(page)).to_contain_text("Select at least one type of abuse or neglect")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Name (optional)", exact=True)).to_have_value(ALLEGED_NAME)
    expect(group(page, "Where did it happen?").get_by_label("Own home")).to_be_checked()
    assert_accessible(page, context="raise a concern, with errors")

    types = group(page, "Type of abuse or neglect")
    types.get_by_label("Financial or material abuse").check()
    types.get_by_label("Psychological abuse").check()
    page.get_by_role("button", name="Send the concern").click()
    expect(h1(page)).to_have_text(re.compile(r"^Safeguarding concern S[0-9A-Z]{7}$"))
    concern = Concern.objects.get(person=person)
    assert concern.team == safeguarding_team and concern.created_by == practitioner
    assert concern.abuse_types == [AbuseType.PSYCHOLOGICAL, AbuseType.FINANCIAL]
    assert concern.alleged_person.name == ALLEGED_NAME
    expect(page.get_by_text(f"Concern {concern.reference} was sent to Adult Safeguarding")).to_be_visible()
    expect(page.get_by_text("Waiting for a decision", exact=True)).to_be_visible()
    # Restricted: the worker who raised it never sees the person alleged to cause harm.
    main = page.locator("main")
    expect(main).not_to_contain_text(ALLEGED_NAME)
    expect(main).not_to_contain_text(ALLEGED_DETAILS)
    expect(page.get_by_role("heading", name="The person alleged to cause harm")).to_have_count(0)
    assert_accessible(page, context="concern as the worker sees it")
    screenshot(page, "s02-concern-worker")
    sign_out(page, live_server)

    # --- The SAM sees it in the queue with the time left, and decides s42 --------------
    sign_in(page, live_server, sam)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Safeguarding").click()
    expect(h1(page)).to_have_text("Adult Safeguarding")
    expect(page.locator("#count-waiting")).to_have_text("1")
    row = page.get_by_role("row").filter(has_text="Amira Okafor")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"\d working days? left|Due today: \d+ hours? left"))
    assert_accessible(page, context="safeguarding queue")
    screenshot(page, "s03-queue")

    row.get_by_role("link", name=concern.reference).click()
    expect(h1(page)).to_have_text(f"Safeguarding concern {concern.reference}")
    restricted = page.get_by_role("heading", name="The person alleged to cause harm")
    expect(restricted).to_be_visible()
    expect(page.locator("main")).to_contain_text(ALLEGED_NAME)
    assert_accessible(page, context="concern as the SAM sees it")
    screenshot(page, "s04-concern-sam")

    page.get_by_role("link", name="Decide on this concern").click()
    expect(h1(page)).to_have_text("Decide on the concern")
    assert_accessible(page, context="decide on the concern")
    group(page, "Does the adult have needs for care and support?").get_by_label("Yes").check()
    group(page, "Is the adult experiencing, or at risk of, abuse or neglect?").get_by_label("Yes").check()
    unable = group(page, "As a result of those needs, is the adult unable to protect themselves?")
    unable.get_by_label("No").check()
    group(page, "Decision").get_by_label("Start a section 42 enquiry").check()
    page.get_by_label("Enquiry officer (optional)").select_option(label="Ellis Officer")
    # Section 42 needs all three criteria: refused, with the criterion not met named.
    page.get_by_role("button", name="Save the decision").click()
    expect(error_summary(page)).to_contain_text(
        "A section 42 enquiry needs all three criteria: the adult was not found unable to protect "
        "themselves because of their needs"
    )
    expect(page.get_by_label("Enquiry officer (optional)")).to_have_value(str(enquiry_officer.pk))
    assert_accessible(page, context="decide on the concern, refused")
    screenshot(page, "s05-decide-refused")

    unable.get_by_label("Yes").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(h1(page)).to_have_text("Section 42 enquiry")
    expect(
        page.get_by_text(f"Concern {concern.reference}: the section 42 enquiry has started.")
    ).to_be_visible()
    concern.refresh_from_db()
    enquiry = concern.enquiry
    assert concern.status == ConcernStatus.S42_ENQUIRY and concern.decided_by == sam
    assert (enquiry.kind, enquiry.sam, enquiry.enquiry_officer) == (EnquiryKind.S42, sam, enquiry_officer)
    assert_accessible(page, context="new enquiry")
    screenshot(page, "s06-enquiry-started")
    sign_out(page, live_server)

    # --- The officer records the strategy meeting and the adult's outcomes -------------
    sign_in(page, live_server, enquiry_officer)
    expect(page.get_by_role("table", name="Your open enquiries")).to_contain_text("Enquiry officer")
    assert_accessible(page, context="officer's home")
    page.get_by_role("link", name="Amira Okafor").click()
    expect(h1(page)).to_have_text("Section 42 enquiry")
    expect(page.locator("main")).to_contain_text(ALLEGED_NAME)  # the officer may see them
    assert_accessible(page, context="enquiry as the officer sees it")

    open_step(page, "strategy discussion or meeting")
    expect(h1(page)).to_have_text("Strategy discussion or meeting")
    assert_accessible(page, context="strategy step")
    group(page, "Was it a discussion or a meeting?").get_by_label("Strategy meeting").check()
    fill_date(page, "Date", today)
    page.get_by_label("Who attended", exact=True).fill(
        "Ellis Officer (enquiry officer); PC Jo Reed; Amira's bank"
    )
    page.get_by_label("What was decided").fill("Bank to flag the account; police to speak to the nephew.")
    save_and_expect_enquiry(page, "The strategy discussion or meeting was recorded.")

    open_step(page, "the adult's outcomes, capacity and advocacy")
    expect(h1(page)).to_have_text("The adult's outcomes, capacity and advocacy")
    assert_accessible(page, context="Making Safeguarding Personal step")
    group(page, "Was the adult asked what outcomes they want from the enquiry?").get_by_label(
        "Yes, they were asked and outcomes were expressed"
    ).check()
    page.get_by_label("The outcomes the adult wants").fill(
        "To keep her money safe and still see her nephew at family birthdays."
    )
    group(page, "Does the adult lack capacity to make decisions about the enquiry?").get_by_label(
        "No", exact=True
    ).check()
    group(page, "Would the adult have substantial difficulty being involved in the enquiry?").get_by_label(
        "No"
    ).check()
    save_and_expect_enquiry(page, "The adult's outcomes, capacity and advocacy were recorded.")
    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.ENQUIRY  # the strategy moved it on
    screenshot(page, "s07-enquiry-strategy-msp")

    page.get_by_role("link", name="Check and close the enquiry").click()
    expect(h1(page)).to_have_text("Close the enquiry")
    expect(page.get_by_text("closes the enquiry once everything is recorded")).to_be_visible()
    expect(page.get_by_role("button", name="Close the enquiry")).to_have_count(0)  # the SAM signs off
    assert_accessible(page, context="close page as the officer sees it")
    sign_out(page, live_server)

    # --- The SAM tries to close: refused, with what is missing listed ------------------
    sign_in(page, live_server, sam)
    page.goto(url(live_server, reverse("safeguarding:enquiry_close", args=[enquiry.pk])))
    expect(h1(page)).to_have_text("Close the enquiry")
    page.get_by_role("button", name="Close the enquiry").click()
    summary = error_summary(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    for missing in (
        "Record the findings of the enquiry",
        "Record the risk assessment",
        "Record the case conference date and the safeguarding plan",
        "Record the review: its date and notes",
        "Record the outcome",
        "Enter how any ongoing risk will be managed",
    ):
        expect(summary).to_contain_text(missing)
    for recorded in ("Name the enquiry officer", "Record the strategy", "Record whether the adult was asked"):
        expect(summary).not_to_contain_text(recorded)
    tasks = page.locator(".govuk-task-list")
    expect(tasks.locator("#element-strategy-status")).to_have_text("Recorded")
    expect(tasks.locator("#element-findings-status")).to_have_text("Missing")
    assert_accessible(page, context="closure refused")
    screenshot(page, "s08-closure-refused")
    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.ENQUIRY and enquiry.closed_at is None
    sign_out(page, live_server)

    # --- The officer completes the rest ------------------------------------------------
    sign_in(page, live_server, enquiry_officer)
    page.goto(url(live_server, reverse("safeguarding:enquiry_detail", args=[enquiry.pk])))
    open_step(page, "findings and risk assessment")
    assert_accessible(page, context="findings step")
    page.get_by_label("Findings of the enquiry").fill(
        "The nephew has used the card for four months; the bank confirms cash withdrawals."
    )
    page.get_by_label("Risk assessment", exact=True).fill(
        "Financial loss likely to continue without action; no violence."
    )
    save_and_expect_enquiry(page, "The findings and risk assessment were recorded.")

    open_step(page, "case conference and safeguarding plan")
    assert_accessible(page, context="case conference step")
    fill_date(page, "Date of the case conference", today)
    page.get_by_label("Who attended (optional)").fill("Amira; Ellis Officer; Sara Sam; PC Jo Reed")
    page.get_by_label("Safeguarding plan").fill(
        "New card posted to the office; weekly budgeting support; nephew visits at her sister's."
    )
    save_and_expect_enquiry(page, "The case conference and safeguarding plan were recorded.")

    open_step(page, "review")
    assert_accessible(page, context="review step")
    fill_date(page, "Date of the review", today)
    page.get_by_label("Review notes").fill("Amira has had money for food every week; she feels safer.")
    save_and_expect_enquiry(page, "The review was recorded.")

    open_step(page, "outcome")
    assert_accessible(page, context="outcome step")
    # The SAC's risk questions: no risk identified leaves nothing to say about the risk...
    group(page, "What did the risk assessment find?").get_by_label("No risk identified").check()
    group(page, "Was action taken?").get_by_label("Yes").check()
    group(page, "What happened to the risk?").get_by_label("Risk reduced").check()
    group(page, "Were the outcomes the adult wanted achieved?").get_by_label("Fully achieved").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(error_summary(page)).to_contain_text("Select not applicable for what happened to the risk")
    expect(group(page, "What happened to the risk?").get_by_label("Risk reduced")).to_be_checked()
    assert_accessible(page, context="outcome refused")
    # ...and a risk identified needs it.
    group(page, "What did the risk assessment find?").get_by_label("Risk identified", exact=True).check()
    save_and_expect_enquiry(page, "The outcome was recorded.")

    # Capacity and advocacy revisited: substantial difficulty and no appropriate person
    # means an independent advocate (Care Act s68); without one the step is refused.
    open_step(page, "the adult's outcomes, capacity and advocacy")
    difficulty = "Would the adult have substantial difficulty being involved in the enquiry?"
    group(page, difficulty).get_by_label("Yes").check()
    group(page, "Is there an appropriate person to support them?").get_by_label("No").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(error_summary(page)).to_contain_text("Enter the independent advocate arranged")
    expect(group(page, difficulty).get_by_label("Yes")).to_be_checked()
    assert_accessible(page, context="advocacy refused")
    page.get_by_label("Independent advocate arranged").fill("Kit Moyo, Northshire Advocacy")
    save_and_expect_enquiry(page, "The adult's outcomes, capacity and advocacy were recorded.")
    screenshot(page, "s09-enquiry-complete")
    sign_out(page, live_server)

    # --- The SAM closes it with how ongoing risk is managed ----------------------------
    sign_in(page, live_server, sam)
    page.goto(url(live_server, reverse("safeguarding:enquiry_close", args=[enquiry.pk])))
    for key in ("findings", "plan", "review", "outcome", "advocacy", "capacity"):
        expect(page.locator(f"#element-{key}-status")).to_have_text("Recorded")
    expect(page.locator("#element-ongoing_risk-status")).to_have_text("Missing")
    assert_accessible(page, context="close page, ready")
    page.get_by_label("How will any ongoing risk be managed?").fill(
        "Allocated worker checks the budget plan monthly; the bank keeps the flag on the account."
    )
    page.get_by_role("button", name="Close the enquiry").click()
    if error_summary(page).count():
        raise AssertionError(error_summary(page).inner_text())
    expect(page.get_by_text("The enquiry was closed.")).to_be_visible()
    expect(page.locator("main .govuk-tag").first).to_have_text("Closed")  # the stage
    expect(page.get_by_role("link", name="Check and close the enquiry")).to_have_count(0)
    assert_accessible(page, context="closed enquiry")
    screenshot(page, "s10-enquiry-closed")

    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.CLOSED and enquiry.closed_by == sam
    assert enquiry.msp_asked == MspAsked.ASKED_EXPRESSED and enquiry.risk_outcome == RiskOutcome.REDUCED
    assert enquiry.risk_assessment_result == RiskAssessmentResult.IDENTIFIED and enquiry.action_taken
    assert enquiry.advocate == "Kit Moyo, Northshire Advocacy"
    assert list(enquiry.transitions.values_list("event", flat=True)) == [
        "started",
        "strategy recorded",
        "personal outcomes recorded",
        "findings recorded",
        "plan recorded",
        "review recorded",
        "outcome recorded",
        "personal outcomes recorded",
        "closed",
    ]

    # --- The quality view and the Safeguarding Adults Collection count it ---------------
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Safeguarding").click()
    page.get_by_role("link", name="Quality of recording").click()
    quality = page.get_by_role("table", name="1 enquiry closed")
    expect(quality.get_by_role("row", name=re.compile(r"^Every element recorded"))).to_contain_text("1 of 1")
    assert_accessible(page, context="quality of recording")
    page.get_by_role("link", name=re.compile(r"^Safeguarding Adults Collection")).click()
    expect(h1(page)).to_have_text("Safeguarding Adults Collection")
    year = FinancialYear.containing(timezone.localdate(enquiry.closed_at))
    page.get_by_label("Financial year").select_option(str(year.start_year))
    page.get_by_label("Organisation").select_option(label=safeguarding_team.organisation.name)
    page.get_by_role("button", name="Show").click()
    heading = f"{safeguarding_team.organisation.name}, {year.label}"
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    started = page.get_by_role("table", name=re.compile(r"^SG1f: Concerns raised and enquiries started"))
    for activity in ("Safeguarding concerns", "Section 42 safeguarding enquiries"):
        expect(started.get_by_role("row", name=re.compile(f"^{activity}")).get_by_role("cell")).to_have_text(
            ["1", "1"]
        )
    concluded = page.get_by_role("table", name=re.compile(r"^SG2: Enquiries concluded"))
    expect(
        concluded.get_by_role("row", name=re.compile(r"^Section 42 safeguarding enquiries")).get_by_role(
            "cell"
        )
    ).to_have_text(["1", "1"])
    expect(
        concluded.get_by_role("row", name=re.compile(r"^Other safeguarding enquiries")).get_by_role("cell")
    ).to_have_text(["0", "0"])
    assessed = page.get_by_role("table", name=re.compile(r"^SG2c: Concluded section 42 enquiries by risk"))
    expect(
        assessed.get_by_role("row", name=re.compile(r"^Risk identified and action taken")).get_by_role("cell")
    ).to_have_text(["1"])
    risk = page.get_by_role("table", name=re.compile(r"^SG2e: Where a risk was identified"))
    expect(risk.get_by_role("row", name=re.compile(r"^Risk reduced")).get_by_role("cell")).to_have_text(
        ["1", "0", "1"]
    )
    assert_accessible(page, context="Safeguarding Adults Collection")
    screenshot(page, "s11-sac")
