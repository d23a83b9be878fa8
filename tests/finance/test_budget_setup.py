"""The pooled budget for a year: setting it up complete, the lines editor (income typed as a
positive amount, held negative), totals against contributions, forecast adjustments, and who
may see and change it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, Role, ServiceLine
from cases.services import DomainError
from finance.models import (
    AdjustmentKind,
    BudgetLine,
    CareType,
    Contribution,
    FinanceServiceLine,
    ForecastAdjustment,
    IncomeType,
    PooledBudget,
    StaffingLine,
)
from finance.services import budgets as services
from tests.factories import OrganisationFactory, make_member, make_team

from .conftest import line

pytestmark = pytest.mark.django_db
D = datetime.date
LINES_PER_SERVICE_LINE = len(CareType.values) + len(IncomeType.values)


@pytest.fixture
def other_finance_client(db):
    from django.test import Client

    council = OrganisationFactory(name="Southshire District Council", kind=Organisation.Kind.COUNCIL)
    officer = make_member(make_team("Southshire Finance", council, ServiceLine.FINANCE), Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(officer)
    return client


def count_queries(client, url) -> int:
    client.get(url)  # the first request after sign-in also saves the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def adjustment(budget, by, kind=AdjustmentKind.INFLATION, **values):
    defaults = {
        "amount": Decimal("50000"),
        "in_commitment": True,
        "effective_from": D(2026, 4, 1),
        "note": "Provider uplift 3%",
    }
    defaults.update(values)
    return services.add_adjustment(line=line(budget, None, kind), by=by, **defaults)


# --- Setting up a year -------------------------------------------------------------------


def test_create_budget_makes_every_line_at_zero(agreement, council, trust, finance_officer):
    budget = services.create_budget(
        agreement=agreement,
        year=2026,
        contributions={council.pk: Decimal("3000000"), trust.pk: Decimal("1000000")},
        by=finance_officer,
    )
    active = FinanceServiceLine.objects.filter(is_active=True).count()
    lines = BudgetLine.objects.filter(budget=budget)
    assert lines.count() == active * LINES_PER_SERVICE_LINE + len(AdjustmentKind.values)
    assert set(lines.values_list("amount", flat=True)) == {Decimal("0")}
    assert lines.filter(service_line__isnull=True).count() == len(AdjustmentKind.values)
    amounts = dict(Contribution.objects.filter(budget=budget).values_list("organisation_id", "amount"))
    assert amounts == {council.pk: Decimal("3000000"), trust.pk: Decimal("1000000")}


def test_a_year_only_once(agreement, budget, council, trust, finance_officer):
    with pytest.raises(services.YearRefused, match="There is already a budget for 2026/27"):
        services.create_budget(
            agreement=agreement, year=2026, contributions={council.pk: 0, trust.pk: 0}, by=finance_officer
        )


def test_a_year_within_the_agreement(agreement, council, trust, finance_officer):
    zero = {council.pk: Decimal("0"), trust.pk: Decimal("0")}
    with pytest.raises(
        services.YearRefused, match=r"2023/24 is outside the agreement's dates \(1 April 2024\)"
    ):
        services.create_budget(agreement=agreement, year=2023, contributions=zero, by=finance_officer)
    agreement.ends_on = D(2026, 3, 31)
    agreement.save()
    with pytest.raises(services.YearRefused, match="2026/27 is outside the agreement's dates"):
        services.create_budget(agreement=agreement, year=2026, contributions=zero, by=finance_officer)
    assert services.create_budget(agreement=agreement, year=2025, contributions=zero, by=finance_officer)


def test_contributions_from_every_partner(agreement, council, trust, finance_officer):
    with pytest.raises(
        DomainError, match="Enter the contribution from Northshire Mental Health NHS Trust, or 0"
    ):
        services.create_budget(
            agreement=agreement, year=2026, contributions={council.pk: 1}, by=finance_officer
        )
    with pytest.raises(DomainError, match="cannot be negative"):
        services.create_budget(
            agreement=agreement, year=2026, contributions={council.pk: 1, trust.pk: -1}, by=finance_officer
        )
    assert not PooledBudget.objects.exists()


# --- Lines -------------------------------------------------------------------------------


def test_update_lines_checks_signs_and_partners(budget, amh, council, trust, finance_officer):
    residential = line(budget, amh, CareType.RESIDENTIAL)
    client = line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS)
    with pytest.raises(DomainError, match="AMH Client contributions is income"):
        services.update_budget_lines(budget=budget, amounts={client.pk: Decimal("5")}, by=finance_officer)
    with pytest.raises(DomainError, match="cannot be negative"):
        services.update_budget_lines(
            budget=budget, amounts={residential.pk: Decimal("-5")}, by=finance_officer
        )
    stranger_org = OrganisationFactory(name="Westshire Council", kind=Organisation.Kind.COUNCIL)
    with pytest.raises(DomainError, match="must be a partner to the agreement"):
        services.update_budget_lines(
            budget=budget, amounts={}, partners={residential.pk: stranger_org.pk}, by=finance_officer
        )
    changed = services.update_budget_lines(
        budget=budget,
        amounts={residential.pk: Decimal("1200000"), client.pk: Decimal("-80000")},
        partners={residential.pk: trust.pk, client.pk: council.pk},
        by=finance_officer,
    )
    assert changed == 2
    residential.refresh_from_db()
    client.refresh_from_db()
    assert (residential.amount, residential.partner_id) == (Decimal("1200000"), trust.pk)
    assert (client.amount, client.partner_id) == (Decimal("-80000"), None)  # the host: left unset


def test_a_new_service_line_gets_lines_on_the_next_save(budget, finance_officer):
    forensic = FinanceServiceLine.objects.get(short_name="Forensic")
    assert not BudgetLine.objects.filter(budget=budget, service_line=forensic).exists()
    services.update_budget_lines(budget=budget, amounts={}, by=finance_officer)
    assert BudgetLine.objects.filter(budget=budget, service_line=forensic).count() == LINES_PER_SERVICE_LINE


# --- Forecast adjustments ----------------------------------------------------------------


def test_adjustments_rules(budget, amh, finance_officer):
    with pytest.raises(DomainError, match="Select one of the other finance adjustment lines"):
        services.add_adjustment(
            line=line(budget, amh, CareType.NURSING),
            amount=Decimal("1"),
            in_commitment=False,
            effective_from=D(2026, 5, 1),
            note="x",
            by=finance_officer,
        )
    with pytest.raises(DomainError, match=r"within 2026/27 \(1 April 2026 to 31 March 2027\)"):
        adjustment(budget, finance_officer, effective_from=D(2027, 4, 1))
    with pytest.raises(DomainError, match="Enter an amount other than 0"):
        adjustment(budget, finance_officer, amount=Decimal("0"))
    saving = adjustment(budget, finance_officer, kind=AdjustmentKind.OTHER, amount=Decimal("-25000"))
    assert saving.amount == Decimal("-25000") and saving.in_commitment


def test_withdraw_an_adjustment(budget, finance_officer):
    inflation = adjustment(budget, finance_officer, effective_from=D(2026, 6, 1))
    with pytest.raises(DomainError, match=r"after the adjustment takes effect \(1 June 2026\)"):
        services.withdraw_adjustment(adjustment=inflation, withdrawn_on=D(2026, 6, 1), by=finance_officer)
    services.withdraw_adjustment(adjustment=inflation, withdrawn_on=D(2026, 10, 1), by=finance_officer)
    inflation.refresh_from_db()
    assert inflation.withdrawn_on == D(2026, 10, 1)
    # Again on the same date is a no-op; another date is refused.
    services.withdraw_adjustment(adjustment=inflation, withdrawn_on=D(2026, 10, 1), by=finance_officer)
    with pytest.raises(DomainError, match="already withdrawn on 1 October 2026"):
        services.withdraw_adjustment(adjustment=inflation, withdrawn_on=D(2026, 11, 1), by=finance_officer)


# --- Views -------------------------------------------------------------------------------


def test_set_up_a_year_in_the_browser(finance_client, agreement, council, trust):
    url = reverse("finance:budget_create", args=[agreement.pk])
    page = finance_client.get(url)
    assert "2026/27" in page.text
    response = finance_client.post(
        url,
        {"year": "2026", f"contribution_{council.pk}": "£3,000,000", f"contribution_{trust.pk}": "1000000"},
    )
    budget = PooledBudget.objects.get(agreement=agreement, year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:budget_lines_edit", args=[budget.pk])
    assert budget.contributions.get(organisation=council).amount == Decimal("3000000")
    # The same year again: refused beside the year, and the amounts typed stay.
    again = finance_client.post(
        url, {"year": "2026", f"contribution_{council.pk}": "12", f"contribution_{trust.pk}": "34"}
    )
    assert again.status_code == 200
    assert "There is already a budget for 2026/27" in again.text
    assert 'value="34"' in again.text


def test_budget_create_form_errors(finance_client, agreement, council):
    response = finance_client.post(
        reverse("finance:budget_create", args=[agreement.pk]), {f"contribution_{council.pk}": "lots"}
    )
    assert "Select the financial year" in response.text
    assert "Enter the contribution from Northshire County Council as an amount in pounds" in response.text
    assert "Enter the contribution from Northshire Mental Health NHS Trust, or 0" in response.text
    assert 'value="lots"' in response.text


def _lines_post(budget, **overrides):
    data = {}
    for budget_line in BudgetLine.objects.filter(budget=budget):
        amount = -budget_line.amount if budget_line.section == "income" else budget_line.amount
        data[f"amount_{budget_line.pk}"] = str(amount)
        data[f"partner_{budget_line.pk}"] = str(budget_line.partner_id or budget.agreement.host_id)
    for contribution in budget.contributions.all():
        data[f"contribution_{contribution.organisation_id}"] = str(contribution.amount)
    data.update(overrides)
    return data


def test_lines_editor_stores_income_negative(finance_client, budget, amh):
    url = reverse("finance:budget_lines_edit", args=[budget.pk])
    page = finance_client.get(url)
    assert page.status_code == 200
    assert "Client contributions: income expected" in page.text
    client = line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS)
    residential = line(budget, amh, CareType.RESIDENTIAL)
    response = finance_client.post(
        url,
        _lines_post(budget, **{f"amount_{client.pk}": "80,000", f"amount_{residential.pk}": "1,200,000.50"}),
    )
    assert response.status_code == 302
    client.refresh_from_db()
    residential.refresh_from_db()
    assert client.amount == Decimal("-80000")
    assert residential.amount == Decimal("1200000.50")


def test_lines_editor_errors_keep_input(finance_client, budget, amh):
    client = line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS)
    residential = line(budget, amh, CareType.RESIDENTIAL)
    response = finance_client.post(
        reverse("finance:budget_lines_edit", args=[budget.pk]),
        _lines_post(budget, **{f"amount_{client.pk}": "-80000", f"amount_{residential.pk}": "1200"}),
    )
    assert response.status_code == 200
    assert (
        "Enter the income expected from AMH client contributions as a positive amount: "
        "it is held as a negative figure" in response.text
    )
    assert 'value="-80000"' in response.text
    assert f'href="#id_amount_{client.pk}"' in response.text
    residential.refresh_from_db()
    assert residential.amount == Decimal("0")


def test_detail_shows_totals_and_warns_when_unbalanced(finance_client, budget, amh, opmh, finance_officer):
    url = reverse("finance:budget_detail", args=[budget.pk])
    page = finance_client.get(url)
    assert "the contributions add up to £4,000,000.00" in page.text
    services.update_budget_lines(
        budget=budget,
        amounts={
            line(budget, amh, CareType.RESIDENTIAL).pk: Decimal("3100000"),
            line(budget, opmh, CareType.NURSING).pk: Decimal("1000000"),
            line(budget, amh, IncomeType.HEALTH_CONTRIBUTIONS).pk: Decimal("-150000"),
            line(budget, None, AdjustmentKind.INFLATION).pk: Decimal("50000"),
        },
        by=finance_officer,
    )
    page = finance_client.get(url)
    assert "Warning" not in page.text
    assert "4,100,000" in page.text  # expenditure
    assert "\u2212150,000" in page.text  # income shown negative
    services.update_budget_lines(
        budget=budget,
        amounts={line(budget, None, AdjustmentKind.INFLATION).pk: Decimal("60000")},
        by=finance_officer,
    )
    page = finance_client.get(url)
    assert "the lines are £10,000.00 more than the contributions" in page.text
    # The contributions pay for staffing too (seed 003 s3.3): its adjusted budgets count.
    StaffingLine.objects.create(
        budget=budget,
        partner=budget.agreement.host,
        group="AMH",
        budget_amount=Decimal("25000"),
        adjusted_budget=Decimal("20000"),
        forecast=Decimal("20000"),
    )
    page = finance_client.get(url)
    assert "the lines are £30,000.00 more than the contributions" in page.text


def test_detail_page_renders_whatever_area_links_exist(finance_client, budget):
    page = finance_client.get(reverse("finance:budget_detail", args=[budget.pk]))
    assert page.status_code == 200
    assert reverse("finance:budget_lines_edit", args=[budget.pk]) in page.text
    assert reverse("finance:staffing_edit", args=[budget.pk]) in page.text


def test_add_and_withdraw_an_adjustment_in_the_browser(finance_client, budget):
    inflation = line(budget, None, AdjustmentKind.INFLATION)
    url = reverse("finance:adjustment_add", args=[budget.pk])
    response = finance_client.post(url, {"line": str(inflation.pk), "amount": "abc", "note": "Uplift"})
    assert response.status_code == 200
    assert "Enter the amount as an amount in pounds" in response.text
    assert "Select whether it is already committed" in response.text
    assert "Uplift" in response.text
    response = finance_client.post(
        url,
        {
            "line": str(inflation.pk),
            "amount": "45000",
            "in_commitment": "no",
            "effective_from_day": "1",
            "effective_from_month": "7",
            "effective_from_year": "2026",
            "note": "Uplift",
        },
    )
    assert response.status_code == 302
    made = ForecastAdjustment.objects.get(line=inflation)
    assert (made.amount, made.in_commitment) == (Decimal("45000"), False)
    page = finance_client.get(reverse("finance:budget_detail", args=[budget.pk]))
    withdraw_url = reverse("finance:adjustment_withdraw", args=[made.pk])
    assert withdraw_url in page.text
    response = finance_client.post(
        withdraw_url, {"withdrawn_on_day": "1", "withdrawn_on_month": "6", "withdrawn_on_year": "2026"}
    )
    assert "The withdrawal date must be after the adjustment takes effect (1 July 2026)" in response.text
    response = finance_client.post(
        withdraw_url, {"withdrawn_on_day": "1", "withdrawn_on_month": "9", "withdrawn_on_year": "2026"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.withdrawn_on == D(2026, 9, 1)


@pytest.mark.parametrize("name", ["budget_detail", "budget_lines_edit", "adjustment_add"])
@pytest.mark.parametrize(
    "who", ["stranger_client", "practitioner_client", "other_finance_client", "commissioner_client"]
)
def test_others_get_404(request, budget, name, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse(f"finance:{name}", args=[budget.pk])).status_code == 404
    assert client.post(reverse(f"finance:{name}", args=[budget.pk]), {}).status_code == 404


def test_withdraw_is_404_for_others(budget, finance_officer, other_finance_client, commissioner_client):
    made = adjustment(budget, finance_officer)
    url = reverse("finance:adjustment_withdraw", args=[made.pk])
    assert other_finance_client.get(url).status_code == 404
    assert commissioner_client.get(url).status_code == 404


def test_detail_query_count_flat(finance_client, budget, council, trust, finance_officer):
    url = reverse("finance:budget_detail", args=[budget.pk])
    adjustment(budget, finance_officer)
    StaffingLine.objects.create(
        budget=budget, partner=council, group="AP", budget_amount=1, adjusted_budget=1, forecast=1
    )
    one = count_queries(finance_client, url)
    for n in range(10):
        adjustment(budget, finance_officer, kind=AdjustmentKind.EXPECTED_DEMAND, note=f"Demand {n}")
        StaffingLine.objects.create(
            budget=budget, partner=trust, group=f"G{n}", budget_amount=1, adjusted_budget=1, forecast=1
        )
    services.update_budget_lines(budget=budget, amounts={}, by=finance_officer)  # adds the Forensic lines
    assert count_queries(finance_client, url) == one
    lines_url = reverse("finance:budget_lines_edit", args=[budget.pk])
    assert count_queries(finance_client, lines_url) <= 13
