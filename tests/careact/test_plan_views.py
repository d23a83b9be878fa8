"""Plan and review pages: start, edit (needs rows without JavaScript, optimistic lock),
send, authorise or return, review, compare versions, person and home panels."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from careact import services
from careact.models import AssessmentStatus, CarePlan, PlanStatus, Review
from cases import services as case_services
from cases.models import AccessLog
from tests.careact.conftest import days_ago, make_assessment, make_plan, open_case
from tests.factories import PersonFactory, make_member

pytestmark = pytest.mark.django_db

NEEDS = [{"need": "Managing nutrition", "eligible": True, "how_met": "Daily visit to help cook"}]


@pytest.fixture
def assessment(case):
    return make_assessment(case, completed_on=days_ago(30))


@pytest.fixture
def plan(assessment, practitioner):
    """A draft started through the service."""
    return services.start_plan(assessment=assessment, by=practitioner)


@pytest.fixture
def active_plan(assessment, practitioner, manager):
    return make_plan(assessment, agreed_on=days_ago(20), by=practitioner, authorised_by=manager)


def url(name, obj):
    return reverse(f"careact:{name}", args=[obj.pk])


def text(response) -> str:
    return response.content.decode()


def management(total, prefix="needs"):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def edit_post(plan, *, action="save", needs=(), version=None, **fields):
    data = {
        "version": str(plan.version if version is None else version),
        "action": action,
        **management(max(len(needs), 3)),
        "services": "",
        "personal_budget_weekly": "",
        "direct_payment": "none",
        "direct_payment_weekly": "",
        "contingency": "",
        "agreed_on_day": "",
        "agreed_on_month": "",
        "agreed_on_year": "",
    }
    for i, row in enumerate(needs):
        data.update({f"needs-{i}-{key}": value for key, value in row.items()})
    data.update(fields)
    return data


def agreed(day: datetime.date) -> dict:
    return {"agreed_on_day": str(day.day), "agreed_on_month": str(day.month), "agreed_on_year": str(day.year)}


def count_queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def only_plans_panel(monkeypatch):
    """The person page with only this area's panel, so these tests measure it alone."""
    from cases import panels

    monkeypatch.setattr(panels, "_person_panels", {"careact_plans": panels._person_panels["careact_plans"]})


def break_glass_client(client, user, person):
    case_services.start_break_glass(
        user=user, person_id=person.pk, reason="Urgent call from A&E about this person"
    )
    client.force_login(user)
    return client


# --- Strangers and commissioners --------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger_client", "commissioner_client", "other_worker_client"])
def test_people_without_a_relationship_get_404_everywhere(request, who, assessment, active_plan):
    client = request.getfixturevalue(who)
    addresses = [reverse("careact:plan_create", args=[assessment.pk])] + [
        url(name, active_plan)
        for name in (
            "plan_detail",
            "plan_edit",
            "plan_submit",
            "plan_authorise",
            "plan_compare",
            "review_create",
        )
    ]
    for address in addresses:
        assert client.get(address).status_code == 404, address
        assert client.post(address, {}).status_code == 404, address
    assert not Review.objects.exists()


def test_break_glass_reads_but_never_writes(
    only_plans_panel, client, other_worker, person, active_plan, assessment
):
    client = break_glass_client(client, other_worker, person)
    page = text(client.get(url("plan_detail", active_plan)))
    assert "Emergency access" in page and "Care and support plan" in page
    assert "Record a review" not in page
    assert client.get(url("review_create", active_plan)).status_code == 404
    assert client.post(url("review_create", active_plan), {}).status_code == 404
    assert client.get(reverse("careact:plan_create", args=[assessment.pk])).status_code == 404
    person_page = text(client.get(reverse("cases:person_detail", args=[person.pk])))
    assert "Care and support plans" in person_page and "Start a plan" not in person_page


# --- Start ------------------------------------------------------------------------------


def test_start_confirm_page_explains_then_starts_a_draft(practitioner_client, assessment):
    address = reverse("careact:plan_create", args=[assessment.pk])
    page = text(practitioner_client.get(address))
    assert "What starting a plan does" in page and "draft" in page and "authorises" in page
    response = practitioner_client.post(address)
    plan = CarePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plan_edit", plan)
    assert plan.status == PlanStatus.DRAFT and plan.assessment == assessment


def test_start_from_a_not_eligible_assessment_says_so(practitioner_client, case):
    assessment = make_assessment(case, eligible=False)
    page = text(practitioner_client.get(reverse("careact:plan_create", args=[assessment.pk])))
    assert "do not meet the national eligibility criteria" in page and "Care Act s19" in page
    practitioner_client.post(reverse("careact:plan_create", args=[assessment.pk]))
    plan = CarePlan.objects.get()
    assert "Care Act s19" in text(practitioner_client.get(url("plan_detail", plan)))


def test_start_from_an_unauthorised_assessment_shows_an_error(practitioner_client, case):
    assessment = make_assessment(case, status=AssessmentStatus.AWAITING_AUTHORISATION)
    response = practitioner_client.post(reverse("careact:plan_create", args=[assessment.pk]))
    page = text(response)
    assert response.status_code == 200 and "<title>Error: " in page
    assert "govuk-error-summary" in page and "authorised" in page
    assert not CarePlan.objects.exists()


def test_start_with_a_plan_in_progress_points_to_it(practitioner_client, plan, case):
    page = text(practitioner_client.get(reverse("careact:plan_create", args=[make_assessment(case).pk])))
    assert "There is already a plan in progress" in page and url("plan_detail", plan) in page


# --- Edit -------------------------------------------------------------------------------


def test_edit_shows_blank_need_rows_and_conditional_direct_payment(practitioner_client, plan):
    page = text(practitioner_client.get(url("plan_edit", plan)))
    assert 'name="needs-TOTAL_FORMS" value="3"' in page
    assert 'name="needs-2-how_met"' in page
    assert 'data-aria-controls="conditional-direct-payment-part"' in page
    assert 'id="conditional-direct-payment-part"' in page and 'name="direct_payment_weekly"' in page
    assert "Add another need" in page and "Save draft" in page
    assert "Needs found in the assessment (2)" in page  # nutrition and hygiene


def test_save_draft_saves_partial_work(practitioner_client, plan):
    data = edit_post(
        plan,
        needs=[{"need": "Managing nutrition", "eligible": "yes", "how_met": "Daily visit"}],
        services="Home care",
        personal_budget_weekly="£180.50",
        direct_payment="part",
        direct_payment_weekly="40",
    )
    response = practitioner_client.post(url("plan_edit", plan), data)
    assert response.status_code == 302 and response["Location"] == url("plan_detail", plan)
    plan.refresh_from_db()
    assert plan.needs == [{"need": "Managing nutrition", "eligible": True, "how_met": "Daily visit"}]
    assert plan.services == "Home care" and plan.personal_budget_weekly == Decimal("180.50")
    assert plan.direct_payment_weekly == Decimal("40.00") and plan.contingency == "" and plan.version == 2


def test_add_another_need_keeps_what_was_typed_and_saves_nothing(practitioner_client, plan):
    rows = [
        {"need": "Managing nutrition", "eligible": "yes", "how_met": "Daily visit"},
        {"need": "Half typed", "eligible": "", "how_met": ""},
        {"need": "", "eligible": "", "how_met": ""},
    ]
    data = edit_post(plan, action="add_need", needs=rows, services="Typed services", **agreed(days_ago(1)))
    page = text(practitioner_client.post(url("plan_edit", plan), data))
    assert 'name="needs-TOTAL_FORMS" value="3"' in page  # two typed rows and one blank
    assert 'value="Half typed"' in page and "Typed services" in page
    assert f'name="agreed_on_day" value="{days_ago(1).day}"' in page
    assert "There is a problem" not in page  # no errors for work in progress
    plan.refresh_from_db()
    assert plan.services == "" and plan.needs == [] and plan.version == 1


def test_add_another_need_on_a_full_form_adds_a_row(practitioner_client, plan):
    rows = [{"need": f"Need {i}", "eligible": "no", "how_met": "Friends"} for i in range(3)]
    page = text(
        practitioner_client.post(url("plan_edit", plan), edit_post(plan, action="add_need", needs=rows))
    )
    assert 'name="needs-TOTAL_FORMS" value="4"' in page and 'name="needs-3-need"' in page


def test_copy_the_assessments_needs_into_rows(practitioner_client, plan):
    page = text(practitioner_client.post(url("plan_edit", plan), edit_post(plan, action="copy_needs")))
    assert 'value="Managing and maintaining nutrition: No meals"' in page
    assert 'value="Maintaining personal hygiene: Anxious"' in page
    plan.refresh_from_db()
    assert plan.needs == []


def test_an_incomplete_need_row_shows_errors_and_keeps_the_typing(practitioner_client, plan):
    data = edit_post(plan, needs=[{"need": "Nutrition", "eligible": "yes", "how_met": ""}], services="Kept")
    response = practitioner_client.post(url("plan_edit", plan), data)
    page = text(response)
    assert response.status_code == 200 and "<title>Error: " in page
    assert 'href="#id_needs-0-how_met">Need 1: Enter how the need will be met' in page
    assert 'value="Nutrition"' in page and "Kept" in page
    plan.refresh_from_db()
    assert plan.needs == [] and plan.services == ""


def test_direct_payment_more_than_the_budget_is_refused(practitioner_client, plan):
    data = edit_post(plan, personal_budget_weekly="100", direct_payment="part", direct_payment_weekly="120")
    page = text(practitioner_client.post(url("plan_edit", plan), data))
    assert "The direct payment must not be more than the personal budget" in page
    assert 'value="120"' in page


def test_a_stale_save_overwrites_nothing(practitioner_client, plan, manager):
    opened = plan.version
    services.update_plan(plan_id=plan.pk, data={"services": "Theirs"}, expected_version=opened, by=manager)
    data = edit_post(plan, version=opened, contingency="Mine")
    page = text(practitioner_client.post(url("plan_edit", plan), data))
    assert "Someone else changed this plan while you were editing it" in page
    assert "Theirs" in page and "Mine" in page
    plan.refresh_from_db()
    assert plan.services == "Theirs" and plan.contingency == ""
    assert f'name="version" value="{plan.version}"' in page
    # saving again keeps both
    practitioner_client.post(url("plan_edit", plan), edit_post(plan, services="Theirs", contingency="Mine"))
    plan.refresh_from_db()
    assert (plan.services, plan.contingency) == ("Theirs", "Mine")


def test_editing_a_plan_in_place_is_refused_with_a_form_error(practitioner_client, active_plan):
    assert "record a review" in text(practitioner_client.get(url("plan_edit", active_plan)))
    page = text(practitioner_client.post(url("plan_edit", active_plan), edit_post(active_plan, services="x")))
    assert "<title>Error: " in page and "only a draft can be changed" in page
    active_plan.refresh_from_db()
    assert active_plan.services != "x"


def test_save_and_check_goes_to_the_check_page(practitioner_client, plan):
    response = practitioner_client.post(
        url("plan_edit", plan), edit_post(plan, action="continue", services="S")
    )
    assert response["Location"] == url("plan_submit", plan)


# --- Submit -----------------------------------------------------------------------------


def test_submit_lists_everything_missing_in_the_error_summary(practitioner_client, plan):
    page = text(practitioner_client.get(url("plan_submit", plan)))
    assert "The plan cannot be sent yet" in page and "Add at least one need" in page
    response = practitioner_client.post(url("plan_submit", plan))
    page = text(response)
    summary = page.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    for problem in (
        "Add at least one need",
        "Enter the services and support arranged",
        "Enter the contingency",
        "Enter the date the plan was agreed with the person",
    ):
        assert problem in summary
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_submit_a_complete_plan(practitioner_client, plan):
    services.update_plan(
        plan_id=plan.pk,
        data={
            "needs": NEEDS,
            "services": "Home care",
            "personal_budget_weekly": "180",
            "contingency": "Sister",
            "agreed_on": days_ago(1),
        },
        expected_version=plan.version,
        by=plan.written_by,
    )
    response = practitioner_client.post(url("plan_submit", plan))
    assert response["Location"] == url("plan_detail", plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_AUTHORISATION


# --- Authorise or return ----------------------------------------------------------------


@pytest.fixture
def waiting(assessment, practitioner):
    return make_plan(
        assessment, status=PlanStatus.AWAITING_AUTHORISATION, agreed_on=days_ago(1), by=practitioner
    )


def test_practitioner_gets_403_on_authorise(practitioner_client, waiting):
    assert practitioner_client.get(url("plan_authorise", waiting)).status_code == 403
    assert (
        practitioner_client.post(url("plan_authorise", waiting), {"decision": "authorise"}).status_code == 403
    )
    waiting.refresh_from_db()
    assert waiting.status == PlanStatus.AWAITING_AUTHORISATION


def test_manager_authorises(manager_client, manager, waiting):
    page = text(manager_client.get(url("plan_authorise", waiting)))
    assert "Authorise the plan" in page and 'data-aria-controls="conditional-decision-return"' in page
    response = manager_client.post(url("plan_authorise", waiting), {"decision": "authorise"})
    assert response["Location"] == url("plan_detail", waiting)
    waiting.refresh_from_db()
    assert waiting.status == PlanStatus.ACTIVE and waiting.authorised_by == manager


def test_manager_returns_with_a_reason(manager_client, waiting):
    page = text(manager_client.post(url("plan_authorise", waiting), {"decision": "return"}))
    assert "Enter why the plan is being returned" in page
    manager_client.post(url("plan_authorise", waiting), {"decision": "return", "reason": "Budget missing"})
    waiting.refresh_from_db()
    assert waiting.status == PlanStatus.DRAFT
    assert waiting.transitions.get().reason == "Budget missing"


def test_authorising_a_draft_shows_a_form_error(manager_client, plan):
    page = text(manager_client.post(url("plan_authorise", plan), {"decision": "authorise"}))
    assert "<title>Error: " in page and "Only a plan waiting for authorisation can be authorised" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_manager_cannot_authorise_their_own_plan(manager_client, manager, assessment):
    own = make_plan(assessment, status=PlanStatus.AWAITING_AUTHORISATION, agreed_on=days_ago(1), by=manager)
    page = text(manager_client.get(url("plan_authorise", own)))
    assert "another manager must authorise it" in page
    page = text(manager_client.post(url("plan_authorise", own), {"decision": "authorise"}))
    assert "You wrote this plan" in page
    own.refresh_from_db()
    assert own.status == PlanStatus.AWAITING_AUTHORISATION


# --- Detail -----------------------------------------------------------------------------


def test_detail_shows_status_version_history_and_buttons_by_role(
    practitioner_client, manager_client, waiting, practitioner
):
    services.plans._log(waiting, event="submitted", from_status="draft", by=practitioner)
    page = text(practitioner_client.get(url("plan_detail", waiting)))
    assert "Waiting for a manager to authorise" in page and "Version 1" in page
    assert "Submitted" in page and "Pat Practitioner" in page
    assert "Authorise or return the plan" not in page
    page = text(manager_client.get(url("plan_detail", waiting)))
    assert "Authorise or return the plan" in page
    assert AccessLog.objects.filter(what="care plan").count() == 2


def test_detail_shows_when_reviews_are_due_and_overdue(
    practitioner_client, assessment, practitioner, manager
):
    plan = make_plan(assessment, agreed_on=days_ago(60), by=practitioner)
    page = text(practitioner_client.get(url("plan_detail", plan)))
    light_touch = page.split("Light-touch review")[1].split("</dd>")[0]
    assert (days_ago(60) + datetime.timedelta(days=56)).strftime("%-d %B %Y") in light_touch
    assert "Overdue" in light_touch
    planned = page.split("Next planned review")[1].split("</dd>")[0]
    assert (days_ago(60).replace(year=days_ago(60).year + 1)).strftime("%-d %B %Y") in planned
    assert "Overdue" not in planned and "Record a review" in page

    Review.objects.create(
        plan=plan,
        person=plan.person,
        kind="light_touch",
        held_on=days_ago(5),
        whats_working="Fine",
        outcome="continue",
        outcome_reason="Fine",
        recorded_by=practitioner,
    )
    page = text(practitioner_client.get(url("plan_detail", plan)))
    assert f"Done: reviewed on {days_ago(5):%-d %B %Y}" in page
    assert (days_ago(5).replace(year=days_ago(5).year + 1)).strftime("%-d %B %Y") in page


def test_detail_query_count_does_not_grow_with_reviews_or_versions(
    practitioner_client, assessment, practitioner, manager
):
    plan = make_plan(assessment, agreed_on=days_ago(40), by=practitioner)
    address = url("plan_detail", plan)
    one = count_queries(practitioner_client, address)
    for i in range(6):
        Review.objects.create(
            plan=plan,
            person=plan.person,
            kind="unplanned",
            change_reason="Change",
            held_on=days_ago(30 - i),
            whats_working="Fine",
            outcome="continue",
            outcome_reason="Fine",
            recorded_by=practitioner,
        )
        services.plans._log(plan, event="reviewed", from_status="active", by=practitioner)
    older = make_plan(assessment, status=PlanStatus.SUPERSEDED, agreed_on=days_ago(90), by=practitioner)
    CarePlan.objects.filter(pk=plan.pk).update(previous=older, version_number=2)
    assert count_queries(practitioner_client, address) == one


# --- Review -----------------------------------------------------------------------------


def review_post(**extra):
    today = timezone.localdate()
    return {
        "kind": "light_touch",
        "held_on_day": str(today.day),
        "held_on_month": str(today.month),
        "held_on_year": str(today.year),
        "persons_views": "Likes the carers",
        "whats_working": "Meals are regular",
        "outcome": "continue",
        "outcome_reason": "Needs met",
        **extra,
    }


def test_review_form_has_conditional_what_changed(practitioner_client, active_plan):
    page = text(practitioner_client.get(url("review_create", active_plan)))
    assert 'data-aria-controls="conditional-kind-unplanned"' in page
    assert 'id="conditional-kind-unplanned"' in page and 'name="change_reason"' in page
    assert "Record a review of the plan" in page


def test_record_a_review_that_continues(practitioner_client, active_plan):
    response = practitioner_client.post(url("review_create", active_plan), review_post())
    assert response["Location"] == url("plan_detail", active_plan) + "#reviews"
    review = Review.objects.get()
    assert review.kind == "light_touch" and review.persons_views == "Likes the carers"
    page = text(practitioner_client.get(url("plan_detail", active_plan)))
    assert "Meals are regular" in page and "Done: reviewed on" in page


def test_unplanned_review_needs_what_changed_and_keeps_typing(practitioner_client, active_plan):
    page = text(practitioner_client.post(url("review_create", active_plan), review_post(kind="unplanned")))
    assert "<title>Error: " in page and "Enter what changed to prompt the review" in page
    assert "Meals are regular" in page
    assert not Review.objects.exists()


def test_review_that_revises_goes_to_the_new_draft(practitioner_client, active_plan):
    response = practitioner_client.post(url("review_create", active_plan), review_post(outcome="revise"))
    revision = CarePlan.objects.get(previous=active_plan)
    assert response["Location"] == url("plan_edit", revision)
    assert revision.version_number == 2 and revision.status == PlanStatus.DRAFT
    page = text(practitioner_client.get(url("plan_detail", active_plan)))
    assert "A revised version of this plan (version 2) is draft" in page
    page = text(practitioner_client.get(url("plan_edit", revision)))
    assert 'value="Meals"' in page  # copied from version 1


def test_reviewing_an_ended_plan_shows_a_form_error(practitioner_client, assessment, practitioner):
    ended = make_plan(assessment, status=PlanStatus.ENDED, agreed_on=days_ago(30), by=practitioner)
    assert "only a plan in place can be reviewed" in text(
        practitioner_client.get(url("review_create", ended))
    )
    page = text(practitioner_client.post(url("review_create", ended), review_post()))
    assert "<title>Error: " in page and "only a plan in place can be reviewed" in page
    assert not Review.objects.exists()


# --- Compare ----------------------------------------------------------------------------


def test_compare_shows_differences(practitioner_client, assessment, practitioner):
    v1 = make_plan(
        assessment,
        status=PlanStatus.SUPERSEDED,
        agreed_on=days_ago(20),
        by=practitioner,
        needs=[
            {"need": "Meals", "eligible": True, "how_met": "Daily visit"},
            {"need": "Shopping", "eligible": False, "how_met": "Neighbour"},
        ],
    )
    v2 = make_plan(
        assessment,
        agreed_on=days_ago(2),
        by=practitioner,
        previous=v1,
        version_number=2,
        personal_budget_weekly="220.00",
        needs=[
            {"need": "meals", "eligible": True, "how_met": "Twice-daily visit"},
            {"need": "Night anxiety", "eligible": True, "how_met": "Night sitter"},
        ],
    )
    page = text(practitioner_client.get(url("plan_compare", v2)))
    assert "Version 1" in page and "Version 2" in page
    budget = page.split("Personal budget per week")[1].split("</tr>")[0]
    assert "Changed" in budget and "£180.00 a week" in budget and "£220.00 a week" in budget
    services_row = page.split("Services and support arranged")[1].split("</tr>")[0]
    assert "Changed" not in services_row
    assert re.search(r"Night anxiety<br>\s*<strong class=\"govuk-tag govuk-tag--green\">Added", page)
    assert re.search(r"Shopping<br>\s*<strong class=\"govuk-tag govuk-tag--red\">Removed", page)
    assert re.search(r"meals<br>\s*<strong class=\"govuk-tag govuk-tag--yellow\">Changed", page)
    # from the older version, compare with a chosen one
    page = text(practitioner_client.get(url("plan_compare", v1), {"with": v2.pk}))
    assert "Night anxiety" in page


def test_compare_query_count_does_not_grow_with_versions_or_needs(
    practitioner_client, assessment, practitioner
):
    v1 = make_plan(assessment, status=PlanStatus.SUPERSEDED, agreed_on=days_ago(20), by=practitioner)
    latest = make_plan(assessment, agreed_on=days_ago(2), by=practitioner, previous=v1, version_number=2)
    one = count_queries(practitioner_client, url("plan_compare", latest))
    previous = latest
    for number in range(3, 8):
        CarePlan.objects.filter(pk=previous.pk).update(status=PlanStatus.SUPERSEDED)
        needs = [{"need": f"Need {i}", "eligible": i % 2 == 0, "how_met": "Support"} for i in range(number)]
        previous = make_plan(
            assessment,
            agreed_on=days_ago(1),
            by=practitioner,
            previous=previous,
            version_number=number,
            needs=needs,
        )
    assert count_queries(practitioner_client, url("plan_compare", previous)) == one


def test_compare_first_version_says_there_is_nothing_to_compare(practitioner_client, active_plan):
    assert "no earlier version" in text(practitioner_client.get(url("plan_compare", active_plan)))


# --- Panels -----------------------------------------------------------------------------


def test_person_panel_shows_plans_and_next_review(
    only_plans_panel, practitioner_client, person, assessment, practitioner
):
    plan = make_plan(assessment, agreed_on=days_ago(70), by=practitioner)
    make_plan(assessment, status=PlanStatus.ENDED, agreed_on=days_ago(400), by=practitioner, version_number=1)
    page = text(practitioner_client.get(reverse("cases:person_detail", args=[person.pk])))
    panel = page.split('id="care-plans"')[1]
    assert url("plan_detail", plan) in panel and "Agreed and in place" in panel
    assert (days_ago(70) + datetime.timedelta(days=56)).strftime("%-d %b %Y") in panel and "Overdue" in panel
    assert "Earlier versions and ended plans (1)" in panel


def test_person_panel_offers_to_start_from_an_authorised_assessment(
    only_plans_panel, practitioner_client, person, assessment
):
    page = text(practitioner_client.get(reverse("cases:person_detail", args=[person.pk])))
    assert reverse("careact:plan_create", args=[assessment.pk]) in page


def test_person_panel_query_count_does_not_grow_with_plans(
    only_plans_panel, practitioner_client, person, assessment, practitioner
):
    address = reverse("cases:person_detail", args=[person.pk])
    make_plan(assessment, agreed_on=days_ago(10), by=practitioner)
    one = count_queries(practitioner_client, address)
    for i in range(5):
        old = make_plan(
            assessment, status=PlanStatus.SUPERSEDED, agreed_on=days_ago(100 + i), by=practitioner
        )
        Review.objects.create(
            plan=old,
            person=person,
            kind="planned",
            held_on=days_ago(50 + i),
            whats_working="Fine",
            outcome="revise",
            outcome_reason="Change",
            recorded_by=practitioner,
        )
    make_assessment(assessment.case)
    assert count_queries(practitioner_client, address) == one


def test_manager_home_panel_lists_plans_waiting(manager_client, practitioner_client, waiting, manager):
    page = text(manager_client.get(reverse("accounts:home")))
    assert "Plans waiting for you to authorise" in page and url("plan_authorise", waiting) in page
    assert "Plans waiting for you to authorise" not in text(practitioner_client.get(reverse("accounts:home")))
    own = make_plan(
        waiting.assessment, status=PlanStatus.AWAITING_AUTHORISATION, agreed_on=days_ago(1), by=manager
    )
    page = text(manager_client.get(reverse("accounts:home")))
    assert url("plan_authorise", waiting) in page
    assert url("plan_authorise", own) not in page  # the manager's own plan is not offered


def test_manager_home_panel_query_count_is_flat(manager_client, manager, north_team, practitioner):
    address = reverse("accounts:home")
    for _ in range(1):
        _waiting_for(north_team, practitioner, manager)
    one = count_queries(manager_client, address)
    for _ in range(12):
        _waiting_for(north_team, practitioner, manager)
    assert count_queries(manager_client, address) == one
    page = text(manager_client.get(address))
    assert "Showing the 10 waiting longest of 13" in page


def _waiting_for(team, worker, manager):
    case = open_case(PersonFactory(), team, worker, manager)
    return make_plan(make_assessment(case), status=PlanStatus.AWAITING_AUTHORISATION, agreed_on=days_ago(1))


def test_a_senior_practitioner_in_another_team_gets_403_not_a_decision(client, south_team, waiting, person):
    lead = make_member(south_team, Role.TEAM_MANAGER)
    case_services.grant_user_relationship(person=person, user=lead, kind="allocated_worker", source="test:x")
    client.force_login(lead)
    assert client.get(url("plan_detail", waiting)).status_code == 200
    assert client.get(url("plan_authorise", waiting)).status_code == 403


def test_waiting_list_page_is_paginated_for_managers_only(
    manager_client, practitioner_client, commissioner_client, manager, north_team, practitioner
):
    address = reverse("careact:plans_awaiting")
    assert practitioner_client.get(address).status_code == 404
    assert commissioner_client.get(address).status_code == 404
    _waiting_for(north_team, practitioner, manager)
    one = count_queries(manager_client, address)
    for _ in range(26):
        _waiting_for(north_team, practitioner, manager)
    assert count_queries(manager_client, address) == one
    page = text(manager_client.get(address))
    assert page.count("/authorise/") == 25 and "govuk-pagination" in page
    assert text(manager_client.get(address, {"page": 2})).count("/authorise/") == 2
    home = text(manager_client.get(reverse("accounts:home")))
    assert address in home
