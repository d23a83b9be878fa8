"""Shared fixtures: a small partnership with role-named clients (DESIGN.md section 10).

- practitioner and manager in North team, which holds `person`
- other_worker in South team (no relationship with `person`)
- commissioner, privacy officer, and a stranger with no membership at all
"""

import pytest

from accounts.models import Organisation, Role, ServiceLine
from cases import services as case_services
from cases.models import RelationshipKind
from tests.celery_support import celery_on_redis  # noqa: F401  (a shared fixture)
from tests.factories import OrganisationFactory, PersonFactory, make_member, make_team


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Northshire County Council", kind=Organisation.Kind.COUNCIL)


@pytest.fixture
def north_team(council):
    return make_team("North Working Age", council, ServiceLine.WORKING_AGE, "North")


@pytest.fixture
def south_team(council):
    return make_team("South Working Age", council, ServiceLine.WORKING_AGE, "South")


@pytest.fixture
def commissioning_team(council):
    return make_team("Commissioning", council, ServiceLine.COMMISSIONING)


@pytest.fixture
def governance_team(council):
    return make_team("Information Governance", council, ServiceLine.GOVERNANCE)


@pytest.fixture
def practitioner(north_team):
    return make_member(north_team, Role.PRACTITIONER, full_name="Pat Practitioner")


@pytest.fixture
def manager(north_team):
    return make_member(north_team, Role.TEAM_MANAGER, full_name="Mo Manager")


@pytest.fixture
def other_worker(south_team):
    return make_member(south_team, Role.PRACTITIONER, full_name="Sam Southteam")


@pytest.fixture
def commissioner(commissioning_team):
    return make_member(commissioning_team, Role.COMMISSIONER, full_name="Cleo Commissioner")


@pytest.fixture
def privacy_officer(governance_team):
    return make_member(governance_team, Role.PRIVACY_OFFICER, full_name="Priya Privacy")


@pytest.fixture
def stranger(db):
    from tests.factories import UserFactory

    return UserFactory(full_name="Stan Stranger")


@pytest.fixture
def person(north_team, practitioner):
    person = PersonFactory(given_name="Amira", family_name="Okafor")
    case_services.grant_team_relationship(
        person=person,
        team=north_team,
        kind=RelationshipKind.TEAM_CASE,
        source="test:case",
    )
    return person


def _signed_in_client_fixture(user_fixture: str):
    @pytest.fixture
    def signed_in_client(request):
        from django.test import Client

        client = Client()
        client.force_login(request.getfixturevalue(user_fixture))
        return client

    return signed_in_client


# practitioner_client, manager_client, other_worker_client, commissioner_client,
# privacy_officer_client, stranger_client
for _user_fixture in (
    "practitioner",
    "manager",
    "other_worker",
    "commissioner",
    "privacy_officer",
    "stranger",
):
    globals()[f"{_user_fixture}_client"] = _signed_in_client_fixture(_user_fixture)
