"""Per-team Care Act compliance figures: the selector (worked by hand) and the manager's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careact.models import AssessmentStatus, PlanStatus, Review, ReviewKind, ReviewOutcome
from careact.selectors_compliance import team_compliance
from cases.models import Referral
from tests.careact.conftest import make_assessment, make_plan, open_case
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def review(plan, held_on):
    Review.objects.create(
        plan=plan,
        person=plan.person,
        kind=ReviewKind.PLANNED,
        held_on=held_on,
        whats_working="Working",
        outcome=ReviewOutcome.CONTINUE,
        outcome_reason="Needs met",
        recorded_by=plan.written_by,
    )


def case_referred(team, worker, manager, received_days_ago):
    case = open_case(PersonFactory(), team, worker, manager)
    received = timezone.now() - datetime.timedelta(days=received_days_ago)
    Referral.objects.filter(pk=case.referral_id).update(received_at=received)
    return case


@pytest.fixture
def figures_data(case, north_team, south_team, practitioner, manager, other_worker):
    assessment = make_assessment(case, completed_on=ago(400))  # outside the 12 months
    # Plans in place: two of four reviewed (or agreed) within 12 months.
    recent = make_plan(assessment, agreed_on=ago(100))  # agreed within 12 months
    review(recent, ago(100) + datetime.timedelta(days=50))  # light-touch on time (day 50)
    make_plan(assessment, agreed_on=ago(500))  # never reviewed
    reviewed = make_plan(assessment, agreed_on=ago(500))
    review(reviewed, ago(200))
    lapsed = make_plan(assessment, agreed_on=ago(420))
    review(lapsed, ago(380))
    # Light-touch: agreed 8 weeks to 12 months ago, any status once agreed.
    late = make_plan(assessment, status=PlanStatus.SUPERSEDED, agreed_on=ago(200))
    review(late, ago(200) + datetime.timedelta(days=70))  # after 8 weeks: not on time
    make_plan(assessment, status=PlanStatus.ENDED, agreed_on=ago(150), ended_on=ago(10))  # no review
    make_plan(assessment, agreed_on=ago(30))  # too recent to count for light-touch
    make_plan(assessment, status=PlanStatus.DRAFT)  # not agreed
    # Another team's plan is not counted.
    south_case = open_case(PersonFactory(), south_team, other_worker, other_worker)
    make_plan(make_assessment(south_case), agreed_on=ago(600))

    # Assessments completed in the last 12 months: 10, 20 and 60 days after referral.
    for received, completed in ((40, 30), (50, 30), (100, 40)):
        c = case_referred(north_team, practitioner, manager, received)
        make_assessment(c, completed_on=ago(completed))
    first = make_assessment(case_referred(north_team, practitioner, manager, 900), completed_on=ago(800))
    make_assessment(first.case, completed_on=ago(20), previous=first, version_number=2)  # reassessment
    make_assessment(case_referred(north_team, practitioner, manager, 5), status=AssessmentStatus.DRAFT)

    # Waiting for authorisation: two, the oldest submitted ten days ago.
    now = timezone.now()
    for waited in (3, 10):
        make_assessment(
            case,
            status=AssessmentStatus.AWAITING_AUTHORISATION,
            submitted_at=now - datetime.timedelta(days=waited),
            completed_on=None,
        )
    return now


def test_team_compliance_figures(figures_data, north_team, django_assert_num_queries):
    with django_assert_num_queries(4):
        figures = team_compliance(north_team)
    assert (figures.active_plans, figures.active_plans_reviewed) == (5, 3)
    assert figures.reviewed_percent == 60.0
    assert (figures.light_touch_due, figures.light_touch_on_time) == (3, 1)
    assert figures.light_touch_percent == 33.3
    assert figures.assessments_completed == 3
    assert figures.referral_to_assessment_median_days == 20
    assert figures.referral_to_assessment_mean_days == 30
    assert figures.awaiting_authorisation == 2
    assert figures.oldest_awaiting_since == figures_data - datetime.timedelta(days=10)
    assert 5 <= figures.oldest_awaiting_working_days <= 8


def test_team_compliance_of_an_empty_team(south_team):
    figures = team_compliance(south_team.pk, today=datetime.date(2026, 5, 1))
    assert figures.reviewed_percent is None and figures.light_touch_percent is None
    assert (
        figures.referral_to_assessment_median_days is None
        and figures.referral_to_assessment_mean_days is None
    )
    assert figures.awaiting_authorisation == 0 and figures.oldest_awaiting_working_days is None


def test_figures_as_of_another_day(figures_data, north_team):
    """A year from now the recent plan's review has lapsed and nothing counts for light-touch."""
    later = timezone.localdate() + datetime.timedelta(days=400)
    figures = team_compliance(north_team, today=later)
    assert figures.active_plans_reviewed == 0
    assert figures.assessments_completed == 0


def test_compliance_page_for_a_manager(manager_client, figures_data):
    page = manager_client.get(reverse("careact:compliance")).content.decode()
    assert "Care Act compliance" in page
    assert "60.0%" in page and "(3 of 5 plans in place)" in page
    assert "33.3%" in page and "median <strong>20</strong>, mean 30" in page
    for name in ("Amira", "Okafor"):
        assert name not in page


@pytest.mark.parametrize(
    "who", ["practitioner_client", "stranger_client", "commissioner_client", "other_worker_client"]
)
def test_compliance_page_is_for_team_leads_only(request, who):
    assert request.getfixturevalue(who).get(reverse("careact:compliance")).status_code == 404


def test_compliance_page_query_count_does_not_grow(manager_client, case, north_team, practitioner, manager):
    url = reverse("careact:compliance")

    def count():
        manager_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    assessment = make_assessment(case)
    for n in range(15):
        review(make_plan(assessment, agreed_on=ago(60 + n)), ago(10))
    assert count() == few


def test_home_panel_shows_the_headline_figures_to_managers(manager_client, practitioner_client, figures_data):
    home = reverse("accounts:home")
    page = manager_client.get(home).content.decode()
    assert "Care Act compliance" in page and "60.0%" in page
    assert "Care Act compliance" not in practitioner_client.get(home).content.decode()
