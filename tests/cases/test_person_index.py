"""Person search (stubs, typos, restricted), creation with duplicate check, optimistic editing,
history with the acting user, and query counts that do not grow with rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Person, RelationshipKind
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("cases:person_search")


def fresh_nhs_number():
    """A valid NHS number that no factory hands out."""
    from cases.testdata import test_nhs_number

    return test_nhs_number(800_000)


def search(client, **params):
    """Search as the page does: POST the form, follow to the results named by a session key."""
    return client.post(SEARCH, params, follow=True)


def stub_names(response) -> list[str]:
    """Names in the result table (the search box echoes the query, so look only there)."""
    import re

    body = response.content.decode()
    row_start = r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">'
    return re.findall(row_start + r"([^<]+)(?:<br>|</td>)", body)


def test_search_finds_a_name_with_typos(practitioner_client, person):
    assert stub_names(search(practitioner_client, name="Amira Okafr")) == ["Amira Okafor"]


def test_search_by_exact_nhs_number_with_spaces(practitioner_client, person):
    n = person.nhs_number
    body = search(practitioner_client, nhs_number=f"{n[:3]} {n[3:6]} {n[6:]}").content.decode()
    assert "Amira Okafor" in body and "1 matching" in body


def test_search_by_date_of_birth_and_postcode(practitioner_client, person):
    PersonFactory(given_name="Other", family_name="Person", postcode="M1 1AE")
    dob = person.date_of_birth
    body = search(
        practitioner_client,
        date_of_birth_day=dob.day,
        date_of_birth_month=dob.month,
        date_of_birth_year=dob.year,
        postcode="nr13qu",
    ).content.decode()
    assert "Amira Okafor" in body and "Other Person" not in body


def test_search_stub_shows_holding_team_but_not_record_details(other_worker_client, person):
    body = search(other_worker_client, name="Amira Okafor").content.decode()
    assert "North Working Age" in body
    assert person.address_line_1 not in body
    assert reverse("cases:break_glass", args=[person.pk]) in body
    assert f'href="{reverse("cases:person_detail", args=[person.pk])}"' not in body


def test_search_needs_something_to_search_for(practitioner_client):
    body = search(practitioner_client, name="").content.decode()
    assert "Enter an NHS number, or a name, date of birth or postcode" in body


def test_search_rejects_a_mistyped_nhs_number(practitioner_client, person):
    bad = person.nhs_number[:-1] + str((int(person.nhs_number[-1]) + 1) % 10)
    body = search(practitioner_client, nhs_number=bad).content.decode()
    assert "check it for typing mistakes" in body


def test_restricted_person_is_absent_from_search_without_explicit_permission(
    practitioner_client, other_worker_client, person
):
    person.is_restricted = True
    person.save()
    assert stub_names(search(other_worker_client, name="Amira Okafor")) == []
    by_nhs = search(other_worker_client, nhs_number=person.nhs_number)
    assert stub_names(by_nhs) == [] and "No one matches" in by_nhs.content.decode()
    # The holding team has an explicit relationship, so it still finds the person.
    assert stub_names(search(practitioner_client, name="Amira Okafor")) == ["Amira Okafor"]


def test_search_does_not_write_access_log(practitioner_client, person):
    from cases.models import AccessLog

    search(practitioner_client, name="Amira")
    assert not AccessLog.objects.exists()


# --- Creating people -------------------------------------------------------------------


def person_form(**overrides):
    data = {
        "given_name": "Jonah",
        "family_name": "Whitfield",
        "date_of_birth_day": "4",
        "date_of_birth_month": "7",
        "date_of_birth_year": "1979",
        "gender": "male",
        "ethnicity": "99",
        "postcode": "nr2 4ab",
        "nhs_number": "",
    }
    data.update(overrides)
    return data


def test_create_person_then_the_creating_team_holds_them(practitioner_client, practitioner):
    response = practitioner_client.post(reverse("cases:person_create"), person_form())
    assert response.status_code == 302
    created = Person.objects.get(family_name="Whitfield")
    assert created.postcode == "NR2 4AB"
    assert practitioner_client.get(response.url).status_code == 200
    record = created.history.first()
    assert record.history_user == practitioner and record.history_change_reason


def test_duplicate_is_shown_before_creating(practitioner_client, person):
    dob = person.date_of_birth
    data = person_form(
        given_name="Amira",
        family_name="Okafour",
        date_of_birth_day=dob.day,
        date_of_birth_month=dob.month,
        date_of_birth_year=dob.year,
    )
    response = practitioner_client.post(reverse("cases:person_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "may be someone already in the person index" in body and "Amira Okafor" in body
    assert "govuk-error-summary" not in body  # a question, not an error, the first time
    assert Person.objects.count() == 1
    unticked = practitioner_client.post(reverse("cases:person_create"), {**data, "duplicates_shown": "1"})
    assert "Confirm that none of the people listed is the person" in unticked.content.decode()
    assert Person.objects.count() == 1
    confirmed = practitioner_client.post(
        reverse("cases:person_create"), {**data, "duplicates_shown": "1", "none_match": "on"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_same_nhs_number_is_refused(practitioner_client, person):
    data = person_form(nhs_number=person.nhs_number)
    body = practitioner_client.post(reverse("cases:person_create"), data).content.decode()
    assert "already in the person index" in body
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"given_name": ""}, "Enter a first name"),
        ({"postcode": "NOT A CODE"}, "Enter a real UK postcode"),
        ({"nhs_number": "1234567890"}, "check it for typing mistakes"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Enter a real date"),
        ({"date_of_birth_year": str(datetime.date.today().year + 1)}, "today or in the past"),
        ({"date_of_birth_year": "1890"}, "within the last 120 years"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(practitioner_client, overrides, message):
    data = person_form(**overrides)
    body = practitioner_client.post(reverse("cases:person_create"), data).content.decode()
    assert message in body
    assert "govuk-error-summary" in body
    assert 'value="Whitfield"' in body
    assert not Person.objects.exists()


# --- Editing with optimistic locking ------------------------------------------------------


def edit_form(person, **overrides):
    data = person_form(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth_day=person.date_of_birth.day,
        date_of_birth_month=person.date_of_birth.month,
        date_of_birth_year=person.date_of_birth.year,
        postcode=person.postcode,
        nhs_number=person.nhs_number,
        version=person.version,
    )
    data.update(overrides)
    return data


def test_edit_saves_and_bumps_version(practitioner_client, practitioner, person):
    url = reverse("cases:person_edit", args=[person.pk])
    response = practitioner_client.post(url, edit_form(person, town="Cromer"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.town == "Cromer" and person.version == 2
    assert person.history.first().history_user == practitioner


def test_stale_edit_shows_what_changed_and_overwrites_nothing(practitioner_client, manager, person):
    form_version = person.version
    services.update_person(
        person_id=person.pk, data={"phone": "07700 900123"}, expected_version=form_version, by=manager
    )
    url = reverse("cases:person_edit", args=[person.pk])
    response = practitioner_client.post(url, edit_form(person, town="Sheringham", version=form_version))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in body
    assert "07700 900123" in body
    assert 'value="Sheringham"' in body
    person.refresh_from_db()
    assert person.phone == "07700 900123" and person.town != "Sheringham"


def test_add_contact(practitioner_client, person):
    url = reverse("cases:contact_add", args=[person.pk])
    missing = practitioner_client.post(url, {"kind": "", "name": "", "relationship": ""}).content.decode()
    assert "Select who the contact is" in missing
    response = practitioner_client.post(
        url, {"kind": "nearest_relative", "name": "Ngozi Okafor", "relationship": "mother"}
    )
    assert response.status_code == 302
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Ngozi Okafor" in page and "Nearest relative" in page


# --- Query counts do not grow with rows ------------------------------------------------


def count_queries(client, url, params=None):
    """Queries of one request in steady state: a first request may also save the session."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_search_query_count_does_not_grow_with_results(practitioner_client, north_team, south_team):
    def add_people(n):
        for _ in range(n):
            p = PersonFactory(family_name="Ashworth")
            team = north_team if p.pk % 2 else south_team
            services.grant_team_relationship(
                person=p, team=team, kind=RelationshipKind.TEAM_CASE, source=f"case:{p.pk}"
            )

    add_people(1)
    results_url = practitioner_client.post(SEARCH, {"name": "Ashworth"}).url
    one = count_queries(practitioner_client, results_url)
    add_people(30)
    many = count_queries(practitioner_client, results_url)
    assert one == many


def test_person_page_query_count_does_not_grow_with_contacts(practitioner_client, person, practitioner):
    url = reverse("cases:person_detail", args=[person.pk])
    services.add_contact(
        person=person, data={"kind": "carer", "name": "A Carer", "relationship": "friend"}, by=practitioner
    )
    one = count_queries(practitioner_client, url)
    for i in range(20):
        services.add_contact(
            person=person,
            data={"kind": "other", "name": f"Contact {i}", "relationship": "friend"},
            by=practitioner,
        )
    many = count_queries(practitioner_client, url)
    assert one == many


def test_home_query_count_does_not_grow_with_recent_records(practitioner_client, north_team):
    url = reverse("accounts:home")
    people = []
    for _ in range(12):
        p = PersonFactory()
        services.grant_team_relationship(
            person=p, team=north_team, kind=RelationshipKind.TEAM_CASE, source=f"case:{p.pk}"
        )
        people.append(p)
    practitioner_client.get(reverse("cases:person_detail", args=[people[0].pk]))
    one = count_queries(practitioner_client, url)
    for p in people[1:]:
        practitioner_client.get(reverse("cases:person_detail", args=[p.pk]))
    many = count_queries(practitioner_client, url)
    assert one == many


def test_history_page_shows_who_changed_what(practitioner_client, manager, person):
    services.update_person(
        person_id=person.pk, data={"town": "Cromer"}, expected_version=person.version, by=manager
    )
    body = practitioner_client.get(reverse("cases:person_history", args=[person.pk])).content.decode()
    assert "Mo Manager" in body and "Town or city" in body and "Cromer" in body


def test_history_page_query_count_is_flat(practitioner_client, manager, person):
    url = reverse("cases:person_history", args=[person.pk])
    services.update_person(person_id=person.pk, data={"town": "A"}, expected_version=1, by=manager)
    one = count_queries(practitioner_client, url)
    for version in range(2, 12):
        services.update_person(
            person_id=person.pk, data={"town": f"T{version}"}, expected_version=version, by=manager
        )
    assert count_queries(practitioner_client, url) == one


def test_search_finds_previous_names_without_showing_them(practitioner_client, north_team):
    married = PersonFactory(given_name="Helen", family_name="Marsh", previous_names="Helen Quigley")
    services.grant_team_relationship(
        person=married, team=north_team, kind=RelationshipKind.TEAM_CASE, source="case:x"
    )
    response = search(practitioner_client, name="Helen Quigly")
    assert stub_names(response) == ["Helen Marsh"]
    body = response.content.decode()
    assert "Matched a previous name" in body and "Quigley" not in body.split("<table")[1]
    by_current = search(practitioner_client, name="Helen Marsh").content.decode()
    assert "Matched a previous name" not in by_current


def test_change_and_remove_a_contact(practitioner_client, practitioner, person):
    contact = services.add_contact(
        person=person, data={"kind": "carer", "name": "Joe Carer", "relationship": "friend"}, by=practitioner
    )
    edit = reverse("cases:contact_edit", args=[person.pk, contact.pk])
    assert 'value="Joe Carer"' in practitioner_client.get(edit).content.decode()
    response = practitioner_client.post(
        edit, {"kind": "carer", "name": "Joe Carer", "relationship": "brother", "phone": "07700 900555"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.relationship == "brother"
    remove = reverse("cases:contact_remove", args=[person.pk, contact.pk])
    assert practitioner_client.post(remove).status_code == 302
    assert not person.contacts.exists()
    assert contact.history.first().history_type == "-"


def test_another_persons_contact_is_404(practitioner_client, practitioner, person, north_team):
    other = PersonFactory()
    services.grant_team_relationship(
        person=other, team=north_team, kind=RelationshipKind.TEAM_CASE, source="c"
    )
    contact = services.add_contact(
        person=other, data={"kind": "carer", "name": "X", "relationship": "y"}, by=practitioner
    )
    url = reverse("cases:contact_edit", args=[person.pk, contact.pk])
    assert practitioner_client.get(url).status_code == 404


def test_stale_save_merges_both_sets_of_changes_and_flags_conflicts(practitioner_client, manager, person):
    opened = person.version
    services.update_person(
        person_id=person.pk,
        data={"phone": "07700 900123", "town": "Holt"},
        expected_version=opened,
        by=manager,
    )
    url = reverse("cases:person_edit", args=[person.pk])
    first = practitioner_client.post(
        url, edit_form(person, town="Sheringham", email="a@example.org", version=opened)
    )
    body = first.content.decode()
    assert "Both changed" in body  # town: Holt (theirs) against Sheringham (mine)
    assert 'value="07700 900123"' in body  # their phone is in the form now
    assert 'value="Sheringham"' in body and 'value="a@example.org"' in body  # mine kept
    person.refresh_from_db()
    assert (person.town, person.email) == ("Holt", "")
    # Saving the merged form again keeps both people's changes.
    again = edit_form(person, town="Sheringham", email="a@example.org", phone="07700 900123")
    assert practitioner_client.post(url, again).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.town, person.email) == ("07700 900123", "Sheringham", "a@example.org")


def test_create_person_with_an_nhs_number(practitioner_client):
    from cases.testdata import test_nhs_number

    nhs = test_nhs_number(700_000)
    response = practitioner_client.post(reverse("cases:person_create"), person_form(nhs_number=nhs))
    assert response.status_code == 302
    assert Person.objects.get().nhs_number == nhs


def test_duplicate_by_nhs_number_and_by_name_are_listed_once(practitioner_client, person):
    dob = person.date_of_birth
    data = person_form(
        given_name="Amira",
        family_name="Okafor",
        nhs_number=fresh_nhs_number(),
        date_of_birth_day=dob.day,
        date_of_birth_month=dob.month,
        date_of_birth_year=dob.year,
    )
    body = practitioner_client.post(reverse("cases:person_create"), data).content.decode()
    assert body.count(">Amira Okafor<") == 1


def test_nhs_number_typed_with_spaces_is_stored_plain(practitioner_client):
    nhs = fresh_nhs_number()
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    assert (
        practitioner_client.post(reverse("cases:person_create"), person_form(nhs_number=spaced)).status_code
        == 302
    )
    assert Person.objects.get().nhs_number == nhs


def test_a_restricted_persons_nhs_number_is_refused_without_saying_who_has_it(
    other_worker_client, practitioner_client, person
):
    person.is_restricted = True
    person.save()
    data = person_form(nhs_number=person.nhs_number)
    hidden = other_worker_client.post(reverse("cases:person_create"), data).content.decode()
    assert "This NHS number cannot be used" in hidden
    assert "already in the person index" not in hidden
    # The team that holds the record is told plainly.
    visible = practitioner_client.post(reverse("cases:person_create"), data).content.decode()
    assert "Someone with this NHS number is already in the person index" in visible
    assert Person.objects.count() == 1


def test_council_person_id_must_be_unique(practitioner_client, person):
    person.council_person_id = "NCC1"
    person.save()
    body = practitioner_client.post(
        reverse("cases:person_create"), person_form(council_person_id="NCC1")
    ).content.decode()
    assert "Someone with this council person ID is already in the person index" in body


def test_no_person_details_in_search_urls(practitioner_client, person):
    response = search(practitioner_client, name="Amira Okafor", postcode="NR1 3QU")
    assert stub_names(response) == ["Amira Okafor"]
    urls = [url for url, _ in response.redirect_chain]
    body = response.content.decode()
    links = re.findall(r'href="([^"]+)"', body)
    for url in urls + links:
        assert "Amira" not in url and "Okafor" not in url and "NR1" not in url, url
    # The key works only in the session that searched.
    from django.test import Client

    other = Client()
    other.force_login(person.relationships.first().team.memberships.first().user)
    assert "Amira" not in other.get(urls[-1]).content.decode()


def test_add_person_from_search_keeps_what_was_searched(practitioner_client):
    response = search(
        practitioner_client,
        name="Jonah Whitfield",
        date_of_birth_day="4",
        date_of_birth_month="7",
        date_of_birth_year="1979",
    )
    add_link = re.search(r'href="(/people/new/\?q=[^"]+)"', response.content.decode()).group(1)
    body = practitioner_client.get(add_link).content.decode()
    assert 'value="Jonah"' in body and 'value="Whitfield"' in body and 'value="1979"' in body


def test_a_clash_at_the_same_moment_is_a_message_not_a_server_error(practitioner, person, monkeypatch):
    from cases.services import DomainError, create_person

    data = {
        "given_name": "Late",
        "family_name": "Comer",
        "date_of_birth": datetime.date(1990, 1, 1),
        "nhs_number": person.nhs_number,
    }
    # Validation passed a moment ago; the database constraint is the last line.
    monkeypatch.setattr(Person, "full_clean", lambda self, *args, **kwargs: None)
    with pytest.raises(DomainError, match="just saved a person with this NHS number"):
        create_person(data=data, by=practitioner)
    assert Person.objects.count() == 1
