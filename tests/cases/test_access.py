"""The access model: relationships, 404 for strangers, break-glass, restricted records,
commissioners, and one access-log row per person-scoped request (DESIGN.md sections 2-3)."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import AccessBasis, AccessLog, BreakGlassAccess, RelationshipKind
from cases.permissions import has_relationship
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every URL that shows or changes one person's data. Break-glass is not here: it shows only
# the search stub and is tested on its own.
PERSON_URL_NAMES = [
    "cases:person_detail",
    "cases:person_edit",
    "cases:person_history",
    "cases:person_restriction",
    "cases:contact_add",
]


CONTACT_URL_NAMES = ["cases:contact_edit", "cases:contact_remove"]


def person_urls(person):
    """Every person-scoped URL, including those of one of the person's contacts."""
    contact = person.contacts.first() or services.add_contact(
        person=person, data={"kind": "carer", "name": "Kim Carer", "relationship": "friend"}, by=None
    )
    return [reverse(name, args=[person.pk]) for name in PERSON_URL_NAMES] + [
        reverse(name, args=[person.pk, contact.pk]) for name in CONTACT_URL_NAMES
    ]


def test_team_member_opens_the_record(practitioner_client, person):
    response = practitioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    assert response.status_code == 200
    assert person.given_name in response.content.decode()


@pytest.mark.parametrize("client_name", ["other_worker_client", "stranger_client", "commissioner_client"])
def test_strangers_get_404_on_every_person_url(request, client_name, person):
    client = request.getfixturevalue(client_name)
    for url in person_urls(person):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert not AccessLog.objects.filter(person=person).exists()


def test_missing_and_forbidden_look_the_same(other_worker_client, person):
    forbidden = other_worker_client.get(reverse("cases:person_detail", args=[person.pk]))
    missing = other_worker_client.get(reverse("cases:person_detail", args=[person.pk + 999]))
    assert forbidden.status_code == missing.status_code == 404

    def without_per_request_tokens(response):  # CSP nonce and CSRF token differ every time
        import re

        return re.sub(rb'(nonce|value)="[^"]{16,}"', b"", response.content)

    assert without_per_request_tokens(forbidden) == without_per_request_tokens(missing)


@pytest.mark.parametrize("index", range(len(PERSON_URL_NAMES) + len(CONTACT_URL_NAMES)))
def test_every_person_view_writes_exactly_one_access_log_row(manager_client, manager, person, index):
    url = person_urls(person)[index]
    before = AccessLog.objects.count()
    response = manager_client.get(url)
    assert response.status_code == 200
    rows = list(AccessLog.objects.order_by("-pk")[: AccessLog.objects.count() - before])
    assert len(rows) == 1
    row = rows[0]
    assert (row.user, row.person, row.action, row.basis) == (
        manager,
        person,
        "view",
        AccessBasis.RELATIONSHIP,
    )
    assert row.organisation.name == "Northshire County Council"


def test_access_log_refuses_update_and_delete_at_the_database(practitioner_client, person):
    practitioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    row = AccessLog.objects.get(person=person)
    errors = (InternalError, ProgrammingError, IntegrityError)
    with pytest.raises(errors, match="cannot be changed"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(action="print")
    with pytest.raises(errors, match="cannot be changed"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).action == "view"
    from django.db import connection

    with (
        pytest.raises(errors, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL mhsc.allow_truncate = 'off'")  # as in production
        cursor.execute("TRUNCATE cases_accesslog CASCADE")
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_relationship_ends_and_access_goes(practitioner_client, person, north_team):
    relationship = person.relationships.get(team=north_team)
    services.end_relationship(relationship=relationship)
    url = reverse("cases:person_detail", args=[person.pk])
    assert practitioner_client.get(url).status_code == 404


def test_permission_stays_while_another_relationship_needs_it(practitioner, person, north_team):
    second = services.grant_team_relationship(
        person=person,
        team=north_team,
        kind=RelationshipKind.REFERRAL,
        source="test:referral",
    )
    first = person.relationships.get(source="test:case")
    services.end_relationship(relationship=first)
    assert has_relationship(practitioner, person)
    services.end_relationship(relationship=second)
    assert not has_relationship(practitioner, person)


def test_granting_twice_is_a_no_op(person, north_team):
    again = services.grant_team_relationship(
        person=person,
        team=north_team,
        kind=RelationshipKind.TEAM_CASE,
        source="test:case",
    )
    assert person.relationships.active().filter(team=north_team).count() == 1
    assert again.source == "test:case"


def test_user_relationship_grants_only_that_user(other_worker, other_worker_client, person):
    services.grant_user_relationship(
        person=person, user=other_worker, kind=RelationshipKind.MHA_ASSESSMENT, source="test:mha"
    )
    assert other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 200


def test_new_team_member_gains_access_and_leaver_loses_it(person, north_team):
    from django.test import Client

    from accounts import services as account_services

    newcomer = UserFactory()
    membership = account_services.add_membership(user=newcomer, team=north_team, role=Role.PRACTITIONER)
    client = Client()
    client.force_login(newcomer)
    url = reverse("cases:person_detail", args=[person.pk])
    assert client.get(url).status_code == 200
    account_services.end_membership(membership=membership)
    assert client.get(url).status_code == 404


def test_superuser_without_relationship_gets_404(person):
    from django.test import Client

    admin = UserFactory(is_superuser=True, is_staff=True)
    from accounts import services as account_services
    from tests.factories import make_team

    account_services.add_membership(user=admin, team=make_team("Admin team"), role=Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 404


# --- Break-glass ---------------------------------------------------------------------


def find(client, person):
    """Search for the person as staff do before asking for emergency access."""
    return client.post(reverse("cases:person_search"), {"nhs_number": person.nhs_number}, follow=True)


def break_glass(client, person, reason="Police called about an urgent welfare concern tonight"):
    find(client, person)
    return client.post(reverse("cases:break_glass", args=[person.pk]), {"reason": reason})


def test_break_glass_needs_a_reason_of_20_characters(other_worker_client, person):
    response = break_glass(other_worker_client, person, reason="need it")
    assert response.status_code == 200
    assert "at least 20 characters" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 404


def test_break_glass_opens_the_record_for_60_minutes_and_logs_it(
    other_worker_client, other_worker, person, settings
):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(hours=2)  # stay signed in across the hour
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = break_glass(other_worker_client, person)
        assert response.status_code == 302
        detail = other_worker_client.get(reverse("cases:person_detail", args=[person.pk]))
        assert detail.status_code == 200
        assert "Emergency access" in detail.content.decode()
    row = AccessLog.objects.get(person=person, user=other_worker)
    assert row.basis == AccessBasis.BREAK_GLASS
    access = BreakGlassAccess.objects.get()
    assert access.expires_at - access.started_at == datetime.timedelta(minutes=60)
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 404


def test_break_glass_does_not_allow_editing(other_worker_client, person):
    break_glass(other_worker_client, person)
    assert other_worker_client.get(reverse("cases:person_edit", args=[person.pk])).status_code == 404


def test_break_glass_is_refused_for_restricted_records(other_worker_client, person):
    find(other_worker_client, person)  # seen while still unrestricted
    person.is_restricted = True
    person.save()
    url = reverse("cases:break_glass", args=[person.pk])
    assert other_worker_client.get(url).status_code == 404
    reason = "Police called about an urgent welfare concern tonight"
    assert other_worker_client.post(url, {"reason": reason}).status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_commissioner_cannot_break_glass(commissioner_client, person):
    assert commissioner_client.get(reverse("cases:break_glass", args=[person.pk])).status_code == 404
    assert break_glass(commissioner_client, person).status_code == 404


def test_privacy_officer_sees_and_reviews_break_glass(
    other_worker_client, privacy_officer_client, privacy_officer, person
):
    break_glass(other_worker_client, person)
    listing = privacy_officer_client.get(reverse("cases:break_glass_reviews"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Sam Southteam" in body and "urgent welfare concern" in body
    access = BreakGlassAccess.objects.get()
    url = reverse("cases:break_glass_review", args=[access.pk])
    empty = privacy_officer_client.post(url, {"comment": ""})
    assert "Enter a review comment" in empty.content.decode()
    done = privacy_officer_client.post(url, {"comment": "Checked with the duty manager: justified."})
    assert done.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == privacy_officer and access.reviewed_at is not None
    reviewed = privacy_officer_client.get(reverse("cases:break_glass_reviews") + "?status=reviewed")
    assert "justified" in reviewed.content.decode()


def test_only_privacy_officers_review(practitioner_client):
    assert practitioner_client.get(reverse("cases:break_glass_reviews")).status_code == 403


# --- Commissioners -----------------------------------------------------------------


def test_commissioner_never_reaches_person_pages(commissioner_client, commissioner, person):
    services.grant_user_relationship(
        person=person, user=commissioner, kind=RelationshipKind.EXPLICIT, source="test:mistake"
    )
    for url in [
        *person_urls(person),
        reverse("cases:person_search"),
        reverse("cases:person_create"),
    ]:
        assert commissioner_client.get(url).status_code == 404, url
        assert commissioner_client.post(url, {"name": "Amira"}).status_code == 404, url
    home = commissioner_client.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert "Find a person" not in home.content.decode()


def test_person_with_no_relationship_for_anyone(practitioner_client):
    orphan = PersonFactory()
    assert practitioner_client.get(reverse("cases:person_detail", args=[orphan.pk])).status_code == 404


def test_break_glass_reviews_filter_by_person_and_status(
    other_worker_client, practitioner, privacy_officer_client, person
):
    break_glass(other_worker_client, person)
    url = reverse("cases:break_glass_reviews")
    assert "Sam Southteam" in privacy_officer_client.get(url, {"user": "southteam"}).content.decode()
    assert "Sam Southteam" not in privacy_officer_client.get(url, {"user": "nobody"}).content.decode()
    assert "Sam Southteam" not in privacy_officer_client.get(url, {"status": "reviewed"}).content.decode()
    assert "Sam Southteam" in privacy_officer_client.get(url, {"status": ""}).content.decode()
    bad_date = privacy_officer_client.get(
        url, {"started_from_day": "40", "started_from_month": "1", "started_from_year": "2026"}
    ).content.decode()
    assert "Enter a real date" in bad_date


def test_every_person_scoped_url_is_covered_by_these_tests():
    """A new person-scoped view must join the lists above, so the 404 and audit tests reach it."""
    from cases.urls import urlpatterns

    person_scoped = {f"cases:{p.name}" for p in urlpatterns if "<int:pk>" in str(p.pattern)}
    assert person_scoped == {*PERSON_URL_NAMES, *CONTACT_URL_NAMES, "cases:break_glass"}


def test_manager_restricts_a_record_and_it_leaves_search(
    manager_client, other_worker_client, practitioner_client, person
):
    url = reverse("cases:person_restriction", args=[person.pk])
    assert practitioner_client.get(url).status_code == 403
    missing = manager_client.post(url, {"restricted": "yes", "reason": ""})
    assert "Enter why the record is being restricted" in missing.content.decode()
    assert manager_client.post(url, {"restricted": "yes", "reason": "Member of staff"}).status_code == 302
    person.refresh_from_db()
    assert person.is_restricted
    assert person.history.first().history_change_reason == "Restricted: Member of staff"
    search = other_worker_client.post(reverse("cases:person_search"), {"name": "Amira Okafor"}, follow=True)
    assert reverse("cases:break_glass", args=[person.pk]) not in search.content.decode()


def test_not_found_page_is_the_products_own(commissioner_client, practitioner_client, person):
    for_commissioner = commissioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    body = for_commissioner.content.decode()
    assert "Page not found" in body and "Go to your home page" in body
    assert "search for the person" not in body  # commissioners never search people
    assert "search for the person" in practitioner_client.get("/people/999999/").content.decode()


def test_recently_opened_drops_people_no_longer_open(practitioner_client, person, north_team):
    practitioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    home = reverse("accounts:home")
    assert "Amira Okafor" in practitioner_client.get(home).content.decode()
    services.end_relationship(relationship=person.relationships.get(team=north_team))
    assert "Amira Okafor" not in practitioner_client.get(home).content.decode()


def test_a_closed_team_grants_nothing(practitioner_client, person, north_team):
    north_team.is_active = False
    north_team.save()
    assert practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 404


def test_emergency_access_starts_only_from_a_stub_that_was_shown(other_worker_client, person):
    url = reverse("cases:break_glass", args=[person.pk])
    assert other_worker_client.get(url).status_code == 404  # typed or guessed: nothing shown
    find(other_worker_client, person)
    page = other_worker_client.get(url)
    assert page.status_code == 200 and "Amira Okafor" in page.content.decode()
