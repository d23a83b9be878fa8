"""Governance pages: who sees them (404 for everyone else), the happy paths, form errors
that keep what was typed, flat query counts, the nav item and the commissioners' panel.

Mounted by tests/reporting/urls.py until config/urls.py includes reporting.urls.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import ActionItem, ActionStatus, ActionUpdate, Risk, RiskAssessment

from .conftest import make_action, make_risk

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("indicators"),
]

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def read_urls(plan, item, risk):
    return [
        reverse("governance:home"),
        reverse("governance:plan_list"),
        reverse("governance:plan_detail", args=[plan.pk]),
        reverse("governance:action_detail", args=[item.pk]),
        reverse("governance:risk_list"),
        reverse("governance:risk_heat_map"),
        reverse("governance:risk_detail", args=[risk.pk]),
        reverse("governance:indicator_list"),
    ]


def write_urls(plan, item, risk):
    return [
        reverse("governance:plan_create"),
        reverse("governance:action_create", args=[plan.pk]),
        reverse("governance:action_edit", args=[item.pk]),
        reverse("governance:action_update_create", args=[item.pk]),
        reverse("governance:action_complete", args=[item.pk]),
        reverse("governance:risk_create"),
        reverse("governance:risk_edit", args=[risk.pk]),
        reverse("governance:risk_rescore", args=[risk.pk]),
    ]


@pytest.fixture
def records(plan, commissioner):
    item = make_action(plan, commissioner)
    risk = make_risk(commissioner)
    return plan, item, risk


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commissioner_client", "administrator_client", "permitted_client"])
def test_editors_see_and_open_every_page(request, records, who):
    client = request.getfixturevalue(who)
    for url in read_urls(*records) + write_urls(*records):
        assert client.get(url).status_code == 200, url


def test_team_managers_read_but_cannot_edit(manager_client, records):
    for url in read_urls(*records):
        assert manager_client.get(url).status_code == 200, url
    for url in write_urls(*records):
        assert manager_client.get(url).status_code == 404, url
    page = manager_client.get(reverse("governance:risk_list")).content.decode()
    assert "Add a risk" not in page


@pytest.mark.parametrize(
    "who", ["practitioner_client", "other_worker_client", "stranger_client", "privacy_officer_client"]
)
def test_everyone_else_gets_404(request, records, who):
    client = request.getfixturevalue(who)
    for url in read_urls(*records) + write_urls(*records):
        assert client.get(url).status_code == 404, url
    plan, item, _ = records
    response = client.post(
        reverse("governance:action_complete", args=[item.pk]), date_fields("completed_on", TODAY)
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == ActionStatus.ON_TRACK


def test_missing_records_are_404_too(commissioner_client, db):
    for name in ("plan_detail", "action_detail", "risk_detail", "action_edit", "risk_rescore"):
        assert commissioner_client.get(reverse(f"governance:{name}", args=[999999])).status_code == 404


def test_no_person_data_on_any_page(commissioner_client, records, person):
    for url in read_urls(*records):
        page = commissioner_client.get(url).content.decode()
        assert person.family_name not in page and person.nhs_number not in page


# --- Action plan --------------------------------------------------------------------------


def test_add_an_action_then_update_and_complete_it(commissioner_client, commissioner, plan):
    response = commissioner_client.post(
        reverse("governance:action_create", args=[plan.pk]),
        {
            "recommendation": "Write guidance on care pathways",
            "action": "Update the joint policies",
            "workstream": "Steering group",
            "lead_name": "H. Jalloh",
            "lead_email": commissioner.email.upper(),
            **date_fields("starts_on", TODAY - 30 * DAY),
            **date_fields("ends_on", TODAY + 30 * DAY),
            "status": "on_track",
        },
    )
    item = ActionItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "governance:action_detail", args=[item.pk]
    )
    assert (item.lead_name, item.lead_user, item.created_by) == ("H. Jalloh", commissioner, commissioner)

    commissioner_client.post(
        reverse("governance:action_update_create", args=[item.pk]),
        {**date_fields("written_on", TODAY), "text": "Drafts shared", "status": "at_risk"},
    )
    item.refresh_from_db()
    assert item.status == ActionStatus.AT_RISK
    assert ActionUpdate.objects.get().text == "Drafts shared"

    commissioner_client.post(
        reverse("governance:action_complete", args=[item.pk]),
        {**date_fields("completed_on", TODAY), "note": ""},
    )
    item.refresh_from_db()
    assert (item.status, item.completed_on) == (ActionStatus.COMPLETED, TODAY)
    page = commissioner_client.get(reverse("governance:action_detail", args=[item.pk])).content.decode()
    assert "Drafts shared" in page and "Completed" in page and "at risk to completed" in page


def test_action_form_errors_keep_what_was_typed(commissioner_client, plan):
    response = commissioner_client.post(
        reverse("governance:action_create", args=[plan.pk]),
        {
            "recommendation": "Joint statement of intent",
            "action": "",
            "lead_name": "S. Rafiq",
            "lead_email": "nobody@example.org",
            **date_fields("starts_on", TODAY),
            "ends_on_day": "31",
            "ends_on_month": "2",
            "ends_on_year": "2027",
            "status": "on_track",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the action" in page
    assert "No one uses this system with that email address" in page
    assert "Enter a real date" in page
    assert "Joint statement of intent" in page and "S. Rafiq" in page and "nobody@example.org" in page
    assert not ActionItem.objects.exists()


def test_end_before_start_is_a_form_error(commissioner_client, plan):
    response = commissioner_client.post(
        reverse("governance:action_create", args=[plan.pk]),
        {
            "recommendation": "R",
            "action": "A",
            "lead_name": "L",
            **date_fields("starts_on", TODAY),
            **date_fields("ends_on", TODAY - DAY),
            "status": "on_track",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_future_update_is_refused_and_kept(commissioner_client, records):
    _, item, _ = records
    response = commissioner_client.post(
        reverse("governance:action_update_create", args=[item.pk]),
        {**date_fields("written_on", TODAY + DAY), "text": "Planned work", "status": ""},
    )
    page = response.content.decode()
    assert "The date of the update must be today or in the past" in page and "Planned work" in page
    assert not ActionUpdate.objects.exists()


def test_stale_edit_shows_what_changed(commissioner_client, administrator, records):
    _, item, _ = records
    data = {f: getattr(item, f) for f in services.ACTION_EDITABLE_FIELDS}
    services.update_action(
        item_id=item.pk, data={**data, "lead_name": "New lead"}, expected_version=1, by=administrator
    )
    response = commissioner_client.post(
        reverse("governance:action_edit", args=[item.pk]),
        {
            "version": "1",
            "recommendation": item.recommendation,
            "action": "My clearer action",
            "lead_name": item.lead_name,
            **date_fields("starts_on", item.starts_on),
            **date_fields("ends_on", item.ends_on),
        },
    )
    page = response.content.decode()
    assert "Someone else changed this action" in page
    assert "My clearer action" in page and "New lead" in page
    item.refresh_from_db()
    assert (item.action, item.lead_name, item.version) == (data["action"], "New lead", 2)


def test_plan_list_filters(commissioner_client, plan, commissioner):
    make_action(plan, commissioner, lead="Alpha", action="Alpha action", days_left=-3)
    make_action(plan, commissioner, lead="Beta", action="Beta action", status="at_risk")
    url = reverse("governance:plan_detail", args=[plan.pk])
    assert "Alpha action" in (page := commissioner_client.get(url, {"overdue": "on"}).content.decode())
    assert "Beta action" not in page and "Overdue" in page
    page = commissioner_client.get(url, {"status": "at_risk"}).content.decode()
    assert "Beta action" in page and "Alpha action" not in page
    page = commissioner_client.get(url, {"lead": "Alpha"}).content.decode()
    assert "Alpha action" in page and "Beta action" not in page
    # A bad filter value is no filter at all.
    page = commissioner_client.get(url, {"status": "nonsense"}).content.decode()
    assert "Alpha action" in page and "Beta action" in page


# --- Risks --------------------------------------------------------------------------------


def test_add_and_rescore_a_risk(commissioner_client, commissioner):
    response = commissioner_client.post(
        reverse("governance:risk_create"),
        {
            "title": "Care Act work overwhelms the teams",
            "owner_name": "Head of social work",
            "consequence": "4",
            "likelihood": "4",
            **date_fields("assessed_on", TODAY - 60 * DAY),
            "mitigations": "Monthly monitoring",
            **date_fields("review_on", TODAY + 30 * DAY),
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    commissioner_client.post(
        reverse("governance:risk_rescore", args=[risk.pk]),
        {
            "consequence": "2",
            "likelihood": "3",
            **date_fields("assessed_on", TODAY),
            "note": "Impact not realised",
            **date_fields("next_review_on", TODAY + 90 * DAY),
        },
    )
    risk.refresh_from_db()
    assert (risk.initial_score, risk.score) == (16, 6)
    page = commissioner_client.get(reverse("governance:risk_detail", args=[risk.pk])).content.decode()
    assert "Extreme 16" in page and "Moderate 6" in page and "Impact not realised" in page
    assert RiskAssessment.objects.filter(risk=risk).count() == 2


def test_risk_form_errors_keep_what_was_typed(commissioner_client):
    response = commissioner_client.post(
        reverse("governance:risk_create"),
        {
            "title": "Staff morale falls",
            "owner_name": "",
            "consequence": "7",
            **date_fields("assessed_on", TODAY),
            "mitigations": "Engagement sessions",
            **date_fields("review_on", TODAY),
        },
    )
    page = response.content.decode()
    assert "Enter who owns the risk" in page
    assert "Select the consequence, from 1 (negligible) to 5 (catastrophic)" in page
    assert "Select the likelihood" in page
    assert "The next review must be after the date assessed" in page
    assert "Staff morale falls" in page and "Engagement sessions" in page
    assert not Risk.objects.exists()


def test_rescore_dated_before_the_latest_is_a_form_error(commissioner_client, records):
    _, _, risk = records
    response = commissioner_client.post(
        reverse("governance:risk_rescore", args=[risk.pk]),
        {
            "consequence": "3",
            "likelihood": "3",
            **date_fields("assessed_on", risk.last_assessed_on - DAY),
            "note": "Looked again",
            **date_fields("next_review_on", TODAY + DAY),
        },
    )
    page = response.content.decode()
    assert "must be on or after the latest one" in page and "Looked again" in page
    assert risk.assessments.count() == 1


def test_heat_map_is_an_accessible_table(commissioner_client, commissioner):
    make_risk(commissioner, consequence=5, likelihood=4)
    page = commissioner_client.get(reverse("governance:risk_heat_map")).content.decode()
    assert "<caption" in page and 'scope="row"' in page and 'scope="col"' in page
    assert "Extreme 20" in page and "5 Catastrophic" in page and "4 Likely" in page


# --- Query counts -------------------------------------------------------------------------


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow(commissioner_client, commissioner, plan):
    item = make_action(plan, commissioner, lead="Lead 0")
    services.add_action_update(item_id=item.pk, written_on=TODAY, text="First", by=commissioner)
    make_risk(commissioner, owner="Owner 0")
    urls = [
        (reverse("governance:plan_detail", args=[plan.pk]), {}),
        (reverse("governance:plan_detail", args=[plan.pk]), {"overdue": "on"}),
        (reverse("governance:risk_list"), {}),
        (reverse("governance:plan_list"), {}),
        (reverse("governance:home"), {}),
        (reverse("governance:risk_heat_map"), {}),
        (reverse("governance:indicator_list"), {}),
    ]
    few = [count_queries(commissioner_client, url, params) for url, params in urls]
    for number in range(1, 30):
        extra = make_action(plan, commissioner, lead=f"Lead {number}", lead_user=commissioner)
        services.add_action_update(item_id=extra.pk, written_on=TODAY, text="More", by=commissioner)
        make_risk(commissioner, owner=f"Owner {number}", owner_user=commissioner)
    many = [count_queries(commissioner_client, url, params) for url, params in urls]
    assert many == few


def test_detail_query_counts_do_not_grow(commissioner_client, commissioner, records):
    _, item, risk = records
    urls = [
        reverse("governance:action_detail", args=[item.pk]),
        reverse("governance:risk_detail", args=[risk.pk]),
    ]
    few = [count_queries(commissioner_client, url) for url in urls]
    for number in range(10):
        services.add_action_update(
            item_id=item.pk, written_on=TODAY, text=f"Update {number}", by=commissioner
        )
        services.rescore_risk(
            risk_id=risk.pk,
            consequence=1 + number % 5,
            likelihood=2,
            assessed_on=TODAY,
            note=f"Review {number}",
            next_review_on=TODAY + DAY,
            by=commissioner,
        )
    assert [count_queries(commissioner_client, url) for url in urls] == few


# --- Navigation and home panel ------------------------------------------------------------


def test_nav_and_home_panel_for_commissioners(commissioner_client, commissioner, plan):
    make_action(plan, commissioner, days_left=-2)
    make_action(plan, commissioner, status="at_risk")
    make_risk(commissioner, consequence=5, likelihood=5)
    page = commissioner_client.get(reverse("accounts:home")).content.decode()
    assert 'href="/governance/"' in page
    assert "Governance" in page
    assert "<strong>1</strong> action at risk" in page
    assert "<strong>1</strong> action overdue" in page
    assert "<strong>1</strong> extreme risk" in page


def test_no_nav_item_for_practitioners(practitioner_client):
    page = practitioner_client.get(reverse("accounts:home")).content.decode()
    assert 'href="/governance/"' not in page


def test_manager_sees_nav_but_not_the_commissioner_panel(manager_client, db):
    page = manager_client.get(reverse("accounts:home")).content.decode()
    assert 'href="/governance/"' in page
    assert "extreme risk" not in page


@pytest.mark.urls("tests.reporting.urls_unmounted")
def test_nothing_breaks_before_the_pages_are_mounted(manager_client, commissioner_client, db):
    for client in (manager_client, commissioner_client):
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 200
        assert "/governance/" not in response.content.decode()
