"""Browser journeys through the person index, access control and break-glass.

Each journey runs in headless Chromium against the live server, and every page it visits
is checked with axe-core for WCAG 2.2 AA rules.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases import services as case_services
from cases.models import AccessBasis, AccessLog, BreakGlassAccess, Person, RelationshipKind
from tests.factories import PersonFactory, make_member
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PRODUCT_NAME = "Mental Health Social Care Record"


def nav(page):
    return page.get_by_role("navigation", name="Menu")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def search_by_name(page, name):
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Search").click()


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_sign_in_search_open_break_glass_sign_out(page, live_server, practitioner, person, south_team):
    unrelated = PersonFactory(given_name="Bartholomew", family_name="Quince")
    case_services.grant_team_relationship(
        person=unrelated,
        team=south_team,
        kind=RelationshipKind.TEAM_CASE,
        source="test:south",
    )

    # Signed out, every page sends you to sign in.
    page.goto(url(live_server, "/people/"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/people/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page).to_have_title(f"Sign in – {PRODUCT_NAME}")
    # The GOV.UK stylesheet is loaded (the template would be unstyled without it).
    expect(page.get_by_role("heading", level=1)).to_have_css("font-family", re.compile("arial", re.I))
    assert_accessible(page, context="sign-in page")
    screenshot(page, "01-sign-in")

    sign_in(page, live_server, practitioner)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    header = page.locator("header")
    expect(header).to_contain_text(PRODUCT_NAME)
    expect(header).to_contain_text("Signed in as Pat Practitioner, Northshire County Council")
    expect(header).to_contain_text("North Working Age")
    assert_accessible(page, context="home page")
    screenshot(page, "02-home")

    nav(page).get_by_role("link", name="Find a person").click()
    expect(page).to_have_url(url(live_server, "/people/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    expect(nav(page).get_by_role("link", name="Find a person")).to_have_attribute("aria-current", "true")
    assert_accessible(page, context="search page")

    # A typo in the family name still finds the stub, with the team that holds the case.
    search_by_name(page, "Amira Okafr")
    results = page.get_by_role("table", name="1 matching person")
    row = results.get_by_role("row").filter(has_text="Amira Okafor")
    expect(row).to_contain_text("North Working Age")
    expect(row).to_contain_text(person.date_of_birth.strftime("%-d %b %Y"))
    assert_accessible(page, context="search results")
    screenshot(page, "03-search-results")

    row.get_by_role("link", name="Open record for Amira Okafor").click()
    expect(page).to_have_url(url(live_server, f"/people/{person.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Okafor")
    details = page.locator(".govuk-summary-list").first
    expect(details).to_contain_text(person.formatted_nhs_number)
    expect(details).to_contain_text(person.date_of_birth.strftime("%-d %B %Y"))
    expect(details).to_contain_text(person.address_line_1)
    expect(page.get_by_text("North Working Age: open case in the team")).to_be_visible()
    expect(page.get_by_role("region", name="Emergency access")).to_have_count(0)
    assert_accessible(page, context="person page (relationship)")
    screenshot(page, "04-person")

    page.go_back()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Amira Okafr")

    # Someone the practitioner does not work with: only a stub, and emergency access.
    search_by_name(page, "Bartholomew Quince")
    row = page.get_by_role("row").filter(has_text="Bartholomew Quince")
    expect(row).to_contain_text("South Working Age")
    expect(row.get_by_role("link", name=re.compile("^Open record"))).to_have_count(0)
    row.get_by_role("link", name="Emergency access to the record of Bartholomew Quince").click()
    expect(page).to_have_url(url(live_server, f"/people/{unrelated.pk}/emergency-access/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")
    assert_accessible(page, context="break-glass page")
    screenshot(page, "05-break-glass")

    reason = page.get_by_label("Why do you need to open this record now?")
    reason.fill("Need it now")
    page.get_by_role("button", name="Open the record").click()
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    summary_link = summary.get_by_role("link", name="The reason must be at least 20 characters")
    expect(summary_link).to_have_attribute("href", "#id_reason")
    expect(page).to_have_title("Error: Emergency access – Mental Health Social Care Record")
    expect(reason).to_have_value("Need it now")
    expect(reason).to_have_attribute("aria-invalid", "true")
    # GOV.UK Frontend's error summary takes focus on load, so screen readers hear it.
    expect(summary).to_be_focused()
    assert BreakGlassAccess.objects.filter(person=unrelated).count() == 0
    assert_accessible(page, context="break-glass page with error")
    screenshot(page, "06-break-glass-error")

    summary_link.click()
    expect(reason).to_be_focused()
    reason.fill("Police welfare check request out of hours, GP unavailable")
    page.get_by_role("button", name="Open the record").click()
    expect(page).to_have_url(url(live_server, f"/people/{unrelated.pk}/"))
    banner = page.get_by_role("region", name="Emergency access")
    expect(banner).to_contain_text("You are viewing this record without a relationship")
    expect(banner).to_contain_text("A privacy officer will review it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bartholomew Quince")
    # Break-glass is for reading: no change buttons.
    expect(page.get_by_role("link", name="Change personal details")).to_have_count(0)
    assert_accessible(page, context="person page (break-glass)")
    screenshot(page, "07-person-break-glass")

    sign_out(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(url(live_server, f"/people/{person.pk}/"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))

    relationship_reads = AccessLog.objects.filter(
        user=practitioner, person=person, basis=AccessBasis.RELATIONSHIP, action="view"
    )
    assert relationship_reads.count() == 1
    assert relationship_reads.get().organisation.name == "Northshire County Council"
    break_glass_reads = AccessLog.objects.filter(
        user=practitioner, person=unrelated, basis=AccessBasis.BREAK_GLASS
    )
    assert break_glass_reads.count() == 1
    access = BreakGlassAccess.objects.get(user=practitioner, person=unrelated)
    assert access.reason == "Police welfare check request out of hours, GP unavailable"
    assert access.reviewed_at is None
    assert access.expires_at > access.started_at
    # The stub search and the refused attempt opened nothing.
    assert AccessLog.objects.count() == 2


def test_privacy_officer_reviews_break_glass(page, live_server, privacy_officer, other_worker, person):
    access = case_services.start_break_glass(
        user=other_worker,
        person_id=person.pk,
        reason="Crisis team asked for the care plan during a night call",
    )

    sign_in(page, live_server, privacy_officer)
    expect(nav(page).get_by_role("link", name="Find a person")).to_be_visible()
    assert_accessible(page, context="privacy officer home")
    nav(page).get_by_role("link", name="Emergency access reviews").click()
    expect(page).to_have_url(url(live_server, "/people/emergency-access/reviews/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access reviews")
    expect(nav(page).locator("[aria-current]")).to_have_count(1)
    expect(nav(page).get_by_role("link", name="Emergency access reviews")).to_have_attribute(
        "aria-current", "true"
    )
    table = page.get_by_role("table", name="1 emergency access")
    row = table.get_by_role("row").filter(has_text="Sam Southteam")
    expect(row).to_contain_text("Amira Okafor")
    expect(row).to_contain_text("Crisis team asked for the care plan during a night call")
    expect(row).to_contain_text("Northshire County Council")
    assert_accessible(page, context="review list")
    screenshot(page, "08-review-list")

    row.get_by_role("link", name=re.compile(r"^Review access by Sam Southteam")).click()
    expect(page).to_have_url(url(live_server, f"/people/emergency-access/reviews/{access.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review emergency access")
    assert_accessible(page, context="review page")

    page.get_by_role("button", name="Mark as reviewed").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link", name="Enter a review comment")).to_have_attribute(
        "href", "#id_comment"
    )
    expect(page).to_have_title("Error: Review emergency access – Mental Health Social Care Record")
    access.refresh_from_db()
    assert access.reviewed_at is None
    assert_accessible(page, context="review page with error")
    screenshot(page, "09-review-error")

    page.get_by_label("Review comment").fill("Justified: out-of-hours crisis call.")
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page).to_have_url(url(live_server, "/people/emergency-access/reviews/"))
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        "The access was marked as reviewed."
    )
    # The list opens on what is waiting for review: nothing is left.
    expect(page.get_by_label("Status")).to_have_value("unreviewed")
    expect(page.get_by_text("No emergency access matches these filters.")).to_be_visible()
    assert_accessible(page, context="review list after review")

    page.get_by_label("Status").select_option(label="Reviewed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]status=reviewed(&|$)"))
    row = page.get_by_role("row").filter(has_text="Sam Southteam")
    expect(row.locator(".govuk-tag")).to_have_text("Reviewed")
    expect(row).to_contain_text("Priya Privacy")
    expect(row).to_contain_text("Justified: out-of-hours crisis call.")
    assert_accessible(page, context="reviewed list")
    screenshot(page, "10-reviewed")

    access.refresh_from_db()
    assert access.reviewed_by == privacy_officer
    assert access.review_comment == "Justified: out-of-hours crisis call."


def test_commissioner_sees_no_person_pages(page, live_server, commissioner, person):
    sign_in(page, live_server, commissioner)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cleo")
    expect(page.locator("header")).to_contain_text("Commissioning")
    expect(nav(page).get_by_role("link", name="Home")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Find a person")).to_have_count(0)
    expect(page.get_by_role("link", name="Find a person")).to_have_count(0)
    expect(nav(page).get_by_role("link", name="Emergency access reviews")).to_have_count(0)
    assert_accessible(page, context="commissioner home")
    screenshot(page, "11-commissioner-home")

    for path in (
        f"/people/{person.pk}/",
        "/people/",
        f"/people/{person.pk}/emergency-access/",
        f"/people/{person.pk}/edit/",
        "/people/new/",
    ):
        response = page.goto(url(live_server, path))
        assert response.status == 404, path
        expect(page.get_by_text("Amira Okafor")).to_have_count(0)
    screenshot(page, "12-commissioner-404")
    # Same answer as for someone who does not exist.
    missing = Person.objects.order_by("-pk").first().pk + 1000
    assert page.goto(url(live_server, f"/people/{missing}/")).status == 404
    assert not AccessLog.objects.exists()
    assert not BreakGlassAccess.objects.exists()


def test_add_person_with_duplicate_warning(page, live_server, practitioner, person):
    dob = person.date_of_birth
    sign_in(page, live_server, practitioner)
    nav(page).get_by_role("link", name="Find a person").click()
    search_by_name(page, "Amira Okafor")
    expect(page.get_by_role("row").filter(has_text="Amira Okafor")).to_have_count(1)
    page.get_by_role("link", name="Add a new person").click()
    expect(page).to_have_url(re.compile(r"/people/new/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a new person")
    # The search carries over into the form.
    expect(page.get_by_label("First name")).to_have_value("Amira")
    expect(page.get_by_label("Last name")).to_have_value("Okafor")
    assert_accessible(page, context="add person page")
    screenshot(page, "13-add-person")

    # An invalid postcode: error summary, and everything typed is still there.
    fill_date(page, "Date of birth", dob.day, dob.month, dob.year)
    page.get_by_label("Address line 1").fill("4 Rose Lane")
    page.get_by_label("Town or city").fill("Norwich")
    page.get_by_label("Postcode").fill("NOT A CODE")
    page.get_by_label("Phone number").fill("01603 222333")
    page.get_by_role("button", name="Add person").click()
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_postcode")
    expect(page.get_by_label("Postcode")).to_have_value("NOT A CODE")
    expect(page.get_by_label("Postcode")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("First name")).to_have_value("Amira")
    expect(page.get_by_label("Last name")).to_have_value("Okafor")
    expect(page.get_by_label("Address line 1")).to_have_value("4 Rose Lane")
    expect(page.get_by_label("Phone number")).to_have_value("01603 222333")
    dob_group = page.get_by_role("group", name="Date of birth")
    expect(dob_group.get_by_label("Day")).to_have_value(str(dob.day))
    expect(dob_group.get_by_label("Month")).to_have_value(str(dob.month))
    expect(dob_group.get_by_label("Year")).to_have_value(str(dob.year))
    expect(page).to_have_title("Error: Add a new person – Mental Health Social Care Record")
    assert Person.objects.count() == 1
    assert_accessible(page, context="add person with postcode error")
    screenshot(page, "14-add-person-error")

    # Same name and date of birth as someone already in the index: warn, ask to confirm.
    page.get_by_label("Postcode").fill("nr2 4ab")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("This may be someone already in the person index")).to_be_visible()
    duplicates = page.get_by_role("table", name="People who may be the same person")
    expect(duplicates.get_by_role("row").filter(has_text="Amira Okafor")).to_contain_text("North Working Age")
    confirm = page.get_by_label("None of these is the person – add them as a new person")
    expect(confirm).not_to_be_checked()
    expect(error_summary(page)).to_have_count(0)  # a question the first time, not an error
    expect(page).to_have_title("Add a new person – Mental Health Social Care Record")
    expect(page.get_by_label("Postcode")).to_have_value("nr2 4ab")
    assert Person.objects.count() == 1
    assert_accessible(page, context="add person with duplicate warning")
    screenshot(page, "15-add-person-duplicates")

    confirm.check()
    page.get_by_role("button", name="Add person").click()
    new_person = Person.objects.exclude(pk=person.pk).get()
    expect(page).to_have_url(url(live_server, f"/people/{new_person.pk}/"))
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        "Amira Okafor was added to the person index."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Okafor")
    expect(page.get_by_text("North Working Age: added this person to the index")).to_be_visible()
    assert_accessible(page, context="new person page")
    screenshot(page, "16-new-person")

    assert new_person.date_of_birth == dob
    assert new_person.postcode == "NR2 4AB"
    assert new_person.phone == "01603 222333"
    assert new_person.history.get().history_user == practitioner


def test_stale_edit_shows_what_changed(page, live_server, practitioner, north_team, person):
    colleague = make_member(north_team, Role.PRACTITIONER, full_name="Cal Colleague")
    original_town = person.town
    sign_in(page, live_server, practitioner)
    page.goto(url(live_server, f"/people/{person.pk}/"))
    page.get_by_role("link", name="Change personal details").click()
    expect(page).to_have_url(url(live_server, f"/people/{person.pk}/edit/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change personal details")
    expect(page.get_by_label("Town or city")).to_have_value(original_town)
    assert_accessible(page, context="edit page")

    # Meanwhile a colleague saves a new phone number.
    case_services.update_person(
        person_id=person.pk,
        data={"phone": "07700 900123"},
        expected_version=person.version,
        by=colleague,
    )

    page.get_by_label("Town or city").fill("Cromer")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(url(live_server, f"/people/{person.pk}/edit/"))
    stale = page.locator(".govuk-error-summary").filter(has_text="Someone else changed this record")
    expect(stale).to_be_visible()
    changes = stale.get_by_role("table", name="What they changed")
    phone_row = changes.get_by_role("row").filter(has_text="Phone number")
    expect(phone_row.get_by_role("cell")).to_have_text(
        ["Phone number", "(blank)", "07700 900123", "No change"]
    )
    expect(changes.get_by_role("row")).to_have_count(2)  # header + the one change
    # The form now holds their phone number and still holds the town this user typed.
    expect(page.get_by_label("Phone number")).to_have_value("07700 900123")
    expect(page.get_by_label("Town or city")).to_have_value("Cromer")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, context="edit page after a stale save")
    screenshot(page, "17-stale-edit")

    person.refresh_from_db()
    assert person.phone == "07700 900123"
    assert person.town == original_town
    assert person.history.count() == 2

    # Saving again keeps both: their phone number and this user's town.
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(url(live_server, f"/people/{person.pk}/"))
    person.refresh_from_db()
    assert (person.phone, person.town) == ("07700 900123", "Cromer")


def test_pages_work_without_javascript(browser, browser_context_args, live_server, practitioner, person):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, practitioner)
        assert page.evaluate("() => document.body.classList.contains('js-enabled')") is False
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
        nav(page).get_by_role("link", name="Find a person").click()
        search_by_name(page, "Amira Okafr")
        page.get_by_role("link", name="Open record for Amira Okafor").click()
        expect(page).to_have_url(url(live_server, f"/people/{person.pk}/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Amira Okafor")
        assert_accessible(page, context="person page without JavaScript")
        screenshot(page, "18-person-no-js")
        sign_out(page, live_server)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    finally:
        context.close()
    assert AccessLog.objects.filter(user=practitioner, person=person).count() == 1
