"""Care Act fixtures: an allocated case, and records built directly for tests that need a
starting state (services are tested on their own)."""

import datetime

import pytest
from django.utils import timezone

from careact.models import (
    AdultOutcome,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    CarePlan,
    PlanKind,
    PlanStatus,
    WellbeingArea,
)
from cases import services as case_services

REFERRAL = {"source": "gp", "received_via": "phone", "reason": "Low mood", "urgency": "routine"}


def open_case(person, team, worker, by):
    """A referral received and allocated through the real services: the worker and the team
    gain their relationships with the person."""
    referral = case_services.receive_referral(team=team, person=person, data=REFERRAL, by=by)
    return case_services.allocate_referral(referral_id=referral.pk, worker=worker, by=by, reason="Capacity")


@pytest.fixture
def case(person, north_team, practitioner, manager):
    return open_case(person, north_team, practitioner, manager)


def eligible_answers():
    """Outcomes and wellbeing for an adult who meets the eligibility criteria."""
    outcomes = {o.value: {"unable": False, "senses": [], "notes": ""} for o in AdultOutcome}
    outcomes[AdultOutcome.NUTRITION] = {"unable": True, "senses": ["without_assistance"], "notes": "No meals"}
    outcomes[AdultOutcome.HYGIENE] = {"unable": True, "senses": ["pain_distress"], "notes": "Anxious"}
    wellbeing = {a.value: {"impact": "some", "notes": ""} for a in WellbeingArea}
    wellbeing[WellbeingArea.HEALTH] = {"impact": "significant", "notes": "Deteriorating"}
    return outcomes, wellbeing


def make_assessment(case, *, status=AssessmentStatus.AUTHORISED, eligible=True, by=None, **fields):
    outcomes, wellbeing = eligible_answers()
    now = timezone.now()
    values = {
        "kind": AssessmentKind.NEEDS,
        "person": case.person,
        "case": case,
        "team": case.team,
        "status": status,
        "assessor": by or case.worker,
        "persons_outcomes": "To cook for myself again",
        "strengths": "Supportive sister",
        "needs_from_impairment": True,
        "impairment": "Severe depression",
        "wellbeing": wellbeing,
        "outcomes": outcomes,
        "significant_impact": True,
        "eligible": eligible,
        "determination_reasons": "Meets the criteria",
        "advocacy_need": "not_needed",
    }
    if status in (AssessmentStatus.AWAITING_AUTHORISATION, AssessmentStatus.AUTHORISED):
        values["submitted_at"] = now
        values["completed_on"] = timezone.localdate()
    values.update(fields)
    return Assessment.objects.create(**values)


def make_plan(assessment, *, status=PlanStatus.ACTIVE, agreed_on=None, by=None, **fields):
    values = {
        "kind": PlanKind.CARER_SUPPORT
        if assessment.kind == AssessmentKind.CARER
        else PlanKind.CARE_AND_SUPPORT,
        "person": assessment.person,
        "case": assessment.case,
        "team": assessment.team,
        "assessment": assessment,
        "status": status,
        "needs": [{"need": "Meals", "eligible": True, "how_met": "Daily visit"}],
        "services": "Home care, 7 hours a week",
        "personal_budget_weekly": "180.00",
        "contingency": "Sister visits if a call is missed",
        "written_by": by or assessment.assessor,
    }
    if status in (PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, PlanStatus.ENDED):
        values["agreed_on"] = agreed_on or timezone.localdate()
    elif agreed_on:
        values["agreed_on"] = agreed_on
    values.update(fields)
    return CarePlan.objects.create(**values)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
