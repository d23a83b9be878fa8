"""Carers linked to the people they care for: the link gives the cared-for person's team a
relationship with the carer, and ending it takes exactly that away (Care Act s10; ADR 1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careact import services
from careact.models import CarerLink
from cases import services as case_services
from cases.models import BreakGlassAccess, Person, Relationship, RelationshipKind
from tests.careact.conftest import open_case
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer(db):
    return PersonFactory(given_name="Grace", family_name="Lindqvist", date_of_birth=datetime.date(1961, 4, 2))


def link(case, carer, by, **overrides):
    values = {
        "cared_for": case.person,
        "carer": carer,
        "relationship": "Sister",
        "lives_with": True,
        "care_provided": "Meals and medication prompts daily",
        "by": by,
    }
    values.update(overrides)
    return services.link_carer(**values)


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Services ---------------------------------------------------------------------------


def test_link_grants_the_team_a_carer_relationship_and_end_removes_it(
    case, carer, practitioner, practitioner_client, other_worker_client
):
    carer_url = reverse("cases:person_detail", args=[carer.pk])
    assert practitioner_client.get(carer_url).status_code == 404
    made = link(case, carer, practitioner)
    relationship = Relationship.objects.active().get(person=carer)
    assert (relationship.team, relationship.kind, relationship.source) == (
        case.team,
        RelationshipKind.CARER,
        f"carerlink:{made.pk}",
    )
    assert practitioner_client.get(carer_url).status_code == 200
    assert other_worker_client.get(carer_url).status_code == 404  # another team: no relationship

    services.end_carer_link(link_id=made.pk, by=practitioner, reason="Moved to Scotland")
    made.refresh_from_db()
    assert made.ended_on == timezone.localdate() and made.end_reason == "Moved to Scotland"
    relationship.refresh_from_db()
    assert relationship.ended_at is not None and relationship.ended_by == practitioner
    assert practitioner_client.get(carer_url).status_code == 404


def test_ending_a_link_keeps_the_teams_other_relationships_with_the_carer(
    case, carer, practitioner, manager, practitioner_client, north_team
):
    """The carer is also a person the team works with in their own right."""
    open_case(carer, north_team, practitioner, manager)
    made = link(case, carer, practitioner)
    services.end_carer_link(link_id=made.pk, by=practitioner, reason="No longer caring")
    assert practitioner_client.get(reverse("cases:person_detail", args=[carer.pk])).status_code == 200
    assert Relationship.objects.active().filter(person=carer, kind=RelationshipKind.TEAM_CASE).exists()


def test_refuses_self_links_duplicates_and_users_without_an_open_case(
    case, carer, practitioner, other_worker
):
    with pytest.raises(services.DomainError, match="cannot be recorded as their own carer"):
        link(case, case.person, practitioner)
    link(case, carer, practitioner)
    with pytest.raises(
        services.DomainError, match="Grace Lindqvist is already recorded as a carer of Amira Okafor"
    ):
        link(case, carer, practitioner, relationship="Friend")
    with pytest.raises(services.DomainError, match="open case for the person cared for"):
        link(case, PersonFactory(), other_worker)
    with pytest.raises(services.DomainError, match="Enter the carer's relationship"):
        link(case, PersonFactory(), practitioner, relationship=" ")
    assert CarerLink.objects.count() == 1


def test_a_carer_can_be_linked_again_after_the_link_ended(case, carer, practitioner):
    first = link(case, carer, practitioner)
    services.end_carer_link(link_id=first.pk, by=practitioner, reason="Break")
    again = link(case, carer, practitioner)
    assert again.pk != first.pk
    assert Relationship.objects.active().get(person=carer).source == f"carerlink:{again.pk}"


def test_add_and_link_adds_nobody_when_the_link_is_refused(case, other_worker):
    data = {"given_name": "New", "family_name": "Carer", "date_of_birth": datetime.date(1970, 1, 1)}
    with pytest.raises(services.DomainError):
        services.add_and_link_carer(
            cared_for=case.person,
            person_data=data,
            relationship="Son",
            lives_with=False,
            care_provided="",
            by=other_worker,
        )
    assert not Person.objects.filter(family_name="Carer").exists()


# --- Linking pages ----------------------------------------------------------------------


def search_post(name="Grace Lindqvist", **extra):
    return {"find-name": name, **extra}


def test_link_a_carer_found_by_search(practitioner_client, case, person, carer):
    url = reverse("careact:carer_link", args=[person.pk])
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert url in page and "No carers recorded" in page

    results = practitioner_client.post(url, {**search_post(), "action": "search"})
    page = results.content.decode()
    assert "Grace Lindqvist, born 2 Apr 1961" in page and "Amira Okafor, born" not in page
    assert "Grace" not in results.wsgi_request.get_full_path()

    response = practitioner_client.post(
        url,
        {
            **search_post(),
            "action": "link",
            "person": carer.pk,
            "relationship": "Sister",
            "lives_with": "yes",
            "care_provided": "Cooks every evening",
        },
    )
    assert response.status_code == 302
    made = CarerLink.objects.get()
    assert (made.carer, made.cared_for, made.lives_with, made.care_provided) == (
        carer,
        person,
        True,
        "Cooks every evening",
    )
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Grace Lindqvist" in page and "Sister" in page
    assert reverse("cases:person_detail", args=[carer.pk]) in page
    assessment = reverse("careact:carer_assessment_start", kwargs={"case_pk": case.pk, "carer_pk": carer.pk})
    assert assessment in page
    carer_page = practitioner_client.get(reverse("cases:person_detail", args=[carer.pk])).content.decode()
    assert "Cares for" in carer_page and "Amira Okafor" in carer_page


def test_search_never_shows_restricted_people(practitioner_client, case, person):
    PersonFactory(given_name="Grace", family_name="Lindqvist", is_restricted=True)
    page = practitioner_client.post(
        reverse("careact:carer_link", args=[person.pk]), {**search_post(), "action": "search"}
    ).content.decode()
    assert "Grace Lindqvist, born" not in page and "No one matches" in page


def test_link_errors_keep_what_was_typed(practitioner_client, case, person, carer):
    url = reverse("careact:carer_link", args=[person.pk])
    response = practitioner_client.post(
        url, {**search_post(), "action": "link", "relationship": "", "care_provided": "Typed care"}
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Search for the carer and select them from the results" in page
    assert "Enter the carer's relationship to the person they care for" in page
    assert "Select whether the carer lives with the person" in page
    assert "Typed care" in page and 'value="Grace Lindqvist"' in page
    # Choosing someone the search did not return is refused too.
    response = practitioner_client.post(
        url,
        {
            **search_post(),
            "action": "link",
            "person": case.person.pk,
            "relationship": "Self",
            "lives_with": "no",
        },
    )
    assert "select them from the results" in response.content.decode()
    assert not CarerLink.objects.exists()


def test_duplicate_link_is_a_form_error(practitioner_client, practitioner, case, person, carer):
    link(case, carer, practitioner)
    response = practitioner_client.post(
        reverse("careact:carer_link", args=[person.pk]),
        {**search_post(), "action": "link", "person": carer.pk, "relationship": "Sister", "lives_with": "no"},
    )
    assert "already recorded as a carer" in response.content.decode()
    assert CarerLink.objects.count() == 1


def test_a_new_search_keeps_the_details_typed(practitioner_client, case, person, carer):
    response = practitioner_client.post(
        reverse("careact:carer_link", args=[person.pk]),
        {**search_post(), "action": "search", "relationship": "Neighbour", "care_provided": "Shops weekly"},
    )
    page = response.content.decode()
    assert 'value="Neighbour"' in page and "Shops weekly" in page and "There is a problem" not in page


def test_add_a_new_person_as_carer_after_the_duplicate_check(
    practitioner_client, practitioner, case, person, carer
):
    url = reverse("careact:carer_add", args=[person.pk])
    new_carer = {
        "given_name": "Grace",
        "family_name": "Lindqvist",
        "date_of_birth_day": "2",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1961",
        "gender": "female",
        "ethnicity": "99",
        "relationship": "Sister",
        "lives_with": "no",
    }
    response = practitioner_client.post(url, new_carer)
    page = response.content.decode()
    assert response.status_code == 200 and "People who may be the same person" in page
    assert not CarerLink.objects.exists()
    response = practitioner_client.post(url, {**new_carer, "duplicates_shown": "1", "none_match": "on"})
    assert response.status_code == 302
    made = CarerLink.objects.select_related("carer").get()
    assert made.carer.pk != carer.pk and made.carer.family_name == "Lindqvist"
    relationship = Relationship.objects.active().get(person=made.carer)
    assert relationship.kind == RelationshipKind.CARER  # not a "created" relationship that never ends


def test_add_carer_errors_keep_what_was_typed(practitioner_client, case, person):
    response = practitioner_client.post(
        reverse("careact:carer_add", args=[person.pk]),
        {"given_name": "Typedname", "relationship": "Typed relation"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Enter a last name" in page and "Enter a date of birth" in page
    assert 'value="Typedname"' in page and 'value="Typed relation"' in page
    assert not Person.objects.filter(given_name="Typedname").exists()


def test_end_a_link_from_the_person_page(practitioner_client, practitioner, case, person, carer):
    made = link(case, carer, practitioner)
    url = reverse("careact:carer_end", args=[made.pk])
    assert url in practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    bad = practitioner_client.post(url, {"reason": ""})
    assert "Enter why the carer no longer cares for the person" in bad.content.decode()
    assert practitioner_client.post(url, {"reason": "Moved away"}).status_code == 302
    made.refresh_from_db()
    assert made.ended_on is not None
    again = practitioner_client.post(url, {"reason": "Again"})
    assert "already ended" in again.content.decode()
    assert (
        "No carers recorded"
        in practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    )


def test_strangers_commissioners_and_other_teams_get_404(
    stranger_client, commissioner_client, other_worker_client, practitioner, case, person, carer
):
    made = link(case, carer, practitioner)
    urls = [
        reverse("careact:carer_link", args=[person.pk]),
        reverse("careact:carer_add", args=[person.pk]),
        reverse("careact:carer_end", args=[made.pk]),
    ]
    for url in urls:
        for client in (stranger_client, commissioner_client, other_worker_client):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"reason": "x"}).status_code == 404, url
    made.refresh_from_db()
    assert made.ended_on is None


def test_team_without_an_open_case_is_told_and_cannot_link(manager, person, carer):
    """The person fixture's team holds them without a case: nobody there can link yet."""
    from django.test import Client

    client = Client()
    client.force_login(manager)
    url = reverse("careact:carer_link", args=[person.pk])
    page = client.get(url).content.decode()
    assert "none of your teams has one" in page
    client.post(
        url,
        {**search_post(), "action": "link", "person": carer.pk, "relationship": "Sister", "lives_with": "no"},
    )
    assert not CarerLink.objects.exists()


def test_break_glass_sees_carers_but_cannot_link(
    other_worker, other_worker_client, practitioner, case, person, carer
):
    link(case, carer, practitioner)
    BreakGlassAccess.objects.create(
        user=other_worker,
        person=person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    page = other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Grace Lindqvist" in page and "Sister" in page
    assert reverse("careact:carer_link", args=[person.pk]) not in page
    # The emergency reader has no relationship with the carer: the name shows, not a link.
    assert reverse("cases:person_detail", args=[carer.pk]) not in page
    assert other_worker_client.get(reverse("careact:carer_link", args=[person.pk])).status_code == 404


def test_cares_for_hides_people_the_user_cannot_open(
    practitioner, other_worker, other_worker_client, case, carer, south_team
):
    """The carer is also in the South team's caseload; South sees that they care for someone,
    not who."""
    open_case(carer, south_team, other_worker, other_worker)
    link(case, carer, practitioner)
    page = other_worker_client.get(reverse("cases:person_detail", args=[carer.pk])).content.decode()
    assert "Cares for 1 person whose record you cannot open" in page and "Amira Okafor" not in page


def test_person_page_query_count_does_not_grow_with_carers(practitioner_client, practitioner, case, person):
    url = reverse("cases:person_detail", args=[person.pk])
    link(case, PersonFactory(), practitioner)
    one = count_queries(practitioner_client, url)
    for _ in range(8):
        link(case, PersonFactory(), practitioner)
    assert count_queries(practitioner_client, url) == one


def test_carer_page_query_count_does_not_grow_with_people_cared_for(
    practitioner_client, practitioner, manager, north_team, carer
):
    first = open_case(PersonFactory(), north_team, practitioner, manager)
    link(first, carer, practitioner)
    url = reverse("cases:person_detail", args=[carer.pk])
    one = count_queries(practitioner_client, url)
    for _ in range(5):
        link(open_case(PersonFactory(), north_team, practitioner, manager), carer, practitioner)
    assert count_queries(practitioner_client, url) == one


def test_search_query_count_does_not_grow_with_results(practitioner_client, case, person, north_team):
    url = reverse("careact:carer_link", args=[person.pk])
    data = {**search_post("Kwame Mensah"), "action": "search"}

    def posted_queries():
        practitioner_client.post(url, data)
        with CaptureQueriesContext(connection) as ctx:
            response = practitioner_client.post(url, data)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    PersonFactory(given_name="Kwame", family_name="Mensah")
    one = posted_queries()
    for _ in range(6):
        known = PersonFactory(given_name="Kwame", family_name="Mensah")
        case_services.grant_team_relationship(person=known, team=north_team, kind="team_case", source="test")
    assert posted_queries() == one


def test_grant_repeat_is_harmless(case, carer, practitioner):
    made = link(case, carer, practitioner)
    case_services.grant_team_relationship(
        person=carer, team=case.team, kind=RelationshipKind.CARER, source=f"carerlink:{made.pk}"
    )
    assert Relationship.objects.active().filter(person=carer).count() == 1
