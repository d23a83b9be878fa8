"""The worker's side of issue 3: a new allocation on the caseload, then a visit recorded and
seen in the chronology; a manager closes the case and the worker loses the record."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import services
from cases.models import CaseNote
from tests.factories import PersonFactory
from tests.system.conftest import assert_accessible, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

REFERRAL = {"source": "gp", "received_via": "phone", "reason": "Low mood; not eating", "urgency": "high"}


def test_worker_sees_the_allocation_and_records_a_visit(page, live_server, practitioner, manager, north_team):
    newcomer = PersonFactory(given_name="Kwame", family_name="Mensah")
    referral = services.receive_referral(team=north_team, person=newcomer, data=REFERRAL, by=manager)
    case = services.allocate_referral(
        referral_id=referral.pk, worker=practitioner, by=manager, reason="Capacity"
    )

    sign_in(page, live_server, practitioner)
    caseload = page.get_by_role("heading", name="Your caseload")
    expect(caseload).to_be_visible()
    expect(page.get_by_text("New allocations")).to_be_visible()
    assert_accessible(page, context="home with caseload")
    page.get_by_role("link", name="Kwame Mensah").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwame Mensah")
    assert_accessible(page, context="person page with case panels")

    page.get_by_role("link", name=re.compile("Record a contact")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a contact")
    assert_accessible(page, context="record a contact")
    # First without the text: the error summary, and what was typed stays.
    page.get_by_label("Visit", exact=True).check()
    page.get_by_label("Time of the contact").fill("25:00")
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Visit", exact=True)).to_be_checked()
    assert_accessible(page, context="record a contact with errors")

    page.get_by_label("Time of the contact").fill("10:30")
    page.get_by_label("What happened").fill(
        "Home visit: talked about what matters to Kwame; agreed a Care Act assessment."
    )
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        raise AssertionError(summary.inner_text())
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwame Mensah")
    expect(page.get_by_text("agreed a Care Act assessment")).to_be_visible()
    note = CaseNote.objects.get(person=newcomer)
    assert note.author == practitioner and note.kind == "visit" and note.case == case

    sign_out(page, live_server)
    services.close_case(case_id=case.pk, by=manager, reason="Support in place with the GP")
    sign_in(page, live_server, practitioner)
    response = page.goto(url(live_server, reverse("cases:person_detail", args=[newcomer.pk])))
    assert response.status == 404
