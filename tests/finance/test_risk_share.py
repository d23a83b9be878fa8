"""Risk share: each rule with hand-worked splits, pennies placed so the shares add up."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Organisation
from finance import risk_share as rs
from finance.models import AgreementPartner, BudgetLine, RiskShareRule, StaffingLine
from tests.factories import OrganisationFactory
from tests.finance.test_tables import make_snapshot, world  # noqa: F401  (a shared fixture)

D = Decimal
A, B, C = rs.Partner(1, "Alpha"), rs.Partner(2, "Beta"), rs.Partner(3, "Gamma")


def test_split_pennies_three_ways_goes_to_name_order_on_ties():
    assert rs.split_pennies(D("100.00"), [(B, D(1)), (A, D(1)), (C, D(1))]) == {
        A: D("33.34"),
        B: D("33.33"),
        C: D("33.33"),
    }
    assert rs.split_pennies(D("-100.00"), [(A, D(1)), (B, D(1)), (C, D(1))]) == {
        A: D("-33.34"),
        B: D("-33.33"),
        C: D("-33.33"),
    }


def test_split_pennies_largest_remainder_then_larger_weight():
    # 0.05 by 1:1:3 -> exact 1, 1, 3 pennies: no remainder.
    assert rs.split_pennies(D("0.05"), [(A, D(1)), (B, D(1)), (C, D(3))]) == {
        A: D("0.01"),
        B: D("0.01"),
        C: D("0.03"),
    }
    # 0.10 by 1:2:3 -> exact 1.667, 3.333, 5 pennies: cut 1, 3, 5; the penny left goes to
    # Alpha (0.667 is the largest remainder), not to the larger weights.
    split = rs.split_pennies(D("0.10"), [(A, D(1)), (B, D(2)), (C, D(3))])
    assert split == {A: D("0.02"), B: D("0.03"), C: D("0.05")}
    # 0.01 by 1:1 -> each 0.5 penny: equal remainders and weights, so name order.
    assert rs.split_pennies(D("0.01"), [(B, D(1)), (A, D(1))]) == {A: D("0.01"), B: D("0.00")}
    # 0.01 by 1:1:2 -> 0.25, 0.25, 0.5 penny: the largest remainder.
    split = rs.split_pennies(D("0.01"), [(A, D(1)), (B, D(1)), (C, D(2))])
    assert split == {A: D("0"), B: D("0"), C: D("0.01")}
    # 0.02 by 1:3 -> 0.5 and 1.5 pennies: equal remainders, so the larger weight.
    assert rs.split_pennies(D("0.02"), [(A, D(1)), (B, D(3))]) == {A: D("0"), B: D("0.02")}


@pytest.mark.parametrize("total", ["1000000.01", "-0.07", "12345.67", "0"])
def test_split_pennies_adds_up_exactly(total):
    weights = [(A, D("3000000")), (B, D("1000000")), (C, D("333333.33"))]
    split = rs.split_pennies(D(total), weights)
    assert sum(split.values()) == D(total)
    exact = {p: D(total) * w / sum(w for _, w in weights) for p, w in weights}
    assert all(abs(split[p] - exact[p]) < D("0.01") for p in split)


def test_split_pennies_needs_some_weight():
    with pytest.raises(rs.RiskShareProblem):
        rs.split_pennies(D("10"), [(A, D(0)), (B, D(0))])


# --- From the database ------------------------------------------------------------------------


@pytest.fixture
def staffed(budget, council, trust):
    """Staffing: council AP over by 8,583; trust Mgmt under by 40,746 (seed 003 rows)."""
    StaffingLine.objects.create(
        budget=budget,
        partner=council,
        group="AP",
        budget_amount=D("100294"),
        adjusted_budget=D("100294"),
        forecast=D("108877"),
    )
    StaffingLine.objects.create(
        budget=budget,
        partner=trust,
        group="Mgmt",
        budget_amount=D("413004"),
        adjusted_budget=D("363574"),
        forecast=D("322828"),
    )
    return budget


def set_rule(agreement, rule):
    type(agreement).objects.filter(pk=agreement.pk).update(risk_share_rule=rule)
    agreement.refresh_from_db()


def by_name(result):
    return {s.partner.name: s for s in result.shares}


COUNCIL, TRUST = "Northshire County Council", "Northshire Mental Health NHS Trust"


def test_variance_is_adjusted_total_forecast_minus_budget_plus_staffing(world, staffed):  # noqa: F811
    budget = world["budget"]
    assert rs.latest_snapshot(budget) == world["q3"]
    result = rs.risk_share(budget, world["q3"])
    # Care packages: adjusted total forecast 3,469,000.25 − budget 3,109,000 (see test_tables).
    assert (result.care_budget, result.care_forecast) == (D("3109000"), D("3469000.25"))
    assert result.care_variance == D("360000.25")
    assert (result.staffing_budget, result.staffing_forecast) == (D("463868"), D("431705"))
    assert result.staffing_variance == D("-32163")
    assert result.total == D("327837.25")
    table = rs.variance_table(result)
    assert [r.cells for r in table.rows] == [
        ["Care packages at Q3 (31 Dec 2026)", D("3109000"), D("3469000.25"), D("360000.25")],
        ["Staffing", D("463868"), D("431705"), D("-32163")],
        ["Total", D("3572868"), D("3900705.25"), D("327837.25")],
    ]


def test_proportional_to_contributions(world, staffed):  # noqa: F811
    """327,837.25 at 3:1 -> 245,877.9375 and 81,959.3125: cut to 245,877.93 and 81,959.31;
    the penny left goes to the council (remainder 0.75 penny against 0.25)."""
    result = rs.risk_share(world["budget"], world["q3"])
    assert result.rule == RiskShareRule.PROPORTIONAL and not result.problem
    shares = by_name(result)
    assert shares[COUNCIL].share == D("245877.94")
    assert shares[TRUST].share == D("81959.31")
    assert (shares[COUNCIL].percent, shares[TRUST].percent) == (D("75.00"), D("25.00"))
    table = rs.shares_table(result)
    assert table.columns == ["Partner", "Contribution", "Share", "Share of the over- or underspend"]
    assert [r.cells for r in table.rows] == [
        [COUNCIL, D("3000000"), "75.00%", D("245877.94")],
        [TRUST, D("1000000"), "25.00%", D("81959.31")],
        ["Total", D("4000000"), "", D("327837.25")],
    ]


def test_fixed_percentages(world, staffed, agreement, trust, council):  # noqa: F811
    set_rule(agreement, RiskShareRule.FIXED)
    AgreementPartner.objects.filter(agreement=agreement, organisation=council).update(fixed_share=D("60"))
    AgreementPartner.objects.filter(agreement=agreement, organisation=trust).update(fixed_share=D("40"))
    world["budget"].agreement.refresh_from_db()
    result = rs.risk_share(world["budget"], world["q3"])
    shares = by_name(result)
    assert shares[COUNCIL].share == D("196702.35")
    assert shares[TRUST].share == D("131134.90")
    assert [r.cells for r in rs.shares_table(result).rows][-1] == ["Total", "100.00%", D("327837.25")]


def test_fixed_percentages_three_partners_place_the_penny(world, staffed, agreement, trust, council):  # noqa: F811
    """327,837.25 = 32,783,725p at 33.33 / 33.33 / 33.34: exact 10,926,815.5425p (twice) and
    10,930,093.915p: cut ...815, ...815, ...093 leaves 2 pennies, to the 0.915 remainder
    (the ICB) and then the 0.54s tie, by name: the council."""
    icb = OrganisationFactory(name="Northshire ICB", kind=Organisation.Kind.ICB)
    set_rule(agreement, RiskShareRule.FIXED)
    AgreementPartner.objects.filter(agreement=agreement, organisation=council).update(fixed_share=D("33.33"))
    AgreementPartner.objects.filter(agreement=agreement, organisation=trust).update(fixed_share=D("33.33"))
    AgreementPartner.objects.create(agreement=agreement, organisation=icb, fixed_share=D("33.34"))
    world["budget"].agreement.refresh_from_db()
    shares = by_name(rs.risk_share(world["budget"], world["q3"]))
    assert shares["Northshire ICB"].share == D("109300.94")
    assert shares[COUNCIL].share == D("109268.16")
    assert shares[TRUST].share == D("109268.15")
    assert sum(s.share for s in shares.values()) == D("327837.25")


def test_fixed_percentages_must_add_up(world, staffed, agreement, council, trust):  # noqa: F811
    set_rule(agreement, RiskShareRule.FIXED)
    world["budget"].agreement.refresh_from_db()
    result = rs.risk_share(world["budget"], world["q3"])
    assert "Enter a fixed share for each partner" in result.problem
    AgreementPartner.objects.filter(agreement=agreement).update(fixed_share=D("45"))
    result = rs.risk_share(world["budget"], world["q3"])
    assert result.problem == "The fixed shares add up to 90%; they must add up to 100%"
    assert result.shares == []


def test_own_lines(world, staffed, agreement, trust, opmh):  # noqa: F811
    """Trust bears OPMH: residential 1,665,000 − 1,339,000 and client contributions
    −927,000 + 852,000 = 251,000; the council (host) the rest: 360,000.25 − 251,000 =
    109,000.25. Staffing by partner: council +8,583, trust −40,746."""
    set_rule(agreement, RiskShareRule.OWN_LINES)
    budget = world["budget"]
    budget.agreement.refresh_from_db()
    BudgetLine.objects.filter(budget=budget, service_line=opmh).update(partner=trust)
    result = rs.risk_share(budget, world["q3"])
    shares = by_name(result)
    assert (shares[COUNCIL].care, shares[COUNCIL].staffing, shares[COUNCIL].share) == (
        D("109000.25"),
        D("8583"),
        D("117583.25"),
    )
    assert (shares[TRUST].care, shares[TRUST].staffing, shares[TRUST].share) == (
        D("251000"),
        D("-40746"),
        D("210254"),
    )
    table = rs.shares_table(result)
    assert table.rows[-1].cells == ["Total", D("360000.25"), D("-32163"), D("327837.25")]


def test_an_earlier_snapshot_can_be_chosen(world, staffed):  # noqa: F811
    result = rs.risk_share(world["budget"], world["apr"])
    # Apr: adjusted total forecast 3,109,000 = budget: only staffing is off.
    assert result.care_variance == 0
    assert result.total == D("-32163")
    shares = by_name(result)
    assert shares[COUNCIL].share + shares[TRUST].share == D("-32163")
    assert shares[COUNCIL].share == D("-24122.25")


def test_no_snapshot_no_share(budget):
    result = rs.risk_share(budget, rs.latest_snapshot(budget))
    assert result.snapshot is None
    assert "no snapshot" in result.problem


def test_zero_contributions_is_a_problem_not_a_crash(budget):
    from finance.models import Contribution

    Contribution.objects.filter(budget=budget).update(amount=0)
    snapshot = make_snapshot(budget, datetime.date(2026, 4, 30), "Apr")
    result = rs.risk_share(budget, snapshot)
    assert result.problem
    assert rs.variance_table(result).rows[-1].cells[-1] == 0
