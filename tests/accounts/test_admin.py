"""Administrators manage organisations, teams and memberships in the admin pages, and the
team groups that carry object permissions follow (accounts.services)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import Membership, Role, Team
from tests.factories import UserFactory, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(council):
    administrator = UserFactory(is_staff=True, full_name="Ada Administrator")
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    from accounts import services

    services.add_membership(user=administrator, team=make_team("IT", council), role=Role.ADMINISTRATOR)
    client = Client()
    client.force_login(administrator)
    return client


def test_admin_index_lists_the_accounts_models(admin_client):
    body = admin_client.get("/admin/").content.decode()
    for name in ("Organisations", "Teams", "Users", "Memberships"):
        assert name in body


def test_adding_a_team_in_the_admin_creates_its_group(admin_client, council):
    response = admin_client.post(
        "/admin/accounts/team/add/",
        {
            "organisation": council.pk,
            "name": "West Older People",
            "service_line": "older_people",
            "locality": "West",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(name="West Older People")
    assert team.group.name.endswith("West Older People")


def test_membership_added_in_the_admin_joins_the_team_group(admin_client, north_team):
    worker = UserFactory()
    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": worker.pk,
            "team": north_team.pk,
            "role": Role.PRACTITIONER,
            "employment_type": "seconded",
            "started_on": "2026-11-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert worker.groups.filter(pk=north_team.group_id).exists()
    membership = Membership.objects.get(user=worker)
    admin_client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    membership.refresh_from_db()
    assert not membership.is_active and membership.ended_on is not None
    assert not worker.groups.filter(pk=north_team.group_id).exists()


def test_person_records_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/cases/person/").status_code == 404


def test_non_staff_cannot_use_the_admin(practitioner_client):
    response = practitioner_client.get("/admin/")
    assert response.status_code == 302


def test_a_membership_past_its_end_date_stops_granting_access(practitioner_client, practitioner, person):
    import datetime

    from django.urls import reverse

    from accounts import services
    from accounts.tasks import end_lapsed_memberships

    membership = practitioner.memberships.get()
    membership.ended_on = datetime.date.today() - datetime.timedelta(days=1)
    membership.save()
    url = reverse("cases:person_detail", args=[person.pk])
    assert end_lapsed_memberships() == 1
    assert practitioner_client.get(url).status_code == 404
    membership.refresh_from_db()
    assert not membership.is_active
    assert services.end_lapsed_memberships() == 0  # a rerun changes nothing


def test_membership_changes_keep_who_made_them(admin_client, north_team):
    worker = UserFactory()
    admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": worker.pk,
            "team": north_team.pk,
            "role": Role.PRACTITIONER,
            "employment_type": "permanent",
            "started_on": "2026-11-01",
            "is_active": "on",
        },
    )
    record = Membership.objects.get(user=worker).history.first()
    assert record.history_user.full_name == "Ada Administrator"


def test_administrator_sets_a_teams_triage_thresholds(admin_client, north_team):
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from cases.models import ReferralQueueSettings

    administrator = User.objects.get(full_name="Ada Administrator")
    administrator.user_permissions.add(*Permission.objects.filter(codename__endswith="referralqueuesettings"))
    bad = admin_client.post(
        "/admin/cases/referralqueuesettings/add/",
        {"team": north_team.pk, "amber_after_working_days": 5, "red_after_working_days": 3},
    )
    assert bad.status_code == 200 and not ReferralQueueSettings.objects.exists()
    good = admin_client.post(
        "/admin/cases/referralqueuesettings/add/",
        {"team": north_team.pk, "amber_after_working_days": 1, "red_after_working_days": 3},
    )
    assert good.status_code == 302
    assert north_team.queue_settings.red_after_working_days == 3
