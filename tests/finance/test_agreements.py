"""Section 75 agreements: setting one up, changing it with an optimistic lock, variations,
the finance home, and who may see them (finance officers of a partner and the pool manager)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, Role, ServiceLine
from cases.services import DomainError
from finance.models import (
    Agreement,
    AgreementKind,
    AgreementPartner,
    AgreementVariation,
    PooledBudget,
    RiskShareRule,
)
from finance.services import agreements as services
from finance.services.agreements import StaleEdit
from tests.factories import OrganisationFactory, make_member, make_team

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def other_council(db):
    return OrganisationFactory(name="Southshire District Council", kind=Organisation.Kind.COUNCIL)


@pytest.fixture
def other_finance_officer(other_council):
    team = make_team("Southshire Finance", other_council, ServiceLine.FINANCE)
    return make_member(team, Role.FINANCE_OFFICER, full_name="Olu Otherfinance")


@pytest.fixture
def other_finance_client(other_finance_officer):
    from django.test import Client

    client = Client()
    client.force_login(other_finance_officer)
    return client


def make_agreement(*, council, trust, by, **overrides):
    values = {
        "name": "Eastshire mental health Section 75",
        "kind": AgreementKind.POOLED_FUND,
        "host": council,
        "pool_manager": by,
        "starts_on": D(2025, 4, 1),
        "ends_on": None,
        "risk_share_rule": RiskShareRule.PROPORTIONAL,
        "partners": [council, trust],
        "shares": None,
    }
    values.update(overrides)
    return services.create_agreement(**values, by=by)


def form_data(council, trust, manager, **overrides):
    data = {
        "name": "Eastshire mental health Section 75",
        "kind": AgreementKind.POOLED_FUND,
        "partners": [council.pk, trust.pk],
        "host": council.pk,
        "pool_manager": manager.pk,
        "starts_on_day": "1",
        "starts_on_month": "4",
        "starts_on_year": "2025",
        "risk_share_rule": RiskShareRule.PROPORTIONAL,
    }
    data.update(overrides)
    return data


def count_queries(client, url) -> int:
    client.get(url)  # the first request after sign-in also saves the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Services ----------------------------------------------------------------------------


def test_create_agreement_with_partners(council, trust, finance_officer):
    agreement = make_agreement(council=council, trust=trust, by=finance_officer)
    assert agreement.version == 1
    partners = AgreementPartner.objects.filter(agreement=agreement)
    assert {p.organisation_id for p in partners} == {council.pk, trust.pk}
    assert all(p.fixed_share is None for p in partners)
    assert agreement.history.count() == 1


def test_fixed_shares_must_add_up_to_100(council, trust, finance_officer):
    with pytest.raises(DomainError, match=r"The fixed shares must add up to 100% \(they add up to 90%\)"):
        make_agreement(
            council=council,
            trust=trust,
            by=finance_officer,
            risk_share_rule=RiskShareRule.FIXED,
            shares={council.pk: Decimal("60"), trust.pk: Decimal("30")},
        )
    with pytest.raises(DomainError, match="Enter the fixed share for Northshire Mental Health NHS Trust"):
        make_agreement(
            council=council,
            trust=trust,
            by=finance_officer,
            risk_share_rule=RiskShareRule.FIXED,
            shares={council.pk: Decimal("100")},
        )
    agreement = make_agreement(
        council=council,
        trust=trust,
        by=finance_officer,
        risk_share_rule=RiskShareRule.FIXED,
        shares={council.pk: Decimal("62.5"), trust.pk: Decimal("37.5")},
    )
    shares = dict(agreement.partners.values_list("organisation_id", "fixed_share"))
    assert shares == {council.pk: Decimal("62.50"), trust.pk: Decimal("37.50")}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"host": "provider"}, "The host must be one of the partners"),
        ({"partners": "one"}, "Select at least two partners"),
        ({"partners": "with provider"}, "cannot be a partner: partners are councils and NHS bodies"),
        ({"ends_on": D(2025, 3, 1)}, "The end date must be after the start date"),
        ({"name": "  "}, "Enter the name of the agreement"),
    ],
)
def test_agreement_rules(council, trust, finance_officer, change, message):
    provider = OrganisationFactory(name="Riverside Care Ltd", kind=Organisation.Kind.PROVIDER)
    overrides = dict(change)
    if overrides.get("host") == "provider":
        overrides["host"] = provider
    if overrides.get("partners") == "one":
        overrides["partners"] = [council]
    if overrides.get("partners") == "with provider":
        overrides["partners"] = [council, trust, provider]
    with pytest.raises(DomainError, match=message):
        make_agreement(council=council, trust=trust, by=finance_officer, **overrides)


def test_pool_manager_is_a_finance_officer_of_a_partner(
    council, trust, finance_officer, practitioner, other_finance_officer
):
    with pytest.raises(
        DomainError, match="The pool manager must be a finance officer of one of the partners"
    ):
        make_agreement(council=council, trust=trust, by=finance_officer, pool_manager=practitioner)
    with pytest.raises(
        DomainError, match="The pool manager must be a finance officer of one of the partners"
    ):
        make_agreement(council=council, trust=trust, by=finance_officer, pool_manager=other_finance_officer)


def test_setting_up_needs_to_be_able_to_manage_it(council, trust, finance_officer, other_finance_officer):
    with pytest.raises(DomainError, match="Include a partner you are a finance officer of"):
        make_agreement(council=council, trust=trust, by=other_finance_officer, pool_manager=finance_officer)


def test_duplicate_name_refused(council, trust, finance_officer):
    make_agreement(council=council, trust=trust, by=finance_officer)
    with pytest.raises(DomainError, match="There is already an agreement with this name"):
        make_agreement(
            council=council, trust=trust, by=finance_officer, name="EASTSHIRE mental health Section 75"
        )


def test_update_with_stale_version_overwrites_nothing(council, trust, finance_officer, trust_finance_officer):
    agreement = make_agreement(council=council, trust=trust, by=finance_officer)
    services.update_agreement(
        agreement_id=agreement.pk,
        data={"name": "Renamed by the trust"},
        expected_version=1,
        by=trust_finance_officer,
    )
    with pytest.raises(StaleEdit) as caught:
        services.update_agreement(
            agreement_id=agreement.pk,
            data={"name": "Renamed by the council", "partners": [council, trust]},
            expected_version=1,
            by=finance_officer,
        )
    agreement.refresh_from_db()
    assert agreement.name == "Renamed by the trust"
    assert agreement.version == 2
    [change] = caught.value.changes
    assert (change.then, change.now, change.mine) == (
        "Eastshire mental health Section 75",
        "Renamed by the trust",
        "Renamed by the council",
    )
    assert change.conflict
    assert caught.value.merged["name"] == "Renamed by the council"


def test_update_no_change_is_a_no_op(council, trust, finance_officer):
    agreement = make_agreement(council=council, trust=trust, by=finance_officer)
    services.update_agreement(
        agreement_id=agreement.pk, data={"name": agreement.name}, expected_version=1, by=finance_officer
    )
    agreement.refresh_from_db()
    assert agreement.version == 1


def test_partner_with_a_contribution_cannot_leave(
    agreement, budget, council, trust, finance_officer, other_council
):
    AgreementPartner.objects.create(agreement=agreement, organisation=other_council)
    # A new partner with no money in the budget may leave again; the trust (1,000,000) may not.
    services.update_agreement(
        agreement_id=agreement.pk, data={"partners": [council, trust]}, expected_version=1, by=finance_officer
    )
    with pytest.raises(DomainError, match="Northshire Mental Health NHS Trust contributes to a budget"):
        services.update_agreement(
            agreement_id=agreement.pk,
            data={"partners": [council, other_council]},
            expected_version=2,
            by=finance_officer,
        )


def test_dates_cannot_leave_a_budget_outside(agreement, budget, finance_officer):
    with pytest.raises(DomainError, match="The 2026/27 budget would fall outside these dates"):
        services.update_agreement(
            agreement_id=agreement.pk,
            data={"ends_on": D(2026, 3, 31)},
            expected_version=agreement.version,
            by=finance_officer,
        )


def test_variation_within_the_agreement(agreement, finance_officer):
    with pytest.raises(DomainError, match="on or after the agreement starts"):
        services.add_variation(
            agreement=agreement, varied_on=D(2024, 3, 1), description="Earlier", by=finance_officer
        )
    with pytest.raises(DomainError, match="Enter what changed"):
        services.add_variation(
            agreement=agreement, varied_on=D(2025, 3, 1), description=" ", by=finance_officer
        )
    variation = services.add_variation(
        agreement=agreement, varied_on=D(2025, 10, 1), description="OPMH added", by=finance_officer
    )
    assert variation.recorded_by == finance_officer


# --- Views -------------------------------------------------------------------------------


def test_set_up_an_agreement_in_the_browser(finance_client, council, trust, finance_officer):
    response = finance_client.get(reverse("finance:agreement_create"))
    assert response.status_code == 200
    assert "Set up a Section 75 agreement" in response.text
    response = finance_client.post(
        reverse("finance:agreement_create"), form_data(council, trust, finance_officer)
    )
    agreement = Agreement.objects.get(name="Eastshire mental health Section 75")
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:agreement_detail", args=[agreement.pk])
    page = finance_client.get(response["Location"])
    assert "Northshire Mental Health NHS Trust" in page.text
    assert "Set up a budget for a year" in page.text


def test_shares_error_keeps_what_was_typed(finance_client, council, trust, finance_officer):
    data = form_data(
        council,
        trust,
        finance_officer,
        risk_share_rule=RiskShareRule.FIXED,
        **{f"share_{council.pk}": "70", f"share_{trust.pk}": "20"},
    )
    response = finance_client.post(reverse("finance:agreement_create"), data)
    assert response.status_code == 200
    assert "The fixed shares must add up to 100% (they add up to 90%)" in response.text
    assert 'value="Eastshire mental health Section 75"' in response.text
    assert 'value="70"' in response.text
    assert not Agreement.objects.filter(name="Eastshire mental health Section 75").exists()


def test_missing_fields_get_govuk_messages(finance_client):
    response = finance_client.post(reverse("finance:agreement_create"), {})
    assert response.status_code == 200
    for message in (
        "Enter the name of the agreement",
        "Select the partners",
        "Enter the date the agreement starts",
    ):
        assert message in response.text


def test_edit_with_stale_version_shows_their_changes(
    finance_client, agreement, council, trust, finance_officer
):
    services.update_agreement(
        agreement_id=agreement.pk, data={"name": "Renamed meanwhile"}, expected_version=1, by=finance_officer
    )
    data = form_data(council, trust, finance_officer, name="My new name", version="1")
    data.update({"starts_on_year": "2024"})
    response = finance_client.post(reverse("finance:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert "Someone else changed this agreement while you were editing it" in response.text
    assert 'name="version" value="2"' in response.text
    agreement.refresh_from_db()
    assert agreement.name == "Renamed meanwhile"
    response = finance_client.post(
        reverse("finance:agreement_edit", args=[agreement.pk]), {**data, "version": "2"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.name == "My new name"


def test_record_a_variation(finance_client, agreement):
    url = reverse("finance:variation_add", args=[agreement.pk])
    response = finance_client.post(url, {"description": "Forensic added"})
    assert "Enter the date of the variation" in response.text
    assert "Forensic added" in response.text
    response = finance_client.post(
        url,
        {
            "varied_on_day": "1",
            "varied_on_month": "10",
            "varied_on_year": "2026",
            "description": "Forensic added",
        },
    )
    assert response.status_code == 302
    assert AgreementVariation.objects.get(agreement=agreement).varied_on == D(2026, 10, 1)


@pytest.mark.parametrize("name", ["agreement_detail", "agreement_edit", "variation_add", "budget_create"])
@pytest.mark.parametrize(
    "who", ["stranger_client", "practitioner_client", "other_finance_client", "commissioner_client"]
)
def test_others_get_404(request, agreement, name, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse(f"finance:{name}", args=[agreement.pk])).status_code == 404


def test_only_finance_officers_set_up_agreements(practitioner_client, commissioner_client):
    assert practitioner_client.get(reverse("finance:agreement_create")).status_code == 404
    assert commissioner_client.get(reverse("finance:agreement_create")).status_code == 404


def test_the_trust_finance_officer_manages_it_too(agreement, trust_finance_officer):
    from django.test import Client

    client = Client()
    client.force_login(trust_finance_officer)
    assert client.get(reverse("finance:agreement_detail", args=[agreement.pk])).status_code == 200


# --- Home --------------------------------------------------------------------------------


def test_home_lists_agreements_and_budgets(finance_client, agreement, budget):
    response = finance_client.get(reverse("finance:home"))
    assert response.status_code == 200
    assert agreement.name in response.text
    assert reverse("finance:budget_detail", args=[budget.pk]) in response.text
    assert "Set up an agreement" in response.text
    assert "Section 75 money" in response.text  # the navigation item


def test_home_page_panel_links_budgets(finance_client, budget):
    response = finance_client.get(reverse("accounts:home"))
    assert "Section 75 budgets" in response.text
    assert reverse("finance:budget_detail", args=[budget.pk]) in response.text


def test_home_for_others(
    stranger_client, practitioner_client, commissioner_client, other_finance_client, agreement
):
    assert stranger_client.get(reverse("finance:home")).status_code == 404
    assert practitioner_client.get(reverse("finance:home")).status_code == 404
    assert "Section 75 money" not in practitioner_client.get(reverse("accounts:home")).text
    # A finance officer of an organisation outside the agreement sees no one else's agreement.
    response = other_finance_client.get(reverse("finance:home"))
    assert agreement.name not in response.text
    assert "Set up an agreement" in response.text


def test_commissioner_of_a_partner_sees_tables_only(commissioner_client, agreement, budget):
    response = commissioner_client.get(reverse("finance:home"))
    assert response.status_code == 200
    assert "Budget tables you can read" in response.text
    assert agreement.name in response.text
    assert f'href="{reverse("finance:budget_detail", args=[budget.pk])}"' not in response.text
    assert "Set up an agreement" not in response.text


def test_home_query_count_flat(finance_client, agreement, budget, council, trust, finance_officer):
    url = reverse("finance:home")
    one = count_queries(finance_client, url)
    for n in range(6):
        other = make_agreement(council=council, trust=trust, by=finance_officer, name=f"Agreement {n}")
        for year in (2025, 2026, 2027):
            PooledBudget.objects.create(agreement=other, year=year, created_by=finance_officer)
    assert count_queries(finance_client, url) == one
