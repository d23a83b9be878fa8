"""Care package pages: the person-page panel, the request form, the package page and its
steps, the list for finance and team leads with its filters, the home panel, and who gets
404."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, Role, ServiceLine
from cases.models import AccessBasis, AccessLog
from finance.models import AuthorisationLevel, CarePackage, CareType, PackageStatus, PanelOutcome
from finance.services import packages as services
from tests.careact.conftest import open_case
from tests.factories import OrganisationFactory, PersonFactory, make_member, make_team

from .conftest import line, make_package

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
S = PackageStatus


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)):
        yield TODAY


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_parts(name, day) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def page(response) -> str:
    return response.content.decode()


def requested_package(case, by, budget, amh, weekly_cost="650", **overrides):
    values = {
        "case": case,
        "care_type": CareType.DOMICILIARY,
        "provider": "Riverside Care Ltd",
        "budget_line": line(budget, amh, CareType.DOMICILIARY),
        "needs_summary": "Help with washing and meals",
        "planned_start": datetime.date(2026, 12, 1),
        "weekly_cost": Decimal(weekly_cost),
        "by": by,
    }
    values.update(overrides)
    return services.request_package(**values)


@pytest.fixture
def requested(allocated_case, practitioner, budget, amh):
    return requested_package(allocated_case, practitioner, budget, amh)


@pytest.fixture
def approved(requested, finance_officer):
    return services.decide_package(
        package=requested,
        outcome=PanelOutcome.APPROVE,
        decided_on=TODAY,
        decided_by="Jo Smith, Head of Service",
        level=AuthorisationLevel.objects.get(rank=1),
        reasons="Eligible needs",
        by=finance_officer,
    )


@pytest.fixture
def active(approved, practitioner):
    return services.start_package(package=approved, started_on=TODAY, by=practitioner)


@pytest.fixture
def outsider_finance(db):
    other = OrganisationFactory(name="Eastshire County Council", kind=Organisation.Kind.COUNCIL)
    team = make_team("Eastshire Finance", other, ServiceLine.FINANCE)
    return make_member(team, Role.FINANCE_OFFICER, full_name="Olly Outsider")


def request_form(service_line_value, **overrides) -> dict:
    data = {
        "service_line": service_line_value,
        "care_type": CareType.DOMICILIARY,
        "provider": "Riverside Care Ltd",
        "needs_summary": "Help with washing, dressing and meals each morning",
        **date_parts("planned_start", datetime.date(2026, 12, 1)),
        "weekly_cost": "£650.50",
        "client_contribution": "40",
        "social_care_share": "80",
        "health_share": "20",
    }
    data.update(overrides)
    return data


def count_queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Person page panel ---------------------------------------------------------------------


def test_person_panel_lists_packages_and_offers_a_request(
    practitioner_client, requested, person, allocated_case
):
    response = practitioner_client.get(reverse("cases:person_detail", args=[person.pk]))
    text = page(response)
    assert "Care packages" in text
    assert requested.reference in text
    assert "Waiting for the funding panel" in text
    assert "£650.00" in text
    assert reverse("finance:package_detail", args=[requested.pk]) in text
    assert reverse("finance:package_request", args=[allocated_case.pk]) in text


def test_person_panel_offers_no_request_to_a_team_member_who_is_not_the_worker_or_a_lead(
    north_team, person, allocated_case
):
    colleague = make_member(north_team, Role.PRACTITIONER, full_name="Nia Northteam")
    text = page(client_for(colleague).get(reverse("cases:person_detail", args=[person.pk])))
    assert "No care packages." in text
    assert reverse("finance:package_request", args=[allocated_case.pk]) not in text


def test_person_page_query_count_does_not_grow_with_packages(
    practitioner_client, person, allocated_case, practitioner, budget, amh
):
    url = reverse("cases:person_detail", args=[person.pk])
    requested_package(allocated_case, practitioner, budget, amh)
    one = count_queries(practitioner_client, url)
    for _ in range(6):
        requested_package(allocated_case, practitioner, budget, amh)
    assert count_queries(practitioner_client, url) == one


# --- Request -------------------------------------------------------------------------------


def test_request_form_creates_the_package(
    practitioner_client, allocated_case, practitioner, agreement, budget, amh
):
    url = reverse("finance:package_request", args=[allocated_case.pk])
    form_page = page(practitioner_client.get(url))
    assert "Request a care package" in form_page
    assert "Adult mental health (working age)" in form_page
    response = practitioner_client.post(url, request_form(f"{agreement.pk}:{amh.pk}"))
    package = CarePackage.objects.get()
    assert response.status_code == 302 and response["Location"] == package.get_absolute_url()
    assert package.budget_line == line(budget, amh, CareType.DOMICILIARY)
    assert package.requested_by == practitioner
    assert package.costs.get().weekly_cost == Decimal("650.50")


def test_request_form_keeps_what_was_typed_and_says_what_is_wrong(
    practitioner_client, allocated_case, agreement, budget, amh
):
    url = reverse("finance:package_request", args=[allocated_case.pk])
    response = practitioner_client.post(
        url, request_form(f"{agreement.pk}:{amh.pk}", social_care_share="60", health_share="30")
    )
    text = page(response)
    assert response.status_code == 200
    assert "The funding shares must add up to 100% (they add up to 90%)" in text
    assert 'value="Riverside Care Ltd"' in text
    assert not CarePackage.objects.exists()
    text = page(
        practitioner_client.post(url, request_form(f"{agreement.pk}:{amh.pk}", weekly_cost="", provider=""))
    )
    assert "Enter the weekly cost, or a unit rate and units a week" in text
    assert "Enter the provider" in text


def test_request_names_a_missing_budget_line(practitioner_client, allocated_case, agreement, budget, amh):
    line(budget, amh, CareType.LIVE_IN).delete()
    url = reverse("finance:package_request", args=[allocated_case.pk])
    text = page(
        practitioner_client.post(url, request_form(f"{agreement.pk}:{amh.pk}", care_type=CareType.LIVE_IN))
    )
    assert "The 2026/27 budget has no live-in care line for this service line" in text
    assert not CarePackage.objects.exists()


def test_request_page_is_404_for_another_team_and_finance(
    other_worker_client, finance_client, commissioner_client, allocated_case
):
    url = reverse("finance:package_request", args=[allocated_case.pk])
    for client in (other_worker_client, finance_client, commissioner_client):
        assert client.get(url).status_code == 404


# --- The package page ----------------------------------------------------------------------


def test_the_team_sees_the_package_and_the_read_is_logged(practitioner_client, practitioner, requested):
    response = practitioner_client.get(reverse("finance:package_detail", args=[requested.pk]))
    text = page(response)
    assert requested.reference in text and "Riverside Care Ltd" in text
    assert "Cost versions" in text and "Waiting for the funding panel" in text
    # The requester is told someone else decides, and may change the cost or withdraw.
    assert "You requested this package" in text
    assert reverse("finance:package_withdraw", args=[requested.pk]) in text
    assert reverse("finance:package_decide", args=[requested.pk]) not in text
    log = AccessLog.objects.filter(user=practitioner, what="care package").get()
    assert log.basis == AccessBasis.RELATIONSHIP


def test_finance_sees_the_package_on_the_finance_basis(finance_client, finance_officer, requested):
    text = page(finance_client.get(reverse("finance:package_detail", args=[requested.pk])))
    assert reverse("finance:package_decide", args=[requested.pk]) in text
    assert AccessLog.objects.get(user=finance_officer, what="care package").basis == AccessBasis.FINANCE


def test_the_package_page_is_404_for_others(
    other_worker_client, commissioner_client, stranger_client, outsider_finance, requested
):
    url = reverse("finance:package_detail", args=[requested.pk])
    for client in (other_worker_client, commissioner_client, stranger_client, client_for(outsider_finance)):
        assert client.get(url).status_code == 404
    assert reverse("finance:package_detail", args=[requested.pk + 1000]) and (
        other_worker_client.get(reverse("finance:package_detail", args=[requested.pk + 1000])).status_code
        == 404
    )


def test_step_pages_are_404_for_others(other_worker_client, outsider_finance, requested):
    for name in ("package_decide", "package_start", "package_cost_change", "package_end", "package_withdraw"):
        url = reverse(f"finance:{name}", args=[requested.pk])
        assert other_worker_client.get(url).status_code == 404
        assert client_for(outsider_finance).post(url, {}).status_code == 404


# --- Steps ---------------------------------------------------------------------------------


def decision_form(**overrides) -> dict:
    data = {
        "outcome": PanelOutcome.APPROVE,
        **date_parts("decided_on", TODAY),
        "decided_by": "Jo Smith, Head of Service",
        "level": AuthorisationLevel.objects.get(rank=1).pk,
        "reasons": "Eligible needs",
        "changes": "",
        "approved_weekly_cost": "",
        "version": 1,
    }
    data.update(overrides)
    return data


def test_finance_records_the_panel_decision(finance_client, requested):
    url = reverse("finance:package_decide", args=[requested.pk])
    text = page(finance_client.get(url))
    assert "Level it needs" in text and "Team manager" in text
    response = finance_client.post(url, decision_form())
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == S.APPROVED


def test_a_level_too_low_is_a_form_error(finance_client, allocated_case, practitioner, budget, amh):
    package = requested_package(allocated_case, practitioner, budget, amh, weekly_cost="1200")
    response = finance_client.post(reverse("finance:package_decide", args=[package.pk]), decision_form())
    assert "A weekly cost of £1,200.00 needs approval at Head of service level or above" in page(response)
    package.refresh_from_db()
    assert package.status == S.REQUESTED


def test_approve_with_changes_needs_the_changes(finance_client, requested):
    url = reverse("finance:package_decide", args=[requested.pk])
    text = page(finance_client.post(url, decision_form(outcome=PanelOutcome.APPROVE_WITH_CHANGES)))
    assert "Enter the changes the panel made" in text
    finance_client.post(
        url,
        decision_form(
            outcome=PanelOutcome.APPROVE_WITH_CHANGES, changes="Fewer hours", approved_weekly_cost="600"
        ),
    )
    requested.refresh_from_db()
    assert requested.status == S.APPROVED
    assert requested.costs.get().weekly_cost == Decimal("600")


def test_the_requester_cannot_decide(practitioner_client, requested):
    url = reverse("finance:package_decide", args=[requested.pk])
    assert "You requested this package, so someone else must record" in page(practitioner_client.get(url))
    text = page(practitioner_client.post(url, decision_form()))
    assert "You requested this package, so someone else must record the panel&#x27;s decision" in text
    requested.refresh_from_db()
    assert requested.status == S.REQUESTED


def test_start_review_and_end_through_the_pages(practitioner_client, approved):
    start = reverse("finance:package_start", args=[approved.pk])
    future = page(
        practitioner_client.post(start, {**date_parts("started_on", TODAY + datetime.timedelta(days=2))})
    )
    assert "The start date must be today or in the past" in future
    response = practitioner_client.post(
        start, {**date_parts("started_on", TODAY), "version": approved.version}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.ACTIVE
    review = reverse("finance:package_review", args=[approved.pk])
    practitioner_client.post(review, {**date_parts("reviewed_on", TODAY), "notes": "Still right"})
    approved.refresh_from_db()
    assert approved.last_reviewed_on == TODAY
    end = reverse("finance:package_end", args=[approved.pk])
    text = page(practitioner_client.post(end, {**date_parts("ended_on", TODAY), "reason": ""}))
    assert "Enter why the package ended" in text
    practitioner_client.post(end, {**date_parts("ended_on", TODAY), "reason": "Moved away"})
    approved.refresh_from_db()
    assert approved.status == S.ENDED
    assert "it cannot be ended now" in page(practitioner_client.get(end))


def test_an_invalid_step_shows_a_form_error(practitioner_client, requested):
    url = reverse("finance:package_start", args=[requested.pk])
    assert "it cannot be started now" in page(practitioner_client.get(url))
    text = page(practitioner_client.post(url, date_parts("started_on", TODAY)))
    assert "Only an approved package can start: this one is waiting for the funding panel" in text


def test_withdraw_through_the_page(practitioner_client, requested):
    url = reverse("finance:package_withdraw", args=[requested.pk])
    practitioner_client.post(url, {"reason": "Family now provide care"})
    requested.refresh_from_db()
    assert requested.status == S.WITHDRAWN


def cost_form(**overrides) -> dict:
    data = {
        **date_parts("effective_from", datetime.date(2027, 1, 4)),
        "weekly_cost": "700",
        "client_contribution": "0",
        "social_care_share": "100",
        "reason": "Annual uplift",
    }
    data.update(overrides)
    return data


def test_change_the_cost_through_the_page(finance_client, active):
    url = reverse("finance:package_cost_change", args=[active.pk])
    assert 'value="650.00"' in page(finance_client.get(url))
    response = finance_client.post(url, cost_form(version=active.version))
    assert response.status_code == 302
    assert [c.weekly_cost for c in active.costs.order_by("effective_from")] == [
        Decimal("650"),
        Decimal("700"),
    ]
    text = page(
        finance_client.post(
            url, cost_form(weekly_cost="900", **date_parts("effective_from", datetime.date(2027, 2, 1)))
        )
    )
    assert "take the new cost back to the funding panel at Head of service level" in text


def test_a_stale_cost_change_shows_what_changed(finance_client, practitioner, active):
    seen = active.version
    services.change_cost(
        package=active,
        effective_from=datetime.date(2027, 1, 4),
        weekly_cost=720,
        reason="Uplift",
        by=practitioner,
    )
    url = reverse("finance:package_cost_change", args=[active.pk])
    text = page(
        finance_client.post(
            url,
            cost_form(
                version=seen, weekly_cost="750", **date_parts("effective_from", datetime.date(2027, 2, 1))
            ),
        )
    )
    assert "Someone else changed this package while you were editing it" in text
    assert "£720.00" in text and 'value="750"' in text
    assert active.costs.count() == 2


# --- The list ------------------------------------------------------------------------------


@pytest.fixture
def many(allocated_case, practitioner, budget, amh, opmh, south_team, other_worker):
    """Packages in two teams, two service lines, several types of care, costs and states."""
    south_case = open_case(
        PersonFactory(given_name="Grace", family_name="Byrne"), south_team, other_worker, other_worker
    )
    start = datetime.date(2026, 6, 1)
    made = [
        make_package(
            case=allocated_case,
            budget_line=line(budget, amh, CareType.RESIDENTIAL),
            weekly_cost="1700",
            started_on=start,
            by=practitioner,
        ),
        make_package(
            case=allocated_case,
            budget_line=line(budget, amh, CareType.DOMICILIARY),
            weekly_cost="300",
            started_on=start,
            by=practitioner,
        ),
        make_package(
            case=south_case,
            budget_line=line(budget, opmh, CareType.NURSING),
            weekly_cost="1000",
            started_on=start,
            by=other_worker,
        ),
        make_package(
            case=south_case,
            budget_line=line(budget, opmh, CareType.DAY_CARE),
            weekly_cost="150",
            planned_start=datetime.date(2027, 1, 1),
            status=S.REQUESTED,
            by=other_worker,
        ),
    ]
    CarePackage.objects.filter(pk=made[1].pk).update(provider="Hilltop Homecare")
    return made


def listed(client, **params) -> set[str]:
    response = client.get(reverse("finance:package_list"), params)
    assert response.status_code == 200
    return {p.reference for p in response.context["page_obj"].object_list}


def test_finance_lists_every_package_of_the_pool_with_name_and_nhs_number(finance_client, many, person):
    text = page(finance_client.get(reverse("finance:package_list")))
    assert person.display_name in text and person.formatted_nhs_number in text
    assert listed(finance_client) == {p.reference for p in many}


def test_list_filters(finance_client, many, amh, north_team):
    residential, domiciliary, nursing, day_care = (p.reference for p in many)
    assert listed(finance_client, status=S.REQUESTED) == {day_care}
    assert listed(finance_client, care_type=CareType.NURSING) == {nursing}
    assert listed(finance_client, service_line=amh.pk) == {residential, domiciliary}
    assert listed(finance_client, team=north_team.pk) == {residential, domiciliary}
    assert listed(finance_client, provider="hilltop") == {domiciliary}
    assert listed(finance_client, band="1") == {domiciliary, day_care}
    assert listed(finance_client, band="2") == {nursing}
    assert listed(finance_client, band="3") == {residential}
    # A bad filter value is no filter.
    assert len(listed(finance_client, band="nine", team="x")) == 4


def test_teams_see_only_their_people_and_commissioners_get_404(
    practitioner_client, other_worker_client, commissioner_client, many
):
    residential, domiciliary, nursing, day_care = (p.reference for p in many)
    assert listed(practitioner_client) == {residential, domiciliary}
    assert listed(other_worker_client) == {nursing, day_care}
    assert commissioner_client.get(reverse("finance:package_list")).status_code == 404


def test_outside_finance_sees_no_package(outsider_finance, many):
    assert listed(client_for(outsider_finance)) == set()


def test_list_query_count_does_not_grow(finance_client, allocated_case, practitioner, budget, amh):
    url = reverse("finance:package_list")
    make_package(
        case=allocated_case,
        budget_line=line(budget, amh, CareType.RESIDENTIAL),
        weekly_cost="700",
        started_on=datetime.date(2026, 6, 1),
        by=practitioner,
    )
    one = count_queries(finance_client, url)
    for _ in range(30):
        make_package(
            case=allocated_case,
            budget_line=line(budget, amh, CareType.NURSING),
            weekly_cost="900",
            started_on=datetime.date(2026, 7, 1),
            by=practitioner,
        )
    assert count_queries(finance_client, url) == one
    assert count_queries(finance_client, url, {"band": "2", "status": "active", "page": "2"}) == one


# --- Home panel and navigation --------------------------------------------------------------


def test_waiting_for_the_panel_on_the_home_page(
    finance_client, manager_client, other_worker_client, requested
):
    home = reverse("accounts:home")
    for client in (finance_client, manager_client):
        text = page(client.get(home))
        assert "Waiting for the funding panel" in text
        assert "1</strong> care package waiting for the funding panel" in text
        assert reverse("finance:package_list") + "?status=requested" in text
    assert "Waiting for the funding panel" not in page(other_worker_client.get(home))


def test_care_packages_in_the_navigation_for_finance(finance_client, practitioner_client):
    home = reverse("accounts:home")
    assert reverse("finance:package_list") in page(finance_client.get(home))
    assert 'href="/finance/packages/"' not in page(practitioner_client.get(home))
