"""Budget tables from hand-built snapshots (seed 003 s3.2) and the staffing table (s3.3):
every cell of the summary and a service-line table, variance, change and totals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance import tables
from finance import tables_staffing as staffing
from finance.models import (
    AdjustmentKind,
    BudgetLine,
    CareType,
    IncomeType,
    Snapshot,
    SnapshotKind,
    SnapshotLine,
    StaffingActual,
    StaffingLine,
)
from tests.finance.conftest import line

D = Decimal
APR = datetime.date(2026, 4, 30)
NOV = datetime.date(2026, 11, 30)
DEC = datetime.date(2026, 12, 31)


def make_snapshot(budget, as_of, label, figures=None, *, kind=SnapshotKind.MONTH_END, by=None, taken_at=None):
    """A snapshot written directly: one row per budget line, (commitment, forecast) from
    `figures` keyed by BudgetLine, zero for the rest (as take_snapshot writes them)."""
    figures = figures or {}
    extra = {"taken_at": taken_at} if taken_at else {}
    snapshot = Snapshot.objects.create(
        budget=budget, as_of=as_of, kind=kind, label=label, taken_by=by, **extra
    )
    SnapshotLine.objects.bulk_create(
        SnapshotLine(
            snapshot=snapshot,
            line=budget_line,
            commitment=D(str(figures.get(budget_line, (0, 0))[0])),
            forecast=D(str(figures.get(budget_line, (0, 0))[1])),
        )
        for budget_line in BudgetLine.objects.filter(budget=budget)
    )
    return snapshot


def set_amounts(budget, amounts):
    for budget_line, amount in amounts.items():
        BudgetLine.objects.filter(pk=budget_line.pk).update(amount=D(str(amount)))


@pytest.fixture
def world(budget, amh, opmh):
    """Seed-003-like figures in pounds: budget, and Apr, Nov and Q3 snapshots."""
    L = {
        "amh_res": line(budget, amh, CareType.RESIDENTIAL),
        "amh_nur": line(budget, amh, CareType.NURSING),
        "amh_health": line(budget, amh, IncomeType.HEALTH_CONTRIBUTIONS),
        "amh_client": line(budget, amh, IncomeType.CLIENT_CONTRIBUTIONS),
        "opmh_res": line(budget, opmh, CareType.RESIDENTIAL),
        "opmh_client": line(budget, opmh, IncomeType.CLIENT_CONTRIBUTIONS),
        "inflation": line(budget, None, AdjustmentKind.INFLATION),
        "prior": line(budget, None, AdjustmentKind.PRIOR_YEAR),
    }
    set_amounts(
        budget,
        {
            L["amh_res"]: 2178000,
            L["amh_nur"]: 544000,
            L["amh_health"]: -22000,
            L["amh_client"]: -396000,
            L["opmh_res"]: 1339000,
            L["opmh_client"]: -852000,
            L["inflation"]: 318000,
        },
    )
    apr = make_snapshot(
        budget,
        APR,
        "Apr",
        {
            L["amh_res"]: (2195000, 2178000),
            L["amh_nur"]: (548000, 544000),
            L["amh_health"]: (-22000, -22000),
            L["amh_client"]: (-440000, -396000),
            L["opmh_res"]: (1293000, 1339000),
            L["opmh_client"]: (-979000, -852000),
            L["inflation"]: (318000, 318000),
        },
    )
    nov = make_snapshot(
        budget,
        NOV,
        "Nov",
        {
            L["amh_res"]: (2442000, 2439000),
            L["amh_nur"]: (529000, 528000),
            L["amh_client"]: (-396000, -335000),
            L["opmh_res"]: (1503000, 1511000),
            L["opmh_client"]: (-947000, -857000),
            L["inflation"]: (206000, 206000),
            L["prior"]: (0, 75000),
        },
    )
    q3 = make_snapshot(
        budget,
        DEC,
        "Q3",
        {
            L["amh_res"]: ("2329000.50", "2327000.25"),
            L["amh_nur"]: (530000, 529000),
            L["amh_client"]: (-476000, -406000),
            L["opmh_res"]: (1660000, 1665000),
            L["opmh_client"]: (-948000, -927000),
            L["inflation"]: (206000, 206000),
            L["prior"]: (0, 75000),
        },
    )
    return {"budget": budget, "lines": L, "apr": apr, "nov": nov, "q3": q3}


def numbers(*values):
    return [D(str(v)) for v in values]


def row_of(table, label):
    (row,) = [r for r in table.rows if r.cells[0] == label]
    return row


def test_service_line_table_every_cell(world, amh):
    figures = tables.load_figures(world["budget"], [world["q3"], world["apr"], world["nov"]])
    table = tables.service_line_table(figures, amh)

    assert table.title == "Adult mental health (working age) (AMH)"
    assert table.columns == ["AMH activity", "Budget"] + ["ISP", "Forecast"] * 5
    assert table.column_groups == [
        ("", 2),
        ("Apr", 2),
        ("Nov", 2),
        ("Q3", 2),
        ("Variance", 2),
        ("Change from Nov", 2),
    ]
    labels = [r.cells[0] for r in table.rows]
    assert labels == [
        "Residential",
        "Nursing",
        "Domiciliary care",
        "Live-in care",
        "Supported living",
        "Day care",
        "Direct payments",
        "Other",
        "Expenditure total",
        "Health contributions",
        "Client contributions",
        "Income total",
        "Total",
    ]
    expected = {
        "Residential": numbers(
            2178000, 2195000, 2178000, 2442000, 2439000, "2329000.50", "2327000.25",
            "151000.50", "149000.25", "-112999.50", "-111999.75",
        ),
        "Nursing": numbers(
            544000, 548000, 544000, 529000, 528000, 530000, 529000, -14000, -15000, 1000, 1000
        ),
        "Domiciliary care": numbers(*[0] * 11),
        "Expenditure total": numbers(
            2722000, 2743000, 2722000, 2971000, 2967000, "2859000.50", "2856000.25",
            "137000.50", "134000.25", "-111999.50", "-110999.75",
        ),
        "Health contributions": numbers(-22000, -22000, -22000, 0, 0, 0, 0, 22000, 22000, 0, 0),
        "Client contributions": numbers(
            -396000, -440000, -396000, -396000, -335000, -476000, -406000, -80000, -10000, -80000, -71000
        ),
        "Income total": numbers(
            -418000, -462000, -418000, -396000, -335000, -476000, -406000, -58000, 12000, -80000, -71000
        ),
        "Total": numbers(
            2304000, 2281000, 2304000, 2575000, 2632000, "2383000.50", "2450000.25",
            "79000.50", "146000.25", "-191999.50", "-181999.75",
        ),
    }  # fmt: skip
    for label, cells in expected.items():
        assert row_of(table, label).cells[1:] == cells, label
    assert [r.kind for r in table.rows if r.kind == "total"] == ["total"] * 3
    assert row_of(table, "Expenditure total").is_total
    assert "Variance is Q3 (31 Dec 2026) minus the budget" in table.note
    assert "Change is Q3 minus Nov" in table.note


def test_summary_table_every_cell(world):
    figures = tables.load_figures(world["budget"], [world["apr"], world["nov"], world["q3"]])
    table = tables.summary_table(figures)

    assert table.title == "Care packages summary 2026/27"
    assert table.columns == ["Service line", "Budget"] + ["ISP", "Forecast"] * 4
    assert table.column_groups == [("", 2), ("Apr", 2), ("Nov", 2), ("Q3", 2), ("Variance", 2)]
    assert [(r.cells[0], r.kind) for r in table.rows] == [
        ("AMH", "body"),
        ("OPMH", "body"),
        ("Total", "total"),
        ("Other finance adjustments", "heading"),
        ("Inflation", "body"),
        ("Backdating risk", "body"),
        ("Prior-year liabilities", "body"),
        ("Expected demand", "body"),
        ("Other adjustment", "body"),
        ("Adjusted total", "total"),
    ]
    expected = {
        "AMH": numbers(
            2304000, 2281000, 2304000, 2575000, 2632000, "2383000.50", "2450000.25", "79000.50", "146000.25"
        ),
        "OPMH": numbers(487000, 314000, 487000, 556000, 654000, 712000, 738000, 225000, 251000),
        "Total": numbers(
            2791000, 2595000, 2791000, 3131000, 3286000, "3095000.50", "3188000.25", "304000.50", "397000.25"
        ),
        "Inflation": numbers(318000, 318000, 318000, 206000, 206000, 206000, 206000, -112000, -112000),
        "Backdating risk": numbers(*[0] * 9),
        "Prior-year liabilities": numbers(0, 0, 0, 0, 75000, 0, 75000, 0, 75000),
        "Adjusted total": numbers(
            3109000, 2913000, 3109000, 3337000, 3567000, "3301000.50", "3469000.25", "192000.50", "360000.25"
        ),
    }  # fmt: skip
    for label, cells in expected.items():
        assert row_of(table, label).cells[1:] == cells, label
    heading = row_of(table, "Other finance adjustments")
    assert heading.cells[1:] == [None] * 9


def test_one_period_has_variance_but_no_change(world, amh):
    figures = tables.load_figures(world["budget"], [world["nov"]])
    table = tables.service_line_table(figures, amh)
    assert table.column_groups == [("", 2), ("Nov", 2), ("Variance", 2)]
    assert row_of(table, "Residential").cells[1:] == numbers(2178000, 2442000, 2439000, 264000, 261000)
    assert "Change" not in table.note


def test_no_period_shows_the_budget_only(world, amh):
    figures = tables.load_figures(world["budget"], [])
    summary = tables.summary_table(figures)
    assert summary.columns == ["Service line", "Budget"]
    assert summary.column_groups == []
    assert row_of(summary, "Adjusted total").cells == ["Adjusted total", D("3109000")]
    assert row_of(tables.service_line_table(figures, amh), "Total").cells == ["Total", D("2304000")]


def test_a_line_added_after_the_snapshot_counts_as_nothing(world, budget, amh):
    from finance.models import FinanceServiceLine

    forensic = FinanceServiceLine.objects.get(short_name="Forensic")
    BudgetLine.objects.create(
        budget=budget, service_line=forensic, category=CareType.NURSING, amount=D("5000")
    )
    figures = tables.load_figures(budget, [world["q3"]])
    slugs = [s for s, _ in tables.budget_tables(figures)]
    assert slugs == ["summary", "amh", "opmh", "forensic"]
    forensic_row = row_of(tables.summary_table(figures), "Forensic")
    assert forensic_row.cells[1:] == numbers(5000, 0, 0, -5000, -5000)


def test_header_rows_span_like_seed_003(world):
    figures = tables.load_figures(world["budget"], [world["apr"], world["q3"]])
    top, bottom = tables.header_rows(tables.summary_table(figures))
    assert [(h["label"], h["colspan"], h["rowspan"], h["scope"]) for h in top] == [
        ("Service line", 1, 2, "col"),
        ("Budget", 1, 2, "col"),
        ("Apr", 2, 1, "colgroup"),
        ("Q3", 2, 1, "colgroup"),
        ("Variance", 2, 1, "colgroup"),
    ]
    assert [h["label"] for h in bottom] == ["ISP", "Forecast"] * 3
    assert [h["index"] for h in top] == [0, 1, 2, 4, 6]
    assert [h["index"] for h in bottom] == [2, 3, 4, 5, 6, 7]


def test_default_periods_april_quarter_ends_and_latest(budget):
    made = {
        label: make_snapshot(budget, day, label)
        for label, day in [
            ("Apr", APR),
            ("May", datetime.date(2026, 5, 31)),
            ("Q1", datetime.date(2026, 6, 30)),
            ("Jul", datetime.date(2026, 7, 31)),
            ("Q2", datetime.date(2026, 9, 30)),
            ("Oct", datetime.date(2026, 10, 31)),
        ]
    }
    on_demand = make_snapshot(budget, datetime.date(2026, 11, 23), "23 Nov", kind=SnapshotKind.ON_DEMAND)
    snapshots = tables.budget_snapshots(budget)
    assert [s.label for s in tables.default_periods(snapshots)] == ["Apr", "Q1", "Q2", "23 Nov"]
    assert tables.default_periods(snapshots)[-1] == on_demand
    assert tables.default_periods([made["May"]]) == [made["May"]]
    assert tables.default_periods([]) == []


def test_one_query_budget_however_many_periods(budget, amh, opmh):
    few = [make_snapshot(budget, APR, "Apr")]
    many = few + [
        make_snapshot(budget, datetime.date(2026, month, 28), f"M{month}", kind=SnapshotKind.ON_DEMAND)
        for month in range(5, 12)
    ]

    def count(snapshots):
        with CaptureQueriesContext(connection) as ctx:
            built = tables.budget_tables(tables.load_figures(budget, snapshots))
        assert built
        return len(ctx.captured_queries)

    assert count(few) == count(many) == 2


# --- Staffing (seed 003 s3.3) -------------------------------------------------------------------

SEED_STAFFING = {
    "council": [
        ("AP", 100294, 100294, 108877),
        ("Mgmt", 224452, 284252, 306467),
        ("AMH", 1160438, 1176938, 1157281),
        ("OPMH", 483126, 483126, 474112),
    ],
    "trust": [
        ("Mgmt", 413004, 363574, 322828),
        ("AMH", 492000, 451130, 360367),
        ("OPMH", 270100, 284100, 234369),
    ],
}


@pytest.fixture
def staffing_lines(budget, council, trust, finance_officer):
    made = {}
    for key, org in (("council", council), ("trust", trust)):
        for group, amount, adjusted, forecast in SEED_STAFFING[key]:
            made[(key, group)] = StaffingLine.objects.create(
                budget=budget,
                partner=org,
                group=group,
                budget_amount=D(amount),
                adjusted_budget=D(adjusted),
                forecast=D(forecast),
            )
    ap = made[("council", "AP")]
    for month, amount in [
        (datetime.date(2026, 3, 1), "7777"),  # last financial year: not counted
        (datetime.date(2026, 4, 1), "5000.50"),
        (datetime.date(2026, 11, 1), "4152.50"),
        (datetime.date(2026, 12, 1), "9999"),  # after the as-of month: not counted
    ]:
        StaffingActual.objects.create(line=ap, month=month, amount=D(amount), recorded_by=finance_officer)
    StaffingActual.objects.create(
        line=made[("trust", "AMH")],
        month=datetime.date(2026, 6, 1),
        amount=D("190110"),
        recorded_by=finance_officer,
    )
    return made


def test_complete_months_and_default_date(budget):
    assert staffing.complete_months(budget, datetime.date(2026, 4, 29)) == 0
    assert staffing.complete_months(budget, APR) == 1
    assert staffing.complete_months(budget, NOV) == 8
    assert staffing.complete_months(budget, datetime.date(2026, 12, 15)) == 8
    assert staffing.complete_months(budget, datetime.date(2027, 6, 1)) == 12
    assert staffing.default_as_of(budget, datetime.date(2026, 12, 15)) == NOV
    assert staffing.default_as_of(budget, DEC) == DEC
    assert staffing.default_as_of(budget, datetime.date(2026, 4, 10)) == APR
    assert staffing.default_as_of(budget, datetime.date(2027, 8, 1)) == datetime.date(2027, 3, 31)


def test_staffing_table_seed_003(budget, staffing_lines):
    with CaptureQueriesContext(connection) as ctx:
        table = staffing.staffing_table(budget, NOV)
    assert len(ctx.captured_queries) == 1
    assert table.columns[2:] == [
        "Budget (S75 estimate)",
        "Adjusted budget",
        "Adjusted budget to date",
        "Actual to date",
        "Forecast",
        "Variance (forecast − adjusted budget)",
    ]
    council, trust = "Northshire County Council", "Northshire Mental Health NHS Trust"
    rows = [(r.cells[0], r.cells[1], r.kind) for r in table.rows]
    assert rows == [
        (council, "AMH", "body"),
        (council, "AP", "body"),
        (council, "Mgmt", "body"),
        (council, "OPMH", "body"),
        (f"{council} total", "", "total"),
        (trust, "AMH", "body"),
        (trust, "Mgmt", "body"),
        (trust, "OPMH", "body"),
        (f"{trust} total", "", "total"),
        ("Grand total", "", "total"),
    ]
    by_key = {(r.cells[0], r.cells[1]): r.cells[2:] for r in table.rows}
    # Seed 003: AP adjusted 100,294 x 8/12 = 66,862.67 (66,863 in £); forecast − adjusted 8,583.
    assert by_key[(council, "AP")] == numbers(100294, 100294, "66862.67", "9153.00", 108877, 8583)
    assert by_key[(council, "Mgmt")] == numbers(224452, 284252, "189501.33", 0, 306467, 22215)
    assert by_key[(trust, "AMH")] == numbers(492000, 451130, "300753.33", 190110, 360367, -90763)
    # Seed 003 prints 2,046,736 and 2,126: its rows were rounded; these are the exact sums.
    assert by_key[(f"{council} total", "")] == numbers(
        1968310, 2044610, "1363073.33", "9153.00", 2046737, 2127
    )
    assert by_key[(f"{trust} total", "")] == numbers(1175104, 1098804, "732536.00", 190110, 917564, -181240)
    assert by_key[("Grand total", "")] == numbers(
        3143414, 3143414, "2095609.33", "199263.00", 2964301, -179113
    )


def test_staffing_before_the_first_month_end_counts_nothing(budget, staffing_lines):
    table = staffing.staffing_table(budget, datetime.date(2026, 4, 20))
    grand = table.rows[-1]
    assert grand.cells[4:6] == numbers(0, 0)


def test_staffing_table_without_lines_has_a_zero_grand_total(budget):
    table = staffing.staffing_table(budget, NOV)
    assert [r.cells for r in table.rows] == [["Grand total", "", *numbers(0, 0, 0, 0, 0, 0)]]
