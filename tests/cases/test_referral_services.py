"""Referral, triage and case services: transitions, access moving with the work (ADR 1, 3)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services
from cases.models import Case, CaseStatus, Referral, ReferralStatus, ReferralTransition
from cases.permissions import has_relationship
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

REFERRAL = {
    "source": "gp",
    "received_via": "phone",
    "reason": "Low mood, not eating, missed work",
    "urgency": "high",
    "referrer_name": "Dr Amal Hussein",
    "referrer_organisation": "Mill Lane Surgery",
}


@pytest.fixture
def newcomer():
    return PersonFactory(given_name="Grace", family_name="Lindqvist")


@pytest.fixture
def referral(north_team, newcomer, manager):
    return services.receive_referral(team=north_team, person=newcomer, data=REFERRAL, by=manager)


def detail_status(client, person):
    return client.get(reverse("cases:person_detail", args=[person.pk])).status_code


def test_receiving_a_referral_gives_the_team_access_and_a_reference(referral, practitioner, newcomer):
    assert referral.reference.startswith("R") and len(referral.reference) == 8
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert has_relationship(practitioner, newcomer)
    assert referral.transitions.get().event == "received"


def test_allocation_opens_a_case_and_moves_access(referral, practitioner, manager, other_worker, newcomer):
    case = services.allocate_referral(
        referral_id=referral.pk, worker=practitioner, by=manager, reason="Capacity"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ALLOCATED and referral.decided_by == manager
    assert case.status == CaseStatus.OPEN and case.worker == practitioner and case.team == referral.team
    assert has_relationship(practitioner, newcomer) and has_relationship(manager, newcomer)
    assert not has_relationship(other_worker, newcomer)
    assert [t.event for t in referral.transitions.all()] == ["received", "allocated"]
    assert case.transitions.get().event == "opened"
    # A repeat is a no-op, not a second case.
    again = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    assert again == case and Case.objects.count() == 1


def test_cannot_allocate_to_someone_outside_the_team(referral, other_worker, manager):
    with pytest.raises(services.DomainError, match="not a member"):
        services.allocate_referral(referral_id=referral.pk, worker=other_worker, by=manager)
    assert Referral.objects.get().status == ReferralStatus.AWAITING_TRIAGE


def test_a_decided_referral_cannot_be_decided_again(referral, manager, practitioner):
    services.close_referral_no_further_action(referral_id=referral.pk, by=manager, reason="Needs met by GP")
    with pytest.raises(services.DomainError, match="already no further action"):
        services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)


@pytest.mark.parametrize(
    ("decide", "status"),
    [
        (
            lambda r, by: services.signpost_referral(referral_id=r.pk, advice="Recovery college", by=by),
            ReferralStatus.SIGNPOSTED,
        ),
        (
            lambda r, by: services.pass_to_clinical_pathway(referral_id=r.pk, by=by, reason="Needs CMHT"),
            ReferralStatus.CLINICAL_PATHWAY,
        ),
        (
            lambda r, by: services.close_referral_no_further_action(
                referral_id=r.pk, by=by, reason="Resolved"
            ),
            ReferralStatus.NO_FURTHER_ACTION,
        ),
    ],
)
def test_other_decisions_end_the_teams_access(referral, manager, practitioner, newcomer, decide, status):
    decide(referral, manager)
    referral.refresh_from_db()
    assert referral.status == status
    assert not has_relationship(practitioner, newcomer)
    assert ReferralTransition.objects.filter(referral=referral, to_status=status).count() == 1


def test_decisions_need_their_reasons(referral, manager):
    with pytest.raises(services.DomainError, match="information or advice"):
        services.signpost_referral(referral_id=referral.pk, advice=" ", by=manager)
    with pytest.raises(services.DomainError, match="no further action"):
        services.close_referral_no_further_action(referral_id=referral.pk, by=manager, reason="")


def test_transfer_moves_the_referral_and_its_access(
    referral, manager, practitioner, other_worker, south_team, newcomer
):
    services.transfer_referral(
        referral_id=referral.pk, to_team=south_team, by=manager, reason="Lives in the south"
    )
    referral.refresh_from_db()
    assert referral.team == south_team and referral.status == ReferralStatus.AWAITING_TRIAGE
    assert not has_relationship(practitioner, newcomer)
    assert has_relationship(other_worker, newcomer)
    assert referral.transitions.last().details == {
        "from_team": referral.transitions.last().details["from_team"],
        "to_team": south_team.pk,
    }


def test_reallocation_moves_the_workers_access(referral, manager, practitioner, north_team, newcomer):
    case = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    colleague = make_member(north_team, Role.PRACTITIONER)
    services.reallocate_case(case_id=case.pk, worker=colleague, by=manager, reason="Leave")
    case.refresh_from_db()
    assert case.worker == colleague
    assert case.person.relationships.active().filter(user=practitioner).count() == 0
    assert case.person.relationships.active().filter(user=colleague).count() == 1
    assert has_relationship(practitioner, newcomer)  # still through the team


def test_case_transfer_and_closure_end_access(
    referral, manager, practitioner, other_worker, south_team, newcomer
):
    case = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    services.transfer_case(case_id=case.pk, to_team=south_team, by=manager, reason="Moved house")
    case.refresh_from_db()
    assert case.team == south_team and case.worker is None
    assert not has_relationship(practitioner, newcomer) and has_relationship(other_worker, newcomer)
    services.close_case(case_id=case.pk, by=manager, reason="Goals met")
    assert not has_relationship(other_worker, newcomer)
    with pytest.raises(services.DomainError, match="closed"):
        services.reallocate_case(case_id=case.pk, worker=other_worker, by=manager, reason="x")
    services.reopen_case(case_id=case.pk, by=manager, reason="New crisis")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and has_relationship(other_worker, newcomer)
    assert [t.event for t in case.transitions.all()] == ["opened", "transferred", "closed", "reopened"]


def test_public_referral_is_unverified_until_matched(north_team, manager, practitioner, newcomer):
    referral = services.receive_public_referral(
        team=north_team,
        subject_details={"name": "Grace Lindqvist"},
        data={"reason": "My sister is not coping", "source": "relative_or_friend"},
    )
    assert not referral.is_verified and referral.person is None
    assert not has_relationship(practitioner, newcomer)
    with pytest.raises(services.DomainError, match="Match the referral"):
        services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    services.verify_referral(referral_id=referral.pk, person=newcomer, by=manager)
    assert has_relationship(practitioner, newcomer)


def test_opening_a_decided_referral_logs_it_as_the_teams_record(referral, manager, manager_client):
    from cases.models import AccessBasis, AccessLog

    services.close_referral_no_further_action(referral_id=referral.pk, by=manager, reason="Resolved")
    assert manager_client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert AccessLog.objects.get().basis == AccessBasis.TEAM_RECORD


def test_the_teams_manager_can_reopen_a_closed_case_through_the_page(
    referral, manager, manager_client, practitioner, newcomer
):
    from cases.models import AccessBasis, AccessLog

    case = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    services.close_case(case_id=case.pk, by=manager, reason="Goals met")
    assert not has_relationship(manager, newcomer)
    url = reverse("casework:case_reopen", args=[case.pk])
    assert manager_client.get(url).status_code == 200
    assert AccessLog.objects.filter(basis=AccessBasis.TEAM_RECORD).count() == 1
    response = manager_client.post(url, {"reason": "New crisis reported by the GP"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and has_relationship(manager, newcomer)


def test_a_practitioner_cannot_reach_a_closed_case(referral, manager, practitioner_client, practitioner):
    case = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    services.close_case(case_id=case.pk, by=manager, reason="Goals met")
    assert practitioner_client.get(reverse("casework:case_reopen", args=[case.pk])).status_code == 404


def test_only_the_reopen_page_reaches_a_closed_case_as_the_teams_record(
    referral, manager, manager_client, practitioner
):
    case = services.allocate_referral(referral_id=referral.pk, worker=practitioner, by=manager)
    services.close_case(case_id=case.pk, by=manager, reason="Goals met")
    for action in ("case_reallocate", "case_transfer", "case_close"):
        assert manager_client.get(reverse(f"casework:{action}", args=[case.pk])).status_code == 404
