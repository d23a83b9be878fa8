"""Concern pages: raising from the person page and at the front door, the concern, and the
SAM's decision (happy paths, errors keeping what was typed, invalid transitions, access)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import Relationship
from safeguarding.models import AllegedPerson, Concern, ConcernStatus, Enquiry
from tests.factories import PersonFactory, make_member
from tests.safeguarding.test_services import ALLEGED, raise_for, start

pytestmark = pytest.mark.django_db

NEW = reverse("safeguarding:concern_new")


def concern_post(**overrides):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "received_on_day": yesterday.day,
        "received_on_month": yesterday.month,
        "received_on_year": yesterday.year,
        "received_time": "09:15",
        "raised_by_name": "Dee Neighbour",
        "raised_by_role": "Neighbour",
        "raised_from": "Mill Lane",
        "abuse_types": ["financial", "neglect"],
        "location": "own_home",
        "source_of_risk": "known",
        "primary_support_reason": "mental_health",
        "details": "Her nephew takes her benefits",
        "immediate_actions": "Spoke to her alone; safe tonight",
        "adults_views": "Wants it to stop",
        "consent": "consents",
        "may_lack_capacity": "on",
        "alleged_name": "Nate Nephew",
        "alleged_relationship": "Nephew",
        "alleged_details": "Visits weekly",
    }
    data.update(overrides)
    return data


def create_url(person):
    return reverse("safeguarding:concern_create", args=[person.pk])


@pytest.fixture
def concern(person, safeguarding_team, practitioner):
    return raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)


# --- Raising from the person page -------------------------------------------------------


def test_a_worker_raises_a_concern_from_the_person_page(practitioner_client, person, safeguarding_team, sam):
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Safeguarding" in page and "No safeguarding concerns" in page
    assert create_url(person) in page
    response = practitioner_client.post(create_url(person), concern_post())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:concern_detail", args=[concern.pk])
    assert (concern.person, concern.team, concern.abuse_types) == (
        person,
        safeguarding_team,
        ["financial", "neglect"],
    )
    assert concern.may_lack_capacity and concern.primary_support_reason == "mental_health"
    assert timezone.localtime(concern.received_at).strftime("%H:%M") == "09:15"
    assert AllegedPerson.objects.get(concern=concern).name == "Nate Nephew"
    detail = practitioner_client.get(response.url).content.decode()
    assert (
        concern.reference in detail and "Adult Safeguarding" in detail and "Waiting for a decision" in detail
    )
    assert "Nate Nephew" not in detail  # the raising practitioner never sees it again
    panel = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert concern.reference in panel and "Waiting for a decision" in panel


def test_errors_are_listed_and_nothing_typed_is_lost(practitioner_client, person, safeguarding_team):
    data = concern_post(
        immediate_actions="", received_time="25:99", abuse_types=["neglect"], details="Kept after the error"
    )
    data.pop("location")
    response = practitioner_client.post(create_url(person), data)
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    for message in (
        "Enter the immediate actions taken to make the adult safe",
        "Select where the abuse or neglect happened",
        "Enter a real time, like 09:30 or 14:15",
    ):
        assert message in body
    assert "Kept after the error" in body and "Nate Nephew" in body and "25:99" in body
    assert 'value="neglect" id="id_abuse_types_6" checked' in body
    assert not Concern.objects.exists()


def test_no_abuse_type_is_an_error(practitioner_client, person, safeguarding_team):
    data = concern_post()
    data.pop("abuse_types")
    body = practitioner_client.post(create_url(person), data).content.decode()
    assert "Select at least one type of abuse or neglect" in body


def test_several_safeguarding_teams_must_be_chosen(practitioner_client, person, safeguarding_team, council):
    from tests.factories import make_team

    west = make_team("West Safeguarding", council, "safeguarding", "West")
    body = practitioner_client.post(create_url(person), concern_post()).content.decode()
    assert "Select the safeguarding team" in body
    response = practitioner_client.post(create_url(person), concern_post(team=west.pk))
    assert response.status_code == 302 and Concern.objects.get().team == west


def test_raising_needs_a_relationship_and_is_not_for_break_glass(
    other_worker_client, stranger_client, person
):
    for client in (other_worker_client, stranger_client):
        assert client.get(create_url(person)).status_code == 404


# --- The front door ---------------------------------------------------------------------


def test_the_safeguarding_team_finds_the_adult_and_records_the_concern(
    enquiry_officer_client, safeguarding_team
):
    adult = PersonFactory(given_name="Kwame", family_name="Mensah")
    found = enquiry_officer_client.post(
        NEW, {"action": "search", "find-name": "Kwame Mensah", "details": "Typed before searching"}
    )
    body = found.content.decode()
    assert "Kwame Mensah" in body and f'name="person" type="radio" value="{adult.pk}"' in body
    assert "Typed before searching" in body and "There is a problem" not in body
    response = enquiry_officer_client.post(
        NEW, concern_post(**{"find-name": "Kwame Mensah", "person": adult.pk})
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:concern_detail", args=[concern.pk])  # ids only in the URL
    assert concern.person == adult and concern.team == safeguarding_team
    assert Relationship.objects.active().filter(person=adult, team=safeguarding_team).exists()
    assert enquiry_officer_client.get(response.url).status_code == 200


def test_the_front_door_needs_a_chosen_adult_from_the_search(enquiry_officer_client, safeguarding_team):
    someone_else = PersonFactory(given_name="Ravi", family_name="Patel")
    response = enquiry_officer_client.post(
        NEW, concern_post(**{"find-name": "Nobody Here", "person": someone_else.pk})
    )
    body = response.content.decode()
    assert "Search for the adult and select who the concern is about" in body
    assert "Her nephew takes her benefits" in body
    assert not Concern.objects.exists()


def test_the_front_door_is_for_the_safeguarding_team(practitioner_client, commissioner_client):
    assert practitioner_client.get(NEW).status_code == 403
    assert commissioner_client.get(NEW).status_code == 404


# --- The decision -----------------------------------------------------------------------


def decide_url(concern):
    return reverse("safeguarding:concern_decide", args=[concern.pk])


def decision(**overrides):
    data = {
        "has_care_needs": "yes",
        "at_risk_of_abuse": "yes",
        "unable_to_protect": "yes",
        "decision": "s42",
        "reason": "",
        "action_instead": "",
    }
    data.update(overrides)
    return data


def test_the_sam_starts_a_s42_enquiry_and_names_the_officer(sam_client, sam, enquiry_officer, concern):
    page = sam_client.get(decide_url(concern)).content.decode()
    assert "Does the section 42 duty apply?" in page and "Ellis Officer" in page
    response = sam_client.post(decide_url(concern), decision(sam=sam.pk, enquiry_officer=enquiry_officer.pk))
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:enquiry_detail", args=[enquiry.pk])
    assert (enquiry.sam, enquiry.enquiry_officer, enquiry.kind) == (sam, enquiry_officer, "s42")
    page = sam_client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert "Section 42 enquiry" in page and "Nate Nephew" in page


def test_unmet_s42_criteria_are_refused_on_the_form_keeping_the_answers(sam_client, concern):
    response = sam_client.post(decide_url(concern), decision(at_risk_of_abuse="no", reason="Typed reason"))
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    summary = body[body.index("There is a problem") : body.index("<h1")]
    # Said as what is missing, each linked to its question; the criteria answered yes are not listed.
    assert (
        "A section 42 enquiry needs all three criteria: the adult was not found to be experiencing, "
        "or at risk of, abuse or neglect" in summary
    )
    assert 'href="#id_at_risk_of_abuse_0"' in summary and "Not met" not in body
    assert "needs for care and support" not in summary and "unable to protect" not in summary
    assert "Select another safeguarding enquiry or no further safeguarding action instead" in summary
    assert re.search(r'<input[^>]*name="at_risk_of_abuse" value="no"[^>]*checked', body)
    assert "Typed reason" in body
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.AWAITING_DECISION


def test_no_further_action_needs_what_was_done_instead(sam_client, concern):
    response = sam_client.post(decide_url(concern), decision(decision="nfa", reason="Not abuse"))
    assert "Enter what was done instead" in response.content.decode()
    response = sam_client.post(
        decide_url(concern), decision(decision="nfa", reason="Not abuse", action_instead="Carer's assessment")
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NO_FURTHER_ACTION


def test_deciding_again_differently_shows_a_form_error(sam_client, sam, concern):
    start(concern, sam)
    response = sam_client.post(
        decide_url(concern), decision(decision="nfa", reason="Changed my mind", action_instead="Advice")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "This concern has already been decided" in body
    assert "already been decided: section 42 enquiry" in body


def test_only_a_sam_of_the_team_decides(
    practitioner_client, enquiry_officer_client, concern, stranger_client
):
    assert practitioner_client.get(decide_url(concern)).status_code == 403
    assert enquiry_officer_client.post(decide_url(concern), decision()).status_code == 403
    assert stranger_client.get(decide_url(concern)).status_code == 404
    assert not Enquiry.objects.exists()


def test_the_concern_shows_time_left_and_a_late_decision(sam_client, sam, concern):
    Concern.objects.filter(pk=concern.pk).update(
        decision_due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = sam_client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert "Overdue" in page and "Decide on this concern" in page
    start(concern, sam)
    page = sam_client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert "Decided late" in page and "Late decision" in page and "Decide on this concern" not in page


def test_a_sam_of_another_team_cannot_see_the_concern(concern, council, client):
    from tests.factories import make_team

    west = make_team("West Safeguarding", council, "safeguarding", "West")
    client.force_login(make_member(west, Role.SAFEGUARDING_MANAGER))
    assert client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 404


def test_the_person_panel_query_count_does_not_grow(
    practitioner_client, person, safeguarding_team, practitioner, sam
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("cases:person_detail", args=[person.pk])
    start(raise_for(person, safeguarding_team, practitioner), sam)
    practitioner_client.get(url)
    with CaptureQueriesContext(connection) as before:
        practitioner_client.get(url)
    for _ in range(5):
        start(raise_for(person, safeguarding_team, practitioner), sam)
        raise_for(person, safeguarding_team, practitioner)
    with CaptureQueriesContext(connection) as after:
        page = practitioner_client.get(url).content.decode()
    assert page.count("Section 42 enquiry") == 6
    assert len(after.captured_queries) == len(before.captured_queries)
