"""The Care Act reminder sweep: every due date travelled to in time (DESIGN.md sections 5, 6).

For each kind: the day before the reminder should appear there is none; on the day it
appears there is exactly one with the due date of careact.review_rules (or the s117 rule,
or five working days); a rerun creates nothing; recording the work resolves it.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from careact import due_work as careact_due_work
from careact.models import (
    AssessmentKind,
    AssessmentStatus,
    PlanStatus,
    QualifyingSection,
    Review,
    ReviewKind,
    ReviewOutcome,
    Section117Entitlement,
    Section117Review,
    Section117Status,
)
from careact.review_rules import add_months, annual_review_due, light_touch_window
from cases import due_work
from cases import services as case_services
from cases.models import Reminder
from tests.careact.conftest import make_assessment, make_plan, open_case
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AGREED = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour: int = 9):
    """Travel to a London morning (the sweep runs at 06:00; any time that day will do)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False
    )


def sweep_on(day: datetime.date) -> dict:
    with at(day):
        return due_work.run_sweep()


def open_reminders(kind: str):
    return list(Reminder.objects.filter(kind=kind, resolved_at__isnull=True))


def record_review(plan, held_on, kind=ReviewKind.PLANNED):
    return Review.objects.create(
        plan=plan,
        person=plan.person,
        kind=kind,
        held_on=held_on,
        whats_working="Meals are working",
        outcome=ReviewOutcome.CONTINUE,
        outcome_reason="Needs met",
        recorded_by=plan.written_by,
    )


@pytest.fixture
def plan(case):
    return make_plan(make_assessment(case), agreed_on=AGREED)


def test_every_care_act_kind_is_registered():
    kinds = {d.kind for d in due_work.registered_kinds()}
    assert {
        careact_due_work.LIGHT_TOUCH,
        careact_due_work.ANNUAL,
        careact_due_work.CARER_LIGHT_TOUCH,
        careact_due_work.CARER_ANNUAL,
        careact_due_work.S117,
        careact_due_work.AUTHORISATION,
    } <= kinds


# --- Light-touch review ------------------------------------------------------------------


def test_light_touch_review_appears_when_the_window_opens_and_is_resolved_by_a_review(
    plan, practitioner, north_team, person
):
    opens, due = light_touch_window(AGREED)
    kind = careact_due_work.LIGHT_TOUCH

    assert sweep_on(opens - datetime.timedelta(days=1))[kind]["created"] == 0
    assert open_reminders(kind) == []

    assert sweep_on(opens)[kind]["created"] == 1
    [reminder] = open_reminders(kind)
    assert reminder.due_on == due == AGREED + datetime.timedelta(days=56)
    assert reminder.subject == f"careact.careplan:{plan.pk}"
    assert reminder.assignee == practitioner and reminder.team == north_team and reminder.person == person
    assert reminder.url == f"/care/plans/{plan.pk}/" == reverse("careact:plan_detail", args=[plan.pk])
    assert reminder.title == "Light-touch review of the care and support plan"
    assert person.family_name not in reminder.title

    # A rerun the same day, and the days after, add nothing; it becomes overdue after `due`.
    assert sweep_on(opens)[kind]["created"] == 0
    assert sweep_on(due + datetime.timedelta(days=3))[kind]["created"] == 0
    assert Reminder.objects.filter(kind=kind).count() == 1
    with at(due):
        assert not Reminder.objects.get(kind=kind).is_overdue
    with at(due + datetime.timedelta(days=1)):
        assert Reminder.objects.get(kind=kind).is_overdue

    record_review(plan, due + datetime.timedelta(days=2), kind=ReviewKind.LIGHT_TOUCH)
    result = sweep_on(due + datetime.timedelta(days=3))
    assert (result[kind]["created"], result[kind]["resolved"]) == (0, 1)
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and reminder.resolution == "A review of the plan was recorded"
    assert sweep_on(due + datetime.timedelta(days=30))[kind]["created"] == 0
    assert open_reminders(kind) == []


def test_a_review_before_the_window_means_no_light_touch_reminder(plan):
    record_review(plan, AGREED + datetime.timedelta(days=20), kind=ReviewKind.UNPLANNED)
    opens, _ = light_touch_window(AGREED)
    assert sweep_on(opens)[careact_due_work.LIGHT_TOUCH]["created"] == 0


def test_light_touch_only_for_plans_in_place(case):
    assessment = make_assessment(case)
    make_plan(assessment, status=PlanStatus.DRAFT, agreed_on=AGREED)
    make_plan(assessment, status=PlanStatus.AWAITING_AUTHORISATION, agreed_on=AGREED)
    sweep_on(AGREED + datetime.timedelta(days=60))
    assert Reminder.objects.count() == 0


def test_a_plan_that_ends_or_is_replaced_resolves_its_reminders(plan, case):
    _, due = light_touch_window(AGREED)
    sweep_on(due)
    [reminder] = open_reminders(careact_due_work.LIGHT_TOUCH)
    plan.status = PlanStatus.SUPERSEDED
    plan.save()
    assert sweep_on(due)[careact_due_work.LIGHT_TOUCH]["resolved"] == 1
    reminder.refresh_from_db()
    assert reminder.resolution == "The plan was replaced by a revised plan"

    ended = make_plan(make_assessment(case), agreed_on=AGREED)
    sweep_on(due)
    ended.status = PlanStatus.ENDED
    ended.ended_on = due
    ended.save()
    sweep_on(due)
    assert Reminder.objects.get(subject=f"careact.careplan:{ended.pk}").resolution == (
        "The plan is no longer in place"
    )


# --- Planned (annual) review -------------------------------------------------------------


def test_annual_review_appears_28_days_before_12_months_and_moves_on_with_each_review(plan):
    kind = careact_due_work.ANNUAL
    # The light-touch review counts as the latest review of this version.
    light_touch_on = AGREED + datetime.timedelta(days=50)
    record_review(plan, light_touch_on, kind=ReviewKind.LIGHT_TOUCH)
    due = annual_review_due(AGREED, light_touch_on)
    assert due == add_months(light_touch_on, 12)

    assert sweep_on(due - datetime.timedelta(days=29))[kind]["created"] == 0
    assert sweep_on(due - datetime.timedelta(days=28))[kind]["created"] == 1
    [reminder] = open_reminders(kind)
    assert reminder.due_on == due and reminder.title == "Planned review of the care and support plan"
    assert sweep_on(due + datetime.timedelta(days=10))[kind]["created"] == 0

    held = due + datetime.timedelta(days=10)
    record_review(plan, held)
    assert sweep_on(held)[kind]["resolved"] == 1
    reminder.refresh_from_db()
    assert reminder.resolution == "A review of the plan was recorded"

    following = annual_review_due(AGREED, held)
    assert sweep_on(following - datetime.timedelta(days=29))[kind]["created"] == 0
    assert sweep_on(following - datetime.timedelta(days=28))[kind]["created"] == 1
    assert [r.due_on for r in open_reminders(kind)] == [following]


def test_an_early_review_resolves_the_annual_reminder(plan):
    kind = careact_due_work.ANNUAL
    record_review(plan, AGREED + datetime.timedelta(days=45), kind=ReviewKind.LIGHT_TOUCH)
    due = annual_review_due(AGREED, AGREED + datetime.timedelta(days=45))
    sweep_on(due - datetime.timedelta(days=7))
    [reminder] = open_reminders(kind)
    record_review(plan, due - datetime.timedelta(days=5))  # held before the due date
    sweep_on(due - datetime.timedelta(days=5))
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None
    assert open_reminders(kind) == []


def test_annual_review_of_a_plan_agreed_on_29_february(case):
    agreed = datetime.date(2024, 2, 29)
    plan = make_plan(make_assessment(case), agreed_on=agreed)
    record_review(plan, agreed, kind=ReviewKind.LIGHT_TOUCH)  # keep the light-touch quiet
    due = annual_review_due(agreed, None)
    assert due == datetime.date(2025, 2, 28)
    assert sweep_on(due - datetime.timedelta(days=29))[careact_due_work.ANNUAL]["created"] == 0
    sweep_on(due - datetime.timedelta(days=28))
    assert [r.due_on for r in open_reminders(careact_due_work.ANNUAL)] == [due]


def test_an_overdue_plan_gets_both_reminders_once(plan):
    today = AGREED + datetime.timedelta(days=500)
    first = sweep_on(today)
    assert first[careact_due_work.LIGHT_TOUCH]["created"] == 1
    assert first[careact_due_work.ANNUAL]["created"] == 1
    second = sweep_on(today)
    assert all(counts["created"] == 0 for counts in second.values())
    assert Reminder.objects.count() == 2


# --- Carers' support plans ---------------------------------------------------------------


@pytest.fixture
def carer_plan(person, north_team, practitioner, manager):
    carer = PersonFactory(given_name="Grace", family_name="Hughes")
    carer_case = open_case(carer, north_team, practitioner, manager)
    assessment = make_assessment(carer_case, kind=AssessmentKind.CARER, cared_for=person)
    return make_plan(assessment, agreed_on=AGREED)


def test_carers_support_plans_have_their_own_kinds(carer_plan, practitioner):
    opens, due = light_touch_window(AGREED)
    assert sweep_on(opens - datetime.timedelta(days=1))[careact_due_work.CARER_LIGHT_TOUCH]["created"] == 0
    assert sweep_on(opens)[careact_due_work.CARER_LIGHT_TOUCH]["created"] == 1
    [reminder] = open_reminders(careact_due_work.CARER_LIGHT_TOUCH)
    assert reminder.due_on == due and reminder.assignee == practitioner
    assert reminder.person == carer_plan.person
    assert reminder.title == "Light-touch review of the carer's support plan"
    assert open_reminders(careact_due_work.LIGHT_TOUCH) == []

    record_review(carer_plan, opens + datetime.timedelta(days=1), kind=ReviewKind.LIGHT_TOUCH)
    annual = annual_review_due(AGREED, opens + datetime.timedelta(days=1))
    assert sweep_on(annual - datetime.timedelta(days=29))[careact_due_work.CARER_ANNUAL]["created"] == 0
    result = sweep_on(annual - datetime.timedelta(days=28))
    assert result[careact_due_work.CARER_ANNUAL]["created"] == 1
    assert result[careact_due_work.ANNUAL]["created"] == 0
    assert open_reminders(careact_due_work.CARER_LIGHT_TOUCH) == []
    [reminder] = open_reminders(careact_due_work.CARER_ANNUAL)
    assert reminder.due_on == annual and reminder.title == "Review of the carer's support plan"

    record_review(carer_plan, annual)
    sweep_on(annual)
    assert open_reminders(careact_due_work.CARER_ANNUAL) == []


# --- Section 117 aftercare ---------------------------------------------------------------


def make_entitlement(person, team, by, *, discharged_on, interval=12):
    return Section117Entitlement.objects.create(
        person=person,
        team=team,
        section=QualifyingSection.S3,
        discharged_on=discharged_on,
        responsible_council=team.organisation,
        responsible_icb=team.organisation,
        aftercare_plan="Supported accommodation and weekly visits",
        review_interval_months=interval,
        recorded_by=by,
    )


def s117_due(entitlement, last_review_on=None):
    from careact.selectors_s117 import s117_review_due

    return s117_review_due(
        {
            "discharged_on": entitlement.discharged_on,
            "review_interval_months": entitlement.review_interval_months,
            "last_review_on": last_review_on,
        }
    )


@pytest.mark.parametrize("interval", [12, 6])
def test_s117_review_appears_28_days_before_and_a_review_resolves_it(
    case, person, north_team, practitioner, interval
):
    kind = careact_due_work.S117
    entitlement = make_entitlement(person, north_team, practitioner, discharged_on=AGREED, interval=interval)
    due = s117_due(entitlement)
    assert due == add_months(AGREED, interval)

    assert sweep_on(due - datetime.timedelta(days=29))[kind]["created"] == 0
    assert sweep_on(due - datetime.timedelta(days=28))[kind]["created"] == 1
    [reminder] = open_reminders(kind)
    assert reminder.due_on == due and reminder.assignee == practitioner and reminder.team == north_team
    assert (
        reminder.url
        == f"/care/s117/{entitlement.pk}/"
        == reverse("careact:s117_detail", args=[entitlement.pk])
    )
    assert reminder.title == "Review of section 117 aftercare"
    assert sweep_on(due)[kind]["created"] == 0

    held = due + datetime.timedelta(days=4)
    Section117Review.objects.create(
        entitlement=entitlement,
        held_on=held,
        attendees="Council, ICB, the person",
        needs_continue=True,
        notes="Aftercare still needed",
        recorded_by=practitioner,
    )
    assert sweep_on(held)[kind]["resolved"] == 1
    reminder.refresh_from_db()
    assert reminder.resolution == "A review of the aftercare was recorded"
    following = s117_due(entitlement, held)
    assert sweep_on(following - datetime.timedelta(days=29))[kind]["created"] == 0
    assert sweep_on(following - datetime.timedelta(days=28))[kind]["created"] == 1


def test_s117_without_an_open_case_goes_to_the_team_and_ends_resolve_it(person, north_team, practitioner):
    kind = careact_due_work.S117
    entitlement = make_entitlement(person, north_team, practitioner, discharged_on=AGREED)
    due = s117_due(entitlement)
    sweep_on(due)
    [reminder] = open_reminders(kind)
    assert reminder.assignee is None and reminder.team == north_team

    Section117Entitlement.objects.filter(pk=entitlement.pk).update(
        status=Section117Status.ENDED,
        council_decision_by="Head of service",
        council_decision_on=due,
        icb_decision_by="ICB lead",
        icb_decision_on=due,
        ended_on=due,
        end_reason="Needs arising from the disorder are met",
    )
    assert sweep_on(due)[kind]["resolved"] == 1
    reminder.refresh_from_db()
    assert reminder.resolution == "Section 117 aftercare ended by joint decision"
    assert sweep_on(due + datetime.timedelta(days=400))[kind]["created"] == 0


# --- Assessments waiting for authorisation -----------------------------------------------


def test_authorisation_is_due_five_working_days_later_skipping_bank_holidays(case, north_team):
    kind = careact_due_work.AUTHORISATION
    # Submitted on Thursday 2 April 2026; Good Friday (3 April) and Easter Monday (6 April)
    # are bank holidays, so the five working days end on Monday 13 April, not Thursday 9.
    submitted = datetime.datetime(2026, 4, 2, 15, 30, tzinfo=LONDON)
    assessment = make_assessment(case, status=AssessmentStatus.AWAITING_AUTHORISATION, submitted_at=submitted)
    result = sweep_on(datetime.date(2026, 4, 3))
    assert result[kind]["created"] == 1
    [reminder] = open_reminders(kind)
    assert reminder.due_on == datetime.date(2026, 4, 13)
    assert reminder.assignee is None and reminder.team == north_team
    assert reminder.url == reverse("careact:assessment_detail", args=[assessment.pk])
    assert reminder.title == "Authorise the needs assessment"
    with at(datetime.date(2026, 4, 13)):
        assert not reminder.is_overdue
    with at(datetime.date(2026, 4, 14)):
        assert reminder.is_overdue
    assert sweep_on(datetime.date(2026, 4, 14))[kind]["created"] == 0

    assessment.status = AssessmentStatus.AUTHORISED
    assessment.save()
    assert sweep_on(datetime.date(2026, 4, 14))[kind]["resolved"] == 1
    reminder.refresh_from_db()
    assert reminder.resolution == "The assessment was authorised"


def test_returned_and_submitted_again_the_same_day_reopens_the_reminder(case):
    kind = careact_due_work.AUTHORISATION
    assessment = make_assessment(
        case,
        status=AssessmentStatus.AWAITING_AUTHORISATION,
        submitted_at=datetime.datetime(2026, 6, 1, 9, tzinfo=LONDON),
    )
    sweep_on(datetime.date(2026, 6, 1))
    assessment.status = AssessmentStatus.DRAFT
    assessment.save()
    with at(datetime.date(2026, 6, 1), hour=10):
        due_work.run_sweep()
    [reminder] = Reminder.objects.filter(kind=kind)
    assert reminder.resolved_at is not None

    assessment.status = AssessmentStatus.AWAITING_AUTHORISATION
    assessment.submitted_at = datetime.datetime(2026, 6, 1, 11, tzinfo=LONDON)  # same due date
    assessment.save()
    with at(datetime.date(2026, 6, 1), hour=12):
        assert due_work.run_sweep()[kind]["created"] == 1
    reminder.refresh_from_db()
    assert reminder.resolved_at is None and reminder.resolution == "" and reminder.emailed_at is None
    assert Reminder.objects.filter(kind=kind).count() == 1
    with at(datetime.date(2026, 6, 1), hour=13):
        rerun = due_work.run_sweep()[kind]
    assert (rerun["created"], rerun["resolved"]) == (0, 0)


def test_a_returned_assessment_resolves_and_a_resubmission_makes_a_new_reminder(case):
    kind = careact_due_work.AUTHORISATION
    submitted = datetime.datetime(2026, 6, 1, 10, tzinfo=LONDON)  # a Monday
    assessment = make_assessment(case, status=AssessmentStatus.AWAITING_AUTHORISATION, submitted_at=submitted)
    sweep_on(datetime.date(2026, 6, 1))
    [first] = open_reminders(kind)
    assert first.due_on == datetime.date(2026, 6, 8)

    assessment.status = AssessmentStatus.DRAFT
    assessment.save()
    sweep_on(datetime.date(2026, 6, 2))
    first.refresh_from_db()
    assert first.resolution == "The assessment was returned to the worker"

    assessment.status = AssessmentStatus.AWAITING_AUTHORISATION
    assessment.submitted_at = datetime.datetime(2026, 6, 5, 10, tzinfo=LONDON)  # a Friday
    assessment.save()
    sweep_on(datetime.date(2026, 6, 5))
    assert [r.due_on for r in open_reminders(kind)] == [datetime.date(2026, 6, 12)]


# --- Assignment and resilience -------------------------------------------------------------


def test_reallocating_the_case_moves_open_reminders_to_the_new_worker(plan, case, manager, north_team):
    _, due = light_touch_window(AGREED)
    sweep_on(due)
    [reminder] = open_reminders(careact_due_work.LIGHT_TOUCH)
    Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
    colleague = make_member(north_team, Role.PRACTITIONER, full_name="Cal Colleague")
    case_services.reallocate_case(case_id=case.pk, worker=colleague, by=manager, reason="Leave")

    result = sweep_on(due)
    assert result[careact_due_work.LIGHT_TOUCH]["reassigned"] == 1
    reminder.refresh_from_db()
    assert reminder.assignee == colleague and reminder.emailed_at is None  # the new worker is told

    case_services.close_case(case_id=case.pk, by=manager, reason="Moved away")
    sweep_on(due)
    reminder.refresh_from_db()
    assert reminder.assignee is None and reminder.resolved_at is None  # the team keeps it


def test_a_sweep_that_fails_part_way_keeps_finished_kinds_and_the_next_one_completes(plan, monkeypatch):
    """Each kind commits on its own: a failure rolls back only the kind it happened in, and
    the kinds after it still run."""
    opens, _ = light_touch_window(AGREED)
    real = due_work._derivers[careact_due_work.LIGHT_TOUCH]

    def crash_after_inserting(today, now):
        real.derive(today, now)
        raise RuntimeError("worker lost")

    monkeypatch.setitem(
        due_work._derivers,
        careact_due_work.LIGHT_TOUCH,
        due_work.Deriver(careact_due_work.LIGHT_TOUCH, crash_after_inserting, "Light-touch reviews"),
    )
    with pytest.raises(due_work.SweepIncomplete) as failure:
        sweep_on(AGREED + datetime.timedelta(days=500))
    assert set(failure.value.failed) == {careact_due_work.LIGHT_TOUCH}
    assert failure.value.results[careact_due_work.ANNUAL]["created"] == 1  # the others still ran
    assert open_reminders(careact_due_work.ANNUAL) != []
    assert open_reminders(careact_due_work.LIGHT_TOUCH) == []  # rolled back, not half-written

    monkeypatch.setitem(due_work._derivers, careact_due_work.LIGHT_TOUCH, real)
    result = sweep_on(AGREED + datetime.timedelta(days=500))
    assert result[careact_due_work.ANNUAL]["created"] == 0
    assert result[careact_due_work.LIGHT_TOUCH]["created"] == 1
    assert Reminder.objects.count() == 2
