"""The Care Act demo data that `manage.py seed_demo` adds (careact.demo).

One small world is seeded once for the module (inside a transaction rolled back at the end),
on a fixed day, after a first seed with the same seed was made and rolled back, so the two
can be compared.
"""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Role
from careact.demo import seed_care_act
from careact.models import (
    AdultOutcome,
    AdvocacyKind,
    AdvocacyReferral,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    BestInterestsDecision,
    CapacityAssessment,
    CapacityOutcome,
    CarePlan,
    CarerLink,
    CarerOutcome,
    PlanKind,
    PlanStatus,
    PlanTransition,
    Review,
    ReviewKind,
    Section117Entitlement,
    Section117Review,
    Section117Status,
    WellbeingArea,
)
from cases.demo.registry import register_demo_seeder, registered_seeders, unregister_demo_seeder
from cases.models import Case, Person, PersonGroupObjectPermission, Relationship, RelationshipKind
from cases.validators import is_valid_nhs_number
from cases.workdays import working_days_between

PEOPLE = 400
SEED = 11
TODAY = datetime.date(2026, 11, 20)  # a Friday
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)

# Care and Support (Eligibility Criteria) Regulations 2015, written out again here so the test
# does not trust the generator's own rule.
ADULT_SENSES = {"without_assistance", "pain_distress", "endangers", "takes_longer"}  # reg 2(3)
CARER_SENSES = {"without_assistance", "pain_distress", "endangers"}  # reg 3(4)


def adult_meets_criteria(a: Assessment) -> bool:
    """Reg 2: needs from an impairment or illness; unable to achieve two or more outcomes (in
    at least one sense); consequently a significant impact on wellbeing."""
    unable = [o for o in a.outcomes.values() if o["unable"] and set(o["senses"]) & ADULT_SENSES]
    return bool(a.needs_from_impairment) and len(unable) >= 2 and bool(a.significant_impact)


def carer_meets_criteria(a: Assessment) -> bool:
    """Reg 3: health at risk, or unable to achieve one or more carer outcomes (in one of the
    three carer senses); and consequently a significant impact on wellbeing."""
    unable = any(o["unable"] and set(o["senses"]) & CARER_SENSES for o in a.outcomes.values())
    return (bool(a.carer_health_at_risk) or unable) and bool(a.significant_impact)


MODELS = (
    Person,
    Assessment,
    AssessmentTransition,
    CarePlan,
    PlanTransition,
    Review,
    CarerLink,
    Relationship,
    Section117Entitlement,
    Section117Review,
    CapacityAssessment,
    BestInterestsDecision,
    AdvocacyReferral,
)


def snapshot() -> dict:
    """Counts, and the content of the records without their primary keys."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    content = sorted(
        (
            a.person.nhs_number,
            a.kind,
            a.status,
            a.version_number,
            a.started_on,
            a.eligible,
            str(a.submitted_at),
            a.assessor.email,
        )
        for a in Assessment.objects.select_related("person", "assessor")
    )
    plans = sorted(
        (p.person.nhs_number, p.status, p.version_number, p.agreed_on, str(p.personal_budget_weekly))
        for p in CarePlan.objects.select_related("person")
    )
    return {"counts": counts, "assessments": content, "plans": plans}


class RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The core demo seeded once (the Care Act seeder held back, a capturing one in its place),
    then the Care Act seeder run twice on it: the first run rolled back, the second kept."""
    saved = {s.name: s for s in registered_seeders()}
    unregister_demo_seeder("careact")
    contexts = []

    def capture(context):
        contexts.append(context)
        return {"contexts": len(contexts)}

    register_demo_seeder("test-capture", capture)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(NOW, tick=False):
                out = StringIO()
                call_command("seed_demo", people=PEOPLE, seed=SEED, stdout=out)
                try:
                    with transaction.atomic():
                        seed_care_act(contexts[0])
                        first = snapshot()
                        raise RolledBack
                except RolledBack:
                    pass
                counts = seed_care_act(contexts[0])
            yield SimpleNamespace(first=first, second=snapshot(), output=out.getvalue(), counts=counts)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            unregister_demo_seeder("test-capture")
            for seeder in saved.values():
                register_demo_seeder(seeder.name, seeder.fn, seeder.order)


def test_builds_every_kind_of_record(world, db):
    assert set(Assessment.objects.values_list("status", flat=True)) == set(AssessmentStatus.values)
    assert set(Assessment.objects.values_list("kind", flat=True)) == set(AssessmentKind.values)
    assert {PlanStatus.ACTIVE, PlanStatus.SUPERSEDED, PlanStatus.ENDED} <= set(
        CarePlan.objects.values_list("status", flat=True)
    )
    assert set(CarePlan.objects.values_list("kind", flat=True)) == set(PlanKind.values)
    assert set(Review.objects.values_list("kind", flat=True)) == set(ReviewKind.values)
    assert set(Section117Entitlement.objects.values_list("status", flat=True)) == set(Section117Status.values)
    assert Section117Review.objects.exists()
    assert set(CapacityAssessment.objects.values_list("outcome", flat=True)) == set(CapacityOutcome.values)
    assert BestInterestsDecision.objects.exists()
    assert CarerLink.objects.exists()
    # A reassessment: version 2 authorised, version 1 kept and superseded.
    assert Assessment.objects.filter(
        version_number=2, status=AssessmentStatus.AUTHORISED, previous__status=AssessmentStatus.SUPERSEDED
    ).exists()
    # seed_demo ran the registered seeder with what it built, and reported its counts.
    assert "test-capture: 1 contexts" in world.output
    assert world.counts["assessments"] == Assessment.objects.count()
    assert world.counts["carers"] == CarerLink.objects.count()
    # Every assessment has its history row, as a service save would have made.
    assert Assessment.history.count() == Assessment.objects.count()
    assert CarePlan.history.count() == CarePlan.objects.count()


def test_needs_and_carers_assessments_record_every_outcome(world, db):
    for assessment in Assessment.objects.all():
        outcomes = CarerOutcome.values if assessment.is_carer else AdultOutcome.values
        assert set(assessment.outcomes) == set(outcomes)
        assert set(assessment.wellbeing) == set(WellbeingArea.values)
        if assessment.is_carer:
            assert assessment.cared_for_id and assessment.case.person_id == assessment.cared_for_id
            for answer in assessment.outcomes.values():
                assert set(answer["senses"]) <= CARER_SENSES
        else:
            assert assessment.cared_for_id is None and assessment.case.person_id == assessment.person_id


def test_every_authorised_determination_follows_the_regulations(world, db):
    authorised = Assessment.objects.filter(status=AssessmentStatus.AUTHORISED)
    assert authorised.filter(eligible=True).exists() and authorised.filter(eligible=False).exists()
    for assessment in authorised:
        rule = carer_meets_criteria if assessment.is_carer else adult_meets_criteria
        assert assessment.eligible == rule(assessment), assessment.pk
        assert assessment.determination_reasons
    # Worked edge cases appear: one outcome only, and outcomes without a significant impact.
    adults = [a for a in authorised if not a.is_carer and not a.eligible]
    assert any(sum(o["unable"] for o in a.outcomes.values()) == 1 for a in adults)
    assert any(a.significant_impact is False for a in adults)
    assert not Assessment.objects.filter(status=AssessmentStatus.DRAFT, eligible__isnull=False).exists()


def test_authorised_by_the_teams_manager_never_the_assessor(world, db):
    managers = set(Membership.objects.filter(role=Role.TEAM_MANAGER).values_list("team_id", "user_id"))
    for record in [
        *Assessment.objects.exclude(authorised_by=None),
        *CarePlan.objects.exclude(authorised_by=None),
    ]:
        assert (record.team_id, record.authorised_by_id) in managers
        author = record.assessor_id if isinstance(record, Assessment) else record.written_by_id
        assert record.authorised_by_id != author


def test_active_plans_are_agreed_and_rest_on_an_authorised_assessment(world, db):
    active = CarePlan.objects.filter(status=PlanStatus.ACTIVE).select_related("assessment")
    assert active.count() > 20
    for plan in active:
        assert plan.agreed_on and plan.agreed_on < TODAY
        assert plan.assessment.status == AssessmentStatus.AUTHORISED and plan.assessment.eligible
        assert plan.assessment.person_id == plan.person_id
        assert plan.authorised_at and plan.authorised_at.date() >= plan.agreed_on
        assert 50 <= plan.personal_budget_weekly <= 900
        assert any(need["eligible"] for need in plan.needs)
        if plan.direct_payment == "full":
            assert plan.direct_payment_weekly == plan.personal_budget_weekly
        elif plan.direct_payment == "part":
            assert 0 < plan.direct_payment_weekly < plan.personal_budget_weekly
    assert {"none", "part", "full"} == set(active.values_list("direct_payment", flat=True))
    for plan in CarePlan.objects.filter(status=PlanStatus.ENDED):
        assert plan.ended_on and plan.end_reason
        assert plan.reviews.filter(outcome="end", held_on=plan.ended_on).exists()
    revised = CarePlan.objects.filter(version_number=2).select_related("previous", "assessment")
    for plan in revised:
        assert plan.previous.status == PlanStatus.SUPERSEDED
        if plan.assessment_id == plan.previous.assessment_id:  # a review revised the plan
            assert plan.previous.reviews.filter(outcome="revise").exists()
        else:  # a reassessment, and a new plan from it
            assert plan.assessment.previous_id == plan.previous.assessment_id
    assert {p.assessment_id == p.previous.assessment_id for p in revised} == {True, False}


def test_transitions_agree_with_the_records(world, db):
    for assessment in Assessment.objects.prefetch_related("transitions"):
        steps = list(assessment.transitions.all())
        assert steps[0].event == "started" and steps[0].actor_id == assessment.assessor_id
        assert steps[-1].to_status == assessment.status
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        assert steps[-1].at < NOW
        for before, after in zip(steps, steps[1:], strict=False):
            assert after.from_status == before.to_status
        if assessment.authorised_at:
            authorised = next(s for s in steps if s.event == "authorised")
            assert (authorised.actor_id, authorised.at) == (
                assessment.authorised_by_id,
                assessment.authorised_at,
            )
        if assessment.status == AssessmentStatus.AWAITING_AUTHORISATION:
            assert steps[-1].event == "submitted" and steps[-1].at == assessment.submitted_at
    for plan in CarePlan.objects.prefetch_related("transitions"):
        steps = list(plan.transitions.all())
        assert steps[0].event == "started" and steps[-1].to_status == plan.status
        assert len([s for s in steps if s.event in ("reviewed", "ended")]) == plan.reviews.count()
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        if plan.authorised_at:
            assert any(s.event == "authorised" and s.at == plan.authorised_at for s in steps)


def test_reminders_have_work_due_now_and_overdue(world, db):
    """The reminder sweep (run after seeding) finds each kind of work to show. Any review of
    a plan counts as its light-touch review; the planned review is due 12 months after the
    later of the agreed date and the latest review (careact.review_rules)."""
    active = list(CarePlan.objects.filter(status=PlanStatus.ACTIVE, kind=PlanKind.CARE_AND_SUPPORT))
    latest = {}
    for plan_id, held_on in Review.objects.values_list("plan_id", "held_on"):
        latest[plan_id] = max(held_on, latest.get(plan_id, held_on))
    unreviewed = [plan for plan in active if plan.pk not in latest]
    light_touch_due_now = [plan for plan in unreviewed if 42 <= (TODAY - plan.agreed_on).days <= 56]
    assert light_touch_due_now
    assert [plan for plan in unreviewed if (TODAY - plan.agreed_on).days > 56]  # overdue
    late = [
        r
        for r in Review.objects.filter(kind=ReviewKind.LIGHT_TOUCH).select_related("plan")
        if (r.held_on - r.plan.agreed_on).days > 56
    ]
    assert late

    def annual_due(plan):
        start = max(plan.agreed_on, latest.get(plan.pk, plan.agreed_on))
        return (
            start.replace(year=start.year + 1)
            if (start.month, start.day) != (2, 29)
            else start.replace(year=start.year + 1, day=28)
        )

    assert [plan for plan in active if TODAY <= annual_due(plan) <= TODAY + datetime.timedelta(weeks=4)]
    assert [plan for plan in active if annual_due(plan) < TODAY]  # overdue
    assert Review.objects.filter(kind=ReviewKind.PLANNED).exists()
    waits = [
        working_days_between(a.submitted_at.date(), TODAY)
        for a in Assessment.objects.filter(status=AssessmentStatus.AWAITING_AUTHORISATION)
    ]
    assert any(wait > 5 for wait in waits) and any(wait <= 5 for wait in waits)


def test_carers_are_people_the_team_can_see(world, db):
    links = CarerLink.objects.select_related("carer", "cared_for")
    assert links.exists()
    for link in links:
        assert link.carer.nhs_number.startswith("999") and is_valid_nhs_number(link.carer.nhs_number)
        assert link.relationship and link.carer_id != link.cared_for_id
        link.carer.full_clean()  # a valid person in the index, like any other
        case = Case.objects.get(person=link.cared_for, status="open")
        relationship = Relationship.objects.active().get(
            person=link.carer, kind=RelationshipKind.CARER, source=f"carerlink:{link.pk}"
        )
        assert relationship.team_id == case.team_id
        assert (
            PersonGroupObjectPermission.objects.filter(
                group_id=case.team.group_id, content_object_id=link.carer_id
            ).count()
            == 2
        )
    numbers = [n for n in Person.objects.values_list("nhs_number", flat=True) if n]
    assert len(numbers) == len(set(numbers))
    carer_assessments = Assessment.objects.filter(kind=AssessmentKind.CARER)
    assert carer_assessments.filter(status=AssessmentStatus.AUTHORISED).exists()
    for assessment in carer_assessments:
        assert links.filter(carer=assessment.person, cared_for=assessment.cared_for).exists()
    for plan in CarePlan.objects.filter(kind=PlanKind.CARER_SUPPORT):
        assert plan.assessment.kind == AssessmentKind.CARER and plan.person_id == plan.assessment.person_id


def test_s117_register(world, db):
    entries = Section117Entitlement.objects.select_related("responsible_council", "responsible_icb")
    assert entries.filter(section="s3").count() > entries.exclude(section="s3").count()
    for entry in entries:
        assert entry.responsible_icb.kind == Organisation.Kind.ICB
        assert entry.responsible_council.kind == Organisation.Kind.COUNCIL
        assert TODAY - datetime.timedelta(days=3 * 366) <= entry.discharged_on < TODAY
        assert entry.transitions.filter(event="recorded").exists()
        assert entry.transitions.filter(event="reviewed").count() == entry.reviews.count()
    ended = entries.filter(status=Section117Status.ENDED)
    assert ended.exists()
    for entry in ended:
        assert entry.council_decision_by and entry.council_decision_on
        assert entry.icb_decision_by and entry.icb_decision_on
        assert entry.ended_on == max(entry.council_decision_on, entry.icb_decision_on) < TODAY
        assert entry.end_reason and entry.transitions.filter(event="ended").exists()


def test_capacity_outcomes_follow_the_two_stage_test(world, db):
    for capacity in CapacityAssessment.objects.prefetch_related("best_interests_decisions"):
        abilities = (
            capacity.can_understand,
            capacity.can_retain,
            capacity.can_use_or_weigh,
            capacity.can_communicate,
        )
        lacks = capacity.impairment and not all(abilities)
        assert capacity.outcome == (CapacityOutcome.LACKS_CAPACITY if lacks else CapacityOutcome.HAS_CAPACITY)
        if not lacks:
            assert not capacity.best_interests_decisions.all()
        for decision in capacity.best_interests_decisions.all():
            assert decision.person_id == capacity.person_id and decision.decided_on >= capacity.assessed_on
    imca = BestInterestsDecision.objects.exclude(imca_referral=None).select_related("imca_referral")
    assert imca.exists()
    for decision in imca:
        assert decision.no_one_to_consult and decision.imca_referral.kind == AdvocacyKind.IMCA
    decisions = set(CapacityAssessment.objects.values_list("decision", flat=True))
    assert any(d.startswith("Where to live") for d in decisions) and any(
        d.startswith("Managing money") for d in decisions
    )


def test_same_seed_and_day_give_the_same_records(world, db):
    assert world.first["counts"] == world.second["counts"]
    assert world.first["assessments"] == world.second["assessments"]
    assert world.first["plans"] == world.second["plans"]


def test_nothing_is_dated_after_the_day_of_the_run(world, db):
    assert not Assessment.objects.filter(started_on__gte=TODAY).exists()
    assert not CarePlan.objects.filter(agreed_on__gte=TODAY).exists()
    assert not Review.objects.filter(held_on__gte=TODAY).exists()
    assert not AssessmentTransition.objects.filter(at__gte=NOW).exists()
    assert not Assessment.objects.filter(updated_at__gte=NOW).exists()  # put back to when it happened
    assert timezone.localdate(Assessment.objects.order_by("created_at").first().created_at) < TODAY
