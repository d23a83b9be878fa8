"""Casework pages: caseloads, case actions, contacts, chronology, checks and sharing."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import (
    AccessLog,
    Case,
    CaseNote,
    CaseStatus,
    InformationSharingDecision,
    RelationshipKind,
    StatusCheck,
)
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

REFERRAL = {"source": "gp", "received_via": "phone", "reason": "Low mood", "urgency": "routine"}


def open_case(person, team, worker, by, urgency="routine"):
    referral = services.receive_referral(
        team=team, person=person, data={**REFERRAL, "urgency": urgency}, by=by
    )
    return services.allocate_referral(referral_id=referral.pk, worker=worker, by=by, reason="Capacity")


@pytest.fixture
def case(person, north_team, practitioner, manager):
    return open_case(person, north_team, practitioner, manager)


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def person_urls(person):
    return [
        reverse("casework:note_create", args=[person.pk]),
        reverse("casework:chronology", args=[person.pk]),
        reverse("casework:status_check_create", args=[person.pk]),
        reverse("casework:sharing_decision_create", args=[person.pk]),
    ]


def case_urls(case):
    return [
        reverse(f"casework:case_{action}", args=[case.pk])
        for action in ("reallocate", "transfer", "close", "reopen")
    ]


# --- Worker caseload (home panel) -------------------------------------------------------


def test_caseload_shows_open_cases_new_allocations_and_due(practitioner_client, case, practitioner, manager):
    home = reverse("accounts:home")
    page = practitioner_client.get(home).content.decode()
    assert "Your caseload" in page and "Amira Okafor" in page and "North Working Age" in page
    assert "New allocations" in page and "No contact recorded" in page

    # Forty days on with no contact (moved back in time: the session would expire if the
    # clock moved forward).
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Case.objects.filter(pk=case.pk).update(allocated_at=long_ago, opened_at=long_ago)
    page = practitioner_client.get(home).content.decode()
    assert "No contact for 40 days" in page and "New allocations" not in page
    services.record_case_note(
        person=case.person,
        case=case,
        kind="visit",
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        text="Home visit",
        by=practitioner,
    )
    page = practitioner_client.get(home).content.decode()
    assert "No contact for" not in page
    assert (timezone.localdate() - datetime.timedelta(days=1)).strftime("%-d %b %Y") in page


def test_caseload_query_count_does_not_grow_with_cases(
    practitioner_client, north_team, practitioner, manager
):
    url = reverse("accounts:home")
    open_case(PersonFactory(), north_team, practitioner, manager)
    one = count_queries(practitioner_client, url)
    for _ in range(19):
        c = open_case(PersonFactory(), north_team, practitioner, manager)
        services.record_case_note(
            person=c.person, case=c, kind="phone", occurred_at=timezone.now(), text="Call", by=practitioner
        )
    assert count_queries(practitioner_client, url) == one


# --- Team caseload ----------------------------------------------------------------------


def test_team_caseload_shows_loads_and_unallocated_work(
    manager_client, manager, practitioner, north_team, south_team, person
):
    open_case(person, north_team, practitioner, manager, urgency="urgent")
    open_case(PersonFactory(), north_team, practitioner, manager)
    moved = open_case(PersonFactory(family_name="Moved"), south_team, make_member(south_team), manager)
    south_manager = make_member(south_team, Role.TEAM_MANAGER)
    services.transfer_case(case_id=moved.pk, to_team=north_team, by=south_manager, reason="Moved north")
    waiting = services.receive_referral(team=north_team, person=PersonFactory(), data=REFERRAL, by=manager)

    response = manager_client.get(reverse("casework:team_caseload"))
    page = response.content.decode()
    pat = next(load for load in response.context["loads"] if load.worker_id == practitioner.pk)
    assert (pat.open_cases, pat.weighted_load) == (2, 3)  # urgent counts 2, routine 1
    assert "Pat Practitioner" in page and "Moved" in page
    assert reverse("casework:case_reallocate", args=[moved.pk]) in page
    assert waiting.reference in page

    # Allocate the unallocated case from the list.
    response = manager_client.post(
        reverse("casework:case_reallocate", args=[moved.pk]),
        {"worker": practitioner.pk, "reason": "Has capacity"},
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.worker == practitioner


def test_team_caseload_is_for_managers_only(practitioner_client, other_worker_client, commissioner_client):
    url = reverse("casework:team_caseload")
    for client in (practitioner_client, other_worker_client, commissioner_client):
        assert client.get(url).status_code == 404


def test_team_caseload_nav_item_for_managers(manager_client, practitioner_client):
    home = reverse("accounts:home")
    assert "Team caseload" in manager_client.get(home).content.decode()
    assert "Team caseload" not in practitioner_client.get(home).content.decode()


def test_team_caseload_cannot_show_a_team_the_user_does_not_manage(manager_client, south_team, north_team):
    response = manager_client.get(reverse("casework:team_caseload"), {"team": south_team.pk})
    assert response.context["team"] == north_team


def test_team_caseload_query_count_does_not_grow(manager_client, manager, practitioner, north_team):
    url = reverse("casework:team_caseload")
    open_case(PersonFactory(), north_team, practitioner, manager)
    first_unallocated = open_case(PersonFactory(), north_team, practitioner, manager)
    Case.objects.filter(pk=first_unallocated.pk).update(worker=None)
    services.receive_referral(team=north_team, person=PersonFactory(), data=REFERRAL, by=manager)
    one = count_queries(manager_client, url)
    for i in range(20):
        c = open_case(
            PersonFactory(), north_team, practitioner if i % 2 else manager, manager, urgency="high"
        )
        if i % 3 == 0:
            c.worker = None
            c.save(update_fields=["worker"])
        services.receive_referral(team=north_team, person=PersonFactory(), data=REFERRAL, by=manager)
    assert count_queries(manager_client, url) == one


# --- Person page panels and case actions ------------------------------------------------


def test_person_page_shows_cases_with_manager_actions(manager_client, practitioner_client, case, person):
    url = reverse("cases:person_detail", args=[person.pk])
    page = manager_client.get(url).content.decode()
    for heading in ("Cases", "Chronology", "Employment and accommodation", "Information sharing decisions"):
        assert heading in page
    assert reverse("casework:case_close", args=[case.pk]) in page
    assert reverse("casework:note_create", args=[person.pk]) in page
    worker_page = practitioner_client.get(url).content.decode()
    assert reverse("casework:case_close", args=[case.pk]) not in worker_page
    assert reverse("casework:note_create", args=[person.pk]) in worker_page


def test_break_glass_reader_sees_panels_without_write_links(other_worker, other_worker_client, case, person):
    from cases.models import BreakGlassAccess

    BreakGlassAccess.objects.create(
        user=other_worker,
        person=person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    page = other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Chronology" in page and "North Working Age" in page
    assert reverse("casework:note_create", args=[person.pk]) not in page
    assert reverse("casework:case_close", args=[case.pk]) not in page
    # Break-glass never grants writing.
    assert other_worker_client.get(reverse("casework:note_create", args=[person.pk])).status_code == 404


def test_close_and_reopen_are_transitions_in_the_chronology(manager_client, case, person):
    close = reverse("casework:case_close", args=[case.pk])
    response = manager_client.post(close, {"reason": ""})
    assert "Enter why the case is being closed" in response.content.decode()
    assert manager_client.post(close, {"reason": "Goals met"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == "Goals met"

    response = manager_client.post(close, {"reason": "Again"})
    assert "This case is already closed" in response.content.decode()

    reopen = reverse("casework:case_reopen", args=[case.pk])
    assert manager_client.post(reopen, {"reason": "Relapse reported by GP"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert [t.event for t in case.transitions.all()] == ["opened", "closed", "reopened"]

    page = manager_client.get(reverse("casework:chronology", args=[person.pk])).content.decode()
    assert "Case closed" in page and "Goals met" in page
    assert "Case reopened" in page and "Relapse reported by GP" in page
    assert page.index("Case reopened") < page.index("Case closed")  # newest first
    panel = manager_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Case reopened" in panel and "Referral allocated" in panel


def test_invalid_transition_shows_a_form_error(manager_client, manager, practitioner, case):
    services.close_case(case_id=case.pk, by=manager, reason="Done")
    response = manager_client.post(
        reverse("casework:case_reallocate", args=[case.pk]), {"worker": manager.pk, "reason": "Cover"}
    )
    assert response.status_code == 200
    assert "This case is closed: reopen it first" in response.content.decode()


def test_reallocate_keeps_input_on_error_and_then_moves_the_case(manager_client, manager, case):
    url = reverse("casework:case_reallocate", args=[case.pk])
    response = manager_client.post(url, {"worker": manager.pk, "reason": ""})
    page = response.content.decode()
    assert "Enter why the case is being reallocated" in page
    assert f'value="{manager.pk}" id="id_worker_0" checked' in page
    response = manager_client.post(url, {"reason": "Cover"})
    assert "Select a worker" in response.content.decode()
    assert manager_client.post(url, {"worker": manager.pk, "reason": "Cover for leave"}).status_code == 302
    case.refresh_from_db()
    assert case.worker == manager


def test_transfer_moves_the_case_to_another_team(manager_client, case, south_team):
    url = reverse("casework:case_transfer", args=[case.pk])
    response = manager_client.post(url, {"reason": "Moved south"})
    assert "Select a team" in response.content.decode() and "Moved south" in response.content.decode()
    assert manager_client.post(url, {"to_team": south_team.pk, "reason": "Moved south"}).status_code == 302
    case.refresh_from_db()
    assert case.team == south_team and case.worker is None


def test_practitioner_cannot_use_case_actions(practitioner_client, case):
    for url in case_urls(case):
        assert practitioner_client.get(url).status_code == 403


# --- Record a contact -------------------------------------------------------------------


def test_record_a_contact(practitioner_client, practitioner, case, person):
    url = reverse("casework:note_create", args=[person.pk])
    assert practitioner_client.get(url).status_code == 200
    today = timezone.localdate()
    response = practitioner_client.post(
        url,
        {
            "kind": "visit",
            "date_day": today.day,
            "date_month": today.month,
            "date_year": today.year,
            "time": "00:05",
            "case": case.pk,
            "text": "Visited at home; eating better",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.case, note.author, note.kind) == (case, practitioner, "visit")
    assert timezone.localtime(note.occurred_at).time() == datetime.time(0, 5)
    assert note.history.count() == 1 and note.history.get().history_user == practitioner
    chronology = practitioner_client.get(reverse("casework:chronology", args=[person.pk])).content.decode()
    assert "Visit" in chronology and "eating better" in chronology


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select the type of contact"),
        ({"time": "25:99"}, "Enter a real time, like 09:30 or 14:05"),
        ({"time": "half two"}, "Enter the time in the 24-hour clock, like 09:30 or 14:05"),
        ({"time": ""}, "Enter the time of the contact"),
        ({"date_day": "31", "date_month": "2"}, "Enter a real date"),
        ({"date_day": "", "date_month": "", "date_year": ""}, "Enter the date of the contact"),
        ({"date_year": "2999"}, "The date and time of the contact must be in the past"),
        ({"text": "  "}, "Enter what happened"),
    ],
)
def test_record_a_contact_bad_input_keeps_what_was_typed(practitioner_client, person, overrides, message):
    data = {
        "kind": "phone",
        "date_day": "3",
        "date_month": "2",
        "date_year": "2026",
        "time": "14:05",
        "text": "Rang to check in about the appointment",
        **overrides,
    }
    response = practitioner_client.post(reverse("casework:note_create", args=[person.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "There is a problem" in page
    assert not CaseNote.objects.exists()
    if "text" not in overrides:
        assert "Rang to check in about the appointment" in page
    if "time" in overrides and overrides["time"]:
        assert f'value="{overrides["time"]}"' in page


def test_a_closed_case_cannot_be_chosen_for_a_note(practitioner_client, manager, case, person):
    services.close_case(case_id=case.pk, by=manager, reason="Done")
    response = practitioner_client.post(
        reverse("casework:note_create", args=[person.pk]),
        {"kind": "phone", "date_day": "3", "date_month": "2", "date_year": "2026", "time": "10:00",
         "case": case.pk, "text": "Call"},
    )  # fmt: skip
    assert "Select one of the person&#x27;s open cases" in response.content.decode()


# --- Note corrections (service) ---------------------------------------------------------


def test_only_the_author_may_correct_a_note_within_24_hours(practitioner, manager, person):
    at = timezone.now() - datetime.timedelta(hours=1)
    note = services.record_case_note(
        person=person, kind="phone", occurred_at=at, text="Call", by=practitioner
    )
    with pytest.raises(services.DomainError, match="Only the person who wrote"):
        services.update_case_note(note_id=note.pk, kind="phone", occurred_at=at, text="Edited", by=manager)
    services.update_case_note(
        note_id=note.pk,
        kind="visit",
        occurred_at=at,
        text="Visit, not a call",
        by=practitioner,
        reason="Typo",
    )
    assert [h.text for h in note.history.all()] == ["Visit, not a call", "Call"]
    assert note.history.first().history_change_reason == "Typo"
    later = time_machine.travel(timezone.now() + datetime.timedelta(hours=25))
    with later, pytest.raises(services.DomainError, match="24 hours"):
        services.update_case_note(note_id=note.pk, kind="visit", occurred_at=at, text="Late", by=practitioner)


# --- Employment and accommodation -------------------------------------------------------


def test_record_a_status_check(practitioner_client, practitioner, person):
    url = reverse("casework:status_check_create", args=[person.pk])
    response = practitioner_client.post(url, {"employment": "seeking"})
    page = response.content.decode()
    assert "Select the person&#x27;s accommodation status" in page and "Enter the date it was checked" in page
    assert re.search(r'value="seeking" id="[^"]+" checked', page)
    assert (
        practitioner_client.post(
            url,
            {
                "employment": "seeking",
                "accommodation": "supported",
                "checked_on_day": "1",
                "checked_on_month": "9",
                "checked_on_year": "2026",
            },
        ).status_code
        == 302
    )
    check = StatusCheck.objects.get()
    assert check.checked_on == datetime.date(2026, 9, 1) and check.recorded_by == practitioner
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Supported accommodation" in page and "1 September 2026" in page


def test_status_check_date_cannot_be_in_the_future(practitioner_client, person):
    response = practitioner_client.post(
        reverse("casework:status_check_create", args=[person.pk]),
        {"employment": "paid", "accommodation": "owner_or_tenant", "checked_on_day": "1",
         "checked_on_month": "1", "checked_on_year": "2999"},
    )  # fmt: skip
    assert "The date it was checked must be today or in the past" in response.content.decode()


# --- Information sharing ----------------------------------------------------------------


def test_record_a_sharing_decision(practitioner_client, practitioner, person):
    url = reverse("casework:sharing_decision_create", args=[person.pk])
    response = practitioner_client.post(url, {"shared_with": "Dr Hussein, Mill Lane Surgery"})
    page = response.content.decode()
    for message in (
        "Enter what was shared",
        "Select the basis for sharing",
        "Enter why the information was shared",
    ):
        assert message in page
    assert "Dr Hussein, Mill Lane Surgery" in page
    data = {
        "what_was_shared": "Current medication and risk summary",
        "shared_with": "Dr Hussein, Mill Lane Surgery",
        "basis": "consent",
        "reason": "GP reviewing medication",
    }
    assert practitioner_client.post(url, data).status_code == 302
    decision = InformationSharingDecision.objects.get()
    assert decision.decided_by == practitioner and decision.basis == "consent"
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Current medication and risk summary" in page


# --- Access: strangers get 404, one access-log row per request --------------------------


@pytest.mark.parametrize("client_fixture", ["other_worker_client", "commissioner_client", "stranger_client"])
def test_strangers_get_404_on_every_casework_url(request, client_fixture, case, person):
    client = request.getfixturevalue(client_fixture)
    for url in [*person_urls(person), *case_urls(case), reverse("casework:team_caseload")]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert not AccessLog.objects.exists()


def test_a_manager_of_another_team_gets_404_on_case_actions(case, south_team):
    from django.test import Client

    client = Client()
    client.force_login(make_member(south_team, Role.TEAM_MANAGER))
    for url in case_urls(case):
        assert client.get(url).status_code == 404


def test_one_access_log_row_per_person_scoped_request(manager_client, manager, case, person):
    urls = [*person_urls(person), *case_urls(case), reverse("cases:person_detail", args=[person.pk])]
    for url in urls:
        before = AccessLog.objects.count()
        assert manager_client.get(url).status_code == 200, url
        assert AccessLog.objects.count() == before + 1, url
        assert AccessLog.objects.latest("pk").user == manager
    before = AccessLog.objects.count()
    manager_client.post(reverse("casework:note_create", args=[person.pk]), {"kind": "phone"})
    assert AccessLog.objects.count() == before + 1


def test_after_transfer_the_old_team_loses_the_case_pages(manager_client, manager, north_team, south_team):
    newcomer = PersonFactory()
    moved = open_case(newcomer, north_team, manager, manager)
    services.transfer_case(case_id=moved.pk, to_team=south_team, by=manager, reason="Moved")
    for url in [*case_urls(moved), *person_urls(newcomer)]:
        assert manager_client.get(url).status_code == 404


# --- Chronology -------------------------------------------------------------------------


def test_chronology_panel_links_to_the_full_paginated_page(practitioner_client, practitioner, case, person):
    for i in range(30):
        services.record_case_note(
            person=person,
            kind="phone",
            occurred_at=timezone.now() - datetime.timedelta(days=i + 1),
            text=f"Call number {i}",
            by=practitioner,
        )
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Call number 0<" in page and "Call number 25<" not in page
    assert "See the full chronology" in page
    url = reverse("casework:chronology", args=[person.pk])
    first = practitioner_client.get(url).content.decode()
    second = practitioner_client.get(url, {"page": 2}).content.decode()
    assert "Referral received" in first and "Call number 21<" in first and "Call number 22<" not in first
    assert "Call number 29" in second and "Referral received" not in second


def test_chronology_query_count_does_not_grow(practitioner_client, practitioner, manager, case, person):
    url = reverse("casework:chronology", args=[person.pk])
    detail = reverse("cases:person_detail", args=[person.pk])
    one, one_detail = count_queries(practitioner_client, url), count_queries(practitioner_client, detail)
    for i in range(30):
        services.record_case_note(
            person=person,
            case=case,
            kind="visit",
            occurred_at=timezone.now(),
            text=f"Visit {i}",
            by=practitioner,
        )
    services.close_case(case_id=case.pk, by=manager, reason="Done")
    services.reopen_case(case_id=case.pk, by=manager, reason="Back")
    for _ in range(5):
        services.grant_team_relationship(
            person=PersonFactory(), team=case.team, kind=RelationshipKind.TEAM_CASE, source="test:x"
        )
    assert count_queries(practitioner_client, url) == one
    assert count_queries(practitioner_client, detail) == one_detail
    assert Case.objects.count() == 1


# --- Correcting a note (author, 24 hours, history kept) ---------------------------------


@pytest.fixture
def note(person, practitioner):
    return services.record_case_note(
        person=person,
        kind="phone",
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        text="Rang about benefits",
        by=practitioner,
    )


def test_the_author_corrects_a_note_and_the_history_is_kept(practitioner_client, practitioner, person, note):
    chronology = practitioner_client.get(reverse("casework:chronology", args=[person.pk])).content.decode()
    url = reverse("casework:note_edit", args=[person.pk, note.pk])
    assert url in chronology
    page = practitioner_client.get(url).content.decode()
    assert "Rang about benefits" in page and "Change a note" in page
    at = timezone.localtime(note.occurred_at)
    data = {
        "kind": "visit",
        "date_day": at.day,
        "date_month": at.month,
        "date_year": at.year,
        "time": f"{at:%H:%M}",
        "text": "",
        "reason": "It was a visit",
    }
    response = practitioner_client.post(url, data)
    assert (
        "Enter what happened" in response.content.decode() and "It was a visit" in response.content.decode()
    )
    assert practitioner_client.post(url, {**data, "text": "Visited about benefits"}).status_code == 302
    note.refresh_from_db()
    assert (note.kind, note.text) == ("visit", "Visited about benefits")
    assert [v.text for v in note.history.all()] == ["Visited about benefits", "Rang about benefits"]
    page = practitioner_client.get(url).content.decode()
    assert "Versions, newest first" in page and "It was a visit" in page and "Rang about benefits" in page


def test_others_and_late_changes_are_refused(
    manager_client, practitioner_client, other_worker_client, person, note
):
    url = reverse("casework:note_edit", args=[person.pk, note.pk])
    assert (
        reverse("casework:note_edit", args=[person.pk, note.pk])
        not in manager_client.get(reverse("casework:chronology", args=[person.pk])).content.decode()
    )
    assert manager_client.get(url).status_code == 403
    assert other_worker_client.get(url).status_code == 404
    CaseNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert practitioner_client.get(url).status_code == 403
    assert practitioner_client.get(reverse("casework:note_edit", args=[person.pk, 999999])).status_code == 404
