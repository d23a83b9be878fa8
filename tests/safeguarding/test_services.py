"""Safeguarding services: concern, s42 decision, enquiry steps and transitions, closure."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from cases.models import Relationship, RelationshipKind
from safeguarding import services
from safeguarding.models import (
    AllegedPerson,
    ConcernStatus,
    Enquiry,
    EnquiryStage,
    EnquiryTransition,
    SafeguardingSettings,
)
from tests.factories import make_member, make_team

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")

CONCERN = {
    "raised_by_name": "Dee Neighbour",
    "raised_by_role": "Neighbour",
    "raised_from": "Mill Lane",
    "abuse_types": ["financial", "psychological"],
    "location": "own_home",
    "source_of_risk": "known",
    "primary_support_reason": "mental_health",
    "details": "Her nephew takes her benefits and shouts at her",
    "immediate_actions": "Spoke to the adult alone; she is safe tonight",
    "adults_views": "Wants it to stop but not to lose contact",
    "consent": "consents",
    "may_lack_capacity": False,
}
ALLEGED = {
    "name": "Nate Nephew",
    "relationship": "Nephew",
    "is_professional": False,
    "details": "Visits weekly",
}


# --- Helpers the other test modules use -------------------------------------------------


def raise_for(person, team, by, alleged=None, **overrides):
    data = {**CONCERN, "received_at": timezone.now() - datetime.timedelta(hours=1), **overrides}
    return services.raise_concern(person=person, team=team, data=data, by=by, alleged=alleged)


def start(concern, sam, officer=None, kind="s42", reason=""):
    return services.start_enquiry(
        concern_id=concern.pk,
        kind=kind,
        has_care_needs=True,
        at_risk_of_abuse=True,
        unable_to_protect=True,
        reason=reason or ("" if kind == "s42" else "Carer under strain, no care needs met"),
        sam=sam,
        enquiry_officer=officer,
        by=sam,
    )


STEP_DATA = {
    "strategy": {
        "strategy_kind": "meeting",
        "strategy_attendees": "SAM, officer, police, GP",
        "strategy_decisions": "Officer to visit; police to check accounts",
    },
    "msp": {
        "msp_asked": "asked_expressed",
        "desired_outcomes": "To feel safe and keep seeing her nephew",
        "lacks_capacity": "no",
        "substantial_difficulty": True,
        "appropriate_person": False,
        "advocate": "Jo Advocate, VoiceAbility",
    },
    "findings": {"findings": "Money taken on 6 occasions", "risk_assessment": "High risk of further loss"},
    "plan": {"conference_attendees": "SAM, officer, adult, advocate", "safeguarding_plan": "Bank protection"},
    "review": {"review_notes": "Plan working; no further loss"},
    "outcome": {
        "risk_assessment_result": "identified",
        "action_taken": True,
        "risk_outcome": "reduced",
        "outcomes_achieved": "partially",
    },
}
RECORD = {
    "strategy": services.record_strategy,
    "msp": services.record_msp,
    "findings": services.record_findings,
    "plan": services.record_plan,
    "review": services.record_review,
    "outcome": services.record_outcome,
}


def step_data(step, **overrides):
    today = timezone.localdate()
    data = {**STEP_DATA[step], **{"strategy_on": today, "conference_on": today, "review_on": today}}
    return {**data, **overrides}


def record(enquiry, step, by, **overrides):
    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    return RECORD[step](
        enquiry_id=enquiry.pk, data=step_data(step, **overrides), expected_version=enquiry.version, by=by
    )


def complete(enquiry, by, steps=("strategy", "msp", "findings", "plan", "review", "outcome")):
    for step in steps:
        enquiry = record(enquiry, step, by)
    return enquiry


def close(enquiry, by, ongoing="Bank alerts stay; GP reviews monthly"):
    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    return services.close_enquiry(
        enquiry_id=enquiry.pk, ongoing_risk_management=ongoing, expected_version=enquiry.version, by=by
    )


def user_relationship(person, user, source):
    return Relationship.objects.active().filter(person=person, user=user, source=source).exists()


# --- Raising a concern ------------------------------------------------------------------


def test_raise_concern_records_it_and_gives_the_team_access(person, safeguarding_team, practitioner):
    concern = raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)
    assert concern.reference.startswith("S") and len(concern.reference) == 8
    assert concern.status == ConcernStatus.AWAITING_DECISION
    assert concern.organisation == safeguarding_team.organisation
    assert concern.abuse_types == ["financial", "psychological"]
    assert AllegedPerson.objects.get(concern=concern).name == "Nate Nephew"
    assert [(t.event, t.to_status, t.actor) for t in concern.transitions.all()] == [
        ("received", "awaiting_decision", practitioner)
    ]
    relationship = Relationship.objects.active().get(person=person, team=safeguarding_team)
    assert (relationship.kind, relationship.source) == (
        RelationshipKind.SAFEGUARDING,
        f"concern:{concern.pk}",
    )
    assert concern.history.first().history_user == practitioner


def test_raise_concern_without_an_alleged_person_stores_none(person, safeguarding_team, practitioner):
    concern = raise_for(
        person, safeguarding_team, practitioner, alleged={"name": "", "is_professional": False}
    )
    assert not AllegedPerson.objects.filter(concern=concern).exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"immediate_actions": "  "}, "Enter the immediate actions taken to make the adult safe"),
        ({"abuse_types": []}, "Select at least one type of abuse or neglect"),
        ({"abuse_types": ["bullying"]}, "Select types of abuse or neglect from the list"),
        ({"location": ""}, "Select where the abuse or neglect happened"),
        ({"details": ""}, "Enter what happened"),
    ],
)
def test_raise_concern_refuses_what_is_missing(person, safeguarding_team, practitioner, override, message):
    with pytest.raises(services.DomainError, match=message):
        raise_for(person, safeguarding_team, practitioner, **override)


def test_raise_concern_refuses_a_team_that_is_not_safeguarding(person, north_team, practitioner):
    with pytest.raises(services.DomainError, match="Select the safeguarding team"):
        raise_for(person, north_team, practitioner)


def test_raise_concern_refuses_a_future_time(person, safeguarding_team, practitioner):
    with pytest.raises(services.DomainError, match="must be in the past"):
        raise_for(
            person, safeguarding_team, practitioner, received_at=timezone.now() + datetime.timedelta(days=1)
        )


# --- The decision timescale in working days ---------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday before the spring bank holiday (Monday 25 May 2026): Tuesday, Wednesday.
        (datetime.datetime(2026, 5, 22, 10, 0), datetime.date(2026, 5, 27)),
        # Maundy Thursday: Good Friday and Easter Monday are bank holidays.
        (datetime.datetime(2026, 4, 2, 16, 30), datetime.date(2026, 4, 8)),
        # Received on a Saturday: Monday is day one.
        (datetime.datetime(2026, 6, 6, 11, 0), datetime.date(2026, 6, 9)),
    ],
)
def test_decision_due_in_working_days_over_bank_holidays(
    person, safeguarding_team, practitioner, received, due
):
    received = received.replace(tzinfo=LONDON)
    with time_machine.travel(received + datetime.timedelta(hours=1), tick=False):
        concern = raise_for(person, safeguarding_team, practitioner, received_at=received)
    due_at = timezone.localtime(concern.decision_due_at)
    assert (due_at.date(), due_at.hour, due_at.minute) == (due, 23, 59)


def test_decision_timescale_is_set_per_organisation(person, safeguarding_team, practitioner):
    SafeguardingSettings.objects.create(organisation=safeguarding_team.organisation, decision_working_days=1)
    received = datetime.datetime(2026, 5, 22, 10, 0, tzinfo=LONDON)
    with time_machine.travel(received, tick=False):
        concern = raise_for(person, safeguarding_team, practitioner, received_at=received)
    assert timezone.localdate(concern.decision_due_at) == datetime.date(2026, 5, 26)


# --- The s42 decision -------------------------------------------------------------------


@pytest.fixture
def concern(person, safeguarding_team, practitioner):
    return raise_for(person, safeguarding_team, practitioner, alleged=ALLEGED)


def test_s42_needs_all_three_criteria_and_names_the_unmet_one(concern, sam):
    with pytest.raises(services.DomainError) as refused:
        services.start_enquiry(
            concern_id=concern.pk,
            kind="s42",
            has_care_needs=True,
            at_risk_of_abuse=True,
            unable_to_protect=False,
            by=sam,
        )
    assert "unable to protect themselves" in str(refused.value)
    assert "needs for care and support" not in str(refused.value)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.AWAITING_DECISION
    assert not Enquiry.objects.exists()


def test_every_criterion_must_be_answered(concern, sam):
    with pytest.raises(services.DomainError, match="Select whether the adult is experiencing"):
        services.close_concern_no_further_action(
            concern_id=concern.pk,
            has_care_needs=False,
            at_risk_of_abuse=None,
            unable_to_protect=False,
            reason="Not safeguarding",
            action_instead="Advice",
            by=sam,
        )


def test_s42_enquiry_names_the_sam_and_officer_who_gain_access(concern, sam, enquiry_officer, person):
    enquiry = start(concern, sam, enquiry_officer)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.S42_ENQUIRY
    assert (concern.decided_by, concern.has_care_needs, concern.unable_to_protect) == (sam, True, True)
    assert (enquiry.kind, enquiry.stage, enquiry.sam, enquiry.enquiry_officer) == (
        "s42",
        EnquiryStage.STRATEGY,
        sam,
        enquiry_officer,
    )
    assert [t.event for t in concern.transitions.all()] == ["received", "section 42 enquiry"]
    assert concern.transitions.last().details["late"] is False
    assert [(t.event, t.from_stage, t.to_stage) for t in enquiry.transitions.all()] == [
        ("started", "", "strategy")
    ]
    for user in (sam, enquiry_officer):
        relationship = Relationship.objects.active().get(person=person, user=user)
        assert (relationship.kind, relationship.source) == (
            RelationshipKind.SAFEGUARDING,
            f"enquiry:{enquiry.pk}",
        )


def test_the_sam_defaults_to_the_deciding_manager(concern, sam):
    enquiry = services.start_enquiry(
        concern_id=concern.pk,
        kind="s42",
        has_care_needs=True,
        at_risk_of_abuse=True,
        unable_to_protect=True,
        by=sam,
    )
    assert enquiry.sam == sam and enquiry.enquiry_officer is None


def test_other_enquiry_needs_a_reason_but_not_the_criteria_met(concern, sam):
    with pytest.raises(services.DomainError, match="Enter why another safeguarding enquiry is needed"):
        services.start_enquiry(
            concern_id=concern.pk,
            kind="other",
            has_care_needs=False,
            at_risk_of_abuse=True,
            unable_to_protect=False,
            by=sam,
        )
    enquiry = services.start_enquiry(
        concern_id=concern.pk,
        kind="other",
        has_care_needs=False,
        at_risk_of_abuse=True,
        unable_to_protect=False,
        reason="Carer at risk; council's power to enquire",
        by=sam,
    )
    assert enquiry.kind == "other"
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OTHER_ENQUIRY


def test_no_further_action_needs_reason_and_what_was_done_and_ends_team_access(
    concern, sam, person, safeguarding_team
):
    common = {
        "concern_id": concern.pk,
        "has_care_needs": True,
        "at_risk_of_abuse": False,
        "unable_to_protect": False,
        "by": sam,
    }
    with pytest.raises(services.DomainError, match="Enter what was done instead"):
        services.close_concern_no_further_action(reason="No abuse found", action_instead="", **common)
    services.close_concern_no_further_action(
        reason="No abuse found", action_instead="Care Act assessment requested", **common
    )
    concern.refresh_from_db()
    assert (concern.status, concern.action_instead) == ("no_further_action", "Care Act assessment requested")
    assert not Relationship.objects.active().filter(person=person, team=safeguarding_team).exists()


def test_only_a_sam_of_the_team_decides(concern, enquiry_officer, practitioner, council):
    other_team = make_team("West Safeguarding", council, "safeguarding", "West")
    other_sam = make_member(other_team, Role.SAFEGUARDING_MANAGER)
    for user in (enquiry_officer, practitioner, other_sam):
        with pytest.raises(
            services.DomainError, match="Only a safeguarding adults manager of Adult Safeguarding"
        ):
            start(concern, user)


def test_a_repeat_decision_is_a_no_op_and_a_different_one_is_refused(concern, sam):
    enquiry = start(concern, sam)
    assert start(concern, sam).pk == enquiry.pk
    assert EnquiryTransition.objects.filter(enquiry=enquiry).count() == 1
    with pytest.raises(services.DomainError, match="already been decided"):
        services.close_concern_no_further_action(
            concern_id=concern.pk,
            has_care_needs=True,
            at_risk_of_abuse=True,
            unable_to_protect=True,
            reason="x",
            action_instead="y",
            by=sam,
        )


def test_a_late_decision_is_allowed_and_flagged(person, safeguarding_team, practitioner, sam):
    received = datetime.datetime(2026, 5, 22, 10, 0, tzinfo=LONDON)
    with time_machine.travel(received, tick=False):
        concern = raise_for(person, safeguarding_team, practitioner, received_at=received)
    with time_machine.travel(datetime.datetime(2026, 5, 28, 9, 0, tzinfo=LONDON), tick=False):
        start(concern, sam)
    assert concern.transitions.last().details["late"] is True


def test_the_officer_must_be_an_enquiry_officer_and_not_the_sam(concern, sam, practitioner):
    with pytest.raises(services.DomainError, match="Select an enquiry officer of Northshire"):
        start(concern, sam, practitioner)
    with pytest.raises(services.DomainError, match="someone other than the safeguarding adults manager"):
        start(concern, sam, sam)


def test_an_enquiry_officer_in_a_mental_health_team_can_be_named(concern, sam, north_team, person):
    mh_officer = make_member(north_team, Role.ENQUIRY_OFFICER)
    enquiry = start(concern, sam, mh_officer)
    assert user_relationship(person, mh_officer, f"enquiry:{enquiry.pk}")


# --- Naming and replacing the officer ---------------------------------------------------


def test_replacing_the_officer_moves_access(concern, sam, enquiry_officer, safeguarding_team, person):
    enquiry = start(concern, sam, enquiry_officer)
    new_officer = make_member(safeguarding_team, Role.ENQUIRY_OFFICER)
    services.change_enquiry_staff(
        enquiry_id=enquiry.pk,
        sam=sam,
        enquiry_officer=new_officer,
        expected_version=enquiry.version,
        by=sam,
        reason="Ellis on leave",
    )
    source = f"enquiry:{enquiry.pk}"
    assert not user_relationship(person, enquiry_officer, source)
    assert user_relationship(person, new_officer, source) and user_relationship(person, sam, source)
    transition = enquiry.transitions.last()
    assert (transition.event, transition.details["from_officer"], transition.details["to_officer"]) == (
        "staff named",
        enquiry_officer.pk,
        new_officer.pk,
    )


def test_only_a_sam_of_the_team_changes_who_is_named(concern, sam, enquiry_officer):
    enquiry = start(concern, sam, enquiry_officer)
    with pytest.raises(services.DomainError, match="Only a safeguarding adults manager"):
        services.change_enquiry_staff(
            enquiry_id=enquiry.pk,
            sam=sam,
            enquiry_officer=None,
            expected_version=enquiry.version,
            by=enquiry_officer,
        )


# --- Steps and transitions --------------------------------------------------------------


@pytest.fixture
def enquiry(concern, sam, enquiry_officer):
    return start(concern, sam, enquiry_officer)


def test_steps_move_the_stage_forward_with_a_transition_each(enquiry, enquiry_officer, sam):
    enquiry = record(enquiry, "strategy", enquiry_officer)
    assert enquiry.stage == EnquiryStage.ENQUIRY and enquiry.version == 2
    enquiry = complete(enquiry, enquiry_officer, steps=("msp", "findings", "plan"))
    assert enquiry.stage == EnquiryStage.PLANNING
    enquiry = record(enquiry, "review", sam)
    assert enquiry.stage == EnquiryStage.REVIEW
    # Revisiting an earlier step changes it but never moves the stage back.
    enquiry = record(enquiry, "strategy", enquiry_officer, strategy_decisions="Also: bank to be told")
    assert enquiry.stage == EnquiryStage.REVIEW
    assert [(t.event, t.from_stage, t.to_stage, t.actor) for t in enquiry.transitions.all()] == [
        ("started", "", "strategy", sam),
        ("strategy recorded", "strategy", "enquiry", enquiry_officer),
        ("personal outcomes recorded", "enquiry", "enquiry", enquiry_officer),
        ("findings recorded", "enquiry", "enquiry", enquiry_officer),
        ("plan recorded", "enquiry", "planning", enquiry_officer),
        ("review recorded", "planning", "review", sam),
        ("strategy recorded", "review", "review", enquiry_officer),
    ]
    assert enquiry.transitions.last().details == {"fields": ["strategy_decisions"]}
    assert enquiry.history.first().history_user == enquiry_officer


def test_saving_a_step_unchanged_records_nothing(enquiry, enquiry_officer):
    enquiry = record(enquiry, "strategy", enquiry_officer)
    again = record(enquiry, "strategy", enquiry_officer)
    assert again.version == enquiry.version
    assert enquiry.transitions.count() == 2


@pytest.mark.parametrize(
    ("step", "done", "message"),
    [
        ("findings", (), "Record the strategy discussion or meeting first"),
        ("review", ("strategy",), "Record the case conference and safeguarding plan first"),
        ("outcome", ("strategy",), "Record whether the adult was asked what outcomes they want first"),
    ],
)
def test_steps_out_of_order_are_refused(enquiry, enquiry_officer, step, done, message):
    enquiry = complete(enquiry, enquiry_officer, steps=done)
    with pytest.raises(services.DomainError, match=message):
        record(enquiry, step, enquiry_officer)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"desired_outcomes": ""}, "Enter the outcomes the adult wants"),
        ({"advocate": ""}, "Enter the independent advocate arranged"),
        ({"substantial_difficulty": None}, "Select whether the adult has substantial difficulty"),
        ({"appropriate_person": None}, "Select whether there is an appropriate person"),
        ({"lacks_capacity": ""}, "Select whether the adult lacks capacity"),
    ],
)
def test_msp_and_advocacy_rules(enquiry, enquiry_officer, overrides, message):
    with pytest.raises(services.DomainError, match=message):
        record(enquiry, "msp", enquiry_officer, **overrides)


def test_no_advocate_needed_with_an_appropriate_person_or_no_difficulty(enquiry, enquiry_officer):
    enquiry = record(enquiry, "msp", enquiry_officer, appropriate_person=True, advocate="")
    assert enquiry.appropriate_person is True
    enquiry = record(enquiry, "msp", enquiry_officer, substantial_difficulty=False, advocate="Left over")
    assert (enquiry.appropriate_person, enquiry.advocate) == (None, "")


def test_outcomes_achieved_only_when_outcomes_were_expressed(enquiry, enquiry_officer):
    enquiry = complete(enquiry, enquiry_officer, steps=("strategy", "msp"))
    with pytest.raises(
        services.DomainError, match="Select whether the outcomes the adult wanted were achieved"
    ):
        record(enquiry, "outcome", enquiry_officer, outcomes_achieved="")
    enquiry = record(enquiry, "outcome", enquiry_officer)
    assert enquiry.outcomes_achieved == "partially"
    # The adult's answer is corrected: no outcomes expressed, so none can be achieved (SAC).
    enquiry = record(enquiry, "msp", enquiry_officer, msp_asked="asked_not_expressed")
    assert (enquiry.desired_outcomes, enquiry.outcomes_achieved) == ("", "")


def test_dates_cannot_be_in_the_future_or_before_the_concern(enquiry, enquiry_officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.DomainError, match="must be today or in the past"):
        record(enquiry, "strategy", enquiry_officer, strategy_on=tomorrow)
    with pytest.raises(services.DomainError, match="cannot be before the concern was received"):
        record(enquiry, "strategy", enquiry_officer, strategy_on=datetime.date(2020, 1, 1))


def test_only_those_named_or_the_teams_sams_record_steps(enquiry, safeguarding_team):
    colleague = make_member(safeguarding_team, Role.ENQUIRY_OFFICER)
    with pytest.raises(services.DomainError, match="Only the enquiry's safeguarding adults manager"):
        record(enquiry, "strategy", colleague)


def test_a_stale_save_overwrites_nothing_and_says_what_changed(enquiry, enquiry_officer, sam):
    opened = record(enquiry, "strategy", enquiry_officer).version
    record(enquiry, "strategy", sam, strategy_attendees="SAM and police only")
    with pytest.raises(services.StaleEdit) as stale:
        services.record_strategy(
            enquiry_id=enquiry.pk,
            data=step_data("strategy", strategy_decisions="Visit on Monday"),
            expected_version=opened,
            by=enquiry_officer,
        )
    (change,) = stale.value.changes
    assert (change.field, change.then, change.now, change.conflict) == (
        "strategy_attendees",
        STEP_DATA["strategy"]["strategy_attendees"],
        "SAM and police only",
        False,
    )
    # The form comes back with their change taken in and this editor's own kept.
    assert stale.value.merged["strategy_attendees"] == "SAM and police only"
    assert stale.value.merged["strategy_decisions"] == "Visit on Monday"
    saved = Enquiry.objects.get(pk=enquiry.pk)
    assert (saved.strategy_attendees, saved.strategy_decisions) == (
        "SAM and police only",
        STEP_DATA["strategy"]["strategy_decisions"],
    )


def test_both_changing_the_same_detail_is_a_conflict(enquiry, enquiry_officer, sam):
    opened = record(enquiry, "strategy", enquiry_officer).version
    record(enquiry, "strategy", sam, strategy_attendees="SAM and police only")
    with pytest.raises(services.StaleEdit) as stale:
        services.record_strategy(
            enquiry_id=enquiry.pk,
            data=step_data("strategy", strategy_attendees="Officer and GP"),
            expected_version=opened,
            by=enquiry_officer,
        )
    (change,) = stale.value.changes
    assert change.conflict and stale.value.merged["strategy_attendees"] == "Officer and GP"


def test_a_change_to_another_step_does_not_block_this_one(enquiry, enquiry_officer, sam):
    enquiry = record(enquiry, "strategy", enquiry_officer)
    opened = enquiry.version
    record(enquiry, "msp", sam)
    saved = services.record_findings(
        enquiry_id=enquiry.pk, data=step_data("findings"), expected_version=opened, by=enquiry_officer
    )
    assert saved.findings == STEP_DATA["findings"]["findings"] and saved.msp_asked == "asked_expressed"
