# ruff: noqa: F811  (pytest fixtures imported from the world module are redefined as arguments)
"""Board report sections safeguarding, amhp, finance and staffing (issue 8): each builder's
figures against the known world of sections_world_b (worked out by hand there) and against
an independent count over the records; public suppression; period boundaries; flat query
counts; JSON-safe output with no one's name in it."""

import datetime
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.exports import table_from_data
from amhp.models import MhaAssessment, MhaRequest
from reporting.sections import SUPPRESSED, SectionRequest, get_section
from safeguarding.models import Concern, Enquiry
from tests.reporting.sections_world_b import (  # noqa: F401  (fixtures)
    Q1,
    TWELVE_MONTHS,
    agreement,
    amh,
    amhp_lead,
    amhp_team,
    amhp_user,
    amhp_world,
    budget,
    enquiry_officer,
    finance_defaults,
    finance_officer,
    finance_team,
    finance_world,
    frozen_now,
    locum_amhp,
    more_amhp,
    more_packages,
    more_safeguarding,
    opmh,
    safeguarding_team,
    sam,
    sg_world,
    trust,
)

pytestmark = pytest.mark.django_db
D = datetime.date
K = 1000
S = SUPPRESSED


def build(key, period, *, public=False) -> dict:
    return get_section(key).build(
        SectionRequest(period_start=period[0], period_end=period[1], is_public=public)
    )


def tables(section) -> dict:
    return {data["title"]: table_from_data(data) for data in section["tables"]}


def rows(table) -> dict:
    return {row.cells[0]: row.cells[1:] for row in table.rows}


def queries(key, period) -> int:
    with CaptureQueriesContext(connection) as captured:
        build(key, period)
    return len(captured)


def local_month(moment) -> D:
    return timezone.localtime(moment).date().replace(day=1)


def in_period(moment, period) -> bool:
    return moment is not None and period[0] <= timezone.localtime(moment).date() <= period[1]


def test_the_four_sections_are_registered():
    assert {k: get_section(k).title for k in ("safeguarding", "amhp", "finance", "staffing")} == {
        "safeguarding": "Safeguarding adults",
        "amhp": "AMHP service",
        "finance": "Section 75 pooled budget",
        "staffing": "Staffing budgets",
    }


# --- Safeguarding -----------------------------------------------------------------------------

MONTHS_Q1 = ["Apr 2026", "May 2026", "Jun 2026"]


def test_safeguarding_by_month_as_worked_out_by_hand(sg_world):
    section = build("safeguarding", Q1)
    months = rows(tables(section)["Concerns, decisions and enquiries by month"])
    # received, decided, on time, %, s42 started, other started, concluded
    assert months == {
        "Apr 2026": [2, 3, 3, 100, 2, 0, 0],
        "May 2026": [2, 2, 1, 50, 1, 0, 0],
        "Jun 2026": [3, 1, 1, 100, 0, 1, 2],
        "Total": [7, 6, 5, 83, 3, 1, 2],
    }


def independent_months(period) -> dict:
    """The same figures counted one record at a time in Python."""
    counts: dict[D, Counter] = {}
    for concern in Concern.objects.all():
        if in_period(concern.received_at, period):
            counts.setdefault(local_month(concern.received_at), Counter())["received"] += 1
        if in_period(concern.decided_at, period):
            month = counts.setdefault(local_month(concern.decided_at), Counter())
            month["decided"] += 1
            month["on_time"] += concern.decided_at <= concern.decision_due_at
    for enquiry in Enquiry.objects.all():
        if in_period(enquiry.started_at, period):
            counts.setdefault(local_month(enquiry.started_at), Counter())[enquiry.kind] += 1
        if in_period(enquiry.closed_at, period):
            counts.setdefault(local_month(enquiry.closed_at), Counter())["concluded"] += 1
    return counts


def test_safeguarding_months_match_an_independent_count_over_twelve_months(
    sg_world, safeguarding_team, sam, enquiry_officer, practitioner
):
    more_safeguarding(safeguarding_team, sam, enquiry_officer, practitioner)
    section = build("safeguarding", TWELVE_MONTHS)
    table = tables(section)["Concerns, decisions and enquiries by month"]
    expected = independent_months(TWELVE_MONTHS)
    assert len(table.rows) == 13
    for row in table.rows[:-1]:
        month = datetime.datetime.strptime(row.cells[0], "%b %Y").date()
        c = expected.get(month, Counter())
        assert row.cells[1:4] == [c["received"], c["decided"], c["on_time"]], row.cells[0]
        assert row.cells[5:] == [c["s42"], c["other"], c["concluded"]], row.cells[0]
    assert table.rows[-1].cells[1] == sum(c["received"] for c in expected.values())


def test_safeguarding_open_at_the_end_as_things_stood_then(sg_world):
    section = build("safeguarding", Q1)
    assert rows(tables(section)["Open at 30 June 2026"]) == {
        "Concerns waiting for a decision": [2],  # Eli waiting; Fin decided only on 2 July
        "Enquiries by stage": [None],
        "Strategy discussion or meeting": [2],  # Ann (closed 1 July) and Dot
        "Enquiry": [1],  # Hal: planning since 5 July, not at the end of June
        "Case conference and safeguarding plan": [0],
        "Review": [0],
        "Open enquiries": [3],
    }


def test_safeguarding_msp_and_risk_of_concluded_s42(sg_world):
    found = tables(build("safeguarding", Q1))
    msp = found["Making Safeguarding Personal: concluded section 42 enquiries"]
    assert [r.cells for r in msp.rows] == [
        ["Was the adult asked about the outcomes they wanted?", None, None],
        ["Yes, they were asked and outcomes were expressed", 1, 50],
        ["Yes, they were asked but no outcomes were expressed", 0, 0],
        ["No, they were not asked", 1, 50],
        ["Don't know", 0, 0],
        ["Not recorded", 0, 0],
        ["Total", 2, 100],
        ["Were the outcomes they expressed achieved?", None, None],
        ["Fully achieved", 1, 100],
        ["Partially achieved", 0, 0],
        ["Not achieved", 0, 0],
        ["Not recorded", 0, 0],
        ["Total", 1, 100],
    ]
    risk = rows(found["Risk: concluded section 42 enquiries"])
    assert risk["Risk identified and action taken"] == [1, 50]
    assert risk["No risk identified and no action taken"] == [1, 50]
    assert risk["Risk reduced"] == [1, 100]
    assert risk["Risk removed"] == [0, 0]


def test_safeguarding_period_boundaries_in_london_time(sg_world):
    """1 July: Ann's enquiry closed at 00:30 (23:30 UTC on 30 June) and Fin's decision."""
    july = build("safeguarding", (D(2026, 7, 1), D(2026, 7, 31)))
    months = rows(tables(july)["Concerns, decisions and enquiries by month"])
    assert months["Jul 2026"] == [0, 1, 0, 0, 1, 0, 1]  # Fin decided late
    assert rows(tables(july)["Open at 31 July 2026"])["Concerns waiting for a decision"] == [1]  # Eli


def test_safeguarding_public_suppresses_small_counts_and_percentages(sg_world):
    section = build("safeguarding", Q1, public=True)
    found = tables(section)
    months = rows(found["Concerns, decisions and enquiries by month"])
    assert months["Apr 2026"] == [S, S, S, S, S, 0, 0]
    # 6 decisions, 5 on time: shown, and so is the share they make
    assert months["Total"] == [7, 6, 5, 83, S, S, S]
    assert "fewer than 5" in found["Concerns, decisions and enquiries by month"].note
    assert rows(found["Open at 30 June 2026"])["Open enquiries"] == [S]
    assert rows(found["Making Safeguarding Personal: concluded section 42 enquiries"])["Don't know"] == [0, S]
    assert all(v is None or v >= 5 or v == 0 for s in section["charts"][0]["series"] for v in s["values"])
    assert any(d[0] == "*" for d in section["definitions"])
    assert "fewer than 5 concerns were waiting" in " ".join(section["summary"])


def test_safeguarding_summary_and_chart(sg_world):
    section = build("safeguarding", Q1)
    assert section["summary"][:2] == [
        "From 1 April 2026 to 30 June 2026, 7 concerns were received and 6 decisions made, 83% of them "
        "within the timescale; 3 section 42 enquiries and 1 other enquiry started, and 2 enquiries "
        "concluded.",
        "At 30 June 2026, 2 concerns were waiting for a decision and 3 enquiries were open.",
    ]
    chart = section["charts"][0]
    assert chart["labels"] == MONTHS_Q1
    assert {s["name"]: s["values"] for s in chart["series"]} == {
        "Concerns received": [2, 2, 3],
        "Section 42 enquiries started": [2, 1, 0],
        "Other enquiries started": [0, 0, 1],
        "Enquiries concluded": [0, 0, 2],
    }


def test_safeguarding_queries_do_not_grow(sg_world, safeguarding_team, sam, enquiry_officer, practitioner):
    one_quarter, twelve_months = queries("safeguarding", Q1), queries("safeguarding", TWELVE_MONTHS)
    more_safeguarding(safeguarding_team, sam, enquiry_officer, practitioner)
    assert one_quarter == twelve_months == queries("safeguarding", TWELVE_MONTHS) == 7


def test_safeguarding_is_json_and_names_no_one(sg_world):
    for public in (False, True):
        text = json.dumps(build("safeguarding", Q1, public=public))
        assert not any(name in text for name in sg_world["names"])


# --- AMHP -------------------------------------------------------------------------------------


def test_amhp_requests_assessments_and_medians(amhp_world):
    found = tables(build("amhp", Q1))
    assert rows(found["Mental Health Act assessment requests and assessments by month"]) == {
        "Apr 2026": [1, 2, 4.5],
        "May 2026": [2, 2, 13.0],
        "Jun 2026": [2, 0, None],
        "Total": [5, 4, 4.5],
    }
    assert found["Assessment outcomes by month"].columns == [
        "Month",
        "Section 2",
        "Section 3",
        "Section 4",
        "Informal admission",
        "Community alternative",
        "No further action",
        "Total",
    ]
    assert rows(found["Assessment outcomes by month"]) == {
        "Apr 2026": [1, 1, 0, 0, 0, 0, 2],
        "May 2026": [0, 0, 0, 1, 0, 1, 2],
        "Jun 2026": [0, 0, 0, 0, 0, 0, 0],
        "Total": [1, 1, 0, 1, 0, 1, 4],
    }


def test_amhp_months_match_an_independent_count(amhp_world, amhp_team, amhp_lead, amhp_user):
    more_amhp(amhp_team, amhp_lead, amhp_user, amhp_world["pattern"], amhp_world["asha"])
    found = tables(build("amhp", TWELVE_MONTHS))
    requests = Counter(
        local_month(r.received_at)
        for r in MhaRequest.objects.all()
        if in_period(r.received_at, TWELVE_MONTHS)
    )
    waits: dict[D, list] = {}
    for a in MhaAssessment.objects.select_related("request"):
        if in_period(a.assessed_at, TWELVE_MONTHS):
            hours = (a.assessed_at - a.request.received_at).total_seconds() / 3600
            waits.setdefault(local_month(a.assessed_at), []).append(hours)
    table = found["Mental Health Act assessment requests and assessments by month"]
    for row in table.rows[:-1]:
        month = datetime.datetime.strptime(row.cells[0], "%b %Y").date()
        hours = sorted(waits.get(month, []))
        median = None
        if hours:
            middle = len(hours) // 2
            median = hours[middle] if len(hours) % 2 else (hours[middle - 1] + hours[middle]) / 2
        assert row.cells[1:] == [requests[month], len(hours), None if median is None else round(median, 1)]


def test_amhp_rota_gaps_and_register(amhp_world):
    found = tables(build("amhp", Q1))
    assert rows(found["Rota: shifts with a gap by month"]) == {
        "Apr 2026": [2, 1, 8.0],
        "May 2026": [0, 0, 0.0],
        "Jun 2026": [2, 2, 24.0],
        "Total": [4, 3, 32.0],
    }
    assert rows(found["AMHP register at 30 June 2026"]) == {
        "AMHPs with a valid approval": [4],
        "Of those, approvals ending by 30 December 2026 with no renewal recorded": [1],
    }


def test_amhp_summary_chart_and_public(amhp_world):
    section = build("amhp", Q1)
    assert section["summary"] == [
        "From 1 April 2026 to 30 June 2026, the AMHP service received 5 requests for a Mental Health Act "
        "assessment and completed 4 assessments, 2 of them leading to an application for admission; the "
        "median time from request to assessment was 4.5 hours.",
        "Of 4 rota shifts, 3 had a gap: 32 AMHP hours short in all.",
        "At 30 June 2026, 4 AMHPs held a valid approval, 1 of them ending by 30 December 2026 with no "
        "renewal recorded.",
    ]
    assert {s["name"]: s["values"] for s in section["charts"][0]["series"]} == {
        "Requests": [1, 2, 2],
        "Assessments": [2, 2, 0],
        "Median hours from request to assessment": [4.5, 13.0, None],
    }
    public = build("amhp", Q1, public=True)
    found = tables(public)
    assert rows(found["Mental Health Act assessment requests and assessments by month"]) == {
        "Apr 2026": [S, S, S],
        "May 2026": [S, S, S],
        "Jun 2026": [S, 0, None],
        "Total": [5, S, S],  # a median of 4 assessments is one of 4 people's waits
    }
    assert rows(found["Rota: shifts with a gap by month"])["Total"] == [S, S, 32.0]
    assert rows(found["AMHP register at 30 June 2026"])["AMHPs with a valid approval"] == [S]
    assert public["charts"][0]["series"][2]["values"] == [None, None, None]
    assert "fewer than 5 assessments" in public["summary"][0]


def test_amhp_queries_do_not_grow(amhp_world, amhp_team, amhp_lead, amhp_user):
    one_quarter, twelve_months = queries("amhp", Q1), queries("amhp", TWELVE_MONTHS)
    more_amhp(amhp_team, amhp_lead, amhp_user, amhp_world["pattern"], amhp_world["asha"])
    assert one_quarter == twelve_months == queries("amhp", TWELVE_MONTHS) == 7


def test_amhp_is_json_and_names_no_one(amhp_world):
    for public in (False, True):
        text = json.dumps(build("amhp", Q1, public=public))
        assert "Asha" not in text and "Luca" not in text


# --- Finance ----------------------------------------------------------------------------------


def money(*values):
    return [Decimal(v * K) for v in values]


def test_finance_summary_table_from_the_snapshots_up_to_the_period_end(finance_world):
    found = tables(build("finance", Q1))
    summary = found["Care packages summary 2026/27"]
    assert summary.column_groups == [("", 2), ("Apr", 2), ("Q1", 2), ("Variance", 2)]  # not May, not Jul
    by_label = rows(summary)
    # budget, Apr ISP, Apr forecast, Q1 ISP, Q1 forecast, variance ISP, variance forecast
    assert by_label["AMH"] == money(2304, 2303, 2326, 2291, 2302, -13, -2)
    assert by_label["OPMH"] == money(487, 314, 487, 418, 576, -69, 89)
    assert by_label["Total"] == money(2791, 2617, 2813, 2709, 2878, -82, 87)
    assert by_label["Other finance adjustments"] == [None] * 7
    assert by_label["Inflation"] == money(318, 318, 318, 318, 318, 0, 0)
    assert by_label["Prior-year liabilities"] == money(0, 0, 0, 0, 75, 0, 75)
    assert by_label["Adjusted total"] == money(3109, 2935, 3131, 3027, 3271, -82, 162)
    amh_table = rows(found["Adult mental health (working age) (AMH)"])
    # ... then the change from Apr
    assert amh_table["Residential"] == money(2178, 2195, 2178, 2224, 2212, 46, 34, 29, 34)
    assert amh_table["Expenditure total"][-2:] == money(-30, -24)
    assert "Older people's mental health (OPMH)" in found


def test_finance_sentences_worked_out_from_the_figures(finance_world):
    summary = build("finance", Q1)["summary"]
    assert summary[:4] == [
        "The Q1 snapshot (30 June 2026) of Northshire mental health Section 75 shows commitments £82k under "
        "budget overall (up £92k since Apr), with a forecast variance, taking into account the other finance "
        "adjustments, of £162k overspend; the forecast has risen by £140k since Apr.",
        "Adult mental health (working age) (AMH): gross commitments have fallen by £30k since Apr; after "
        "income, commitments are £13k under budget and the forecast is £2k underspend before the other "
        "finance adjustments.",
        "Older people's mental health (OPMH): gross commitments have risen by £104k since Apr; after "
        "income, commitments are £69k under budget and the forecast is £89k overspend before the other "
        "finance adjustments.",
        "The forecast overspend of £172k (care packages £162k overspend, staffing £10k overspend) is shared "
        "in proportion to each partner's contribution: Northshire County Council £129k; Northshire Mental "
        "Health NHS Trust £43k.",
    ]


def test_finance_risk_share_tables(finance_world):
    found = tables(build("finance", Q1))
    variance = rows(found["Forecast over- or underspend"])
    assert variance["Care packages at Q1 (30 Jun 2026)"] == money(3109, 3271, 162)
    assert variance["Total"] == money(3409, 3581, 172)
    shares = rows(found["Risk share: in proportion to each partner's contribution"])
    assert shares["Northshire County Council"][-1] == Decimal("129000.00")
    assert shares["Northshire Mental Health NHS Trust"][-1] == Decimal("43000.00")


def test_finance_residential_trend(finance_world):
    section = build("finance", Q1)
    assert len(section["charts"]) == 1  # OPMH has no residential package
    chart = section["charts"][0]
    assert chart["labels"] == ["30 Apr 2026", "31 May 2026", "30 Jun 2026"]
    assert chart["series"] == [
        {"name": "Packages", "values": [1, 2, 1], "axis": "left", "unit": ""},
        {"name": "Average weekly cost", "values": [700.0, 800.0, 700.0], "axis": "right", "unit": "£"},
    ]
    trend = rows(tables(section)["Residential packages, AMH, 2026/27: figures at each month end"])
    assert trend[D(2026, 5, 31)] == [2, Decimal("800.00"), Decimal("1600")]
    assert section["summary"][-1].startswith(
        "Residential packages, AMH, 2026/27: Packages and average weekly cost unchanged since the end of "
        "April 2026"
    )
    public = build("finance", Q1, public=True)
    assert public["charts"][0]["series"][0]["values"] == [None, None, None]
    assert public["charts"][0]["series"][1]["values"] == [700.0, 800.0, 700.0]  # money is not suppressed
    trend = rows(tables(public)["Residential packages, AMH, 2026/27: figures at each month end"])
    assert trend[D(2026, 5, 31)] == [S, Decimal("800.00"), Decimal("1600")]
    assert "fewer than 5 packages" in public["summary"][-1]
    # the money tables are the same in public
    assert (
        tables(public)["Care packages summary 2026/27"].rows
        == tables(section)["Care packages summary 2026/27"].rows
    )


def test_finance_latest_snapshot_before_the_end_is_a_period(finance_world):
    found = tables(build("finance", (D(2026, 4, 1), D(2026, 6, 15))))
    assert found["Care packages summary 2026/27"].column_groups == [
        ("", 2),
        ("Apr", 2),
        ("May", 2),
        ("Variance", 2),
    ]


def test_finance_without_a_snapshot_says_so(finance_world):
    section = build("finance", (D(2026, 4, 1), D(2026, 4, 20)))
    assert section["summary"] == [
        "No snapshot of the Northshire mental health Section 75 pooled budget 2026/27 was taken on or before "
        "20 April 2026, so there are no care package figures for the period."
    ]
    assert section["tables"] == [] and section["charts"] == []
    none = build("finance", (D(2025, 1, 1), D(2025, 3, 31)))
    assert none["summary"] == ["No pooled budget covers 31 March 2025."] and none["tables"] == []


def test_finance_queries_do_not_grow(finance_world, practitioner):
    one_quarter, twelve_months = queries("finance", Q1), queries("finance", TWELVE_MONTHS)
    more_packages(finance_world, practitioner)
    # budgets, snapshots, the tables 2, the risk share 5, the residential trend of AMH and OPMH 2
    assert one_quarter == twelve_months == queries("finance", TWELVE_MONTHS) == 11


def test_finance_is_json_and_names_no_one(finance_world):
    for public in (False, True):
        text = json.dumps(build("finance", Q1, public=public))
        assert "PKG-T" not in text and "Worldb" not in text


# --- Staffing ---------------------------------------------------------------------------------


def test_staffing_table_and_sentence_at_the_period_end(finance_world):
    section = build("staffing", Q1)
    table = tables(section)["Staffing at 30 June 2026"]
    by_label = {(r.cells[0], r.cells[1]): r.cells[2:] for r in table.rows}
    assert by_label[("Northshire County Council", "AMH")] == money(210, 200, 50, 48, 190, -10)
    assert by_label[("Northshire Mental Health NHS Trust", "AMH")] == money(100, 100, 25, 9, 120, 20)
    assert by_label[("Grand total", "")] == money(310, 300, 75, 57, 310, 10)
    assert section["summary"] == [
        "At 30 June 2026, the staffing forecast for Northshire mental health Section 75 2026/27 is £10k "
        "overspend against the adjusted budget of £300k (forecast £310k); £57k spent to date against £75k "
        "budgeted to date."
    ]
    assert json.dumps(section)


def test_staffing_mid_month_uses_the_last_month_end(finance_world):
    table = tables(build("staffing", (D(2026, 4, 1), D(2026, 6, 15))))["Staffing at 31 May 2026"]
    grand = table.rows[-1].cells
    assert grand[4:6] == [Decimal("50000.00"), Decimal(40 * K)]  # 2 months: 33,333.33 + 16,666.67; 31k + 9k


def test_staffing_before_the_first_month_end_and_without_a_budget(finance_world):
    early = tables(build("staffing", (D(2026, 4, 1), D(2026, 4, 20))))["Staffing at 20 April 2026"]
    assert early.rows[-1].cells[4:6] == [Decimal(0), Decimal(0)]
    assert build("staffing", (D(2025, 1, 1), D(2025, 3, 31)))["summary"] == [
        "No pooled budget covers 31 March 2025."
    ]


def test_staffing_queries_do_not_grow(finance_world, practitioner):
    assert queries("staffing", Q1) == queries("staffing", TWELVE_MONTHS) == 2
