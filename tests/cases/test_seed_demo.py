"""The demo data generator: `manage.py seed_demo` (DESIGN.md section 8)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, Role, ServiceLine, Team, User
from cases.demo.organisations import DEMO_LOGIN_EMAILS
from cases.demo.people import generate_people
from cases.management.commands.seed_demo import DEMO_PASSWORD, demo_logins
from cases.models import (
    Person,
    PersonContact,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RelationshipKind,
)
from cases.selectors import people_for_user
from cases.validators import is_valid_nhs_number, validate_postcode

PEOPLE = 50
SEED = 7


def seed(**kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", people=PEOPLE, seed=SEED, stdout=out, **kwargs)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = (
        Organisation,
        Team,
        User,
        Membership,
        Person,
        PersonContact,
        Relationship,
        PersonGroupObjectPermission,
        PersonUserObjectPermission,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded(db):
    return seed()


def test_every_role_has_a_user_and_a_demo_login(seeded):
    roles_held = set(Membership.objects.current().values_list("role", flat=True))
    assert roles_held == set(Role.values)
    for role, email in DEMO_LOGIN_EMAILS.items():
        user = User.objects.get(email=email)
        assert user.memberships.filter(role=role, is_active=True).exists()
        assert user.check_password(DEMO_PASSWORD)
    assert [label for label, _ in demo_logins()] == [Role(role).label for role in Role.values]
    for _, email in demo_logins():
        assert email in seeded
    assert DEMO_PASSWORD in seeded


def test_staff_mix_employment_and_second_memberships(seeded):
    staff = User.objects.filter(memberships__isnull=False).distinct()
    assert 50 <= staff.count() <= 70
    employment = set(Membership.objects.values_list("employment_type", flat=True))
    assert employment == {"permanent", "seconded", "locum", "agency"}
    seconded = Membership.objects.filter(employment_type="seconded").select_related(
        "team__organisation", "employer"
    )
    assert seconded.exists()
    for membership in seconded:
        assert membership.employer is not None
        assert membership.employer != membership.team.organisation
    assert any(user.memberships.count() > 1 for user in staff)
    # Teams were made through the service, so each has its own auth group.
    assert all(team.group_id for team in Team.objects.all())


def test_administrator_uses_admin_pages_without_being_superuser(seeded):
    admin = User.objects.get(email=DEMO_LOGIN_EMAILS[Role.ADMINISTRATOR])
    assert admin.is_staff and not admin.is_superuser
    for perm in ("view_team", "change_team", "change_membership", "change_user", "view_organisation"):
        assert admin.has_perm(f"accounts.{perm}")
    assert not User.objects.filter(memberships__isnull=False, is_superuser=True).exists()
    assert User.objects.filter(is_staff=True, memberships__isnull=False).distinct().count() == 1


def test_people_have_valid_test_identifiers_and_addresses(seeded):
    people = list(Person.objects.all())
    # Carers added by the Care Act seeder are people in the index too.
    assert len(people) - Person.objects.filter(caring_for__isnull=False).count() == PEOPLE
    with_nhs = [p.nhs_number for p in people if p.nhs_number]
    assert len(with_nhs) >= PEOPLE * 0.85
    assert len(set(with_nhs)) == len(with_nhs)
    for person in people:
        if person.nhs_number:
            assert person.nhs_number.startswith("999")
            assert is_valid_nhs_number(person.nhs_number)
        validate_postcode(person.postcode)
        assert person.search_name == person.compute_search_name() != ""
        assert not person.phone or person.phone[:9] in {"07700 900", "01632 960"}
        person.full_clean()
    assert Person.history.count() == len(people)
    assert PersonContact.objects.exists()
    assert PersonContact.history.count() == PersonContact.objects.count()


def test_demo_practitioner_has_a_caseload_in_north_working_age(seeded):
    practitioner = User.objects.get(email=DEMO_LOGIN_EMAILS[Role.PRACTITIONER])
    team = practitioner.memberships.get().team
    assert team.locality == "North"
    assert team.service_line == ServiceLine.WORKING_AGE
    visible = people_for_user(practitioner)
    assert visible.exists()
    allocated = Relationship.objects.active().filter(
        user=practitioner, kind=RelationshipKind.ALLOCATED_WORKER
    )
    assert allocated.count() >= 3
    assert set(allocated.values_list("person_id", flat=True)) <= set(visible.values_list("pk", flat=True))
    assert Relationship.objects.active().filter(team=team).exists()


def test_some_people_are_held_by_no_one(seeded):
    unheld = Person.objects.filter(relationships__isnull=True, is_restricted=False)
    assert unheld.exists()
    practitioner = User.objects.get(email=DEMO_LOGIN_EMAILS[Role.PRACTITIONER])
    assert not people_for_user(practitioner).filter(pk__in=unheld).exists()


def test_permission_rows_match_relationships(seeded):
    """Each open relationship's holder has view and change on the person; ended ones (kept
    for the record, as the services leave them) grant nothing."""
    active = Relationship.objects.active()
    team_pairs = active.filter(team__isnull=False).values("team_id", "person_id").distinct().count()
    assert PersonGroupObjectPermission.objects.count() == 2 * team_pairs
    user_pairs = active.filter(user__isnull=False).values("user_id", "person_id").distinct().count()
    assert PersonUserObjectPermission.objects.count() == 2 * user_pairs


def test_commissioner_sees_no_one(seeded):
    commissioner = User.objects.get(email=DEMO_LOGIN_EMAILS[Role.COMMISSIONER])
    assert not people_for_user(commissioner).exists()


def test_same_seed_gives_the_same_people():
    def snapshot(seed_value):
        return [
            (
                p.person.given_name,
                p.person.family_name,
                p.person.date_of_birth,
                p.person.nhs_number,
                p.person.postcode,
                [c.name for c in p.contacts],
            )
            for p in generate_people(PEOPLE, seed_value)
        ]

    assert snapshot(SEED) == snapshot(SEED)
    assert snapshot(SEED) != snapshot(SEED + 1)


def test_running_again_changes_nothing(seeded):
    before = table_counts()
    output = seed()
    assert "Demo data already present" in output
    assert table_counts() == before


@pytest.mark.django_db
def test_referrals_in_every_state_and_access_matches_the_work():
    from cases.models import Case, CaseNote, CaseStatus, Referral, ReferralStatus

    call_command("seed_demo", people=300, seed=SEED, stdout=StringIO())
    states = set(Referral.objects.values_list("status", flat=True))
    assert states == set(ReferralStatus.values)
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.OPEN, CaseStatus.CLOSED}
    assert Case.objects.filter(status=CaseStatus.OPEN, worker__isnull=True).exists()  # unallocated work
    assert CaseNote.objects.exists()
    assert Referral.objects.filter(is_verified=False, person__isnull=True).count() == 3
    from django.utils import timezone

    assert not Referral.objects.filter(received_at__gt=timezone.now()).exists()
    assert not CaseNote.objects.filter(created_at__gt=timezone.now() - timezone.timedelta(days=1)).exists()
    # Every active relationship points at an open case or a waiting referral, and back.
    open_cases = {
        f"case:{pk}" for pk in Case.objects.filter(status=CaseStatus.OPEN).values_list("pk", flat=True)
    }
    waiting = {
        f"referral:{pk}"
        for pk in Referral.objects.filter(
            status=ReferralStatus.AWAITING_TRIAGE, person__isnull=False
        ).values_list("pk", flat=True)
    }
    sources = set(
        Relationship.objects.active()
        .exclude(
            kind__in=[RelationshipKind.MHA_ASSESSMENT, RelationshipKind.SAFEGUARDING, RelationshipKind.CARER]
        )
        .values_list("source", flat=True)
    )
    assert sources == open_cases | waiting
    demo_practitioner = User.objects.get(email=DEMO_LOGIN_EMAILS[Role.PRACTITIONER])
    assert Case.objects.filter(worker=demo_practitioner, status=CaseStatus.OPEN).count() >= 3
