"""Safeguarding fixtures: the council's safeguarding team with a SAM and an enquiry officer,
and a head of safeguarding in the NHS trust (line of sight across organisations); the
Safeguarding Adults Collection's known set of cases (sac_known_set)."""

import pytest
from django.test import Client

from accounts.models import Organisation, Role, ServiceLine
from tests.factories import OrganisationFactory, make_member, make_team
from tests.safeguarding.sac_known_set import known_set, trust_sam, trust_team  # noqa: F401  (fixtures)


@pytest.fixture
def safeguarding_team(council):
    return make_team(
        name="Adult Safeguarding", organisation=council, service_line=ServiceLine.SAFEGUARDING, locality=""
    )


@pytest.fixture
def sam(safeguarding_team):
    return make_member(
        safeguarding_team, Role.SAFEGUARDING_MANAGER, full_name="Sara Sam", email="sam@example.org"
    )


@pytest.fixture
def enquiry_officer(safeguarding_team):
    return make_member(
        safeguarding_team, Role.ENQUIRY_OFFICER, full_name="Ellis Officer", email="officer@example.org"
    )


@pytest.fixture
def trust():
    return OrganisationFactory(name="Test NHS Trust", kind=Organisation.Kind.NHS_TRUST)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sam_client(sam):
    return _client(sam)


@pytest.fixture
def enquiry_officer_client(enquiry_officer):
    return _client(enquiry_officer)
