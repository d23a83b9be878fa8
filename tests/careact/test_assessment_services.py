"""Assessment services: start, draft, submit, authorise or return, reassess, copies."""

import pytest
from django.utils import timezone

from accounts.models import Role
from careact import services
from careact.models import (
    AdultOutcome,
    Assessment,
    AssessmentCopy,
    AssessmentKind,
    AssessmentStatus,
    CarerLink,
    CarerOutcome,
    WellbeingArea,
)
from cases import services as case_services
from cases.models import RelationshipKind
from tests.careact.conftest import eligible_answers, make_assessment, open_case
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

S = AssessmentStatus


def complete_answers(**overrides) -> dict:
    outcomes, wellbeing = eligible_answers()
    data = {
        "persons_outcomes": "To cook for myself again",
        "strengths": "Supportive sister",
        "needs_from_impairment": True,
        "impairment": "Severe depression",
        "wellbeing": wellbeing,
        "outcomes": outcomes,
        "significant_impact": True,
        "eligible": True,
        "determination_reasons": "Meets all three criteria",
        "advocacy_need": "not_needed",
    }
    data.update(overrides)
    return data


def started(case, by):
    return services.start_assessment(case=case, by=by)


def filled(case, by, **overrides):
    assessment = started(case, by)
    return services.update_assessment(
        assessment_id=assessment.pk, data=complete_answers(**overrides), expected_version=1, by=by
    )


def submitted(case, by, **overrides):
    assessment = filled(case, by, **overrides)
    return services.submit_assessment(assessment_id=assessment.pk, by=by)


@pytest.fixture
def carer(case, north_team, practitioner):
    carer = PersonFactory(given_name="Bea", family_name="Carer")
    link = CarerLink.objects.create(
        carer=carer, cared_for=case.person, relationship="Sister", recorded_by=practitioner
    )
    case_services.grant_team_relationship(
        person=carer, team=north_team, kind=RelationshipKind.CARER, source=f"carerlink:{link.pk}"
    )
    return carer


# --- Starting ---------------------------------------------------------------------------


def test_start_needs_assessment_on_an_allocated_case(case, practitioner):
    assessment = started(case, practitioner)
    assert (assessment.status, assessment.kind, assessment.version_number) == (S.DRAFT, "needs", 1)
    assert assessment.person == case.person and assessment.team == case.team
    assert assessment.assessor == practitioner and assessment.cared_for is None
    assert [(t.event, t.from_status, t.to_status, t.actor) for t in assessment.transitions.all()] == [
        ("started", "", S.DRAFT, practitioner)
    ]
    assert assessment.history.first().history_user == practitioner


def test_start_refuses_unallocated_or_closed_case(case, practitioner, manager):
    case.worker = None
    case.save(update_fields=["worker"])
    with pytest.raises(services.DomainError, match="no allocated worker"):
        started(case, practitioner)
    case_services.close_case(case_id=case.pk, by=manager, reason="Done")
    with pytest.raises(services.DomainError, match="This case is closed"):
        started(case, practitioner)


def test_start_refuses_a_second_open_assessment(case, practitioner, manager):
    first = started(case, practitioner)
    with pytest.raises(services.DomainError, match="already a needs assessment in progress"):
        started(case, manager)
    Assessment.objects.filter(pk=first.pk).update(status=S.AWAITING_AUTHORISATION)
    with pytest.raises(services.DomainError, match="already a needs assessment in progress"):
        started(case, practitioner)
    Assessment.objects.filter(pk=first.pk).update(status=S.AUTHORISED)
    assert started(case, practitioner).pk != first.pk


def test_start_refuses_someone_outside_the_team(case, other_worker):
    with pytest.raises(services.DomainError, match="Only members of North Working Age"):
        started(case, other_worker)


def test_start_carers_assessment_of_a_current_carer(case, practitioner, carer):
    assessment = services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER, carer=carer)
    assert assessment.person == carer and assessment.cared_for == case.person and assessment.case == case
    # A carer and the person cared for each have their own assessment in progress.
    assert started(case, practitioner).person == case.person
    with pytest.raises(services.DomainError, match="already a carer's assessment in progress"):
        services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER, carer=carer)


def test_start_carers_assessment_needs_a_current_link(case, practitioner, carer):
    CarerLink.objects.filter(carer=carer).update(ended_on=timezone.localdate())
    with pytest.raises(services.DomainError, match="not recorded as a current carer"):
        services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER, carer=carer)
    with pytest.raises(services.DomainError, match="Select the carer"):
        services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER)


# --- Drafting ---------------------------------------------------------------------------


def test_update_saves_answers_and_bumps_the_version(case, practitioner):
    assessment = filled(case, practitioner)
    assert assessment.version == 2
    assessment.refresh_from_db()
    assert assessment.outcomes[AdultOutcome.NUTRITION]["senses"] == ["without_assistance"]
    assert assessment.wellbeing[WellbeingArea.HEALTH]["impact"] == "significant"
    assert assessment.history.first().history_change_reason == "Draft saved"
    # Saving the same answers again changes nothing.
    again = services.update_assessment(
        assessment_id=assessment.pk, data=complete_answers(), expected_version=2, by=practitioner
    )
    assert again.version == 2


def test_update_keeps_blank_answers_out_and_normalises_senses(case, practitioner):
    assessment = started(case, practitioner)
    data = {
        "wellbeing": {
            "dignity": {"impact": "", "notes": " "},
            "health": {"impact": "some", "notes": " Low "},
        },
        "outcomes": {
            "nutrition": {
                "unable": True,
                "senses": ["endangers", "without_assistance", "endangers"],
                "notes": "",
            },
            "toilet": {"unable": None, "senses": [], "notes": ""},
        },
    }
    services.update_assessment(assessment_id=assessment.pk, data=data, expected_version=1, by=practitioner)
    assessment.refresh_from_db()
    assert assessment.wellbeing == {"health": {"impact": "some", "notes": "Low"}}
    assert assessment.outcomes == {
        "nutrition": {"unable": True, "senses": ["without_assistance", "endangers"], "notes": ""}
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"wellbeing": {"happiness": {"impact": "some"}}}, "not one of the nine areas"),
        ({"wellbeing": {"health": {"impact": "huge"}}}, "Select no, some or significant impact"),
        ({"outcomes": {"flying": {"unable": True}}}, "not one of the eligibility outcomes"),
        (
            {"outcomes": {"nutrition": {"unable": False, "senses": ["pain_distress"]}}},
            "only select how it is not achieved when the outcome cannot be achieved",
        ),
        ({"outcomes": {"nutrition": {"unable": "maybe"}}}, "not in the expected form"),
        ({"outcomes": {"nutrition": {"unable": True, "senses": ["tired"]}}}, "listed ways"),
        ({"advocacy_need": "someone"}, "independent advocate"),
        ({"carer_health_at_risk": True}, "asked only in a carer's assessment"),
        ({"eligible": "yes"}, "answer yes or no"),
    ],
)
def test_update_refuses_badly_formed_answers(case, practitioner, data, message):
    assessment = started(case, practitioner)
    with pytest.raises(services.AssessmentProblems, match=message):
        services.update_assessment(
            assessment_id=assessment.pk, data=data, expected_version=1, by=practitioner
        )
    assessment.refresh_from_db()
    assert assessment.version == 1


def test_carer_senses_are_limited(case, practitioner, carer):
    assessment = services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER, carer=carer)
    bad = {"outcomes": {"work": {"unable": True, "senses": ["takes_longer"], "notes": ""}}}
    with pytest.raises(services.DomainError, match="taking significantly longer is not one of the ways"):
        services.update_assessment(assessment_id=assessment.pk, data=bad, expected_version=1, by=practitioner)
    with pytest.raises(services.DomainError, match="not one of the eligibility outcomes for a carer"):
        services.update_assessment(
            assessment_id=assessment.pk,
            data={"outcomes": {"hygiene": {"unable": False}}},
            expected_version=1,
            by=practitioner,
        )
    good = {"outcomes": {"work": {"unable": True, "senses": ["pain_distress"], "notes": ""}}}
    services.update_assessment(assessment_id=assessment.pk, data=good, expected_version=1, by=practitioner)


def test_stale_update_overwrites_nothing_and_merges(case, practitioner, manager):
    assessment = started(case, practitioner)
    services.update_assessment(
        assessment_id=assessment.pk,
        data={"strengths": "Sister visits", "persons_outcomes": "Cook again"},
        expected_version=1,
        by=manager,
    )
    with pytest.raises(services.StaleEdit) as caught:
        services.update_assessment(
            assessment_id=assessment.pk,
            data={"strengths": "", "persons_outcomes": "Go back to work", "impairment": "Depression"},
            expected_version=1,
            by=practitioner,
        )
    stale = caught.value
    assert {c.field for c in stale.changes} == {"strengths", "persons_outcomes"}
    conflict = next(c for c in stale.changes if c.field == "persons_outcomes")
    assert conflict.conflict and conflict.now == "Cook again" and conflict.mine == "Go back to work"
    # Theirs kept where this editor changed nothing; this editor's own changes kept too.
    assert stale.merged["strengths"] == "Sister visits"
    assert stale.merged["persons_outcomes"] == "Go back to work"
    assert stale.merged["impairment"] == "Depression"
    assessment.refresh_from_db()
    assert (assessment.version, assessment.persons_outcomes, assessment.impairment) == (2, "Cook again", "")


def test_only_a_draft_can_be_updated(case, practitioner):
    assessment = submitted(case, practitioner)
    with pytest.raises(services.DomainError, match="only a draft can be changed"):
        services.update_assessment(
            assessment_id=assessment.pk, data={"strengths": "x"}, expected_version=2, by=practitioner
        )


# --- Submitting -------------------------------------------------------------------------


def test_submit_lists_everything_missing_in_one_error(case, practitioner):
    assessment = started(case, practitioner)
    with pytest.raises(services.AssessmentProblems) as caught:
        services.submit_assessment(assessment_id=assessment.pk, by=practitioner)
    problems = caught.value.problems
    assert "Enter what the person wants to achieve" in problems
    assert "Answer whether the needs arise from a physical or mental impairment or illness" in problems
    assert sum("Select the impact on wellbeing" in p for p in problems) == 9
    assert sum("Answer whether the person can achieve" in p for p in problems) == 10
    for expected in (
        "Answer whether there is, or is likely to be, a significant impact on wellbeing",
        "Record the eligibility determination",
        "Enter the reasons for the determination",
        "Select whether an independent advocate is needed (Care Act s67)",
    ):
        assert expected in problems
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and not assessment.transitions.filter(event="submitted").exists()


def test_submit_needs_a_sense_for_each_unable_outcome(case, practitioner):
    outcomes, _ = eligible_answers()
    outcomes[AdultOutcome.TOILET] = {"unable": True, "senses": [], "notes": ""}
    assessment = filled(case, practitioner, outcomes=outcomes)
    with pytest.raises(
        services.AssessmentProblems, match="Select how the person is unable to achieve: managing"
    ):
        services.submit_assessment(assessment_id=assessment.pk, by=practitioner)


def test_submit_complete_assessment(case, practitioner):
    assessment = submitted(case, practitioner)
    assert assessment.status == S.AWAITING_AUTHORISATION
    assert assessment.submitted_at is not None and assessment.completed_on == timezone.localdate()
    step = assessment.transitions.get(event="submitted")
    assert (step.from_status, step.to_status, step.actor) == (S.DRAFT, S.AWAITING_AUTHORISATION, practitioner)
    assert step.details == {"suggested": True, "determined": True}
    # A repeat is a no-op.
    services.submit_assessment(assessment_id=assessment.pk, by=practitioner)
    assert assessment.transitions.filter(event="submitted").count() == 1


def test_departing_from_the_suggestion_needs_reasons_of_20_characters(case, practitioner):
    assessment = filled(case, practitioner, eligible=False, determination_reasons="Not needed")
    with pytest.raises(services.AssessmentProblems, match="differs from the system's suggestion"):
        services.submit_assessment(assessment_id=assessment.pk, by=practitioner)
    services.update_assessment(
        assessment_id=assessment.pk,
        data={"determination_reasons": "Sister meets all the needs and wants to keep doing so"},
        expected_version=assessment.version,
        by=practitioner,
    )
    assert services.submit_assessment(assessment_id=assessment.pk, by=practitioner).eligible is False


def test_carer_submission_asks_carer_questions(case, practitioner, carer):
    assessment = services.start_assessment(case=case, by=practitioner, kind=AssessmentKind.CARER, carer=carer)
    problems = services.submission_problems(assessment)
    assert "Answer whether the carer's needs arise from providing necessary care" in problems
    assert "Answer whether the carer's physical or mental health is deteriorating or at risk" in problems
    assert sum("Answer whether the carer can achieve" in p for p in problems) == len(CarerOutcome)


# --- Authorising and returning ----------------------------------------------------------


def test_manager_authorises(case, practitioner, manager):
    assessment = submitted(case, practitioner)
    assessment = services.authorise_assessment(assessment_id=assessment.pk, by=manager)
    assert assessment.status == S.AUTHORISED and assessment.authorised_by == manager
    assert assessment.authorised_at is not None
    assert [t.event for t in assessment.transitions.all()] == ["started", "submitted", "authorised"]
    assert services.authorise_assessment(assessment_id=assessment.pk, by=manager).status == S.AUTHORISED
    assert assessment.transitions.filter(event="authorised").count() == 1


def test_only_a_manager_of_the_team_authorises(case, practitioner, other_worker, south_team):
    assessment = submitted(case, practitioner)
    south_manager = make_member(south_team, Role.TEAM_MANAGER)
    for user in (practitioner, other_worker, south_manager):
        with pytest.raises(services.DomainError, match="Only a manager of North Working Age"):
            services.authorise_assessment(assessment_id=assessment.pk, by=user)


def test_a_manager_cannot_authorise_their_own_assessment(case, manager, north_team):
    assessment = submitted(case, manager)
    with pytest.raises(services.DomainError, match="another manager must authorise it"):
        services.authorise_assessment(assessment_id=assessment.pk, by=manager)
    senior = make_member(north_team, Role.SENIOR_PRACTITIONER)
    assert services.authorise_assessment(assessment_id=assessment.pk, by=senior).status == S.AUTHORISED


def test_only_a_waiting_assessment_can_be_authorised(case, practitioner, manager):
    assessment = filled(case, practitioner)
    with pytest.raises(services.DomainError, match="only one waiting for authorisation"):
        services.authorise_assessment(assessment_id=assessment.pk, by=manager)


def test_return_sends_it_back_with_the_reason(case, practitioner, manager):
    assessment = submitted(case, practitioner)
    with pytest.raises(services.DomainError, match="Enter why the assessment is being returned"):
        services.return_assessment(assessment_id=assessment.pk, by=manager, reason=" ")
    assessment = services.return_assessment(
        assessment_id=assessment.pk, by=manager, reason="Say more about the nights"
    )
    assert (
        assessment.status == S.DRAFT and assessment.submitted_at is None and assessment.completed_on is None
    )
    step = assessment.transitions.get(event="returned")
    assert (step.reason, step.actor, step.from_status) == (
        "Say more about the nights",
        manager,
        S.AWAITING_AUTHORISATION,
    )
    with pytest.raises(services.DomainError, match="only one waiting for authorisation"):
        services.return_assessment(assessment_id=assessment.pk, by=manager, reason="Again")
    # The worker can change it and submit again.
    services.update_assessment(
        assessment_id=assessment.pk, data={"strengths": "Nights covered"}, expected_version=2, by=practitioner
    )
    assert (
        services.submit_assessment(assessment_id=assessment.pk, by=practitioner).status
        == S.AWAITING_AUTHORISATION
    )


# --- Reassessment -----------------------------------------------------------------------


def test_reassess_copies_answers_into_a_new_version(case, practitioner, manager):
    first = submitted(case, practitioner)
    services.authorise_assessment(assessment_id=first.pk, by=manager)
    second = services.reassess(assessment_id=first.pk, by=practitioner)
    assert (second.status, second.version_number, second.previous) == (S.DRAFT, 2, first)
    assert second.outcomes == first.outcomes and second.wellbeing == first.wellbeing
    assert second.persons_outcomes == first.persons_outcomes
    assert second.eligible is None and second.determination_reasons == ""  # decided afresh
    assert second.transitions.get().details == {"reassessment_of": first.pk}
    first.refresh_from_db()
    assert first.status == S.AUTHORISED  # still in force
    with pytest.raises(services.DomainError, match="already been started"):
        services.reassess(assessment_id=first.pk, by=practitioner)

    services.update_assessment(
        assessment_id=second.pk,
        data={"eligible": True, "determination_reasons": "Still meets the criteria"},
        expected_version=1,
        by=practitioner,
    )
    services.submit_assessment(assessment_id=second.pk, by=practitioner)
    services.authorise_assessment(assessment_id=second.pk, by=manager)
    first.refresh_from_db()
    assert first.status == S.SUPERSEDED
    step = first.transitions.get(event="superseded")
    assert (step.from_status, step.to_status, step.details) == (
        S.AUTHORISED,
        S.SUPERSEDED,
        {"replaced_by": second.pk},
    )


def test_reassess_only_from_authorised(case, practitioner):
    assessment = filled(case, practitioner)
    with pytest.raises(services.DomainError, match="Only the authorised version"):
        services.reassess(assessment_id=assessment.pk, by=practitioner)


def test_reassess_refuses_a_closed_case(case, practitioner, manager):
    assessment = make_assessment(case)
    case_services.close_case(case_id=case.pk, by=manager, reason="Done")
    with pytest.raises(services.DomainError, match="closed: reopen it"):
        services.reassess(assessment_id=assessment.pk, by=practitioner)


# --- Copies -----------------------------------------------------------------------------


def test_request_copy_queues_once_and_renders_on_commit(
    case, practitioner, django_capture_on_commit_callbacks, monkeypatch
):
    rendered = []
    monkeypatch.setattr("careact.pdf.render_assessment_pdf", lambda a: rendered.append(a.pk) or b"%PDF-fake")
    assessment = make_assessment(case)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        copy = services.request_copy(assessment_id=assessment.pk, by=practitioner)
        assert copy.status == AssessmentCopy.Status.QUEUED and not rendered  # nothing before commit
    assert len(callbacks) == 1
    copy.refresh_from_db()
    assert copy.status == AssessmentCopy.Status.READY and bytes(copy.pdf) == b"%PDF-fake"
    assert copy.rendered_at is not None and rendered == [assessment.pk]
    # Rendering again leaves a ready copy alone.
    services.render_copy(copy_id=copy.pk)
    assert rendered == [assessment.pk]


def test_request_copy_reuses_a_queued_copy(case, practitioner):
    assessment = make_assessment(case)
    first = services.request_copy(assessment_id=assessment.pk, by=practitioner)
    assert services.request_copy(assessment_id=assessment.pk, by=practitioner) == first
    assert assessment.copies.count() == 1


def test_request_copy_only_when_authorised(case, practitioner):
    assessment = make_assessment(case, status=S.AWAITING_AUTHORISATION)
    with pytest.raises(services.DomainError, match="once the assessment is authorised"):
        services.request_copy(assessment_id=assessment.pk, by=practitioner)


def test_a_failed_render_is_recorded(case, practitioner, monkeypatch):
    def broken(assessment):
        raise OSError("no fonts")

    monkeypatch.setattr("careact.pdf.render_assessment_pdf", broken)
    copy = AssessmentCopy.objects.create(assessment=make_assessment(case), requested_by=practitioner)
    services.render_copy(copy_id=copy.pk)
    copy.refresh_from_db()
    assert (copy.status, copy.error, copy.pdf) == (AssessmentCopy.Status.FAILED, "OSError", None)


def test_requeue_sweep_finds_copies_stuck_in_the_queue(case, practitioner, monkeypatch):
    import datetime

    from careact import tasks

    monkeypatch.setattr("careact.pdf.render_assessment_pdf", lambda a: b"%PDF-fake")
    assessment = make_assessment(case)
    stuck = AssessmentCopy.objects.create(assessment=assessment, requested_by=practitioner)
    AssessmentCopy.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    fresh = AssessmentCopy.objects.create(assessment=assessment, requested_by=practitioner)
    assert tasks.requeue_assessment_copies() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == AssessmentCopy.Status.READY and fresh.status == AssessmentCopy.Status.QUEUED


def test_second_case_in_other_team_can_start_its_own_after_authorised(
    person, case, practitioner, manager, south_team, other_worker
):
    """An authorised assessment does not block another team's needs assessment later."""
    make_assessment(case)
    south_case = open_case(person, south_team, other_worker, make_member(south_team, Role.TEAM_MANAGER))
    assert services.start_assessment(case=south_case, by=other_worker).team == south_team
