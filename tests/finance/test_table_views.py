"""Tables pages: who may see them, the period form, exports (CSV parsed, XLSX opened), the
snapshot list and taking a snapshot, and query budgets that do not grow with rows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from finance.models import Snapshot, SnapshotKind, StaffingLine
from tests.finance.test_tables import make_snapshot, world  # noqa: F401  (a shared fixture)

D = Decimal
TODAY = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=datetime.UTC)


def signed_in(user):
    """A client signed in inside the travelled time (the idle timeout would end a session
    signed in before the jump)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def pages(budget_pk):
    return [
        reverse("finance:budget_tables", args=[budget_pk]),
        reverse("finance:budget_tables_export", args=[budget_pk, "xlsx"]),
        reverse("finance:budget_tables_export", args=[budget_pk, "csv"]) + "?table=summary",
        reverse("finance:staffing_table", args=[budget_pk]),
        reverse("finance:staffing_table_export", args=[budget_pk, "csv"]),
        reverse("finance:risk_share", args=[budget_pk]),
        reverse("finance:risk_share_export", args=[budget_pk, "xlsx"]),
        reverse("finance:snapshot_list", args=[budget_pk]),
    ]


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def read_xlsx(response):
    assert "spreadsheetml" in response["Content-Type"]
    return load_workbook(io.BytesIO(response.content))


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger_client", "practitioner_client", "other_worker_client"])
def test_no_relationship_to_the_agreement_is_404(world, request, who):  # noqa: F811
    client = request.getfixturevalue(who)
    for url in pages(world["budget"].pk):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("finance:snapshot_take", args=[world["budget"].pk]))
    assert response.status_code == 404


def test_finance_and_commissioner_read_every_page(world, finance_client, commissioner_client):  # noqa: F811
    for client in (finance_client, commissioner_client):
        for url in pages(world["budget"].pk):
            assert client.get(url).status_code == 200, url


def test_missing_budget_is_404(finance_client):
    assert finance_client.get(reverse("finance:budget_tables", args=[999999])).status_code == 404


def test_commissioner_cannot_take_a_snapshot(world, commissioner_client):  # noqa: F811
    before = Snapshot.objects.count()
    response = commissioner_client.post(reverse("finance:snapshot_take", args=[world["budget"].pk]))
    assert response.status_code == 404
    assert Snapshot.objects.count() == before
    page = commissioner_client.get(reverse("finance:snapshot_list", args=[world["budget"].pk]))
    assert b"Take a snapshot" not in page.content


def test_snapshot_take_is_post_only(world, finance_client):  # noqa: F811
    response = finance_client.get(reverse("finance:snapshot_take", args=[world["budget"].pk]))
    assert response.status_code == 405


# --- Budget tables page -----------------------------------------------------------------------


def test_budget_tables_default_periods_and_figures(world, finance_client):  # noqa: F811
    budget = world["budget"]
    response = finance_client.get(reverse("finance:budget_tables", args=[budget.pk]))
    assert response.status_code == 200
    # Default: April, the quarter end (Q3) and the latest (Q3); not November.
    assert [s.label for s in response.context["chosen"]] == ["Apr", "Q3"]
    html = response.content.decode()
    assert "Care packages summary 2026/27" in html
    assert "Adult mental health (working age) (AMH)" in html
    assert '<th scope="colgroup" colspan="2"' in html
    assert 'rowspan="2"' in html
    assert 'scope="rowgroup"' in html  # the other finance adjustments block
    assert "Change from Apr" in html
    assert "£ thousands" in html
    # Adjusted total Q3 forecast 3,469,000.25 shows as 3,469 (thousands).
    assert ">3,469<" in html


def test_budget_tables_chosen_periods_and_pounds(world, commissioner_client):  # noqa: F811
    budget = world["budget"]
    response = commissioner_client.get(
        reverse("finance:budget_tables", args=[budget.pk]),
        {"periods": [world["nov"].pk, world["q3"].pk], "units": "pounds", "shown": "1"},
    )
    assert [s.label for s in response.context["chosen"]] == ["Nov", "Q3"]
    html = response.content.decode()
    assert "Change from Nov" in html
    assert ">3,469,000<" in html
    assert "\u2212191,999" not in html  # AMH total ISP change is -191,999.50 -> -192,000
    assert "\u2212192,000" in html
    assert f"periods={world['nov'].pk}&amp;periods={world['q3'].pk}&amp;table=amh" in html


def test_budget_tables_periods_link_without_the_form_marker(world, finance_client):  # noqa: F811
    budget = world["budget"]
    response = finance_client.get(
        reverse("finance:budget_tables", args=[budget.pk]) + f"?periods={world['nov'].pk}"
    )
    assert [s.label for s in response.context["chosen"]] == ["Nov"]


def test_budget_tables_form_errors_keep_defaults(world, finance_client, budget):  # noqa: F811
    url = reverse("finance:budget_tables", args=[budget.pk])
    response = finance_client.get(url, {"shown": "1", "units": "k"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select at least one period to show" in html
    assert [s.label for s in response.context["chosen"]] == ["Apr", "Q3"]

    other = make_snapshot_for_another_budget(world)
    response = finance_client.get(url, {"periods": [world["apr"].pk, other.pk], "shown": "1"})
    assert "Select periods from this budget&#x27;s snapshots" in response.content.decode()
    response = finance_client.get(url, {"periods": "nonsense", "shown": "1"})
    assert "There is a problem" in response.content.decode()


def make_snapshot_for_another_budget(world):  # noqa: F811
    from finance.models import PooledBudget

    budget = world["budget"]
    other = PooledBudget.objects.create(agreement=budget.agreement, year=2025, created_by=budget.created_by)
    return Snapshot.objects.create(
        budget=other, as_of=datetime.date(2026, 3, 31), kind=SnapshotKind.MONTH_END, label="Q4"
    )


def test_budget_tables_without_snapshots(budget, finance_client):
    response = finance_client.get(reverse("finance:budget_tables", args=[budget.pk]))
    html = response.content.decode()
    assert "There are no snapshots of this budget yet" in html
    assert "Care packages summary 2026/27" in html


def test_budget_tables_query_count_is_flat(budget, amh, finance_client):
    url = reverse("finance:budget_tables", args=[budget.pk])
    make_snapshot(budget, datetime.date(2026, 4, 30), "Apr")

    def count(params):
        finance_client.get(url, params)
        with CaptureQueriesContext(connection) as ctx:
            response = finance_client.get(url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count({})
    for month in (6, 9, 12):
        make_snapshot(budget, datetime.date(2026, month, 28), f"M{month}", kind=SnapshotKind.ON_DEMAND)
    ids = list(Snapshot.objects.filter(budget=budget).values_list("pk", flat=True))
    many = count({"periods": ids})
    assert few == many


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_of_each_table(world, finance_client):  # noqa: F811
    budget = world["budget"]
    url = reverse("finance:budget_tables_export", args=[budget.pk, "csv"])
    periods = [world["apr"].pk, world["nov"].pk, world["q3"].pk]
    response = finance_client.get(url, {"periods": periods, "table": "summary"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-2026-care-packages-summary.csv"')
    rows = read_csv(response)
    assert rows[0] == ["", "", "Apr", "", "Nov", "", "Q3", "", "Variance", ""]
    assert rows[1] == ["Service line", "Budget"] + ["ISP", "Forecast"] * 4
    adjusted = rows[-1]
    assert adjusted[0] == "Adjusted total"
    expected = ["3109000", "2913000", "3109000", "3337000", "3567000", "3301000.50", "3469000.25"]
    assert [D(v) for v in adjusted[1:]] == [D(v) for v in [*expected, "192000.50", "360000.25"]]
    assert ["Other finance adjustments"] + [""] * 9 in rows

    rows = read_csv(finance_client.get(url, {"periods": periods, "table": "amh"}))
    assert rows[0][-2:] == ["Change from Nov", ""]
    residential = rows[2]
    assert residential[0] == "Residential"
    assert D(residential[-2]) == D("-112999.50")

    assert finance_client.get(url, {"table": "nope"}).status_code == 404
    assert finance_client.get(url).status_code == 404
    bad_format = reverse("finance:budget_tables_export", args=[budget.pk, "pdf"])
    assert finance_client.get(bad_format).status_code == 404


def test_xlsx_export_has_every_table_as_a_sheet(world, commissioner_client):  # noqa: F811
    budget = world["budget"]
    url = reverse("finance:budget_tables_export", args=[budget.pk, "xlsx"])
    response = commissioner_client.get(url, {"periods": [world["nov"].pk, world["q3"].pk]})
    assert response.status_code == 200
    workbook = read_xlsx(response)
    assert workbook.sheetnames == [
        "Care packages summary 2026 27",
        "Adult mental health (working ag",
        "Older people's mental health (O",
    ]
    amh = workbook["Adult mental health (working ag"]
    assert [c.value for c in amh[1]][:4] == [None, None, "Nov", None]
    rows = {r[0].value: [c.value for c in r] for r in amh.iter_rows(min_row=3)}
    assert rows["Total"][1:] == [
        2304000,
        2575000,
        2632000,
        2383000.5,
        2450000.25,
        79000.5,
        146000.25,
        -191999.5,
        -181999.75,
    ]
    assert amh.cell(row=rows_index(amh, "Total"), column=1).font.bold


def rows_index(sheet, label):
    for row in sheet.iter_rows(min_row=1):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(label)


# --- Staffing ---------------------------------------------------------------------------------


@pytest.fixture
def staffing_line(budget, council):
    return StaffingLine.objects.create(
        budget=budget,
        partner=council,
        group="AP",
        budget_amount=D("100294"),
        adjusted_budget=D("100294"),
        forecast=D("108877"),
    )


def test_staffing_page_defaults_to_the_latest_snapshot_month(world, staffing_line, finance_client):  # noqa: F811
    # Latest snapshot is Q3 (31 Dec 2026): 9 complete months.
    response = finance_client.get(reverse("finance:staffing_table", args=[world["budget"].pk]))
    assert response.context["as_of"] == datetime.date(2026, 12, 31)
    assert "75,221" in response.content.decode()  # 100,294 x 9/12 = 75,220.50


def test_staffing_page_chosen_month_and_export(budget, staffing_line, commissioner_client):
    url = reverse("finance:staffing_table", args=[budget.pk])
    response = commissioner_client.get(url, {"as_of": "2026-11-30"})
    html = response.content.decode()
    assert "66,863" in html  # seed 003: 100,294 x 8/12
    assert "as_of=2026-11-30" in html
    export = reverse("finance:staffing_table_export", args=[budget.pk, "csv"])
    rows = read_csv(commissioner_client.get(export, {"as_of": "2026-11-30"}))
    assert rows[0][0] == "Partner"
    assert rows[1][1] == "AP"
    assert [D(v) for v in rows[1][2:]] == [
        D(v) for v in ["100294", "100294", "66862.67", "0", "108877", "8583"]
    ]
    assert rows[-1][0] == "Grand total"
    workbook = read_xlsx(
        commissioner_client.get(
            reverse("finance:staffing_table_export", args=[budget.pk, "xlsx"]), {"as_of": "2026-11-30"}
        )
    )
    sheet = workbook[workbook.sheetnames[0]]
    assert sheet["E2"].value == pytest.approx(66862.67)


def test_staffing_page_rejects_a_day_outside_the_year(budget, staffing_line, finance_client):
    url = reverse("finance:staffing_table", args=[budget.pk])
    response = finance_client.get(url, {"as_of": "2025-11-30"})
    html = response.content.decode()
    assert "Select a month end in the financial year" in html
    assert "There is a problem" in html


@time_machine.travel(TODAY, tick=False)
def test_staffing_page_without_snapshots_uses_today(budget, staffing_line, finance_officer):
    response = signed_in(finance_officer).get(reverse("finance:staffing_table", args=[budget.pk]))
    assert response.context["as_of"] == datetime.date(2026, 12, 31)


# --- Risk share -------------------------------------------------------------------------------


def test_risk_share_page_and_exports(world, staffing_line, commissioner_client):  # noqa: F811
    budget = world["budget"]
    response = commissioner_client.get(reverse("finance:risk_share", args=[budget.pk]))
    html = response.content.decode()
    assert response.context["result"].snapshot == world["q3"]
    # 360,000.25 + 8,583 = 368,583.25 at 3:1 -> 276,437.4375 and 92,145.8125.
    assert "276,437.44" in html and "92,145.81" in html
    export = reverse("finance:risk_share_export", args=[budget.pk, "csv"])
    rows = read_csv(commissioner_client.get(export, {"snapshot": world["q3"].pk, "table": "shares"}))
    assert rows[-1] == ["Total", "4000000.00", "", "368583.25"]
    workbook = read_xlsx(
        commissioner_client.get(reverse("finance:risk_share_export", args=[budget.pk, "xlsx"]))
    )
    assert workbook.sheetnames == ["Forecast over- or underspend", "Risk share  in proportion to ea"]


def test_risk_share_for_a_chosen_snapshot_and_a_bad_choice(world, finance_client):  # noqa: F811
    url = reverse("finance:risk_share", args=[world["budget"].pk])
    response = finance_client.get(url, {"snapshot": world["apr"].pk})
    assert response.context["result"].snapshot == world["apr"]
    response = finance_client.get(url, {"snapshot": "999999"})
    assert "Select one of this budget&#x27;s snapshots" in response.content.decode()
    assert response.context["result"].snapshot == world["q3"]


def test_risk_share_without_a_snapshot(budget, finance_client):
    response = finance_client.get(reverse("finance:risk_share", args=[budget.pk]))
    assert "There is no snapshot of this budget yet" in response.content.decode()
    export = reverse("finance:risk_share_export", args=[budget.pk, "xlsx"])
    assert finance_client.get(export).status_code == 404


# --- Snapshots --------------------------------------------------------------------------------


def test_snapshot_list_paginated_filtered_and_flat(budget, finance_client, finance_officer):
    url = reverse("finance:snapshot_list", args=[budget.pk])
    make_snapshot(budget, datetime.date(2026, 4, 30), "Apr")

    def count(params=None):
        finance_client.get(url, params or {})
        with CaptureQueriesContext(connection) as ctx:
            response = finance_client.get(url, params or {})
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    few, _ = count()
    for n in range(30):
        Snapshot.objects.create(
            budget=budget,
            as_of=datetime.date(2026, 5, 1) + datetime.timedelta(days=n),
            kind=SnapshotKind.ON_DEMAND,
            label=f"{n + 1} May",
            taken_by=finance_officer,
        )
    many, response = count()
    assert few == many
    assert response.context["page_obj"].paginator.count == 31
    assert len(response.context["page_obj"].object_list) == 25
    assert "Fran Finance" in response.content.decode()
    _, response = count({"kind": "month_end"})
    assert [s.label for s in response.context["page_obj"].object_list] == ["Apr"]
    _, response = count({"page": "2"})
    assert [s.label for s in response.context["page_obj"].object_list][-1] == "Apr"


@time_machine.travel(TODAY, tick=False)
def test_finance_takes_a_snapshot_on_demand(budget, amh, finance_officer):
    pytest.importorskip("finance.services.snapshots")
    finance_client = signed_in(finance_officer)
    response = finance_client.post(reverse("finance:snapshot_take", args=[budget.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:snapshot_list", args=[budget.pk])
    snapshot = Snapshot.objects.get(budget=budget)
    assert (snapshot.kind, snapshot.as_of, snapshot.taken_by) == (
        SnapshotKind.ON_DEMAND,
        datetime.date(2027, 1, 15),
        finance_officer,
    )
    assert snapshot.lines.count() == budget.lines.count()
    page = finance_client.get(response["Location"])
    assert snapshot.label in page.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_refused_snapshot_shows_an_error(budget, finance_officer, monkeypatch):
    snapshots = pytest.importorskip("finance.services.snapshots")
    finance_client = signed_in(finance_officer)
    from cases.services import DomainError

    def refuse(**kwargs):
        raise DomainError("A snapshot can only be taken during the budget's financial year")

    monkeypatch.setattr(snapshots, "take_snapshot", refuse)
    response = finance_client.post(reverse("finance:snapshot_take", args=[budget.pk]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "only be taken during" in html


# --- Home panel -------------------------------------------------------------------------------


def test_commissioner_home_links_to_the_tables(budget, commissioner_client):
    response = commissioner_client.get(reverse("accounts:home"))
    assert reverse("finance:budget_tables", args=[budget.pk]) in response.content.decode()


def test_staffing_and_risk_share_query_counts_are_flat(budget, council, trust, finance_client):
    def count(url):
        finance_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = finance_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    urls = [
        reverse("finance:staffing_table", args=[budget.pk]),
        reverse("finance:risk_share", args=[budget.pk]),
    ]
    make_snapshot(budget, datetime.date(2026, 4, 30), "Apr")
    StaffingLine.objects.create(
        budget=budget, partner=council, group="AP", budget_amount=1, adjusted_budget=1, forecast=2
    )
    few = [count(url) for url in urls]
    for n in range(12):
        StaffingLine.objects.create(
            budget=budget, partner=trust, group=f"G{n}", budget_amount=1, adjusted_budget=1, forecast=2
        )
    for month in (5, 6, 7):
        make_snapshot(budget, datetime.date(2026, month, 28), f"M{month}", kind=SnapshotKind.ON_DEMAND)
    assert [count(url) for url in urls] == few
