"""Enquiry pages: the enquiry, its step pages (happy path, errors keeping input, invalid
transitions, stale saves), naming the officer, and closure with its checklist."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from safeguarding.models import Enquiry, EnquiryStage
from tests.factories import make_member
from tests.safeguarding.test_services import ALLEGED, complete, raise_for, record, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(person, safeguarding_team, practitioner, sam, enquiry_officer):
    concern = raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)
    return start(concern, sam, enquiry_officer)


def url(enquiry, step):
    return reverse(f"safeguarding:enquiry_{step}", args=[enquiry.pk])


def dated(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def strategy_post(enquiry, **overrides):
    data = {
        "version": Enquiry.objects.get(pk=enquiry.pk).version,
        "strategy_kind": "meeting",
        **dated("strategy_on", timezone.localdate()),
        "strategy_attendees": "SAM, officer, police",
        "strategy_decisions": "Officer visits on Monday",
    }
    data.update(overrides)
    return data


def test_the_officer_records_the_strategy_meeting(enquiry_officer_client, enquiry):
    page = enquiry_officer_client.get(url(enquiry, "detail")).content.decode()
    assert url(enquiry, "strategy") in page and "Strategy discussion or meeting" in page
    response = enquiry_officer_client.post(url(enquiry, "strategy"), strategy_post(enquiry))
    assert response.status_code == 302 and response.url == url(enquiry, "detail")
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.strategy_kind, enquiry.strategy_on) == (
        "enquiry",
        "meeting",
        timezone.localdate(),
    )
    page = enquiry_officer_client.get(url(enquiry, "detail")).content.decode()
    assert "Officer visits on Monday" in page and "Strategy recorded" in page


def test_step_errors_are_listed_and_keep_what_was_typed(enquiry_officer_client, enquiry):
    response = enquiry_officer_client.post(
        url(enquiry, "strategy"),
        strategy_post(enquiry, strategy_decisions="", strategy_on_day="31", strategy_on_month="2"),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert "Enter what was decided" in body and "Enter a real date" in body
    assert "SAM, officer, police" in body and 'value="31"' in body
    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.STRATEGY


def test_an_invalid_transition_shows_a_form_error(enquiry_officer_client, enquiry, enquiry_officer):
    record(enquiry, "strategy", enquiry_officer)
    today = timezone.localdate()
    response = enquiry_officer_client.post(
        url(enquiry, "review"),
        {
            "version": Enquiry.objects.get(pk=enquiry.pk).version,
            **dated("review_on", today),
            "review_notes": "Fine",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Record the case conference and safeguarding plan first" in body and "Fine" in body


def test_msp_page_applies_the_advocacy_rule(enquiry_officer_client, enquiry):
    data = {
        "version": enquiry.version,
        "msp_asked": "asked_expressed",
        "desired_outcomes": "To feel safe at home",
        "lacks_capacity": "dont_know",
        "substantial_difficulty": "yes",
        "appropriate_person": "no",
        "advocate": "",
    }
    body = enquiry_officer_client.post(url(enquiry, "msp"), data).content.decode()
    assert "Enter the independent advocate arranged" in body and "To feel safe at home" in body
    response = enquiry_officer_client.post(url(enquiry, "msp"), {**data, "advocate": "Jo, VoiceAbility"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.substantial_difficulty, enquiry.appropriate_person, enquiry.advocate) == (
        True,
        False,
        "Jo, VoiceAbility",
    )


def test_a_stale_save_shows_what_changed_and_overwrites_nothing(enquiry_officer_client, enquiry, sam):
    opened = record(enquiry, "strategy", sam).version
    record(enquiry, "strategy", sam, strategy_attendees="Changed by the SAM")
    response = enquiry_officer_client.post(
        url(enquiry, "strategy"),
        strategy_post(enquiry, version=opened, strategy_attendees="Officer's own list"),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert "Someone else changed this while you were editing it" in body
    assert "Changed by the SAM" in body and "Officer&#x27;s own list" in body and "Both changed" in body
    assert Enquiry.objects.get(pk=enquiry.pk).strategy_attendees == "Changed by the SAM"


def test_the_sam_replaces_the_officer_and_the_officer_cannot(
    sam_client, enquiry_officer_client, enquiry, safeguarding_team
):
    assert enquiry_officer_client.get(url(enquiry, "staff")).status_code == 403
    new_officer = make_member(safeguarding_team, Role.ENQUIRY_OFFICER, full_name="Nia New")
    page = sam_client.get(url(enquiry, "staff")).content.decode()
    assert "Nia New" in page
    response = sam_client.post(
        url(enquiry, "staff"),
        {
            "version": enquiry.version,
            "sam": enquiry.sam_id,
            "enquiry_officer": new_officer.pk,
            "reason": "Leave",
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.enquiry_officer == new_officer
    # The replaced officer no longer records it (they still read it as a member of the team
    # holding the concern; an officer outside the team loses it all: test_access).
    assert enquiry_officer_client.get(url(enquiry, "strategy")).status_code == 403


def test_the_officer_cannot_be_the_sam(sam_client, enquiry, sam):
    response = sam_client.post(
        url(enquiry, "staff"), {"version": enquiry.version, "sam": sam.pk, "enquiry_officer": sam.pk}
    )
    assert "The enquiry officer must be someone other than the safeguarding adults manager" in (
        response.content.decode()
    )


def test_closure_lists_what_is_missing_then_closes(
    sam_client, enquiry_officer_client, enquiry, enquiry_officer
):
    record(enquiry, "strategy", enquiry_officer)
    close_url = url(enquiry, "close")
    page = enquiry_officer_client.get(close_url).content.decode()
    assert "Missing" in page and url(enquiry, "findings") in page
    assert "closes the enquiry once everything is recorded" in page  # the officer sees, the SAM closes
    assert enquiry_officer_client.post(close_url, {"version": enquiry.version}).status_code == 403

    response = sam_client.post(
        close_url,
        {"version": Enquiry.objects.get(pk=enquiry.pk).version, "ongoing_risk_management": "Typed and kept"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    summary = body[body.index("There is a problem") : body.index("<h1")]
    for message in (
        "Record the findings of the enquiry",
        "Record the risk assessment",
        "Record the case conference date and the safeguarding plan",
        "Record the review: its date and notes",
    ):
        assert message in summary
    assert "Record the strategy discussion" not in summary and "How any ongoing risk" not in summary
    assert "Typed and kept" in body
    assert Enquiry.objects.get(pk=enquiry.pk).stage == EnquiryStage.ENQUIRY

    complete(enquiry, enquiry_officer, steps=("msp", "findings", "plan", "review", "outcome"))
    response = sam_client.post(
        close_url,
        {
            "version": Enquiry.objects.get(pk=enquiry.pk).version,
            "ongoing_risk_management": "GP reviews monthly",
        },
    )
    assert response.status_code == 302 and response.url == url(enquiry, "detail")
    enquiry.refresh_from_db()
    assert enquiry.stage == EnquiryStage.CLOSED
    page = sam_client.get(url(enquiry, "detail")).content.decode()
    assert "GP reviews monthly" in page and "Check and close" not in page


def test_the_enquiry_page_query_count_does_not_grow_with_history(sam_client, enquiry, enquiry_officer):
    record(enquiry, "strategy", enquiry_officer)
    sam_client.get(url(enquiry, "detail"))
    with CaptureQueriesContext(connection) as before:
        sam_client.get(url(enquiry, "detail"))
    for n in range(6):
        record(enquiry, "strategy", enquiry_officer, strategy_decisions=f"Revision {n}")
    with CaptureQueriesContext(connection) as after:
        assert sam_client.get(url(enquiry, "detail")).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_colleague_not_named_can_read_but_not_record(enquiry, safeguarding_team, client):
    client.force_login(make_member(safeguarding_team, Role.ENQUIRY_OFFICER))
    page = client.get(url(enquiry, "detail"))
    assert page.status_code == 200 and url(enquiry, "strategy") not in page.content.decode()
    assert client.get(url(enquiry, "strategy")).status_code == 403


def test_step_pages_are_404_for_strangers_and_commissioners(stranger_client, commissioner_client, enquiry):
    for client in (stranger_client, commissioner_client):
        for step in ("staff", "strategy", "msp", "findings", "plan", "review", "outcome", "close"):
            assert client.get(url(enquiry, step)).status_code == 404


def test_a_refused_closure_lists_each_missing_item_once_linked_to_where_it_is_recorded(
    sam_client, enquiry, enquiry_officer
):
    record(enquiry, "strategy", enquiry_officer)
    response = sam_client.post(url(enquiry, "close"), {"version": Enquiry.objects.get(pk=enquiry.pk).version})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    summary = body[body.index('class="govuk-error-summary"') : body.index("<h1")]
    assert f'<a href="{url(enquiry, "findings")}">Record the findings of the enquiry</a>' in summary
    assert f'<a href="{url(enquiry, "plan")}">Record the case conference date' in summary
    # Once only: no second list above the text box (the checklist says "Missing" by its own labels).
    for message in ("Record the findings of the enquiry", "Record the risk assessment"):
        assert body.count(message) == 1
    # This page's own field: the error sits on the textarea and the summary links to it.
    assert '<a href="#id_ongoing_risk_management">Enter how any ongoing risk will be managed</a>' in summary
    field = body[body.index('<div class="govuk-form-group govuk-form-group--error">') :]
    assert 'id="id_ongoing_risk_management_error"' in field
    textarea = re.search(r"<textarea[^>]*>", field).group(0)
    assert 'id="id_ongoing_risk_management"' in textarea and "govuk-textarea--error" in textarea
    assert "id_ongoing_risk_management_error" in re.search(r'aria-describedby="([^"]*)"', textarea).group(1)
    assert body.count("Enter how any ongoing risk will be managed") == 2  # summary and field


def test_the_staff_step_is_linked_only_for_those_who_can_use_it(
    sam_client, enquiry_officer_client, enquiry, enquiry_officer
):
    staff = url(enquiry, "staff")
    officer_page = enquiry_officer_client.get(url(enquiry, "close")).content.decode()
    assert f'href="{staff}"' not in officer_page and "Enquiry officer named" in officer_page
    assert f'href="{url(enquiry, "findings")}"' in officer_page
    assert enquiry_officer_client.get(staff).status_code == 403
    officer_detail = enquiry_officer_client.get(url(enquiry, "detail")).content.decode()
    assert f'href="{staff}"' not in officer_detail
    assert f'href="{staff}"' in sam_client.get(url(enquiry, "close")).content.decode()


def test_a_refused_closure_without_an_officer_links_the_sam_to_the_staff_step(
    client, person, safeguarding_team, practitioner, sam
):
    concern = raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)
    enquiry = complete(start(concern, sam), sam)
    client.force_login(sam)
    response = client.post(url(enquiry, "close"), {"version": Enquiry.objects.get(pk=enquiry.pk).version})
    body = response.content.decode()
    summary = body[body.index('class="govuk-error-summary"') : body.index("<h1")]
    assert f'<a href="{url(enquiry, "staff")}">Name the enquiry officer</a>' in summary
    assert Enquiry.objects.get(pk=enquiry.pk).stage != EnquiryStage.CLOSED
