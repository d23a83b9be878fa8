"""Services for MHA assessment requests: receive, extend, allocate, withdraw, assess, convert."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from amhp import services
from amhp.models import (
    Approval,
    AssessmentDelay,
    MedicalRecommendation,
    MhaAssessment,
    MhaRequest,
    MhaRequestTransition,
    RequestStatus,
)
from cases.models import Relationship, RelationshipKind
from cases.permissions import has_relationship
from tests.amhp.conftest import make_amhp
from tests.factories import PersonFactory, make_member, make_team

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 15, 10, 0))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def request_data(**overrides):
    data = {
        "received_at": ago(hours=3),
        "requester_kind": "police",
        "requester_name": "PC Dana Cole 4521",
        "requester_contact": "01603 000000",
        "location": "Health-based place of safety, Hellesdon",
        "legal_status": "s136",
        "reason": "Found on a bridge, distressed",
        "arrived_at_place_of_safety": ago(hours=4),
    }
    return {**data, **overrides}


def receive(team, person, by, **overrides):
    return services.receive_request(team=team, person=person, data=request_data(**overrides), by=by)


@pytest.fixture
def mha(amhp_team, person, amhp_lead):
    return receive(amhp_team, person, amhp_lead)


@pytest.fixture
def allocated(mha, amhp_user, amhp_lead):
    return services.allocate_request(request_id=mha.pk, amhp=amhp_user, by=amhp_lead)


def events(request):
    return list(
        MhaRequestTransition.objects.filter(request=request).values_list("event", "from_status", "to_status")
    )


# --- Receiving ---------------------------------------------------------------------------------


def test_receive_gives_a_reference_a_transition_and_team_access(
    mha, amhp_team, amhp_user, person, other_worker
):
    assert mha.reference.startswith("M") and len(mha.reference) == 8
    assert mha.status == RequestStatus.OPEN
    assert events(mha) == [("received", "", "open")]
    relationship = Relationship.objects.active().get(source=f"mharequest:{mha.pk}")
    assert (relationship.team, relationship.kind) == (amhp_team, RelationshipKind.MHA_ASSESSMENT)
    assert has_relationship(amhp_user, person)
    assert not has_relationship(other_worker, person)
    assert mha.history.first().history_user is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            lambda: {"arrived_at_place_of_safety": None},
            "Enter the date and time the person arrived at the place",
        ),
        (lambda: {"arrived_at_place_of_safety": ago(minutes=-60)}, "place of safety must be in the past"),
        (lambda: {"arrived_at_place_of_safety": ago(hours=40)}, "more than 36 hours before the request"),
        (lambda: {"legal_status": "community"}, "Leave the arrival time empty"),
        (lambda: {"requester_kind": ""}, "Select who asked for the assessment"),
        (lambda: {"requester_name": " "}, "Enter the name of the person who asked"),
        (lambda: {"location": ""}, "Enter where the person is now"),
        (lambda: {"received_at": ago(minutes=-30)}, "received must be in the past"),
    ],
)
def test_receive_refuses_what_does_not_make_sense(amhp_team, person, amhp_lead, overrides, message):
    """Values are built inside the test, when the clock is frozen."""
    with pytest.raises(services.DomainError, match=message):
        receive(amhp_team, person, amhp_lead, **overrides())
    assert not MhaRequest.objects.exists()


def test_receive_only_into_an_amhp_team(north_team, person, manager):
    with pytest.raises(services.DomainError, match="go to an AMHP team"):
        receive(north_team, person, manager)


def test_community_request_needs_no_arrival(amhp_team, person, amhp_lead):
    request = receive(amhp_team, person, amhp_lead, legal_status="community", arrived_at_place_of_safety=None)
    assert request.arrived_at_place_of_safety is None


# --- Place of safety extension -----------------------------------------------------------------


def extend(request, hours=12, by=None, doctor="Dr Rao", reason="Too intoxicated to assess"):
    return services.extend_place_of_safety(
        request_id=request.pk, hours=hours, authorised_by=doctor, reason=reason, by=by or request.created_by
    )


def test_extension_of_12_hours_is_allowed_once(mha):
    extended = extend(mha, 12)
    assert extended.extension_hours == 12 and extended.extension_authorised_by == "Dr Rao"
    assert events(extended)[-1] == ("place of safety extended", "open", "open")
    with pytest.raises(services.DomainError, match="it can be extended only once"):
        extend(mha, 1)


def test_extension_of_13_hours_is_refused(mha):
    with pytest.raises(services.DomainError, match="from 1 to 12"):
        extend(mha, 13)
    with pytest.raises(services.DomainError, match="from 1 to 12"):
        extend(mha, 0)
    mha.refresh_from_db()
    assert mha.extension_hours == 0


def test_extension_needs_the_doctor_and_the_reason(mha):
    with pytest.raises(services.DomainError, match="name of the doctor"):
        extend(mha, doctor=" ")
    with pytest.raises(services.DomainError, match="doctor's reason"):
        extend(mha, reason="")


def test_extension_refused_once_the_24_hours_have_ended(mha):
    deadline = mha.arrived_at_place_of_safety + datetime.timedelta(hours=24)
    with (
        time_machine.travel(deadline, tick=False),
        pytest.raises(services.DomainError, match="it can no longer be extended"),
    ):
        extend(mha)
    with time_machine.travel(deadline - datetime.timedelta(minutes=1), tick=False):
        assert extend(mha).extension_hours == 12


def test_extension_only_for_a_place_of_safety(amhp_team, person, amhp_lead):
    request = receive(amhp_team, person, amhp_lead, legal_status="s5_2", arrived_at_place_of_safety=None)
    with pytest.raises(services.DomainError, match="Only a place of safety period"):
        extend(request)


# --- Allocation and withdrawal -----------------------------------------------------------------


def test_allocation_grants_the_amhp_access(allocated, amhp_user, person):
    assert allocated.status == RequestStatus.ALLOCATED and allocated.allocated_amhp == amhp_user
    assert events(allocated)[-1] == ("allocated", "open", "allocated")
    relationship = Relationship.objects.active().get(source=f"mharequest:{allocated.pk}", user=amhp_user)
    assert relationship.kind == RelationshipKind.MHA_ASSESSMENT


def test_an_amhp_in_another_team_can_be_allocated_and_gets_access(mha, council, person, amhp_lead):
    community = make_team("East Community", council)
    outside_amhp = make_amhp(community, name="Oli Outside", email="oli@example.org", by=amhp_lead)
    assert not has_relationship(outside_amhp, person)
    services.allocate_request(request_id=mha.pk, amhp=outside_amhp, by=amhp_lead)
    assert has_relationship(outside_amhp, person)


def test_an_amhp_of_another_council_cannot_be_allocated(mha, amhp_lead):
    from tests.factories import OrganisationFactory

    elsewhere = make_team("Southshire AMHP", OrganisationFactory(name="Southshire Council"), "amhp", "")
    stranger_amhp = make_amhp(elsewhere, name="Sol South", email="sol@example.org")
    with pytest.raises(services.DomainError, match="does not work for Northshire County Council"):
        services.allocate_request(request_id=mha.pk, amhp=stranger_amhp, by=amhp_lead)


def test_reallocation_needs_a_reason_and_ends_the_previous_access(
    allocated, locum_amhp, amhp_user, amhp_lead
):
    with pytest.raises(services.DomainError, match="Enter why the request is being reallocated"):
        services.allocate_request(request_id=allocated.pk, amhp=locum_amhp, by=amhp_lead)
    services.allocate_request(
        request_id=allocated.pk, amhp=locum_amhp, by=amhp_lead, reason="Asha is off sick"
    )
    active = Relationship.objects.active().filter(source=f"mharequest:{allocated.pk}", user__isnull=False)
    assert [r.user for r in active] == [locum_amhp]
    assert events(allocated)[-1] == ("reallocated", "allocated", "allocated")


def test_allocation_to_an_amhp_without_a_valid_approval_is_refused(mha, amhp_team, amhp_lead):
    lapsed = make_amhp(
        amhp_team,
        name="Lapsed",
        email="lapsed@example.org",
        approved_on=datetime.date(2021, 1, 1),
        by=amhp_lead,
    )
    with pytest.raises(services.DomainError, match="does not hold a valid AMHP approval today"):
        services.allocate_request(request_id=mha.pk, amhp=lapsed, by=amhp_lead)
    ended = make_amhp(amhp_team, name="Ended", email="ended@example.org", by=amhp_lead)
    Approval.objects.filter(amhp__user=ended).update(ended_on=timezone.localdate(), end_reason="Suspended")
    with pytest.raises(services.DomainError, match="does not hold a valid AMHP approval today"):
        services.allocate_request(request_id=mha.pk, amhp=ended, by=amhp_lead)
    practitioner = make_member(amhp_team, Role.PRACTITIONER)
    with pytest.raises(services.DomainError, match="does not hold a valid AMHP approval today"):
        services.allocate_request(request_id=mha.pk, amhp=practitioner, by=amhp_lead)


def test_approval_valid_on_its_expiry_day(mha, amhp_team, amhp_lead):
    """Approved on 15 March 2022 for five years: it expires on 14 March 2027."""
    amhp = make_amhp(
        amhp_team, name="Last Day", email="last@example.org", approved_on=datetime.date(2022, 3, 15)
    )
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        services.allocate_request(request_id=mha.pk, amhp=amhp, by=amhp_lead)
    other = receive(amhp_team, PersonFactory(), amhp_lead)
    with pytest.raises(services.DomainError, match="valid AMHP approval"):
        services.allocate_request(request_id=other.pk, amhp=amhp, by=amhp_lead)


def test_a_stale_allocation_overwrites_nothing(allocated, locum_amhp, amhp_lead):
    with pytest.raises(
        services.DomainError, match="someone else changed the allocation: it is now with Asha"
    ):
        services.allocate_request(
            request_id=allocated.pk, amhp=locum_amhp, by=amhp_lead, reason="x", expected_amhp_id=None
        )
    allocated.refresh_from_db()
    assert allocated.allocated_amhp.full_name == "Asha Amhp"


def test_withdraw_ends_every_access_through_the_request(allocated, amhp_lead, amhp_user, person):
    with pytest.raises(services.DomainError, match="Enter why"):
        services.withdraw_request(request_id=allocated.pk, reason="", by=amhp_lead)
    withdrawn = services.withdraw_request(
        request_id=allocated.pk, reason="Assessed by the crisis team", by=amhp_lead
    )
    assert withdrawn.status == RequestStatus.WITHDRAWN and withdrawn.closed_at is not None
    assert not Relationship.objects.active().filter(source=f"mharequest:{allocated.pk}").exists()
    assert not has_relationship(amhp_user, person)
    assert events(withdrawn)[-1] == ("withdrawn", "allocated", "withdrawn")
    with pytest.raises(services.DomainError, match="withdrawn: it cannot be allocated"):
        services.allocate_request(request_id=allocated.pk, amhp=amhp_user, by=amhp_lead)


# --- The assessment ------------------------------------------------------------------------


def doctors(first=None, second=None):
    first = first or timezone.localdate()
    return [
        {
            "doctor_name": "Dr Ama Mensah",
            "s12_approved": True,
            "previous_acquaintance": False,
            "examined_on": first,
        },
        {
            "doctor_name": "Dr Ben Hale",
            "s12_approved": False,
            "previous_acquaintance": True,
            "examined_on": second or first,
        },
    ]


def assessment_data(**overrides):
    data = {
        "assessed_at": ago(hours=2),
        "nearest_relative_name": "Grace Okafor",
        "nearest_relative_relationship": "Mother",
        "nearest_relative_contact": "informed",
        "nearest_relative_objected": False,
        "outcome": "s2",
        "application_made_at": ago(hours=1),
        "s4_admitted_at": None,
        "notes": "",
    }
    return {**data, **overrides}


def assess(request, by, recommendations=None, delays=(), **overrides):
    return services.record_assessment(
        request_id=request.pk,
        data=assessment_data(**overrides),
        recommendations=doctors() if recommendations is None else recommendations,
        delays=list(delays),
        by=by,
    )


def test_record_section_2_assessment(allocated, amhp_user, person):
    assessment = assess(allocated, amhp_user, delays=[{"cause": "bed", "minutes": 240, "details": "No bed"}])
    allocated.refresh_from_db()
    assert allocated.status == RequestStatus.ASSESSED and allocated.closed_at is not None
    assert assessment.recommendations.count() == 2 and assessment.delays.get().minutes == 240
    assert events(allocated)[-1] == ("assessed", "allocated", "assessed")
    # The AMHP and the team keep the person to write up the report.
    assert has_relationship(amhp_user, person)
    with pytest.raises(services.DomainError, match="already been recorded"):
        assess(allocated, amhp_user)


def test_a_15_day_old_examination_is_refused_with_a_clear_message(allocated, amhp_user):
    examined = timezone.localdate() - datetime.timedelta(days=14)
    with pytest.raises(services.ApplicationRefused) as refused:
        assess(allocated, amhp_user, recommendations=doctors(examined))
    assert refused.value.messages == [
        "The application is more than 14 days after the last medical examination on 1 March 2027: "
        "the last day it could be made was 14 March 2027 (MHA 1983 s6(1)(a))"
    ]
    assert not MhaAssessment.objects.exists() and not MedicalRecommendation.objects.exists()
    allocated.refresh_from_db()
    assert allocated.status == RequestStatus.ALLOCATED


def test_a_14_day_old_examination_is_allowed(allocated, amhp_user):
    examined = timezone.localdate() - datetime.timedelta(days=13)
    assert assess(allocated, amhp_user, recommendations=doctors(examined)).outcome == "s2"


def test_only_the_allocated_amhp_records_the_assessment(
    allocated, locum_amhp, mha, amhp_team, person, amhp_lead
):
    with pytest.raises(services.DomainError, match="Only the allocated AMHP"):
        assess(allocated, locum_amhp)
    unallocated = receive(amhp_team, PersonFactory(), amhp_lead)
    with pytest.raises(services.DomainError, match="Allocate the request"):
        assess(unallocated, locum_amhp)


def test_every_problem_is_listed_at_once(allocated, amhp_user):
    with pytest.raises(services.ApplicationRefused) as refused:
        assess(
            allocated,
            amhp_user,
            recommendations=[{**doctors()[0], "s12_approved": False}, doctors()[1]],
            outcome="s3",
            nearest_relative_contact="consulted",
            nearest_relative_objected=True,
            delays=[{"cause": "", "minutes": 0}],
        )
    assert len(refused.value.messages) == 4
    assert any("nearest relative objects" in m for m in refused.value.messages)
    assert AssessmentDelay.objects.count() == 0


def test_application_needs_an_approved_amhp_on_its_date(allocated, amhp_user):
    Approval.objects.filter(amhp__user=amhp_user).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(services.ApplicationRefused) as refused:
        assess(allocated, amhp_user)
    assert "valid AMHP approval on the date of the application" in refused.value.messages[0]
    # With no application (no further action) the AMHP's approval is not in question here.
    assert assess(allocated, amhp_user, outcome="nfa", application_made_at=None).outcome == "nfa"


def test_no_application_date_for_outcomes_without_an_application(allocated, amhp_user):
    with pytest.raises(services.ApplicationRefused, match="Leave the application date empty"):
        assess(allocated, amhp_user, outcome="community")


def test_assessment_cannot_precede_the_request(allocated, amhp_user):
    with pytest.raises(services.ApplicationRefused, match="after the request was received"):
        assess(allocated, amhp_user, assessed_at=ago(hours=5))


# --- Section 4 -------------------------------------------------------------------------------


@pytest.fixture
def s4(allocated, amhp_user):
    return assess(
        allocated,
        amhp_user,
        recommendations=doctors()[1:],
        outcome="s4",
        s4_admitted_at=ago(minutes=30),
        nearest_relative_contact="not_practicable",
    )


def test_section_4_needs_the_admission_time(allocated, amhp_user):
    with pytest.raises(services.ApplicationRefused, match="admitted under section 4"):
        assess(allocated, amhp_user, recommendations=doctors()[1:], outcome="s4")


def test_section_4_converts_with_a_second_recommendation_within_72_hours(s4, amhp_user, allocated):
    second = {"doctor_name": "Dr Cy Ward", "s12_approved": True, "examined_on": timezone.localdate()}
    with time_machine.travel(s4.s4_admitted_at + datetime.timedelta(hours=71), tick=False):
        converted = services.convert_s4(
            request_id=allocated.pk, recommendation=second, received_at=timezone.now(), by=amhp_user
        )
    assert converted.s4_converted_at is not None and converted.recommendations.count() == 2
    assert events(allocated)[-1][0] == "s4 converted to s2"


def test_section_4_cannot_convert_after_72_hours(s4, amhp_user, allocated):
    second = {"doctor_name": "Dr Cy Ward", "s12_approved": True, "examined_on": timezone.localdate()}
    with (
        time_machine.travel(s4.s4_admitted_at + datetime.timedelta(hours=72), tick=False),
        pytest.raises(services.ApplicationRefused, match="72 hours after admission"),
    ):
        services.convert_s4(
            request_id=allocated.pk, recommendation=second, received_at=timezone.now(), by=amhp_user
        )


def test_section_4_conversion_needs_a_section_12_doctor(s4, amhp_user, allocated):
    second = {"doctor_name": "Dr Cy Ward", "s12_approved": False, "examined_on": timezone.localdate()}
    with pytest.raises(services.ApplicationRefused, match="section 12"):
        services.convert_s4(
            request_id=allocated.pk, recommendation=second, received_at=timezone.now(), by=amhp_user
        )


# --- The clock in SQL agrees with the rules ---------------------------------------------------


def test_sql_deadline_agrees_with_the_rules(mha, amhp_lead):
    from amhp import rules
    from amhp.selectors_requests import live_requests

    extend(mha, 5)
    mha.refresh_from_db()
    assert live_requests(amhp_lead).get(pk=mha.pk).pos_deadline == rules.place_of_safety_deadline(mha)
    assert rules.place_of_safety_deadline(mha) == mha.arrived_at_place_of_safety + datetime.timedelta(
        hours=29
    )
    # Before the Policing and Crime Act 2017 commenced (11 December 2017, London time): 72 hours.
    for arrived, hours in (
        (timezone.make_aware(datetime.datetime(2017, 12, 10, 23, 30)), 72),
        (timezone.make_aware(datetime.datetime(2017, 12, 11, 0, 30)), 24),
    ):
        MhaRequest.objects.filter(pk=mha.pk).update(arrived_at_place_of_safety=arrived, extension_hours=0)
        mha.refresh_from_db()
        sql = live_requests(amhp_lead).get(pk=mha.pk).pos_deadline
        assert sql == rules.place_of_safety_deadline(mha) == arrived + datetime.timedelta(hours=hours)
