"""Referral pages: the staff form, the triage queue (order, RAG bands, filters, query counts),
the referral page with its triage decisions, matching a public referral, and access."""

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
    Referral,
    ReferralQueueSettings,
    ReferralStatus,
    ReferralTransition,
)
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

NEW = reverse("referrals:new")
QUEUE = reverse("referrals:queue")

REFERRAL = {
    "source": "gp",
    "received_via": "phone",
    "reason": "Low mood, not eating, missed work",
    "urgency": "routine",
    "referrer_name": "Dr Amal Hussein",
}


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.pk])


def refer(team, person, by, **data):
    return services.receive_referral(team=team, person=person, data={**REFERRAL, **data}, by=by)


def form_post(receiving_team, /, **overrides):
    now = timezone.localtime()
    data = {
        "action": "refer",
        "source": "gp",
        "received_via": "phone",
        "referrer_name": "Dr Amal Hussein",
        "referrer_role": "GP",
        "referrer_organisation": "Mill Lane Surgery",
        "referrer_phone": "01603 000000",
        "referrer_email": "amal@example.org",
        "reason": "Low mood, not eating, missed work",
        "presenting_needs": "Struggling with daily tasks",
        "known_risks": "None known",
        "urgency": "high",
        "team": receiving_team.pk,
        "consent_leaflet_given": "on",
        "consent_to_share": "yes",
        "received_on_day": now.day,
        "received_on_month": now.month,
        "received_on_year": now.year,
        "received_time": "09:15",
    }
    data.update(overrides)
    return data


@pytest.fixture
def business_support(north_team):
    return make_member(north_team, Role.BUSINESS_SUPPORT, full_name="Bea Support")


@pytest.fixture
def business_support_client(business_support):
    from django.test import Client

    client = Client()
    client.force_login(business_support)
    return client


@pytest.fixture
def newcomer():
    return PersonFactory(given_name="Grace", family_name="Lindqvist")


@pytest.fixture
def referral(north_team, newcomer, manager):
    return refer(north_team, newcomer, manager, urgency="high")


# --- Staff referral form ----------------------------------------------------------------


def test_referral_from_the_person_page(practitioner_client, person, north_team, south_team):
    person_page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    link = f"{NEW}?person={person.pk}"
    assert link in person_page and "Make a referral" in person_page
    page = practitioner_client.get(link).content.decode()
    assert "Amira Okafor" in page and "Already known to North Working Age" in page
    response = practitioner_client.post(link, form_post(south_team))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == reverse("referrals:created", args=[referral.pk])
    assert referral.person == person and referral.team == south_team and referral.urgency == "high"
    assert referral.received_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") == "09:15"
    assert referral.consent_leaflet_given and referral.referrer_email == "amal@example.org"
    # The one who took it sees the reference, though the referral is in another team's queue.
    page = practitioner_client.get(response.url).content.decode()
    assert referral.reference in page and "South Working Age" in page and "Amira" not in page
    assert practitioner_client.get(detail_url(referral)).status_code == 404


def test_business_support_refers_someone_known_to_another_team(
    business_support_client, north_team, south_team
):
    other = PersonFactory(given_name="Kwame", family_name="Mensah")
    services.grant_team_relationship(person=other, team=south_team, kind="team_case", source="test:south")
    found = business_support_client.post(NEW, {"action": "search", "find-name": "Kwame Mensah"})
    body = found.content.decode()
    assert "Kwame Mensah" in body and "Already known to South Working Age" in body
    assert f'name="person" type="radio" value="{other.pk}"' in body
    response = business_support_client.post(
        NEW, form_post(north_team, **{"find-name": "Kwame Mensah", "person": other.pk})
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.person == other and referral.team == north_team
    page = business_support_client.get(response.url).content.decode()
    assert referral.reference in page


def test_search_keeps_what_was_typed_without_showing_errors(business_support_client, north_team):
    response = business_support_client.post(
        NEW, {"action": "search", "find-name": "Nobody Here", "reason": "Typed before searching"}
    )
    body = response.content.decode()
    assert "Typed before searching" in body and "There is a problem" not in body
    assert "No one matches" in body


def test_the_chosen_person_must_come_from_the_search(business_support_client, north_team, newcomer):
    stranger = PersonFactory(given_name="Ravi", family_name="Patel")
    response = business_support_client.post(
        NEW, form_post(north_team, **{"find-name": "Grace Lindqvist", "person": stranger.pk})
    )
    assert response.status_code == 200
    assert "Search for the person and select who the referral is about" in response.content.decode()
    assert not Referral.objects.exists()


def test_bad_input_gets_messages_and_keeps_what_was_typed(practitioner_client, person, north_team):
    data = form_post(
        north_team,
        source="",
        reason="",
        team="",
        received_time="25:99",
        referrer_email="not an email",
        presenting_needs="Kept after the error",
    )
    data.pop("received_via")
    body = practitioner_client.post(f"{NEW}?person={person.pk}", data).content.decode()
    for message in (
        "Select where the referral came from",
        "Select how the referral was received",
        "Enter the reason for the referral",
        "Select the receiving team",
        "Enter a real time, like 09:30 or 14:15",
        "Enter an email address in the correct format, like name@example.org",
    ):
        assert message in body
    assert "Kept after the error" in body and "Dr Amal Hussein" in body and "25:99" in body
    assert not Referral.objects.exists()


def test_the_person_link_needs_a_relationship(other_worker_client, person):
    assert other_worker_client.get(f"{NEW}?person={person.pk}").status_code == 404


def test_team_choices_are_the_receiving_service_lines(practitioner_client, commissioning_team, north_team):
    body = practitioner_client.get(NEW).content.decode()
    assert "North Working Age" in body and "Commissioning" not in body


# --- Access ------------------------------------------------------------------------------


def test_a_worker_in_another_team_gets_404(other_worker_client, referral):
    assert other_worker_client.get(detail_url(referral)).status_code == 404
    assert other_worker_client.get(reverse("referrals:created", args=[referral.pk])).status_code == 404
    assert other_worker_client.get(reverse("referrals:match", args=[referral.pk])).status_code == 404


def test_commissioners_get_404_on_every_referral_page(commissioner_client, referral):
    for url in (
        NEW,
        QUEUE,
        detail_url(referral),
        reverse("referrals:created", args=[referral.pk]),
        reverse("referrals:match", args=[referral.pk]),
    ):
        assert commissioner_client.get(url).status_code == 404, url


def test_opening_a_referral_logs_one_read_of_the_person(manager_client, referral, manager):
    before = AccessLog.objects.count()
    assert manager_client.get(detail_url(referral)).status_code == 200
    assert AccessLog.objects.count() == before + 1
    log = AccessLog.objects.latest("pk")
    assert log.person == referral.person and log.user == manager


def test_practitioners_see_a_referral_but_cannot_decide(practitioner_client, practitioner, referral):
    body = practitioner_client.get(detail_url(referral)).content.decode()
    assert "Grace Lindqvist" in body and "Triage decision" not in body
    response = practitioner_client.post(detail_url(referral), {"decision": "nfa", "reason": "x"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE


# --- Triage decisions ---------------------------------------------------------------------


def test_allocate_through_the_page(manager_client, referral, practitioner):
    page = manager_client.get(detail_url(referral)).content.decode()
    assert "Triage decision" in page and "Pat Practitioner" in page and "Received" in page
    response = manager_client.post(
        detail_url(referral), {"decision": "allocate", "worker": practitioner.pk, "reason": "Has capacity"}
    )
    assert response.status_code == 302 and response.url.startswith(QUEUE)
    case = Case.objects.get(referral=referral)
    assert case.worker == practitioner
    followed = manager_client.get(response.url).content.decode()
    assert f"Referral {referral.reference} was allocated." in followed


def test_allocate_needs_a_worker(manager_client, referral):
    body = manager_client.post(detail_url(referral), {"decision": "allocate"}).content.decode()
    assert "Select a worker to allocate" in body
    body = manager_client.post(detail_url(referral), {}).content.decode()
    assert "Select a decision" in body


def test_signpost_through_the_page(manager_client, referral):
    body = manager_client.post(detail_url(referral), {"decision": "signpost"}).content.decode()
    assert "Enter the information or advice given" in body
    response = manager_client.post(
        detail_url(referral), {"decision": "signpost", "advice": "Talking therapies details given"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SIGNPOSTED
    assert referral.signpost_advice == "Talking therapies details given"


def test_clinical_pathway_through_the_page(manager_client, referral):
    body = manager_client.post(detail_url(referral), {"decision": "clinical"}).content.decode()
    assert "Enter why the referral goes to the trust&#x27;s clinical pathway" in body
    response = manager_client.post(
        detail_url(referral), {"decision": "clinical", "reason": "Needs a psychiatrist"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLINICAL_PATHWAY


def test_transfer_through_the_page(manager_client, referral, south_team, other_worker):
    body = manager_client.post(
        detail_url(referral), {"decision": "transfer", "reason": "Lives south"}
    ).content
    assert "Select the team to transfer to" in body.decode()
    response = manager_client.post(
        detail_url(referral), {"decision": "transfer", "to_team": south_team.pk, "reason": "Lives south"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.team == south_team and referral.status == ReferralStatus.AWAITING_TRIAGE
    # The referral left the north queue: its old team no longer reaches it.
    assert manager_client.get(detail_url(referral)).status_code == 404


def test_no_further_action_through_the_page(manager_client, referral):
    response = manager_client.post(detail_url(referral), {"decision": "nfa", "reason": "Needs met elsewhere"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (
        referral.status == ReferralStatus.NO_FURTHER_ACTION
        and referral.decision_reason == "Needs met elsewhere"
    )


def test_a_decided_referral_shows_its_outcome_and_refuses_another_decision(manager_client, referral, manager):
    services.close_referral_no_further_action(
        referral_id=referral.pk, by=manager, reason="Needs met elsewhere"
    )
    page = manager_client.get(detail_url(referral)).content.decode()
    assert "Outcome" in page and "Needs met elsewhere" in page and "Triage decision" not in page
    response = manager_client.post(
        detail_url(referral), {"decision": "clinical", "reason": "Changed my mind"}
    )
    assert response.status_code == 200
    assert "This referral is already no further action: it cannot be changed now" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NO_FURTHER_ACTION
    assert ReferralTransition.objects.filter(referral=referral).count() == 2


def test_history_shows_who_decided_what(manager_client, referral, manager, south_team):
    services.transfer_referral(referral_id=referral.pk, to_team=south_team, by=manager, reason="Lives south")
    referral.refresh_from_db()
    south_manager = make_member(south_team, Role.TEAM_MANAGER, full_name="Sol Southmanager")
    from django.test import Client

    client = Client()
    client.force_login(south_manager)
    page = client.get(detail_url(referral)).content.decode()
    assert "Transferred" in page and "Lives south" in page and "Mo Manager" in page


# --- Public referrals: match to a person ------------------------------------------------------


def test_an_unverified_referral_is_matched_to_a_person(manager_client, north_team, newcomer, practitioner):
    public = services.receive_public_referral(
        team=north_team,
        subject_details={"name": "Grace Lindqvist"},
        data={"reason": "Worried about my sister"},
    )
    queue = manager_client.get(QUEUE).content.decode()
    assert "Unverified: Grace Lindqvist" in queue
    before = AccessLog.objects.count()
    page = manager_client.get(detail_url(public)).content.decode()
    assert AccessLog.objects.count() == before  # no person yet: nothing read
    assert "Match to a person" in page and "Grace Lindqvist" in page
    match = reverse("referrals:match", args=[public.pk])
    found = manager_client.post(match, {"action": "search", "find-name": "Grace Lindqvist"}).content.decode()
    assert f'value="{newcomer.pk}"' in found
    missing = manager_client.post(match, {"action": "match", "find-name": "Grace Lindqvist"})
    assert "Select the person this referral is about" in missing.content.decode()
    response = manager_client.post(
        match, {"action": "match", "find-name": "Grace Lindqvist", "person": newcomer.pk}
    )
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.person == newcomer and public.is_verified


# --- Triage queue -------------------------------------------------------------------------------


def queue_references(body: str) -> list[str]:
    return re.findall(r'href="/referrals/\d+/">(R[0-9A-Z]{7})</a>', body)


def test_queue_orders_by_urgency_then_oldest(manager_client, manager, north_team):
    now = timezone.now()
    made = {}
    for name, urgency, days_ago in [
        ("routine_old", "routine", 9),
        ("urgent_new", "urgent", 0),
        ("high_old", "high", 5),
        ("urgent_old", "urgent", 3),
        ("high_new", "high", 1),
    ]:
        made[name] = refer(
            north_team,
            PersonFactory(),
            manager,
            urgency=urgency,
            received_at=now - datetime.timedelta(days=days_ago),
        )
    decided = refer(north_team, PersonFactory(), manager, urgency="urgent")
    services.close_referral_no_further_action(referral_id=decided.pk, by=manager, reason="Not needed")
    body = manager_client.get(QUEUE).content.decode()
    expected = ["urgent_old", "urgent_new", "high_old", "high_new", "routine_old"]
    assert queue_references(body) == [made[n].reference for n in expected]
    assert re.search(r'id="count-urgent">2<', body) and re.search(r'id="count-routine">1<', body)
    filtered = manager_client.get(QUEUE, {"urgency": "high"}).content.decode()
    assert queue_references(filtered) == [made["high_old"].reference, made["high_new"].reference]


def test_queue_team_filter_is_among_the_users_teams(
    manager, north_team, south_team, manager_client, newcomer
):
    other = refer(south_team, PersonFactory(), manager)
    body = manager_client.get(QUEUE, {"team": south_team.pk}).content.decode()
    assert other.reference not in body


def test_queue_defaults_to_a_team_with_referrals(north_team, south_team, manager):
    from django.test import Client

    both = make_member(north_team, Role.TEAM_MANAGER, full_name="Bo Both")
    from accounts import services as account_services

    account_services.add_membership(user=both, team=south_team, role=Role.TEAM_MANAGER)
    waiting = refer(south_team, PersonFactory(), manager)
    client = Client()
    client.force_login(both)
    assert waiting.reference in client.get(QUEUE).content.decode()


# 2026-11-23 is a Monday; 2026-11-16 the Monday before.
MONDAY = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("received_days_ago", "waiting", "band", "text"),
    [
        (3, 1, "govuk-tag--green", "On time"),  # Friday: 1 working day
        (4, 2, "govuk-tag--yellow", "Due soon"),  # Thursday: 2, the amber threshold
        (6, 4, "govuk-tag--yellow", "Due soon"),  # Tuesday: 4
        (7, 5, "govuk-tag--red", "Overdue"),  # Monday before: 5, the red threshold
    ],
)
def test_rag_bands_at_default_thresholds(
    manager_client, manager, north_team, received_days_ago, waiting, band, text
):
    with time_machine.travel(MONDAY, tick=False):
        refer(
            north_team,
            PersonFactory(),
            manager,
            received_at=MONDAY - datetime.timedelta(days=received_days_ago),
        )
        body = manager_client.get(QUEUE).content.decode()
        assert f"{waiting} day" in body
        assert f'<strong class="govuk-tag {band}">{text}</strong>' in body
        other_bands = {"green", "amber", "red"} - {text_band(text)}
        assert (
            len(queue_references(manager_client.get(QUEUE, {"band": text_band(text)}).content.decode())) == 1
        )
        for other in other_bands:
            assert queue_references(manager_client.get(QUEUE, {"band": other}).content.decode()) == []


def text_band(text):
    return {"On time": "green", "Due soon": "amber", "Overdue": "red"}[text]


def test_rag_bands_follow_the_teams_settings(manager_client, manager, north_team):
    ReferralQueueSettings.objects.create(
        team=north_team, amber_after_working_days=1, red_after_working_days=3
    )
    with time_machine.travel(MONDAY, tick=False):
        refer(north_team, PersonFactory(), manager, received_at=MONDAY - datetime.timedelta(days=3))  # 1 day
        refer(north_team, PersonFactory(), manager, received_at=MONDAY - datetime.timedelta(days=5))  # 3 days
        refer(north_team, PersonFactory(), manager, received_at=MONDAY)  # 0 days
        body = manager_client.get(QUEUE).content.decode()
    assert body.count('govuk-tag--red">Overdue') == 1
    assert body.count('govuk-tag--yellow">Due soon') == 1
    assert body.count('govuk-tag--green">On time') == 1


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_does_not_grow_with_rows(manager_client, manager, north_team):
    public = services.receive_public_referral(
        team=north_team, subject_details={"name": "A Person"}, data={"reason": "x"}
    )
    assert public.person is None
    refer(north_team, PersonFactory(), manager)
    one = count_queries(manager_client, QUEUE)
    for _ in range(29):
        refer(north_team, PersonFactory(), manager, urgency="urgent")
    many = count_queries(manager_client, QUEUE)
    assert one == many


def test_home_panel_shows_waiting_counts(manager_client, referral):
    body = manager_client.get(reverse("accounts:home")).content.decode()
    assert "Triage queue" in body and "<strong>1</strong> referral waiting for triage" in body


def test_nav_shows_the_queue_to_business_support_not_practitioners(
    business_support_client, practitioner_client
):
    assert f'href="{QUEUE}"' in business_support_client.get(reverse("accounts:home")).content.decode()
    assert f'href="{QUEUE}"' not in practitioner_client.get(reverse("accounts:home")).content.decode()


def test_business_support_matches_an_online_referral(north_team):
    from django.test import Client

    from accounts.models import Role
    from cases import services as case_services
    from tests.factories import make_member

    support = make_member(north_team, Role.BUSINESS_SUPPORT)
    referral = case_services.receive_public_referral(
        team=north_team, subject_details={"name": "Ola Ade"}, data={"reason": "Not coping", "source": "self"}
    )
    client = Client()
    client.force_login(support)
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Match to a person" in detail and "Save decision" not in detail
    assert client.get(reverse("referrals:match", args=[referral.pk])).status_code == 200


def test_a_manager_in_one_team_is_only_a_practitioner_in_another(manager, south_team):
    from django.test import Client

    from accounts import services as account_services
    from accounts.models import Role
    from cases import services as case_services
    from cases.models import ReferralStatus
    from tests.factories import PersonFactory

    account_services.add_membership(user=manager, team=south_team, role=Role.PRACTITIONER)
    referral = case_services.receive_referral(
        team=south_team,
        person=PersonFactory(),
        data={"source": "gp", "received_via": "phone", "reason": "x"},
        by=manager,
    )
    client = Client()
    client.force_login(manager)
    url = reverse("referrals:detail", args=[referral.pk])
    assert "Save decision" not in client.get(url).content.decode()
    response = client.post(url, {"decision": "nfa", "reason": "Not for us"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE


def test_break_glass_cannot_start_a_referral(other_worker, other_worker_client, person):
    """Emergency access is read-only: a referral would give the user's team access."""
    from django.utils import timezone

    from cases.models import BreakGlassAccess, Referral

    BreakGlassAccess.objects.create(
        user=other_worker,
        person=person,
        reason="Urgent welfare check by the police tonight",
        expires_at=timezone.now() + timezone.timedelta(minutes=60),
    )
    assert other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 200
    url = reverse("referrals:new") + f"?person={person.pk}"
    assert other_worker_client.get(url).status_code == 404
    assert other_worker_client.post(url, {"action": "refer"}).status_code == 404
    assert not Referral.objects.exists()
