"""MHA assessment request pages: the live board, taking a request, the request page, its
steps, the assessment, and who may open what.

The clock is frozen for each test (the idle timeout would sign the client out if it moved
forward); clocks are tested by placing arrival times in the past.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, ServiceLine
from amhp import services
from amhp.models import MhaAssessment, MhaRequest, RequestStatus
from cases.models import AccessBasis, AccessLog, Person, Relationship
from tests.amhp.conftest import make_amhp
from tests.factories import PersonFactory, make_member, make_team

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 15, 10, 0))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def make_request(team, by, person=None, **overrides):
    data = {
        "received_at": ago(hours=3),
        "requester_kind": "police",
        "requester_name": "PC Dana Cole 4521",
        "requester_contact": "01603 000000",
        "location": "Hellesdon place of safety",
        "legal_status": "s136",
        "reason": "Found on a bridge",
        "arrived_at_place_of_safety": ago(hours=4),
        **overrides,
    }
    return services.receive_request(team=team, person=person or PersonFactory(), data=data, by=by)


@pytest.fixture
def mha(amhp_team, amhp_lead, person):
    return make_request(amhp_team, amhp_lead, person)


@pytest.fixture
def allocated(mha, amhp_user, amhp_lead):
    return services.allocate_request(request_id=mha.pk, amhp=amhp_user, by=amhp_lead)


@pytest.fixture
def other_amhp_team(council):
    return make_team("West AMHP Service", council, ServiceLine.AMHP, "")


@pytest.fixture
def other_team_amhp(other_amhp_team, amhp_lead):
    return make_amhp(other_amhp_team, name="Wren West", email="wren@example.org", by=amhp_lead)


def date_fields(prefix, value):
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def error_summary(page: str) -> list[str]:
    match = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    return (
        [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", match[1], re.S)]
        if match
        else []
    )


def count_queries(client, url, **headers):
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The live board -----------------------------------------------------------------------------


def test_board_orders_by_urgency_and_shows_breaches(amhp_client, amhp_team, amhp_lead, amhp_user):
    breached = make_request(amhp_team, amhp_lead, arrived_at_place_of_safety=ago(hours=26, minutes=10))
    amber = make_request(amhp_team, amhp_lead, arrived_at_place_of_safety=ago(hours=20))
    running = make_request(amhp_team, amhp_lead, arrived_at_place_of_safety=ago(hours=1))
    community = make_request(
        amhp_team,
        amhp_lead,
        legal_status="community",
        arrived_at_place_of_safety=None,
        received_at=ago(hours=50),
    )
    services.allocate_request(request_id=amber.pk, amhp=amhp_user, by=amhp_lead)
    page = amhp_client.get(reverse("amhp:board")).content.decode()
    order = [page.index(r.reference) for r in (breached, amber, running, community)]
    assert order == sorted(order)
    assert "Breached by 2 hours 10 minutes" in page and "govuk-tag--red" in page
    assert "4 hours left" in page and "govuk-tag--orange" in page
    assert "23 hours left" in page
    assert "Waiting 2 days 2 hours" in page
    assert "Asha Amhp" in page and "Not allocated" in page
    assert 'hx-trigger="every 60s"' in page and "Refresh now" in page


def test_board_leaves_out_closed_requests_and_other_teams(amhp_client, amhp_team, amhp_lead, other_amhp_team):
    withdrawn = make_request(amhp_team, amhp_lead)
    services.withdraw_request(request_id=withdrawn.pk, reason="Released", by=amhp_lead)
    west_lead = make_member(other_amhp_team, Role.AMHP_LEAD)
    west = make_request(other_amhp_team, west_lead)
    page = amhp_client.get(reverse("amhp:board")).content.decode()
    assert withdrawn.reference not in page and west.reference not in page
    assert "There are no live requests" in page


def test_board_shows_an_amhp_from_another_team_their_allocation(mha, other_team_amhp, amhp_lead):
    services.allocate_request(request_id=mha.pk, amhp=other_team_amhp, by=amhp_lead)
    page = client_for(other_team_amhp).get(reverse("amhp:board")).content.decode()
    assert mha.reference in page


def test_board_htmx_refresh_returns_the_table_and_pauses_after_15_polls(amhp_client, mha):
    url = reverse("amhp:board")
    partial = amhp_client.get(url, {"polls": 3}, headers={"HX-Request": "true"}).content.decode()
    assert partial.strip().startswith('<div id="live-board"') and "<html" not in partial
    assert "polls=4" in partial and mha.reference in partial
    paused = amhp_client.get(url, {"polls": 15}, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in paused and "Automatic refresh has paused" in paused


def test_board_query_count_does_not_grow_with_requests(amhp_client, amhp_team, amhp_lead, amhp_user):
    url = reverse("amhp:board")
    make_request(amhp_team, amhp_lead)
    one = count_queries(amhp_client, url)
    for index in range(12):
        request = make_request(
            amhp_team,
            amhp_lead,
            legal_status="s136" if index % 2 else "s5_2",
            arrived_at_place_of_safety=ago(hours=index) if index % 2 else None,
        )
        if index % 3 == 0:
            services.allocate_request(request_id=request.pk, amhp=amhp_user, by=amhp_lead)
    assert count_queries(amhp_client, url) == one
    assert count_queries(amhp_client, url, HX_REQUEST="true") <= one


def test_board_is_for_the_amhp_service(practitioner_client, commissioner_client, stranger_client):
    assert practitioner_client.get(reverse("amhp:board")).status_code == 403
    assert commissioner_client.get(reverse("amhp:board")).status_code == 404
    assert stranger_client.get(reverse("amhp:board")).status_code == 404


def test_home_panel_counts_live_requests_and_breaches(amhp_client, amhp_team, amhp_lead):
    make_request(amhp_team, amhp_lead, arrived_at_place_of_safety=ago(hours=25))
    make_request(amhp_team, amhp_lead, arrived_at_place_of_safety=ago(hours=21))
    make_request(amhp_team, amhp_lead, legal_status="community", arrived_at_place_of_safety=None)
    page = amhp_client.get(reverse("accounts:home")).content.decode()
    assert "3</strong> live requests, 3 not allocated" in page
    assert "1 place of safety breach<" in page and "1 with under 6 hours left" in page
    assert "Live board" in page


# --- Taking a request -----------------------------------------------------------------------------


def request_post(**overrides):
    received = ago(minutes=20)
    arrived = ago(hours=2)
    data = {
        **date_fields("received_on", timezone.localtime(received)),
        "received_time": timezone.localtime(received).strftime("%H:%M"),
        "requester_kind": "police",
        "requester_name": "PC Dana Cole 4521",
        "requester_contact": "01603 000000",
        "location": "Hellesdon place of safety",
        "legal_status": "s136",
        **date_fields("arrived_on", timezone.localtime(arrived)),
        "arrived_time": timezone.localtime(arrived).strftime("%H:%M"),
        "reason": "Found on a bridge",
        "action": "request",
    }
    return {**data, **overrides}


def test_take_a_request_after_searching(amhp_client, amhp_team, amhp_user):
    known = PersonFactory(given_name="Kwame", family_name="Mensah", nhs_number="9434765919")
    url = reverse("amhp:request_create")
    search = {"find-nhs_number": "943 476 5919", "action": "search", **request_post(action="search")}
    page = amhp_client.post(url, search).content.decode()
    assert "Kwame Mensah" in page and 'value="PC Dana Cole 4521"' in page  # nothing typed is lost
    assert "govuk-error-summary" not in page
    response = amhp_client.post(url, {**search, "action": "request", "person": known.pk})
    mha = MhaRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "amhp:request_detail", args=[mha.pk]
    )
    assert "9434765919" not in response["Location"]
    assert (mha.person, mha.team, mha.created_by, mha.legal_status) == (known, amhp_team, amhp_user, "s136")
    assert Relationship.objects.active().filter(team=amhp_team, source=f"mharequest:{mha.pk}").exists()
    assert amhp_client.get(response["Location"]).status_code == 200


def test_take_a_request_shows_errors_and_keeps_what_was_typed(amhp_client):
    response = amhp_client.post(
        reverse("amhp:request_create"),
        request_post(requester_name="", arrived_time="", **{"find-name": "Nobody Known"}),
    )
    page = response.content.decode()
    assert page.count("<title>Error:") == 1
    errors = error_summary(page)
    assert "Enter the name of the person who asked" in errors
    assert "Enter the time the person arrived at the place of safety" in errors
    assert "Search for the person and select who the request is about, or add them" in errors
    assert 'value="Hellesdon place of safety"' in page
    assert not MhaRequest.objects.exists()


def test_add_a_new_person_then_take_the_request(amhp_client, amhp_team):
    url = reverse("amhp:request_create")
    new = {
        "new-given_name": "Tia",
        "new-family_name": "Rowe",
        **date_fields("new-date_of_birth", datetime.date(1990, 5, 17)),
        "new-nhs_number": "",
        "new-gender": "female",
        "new-ethnicity": "99",
        "action": "add_person",
        **request_post(action="add_person"),
    }
    page = amhp_client.post(url, new).content.decode()
    person = Person.objects.get(family_name="Rowe")
    assert f'name="chosen_person" value="{person.pk}"' in page and 'value="PC Dana Cole 4521"' in page
    response = amhp_client.post(url, request_post(chosen_person=person.pk))
    assert response.status_code == 302
    assert MhaRequest.objects.get().person == person


def test_adding_a_possible_duplicate_needs_confirmation(amhp_client):
    PersonFactory(given_name="Tia", family_name="Rowe", date_of_birth=datetime.date(1990, 5, 17))
    new = {
        "new-given_name": "Tia",
        "new-family_name": "Rowe",
        **date_fields("new-date_of_birth", datetime.date(1990, 5, 17)),
        "new-gender": "female",
        "new-ethnicity": "99",
        "action": "add_person",
        **request_post(action="add_person"),
    }
    page = amhp_client.post(reverse("amhp:request_create"), new).content.decode()
    assert "This may be someone already in the person index" in page
    assert Person.objects.filter(family_name="Rowe").count() == 1
    confirmed = {**new, "new-duplicates_shown": "1", "new-none_match": "on"}
    amhp_client.post(reverse("amhp:request_create"), confirmed)
    assert Person.objects.filter(family_name="Rowe").count() == 2


def test_take_a_request_from_a_person_record(amhp_client, mha, person):
    page = amhp_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Mental Health Act assessments" in page and mha.reference in page
    url = f"{reverse('amhp:request_create')}?person={person.pk}"
    assert person.display_name in amhp_client.get(url).content.decode()
    response = amhp_client.post(
        url,
        request_post(
            legal_status="community",
            arrived_on_day="",
            arrived_on_month="",
            arrived_on_year="",
            arrived_time="",
        ),
    )
    assert response.status_code == 302 and MhaRequest.objects.filter(person=person).count() == 2


def test_only_the_amhp_service_takes_requests(
    practitioner_client, commissioner_client, stranger_client, person
):
    assert practitioner_client.get(reverse("amhp:request_create")).status_code == 403
    assert commissioner_client.get(reverse("amhp:request_create")).status_code == 404
    assert stranger_client.get(reverse("amhp:request_create")).status_code == 404


def test_person_from_a_url_needs_a_relationship(amhp_client, person):
    assert amhp_client.get(f"{reverse('amhp:request_create')}?person={person.pk}").status_code == 404


# --- The request page and who may open the person -------------------------------------------------


def test_request_page_shows_the_clock_and_history(amhp_client, mha, amhp_lead):
    services.extend_place_of_safety(
        request_id=mha.pk, hours=6, authorised_by="Dr Rao", reason="Intoxicated", by=amhp_lead
    )
    page = amhp_client.get(reverse("amhp:request_detail", args=[mha.pk])).content.decode()
    assert "Place of safety clock" in page and "26 hours left" in page
    assert "including an extension of 6 hours" in page and "Dr Rao" in page
    assert "Received" in page and "Place of safety extended" in page and "Lena Lead" in page
    # The history names the first transition "Recorded" (when it was written down), so it
    # does not contradict the time the request was received.
    assert "<strong>Recorded</strong>, 15 Mar 2027, 10:00" in page and "<strong>Received</strong>" not in page
    # The status is plain bold text, not a 160px-wide tag that wraps.
    assert 'Status: <strong id="request-status">Waiting for an AMHP</strong>' in page
    assert not re.search(r'class="govuk-tag[^"]*"[^>]*id="request-status"', page)
    assert "Extend the place of safety period" not in page  # once only
    assert AccessLog.objects.filter(person=mha.person, what="MHA assessment request").count() == 1


def test_access_to_the_person_follows_the_allocation(
    mha, allocated, person, other_team_amhp, amhp_lead, amhp_user
):
    """An AMHP not allocated and not in the AMHP team gets 404; once allocated, 200."""
    person_url = reverse("cases:person_detail", args=[person.pk])
    request_url = reverse("amhp:request_detail", args=[mha.pk])
    outsider = client_for(other_team_amhp)
    assert outsider.get(person_url).status_code == 404
    assert outsider.get(request_url).status_code == 404
    assert client_for(amhp_user).get(person_url).status_code == 200
    services.allocate_request(request_id=mha.pk, amhp=other_team_amhp, by=amhp_lead, reason="Nearer")
    assert outsider.get(person_url).status_code == 200
    assert outsider.get(request_url).status_code == 200
    # The previous AMHP is still in the AMHP team, which holds the person while the request is open.
    assert client_for(amhp_user).get(person_url).status_code == 200


def test_strangers_get_404(mha, other_worker_client, commissioner_client, stranger_client):
    for client in (other_worker_client, commissioner_client, stranger_client):
        assert client.get(reverse("amhp:request_detail", args=[mha.pk])).status_code == 404
        assert client.get(reverse("cases:person_detail", args=[mha.person_id])).status_code == 404
        assert client.get(reverse("amhp:request_extend", args=[mha.pk])).status_code == 404
        assert client.get(reverse("amhp:assessment_record", args=[mha.pk])).status_code == 404


def test_withdrawn_request_stays_readable_by_its_team_only(mha, amhp_lead, amhp_client, other_team_amhp):
    services.withdraw_request(request_id=mha.pk, reason="Released by the police", by=amhp_lead)
    page = amhp_client.get(reverse("amhp:request_detail", args=[mha.pk])).content.decode()
    assert "Withdrawn" in page and "Released by the police" in page and "Record the assessment" not in page
    assert AccessLog.objects.filter(person=mha.person, basis=AccessBasis.TEAM_RECORD).exists()
    assert amhp_client.get(reverse("cases:person_detail", args=[mha.person_id])).status_code == 404
    assert client_for(other_team_amhp).get(reverse("amhp:request_detail", args=[mha.pk])).status_code == 404


# --- Steps on a request ---------------------------------------------------------------------------


def test_extend_and_a_second_extension_is_a_form_error(amhp_client, mha):
    url = reverse("amhp:request_extend", args=[mha.pk])
    data = {"hours": "12", "authorised_by": "Dr Rao", "reason": "Intoxicated"}
    assert amhp_client.post(url, data).status_code == 302
    mha.refresh_from_db()
    assert mha.extension_hours == 12
    page = amhp_client.post(url, data).content.decode()
    assert "<title>Error:" in page
    assert error_summary(page) == [
        "The place of safety period was already extended by 12 hours: it can be extended only once"
    ]


def test_extension_of_13_hours_is_a_form_error(amhp_client, mha):
    page = amhp_client.post(
        reverse("amhp:request_extend", args=[mha.pk]),
        {"hours": "13", "authorised_by": "Dr Rao", "reason": "x"},
    ).content.decode()
    assert error_summary(page) == ["The extension must be a whole number of hours from 1 to 12"]
    assert 'value="Dr Rao"' in page


def test_allocate_and_reallocate(amhp_lead_client, mha, amhp_user, locum_amhp):
    url = reverse("amhp:request_allocate", args=[mha.pk])
    page = amhp_lead_client.get(url).content.decode()
    assert "Asha Amhp" in page and "Luca Locum (locum)" in page
    assert amhp_lead_client.post(url, {"amhp": amhp_user.pk, "expected": ""}).status_code == 302
    # A second lead who opened the page before the first allocation saved overwrites nothing.
    page = amhp_lead_client.post(
        url, {"amhp": locum_amhp.pk, "expected": "", "reason": "Nearer"}
    ).content.decode()
    assert "someone else changed the allocation" in error_summary(page)[0]
    response = amhp_lead_client.post(
        url, {"amhp": locum_amhp.pk, "expected": amhp_user.pk, "reason": "Nearer"}
    )
    assert response.status_code == 302
    mha.refresh_from_db()
    assert mha.allocated_amhp == locum_amhp


def test_allocation_is_for_the_teams_amhps(mha, amhp_team, person, north_team):
    business_support = make_member(amhp_team, Role.BUSINESS_SUPPORT)
    assert (
        client_for(business_support).get(reverse("amhp:request_allocate", args=[mha.pk])).status_code == 403
    )


def test_withdraw(amhp_client, mha):
    url = reverse("amhp:request_withdraw", args=[mha.pk])
    page = amhp_client.post(url, {"reason": ""}).content.decode()
    assert error_summary(page) == ["Enter why the request is being withdrawn"]
    assert amhp_client.post(url, {"reason": "Police released them"}).status_code == 302
    mha.refresh_from_db()
    assert mha.status == RequestStatus.WITHDRAWN


# --- The assessment ------------------------------------------------------------------------------


def assessment_post(examined=None, **overrides):
    examined = examined or timezone.localdate()
    assessed, applied = timezone.localtime(ago(hours=2)), timezone.localtime(ago(hours=1))
    data = {
        **date_fields("assessed_on", assessed),
        "assessed_time": assessed.strftime("%H:%M"),
        "doctors-TOTAL_FORMS": "2",
        "doctors-INITIAL_FORMS": "0",
        "doctors-0-doctor_name": "Dr Ama Mensah",
        "doctors-0-s12_approved": "yes",
        **date_fields("doctors-0-examined_on", examined),
        "doctors-1-doctor_name": "Dr Ben Hale",
        "doctors-1-s12_approved": "no",
        "doctors-1-previous_acquaintance": "on",
        **date_fields("doctors-1-examined_on", examined),
        "nearest_relative_name": "Grace Okafor",
        "nearest_relative_relationship": "Mother",
        "nearest_relative_contact": "informed",
        "nearest_relative_objected": "no",
        "outcome": "s2",
        **date_fields("application_on", applied),
        "application_time": applied.strftime("%H:%M"),
        "delays-TOTAL_FORMS": "3",
        "delays-INITIAL_FORMS": "0",
        "delays-0-cause": "bed",
        "delays-0-minutes": "180",
        "delays-0-details": "No bed in the county",
    }
    return {**data, **overrides}


def test_record_the_assessment(allocated, amhp_client, person):
    url = reverse("amhp:assessment_record", args=[allocated.pk])
    page = amhp_client.get(url).content.decode()
    assert "Doctor 1" in page and "Doctor 2" in page and "Nearest relative" in page
    # One "Outcome": the radios' legend is the section heading.
    assert page.count(">Outcome<") == 1
    assert '--m"><h2 class="govuk-fieldset__heading">Outcome</h2></legend>' in page
    response = amhp_client.post(url, assessment_post())
    assert response.status_code == 302
    assessment = MhaAssessment.objects.get()
    assert assessment.outcome == "s2" and assessment.recommendations.count() == 2
    assert assessment.delays.get().cause == "bed"
    page = amhp_client.get(reverse("amhp:request_detail", args=[allocated.pk])).content.decode()
    assert "Admitted under section 2" in page and "Dr Ben Hale" in page and "No bed available" in page
    # Recording again is a refused transition, shown as a form error.
    again = amhp_client.post(url, assessment_post()).content.decode()
    assert error_summary(again) == ["The assessment for this request has already been recorded"]


def test_a_15_day_old_examination_is_refused_with_every_message(allocated, amhp_client):
    examined = timezone.localdate() - datetime.timedelta(days=14)
    data = assessment_post(examined=examined, **{"doctors-0-s12_approved": "no"})
    page = amhp_client.post(reverse("amhp:assessment_record", args=[allocated.pk]), data).content.decode()
    assert "<title>Error:" in page
    assert error_summary(page) == [
        "The application is more than 14 days after the last medical examination on 1 March 2027: "
        "the last day it could be made was 14 March 2027 (MHA 1983 s6(1)(a))",
        "Neither doctor is approved under section 12: at least one of the medical recommendations must be "
        "from a section 12 approved doctor (MHA 1983 s12(2))",
    ]
    assert 'value="Dr Ama Mensah"' in page and "No bed in the county" in page
    assert not MhaAssessment.objects.exists()


def test_assessment_row_errors_are_named_by_row(allocated, amhp_client):
    data = assessment_post(**{"doctors-1-doctor_name": "", "delays-1-minutes": "abc"})
    page = amhp_client.post(reverse("amhp:assessment_record", args=[allocated.pk]), data).content.decode()
    errors = error_summary(page)
    assert "Doctor 2: Enter the doctor&#x27;s name" in errors or "Doctor 2: Enter the doctor's name" in errors
    assert "Delay 2: Enter the minutes as a whole number, like 90" in errors


def test_only_the_allocated_amhp_records_the_assessment(
    allocated, amhp_lead_client, mha, amhp_client, locum_amhp
):
    assert amhp_lead_client.get(reverse("amhp:assessment_record", args=[allocated.pk])).status_code == 403
    assert (
        client_for(locum_amhp).get(reverse("amhp:assessment_record", args=[allocated.pk])).status_code == 403
    )


def test_section_4_clock_and_conversion(allocated, amhp_client):
    admitted = timezone.localtime(ago(minutes=30))
    data = assessment_post(
        outcome="s4",
        nearest_relative_contact="not_practicable",
        **{
            "doctors-TOTAL_FORMS": "2",
            "doctors-0-s12_approved": "no",
            "doctors-1-doctor_name": "",
            "doctors-1-s12_approved": "",
            "doctors-1-previous_acquaintance": "",
            "doctors-1-examined_on_day": "",
            "doctors-1-examined_on_month": "",
            "doctors-1-examined_on_year": "",
            **date_fields("s4_admitted_on", admitted),
            "s4_admitted_time": admitted.strftime("%H:%M"),
        },
    )
    assert amhp_client.post(reverse("amhp:assessment_record", args=[allocated.pk]), data).status_code == 302
    page = amhp_client.get(reverse("amhp:request_detail", args=[allocated.pk])).content.decode()
    assert "Section 4 clock" in page and "71 hours 30 minutes left" in page
    url = reverse("amhp:assessment_convert_s4", args=[allocated.pk])
    second = {
        "doctor_name": "Dr Cy Ward",
        "s12_approved": "no",
        **date_fields("examined_on", timezone.localdate()),
        **date_fields("received_on", timezone.localdate()),
        "received_time": timezone.localtime().strftime("%H:%M"),
    }
    refused = amhp_client.post(url, second).content.decode()
    assert "section 12" in error_summary(refused)[0]
    assert amhp_client.post(url, {**second, "s12_approved": "yes"}).status_code == 302
    page = amhp_client.get(reverse("amhp:request_detail", args=[allocated.pk])).content.decode()
    assert "Section 4 clock" not in page and "Converted to section 2" in page


def test_person_panel_offers_a_request_only_to_the_amhp_service(mha, person, manager_client, amhp_client):
    page = manager_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert mha.reference in page and "Take a request for an assessment" not in page
    assert (
        "Take a request for an assessment"
        in amhp_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    )
