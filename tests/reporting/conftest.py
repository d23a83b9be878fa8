"""Governance fixtures: an administrator, a user holding only the Django permission, and
the role-named users of tests/conftest.py (commissioner, manager, practitioner, stranger)."""

import datetime
import importlib

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import Role
from reporting import services
from tests.factories import UserFactory, make_member


def ensure_indicators():
    """The indicators migration 0002 seeds. A transactional test elsewhere flushes the tables
    (and with --reuse-db that lasts), so put them back as the migration writes them."""
    from django.apps import apps

    migration = importlib.import_module("reporting.migrations.0002_append_only_and_indicators")
    migration.add_indicators(apps, None)


@pytest.fixture
def indicators(db):
    ensure_indicators()


@pytest.fixture
def administrator(governance_team):
    return make_member(governance_team, Role.ADMINISTRATOR, full_name="Ada Administrator")


@pytest.fixture
def permitted_user(db):
    """No governance role, but given the Django permission to manage governance records."""
    user = UserFactory(full_name="Perry Permitted")
    user.user_permissions.add(Permission.objects.get(codename="manage_governance"))
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator_client(administrator):
    return _client(administrator)


@pytest.fixture
def permitted_client(permitted_user):
    return _client(permitted_user)


@pytest.fixture
def plan(commissioner):
    return services.create_plan(
        title="Partnership review action plan",
        owner="Community Mental Health Partnership Board",
        by=commissioner,
    )


def make_action(plan, by, *, lead="R. Marsh", days_left=30, started_days_ago=100, status="on_track", **extra):
    today = datetime.date.today()
    return services.add_action(
        plan=plan,
        recommendation=extra.pop("recommendation", "Join up the partners' case recording systems"),
        action=extra.pop("action", "Give the council a line of sight of cases of concern"),
        lead_name=lead,
        starts_on=today - datetime.timedelta(days=started_days_ago),
        ends_on=today + datetime.timedelta(days=days_left),
        status=status,
        by=by,
        **extra,
    )


def make_risk(
    by, *, title="Not enough AMHPs on the rota", consequence=4, likelihood=4, owner="Head of AMHPs", **extra
):
    today = datetime.date.today()
    return services.add_risk(
        title=title,
        owner_name=owner,
        consequence=consequence,
        likelihood=likelihood,
        assessed_on=extra.pop("assessed_on", today - datetime.timedelta(days=60)),
        mitigations=extra.pop("mitigations", "Incentive scheme; locum cover"),
        review_on=extra.pop("review_on", today + datetime.timedelta(days=30)),
        by=by,
        **extra,
    )
