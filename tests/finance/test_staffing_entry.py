"""Staffing budgets (seed 003 s3.3): lines by partner and group, a month's actuals, and the
ledger CSV import that checks every row first and imports nothing if one is bad."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, Role, ServiceLine
from cases.services import DomainError
from finance.models import StaffingActual, StaffingLine
from finance.services import staffing as services
from tests.factories import OrganisationFactory, make_member, make_team

pytestmark = pytest.mark.django_db
D = datetime.date
LEDGER = "ledger"
ENTERED = "entered"


@pytest.fixture
def other_finance_client(db):
    from django.test import Client

    council = OrganisationFactory(name="Southshire District Council", kind=Organisation.Kind.COUNCIL)
    officer = make_member(make_team("Southshire Finance", council, ServiceLine.FINANCE), Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def staffing(budget, council, trust):
    """Council AP and Mgmt, trust Mgmt."""

    def make(partner, group, *amounts):
        budget_amount, adjusted, forecast = amounts
        return StaffingLine.objects.create(
            budget=budget,
            partner=partner,
            group=group,
            budget_amount=budget_amount,
            adjusted_budget=adjusted,
            forecast=forecast,
        )

    return {
        "ap": make(council, "AP", 100294, 100294, 108877),
        "mgmt": make(council, "Mgmt", 90000, 95000, 94000),
        "trust": make(trust, "Mgmt", 413004, 363574, 322828),
    }


def csv_text(*rows, header="partner,group,month,amount") -> str:
    return "\n".join([header, *rows]) + "\n"


def amounts(budget):
    return {
        (a.line.partner.kind, a.line.group, a.month): (a.amount, a.source)
        for a in StaffingActual.objects.filter(line__budget=budget).select_related("line__partner")
    }


# --- Lines -------------------------------------------------------------------------------


def test_add_and_change_staffing_lines(budget, council, trust, finance_officer, staffing):
    added = services.save_staffing_lines(
        budget=budget,
        changes={staffing["ap"].pk: {"budget_amount": 1, "adjusted_budget": 2, "forecast": 3}},
        new={"partner": trust, "group": "AMH", "budget_amount": 10, "adjusted_budget": 11, "forecast": 12},
        by=finance_officer,
    )
    assert (added.partner, added.group, added.forecast) == (trust, "AMH", 12)
    staffing["ap"].refresh_from_db()
    assert (staffing["ap"].budget_amount, staffing["ap"].adjusted_budget, staffing["ap"].forecast) == (
        1,
        2,
        3,
    )
    with pytest.raises(
        DomainError, match="There is already a staffing line for Northshire County Council ap"
    ):
        services.save_staffing_lines(
            budget=budget,
            changes={},
            new={"partner": council, "group": "ap", "budget_amount": 1, "adjusted_budget": 1, "forecast": 1},
            by=finance_officer,
        )
    outsider = OrganisationFactory(name="Westshire Council", kind=Organisation.Kind.COUNCIL)
    with pytest.raises(DomainError, match="belongs to a partner to the agreement"):
        services.save_staffing_lines(
            budget=budget,
            changes={},
            new={"partner": outsider, "group": "AP", "budget_amount": 1, "adjusted_budget": 1, "forecast": 1},
            by=finance_officer,
        )


def test_record_actuals_for_a_month(budget, finance_officer, staffing):
    with pytest.raises(DomainError, match="Select a month in 2026/27"):
        services.record_actuals(
            budget=budget, month=D(2027, 4, 1), amounts={staffing["ap"].pk: Decimal("1")}, by=finance_officer
        )
    saved = services.record_actuals(
        budget=budget,
        month=D(2026, 5, 1),
        amounts={staffing["ap"].pk: Decimal("8350.25"), staffing["mgmt"].pk: None},
        by=finance_officer,
    )
    assert saved == 1
    services.record_actuals(
        budget=budget, month=D(2026, 5, 1), amounts={staffing["ap"].pk: Decimal("8400")}, by=finance_officer
    )
    [actual] = StaffingActual.objects.filter(line=staffing["ap"])
    assert (actual.month, actual.amount, actual.source) == (D(2026, 5, 1), Decimal("8400"), ENTERED)


# --- Ledger import -----------------------------------------------------------------------


def test_import_good_file(budget, finance_officer, staffing):
    result = services.import_ledger_csv(
        budget=budget,
        content=csv_text(
            "Northshire County Council,AP,2026-04,8350.25",
            'northshire county council,mgmt,2026-04,"7,900"',
            "Northshire Mental Health NHS Trust,Mgmt,2026-05,30000",
            "",
        ).encode("utf-8-sig"),
        by=finance_officer,
    )
    assert result.rows == 3
    assert result.months == [D(2026, 4, 1), D(2026, 5, 1)]
    assert amounts(budget) == {
        ("council", "AP", D(2026, 4, 1)): (Decimal("8350.25"), LEDGER),
        ("council", "Mgmt", D(2026, 4, 1)): (Decimal("7900"), LEDGER),
        ("nhs_trust", "Mgmt", D(2026, 5, 1)): (Decimal("30000"), LEDGER),
    }


def test_import_reports_every_bad_row_and_imports_nothing(budget, finance_officer, staffing):
    content = csv_text(
        "Northshire County Council,AP,2026-04,8350.25",  # line 2: good
        "Westshire Council,AP,2026-04,10",  # line 3
        "Northshire County Council,Cleaners,2026-13,ten",  # line 4
        "Northshire County Council,AP,2027-04,1",  # line 5
        "Northshire County Council,AP",  # line 6
        "Northshire County Council,AP,2026-04,1.005",  # line 7
        "Northshire County Council,AP,2026-04,9",  # line 8: the same line and month as line 2
    )
    with pytest.raises(services.LedgerProblems) as caught:
        services.import_ledger_csv(budget=budget, content=content, by=finance_officer)
    assert caught.value.problems == [
        "Line 3: Westshire Council is not a partner to the agreement",
        "Line 4: there is no staffing line for Northshire County Council Cleaners: add it first; "
        "the month must be written as YYYY-MM, for example 2026-05; "
        "the amount must be a number of pounds, for example 8350.25",
        "Line 5: April 2027 is not in the budget's year",
        "Line 6: expected 4 columns (partner, group, month, amount), found 2",
        "Line 7: the amount can have no more than 2 decimal places",
        "Line 8: the same partner, group and month as line 2",
    ]
    assert not StaffingActual.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty"),
        ("Northshire County Council,AP,2026-04,1\n", "The first row must be the header"),
        ("partner,group,month,amount\n", "The file has a header row but no rows to import"),
        (b"\xff\xfe\x00bad", "The file must be a CSV file saved as UTF-8"),
    ],
)
def test_import_needs_a_header_and_rows(budget, finance_officer, staffing, content, message):
    with pytest.raises(services.LedgerProblems, match=message):
        services.import_ledger_csv(budget=budget, content=content, by=finance_officer)


def test_reimport_of_a_month_replaces_it(budget, finance_officer, staffing):
    services.record_actuals(
        budget=budget, month=D(2026, 4, 1), amounts={staffing["trust"].pk: Decimal("111")}, by=finance_officer
    )
    services.import_ledger_csv(
        budget=budget,
        content=csv_text(
            "Northshire County Council,AP,2026-04,8000",
            "Northshire County Council,Mgmt,2026-04,7000",
            "Northshire County Council,Mgmt,2026-05,7100",
        ),
        by=finance_officer,
    )
    result = services.import_ledger_csv(
        budget=budget, content=csv_text("Northshire County Council,AP,2026-04,8200"), by=finance_officer
    )
    assert (result.rows, result.replaced) == (1, 1)
    assert amounts(budget) == {
        ("council", "AP", D(2026, 4, 1)): (Decimal("8200"), LEDGER),  # replaced
        # council Mgmt April was in the first file only: that month's import no longer has it
        ("council", "Mgmt", D(2026, 5, 1)): (Decimal("7100"), LEDGER),  # another month: kept
        ("nhs_trust", "Mgmt", D(2026, 4, 1)): (Decimal("111"), ENTERED),  # entered by hand: kept
    }


# --- Views -------------------------------------------------------------------------------


def test_staffing_lines_page(finance_client, budget, trust, staffing):
    url = reverse("finance:staffing_edit", args=[budget.pk])
    page = finance_client.get(url)
    assert page.status_code == 200
    assert "Northshire County Council AP" in page.text
    data = {}
    for line in staffing.values():
        for name in ("budget_amount", "adjusted_budget", "forecast"):
            data[f"{name}_{line.pk}"] = str(getattr(line, name))
    # Half a new line: each missing part named, and what was typed kept.
    response = finance_client.post(url, {**data, "new_group": "AMH", f"forecast_{staffing['ap'].pk}": "-5"})
    assert response.status_code == 200
    assert "Select the partner for the new line" in response.text
    assert "Enter the budget for the new line" in response.text
    assert "The forecast for Northshire County Council AP cannot be negative" in response.text
    assert 'value="AMH"' in response.text
    response = finance_client.post(
        url,
        {
            **data,
            "new_partner": str(trust.pk),
            "new_group": "AMH",
            "new_budget_amount": "50,000",
            "new_adjusted_budget": "52000",
            "new_forecast": "51000",
        },
    )
    assert response.status_code == 302
    assert StaffingLine.objects.get(budget=budget, partner=trust, group="AMH").adjusted_budget == Decimal(
        "52000"
    )


def test_enter_actuals_for_a_month(finance_client, budget, staffing):
    url = reverse("finance:staffing_actuals", args=[budget.pk])
    page = finance_client.get(url, {"month": "2026-06"})
    assert "Staffing actuals for June 2026" in page.text
    response = finance_client.post(
        url,
        {"month": "2026-06", f"actual_{staffing['ap'].pk}": "8,100", f"actual_{staffing['mgmt'].pk}": "x"},
    )
    assert response.status_code == 200
    assert "Enter the actual for Northshire County Council Mgmt as an amount in pounds" in response.text
    assert 'value="8,100"' in response.text
    response = finance_client.post(url, {"month": "2026-06", f"actual_{staffing['ap'].pk}": "8,100"})
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2026-06")
    assert StaffingActual.objects.get(line=staffing["ap"], month=D(2026, 6, 1)).amount == Decimal("8100")
    page = finance_client.get(url, {"month": "2026-06"})
    assert 'value="8,100"' in page.text


def test_import_in_the_browser(finance_client, budget, staffing):
    url = reverse("finance:staffing_import", args=[budget.pk])
    assert finance_client.get(url).status_code == 200
    bad = SimpleUploadedFile("ledger.csv", csv_text("Northshire County Council,AP,2026-4,1").encode())
    response = finance_client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "Line 2: the month must be written as YYYY-MM" in response.text
    assert not StaffingActual.objects.exists()
    good = SimpleUploadedFile(
        "ledger.csv",
        csv_text(
            "Northshire County Council,AP,2026-04,8000", "Northshire County Council,AP,2026-05,8100"
        ).encode(),
    )
    response = finance_client.post(url, {"file": good})
    assert response.status_code == 200
    assert "2 rows imported" in response.text
    assert "April 2026, May 2026" in response.text
    assert StaffingActual.objects.filter(source=LEDGER).count() == 2
    not_csv = SimpleUploadedFile("ledger.xlsx", b"PK")
    assert "The selected file must be a CSV" in finance_client.post(url, {"file": not_csv}).text


@pytest.mark.parametrize("name", ["staffing_edit", "staffing_actuals", "staffing_import"])
@pytest.mark.parametrize(
    "who", ["stranger_client", "practitioner_client", "other_finance_client", "commissioner_client"]
)
def test_others_get_404(request, budget, name, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse(f"finance:{name}", args=[budget.pk])).status_code == 404
    assert client.post(reverse(f"finance:{name}", args=[budget.pk]), {}).status_code == 404


def test_staffing_page_query_count_flat(finance_client, budget, trust, finance_officer, staffing):
    url = reverse("finance:staffing_edit", args=[budget.pk])
    finance_client.get(url)
    with CaptureQueriesContext(connection) as few:
        finance_client.get(url)
    for n in range(8):
        line = StaffingLine.objects.create(
            budget=budget, partner=trust, group=f"G{n}", budget_amount=1, adjusted_budget=1, forecast=1
        )
        services.record_actuals(
            budget=budget, month=D(2026, 4 + n, 1), amounts={line.pk: 5}, by=finance_officer
        )
    with CaptureQueriesContext(connection) as many:
        finance_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
