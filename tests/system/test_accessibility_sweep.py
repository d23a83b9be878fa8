"""Every page a signed-in person can reach passes axe (WCAG 2.2 AA), including the error,
not-found and forbidden pages, and the two-factor pages (DESIGN.md section 7)."""

import datetime
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from careact import services as care_services
from careact.models import CarePlan, ReviewKind, ReviewOutcome
from cases import services as case_services
from cases.due_work import run_sweep
from tests.careact.conftest import eligible_answers, open_case
from tests.factories import OrganisationFactory, PersonFactory
from tests.system.conftest import assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def visit(page, live_server, path, *, status=200):
    response = page.goto(url(live_server, path))
    assert response.status == status, path
    assert_accessible(page, context=path)
    assert_no_template_text(page, path)


def assert_no_template_text(page, context: str):
    """A template comment or tag that Django did not understand shows up as text."""
    text = page.locator("body").inner_text()
    assert "{#" not in text and "{%" not in text and "{{" not in text, context


def test_manager_pages_pass_axe(page, live_server, manager, person):
    contact = case_services.add_contact(
        person=person, data={"kind": "carer", "name": "Kim Carer", "relationship": "friend"}, by=manager
    )
    case_services.update_person(
        person_id=person.pk, data={"town": "Holt"}, expected_version=person.version, by=manager
    )
    sign_in(page, live_server, manager)
    for path in [
        reverse("accounts:home"),
        reverse("cases:person_search"),
        reverse("cases:person_create"),
        reverse("cases:person_detail", args=[person.pk]),
        reverse("cases:person_edit", args=[person.pk]),
        reverse("cases:person_history", args=[person.pk]),
        reverse("cases:person_restriction", args=[person.pk]),
        reverse("cases:contact_add", args=[person.pk]),
        reverse("cases:contact_edit", args=[person.pk, contact.pk]),
        reverse("cases:contact_remove", args=[person.pk, contact.pk]),
    ]:
        visit(page, live_server, path)
    visit(page, live_server, reverse("cases:person_search"))
    page.get_by_label("Name").fill("Amira")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, context="search results")
    page.get_by_label("NHS number").fill("123")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, context="search with an error")
    visit(page, live_server, reverse("cases:person_detail", args=[person.pk + 1000]), status=404)
    visit(page, live_server, reverse("cases:break_glass_reviews"), status=403)


def test_privacy_and_two_factor_pages_pass_axe(page, live_server, privacy_officer, settings):
    sign_in(page, live_server, privacy_officer)
    visit(page, live_server, reverse("cases:break_glass_reviews") + "?status=&started_from_day=40")
    sign_out(page, live_server)
    settings.OTP_REQUIRED = True
    # With two-factor on, the first sign-in goes on to set up an authenticator.
    sign_in(page, live_server, privacy_officer, lands_on=reverse("accounts:two_factor_setup"))
    assert_accessible(page, context="two-factor setup")
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page, context="two-factor setup with an error")


# --- Care Act pages and reminders (issue 4) -------------------------------------------------


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=timezone.get_current_timezone())


def _answers() -> dict:
    outcomes, wellbeing = eligible_answers()
    return {
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


def _plan_content(agreed_on: datetime.date) -> dict:
    return {
        "needs": [
            {"need": "Meals", "eligible": True, "how_met": "Home care at lunch"},
            {"need": "Allotment", "eligible": False, "how_met": "Her sister takes her"},
        ],
        "services": "Home care, 7 hours a week",
        "personal_budget_weekly": "180.00",
        "direct_payment": "part",
        "direct_payment_weekly": "40.00",
        "contingency": "Her sister visits if a call is missed",
        "agreed_on": agreed_on,
    }


def care_act_records(north_team, council, practitioner, manager) -> SimpleNamespace:
    """Every Care Act record in the state its pages are most worth checking in, made through
    the services: an authorised assessment with a reassessment in draft; a plan agreed ten
    weeks ago (light-touch review overdue, so the sweep makes a reminder) and reviewed, with a
    revised draft; a carer; a section 117 entry; a capacity assessment, a best-interests
    decision and an advocacy referral."""
    person = PersonFactory(given_name="Amira", family_name="Okafor")
    case = open_case(person, north_team, practitioner, manager)
    with time_machine.travel(_at(_days_ago(80))):
        first = care_services.start_assessment(case=case, by=practitioner)
        care_services.update_assessment(
            assessment_id=first.pk, data=_answers(), expected_version=1, by=practitioner
        )
        care_services.submit_assessment(assessment_id=first.pk, by=practitioner)
        care_services.authorise_assessment(assessment_id=first.pk, by=manager)
    agreed_on = _days_ago(70)
    with time_machine.travel(_at(agreed_on)):
        plan = care_services.start_plan(assessment=first, by=practitioner)
        care_services.update_plan(
            plan_id=plan.pk, data=_plan_content(agreed_on), expected_version=plan.version, by=practitioner
        )
        care_services.submit_plan(plan_id=plan.pk, by=practitioner)
        care_services.authorise_plan(plan_id=plan.pk, by=manager)
    reassessment = care_services.reassess(assessment_id=first.pk, by=practitioner)
    run_sweep()  # the light-touch review of the plan is overdue
    revision = care_services.record_review(
        plan_id=plan.pk,
        data={
            "kind": ReviewKind.LIGHT_TOUCH,
            "held_on": _days_ago(1),
            "persons_views": "Mornings are hard",
            "whats_working": "Meals yes; washing needs more help",
            "outcome": ReviewOutcome.REVISE,
            "outcome_reason": "More help in the mornings",
        },
        by=practitioner,
    )
    care_services.update_plan(
        plan_id=revision.pk,
        data={"personal_budget_weekly": "205.50", "services": "Home care, 9 hours a week"},
        expected_version=revision.version,
        by=practitioner,
    )
    sister = PersonFactory(given_name="Grace", family_name="Okafor")
    carer = care_services.link_carer(
        cared_for=person,
        carer=sister,
        relationship="sister",
        lives_with=False,
        care_provided="Shopping",
        by=practitioner,
    )
    icb = OrganisationFactory(name="Northshire and Fenland ICB", kind=Organisation.Kind.ICB)
    entitlement = care_services.create_s117_entitlement(
        person=person,
        team=north_team,
        section="s3",
        detained_on=_days_ago(200),
        discharged_on=_days_ago(100),
        responsible_council=council,
        responsible_icb=icb,
        aftercare_plan="Supported housing; weekly CPN visits",
        by=practitioner,
    )
    capacity = care_services.record_capacity_assessment(
        person=person,
        decision="Whether to move into a care home",
        assessed_on=_days_ago(3),
        support_given="Visited twice, with her sister",
        impairment=True,
        impairment_details="Severe depression with psychosis",
        can_understand=True,
        can_retain=False,
        can_use_or_weigh=False,
        can_communicate=True,
        evidence="Could not recall the options after five minutes",
        outcome="lacks_capacity",
        by=practitioner,
    )
    decision = care_services.record_best_interests_decision(
        capacity_assessment=capacity,
        decided_on=_days_ago(2),
        persons_wishes="Wants to stay near her church",
        consulted="Sister (agrees), GP",
        options_considered="More home care; a care home near the church",
        decision="More home care first",
        least_restrictive="Keeps her at home",
        no_one_to_consult=False,
        by=practitioner,
    )
    care_services.record_advocacy_referral(
        person=person,
        kind="care_act",
        referred_on=_days_ago(1),
        provider="Northshire Advocacy",
        advocate_name="Robin Hale",
        reason="Substantial difficulty in being involved in the review",
        by=practitioner,
    )
    # Someone the team has just been allocated, not yet on the section 117 register.
    newcomer = PersonFactory(given_name="Bo", family_name="Lindqvist")
    open_case(newcomer, north_team, practitioner, manager)
    PersonFactory(given_name="Kim", family_name="Carer")  # found when linking a carer
    return SimpleNamespace(
        person=person,
        newcomer=newcomer,
        first=first,
        reassessment=reassessment,
        plan=plan,
        revision=revision,
        carer=carer,
        entitlement=entitlement,
        capacity=capacity,
        decision=decision,
    )


def submit_with_errors(page, button: str, context: str):
    """Press the page's button with the form left as it is: the GOV.UK error summary shows."""
    page.get_by_role("button", name=button, exact=True).click()
    assert page.locator(".govuk-error-summary").count(), f"no error summary on {context}"
    assert page.title().startswith("Error: "), context
    assert_accessible(page, context=context)
    assert_no_template_text(page, context)
    screenshot(page, "sweep-" + re.sub(r"[^a-z0-9]+", "-", context.lower()))


def test_care_act_worker_pages_pass_axe(page, live_server, north_team, council, practitioner, manager):
    r = care_act_records(north_team, council, practitioner, manager)
    care = "careact:"
    sign_in(page, live_server, practitioner)
    for name, obj in [
        ("cases:person_detail", r.person),
        (care + "assessment_detail", r.first),
        (care + "assessment_detail", r.reassessment),
        (care + "assessment_compare", r.reassessment),
        (care + "plan_detail", r.plan),
        (care + "plan_detail", r.revision),
        (care + "plan_compare", r.revision),
        (care + "carer_add", r.person),
        (care + "carer_end", r.carer),
        (care + "s117_detail", r.entitlement),
        (care + "s117_edit", r.entitlement),
        (care + "capacity_detail", r.capacity),
        (care + "best_interests_detail", r.decision),
    ]:
        visit(page, live_server, reverse(name, args=[obj.pk]))
    visit(page, live_server, reverse(care + "assessment_compare", args=[r.reassessment.pk]) + "?changed=1")
    visit(page, live_server, reverse(care + "s117_register"))
    visit(page, live_server, reverse("reminders:mine"))

    # Forms, then the same forms with the errors of an empty or incomplete answer.
    visit(page, live_server, reverse(care + "assessment_edit", args=[r.reassessment.pk]))
    visit(page, live_server, reverse(care + "assessment_submit", args=[r.reassessment.pk]))
    submit_with_errors(page, "Submit for authorisation", "assessment submitted incomplete")
    visit(page, live_server, reverse(care + "plan_edit", args=[r.revision.pk]))
    page.get_by_label("Personal budget per week (£)").fill("lots")
    submit_with_errors(page, "Save draft", "plan with a budget that is not an amount")
    visit(page, live_server, reverse(care + "plan_submit", args=[r.revision.pk]))
    submit_with_errors(page, "Send for authorisation", "plan sent without an agreed date")
    visit(page, live_server, reverse(care + "review_create", args=[r.plan.pk]))
    submit_with_errors(page, "Save review", "review with nothing recorded")
    visit(page, live_server, reverse(care + "carer_link", args=[r.person.pk]))
    page.get_by_label("Name").fill("Kim Carer")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, context="carer search results")
    submit_with_errors(page, "Link carer", "link a carer without choosing one")
    # The missing choice is on the list of people found, and the summary links to it.
    missing = page.locator(".govuk-error-summary a", has_text="select them from the results")
    assert missing.get_attribute("href").startswith("#person-")
    assert page.locator(".govuk-form-group--error", has_text="Who is the carer?").count() == 1
    visit(page, live_server, reverse(care + "s117_create", args=[r.newcomer.pk]))
    submit_with_errors(page, "Add to the register", "section 117 entry with nothing entered")
    visit(page, live_server, reverse(care + "s117_review_create", args=[r.entitlement.pk]))
    submit_with_errors(page, "Save review", "section 117 review with nothing entered")
    visit(page, live_server, reverse(care + "s117_end", args=[r.entitlement.pk]))
    submit_with_errors(page, "End aftercare", "end section 117 without the joint decision")
    visit(page, live_server, reverse(care + "capacity_create", args=[r.person.pk]))
    submit_with_errors(page, "Save assessment", "capacity assessment with nothing entered")
    visit(page, live_server, reverse(care + "best_interests_create", args=[r.capacity.pk]))
    submit_with_errors(page, "Save decision", "best-interests decision with nothing entered")
    visit(page, live_server, reverse(care + "advocacy_create", args=[r.person.pk]))
    submit_with_errors(page, "Save referral", "advocacy referral with nothing entered")


def test_care_act_manager_pages_pass_axe(page, live_server, north_team, council, practitioner, manager):
    r = care_act_records(north_team, council, practitioner, manager)
    care_services.update_assessment(
        assessment_id=r.reassessment.pk,
        data={"eligible": True, "determination_reasons": "Still meets the criteria"},
        expected_version=r.reassessment.version,
        by=practitioner,
    )
    care_services.submit_assessment(assessment_id=r.reassessment.pk, by=practitioner)
    care_services.update_plan(
        plan_id=r.revision.pk,
        data={"agreed_on": timezone.localdate()},
        expected_version=CarePlan.objects.get(pk=r.revision.pk).version,
        by=practitioner,
    )
    care_services.submit_plan(plan_id=r.revision.pk, by=practitioner)
    sign_in(page, live_server, manager)
    assert_accessible(page, context="manager home with Care Act panels")
    visit(page, live_server, reverse("careact:plans_awaiting"))
    visit(page, live_server, reverse("careact:compliance"))
    visit(page, live_server, reverse("reminders:team_overdue"))
    visit(
        page, live_server, reverse("reminders:team_overdue") + "?overdue=on&kind=careact.light_touch_review"
    )
    visit(page, live_server, reverse("careact:assessment_authorise", args=[r.reassessment.pk]))
    submit_with_errors(page, "Confirm decision", "assessment decision not chosen")
    visit(page, live_server, reverse("careact:plan_authorise", args=[r.revision.pk]))
    submit_with_errors(page, "Save decision", "plan decision not chosen")
