"""Board report sections "indicators", "activity", "compliance", "actions" and "risks" (issue 8).

Each builder runs over a known world (tests/reporting/sections_world.py) and its tables are
checked cell by cell against figures the test works out itself from the world's own
description (or by hand), never with the builders' helpers. Also: public suppression (3 ->
"*", 0 stays 0, 5 stays 5), the period's first and last days counted and the day after not,
query counts that do not grow with the period or the rows, and output that survives
json.dumps.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.exports import table_from_data
from accounts.models import ServiceLine
from reporting.sections import SectionRequest, get_section, registered_sections
from tests.careact.conftest import make_assessment, make_plan
from tests.factories import PersonFactory, make_team
from tests.reporting.sections_world import (
    OPEN,
    PERIOD_END,
    PERIOD_START,
    ActivityWorld,
    action_plan,
    action_specs,
    as_at,
    at,
    before_end,
    care_act_world,
    expected_activity,
    expected_cells,
    expected_status,
    indicator_values,
    level,
    month_spans,
    percent,
    referred_case,
    review,
    risk_register,
    risk_specs,
)

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = PERIOD_START, PERIOD_END


def build(key, start=START, end=END, public=False) -> dict:
    return get_section(key).build(SectionRequest(period_start=start, period_end=end, is_public=public))


def tables(figures) -> list:
    return [table_from_data(t) for t in figures["tables"]]


def rows(table, kind=None) -> list[list]:
    return [r.cells for r in table.rows if kind is None or r.kind == kind]


def queries(key, start=START, end=END, public=False) -> int:
    with CaptureQueriesContext(connection) as ctx:
        build(key, start, end, public)
    return len(ctx.captured_queries)


def test_the_five_sections_are_registered_with_their_titles():
    titles = {s.key: s.title for s in registered_sections()}
    assert titles["indicators"] == "Performance indicators"
    assert titles["activity"] == "Activity"
    assert titles["compliance"] == "Care Act compliance"
    assert titles["actions"] == "Partnership action plan"
    assert titles["risks"] == "Joint risk register"
    keys = [s.key for s in registered_sections() if s.key in titles]
    assert keys.index("indicators") < keys.index("activity") < keys.index("compliance")
    assert keys.index("compliance") < keys.index("actions") < keys.index("risks")


# --- Activity ---------------------------------------------------------------------------------


@pytest.fixture
def teams(council):
    return [
        make_team("Activity North", council, ServiceLine.WORKING_AGE, "North"),
        make_team("Activity South", council, ServiceLine.WORKING_AGE, "South"),
        make_team("Older People East", council, ServiceLine.OLDER_PEOPLE, "East"),
    ]


@pytest.fixture
def activity_world(teams):
    world = ActivityWorld()
    world.add_random(teams, 160)
    world.save()
    return world


def test_activity_by_month_matches_the_world(activity_world):
    monthly, by_line = tables(build("activity"))
    expected = expected_activity(activity_world, START, END)
    assert monthly.columns == [
        "Month",
        "Referrals received",
        "Referrals allocated",
        "Cases opened",
        "Cases closed",
        "Open cases at month end",
    ]
    assert rows(monthly, "body") == [[label, *figures] for label, figures in expected.items()]
    sums = [sum(f[i] for f in expected.values()) for i in range(4)]
    assert rows(monthly, "total") == [["Total", *sums, None]]
    assert sum(sums) > 50  # the world is busy enough for the comparison to mean something


def test_activity_by_service_line_matches_the_world(activity_world):
    _, by_line = tables(build("activity"))
    expected_rows = []
    for line in (ServiceLine.WORKING_AGE, ServiceLine.OLDER_PEOPLE):
        months = list(expected_activity(activity_world, START, END, line).values())
        expected_rows.append([line.label, *[sum(m[i] for m in months) for i in range(4)], months[-1][4]])
    assert rows(by_line, "body") == expected_rows
    assert rows(by_line, "total") == [
        ["All service lines", *[sum(r[i] for r in expected_rows) for i in (1, 2, 3, 4, 5)]]
    ]
    assert by_line.columns[-1] == "Open cases at 30 September 2026"


def test_activity_chart_and_summary(activity_world):
    figures = build("activity")
    expected = expected_activity(activity_world, START, END)
    (chart,) = figures["charts"]
    assert chart["labels"] == ["Apr 2026", "May 2026", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026"]
    assert [s["name"] for s in chart["series"]] == ["Referrals received", "Referrals allocated"]
    assert chart["series"][0]["values"] == [f[0] for f in expected.values()]
    assert chart["series"][1]["values"] == [f[1] for f in expected.values()]
    received = sum(f[0] for f in expected.values())
    open_at_end = expected["September 2026"][4]
    assert figures["summary"][0].startswith(
        f"From 1 April 2026 to 30 September 2026, {received:,} referrals were"
    )
    assert f"{open_at_end:,} cases were open at 30 September 2026." in figures["summary"][1]


def test_activity_over_twelve_months_and_a_part_month(activity_world):
    """A period that starts and ends mid-month counts only its own days."""
    start, end = D(2025, 10, 15), D(2026, 10, 10)
    monthly, _ = tables(build("activity", start, end))
    expected = expected_activity(activity_world, start, end)
    assert len(expected) == 13
    assert rows(monthly, "body") == [[label, *figures] for label, figures in expected.items()]


def test_activity_counts_the_first_and_last_day_and_not_the_day_after(north_team, practitioner):
    world = ActivityWorld()
    world.referral(north_team, at(2026, 3, 31, 23, 59, 59))  # the day before: out
    world.referral(north_team, at(2026, 4, 1, 0, 0, 0), allocated_at=at(2026, 4, 1, 0, 0, 0))  # in (BST)
    world.referral(north_team, at(2026, 9, 30, 23, 59, 59), allocated_at=at(2026, 9, 30, 23, 59, 59))  # in
    world.referral(north_team, at(2026, 10, 1, 0, 0, 0), allocated_at=at(2026, 10, 1, 0, 0, 0))  # out
    world.case(north_team, (at(2026, 3, 31, 23, 59), OPEN), (at(2026, 10, 1, 0, 0), "closed"))
    world.case(north_team, (at(2026, 4, 1, 0, 0), OPEN), (at(2026, 9, 30, 23, 59), "closed"))
    world.case(north_team, (at(2026, 9, 30, 23, 59), OPEN))
    world.case(north_team, (at(2026, 10, 1, 0, 0), OPEN))
    world.save()
    monthly, by_line = tables(build("activity"))
    body = {r[0]: r[1:] for r in rows(monthly, "body")}
    assert body["April 2026"] == [1, 1, 1, 0, 2]
    assert body["May 2026"] == [0, 0, 0, 0, 2]
    assert body["September 2026"] == [1, 1, 1, 1, 2]
    assert rows(by_line, "body") == [["Working-age adult mental health", 2, 2, 2, 1, 2]]


def test_activity_suppresses_small_counts_in_a_public_report(north_team):
    world = ActivityWorld()
    for day in (5, 6, 7):
        world.referral(north_team, at(2026, 1, day))
    for day in (2, 3, 4, 5, 6):
        world.referral(north_team, at(2026, 3, day), allocated_at=at(2026, 3, day + 1))
    world.save()
    start, end = D(2026, 1, 1), D(2026, 3, 31)
    figures = build("activity", start, end, public=True)
    monthly, by_line = tables(figures)
    assert rows(monthly, "body") == [
        ["January 2026", "*", 0, 0, 0, 0],
        ["February 2026", 0, 0, 0, 0, 0],
        ["March 2026", 5, 5, 0, 0, 0],
    ]
    assert rows(monthly, "total") == [["Total", 8, 5, 0, 0, None]]
    assert "suppressed" in monthly.note
    assert figures["charts"][0]["series"][0]["values"] == [None, 0, 5]  # the chart cannot show a 3
    assert any(term == "*" for term, _ in figures["definitions"])
    private = tables(build("activity", start, end))[0]
    assert rows(private, "body")[0] == ["January 2026", 3, 0, 0, 0, 0]
    assert private.note == "The last month's open cases are as at 31 March 2026."
    assert "8 referrals were received and 5 were allocated" in figures["summary"][0]


def test_activity_query_count_does_not_grow(teams):
    world = ActivityWorld()
    world.add_random(teams, 10, seed=1)
    world.save()
    one_month = queries("activity", D(2026, 9, 1), D(2026, 9, 30))
    twelve = queries("activity", D(2025, 10, 1), D(2026, 9, 30))
    world.add_random(teams, 80, seed=2)
    world.save()
    more_rows = queries("activity", D(2025, 10, 1), D(2026, 9, 30))
    assert one_month == twelve == more_rows == 4


# --- Indicators -------------------------------------------------------------------------------

F1, H1 = "ASCOF-1F", "ASCOF-1H"
F1_NAME = "Adults in contact with secondary mental health services in paid employment"
H1_NAME = (
    "Adults in contact with secondary mental health services living independently, with or without support"
)


@pytest.fixture
def indicator_world(indicators):
    months = [D(2026, m, 1) for m in range(3, 11)]  # March (before) to October (after)
    employment = {m: (120 + 3 * i, 1000) for i, m in enumerate(months) if m != D(2026, 7, 1)}  # July missing
    employment[D(2026, 9, 1)] = (134, 1000)
    settled = {m: (814 - 20 * i, 1000) for i, m in enumerate(months)}
    data = {F1: employment, H1: settled}
    indicator_values(data)
    return data


def test_indicators_at_the_period_end_and_by_month(indicator_world):
    figures = build("indicators")
    headline, employment, settled = tables(figures)
    targets = {F1: Decimal("12.5"), H1: Decimal("75.0")}
    assert headline.title == "Performance indicators, September 2026"
    assert headline.columns == [
        "Indicator",
        "Value (%)",
        "Target (%)",
        "Target met",
        "In the measure",
        "People counted",
    ]
    sep = D(2026, 9, 1)
    assert rows(headline) == [
        [F1_NAME, *expected_cells(indicator_world[F1][sep], targets[F1])],
        [H1_NAME, *expected_cells(indicator_world[H1][sep], targets[H1])],
    ]
    assert rows(headline)[0][1:4] == [Decimal("13.4"), Decimal("12.5"), "Yes"]
    for table, code in ((employment, F1), (settled, H1)):
        expected = [
            [label, *expected_cells(indicator_world[code].get(first), targets[code])]
            for label, first, _ in month_spans(START, END)
        ]
        assert rows(table) == expected
    assert rows(employment)[3] == ["July 2026", None, Decimal("12.5"), None, None, None]
    assert "No" in [r[3] for r in rows(settled)]  # a month under the 75% target


def test_indicator_summary_chart_and_definitions(indicator_world):
    figures = build("indicators")
    assert figures["summary"][0] == (
        "13.4% of adults aged 18-69 in contact with secondary mental health services were in paid "
        "employment in September 2026, against a target of 12.5%: the target was met."
    )
    h1 = percent(*indicator_world[H1][D(2026, 9, 1)])
    assert figures["summary"][1].startswith(f"{h1}% of adults aged 18-69")
    assert figures["summary"][1].endswith(
        "against a target of 75%: the target was " + ("met." if h1 >= 75 else "not met.")
    )
    employment_chart = figures["charts"][0]
    assert employment_chart["labels"][0] == "Apr 2026" and employment_chart["labels"][-1] == "Sep 2026"
    values = {s["name"]: s["values"] for s in employment_chart["series"]}
    expected = [
        float(percent(*indicator_world[F1][first])) if first in indicator_world[F1] else None
        for _, first, _ in month_spans(START, END)
    ]
    assert values == {"Value": expected, "Target": [12.5] * 6}
    terms = dict(figures["definitions"])
    definition = terms[f"{F1_NAME} ({F1})"]
    assert "In paid employment" in definition and "Outcomes Framework measure 1F" in definition


def test_indicators_suppressed_in_a_public_report(indicators):
    indicator_values(
        {
            F1: {
                D(2026, 1, 1): (1, 3),  # fewer than 5 counted: all hidden
                D(2026, 2, 1): (3, 200),  # 3 in the measure: count and percentage hidden
                D(2026, 3, 1): (0, 10),  # 0 is shown
            },
            H1: {D(2026, 1, 1): (5, 5), D(2026, 2, 1): (0, 0), D(2026, 3, 1): (7, 9)},
        }
    )
    figures = build("indicators", D(2026, 1, 1), D(2026, 3, 31), public=True)
    _, employment, settled = tables(figures)
    assert rows(employment) == [
        ["January 2026", "*", Decimal("12.5"), "*", "*", "*"],
        ["February 2026", "*", Decimal("12.5"), "*", "*", 200],
        ["March 2026", Decimal("0.0"), Decimal("12.5"), "No", 0, 10],
    ]
    assert rows(settled) == [
        ["January 2026", Decimal("100.0"), Decimal("75.0"), "Yes", 5, 5],
        ["February 2026", None, Decimal("75.0"), None, 0, 0],
        ["March 2026", Decimal("77.8"), Decimal("75.0"), "Yes", 7, 9],
    ]
    assert figures["charts"][0]["series"][0]["values"] == [None, None, 0.0]
    assert "suppressed" in employment.note
    private = tables(build("indicators", D(2026, 1, 1), D(2026, 3, 31)))[1]
    assert rows(private)[0] == ["January 2026", Decimal("33.3"), Decimal("12.5"), "Yes", 1, 3]


def test_indicator_values_outside_the_period_are_left_out(indicators):
    indicator_values({F1: {D(2026, 3, 1): (50, 100), D(2026, 10, 1): (60, 100)}})
    headline, employment, _ = tables(build("indicators"))
    assert rows(headline)[0][1] is None
    assert all(r[1] is None for r in rows(employment))
    assert build("indicators")["summary"][0] == (
        f"No value of {F1_NAME.lower()} is recorded for September 2026."
    )


def test_indicators_query_count_does_not_grow(indicators):
    indicator_values({F1: {D(2026, 9, 1): (1, 10)}})
    one_month = queries("indicators", D(2026, 9, 1), D(2026, 9, 30))
    twelve = queries("indicators", D(2025, 10, 1), D(2026, 9, 30))
    months = [D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)] + [D(2026, m, 1) for m in range(1, 10)]
    indicator_values({H1: dict.fromkeys(months, (1, 10))})
    assert one_month == twelve == queries("indicators", D(2025, 10, 1), D(2026, 9, 30)) == 2


# --- Care Act compliance ----------------------------------------------------------------------


@pytest.fixture
def compliance_world(north_team, south_team, practitioner, other_worker):
    care_act_world(north_team, south_team, practitioner, other_worker)


NORTH = "North Working Age (Working-age adult mental health)"
SOUTH = "South Working Age (Working-age adult mental health)"


def test_compliance_per_team_at_the_period_end(compliance_world):
    figures = build("compliance")
    (table,) = tables(figures)
    assert table.title == "Care Act compliance by team at 30 September 2026"
    assert rows(table) == [
        [NORTH, 5, percent(3, 5), 3, percent(1, 3), 3, Decimal("20.0"), Decimal("30.0"), 2],
        [SOUTH, 1, percent(0, 1), 0, None, 1, Decimal("5.0"), Decimal("5.0"), 0],
        ["All teams", 6, percent(3, 6), 3, percent(1, 3), 4, None, None, 2],
    ]
    assert table.rows[-1].kind == "total"
    assert figures["summary"][0] == (
        "At 30 September 2026, 50% of the plans in place had been agreed or reviewed within the last "
        "12 months; 33.3% of the light-touch reviews due were held within 8 weeks of the plan being agreed."
    )
    assert figures["summary"][1] == (
        "4 first assessments were completed in the 12 months to 30 September 2026; "
        "2 assessments were waiting for a manager to authorise."
    )


def test_compliance_suppressed_in_a_public_report(compliance_world):
    figures = build("compliance", public=True)
    (table,) = tables(figures)
    assert rows(table) == [
        [NORTH, 5, "*", "*", "*", "*", "*", "*", "*"],  # 3 of 5: the 60% would give the 3 back
        [SOUTH, "*", "*", 0, None, "*", "*", "*", 0],
        ["All teams", 6, "*", "*", "*", "*", None, None, "*"],
    ]
    assert "suppressed" in table.note
    assert "fewer than 5 first assessments were completed" in figures["summary"][1].lower()


def test_compliance_query_count_does_not_grow(compliance_world, north_team, practitioner):
    one_month = queries("compliance", D(2026, 9, 1), D(2026, 9, 30))
    twelve = queries("compliance", D(2025, 10, 1), D(2026, 9, 30))
    case = referred_case(north_team, practitioner, 40)
    assessment = make_assessment(case, completed_on=before_end(20))
    for n in range(12):
        review(make_plan(assessment, agreed_on=before_end(60 + n)), before_end(10))
    assert one_month == twelve == queries("compliance") == 1 + 4 * 2  # the teams, then 4 per team


# --- Partnership action plan ------------------------------------------------------------------


def test_actions_by_status_at_the_period_end(commissioner):
    specs = action_specs()
    action_plan(specs, commissioner)
    figures = build("actions")
    by_status, attention = tables(figures)
    statuses = ["On track", "At risk", "Overdue", "Completed"]
    assert by_status.columns == ["Action plan", *statuses, "Total"]
    expected = []
    for plan in ("Review action plan", "Safeguarding plan"):
        mine = [expected_status(s, END) for s in specs if s.plan == plan]
        expected.append([plan, *(mine.count(st) for st in statuses), len(mine)])
    assert rows(by_status, "body") == expected
    assert expected[0] == ["Review action plan", 2, 2, 3, 1, 8]  # worked by hand too
    assert rows(by_status, "total") == [["All plans", 3, 2, 3, 1, 9]]
    assert figures["summary"] == [
        "At 30 September 2026, the 2 action plans had 9 actions: "
        "3 on track, 2 at risk, 3 overdue and 1 completed."
    ]


def test_actions_at_risk_or_overdue_with_their_latest_update(commissioner):
    action_plan(action_specs(), commissioner)
    _, attention = tables(build("actions"))
    assert attention.columns == [
        "Action plan",
        "Recommendation",
        "Action",
        "Lead",
        "End date",
        "Status",
        "Latest update",
    ]
    plan = "Review action plan"
    assert rows(attention) == [
        [
            plan,
            "Recommendation for Long overdue",
            "Long overdue",
            "R. Marsh",
            D(2026, 8, 21),
            "Overdue",
            None,
        ],
        [plan, "Recommendation for Done late", "Done late", "R. Marsh", D(2026, 9, 28), "Overdue", None],
        [
            plan,
            "Recommendation for Ended yesterday",
            "Ended yesterday",
            "J. Okoro",
            D(2026, 9, 29),
            "Overdue",
            None,
        ],
        [
            plan,
            "Recommendation for At risk",
            "At risk",
            "R. Marsh",
            D(2026, 10, 10),
            "At risk",
            "25 September 2026: Latest by the period end",
        ],
        [
            plan,
            "Recommendation for Done after the period",
            "Done after the period",
            "R. Marsh",
            D(2026, 10, 20),
            "At risk",
            None,
        ],
    ]


def test_actions_are_not_suppressed_and_the_query_count_is_flat(commissioner):
    action_plan(action_specs()[:3], commissioner)
    public = tables(build("actions", public=True))[0]
    assert rows(public, "total") == [["All plans", 1, 1, 1, 0, 3]]  # actions are not people
    one_month = queries("actions", D(2026, 9, 1), D(2026, 9, 30))
    twelve = queries("actions", D(2025, 10, 1), D(2026, 9, 30))
    action_plan(action_specs()[3:], commissioner)
    assert one_month == twelve == queries("actions") == 1


# --- Joint risk register ----------------------------------------------------------------------


def test_risks_at_the_period_end(commissioner):
    specs = risk_specs()
    risks = risk_register(specs, commissioner)
    figures = build("risks")
    by_level, high, matrix = tables(figures)

    day_before = START - datetime.timedelta(days=1)
    ends = {s.title: as_at(s, END) for s in specs if as_at(s, END)}
    befores = {s.title: as_at(s, day_before) for s in specs if as_at(s, day_before)}
    levels = ["Extreme", "High", "Moderate", "Low"]
    end_levels = [level(c * lik) for c, lik, _ in ends.values()]
    start_levels = [level(c * lik) for c, lik, _ in befores.values()]
    assert rows(by_level, "body") == [
        [lv, scores, start_levels.count(lv), end_levels.count(lv)]
        for lv, scores in zip(levels, ["15 to 25", "8 to 12", "4 to 6", "1 to 3"], strict=True)
    ]
    assert rows(by_level, "total") == [["All risks", None, 3, 5]]
    assert by_level.columns == ["Level", "Score", "At 31 March 2026", "At 30 September 2026"]
    assert [r[3] for r in rows(by_level, "body")] == [2, 2, 0, 1]  # by hand

    def direction(title):
        if title not in befores:
            return "New"
        now, then = ends[title][0] * ends[title][1], befores[title][0] * befores[title][1]
        return "Increased" if now > then else "Reduced" if now < then else "No change"

    def scored(c, lik):
        words_c = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}[c]
        words_l = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}[lik]
        return f"C = {c} ({words_c}) L = {lik} ({words_l}) Score = {c * lik} ({level(c * lik)})"

    register_review = {s.title: s.scorings[-1][3] for s in specs}
    expected = []
    for spec in specs:
        if spec.title not in ends or level(ends[spec.title][0] * ends[spec.title][1]) not in (
            "High",
            "Extreme",
        ):
            continue
        c, lik, review_then = ends[spec.title]
        rescored_later = spec.scorings[-1][0] > END
        review_on = review_then if rescored_later else register_review[spec.title]
        first = spec.scorings[0]
        expected.append(
            [
                risks[spec.title].reference,
                spec.title,
                scored(first[1], first[2]),
                scored(c, lik),
                level(c * lik),
                direction(spec.title),
                spec.owner,
                review_on,
            ]
        )
    expected.sort(key=lambda r: (-int(r[3].split("Score = ")[1].split(" ")[0]), r[7]))
    assert rows(high) == expected
    assert [(r[1], r[5]) for r in rows(high)] == [
        ("Added on the first day", "New"),
        ("Not enough AMHPs on the rota", "New"),
        ("Case recording systems do not join up", "Increased"),
        ("Care Act work outgrows the teams", "Reduced"),
    ]
    assert rows(high)[-1][7] == D(2026, 8, 1)  # the review set by the scoring in force then

    assert matrix.columns == [
        "Consequence",
        "1 Rare",
        "2 Unlikely",
        "3 Possible",
        "4 Likely",
        "5 Almost certain",
    ]
    expected_matrix = []
    for c in (5, 4, 3, 2, 1):
        name = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}[c]
        counts = [sum(1 for e in ends.values() if (e[0], e[1]) == (c, lik)) for lik in range(1, 6)]
        expected_matrix.append([f"{c} {name}", *counts])
    assert rows(matrix) == expected_matrix
    assert figures["summary"] == [
        "At 30 September 2026 the joint risk register held 5 risks: 2 extreme, 2 high, 0 moderate and 1 low.",
        "Since 1 April 2026, the score of 1 risk increased and of 1 risk reduced; 2 risks were added.",
        "2 risks were past the review date at 30 September 2026.",
    ]


def test_risks_are_not_suppressed_and_the_query_count_is_flat(commissioner):
    risk_register(risk_specs()[:2], commissioner)
    by_level = tables(build("risks", public=True))[0]
    assert rows(by_level, "body")[0] == ["Extreme", "15 to 25", 1, 1]  # risks are not people
    one_month = queries("risks", D(2026, 9, 1), D(2026, 9, 30))
    twelve = queries("risks", D(2025, 10, 1), D(2026, 9, 30))
    risk_register(risk_specs()[2:], commissioner)
    assert one_month == twelve == queries("risks") == 1


# --- Every section --------------------------------------------------------------------------


@pytest.mark.parametrize("public", [False, True])
def test_every_section_survives_json_and_names_no_one(
    public, activity_world, indicator_world, compliance_world, commissioner
):
    action_plan(action_specs(), commissioner)
    risk_register(risk_specs(), commissioner)
    names = {p.family_name for p in PersonFactory._meta.model.objects.all()}
    for key in ("indicators", "activity", "compliance", "actions", "risks"):
        figures = build(key, public=public)
        text = json.dumps(figures)
        assert json.loads(text) == figures
        assert set(figures) == {"summary", "tables", "charts", "definitions"}
        assert figures["summary"] and figures["tables"] and figures["definitions"]
        for name in names:
            assert name not in text
        for chart in figures["charts"]:
            assert set(chart) == {"title", "labels", "series", "left_label", "right_label"}
            for series in chart["series"]:
                assert len(series["values"]) == len(chart["labels"])
                assert series["axis"] in ("left", "right")


def test_empty_world_gives_sentences_not_errors(db):
    for key in ("activity", "compliance", "actions", "risks"):
        figures = build(key, public=True)
        json.dumps(figures)
        assert figures["summary"]
