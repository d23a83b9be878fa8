"""Plan services: start, edit (optimistic lock), submit, authorise, return, review
(continue, revise, end), with the rules of Care Act s25-s27."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from careact import services
from careact.models import (
    AssessmentKind,
    AssessmentStatus,
    CarePlan,
    PlanKind,
    PlanStatus,
    Review,
)
from cases import services as case_services
from tests.careact.conftest import days_ago, make_assessment
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

NEEDS = [
    {"need": "Managing nutrition", "eligible": True, "how_met": "Daily visit to help cook"},
    {"need": "Going to the allotment", "eligible": False, "how_met": "Sister takes her on Sundays"},
]
COMPLETE = {
    "needs": NEEDS,
    "services": "Home care, 7 hours a week",
    "personal_budget_weekly": Decimal("180.00"),
    "direct_payment": "none",
    "direct_payment_weekly": None,
    "contingency": "Sister visits if a call is missed",
}
REVIEW = {
    "kind": "planned",
    "held_on": None,
    "change_reason": "",
    "persons_views": "Happy with the carers",
    "whats_working": "Meals are regular",
    "outcome": "continue",
    "outcome_reason": "Needs are met",
}


@pytest.fixture
def assessment(case):
    return make_assessment(case, completed_on=days_ago(10))


@pytest.fixture
def second_manager(north_team):
    return make_member(north_team, Role.TEAM_MANAGER, full_name="Max Manager")


def draft(assessment, practitioner, **data):
    plan = services.start_plan(assessment=assessment, by=practitioner)
    if data:
        plan = services.update_plan(
            plan_id=plan.pk, data=data, expected_version=plan.version, by=practitioner
        )
    return plan


def complete_draft(assessment, practitioner, **extra):
    return draft(assessment, practitioner, **{**COMPLETE, "agreed_on": days_ago(2), **extra})


def active(assessment, practitioner, manager, **extra):
    plan = complete_draft(assessment, practitioner, **extra)
    services.submit_plan(plan_id=plan.pk, by=practitioner)
    return services.authorise_plan(plan_id=plan.pk, by=manager)


def events(plan):
    return list(plan.transitions.order_by("at", "pk").values_list("event", "from_status", "to_status"))


# --- Start ------------------------------------------------------------------------------


def test_start_plan_makes_a_draft_from_an_authorised_assessment(assessment, practitioner):
    plan = services.start_plan(assessment=assessment, by=practitioner)
    assert plan.status == PlanStatus.DRAFT
    assert plan.kind == PlanKind.CARE_AND_SUPPORT
    assert (plan.person_id, plan.case_id, plan.team_id) == (
        assessment.person_id,
        assessment.case_id,
        assessment.team_id,
    )
    assert plan.version_number == 1 and plan.previous is None and plan.written_by == practitioner
    assert events(plan) == [("started", "", "draft")]
    assert plan.transitions.get().actor == practitioner
    assert plan.history.get().history_user == practitioner


@pytest.mark.parametrize("status", [AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_AUTHORISATION])
def test_start_plan_refuses_an_unauthorised_assessment(case, practitioner, status):
    assessment = make_assessment(case, status=status)
    with pytest.raises(services.DomainError, match="authorised"):
        services.start_plan(assessment=assessment, by=practitioner)
    assert not CarePlan.objects.exists()


def test_start_plan_refuses_a_superseded_assessment(case, practitioner):
    assessment = make_assessment(case, status=AssessmentStatus.SUPERSEDED)
    with pytest.raises(services.DomainError, match="replaced by a reassessment"):
        services.start_plan(assessment=assessment, by=practitioner)


def test_carers_assessment_gives_a_carers_support_plan(case, practitioner):
    carer_assessment = make_assessment(case, kind=AssessmentKind.CARER, cared_for=PersonFactory())
    plan = services.start_plan(assessment=carer_assessment, by=practitioner)
    assert plan.kind == PlanKind.CARER_SUPPORT


def test_a_plan_may_meet_non_eligible_needs(case, practitioner):
    """s19: the council may meet needs that are not eligible; no personal budget is needed."""
    assessment = make_assessment(case, eligible=False, completed_on=days_ago(3))
    plan = draft(assessment, practitioner)
    needs = [{"need": "Loneliness", "eligible": False, "how_met": "Peer support group"}]
    plan = services.update_plan(
        plan_id=plan.pk,
        data={**COMPLETE, "needs": needs, "personal_budget_weekly": None, "agreed_on": days_ago(1)},
        expected_version=plan.version,
        by=practitioner,
    )
    assert services.submit_plan(plan_id=plan.pk, by=practitioner).status == PlanStatus.AWAITING_AUTHORISATION


def test_a_second_plan_in_progress_is_refused(assessment, practitioner, case):
    services.start_plan(assessment=assessment, by=practitioner)
    reassessment = make_assessment(case)
    with pytest.raises(services.DomainError, match="already has a care and support plan in progress"):
        services.start_plan(assessment=reassessment, by=practitioner)
    assert CarePlan.objects.count() == 1


def test_a_carers_plan_does_not_block_a_care_plan(case, practitioner, assessment):
    services.start_plan(
        assessment=make_assessment(case, kind=AssessmentKind.CARER, cared_for=PersonFactory()),
        by=practitioner,
    )
    assert services.start_plan(assessment=assessment, by=practitioner).kind == PlanKind.CARE_AND_SUPPORT


def test_start_plan_with_a_plan_in_place_makes_the_next_version(assessment, practitioner, manager, case):
    v1 = active(assessment, practitioner, manager)
    v2 = services.start_plan(assessment=make_assessment(case), by=practitioner)
    assert (v2.previous_id, v2.version_number, v2.status) == (v1.pk, 2, PlanStatus.DRAFT)
    assert v2.needs == NEEDS and v2.services == COMPLETE["services"] and v2.agreed_on is None
    v1.refresh_from_db()
    assert v1.status == PlanStatus.ACTIVE


def test_start_plan_refuses_when_the_case_is_closed(assessment, practitioner, manager, case):
    case_services.close_case(case_id=case.pk, by=manager, reason="Moved away")
    with pytest.raises(services.DomainError, match="case .* is closed"):
        services.start_plan(assessment=assessment, by=practitioner)


# --- Edit -------------------------------------------------------------------------------


def test_update_plan_saves_partial_work_and_bumps_the_version(assessment, practitioner):
    plan = draft(assessment, practitioner)
    saved = services.update_plan(
        plan_id=plan.pk, data={"services": "  Day centre  "}, expected_version=plan.version, by=practitioner
    )
    assert saved.services == "Day centre" and saved.version == plan.version + 1
    assert saved.history.first().history_user == practitioner


def test_update_plan_with_no_change_is_a_no_op(assessment, practitioner):
    plan = draft(assessment, practitioner, services="Day centre")
    again = services.update_plan(
        plan_id=plan.pk, data={"services": "Day centre"}, expected_version=plan.version, by=practitioner
    )
    assert again.version == plan.version


def test_a_stale_save_overwrites_nothing_and_keeps_both_changes(assessment, practitioner, other_worker):
    plan = draft(assessment, practitioner, services="Day centre", contingency="Call the team")
    opened = plan.version
    services.update_plan(
        plan_id=plan.pk, data={"services": "Home care"}, expected_version=opened, by=practitioner
    )
    with pytest.raises(services.StaleEdit) as caught:
        services.update_plan(
            plan_id=plan.pk,
            data={"services": "Day centre", "contingency": "Call the duty line"},
            expected_version=opened,
            by=practitioner,
        )
    plan.refresh_from_db()
    assert (plan.services, plan.contingency) == ("Home care", "Call the team")
    stale = caught.value
    assert [c.field for c in stale.changes] == ["services"]
    assert stale.merged["services"] == "Home care"  # theirs kept: this editor left it alone
    assert stale.merged["contingency"] == "Call the duty line"  # mine kept


def test_only_a_draft_can_be_changed(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)
    with pytest.raises(services.DomainError, match="only a draft can be changed"):
        services.update_plan(
            plan_id=plan.pk, data={"services": "x"}, expected_version=plan.version, by=practitioner
        )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"need": "", "eligible": True, "how_met": "Visits"}, "Need 1: enter the need"),
        ({"need": "Meals", "eligible": "yes", "how_met": "Visits"}, "Need 1: select whether"),
        ({"need": "Meals", "eligible": None, "how_met": "Visits"}, "Need 1: select whether"),
        ({"need": "Meals", "eligible": True, "how_met": "  "}, "Need 1: enter how the need will be met"),
    ],
)
def test_each_need_has_a_need_eligibility_and_how_it_is_met(assessment, practitioner, row, message):
    plan = draft(assessment, practitioner)
    with pytest.raises(services.DomainError, match=message):
        services.update_plan(
            plan_id=plan.pk, data={"needs": [row]}, expected_version=plan.version, by=practitioner
        )
    plan.refresh_from_db()
    assert plan.needs == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "must be £0 or more"),
        ("10.505", "only have pounds and pence"),
        ("lots", "as an amount in pounds"),
        ("10000000", "less than £10,000,000"),
    ],
)
def test_money_is_pounds_and_pence_and_not_negative(assessment, practitioner, amount, message):
    plan = draft(assessment, practitioner)
    with pytest.raises(services.DomainError, match=message):
        services.update_plan(
            plan_id=plan.pk,
            data={"personal_budget_weekly": amount},
            expected_version=plan.version,
            by=practitioner,
        )


def test_money_accepts_a_pound_sign_and_commas(assessment, practitioner):
    plan = draft(assessment, practitioner, personal_budget_weekly="£1,180.5")
    assert plan.personal_budget_weekly == Decimal("1180.50")


def test_part_direct_payment_needs_an_amount_not_more_than_the_budget(assessment, practitioner):
    plan = draft(assessment, practitioner)
    base = {"personal_budget_weekly": Decimal("100"), "direct_payment": "part"}
    for extra, message in (
        ({}, "Enter the direct payment per week"),
        ({"direct_payment_weekly": Decimal("100.01")}, "must not be more than the personal budget"),
        ({"direct_payment_weekly": Decimal("0")}, "more than £0"),
        (
            {"personal_budget_weekly": None, "direct_payment_weekly": Decimal("5")},
            "Enter the personal budget",
        ),
    ):
        with pytest.raises(services.DomainError, match=message):
            services.update_plan(
                plan_id=plan.pk, data={**base, **extra}, expected_version=plan.version, by=practitioner
            )
    plan = services.update_plan(
        plan_id=plan.pk,
        data={**base, "direct_payment_weekly": Decimal("40")},
        expected_version=plan.version,
        by=practitioner,
    )
    assert plan.direct_payment_weekly == Decimal("40.00")


def test_full_direct_payment_equals_the_budget_and_none_clears_it(assessment, practitioner):
    plan = draft(
        assessment,
        practitioner,
        personal_budget_weekly=Decimal("180"),
        direct_payment="full",
        direct_payment_weekly=Decimal("5"),
    )
    assert plan.direct_payment_weekly == Decimal("180.00")
    plan = services.update_plan(
        plan_id=plan.pk, data={"direct_payment": "none"}, expected_version=plan.version, by=practitioner
    )
    assert plan.direct_payment_weekly is None


def test_agreed_date_cannot_be_in_the_future_or_before_the_assessment(assessment, practitioner):
    plan = draft(assessment, practitioner)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.DomainError, match="today or in the past"):
        services.update_plan(
            plan_id=plan.pk, data={"agreed_on": tomorrow}, expected_version=plan.version, by=practitioner
        )
    with pytest.raises(services.DomainError, match="on or after .* when the assessment was completed"):
        services.update_plan(
            plan_id=plan.pk, data={"agreed_on": days_ago(11)}, expected_version=plan.version, by=practitioner
        )
    saved = services.update_plan(
        plan_id=plan.pk, data={"agreed_on": days_ago(10)}, expected_version=plan.version, by=practitioner
    )
    assert saved.agreed_on == days_ago(10)


# --- Submit -----------------------------------------------------------------------------


def test_submit_lists_everything_missing_at_once(assessment, practitioner):
    plan = draft(assessment, practitioner)
    with pytest.raises(services.PlanIncomplete) as caught:
        services.submit_plan(plan_id=plan.pk, by=practitioner)
    problems = caught.value.problems
    assert problems == [
        "Add at least one need and how it will be met",
        "Enter the services and support arranged",
        "Enter the contingency: what happens if the support breaks down",
        "Enter the date the plan was agreed with the person",
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and events(plan) == [("started", "", "draft")]


def test_eligible_needs_need_a_personal_budget(assessment, practitioner):
    """s26: a plan that meets eligible needs sets a personal budget."""
    plan = complete_draft(assessment, practitioner, personal_budget_weekly=None)
    with pytest.raises(services.PlanIncomplete) as caught:
        services.submit_plan(plan_id=plan.pk, by=practitioner)
    assert caught.value.problems == ["Enter the personal budget: the plan has eligible needs (Care Act s26)"]


def test_agreed_date_is_checked_again_on_submit(assessment, practitioner):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        plan = complete_draft(assessment, practitioner, agreed_on=timezone.localdate())
    with pytest.raises(services.PlanIncomplete, match="today or in the past"):
        services.submit_plan(plan_id=plan.pk, by=practitioner)


def test_submit_sends_a_complete_plan_and_a_repeat_is_a_no_op(assessment, practitioner):
    plan = complete_draft(assessment, practitioner)
    sent = services.submit_plan(plan_id=plan.pk, by=practitioner)
    assert sent.status == PlanStatus.AWAITING_AUTHORISATION
    services.submit_plan(plan_id=plan.pk, by=practitioner)
    assert events(plan)[-1] == ("submitted", "draft", "awaiting_authorisation")
    assert len(events(plan)) == 2


def test_a_plan_waiting_for_authorisation_cannot_be_changed(assessment, practitioner):
    plan = complete_draft(assessment, practitioner)
    plan = services.submit_plan(plan_id=plan.pk, by=practitioner)
    with pytest.raises(services.DomainError, match="only a draft can be changed"):
        services.update_plan(
            plan_id=plan.pk, data={"services": "x"}, expected_version=plan.version, by=practitioner
        )


# --- Authorise and return ---------------------------------------------------------------


def test_manager_authorises_and_the_plan_is_in_place(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.authorised_by == manager and plan.authorised_at is not None
    assert [e[0] for e in events(plan)] == ["started", "submitted", "authorised"]
    assert plan.transitions.last().actor == manager
    assert services.authorise_plan(plan_id=plan.pk, by=manager).status == PlanStatus.ACTIVE  # repeat
    assert len(events(plan)) == 3


def test_only_a_manager_of_the_team_authorises(assessment, practitioner, other_worker, south_team):
    plan = complete_draft(assessment, practitioner)
    services.submit_plan(plan_id=plan.pk, by=practitioner)
    south_manager = make_member(south_team, Role.TEAM_MANAGER)
    for user in (practitioner, other_worker, south_manager):
        with pytest.raises(services.DomainError, match="Only a manager of North Working Age"):
            services.authorise_plan(plan_id=plan.pk, by=user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_AUTHORISATION


def test_a_manager_may_not_authorise_their_own_plan(assessment, manager, second_manager):
    plan = complete_draft(assessment, manager)
    services.submit_plan(plan_id=plan.pk, by=manager)
    with pytest.raises(services.DomainError, match="You wrote this plan"):
        services.authorise_plan(plan_id=plan.pk, by=manager)
    assert services.authorise_plan(plan_id=plan.pk, by=second_manager).status == PlanStatus.ACTIVE


def test_a_draft_cannot_be_authorised(assessment, practitioner, manager):
    plan = complete_draft(assessment, practitioner)
    with pytest.raises(services.DomainError, match="Only a plan waiting for authorisation"):
        services.authorise_plan(plan_id=plan.pk, by=manager)


def test_return_needs_a_reason_and_makes_a_draft_again(assessment, practitioner, manager):
    plan = complete_draft(assessment, practitioner)
    services.submit_plan(plan_id=plan.pk, by=practitioner)
    with pytest.raises(services.DomainError, match="Enter why"):
        services.return_plan(plan_id=plan.pk, by=manager, reason="  ")
    with pytest.raises(services.DomainError, match="Only a manager"):
        services.return_plan(plan_id=plan.pk, by=practitioner, reason="Fine")
    returned = services.return_plan(plan_id=plan.pk, by=manager, reason="Add the contingency phone number")
    assert returned.status == PlanStatus.DRAFT
    assert events(plan)[-1] == ("returned", "awaiting_authorisation", "draft")
    assert plan.transitions.last().reason == "Add the contingency phone number"
    services.return_plan(plan_id=plan.pk, by=manager, reason="again")  # a repeat is a no-op
    assert len(events(plan)) == 3
    # the worker can change it again
    services.update_plan(
        plan_id=plan.pk,
        data={"contingency": "Ring 01234"},
        expected_version=returned.version,
        by=practitioner,
    )


# --- Reviews ----------------------------------------------------------------------------


def review(plan, by, **extra):
    return services.record_review(
        plan_id=plan.pk, data={**REVIEW, "held_on": timezone.localdate(), **extra}, by=by
    )


def test_review_continue_keeps_the_plan(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)
    result = review(plan, practitioner)
    assert result.pk == plan.pk and result.status == PlanStatus.ACTIVE
    saved = Review.objects.get()
    assert (saved.plan, saved.person_id, saved.recorded_by) == (plan, plan.person_id, practitioner)
    assert events(plan)[-1] == ("reviewed", "active", "active")
    assert plan.transitions.last().details["review"] == saved.pk


def test_only_a_plan_in_place_can_be_reviewed(assessment, practitioner):
    plan = complete_draft(assessment, practitioner)
    with pytest.raises(services.DomainError, match="only a plan in place can be reviewed"):
        review(plan, practitioner)
    assert not Review.objects.exists()


def test_review_date_rules(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)  # agreed 2 days ago
    with pytest.raises(services.DomainError, match="today or in the past"):
        review(plan, practitioner, held_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(services.DomainError, match="on or after .* when the plan was agreed"):
        review(plan, practitioner, held_on=days_ago(3))
    assert not Review.objects.exists()


def test_unplanned_review_needs_what_changed(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)
    with pytest.raises(services.DomainError, match="Enter what changed"):
        review(plan, practitioner, kind="unplanned")
    review(plan, practitioner, kind="unplanned", change_reason="Admitted to hospital")
    assert Review.objects.get().change_reason == "Admitted to hospital"


def test_a_review_lists_every_missing_answer(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager)
    with pytest.raises(services.PlanIncomplete) as caught:
        services.record_review(plan_id=plan.pk, data={"kind": "unplanned"}, by=practitioner)
    assert caught.value.problems == [
        "Enter the date the review was held",
        "Enter what changed to prompt the review",
        "Enter what is working and what is not",
        "Select the outcome of the review",
        "Enter the reasons for the outcome",
    ]


def test_revise_makes_a_new_draft_version_and_keeps_the_old_in_place(assessment, practitioner, manager):
    v1 = active(assessment, practitioner, manager)
    v2 = review(v1, practitioner, outcome="revise", outcome_reason="Needs more help at night")
    assert (v2.previous_id, v2.version_number, v2.status) == (v1.pk, 2, PlanStatus.DRAFT)
    assert v2.needs == v1.needs and v2.personal_budget_weekly == v1.personal_budget_weekly
    assert v2.agreed_on is None and v2.assessment_id == v1.assessment_id
    v1.refresh_from_db()
    assert v1.status == PlanStatus.ACTIVE
    assert events(v2) == [("started", "", "draft")]
    with pytest.raises(services.DomainError, match="version 2.* is already draft"):
        review(v1, practitioner, outcome="revise")

    services.update_plan(
        plan_id=v2.pk,
        data={"agreed_on": timezone.localdate(), "services": "Home care and a night sitter"},
        expected_version=v2.version,
        by=practitioner,
    )
    services.submit_plan(plan_id=v2.pk, by=practitioner)
    services.authorise_plan(plan_id=v2.pk, by=manager)
    v1.refresh_from_db()
    assert v1.status == PlanStatus.SUPERSEDED
    assert events(v1)[-1] == ("superseded", "active", "superseded")
    assert CarePlan.objects.filter(status=PlanStatus.ACTIVE).get().pk == v2.pk


def test_end_ends_the_plan_on_the_review_date(assessment, practitioner, manager):
    plan = active(assessment, practitioner, manager, agreed_on=days_ago(5))
    ended = review(
        plan, practitioner, outcome="end", outcome_reason="Moved to another council", held_on=days_ago(1)
    )
    assert ended.status == PlanStatus.ENDED
    assert ended.ended_on == days_ago(1) and ended.end_reason == "Moved to another council"
    assert events(plan)[-1] == ("ended", "active", "ended")
    with pytest.raises(services.DomainError, match="only a plan in place"):
        review(plan, practitioner)


def test_ending_a_plan_ends_its_revision_in_progress(assessment, practitioner, manager):
    v1 = active(assessment, practitioner, manager)
    v2 = review(v1, practitioner, outcome="revise")
    review(v1, practitioner, outcome="end", outcome_reason="Died")
    v2.refresh_from_db()
    assert v2.status == PlanStatus.ENDED and v2.end_reason == "The plan it revised was ended"
    assert events(v2)[-1] == ("ended", "draft", "ended")
    # nothing is left in progress, so a new plan can start from a new assessment
    assert (
        services.start_plan(assessment=make_assessment(assessment.case), by=practitioner).version_number == 1
    )
