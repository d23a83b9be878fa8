"""Every page a signed-in person can reach passes axe (WCAG 2.2 AA), including the error,
not-found and forbidden pages, and the two-factor pages (DESIGN.md section 7)."""

import pytest
from django.urls import reverse

from cases import services as case_services
from tests.system.conftest import assert_accessible, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def visit(page, live_server, path, *, status=200):
    response = page.goto(url(live_server, path))
    assert response.status == status, path
    assert_accessible(page, context=path)


def test_manager_pages_pass_axe(page, live_server, manager, person):
    contact = case_services.add_contact(
        person=person, data={"kind": "carer", "name": "Kim Carer", "relationship": "friend"}, by=manager
    )
    case_services.update_person(
        person_id=person.pk, data={"town": "Holt"}, expected_version=person.version, by=manager
    )
    sign_in(page, live_server, manager)
    for path in [
        reverse("accounts:home"),
        reverse("cases:person_search"),
        reverse("cases:person_create"),
        reverse("cases:person_detail", args=[person.pk]),
        reverse("cases:person_edit", args=[person.pk]),
        reverse("cases:person_history", args=[person.pk]),
        reverse("cases:person_restriction", args=[person.pk]),
        reverse("cases:contact_add", args=[person.pk]),
        reverse("cases:contact_edit", args=[person.pk, contact.pk]),
        reverse("cases:contact_remove", args=[person.pk, contact.pk]),
    ]:
        visit(page, live_server, path)
    visit(page, live_server, reverse("cases:person_search"))
    page.get_by_label("Name").fill("Amira")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, context="search results")
    page.get_by_label("NHS number").fill("123")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, context="search with an error")
    visit(page, live_server, reverse("cases:person_detail", args=[person.pk + 1000]), status=404)
    visit(page, live_server, reverse("cases:break_glass_reviews"), status=403)


def test_privacy_and_two_factor_pages_pass_axe(page, live_server, privacy_officer, settings):
    sign_in(page, live_server, privacy_officer)
    visit(page, live_server, reverse("cases:break_glass_reviews") + "?status=&started_from_day=40")
    sign_out(page, live_server)
    settings.OTP_REQUIRED = True
    # With two-factor on, the first sign-in goes on to set up an authenticator.
    sign_in(page, live_server, privacy_officer, lands_on=reverse("accounts:two_factor_setup"))
    assert_accessible(page, context="two-factor setup")
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page, context="two-factor setup with an error")
