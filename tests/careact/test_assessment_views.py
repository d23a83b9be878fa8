"""Assessment pages: start, edit, submit, authorise or return, reassess, compare, copies and
the person-page and home-page panels."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from careact import services
from careact.models import (
    AdultOutcome,
    Assessment,
    AssessmentCopy,
    AssessmentStatus,
    CarerLink,
    WellbeingArea,
)
from cases import services as case_services
from cases.models import AccessAction, AccessLog, BreakGlassAccess, RelationshipKind
from tests.careact.conftest import make_assessment, make_plan, open_case
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

S = AssessmentStatus


def url(name, *args):
    return reverse(f"careact:{name}", args=args)


def count_queries(client, address, params=None):
    client.get(address, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def checked(page: str, input_id: str) -> bool:
    return re.search(rf'<input[^>]*id="{input_id}"[^>]*\bchecked\b', page) is not None


def form_data(*, version=1, action="save", unable=("nutrition", "hygiene"), **fields) -> dict:
    """A complete edit-page POST for an eligible adult; override any field."""
    data = {
        "version": version,
        "action": action,
        "persons_outcomes": "To cook for myself again",
        "strengths": "Supportive sister",
        "needs_from_impairment": "yes",
        "impairment": "Severe depression",
        "significant_impact": "yes",
        "eligible": "yes",
        "determination_reasons": "Meets all three criteria",
        "advocacy_need": "not_needed",
        "advocacy_details": "",
    }
    for area in WellbeingArea:
        data[f"wb_{area.value}"] = "significant" if area == WellbeingArea.HEALTH else "some"
        data[f"wb_{area.value}_notes"] = ""
    for outcome in AdultOutcome:
        key = f"oc_{outcome.value}"
        data[key] = "no" if outcome.value in unable else "yes"
        data[f"{key}_senses"] = ["without_assistance"] if outcome.value in unable else []
        data[f"{key}_notes"] = ""
    data.update(fields)
    return data


@pytest.fixture
def draft(case, practitioner):
    return services.start_assessment(case=case, by=practitioner)


@pytest.fixture
def waiting(draft, practitioner):
    services.update_assessment(
        assessment_id=draft.pk,
        data={
            "persons_outcomes": "To cook again",
            "needs_from_impairment": True,
            "impairment": "Depression",
            "wellbeing": {a.value: {"impact": "some", "notes": ""} for a in WellbeingArea},
            "outcomes": {
                o.value: {
                    "unable": o.value in ("nutrition", "hygiene"),
                    "senses": ["without_assistance"] if o.value in ("nutrition", "hygiene") else [],
                    "notes": "",
                }
                for o in AdultOutcome
            },
            "significant_impact": True,
            "eligible": True,
            "determination_reasons": "Meets the criteria",
            "advocacy_need": "not_needed",
        },
        expected_version=1,
        by=practitioner,
    )
    return services.submit_assessment(assessment_id=draft.pk, by=practitioner)


def break_glass(user, person):
    BreakGlassAccess.objects.create(
        user=user,
        person=person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )


# --- Person page panel ------------------------------------------------------------------


def test_person_panel_lists_assessments_and_offers_a_start(practitioner_client, case, person):
    old = make_assessment(case, started_on=datetime.date(2025, 1, 10))
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Care Act assessments" in page
    assert url("assessment_detail", old.pk) in page and "10 Jan 2025" in page and "Authorised" in page
    assert url("assessment_start", case.pk) in page


def test_person_panel_is_read_only_on_break_glass(other_worker, other_worker_client, case, person):
    make_assessment(case)
    break_glass(other_worker, person)
    page = other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Care Act assessments" in page
    assert url("assessment_start", case.pk) not in page
    assert other_worker_client.get(url("assessment_start", case.pk)).status_code == 404


def test_person_panel_query_count_does_not_grow(practitioner_client, case, person, manager):
    address = reverse("cases:person_detail", args=[person.pk])
    make_assessment(case)
    one = count_queries(practitioner_client, address)
    for _ in range(8):
        make_assessment(case, assessor=manager)
    assert count_queries(practitioner_client, address) == one


# --- Starting ---------------------------------------------------------------------------


def test_start_confirms_then_creates_a_draft(practitioner_client, case, practitioner):
    address = url("assessment_start", case.pk)
    page = practitioner_client.get(address).content.decode()
    assert "Start a needs assessment" in page and "North Working Age" in page
    response = practitioner_client.post(address)
    assessment = Assessment.objects.get(person=case.person)
    assert response.status_code == 302 and response["Location"] == url("assessment_edit", assessment.pk)
    assert assessment.assessor == practitioner and assessment.status == S.DRAFT
    # A second start is refused in words, with a link to the one in progress.
    page = practitioner_client.get(address).content.decode()
    assert url("assessment_detail", assessment.pk) in page
    response = practitioner_client.post(address)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "already a needs assessment in progress" in response.content.decode()


def test_start_on_an_unallocated_case_shows_a_form_error(practitioner_client, case):
    case.worker = None
    case.save(update_fields=["worker"])
    response = practitioner_client.post(url("assessment_start", case.pk))
    assert response.status_code == 200
    assert "no allocated worker" in response.content.decode()
    assert response.content.decode().count("<title>Error:") == 1


def test_start_is_hidden_from_strangers_and_commissioners(
    stranger_client, commissioner_client, other_worker_client, case
):
    for client in (stranger_client, commissioner_client, other_worker_client):
        assert client.get(url("assessment_start", case.pk)).status_code == 404
        assert client.post(url("assessment_start", case.pk)).status_code == 404
    assert not Assessment.objects.exists()


def test_start_refused_to_a_member_of_another_team_who_can_see_the_person(
    case, person, south_team, other_worker_client
):
    case_services.grant_team_relationship(
        person=person, team=south_team, kind=RelationshipKind.EXPLICIT, source="test"
    )
    assert other_worker_client.get(url("assessment_start", case.pk)).status_code == 403


def test_carer_assessment_start(practitioner_client, practitioner, case, north_team):
    carer = PersonFactory(given_name="Bea", family_name="Carer")
    address = url("carer_assessment_start", case.pk, carer.pk)
    assert practitioner_client.get(address).status_code == 404  # no relationship with the carer yet
    link = CarerLink.objects.create(
        carer=carer, cared_for=case.person, relationship="Sister", recorded_by=practitioner
    )
    case_services.grant_team_relationship(
        person=carer, team=north_team, kind=RelationshipKind.CARER, source=f"carerlink:{link.pk}"
    )
    page = practitioner_client.get(address).content.decode()
    assert "Start a carer's assessment" in page and "who cares for Amira Okafor" in page
    before = AccessLog.objects.count()
    assert practitioner_client.post(address).status_code == 302
    assert AccessLog.objects.count() == before + 2  # the carer and the person cared for
    assessment = Assessment.objects.get(person=carer)
    assert assessment.cared_for == case.person and assessment.kind == "carer"
    edit = practitioner_client.get(url("assessment_edit", assessment.pk)).content.decode()
    assert "Carer's assessment" in edit and "Engaging in recreational activities" in edit
    assert "Managing toilet needs" not in edit
    assert "takes significantly longer" not in edit.lower().replace("taking significantly longer", "")


# --- Editing ----------------------------------------------------------------------------


def test_edit_page_has_every_section(practitioner_client, draft):
    page = practitioner_client.get(url("assessment_edit", draft.pk)).content.decode()
    for text in (
        "What does the person want to achieve?",
        "Impairment or illness",
        "Personal dignity (including being treated with respect)",
        "Carrying out any caring responsibilities for a child",
        "Is the person able to achieve this?",
        "Able, but takes significantly longer than normally expected",
        "The system's suggestion",
        "Does the person have substantial difficulty in being involved?",
        "Save draft",
    ):
        assert text in page, text
    assert 'data-aria-controls="reveal-oc_nutrition"' in page


def test_save_draft_keeps_answers_and_stays_on_the_page(practitioner_client, draft):
    address = url("assessment_edit", draft.pk)
    response = practitioner_client.post(address, form_data())
    assert response.status_code == 302 and response["Location"] == address
    draft.refresh_from_db()
    assert draft.version == 2 and draft.eligible is True
    assert draft.outcomes["nutrition"] == {"unable": True, "senses": ["without_assistance"], "notes": ""}
    assert draft.outcomes["toilet"]["unable"] is False
    page = practitioner_client.get(address).content.decode()
    assert "Your answers were saved as a draft." in page
    assert checked(page, "id_oc_nutrition_1") and not checked(page, "id_oc_nutrition_0")
    assert "Eligible" in page and "unable to achieve 2 of the outcomes" in page


def test_partial_draft_is_fine(practitioner_client, draft):
    response = practitioner_client.post(
        url("assessment_edit", draft.pk), {"version": 1, "strengths": "Walks daily"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.strengths == "Walks daily" and draft.eligible is None and draft.outcomes == {}


def test_an_error_keeps_everything_typed(practitioner_client, draft):
    data = form_data(oc_toilet_senses=["pain_distress"], strengths="Typed and kept")
    response = practitioner_client.post(url("assessment_edit", draft.pk), data)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Managing toilet needs: only select how it is not achieved if the answer is no" in page
    assert "Typed and kept" in page
    assert checked(page, "id_oc_toilet_senses_1") and checked(page, "id_oc_toilet_0")
    draft.refresh_from_db()
    assert draft.version == 1 and draft.strengths == ""


def test_stale_save_overwrites_nothing(practitioner_client, draft, manager):
    services.update_assessment(
        assessment_id=draft.pk, data={"impairment": "Psychosis"}, expected_version=1, by=manager
    )
    response = practitioner_client.post(
        url("assessment_edit", draft.pk), form_data(version=1, impairment="Depression")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this assessment while you were editing it" in page
    assert "You both changed this" in page
    assert 'name="version" value="2"' in page
    assert "Depression" in page  # this editor's answer kept in the form
    draft.refresh_from_db()
    assert draft.impairment == "Psychosis"


def test_save_and_check_goes_to_the_submit_page(practitioner_client, draft):
    response = practitioner_client.post(url("assessment_edit", draft.pk), form_data(action="check"))
    assert response["Location"] == url("assessment_submit", draft.pk)


def test_edit_of_a_waiting_assessment(practitioner_client, waiting):
    address = url("assessment_edit", waiting.pk)
    assert practitioner_client.get(address)["Location"] == url("assessment_detail", waiting.pk)
    response = practitioner_client.post(address, form_data(version=waiting.version))
    assert response.status_code == 200 and "only a draft can be changed" in response.content.decode()


def test_edit_refused_to_readers_outside_the_team(other_worker_client, other_worker, draft, person):
    assert other_worker_client.get(url("assessment_edit", draft.pk)).status_code == 404
    break_glass(other_worker, person)
    assert other_worker_client.get(url("assessment_detail", draft.pk)).status_code == 200
    assert other_worker_client.get(url("assessment_edit", draft.pk)).status_code == 404


# --- Submitting -------------------------------------------------------------------------


def test_submit_lists_each_missing_item(practitioner_client, draft):
    address = url("assessment_submit", draft.pk)
    page = practitioner_client.get(address).content.decode()
    assert "answers still to complete" in page and "Record the eligibility determination" in page
    response = practitioner_client.post(address)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page and "There is a problem" in page
    assert "Enter what the person wants to achieve" in page
    assert "Select the impact on wellbeing: suitability of living accommodation" in page
    assert "Answer whether the person can achieve: managing toilet needs" in page
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submit_a_complete_assessment(practitioner_client, draft):
    practitioner_client.post(url("assessment_edit", draft.pk), form_data())
    response = practitioner_client.post(url("assessment_submit", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.AWAITING_AUTHORISATION
    page = practitioner_client.get(url("assessment_detail", draft.pk)).content.decode()
    assert "Waiting for a manager to authorise" in page and "Submitted" in page
    assert url("assessment_edit", draft.pk) not in page


# --- Authorising ------------------------------------------------------------------------


def test_manager_authorises(manager_client, manager, waiting):
    address = url("assessment_authorise", waiting.pk)
    page = manager_client.get(address).content.decode()
    assert "Authorise or return the assessment" in page and "Meets the criteria" in page
    response = manager_client.post(address, {"decision": "authorise"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.AUTHORISED and waiting.authorised_by == manager
    page = manager_client.get(url("assessment_detail", waiting.pk)).content.decode()
    assert "Authorised by" in page and "Mo Manager" in page
    # Deciding again is an invalid transition, shown as a form error.
    response = manager_client.post(address, {"decision": "return", "reason": "Second thoughts"})
    assert response.status_code == 200 and "only one waiting for authorisation" in response.content.decode()


def test_manager_returns_with_a_reason(manager_client, practitioner_client, waiting):
    address = url("assessment_authorise", waiting.pk)
    response = manager_client.post(address, {"decision": "return", "reason": ""})
    assert "Enter why the assessment is being returned" in response.content.decode()
    assert (
        manager_client.post(address, {"decision": "return", "reason": "Add the night-time needs"}).status_code
        == 302
    )
    waiting.refresh_from_db()
    assert waiting.status == S.DRAFT
    page = practitioner_client.get(url("assessment_edit", waiting.pk)).content.decode()
    assert "Returned by Mo Manager" in page and "Add the night-time needs" in page


def test_authorise_is_for_the_teams_managers_only(
    practitioner_client, other_worker_client, commissioner_client, waiting
):
    address = url("assessment_authorise", waiting.pk)
    assert practitioner_client.get(address).status_code == 403
    assert practitioner_client.post(address, {"decision": "authorise"}).status_code == 403
    assert other_worker_client.get(address).status_code == 404
    assert commissioner_client.get(address).status_code == 404


def test_manager_cannot_authorise_own_assessment(manager_client, manager, case):
    assessment = make_assessment(case, status=S.AWAITING_AUTHORISATION, assessor=manager)
    response = manager_client.post(url("assessment_authorise", assessment.pk), {"decision": "authorise"})
    assert response.status_code == 200
    assert "another manager must authorise it" in response.content.decode()


# --- Detail, reassessment and comparison ------------------------------------------------


def test_detail_buttons_by_role(practitioner_client, manager_client, waiting):
    address = url("assessment_detail", waiting.pk)
    worker_page = practitioner_client.get(address).content.decode()
    assert url("assessment_authorise", waiting.pk) not in worker_page
    manager_page = manager_client.get(address).content.decode()
    assert url("assessment_authorise", waiting.pk) in manager_page
    assert "Started" in manager_page and "Submitted" in manager_page and "Pat Practitioner" in manager_page


def test_detail_is_hidden_from_strangers_and_commissioners(stranger_client, commissioner_client, waiting):
    for client in (stranger_client, commissioner_client):
        assert client.get(url("assessment_detail", waiting.pk)).status_code == 404
    assert stranger_client.get(url("assessment_detail", 999999)).status_code == 404


def test_detail_logs_one_read(practitioner_client, practitioner, waiting):
    before = AccessLog.objects.filter(user=practitioner).count()
    practitioner_client.get(url("assessment_detail", waiting.pk))
    assert AccessLog.objects.filter(user=practitioner).count() == before + 1


def test_detail_query_count_does_not_grow(practitioner_client, practitioner, case):
    assessment = make_assessment(case)
    address = url("assessment_detail", assessment.pk)
    AssessmentCopy.objects.create(assessment=assessment, requested_by=practitioner)
    one = count_queries(practitioner_client, address)
    for _ in range(10):
        AssessmentCopy.objects.create(
            assessment=assessment, requested_by=practitioner, status=AssessmentCopy.Status.READY, pdf=b"%PDF"
        )
        assessment.transitions.create(event="note", to_status=S.AUTHORISED, actor=practitioner)
    assert count_queries(practitioner_client, address) == one


def test_reassess_and_compare(practitioner_client, manager_client, case):
    first = make_assessment(case)
    address = url("assessment_reassess", first.pk)
    assert "Start the reassessment" in practitioner_client.get(address).content.decode()
    response = practitioner_client.post(address)
    second = Assessment.objects.get(previous=first)
    assert response["Location"] == url("assessment_edit", second.pk)
    practitioner_client.post(
        url("assessment_edit", second.pk),
        form_data(unable=("nutrition", "hygiene", "community"), determination_reasons="Now three outcomes"),
    )
    page = practitioner_client.get(url("assessment_compare", second.pk)).content.decode()
    assert "Version 1" in page and "Version 2" in page
    assert "Now three outcomes" in page and "Meets the criteria" in page
    assert page.count('govuk-tag--yellow">Changed') >= 2
    only = practitioner_client.get(url("assessment_compare", second.pk), {"changed": "1"}).content.decode()
    assert "Making use of necessary facilities" in only and "Managing toilet needs" not in only
    # An invalid transition (reassessing twice) is a form error.
    response = practitioner_client.post(address)
    assert response.status_code == 200 and "already been started" in response.content.decode()
    first_page = practitioner_client.get(url("assessment_compare", first.pk)).content.decode()
    assert "no earlier version" in first_page


def test_compare_is_hidden_from_strangers(stranger_client, case):
    assert stranger_client.get(url("assessment_compare", make_assessment(case).pk)).status_code == 404


# --- Copies for the person --------------------------------------------------------------


def test_copy_request_then_being_prepared(practitioner_client, case):
    assessment = make_assessment(case)
    response = practitioner_client.post(url("assessment_copy_request", assessment.pk))
    assert response.status_code == 302
    copy = assessment.copies.get()
    assert copy.status == AssessmentCopy.Status.QUEUED  # the task runs after commit
    page = practitioner_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "Being prepared" in page and 'http-equiv="refresh"' in page
    assert practitioner_client.get(url("assessment_copy_download", assessment.pk, copy.pk)).status_code == 404


def test_copy_request_refused_before_authorisation(practitioner_client, waiting):
    response = practitioner_client.post(url("assessment_copy_request", waiting.pk))
    assert response.status_code == 200
    assert "once the assessment is authorised" in response.content.decode()
    assert not waiting.copies.exists()


def test_copy_download_is_logged_as_a_download(practitioner_client, practitioner, case, stranger_client):
    assessment = make_assessment(case)
    copy = AssessmentCopy.objects.create(
        assessment=assessment,
        requested_by=practitioner,
        status=AssessmentCopy.Status.READY,
        pdf=b"%PDF-1.7 test",
    )
    address = url("assessment_copy_download", assessment.pk, copy.pk)
    response = practitioner_client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 test"
    assert "Okafor" not in response["Content-Disposition"]
    log = AccessLog.objects.filter(user=practitioner).latest("at")
    assert (log.action, log.person_id) == (AccessAction.DOWNLOAD, case.person_id)
    assert stranger_client.get(address).status_code == 404
    page = practitioner_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert address in page and 'http-equiv="refresh"' not in page


def test_copy_request_is_refused_on_break_glass(other_worker, other_worker_client, case, person):
    assessment = make_assessment(case)
    break_glass(other_worker, person)
    page = other_worker_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "emergency access" in page and url("assessment_copy_request", assessment.pk) not in page
    assert url("assessment_reassess", assessment.pk) not in page
    assert other_worker_client.post(url("assessment_copy_request", assessment.pk)).status_code == 404


# --- Manager's home panel ---------------------------------------------------------------


def test_home_panel_lists_what_waits_for_the_manager(
    manager_client, practitioner_client, waiting, manager, case
):
    make_assessment(case, status=S.AWAITING_AUTHORISATION, assessor=manager)  # their own: not listed
    home = reverse("accounts:home")
    page = manager_client.get(home).content.decode()
    assert "Assessments waiting for you to authorise" in page
    assert "<strong>1</strong> assessment waiting" in page
    assert url("assessment_authorise", waiting.pk) in page
    assert "Assessments waiting for you to authorise" not in practitioner_client.get(home).content.decode()


def test_home_panel_query_count_does_not_grow(manager_client, north_team, practitioner, manager):
    home = reverse("accounts:home")
    first = open_case(PersonFactory(), north_team, practitioner, manager)
    make_assessment(first, status=S.AWAITING_AUTHORISATION)
    one = count_queries(manager_client, home)
    for _ in range(8):
        c = open_case(PersonFactory(), north_team, practitioner, manager)
        make_assessment(c, status=S.AWAITING_AUTHORISATION)
    assert count_queries(manager_client, home) == one
    assert "<strong>9</strong> assessments waiting; the oldest 5" in manager_client.get(home).content.decode()


def test_senior_practitioner_leads_the_team_too(client, north_team, waiting):
    senior = make_member(north_team, Role.SENIOR_PRACTITIONER)
    client.force_login(senior)
    assert client.post(url("assessment_authorise", waiting.pk), {"decision": "authorise"}).status_code == 302


def test_authorised_assessment_offers_the_plan_then_links_to_it(practitioner_client, case):
    """From an authorised assessment the worker goes straight on to the plan (Care Act s24-25)."""
    assessment = make_assessment(case)
    page = practitioner_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "Start a plan from this assessment" in page
    assert url("plan_create", assessment.pk) in page

    plan = make_plan(assessment)
    page = practitioner_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "Start a plan from this assessment" not in page
    assert url("plan_detail", plan.pk) in page


def test_draft_assessment_offers_no_plan(practitioner_client, case):
    assessment = make_assessment(case, status=AssessmentStatus.DRAFT)
    page = practitioner_client.get(url("assessment_detail", assessment.pk)).content.decode()
    assert "Start a plan from this assessment" not in page
