"""The deep-dive pages (seed 003 s3.4): top 10, high-cost reviews, live-in packages and the
trend of package numbers against unit cost; access, the access log, exports, query counts.

Today is Monday 23 November 2026, in the 2026/27 budget year."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import AccessAction, AccessBasis, AccessLog
from finance import deep_dive as dd
from finance.models import Agreement, BudgetLine, CareType, PackageCost, PackageStatus, PooledBudget
from finance.registrations.deep_dive import _context as home_panel_context
from tests.careact.conftest import open_case
from tests.factories import PersonFactory

from .conftest import line, make_package

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
D = datetime.date
NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def new_case(north_team, practitioner, manager):
    """A case for a new person each call (each person is one access-log row)."""

    def make():
        return open_case(PersonFactory(), north_team, practitioner, manager)

    return make


def package(case, budget, service_line, care_type, weekly_cost, started_on, *, by, reviewed=None, **kwargs):
    made = make_package(
        case=case,
        budget_line=line(budget, service_line, care_type),
        weekly_cost=weekly_cost,
        started_on=started_on,
        by=by,
        **kwargs,
    )
    if reviewed:
        made.last_reviewed_on = reviewed
        made.save(update_fields=["last_reviewed_on"])
    return made


@pytest.fixture
def world(budget, amh, opmh, new_case, practitioner):
    """Packages known on 23 Nov 2026 (weekly cost today; review basis = last review or start):

    A  AMH residential  1,500  from 1 Apr 2026, never reviewed (7 months)   person P1
    B  AMH residential    900  from 10 Jan 2026                             person P1 too
    C  OPMH nursing     2,000  from 1 Jun 2025, reviewed 1 Aug 2026 (3 months)
    D  AMH live-in      1,200  from 20 May 2026, never reviewed (6 months exactly)
    E  AMH live-in      1,000  1 Jun - 31 Oct 2026: ended, never shown
    F  AMH domiciliary    300  from 1 Apr 2026; 1,100 from 1 Dec 2026 (future)
    G  AMH residential  1,000  from 1 Feb 2026, reviewed 23 May 2026 (6 months exactly)
    H  AMH residential  3,000  requested, not started: never shown
    I  OPMH live-in       800  from 1 Sep 2026, never reviewed
    J  a package of another agreement's budget: never shown
    """
    by = practitioner
    p1 = new_case()
    made = {
        "A": package(p1, budget, amh, CareType.RESIDENTIAL, "1500", D(2026, 4, 1), by=by),
        "B": package(p1, budget, amh, CareType.RESIDENTIAL, "900", D(2026, 1, 10), by=by),
        "C": package(
            new_case(), budget, opmh, CareType.NURSING, "2000", D(2025, 6, 1), by=by, reviewed=D(2026, 8, 1)
        ),
        "D": package(new_case(), budget, amh, CareType.LIVE_IN, "1200", D(2026, 5, 20), by=by),
        "E": package(
            new_case(), budget, amh, CareType.LIVE_IN, "1000", D(2026, 6, 1), by=by, ended_on=D(2026, 10, 31)
        ),
        "F": package(new_case(), budget, amh, CareType.DOMICILIARY, "300", D(2026, 4, 1), by=by),
        "G": package(
            new_case(),
            budget,
            amh,
            CareType.RESIDENTIAL,
            "1000",
            D(2026, 2, 1),
            by=by,
            reviewed=D(2026, 5, 23),
        ),
        "H": make_package(
            case=new_case(),
            budget_line=line(budget, amh, CareType.RESIDENTIAL),
            weekly_cost="3000",
            planned_start=D(2026, 12, 1),
            status=PackageStatus.REQUESTED,
            by=by,
        ),
        "I": package(new_case(), budget, opmh, CareType.LIVE_IN, "800", D(2026, 9, 1), by=by),
    }
    PackageCost.objects.create(
        package=made["F"], effective_from=D(2026, 12, 1), weekly_cost=Decimal("1100"), recorded_by=by
    )
    other = Agreement.objects.create(
        name="Another Section 75",
        kind=budget.agreement.kind,
        host=budget.agreement.host,
        starts_on=D(2024, 4, 1),
        risk_share_rule=budget.agreement.risk_share_rule,
        created_by=by,
    )
    other_budget = PooledBudget.objects.create(agreement=other, year=2026, created_by=by)
    later_line = BudgetLine.objects.create(
        budget=other_budget, service_line=amh, category=CareType.RESIDENTIAL
    )
    made["J"] = make_package(
        case=new_case(), budget_line=later_line, weekly_cost="5000", started_on=D(2026, 4, 1), by=by
    )
    return made


def refs(rows, world) -> list[str]:
    names = {p.reference: key for key, p in world.items()}
    return [names[row.reference] for row in rows]


def url(name, budget, **query):
    address = reverse(f"finance:{name}", args=[budget.pk])
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


# --- Selectors: the lists against the known set ------------------------------------------


def test_top_packages_by_weekly_cost_today(budget, world):
    rows = dd.package_rows(dd.top_packages(budget, TODAY), TODAY)
    assert refs(rows, world) == ["C", "A", "D", "G", "B", "I", "F"]
    c = rows[0]
    assert (c.care_type, c.service_line, c.provider) == ("Nursing", "OPMH", "Riverside Care Ltd")
    assert c.weekly_cost == Decimal("2000.00")
    assert c.annual_equivalent == Decimal("104285.71")  # 2,000 / 7 x 365
    assert (c.started_on, c.last_reviewed_on, c.last_reviewed) == (
        D(2025, 6, 1),
        D(2026, 8, 1),
        D(2026, 8, 1),
    )
    assert rows[-1].weekly_cost == Decimal("300.00")  # the December rise is not in force yet
    assert rows[1].last_reviewed == "Never"
    assert re.fullmatch(r"\d{3} \d{3} \d{4}", c.nhs_number)


def test_top_packages_stops_at_ten(budget, amh, new_case, practitioner):
    case = new_case()
    for i in range(12):
        package(case, budget, amh, CareType.RESIDENTIAL, 500 + i, D(2026, 4, 1), by=practitioner)
    rows = dd.top_packages(budget, TODAY)
    assert [p.weekly_cost for p in rows] == [Decimal(511 - i) for i in range(10)]


def test_high_cost_not_reviewed_defaults(budget, world):
    rows = dd.package_rows(dd.high_cost_unreviewed(budget, TODAY), TODAY)
    # At least 1,000 a week and 6 months or more since review (or start): longest wait first.
    assert refs(rows, world) == ["A", "D", "G"]
    assert [r.months_since_review for r in rows] == [7, 6, 6]


def test_high_cost_filters(budget, world, opmh):
    three_months = dd.high_cost_unreviewed(budget, TODAY, months=3)
    assert refs(dd.package_rows(three_months, TODAY), world) == ["A", "D", "G", "C"]
    dearer = dd.high_cost_unreviewed(budget, TODAY, min_weekly_cost=Decimal("1500"), months=3)
    assert refs(dd.package_rows(dearer, TODAY), world) == ["A", "C"]
    in_opmh = dd.high_cost_unreviewed(budget, TODAY, months=3, service_line=opmh)
    assert refs(dd.package_rows(in_opmh, TODAY), world) == ["C"]


def test_live_in_packages(budget, world, amh):
    rows = dd.package_rows(dd.live_in_packages(budget, TODAY), TODAY)
    assert refs(rows, world) == ["D", "I"]  # E ended in October
    assert [r.months_since_review for r in rows] == [6, 2]
    assert refs(dd.package_rows(dd.live_in_packages(budget, TODAY, service_line=amh), TODAY), world) == ["D"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 11, 23), 6, D(2026, 5, 23)),
        (D(2026, 8, 31), 6, D(2026, 2, 28)),
        (D(2028, 8, 31), 6, D(2028, 2, 29)),
        (D(2027, 1, 15), 3, D(2026, 10, 15)),
    ],
)
def test_months_before_and_between_agree(day, months, expected):
    assert dd.months_before(day, months) == expected
    assert dd.months_between(expected, day) == months
    assert dd.months_between(expected + datetime.timedelta(days=1), day) == months - 1


# --- Pages: access, the log, exports ------------------------------------------------------

PAGES = ["deep_dive", "deep_dive_high_cost", "deep_dive_live_in", "deep_dive_trend"]


def test_top_page_lists_and_logs_each_person_once(budget, world, finance_client, finance_officer):
    response = finance_client.get(url("deep_dive", budget))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        page.index(world["C"].reference) < page.index(world["A"].reference) < page.index(world["F"].reference)
    )
    assert world["E"].reference not in page and world["H"].reference not in page
    assert world["J"].reference not in page
    assert world["C"].person.display_name in page and world["C"].person.formatted_nhs_number in page
    assert "104,286" in page  # C's annual equivalent, in pounds
    logs = AccessLog.objects.filter(user=finance_officer)
    # Seven packages, six people (P1 holds A and B): one row each.
    assert logs.count() == 6
    assert set(logs.values_list("person_id", flat=True)) == {
        world[k].person_id for k in ("A", "C", "D", "F", "G", "I")
    }
    assert set(logs.values_list("basis", "action", "what")) == {
        (AccessBasis.FINANCE, AccessAction.VIEW, "finance deep dive: top 10 most expensive")
    }
    assert logs.first().organisation == finance_officer.memberships.first().team.organisation


def test_high_cost_page(budget, world, finance_client, finance_officer):
    response = finance_client.get(url("deep_dive_high_cost", budget))
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 packages" in page
    assert (
        page.index(world["A"].reference) < page.index(world["D"].reference) < page.index(world["G"].reference)
    )
    assert world["C"].reference not in page
    assert 'value="1000"' in page and 'value="6"' in page
    assert (
        AccessLog.objects.filter(user=finance_officer, what="finance deep dive: high-cost reviews").count()
        == 3
    )
    response = finance_client.get(url("deep_dive_high_cost", budget, min_weekly_cost="1500", months="3"))
    page = response.content.decode()
    assert world["C"].reference in page and world["D"].reference not in page


def test_high_cost_filter_errors_keep_input_and_show_no_one(budget, world, finance_client, finance_officer):
    response = finance_client.get(url("deep_dive_high_cost", budget, min_weekly_cost="lots", months="0"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a weekly cost in pounds, like 1000" in page
    assert "Enter the number of months since the last review, from 1 to 60" in page
    assert 'value="lots"' in page
    assert world["A"].reference not in page
    assert not AccessLog.objects.filter(user=finance_officer).exists()


def test_high_cost_page_is_paginated(budget, amh, new_case, finance_client, practitioner):
    case = new_case()
    for _ in range(dd.PAGE_SIZE + 2):
        package(case, budget, amh, CareType.RESIDENTIAL, "1200", D(2026, 1, 1), by=practitioner)
    page_two = finance_client.get(url("deep_dive_high_cost", budget, page="2")).content.decode()
    assert f"{dd.PAGE_SIZE + 2} packages" in page_two
    assert len(re.findall(r"PKG-T\d{5}", page_two)) == 2


def test_live_in_page(budget, world, finance_client, finance_officer):
    page = finance_client.get(url("deep_dive_live_in", budget)).content.decode()
    assert world["D"].reference in page and world["I"].reference in page
    assert world["E"].reference not in page
    assert AccessLog.objects.filter(user=finance_officer, what="finance deep dive: live-in care").count() == 2


def test_trust_finance_officer_is_a_partner_and_may_see(budget, world, trust_finance_officer, client):
    client.force_login(trust_finance_officer)
    for name in PAGES:
        assert client.get(url(name, budget)).status_code == 200


@pytest.mark.parametrize("who", ["practitioner_client", "commissioner_client", "stranger_client"])
def test_others_get_404_and_nothing_is_logged(budget, world, who, request):
    client = request.getfixturevalue(who)
    for name in PAGES:
        assert client.get(url(name, budget)).status_code == 404, name
    export = reverse("finance:deep_dive_export", args=[budget.pk, "top", "csv"])
    assert client.get(export).status_code == 404
    assert not AccessLog.objects.exists()


def test_unknown_budget_or_download_is_404(budget, finance_client):
    assert finance_client.get(reverse("finance:deep_dive", args=[budget.pk + 999])).status_code == 404
    for page, fmt in (("nope", "csv"), ("top", "pdf")):
        assert (
            finance_client.get(reverse("finance:deep_dive_export", args=[budget.pk, page, fmt])).status_code
            == 404
        )


def test_csv_export_of_the_top_list_logs_an_export(budget, world, finance_client, finance_officer):
    response = finance_client.get(reverse("finance:deep_dive_export", args=[budget.pk, "top", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="deep-dive-top-2026.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Package",
        "Person",
        "NHS number",
        "Care type",
        "Service line",
        "Provider",
        "Weekly cost (£)",
        "Annual equivalent (£)",
        "Started",
        "Last reviewed",
    ]
    c = world["C"]
    assert rows[1] == [
        c.reference,
        c.person.display_name,
        c.person.formatted_nhs_number,
        "Nursing",
        "OPMH",
        "Riverside Care Ltd",
        "2000.00",
        "104285.71",
        "2025-06-01",
        "2026-08-01",
    ]
    assert len(rows) == 8
    exports = AccessLog.objects.filter(user=finance_officer, action=AccessAction.EXPORT)
    assert exports.count() == 6


def test_xlsx_export_keeps_the_filters_and_every_row(budget, world, finance_client, finance_officer):
    address = reverse("finance:deep_dive_export", args=[budget.pk, "high-cost", "xlsx"]) + "?months=3"
    response = finance_client.get(address)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][-1] == "Months since review (or start)"
    assert [row[0] for row in values[1:]] == [world[k].reference for k in ("A", "D", "G", "C")]
    assert values[1][6] == 1500
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 4


def test_live_in_export(budget, world, finance_client):
    response = finance_client.get(reverse("finance:deep_dive_export", args=[budget.pk, "live-in", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "Care type" not in rows[0]
    assert [r[0] for r in rows[1:]] == [world["D"].reference, world["I"].reference]


# --- The trend ----------------------------------------------------------------------------


@pytest.fixture
def trend_world(budget, amh, opmh, new_case, practitioner):
    """AMH residential, month ends 30 Apr - 31 Oct 2026:

    R1  1,000  from 1 Mar 2026
    R2  1,200  from 15 May 2026; 1,300 from 1 Aug 2026
    R3    800  10 Apr - 30 Jun 2026 (live on 30 Jun, its last day)
    R4  1,100  from 30 Sep 2026
    plus R5 OPMH residential 5,000 from 1 Apr 2026 and R6 AMH nursing 700 from 1 Apr 2026.
    """
    by = practitioner
    r2 = package(new_case(), budget, amh, CareType.RESIDENTIAL, "1200", D(2026, 5, 15), by=by)
    PackageCost.objects.create(
        package=r2, effective_from=D(2026, 8, 1), weekly_cost=Decimal("1300"), recorded_by=by
    )
    package(new_case(), budget, amh, CareType.RESIDENTIAL, "1000", D(2026, 3, 1), by=by)
    package(
        new_case(), budget, amh, CareType.RESIDENTIAL, "800", D(2026, 4, 10), by=by, ended_on=D(2026, 6, 30)
    )
    package(new_case(), budget, amh, CareType.RESIDENTIAL, "1100", D(2026, 9, 30), by=by)
    package(new_case(), budget, opmh, CareType.RESIDENTIAL, "5000", D(2026, 4, 1), by=by)
    package(new_case(), budget, amh, CareType.NURSING, "700", D(2026, 4, 1), by=by)


EXPECTED_AMH_RESIDENTIAL = [
    (D(2026, 4, 30), 2, "1800", "900.00"),
    (D(2026, 5, 31), 3, "3000", "1000.00"),
    (D(2026, 6, 30), 3, "3000", "1000.00"),
    (D(2026, 7, 31), 2, "2200", "1100.00"),
    (D(2026, 8, 31), 2, "2300", "1150.00"),
    (D(2026, 9, 30), 3, "3400", "1133.33"),
    (D(2026, 10, 31), 3, "3400", "1133.33"),
]


def test_trend_by_hand(budget, amh, trend_world):
    points = dd.care_type_trend(budget, care_type=CareType.RESIDENTIAL, service_line=amh)
    assert [(p.month_end, p.packages, p.total_weekly_cost, p.average_weekly_cost) for p in points] == [
        (day, n, Decimal(total), Decimal(average)) for day, n, total, average in EXPECTED_AMH_RESIDENTIAL
    ]
    assert dd.trend_sentence(points) == (
        "Packages up 50% and average weekly cost up 26% since the end of April 2026: growth is mainly "
        "in demand (the number of packages) rather than unit cost. From 2 to 3 packages; average weekly "
        "cost £900 to £1,133."
    )


def test_trend_across_service_lines_and_care_types(budget, trend_world):
    residential = dd.care_type_trend(budget, care_type=CareType.RESIDENTIAL)
    assert (residential[0].packages, residential[0].average_weekly_cost) == (3, Decimal("2266.67"))  # with R5
    everything = dd.care_type_trend(budget)
    assert (everything[0].packages, everything[0].total_weekly_cost) == (4, Decimal("7500"))  # with R6


def test_trend_month_ends_are_the_year_so_far(budget):
    assert dd.month_ends(budget) == [day for day, *_ in EXPECTED_AMH_RESIDENTIAL]
    assert len(dd.month_ends(budget, today=D(2027, 6, 1))) == 12
    assert dd.month_ends(budget, today=D(2026, 4, 29)) == []
    assert dd.month_ends(budget, today=D(2026, 4, 30)) == [D(2026, 4, 30)]


def point(month, packages, average):
    average = Decimal(average) if average is not None else None
    return dd.TrendPoint(D(2026, month, 28), packages, (average or 0) * packages, average)


DEMAND = "demand (the number of packages) rather than unit cost"
UNIT_COST = "unit cost (the average weekly cost of a package) rather than demand"
SINCE_APRIL = "since the end of April 2026"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (
            [point(4, 10, "1000"), point(9, 10, "1180")],
            f"Packages unchanged and average weekly cost up 18% {SINCE_APRIL}: growth is mainly in "
            f"{UNIT_COST}. From 10 to 10 packages; average weekly cost £1,000 to £1,180.",
        ),
        (
            [point(4, 10, "1000"), point(9, 8, "1050")],
            f"Packages down 20% and average weekly cost up 5% {SINCE_APRIL}: the fall is mainly in {DEMAND}. "
            "From 10 to 8 packages; average weekly cost £1,000 to £1,050.",
        ),
        (
            [point(4, 10, "1000"), point(9, 11, "1100")],
            f"Packages up 10% and average weekly cost up 10% {SINCE_APRIL}: demand and unit cost changed in "
            "the same proportion. From 10 to 11 packages; average weekly cost £1,000 to £1,100.",
        ),
        (
            [point(4, 10, "1000"), point(9, 12, "900")],
            f"Packages up 20% and average weekly cost down 10% {SINCE_APRIL}: growth is mainly in {DEMAND}. "
            "From 10 to 12 packages; average weekly cost £1,000 to £900.",
        ),
        (
            [point(4, 10, "1000"), point(9, 10, "1000")],
            f"Packages and average weekly cost unchanged {SINCE_APRIL}: 10 packages, £1,000 a week on "
            "average.",
        ),
        (
            [point(4, 0, None), point(5, 4, "500"), point(9, 5, "500")],
            "Packages up 25% and average weekly cost unchanged since the end of May 2026: growth is "
            f"mainly in {DEMAND}. From 4 to 5 packages; average weekly cost £500 to £500.",
        ),
        (
            [point(4, 3, "500"), point(9, 0, None)],
            "No packages of this kind were live at the end of September 2026, against 3 at the end of "
            "April 2026.",
        ),
        ([point(4, 0, None), point(9, 0, None)], "No packages of this kind were live at these month ends."),
        (
            [point(4, 0, None), point(9, 2, "10")],
            "Packages of this kind were live only at the end of September 2026.",
        ),
        (
            [point(4, 3, "10")],
            "The trend needs two month ends; it starts at the end of the year's first month.",
        ),
    ],
)
def test_trend_sentence(points, expected):
    assert dd.trend_sentence(points) == expected


def chart_of(page: str) -> ET.Element:
    svg = re.search(r"<svg xmlns=.*?</svg>", page, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314 (our own page, not untrusted input)


def test_trend_page_chart_table_and_sentence(budget, amh, trend_world, finance_client, finance_officer):
    response = finance_client.get(
        url("deep_dive_trend", budget, care_type="residential", service_line=amh.pk)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Packages up 50% and average weekly cost up 26% since the end of April 2026" in page
    svg = chart_of(page)
    assert svg.get("role") == "img"
    assert svg.find("svg:title", NS).text.startswith("Residential packages, AMH, 2026/27")
    assert (
        "Packages (solid line with filled circles, on the left scale): 2 at 30 Apr 2026"
        in svg.find("svg:desc", NS).text
    )
    groups = svg.findall(".//svg:g[@class='app-chart__series']", NS)
    assert [g.get("data-series") for g in groups] == ["Packages", "Average weekly cost"]
    for group in groups:
        d = group.find("svg:path", NS).get("d")
        assert len(re.findall(r"[ML][\d.]+ [\d.]+", d)) == 7
    # The same figures as a table beside the chart.
    assert "1,133" in page and "<caption" in page
    assert not AccessLog.objects.filter(user=finance_officer).exists()  # no one is named


def test_trend_defaults_to_residential_and_rejects_a_bad_care_type(budget, trend_world, finance_client):
    page = finance_client.get(url("deep_dive_trend", budget)).content.decode()
    assert "Residential packages, all service lines" in page
    page = finance_client.get(url("deep_dive_trend", budget, care_type="castle")).content.decode()
    assert "Select a care type from the list" in page


def test_trend_export(budget, amh, trend_world, finance_client):
    address = reverse("finance:deep_dive_export", args=[budget.pk, "trend", "csv"])
    response = finance_client.get(f"{address}?care_type=residential&service_line={amh.pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month end", "Packages", "Average weekly cost (£)", "Total weekly cost (£)"]
    assert rows[1] == ["2026-04-30", "2", "900.00", "1800.00"]
    assert rows[-1] == ["2026-10-31", "3", "1133.33", "3400.00"]
    xlsx = finance_client.get(reverse("finance:deep_dive_export", args=[budget.pk, "trend", "xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "Month end"


# --- Query counts -------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_packages(
    name, budget, amh, opmh, new_case, finance_client, practitioner
):
    case = new_case()  # people do not change the count: the log is one INSERT whatever their number

    def add(n):
        for _ in range(n):
            for care_type in (CareType.RESIDENTIAL, CareType.LIVE_IN):
                made = package(case, budget, amh, care_type, "1500", D(2026, 1, 5), by=practitioner)
                PackageCost.objects.create(
                    package=made,
                    effective_from=D(2026, 7, 1),
                    weekly_cost=Decimal("1600"),
                    recorded_by=practitioner,
                )

    add(1)
    address = url(name, budget)
    count_queries(finance_client, address)  # warm caches (content types, sessions)
    few = count_queries(finance_client, address)
    add(12)
    many = count_queries(finance_client, address)
    assert few == many


# --- Home panel ---------------------------------------------------------------------------


def test_home_panel_counts_high_cost_packages_due_review(budget, world, finance_officer, rf):
    request = rf.get("/")
    request.user = finance_officer
    context = home_panel_context(request)
    assert context["counts"] == [(budget, 3)]


def test_home_panel_hidden_when_nothing_is_due(budget, finance_officer, rf, finance_client):
    request = rf.get("/")
    request.user = finance_officer
    assert home_panel_context(request) is None
    assert "High-cost packages due a review" not in finance_client.get("/").content.decode()


def test_home_page_shows_the_panel(budget, world, finance_client):
    page = finance_client.get("/").content.decode()
    assert "High-cost packages due a review" in page
    assert reverse("finance:deep_dive_high_cost", args=[budget.pk]) in page
