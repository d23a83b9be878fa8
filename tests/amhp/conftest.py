"""AMHP fixtures: the AMHP team with a lead and two approved AMHPs (one a locum), built
directly so each area's tests start from a known register."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import EmploymentType, Role, ServiceLine
from amhp.models import AmhpProfile, Approval, Profession
from tests.factories import make_member, make_team


@pytest.fixture
def amhp_team(council):
    return make_team(name="AMHP Service", organisation=council, service_line=ServiceLine.AMHP, locality="")


@pytest.fixture
def amhp_lead(amhp_team):
    return make_member(amhp_team, Role.AMHP_LEAD, full_name="Lena Lead", email="lead@example.org")


def make_amhp(team, *, name, email, approved_on=None, years=5, employment=EmploymentType.PERMANENT, by=None):
    """A member of the AMHP team on the register with one approval from `approved_on`."""
    user = make_member(team, Role.AMHP, full_name=name, email=email)
    profile = AmhpProfile.objects.create(
        user=user, profession=Profession.SOCIAL_WORKER, employer=team.organisation, employment_type=employment
    )
    start = approved_on or timezone.localdate() - datetime.timedelta(days=365)
    Approval.objects.create(
        amhp=profile,
        approved_on=start,
        expires_on=start.replace(year=start.year + years) - datetime.timedelta(days=1),
        approved_by=by or user,
    )
    return user


@pytest.fixture
def amhp_user(amhp_team, amhp_lead):
    return make_amhp(amhp_team, name="Asha Amhp", email="asha@example.org", by=amhp_lead)


@pytest.fixture
def locum_amhp(amhp_team, amhp_lead):
    return make_amhp(
        amhp_team, name="Luca Locum", email="luca@example.org", employment=EmploymentType.LOCUM, by=amhp_lead
    )


@pytest.fixture
def amhp_lead_client(amhp_lead):
    client = Client()
    client.force_login(amhp_lead)
    return client


@pytest.fixture
def amhp_client(amhp_user):
    client = Client()
    client.force_login(amhp_user)
    return client
