"""Browser journeys through referrals: intake by business support, triage and allocation by
a team manager, and the public front door landing in the point-of-access queue.

Each journey runs in headless Chromium against the live server, and every page it visits
is checked with axe-core for WCAG 2.2 AA rules.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role, ServiceLine
from cases import services as case_services
from cases.models import (
    Case,
    CaseStatus,
    ConsentToShare,
    ReceivedVia,
    Referral,
    ReferralSource,
    ReferralStatus,
    Relationship,
    RelationshipKind,
    Urgency,
)
from tests.factories import PersonFactory, make_member, make_team
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"^R[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{7}$")


def nav(page):
    return page.get_by_role("navigation", name="Menu")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def radio_group(page, legend):
    return page.get_by_role("group", name=legend)


def test_business_support_takes_a_phone_referral_for_a_known_person(page, live_server, north_team, person):
    support = make_member(north_team, Role.BUSINESS_SUPPORT, full_name="Bea Support")

    sign_in(page, live_server, support)
    assert_accessible(page, context="business support home")
    nav(page).get_by_role("link", name="Triage queue").click()
    expect(page).to_have_url(re.compile(r"/referrals/queue/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("North Working Age")
    assert_accessible(page, context="triage queue (business support)")

    nav(page).get_by_role("link", name="Make a referral").click()
    expect(page).to_have_url(url(live_server, "/referrals/new/"))
    expect(nav(page).get_by_role("link", name="Make a referral")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral")
    assert_accessible(page, context="referral form")
    screenshot(page, "r01-referral-form")

    # The in-page search finds the stub, with the team that already knows the person.
    page.get_by_label("Name", exact=True).fill("Amira Okafor")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(url(live_server, "/referrals/new/"))  # criteria never in the URL
    choices = radio_group(page, "Refer this person")
    choice = choices.get_by_role("radio", name=re.compile(r"^Amira Okafor, born"))
    expect(choice).to_have_count(1)
    hint = page.locator(f"#person-{person.pk}-hint")
    expect(hint).to_contain_text("Already known to North Working Age")
    expect(hint).to_contain_text(person.formatted_nhs_number)
    expect(error_summary(page)).to_have_count(0)
    assert_accessible(page, context="referral form with search results")
    screenshot(page, "r02-referral-search")

    choice.check()
    page.get_by_label("Where did the referral come from?").select_option(label="GP")
    radio_group(page, "How was it received?").get_by_label("Phone").check()
    page.get_by_label("Referrer's name").fill("Dr Helen Marsh")
    page.get_by_label("Referrer's role or relationship to the person").fill("GP")
    page.get_by_label("Referrer's organisation").fill("Riverside Surgery")
    page.get_by_label("Referrer's phone number").fill("01632 960 001")
    page.get_by_label("Referrer's email address").fill("helen.marsh@example.org")
    # The reason is left out on purpose for the first submission.
    page.get_by_label("Presenting needs").fill("Not managing at home; missed appointments")
    radio_group(page, "Urgency").get_by_label("High").check()
    page.get_by_label("Receiving team").select_option(label="North Working Age (Northshire County Council)")
    page.get_by_label("The person was given the information-sharing leaflet").check()
    radio_group(page, "Does the person consent to information being shared?").get_by_label(
        "Yes, consents to sharing"
    ).check()
    page.get_by_role("button", name="Send referral").click()

    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter the reason for the referral")).to_have_attribute(
        "href", "#id_reason"
    )
    expect(page).to_have_title(re.compile(r"^Error: Make a referral"))
    reason = page.get_by_label("Reason for referral")
    expect(reason).to_have_attribute("aria-invalid", "true")
    # Everything typed is kept, including the chosen person.
    expect(page.get_by_label("Name", exact=True)).to_have_value("Amira Okafor")
    expect(
        radio_group(page, "Refer this person").get_by_role("radio", name=re.compile("^Amira Okafor"))
    ).to_be_checked()
    expect(page.get_by_label("Where did the referral come from?")).to_have_value(ReferralSource.GP)
    expect(radio_group(page, "How was it received?").get_by_label("Phone")).to_be_checked()
    expect(page.get_by_label("Referrer's name")).to_have_value("Dr Helen Marsh")
    expect(page.get_by_label("Referrer's organisation")).to_have_value("Riverside Surgery")
    expect(page.get_by_label("Referrer's phone number")).to_have_value("01632 960 001")
    expect(page.get_by_label("Referrer's email address")).to_have_value("helen.marsh@example.org")
    expect(page.get_by_label("Presenting needs")).to_have_value("Not managing at home; missed appointments")
    expect(radio_group(page, "Urgency").get_by_label("High")).to_be_checked()
    expect(page.get_by_label("Receiving team")).to_have_value(str(north_team.pk))
    expect(page.get_by_label("The person was given the information-sharing leaflet")).to_be_checked()
    expect(
        radio_group(page, "Does the person consent to information being shared?").get_by_label(
            "Yes, consents to sharing"
        )
    ).to_be_checked()
    assert Referral.objects.count() == 0
    assert_accessible(page, context="referral form with errors")
    screenshot(page, "r03-referral-error")

    reason.fill("GP reports low mood and self-neglect after a bereavement; asks for a care act assessment")
    page.get_by_role("button", name="Send referral").click()

    referral = Referral.objects.get()
    expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/received/"))
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Referral received")
    expect(panel).to_contain_text(referral.reference)
    assert REFERENCE.match(referral.reference)
    expect(page.get_by_text("The referral is in the triage queue of North Working Age")).to_be_visible()
    assert_accessible(page, context="referral received")
    screenshot(page, "r04-referral-received")

    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert referral.team == north_team
    assert referral.person == person
    assert referral.created_by == support
    assert referral.source == ReferralSource.GP
    assert referral.received_via == ReceivedVia.PHONE
    assert referral.urgency == Urgency.HIGH
    assert referral.referrer_name == "Dr Helen Marsh"
    assert referral.consent_leaflet_given is True
    assert referral.consent_to_share == ConsentToShare.YES
    assert referral.is_verified is True


def test_manager_triages_and_allocates(page, live_server, north_team, manager, practitioner, other_worker):
    new_person = PersonFactory(given_name="Tobias", family_name="Wren")
    referral = case_services.receive_referral(
        team=north_team,
        person=new_person,
        data={
            "source": ReferralSource.HOSPITAL,
            "received_via": ReceivedVia.EMAIL,
            "referrer_name": "Ward 7 discharge team",
            "reason": "Discharge planning: needs support at home",
            "urgency": Urgency.URGENT,
            "consent_to_share": ConsentToShare.YES,
        },
        by=manager,
    )

    sign_in(page, live_server, manager)
    assert_accessible(page, context="manager home")
    nav(page).get_by_role("link", name="Triage queue").click()
    expect(page).to_have_url(re.compile(r"/referrals/queue/"))
    expect(nav(page).get_by_role("link", name="Triage queue")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("North Working Age")
    table = page.get_by_role("table", name="1 referral waiting for triage")
    row = table.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Tobias Wren")
    expect(row).to_contain_text("Hospital")
    expect(row.locator(".govuk-tag--red", has_text="Urgent")).to_be_visible()
    expect(row).to_contain_text("0 days")
    expect(row.locator(".govuk-tag--green", has_text="On time")).to_be_visible()
    assert_accessible(page, context="triage queue")
    screenshot(page, "r05-triage-queue")

    row.get_by_role("link", name=referral.reference).click()
    expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    expect(page.locator("#referral-status")).to_have_text("Waiting for triage")
    assert_accessible(page, context="referral page")
    screenshot(page, "r06-referral")

    decision = radio_group(page, "Decision")
    decision.get_by_label("Allocate to a worker").check()
    reason = page.get_by_label("Reason for the decision")
    reason.fill("Needs a care act assessment within the week")
    page.get_by_role("button", name="Save decision").click()
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Select a worker to allocate")).to_have_attribute(
        "href", "#id_worker"
    )
    expect(page).to_have_title(re.compile(r"^Error: Referral"))
    expect(decision.get_by_label("Allocate to a worker")).to_be_checked()
    expect(reason).to_have_value("Needs a care act assessment within the week")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert_accessible(page, context="referral page with error")
    screenshot(page, "r07-decision-error")

    page.get_by_label("Worker to allocate").select_option(label="Pat Practitioner")
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_url(url(live_server, f"/referrals/queue/?team={north_team.pk}"))
    expect(page.get_by_text(f"Referral {referral.reference} was allocated.")).to_be_visible()
    expect(page.get_by_role("link", name=referral.reference)).to_have_count(0)
    expect(page.get_by_text("No referrals are waiting for triage.")).to_be_visible()
    assert_accessible(page, context="triage queue after allocation")
    screenshot(page, "r08-queue-after")

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ALLOCATED
    case = Case.objects.get(referral=referral)
    assert case.worker == practitioner
    assert case.team == north_team
    assert case.status == CaseStatus.OPEN
    # Access now rests on the case: the worker's own relationship and the team's case; the
    # referral's temporary team relationship has ended.
    active = Relationship.objects.active().filter(person=new_person)
    assert active.filter(user=practitioner, kind=RelationshipKind.ALLOCATED_WORKER).exists()
    assert active.filter(team=north_team, kind=RelationshipKind.TEAM_CASE).exists()
    assert not active.filter(kind=RelationshipKind.REFERRAL).exists()

    sign_out(page, live_server)
    sign_in(page, live_server, practitioner)
    response = page.goto(url(live_server, f"/people/{new_person.pk}/"))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Tobias Wren")
    assert_accessible(page, context="person page (allocated worker)")
    screenshot(page, "r09-person-allocated")
    sign_out(page, live_server)

    sign_in(page, live_server, other_worker)
    response = page.goto(url(live_server, f"/people/{new_person.pk}/"))
    assert response.status == 404
    assert_accessible(page, context="404 for a worker in another team")


def test_public_self_referral_reaches_the_point_of_access_queue(browser, live_server, council, person):
    poa_team = make_team("Mental Health Point of Access", council, ServiceLine.POINT_OF_ACCESS, "County")
    poa_manager = make_member(poa_team, Role.TEAM_MANAGER, full_name="Pia Access")

    public = browser.new_context(
        bypass_csp=True, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    try:
        page = public.new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)
        page.goto(url(live_server, "/refer/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Ask for help from adult mental health social care"
        )
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        assert_accessible(page, context="public referral form")
        screenshot(page, "r10-public-form")

        page.get_by_role("button", name="Send request").click()
        summary = error_summary(page)
        expect(summary).to_be_visible()
        for message in (
            "Select who you are",
            "Enter the full name of the person who needs help",
            "Tell us what is happening and what help is needed",
            "Confirm that you understand how the information will be shared",
        ):
            expect(summary.get_by_role("link", name=message)).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: Ask for help"))
        assert Referral.objects.count() == 0
        assert_accessible(page, context="public referral form with errors")
        screenshot(page, "r11-public-errors")

        radio_group(page, "Who are you?").get_by_label("I am a relative, carer or friend").check()
        page.get_by_label("Full name", exact=True).fill("Amira Okafor")
        page.get_by_label("What is happening and what help is needed?").fill(
            "My sister has stopped eating and will not leave her flat. It has been three weeks."
        )
        radio_group(page, "Is help needed urgently, in the next few days?").get_by_label("Yes").check()
        page.get_by_label("Your full name").fill("Ngozi Okafor")
        page.get_by_label("How do you know the person? (optional)").fill("Her sister")
        page.get_by_label("Your phone number").fill("07700 900 982")
        page.get_by_label(re.compile(r"^I understand that the information I give will be shared")).check()
        page.get_by_role("button", name="Send request").click()

        expect(page).to_have_url(url(live_server, "/refer/sent/"))
        panel = page.locator(".govuk-panel--confirmation")
        expect(panel.get_by_role("heading", level=1)).to_have_text("Request sent")
        reference = panel.locator("strong").inner_text().strip()
        assert REFERENCE.match(reference), reference
        # No personal details (or the reference) in the URL, and none echoed back.
        for text in ("Amira", "Okafor", "Ngozi", "07700", reference):
            assert text not in page.url
        expect(page.locator("main")).not_to_contain_text("Okafor")
        assert_accessible(page, context="public thank-you page")
        screenshot(page, "r12-public-thank-you")
    finally:
        public.close()

    referral = Referral.objects.get(reference=reference)
    assert referral.team == poa_team
    assert referral.person is None
    assert referral.is_verified is False
    assert referral.source == ReferralSource.RELATIVE_OR_FRIEND
    assert referral.received_via == ReceivedVia.ONLINE
    assert referral.urgency == Urgency.HIGH

    staff = browser.new_context(
        bypass_csp=True, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    try:
        page = staff.new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)
        sign_in(page, live_server, poa_manager)
        nav(page).get_by_role("link", name="Triage queue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mental Health Point of Access")
        row = (
            page.get_by_role("table", name="1 referral waiting for triage")
            .get_by_role("row")
            .filter(has_text=reference)
        )
        expect(row).to_contain_text("Unverified: Amira Okafor")
        expect(row).to_contain_text("Relative or friend")
        expect(row.locator(".govuk-tag", has_text="High")).to_be_visible()
        assert_accessible(page, context="point-of-access queue")
        screenshot(page, "r13-poa-queue")

        row.get_by_role("link", name=reference).click()
        expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")
        expect(page.locator(".govuk-warning-text")).to_contain_text("Unverified")
        assert_accessible(page, context="unverified referral page")
        screenshot(page, "r14-unverified-referral")

        page.get_by_role("link", name="Match to a person").click()
        expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/match/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Match to a person")
        assert_accessible(page, context="match page")

        page.get_by_label("Name", exact=True).fill("Amira Okafor")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/match/"))
        choice = radio_group(page, "This referral is about").get_by_role(
            "radio", name=re.compile(r"^Amira Okafor, born")
        )
        expect(choice).to_have_count(1)
        assert_accessible(page, context="match page with results")
        screenshot(page, "r15-match-results")

        choice.check()
        page.get_by_role("button", name="Match to this person").click()
        expect(page).to_have_url(url(live_server, f"/referrals/{referral.pk}/"))
        expect(page.get_by_text(f"Referral {reference} was matched to a person.")).to_be_visible()
        person_details = page.locator(".govuk-summary-list").first
        expect(person_details.get_by_role("link", name="Amira Okafor")).to_have_attribute(
            "href", f"/people/{person.pk}/"
        )
        expect(person_details).to_contain_text(person.formatted_nhs_number)
        expect(page.get_by_role("link", name="Match to a person")).to_have_count(0)
        expect(page.locator(".govuk-warning-text")).to_have_count(0)
        assert_accessible(page, context="referral page after matching")
        screenshot(page, "r16-matched")
    finally:
        staff.close()

    referral.refresh_from_db()
    assert referral.person == person
    assert referral.is_verified is True
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
