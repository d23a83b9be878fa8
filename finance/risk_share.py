"""Each partner's share of the forecast over- or underspend (NHS Bodies and Local Authorities
Partnership Arrangements Regulations 2000, reg. 7(4): the agreement sets how the pooled fund's
over- and underspends fall; issue 7 "Risk share").

The variance shared is the care packages' adjusted total forecast minus their budget, from a
snapshot (the latest unless one is chosen), plus the staffing forecast minus the adjusted
staffing budget. Positive is an overspend, negative an underspend. The agreement's rule:

- proportional: in proportion to each partner's contribution to the pool for the year;
- fixed: by the fixed percentages in the agreement (`AgreementPartner.fixed_share`, which
  must add up to 100);
- own lines: each partner bears the variance of its own budget lines (`BudgetLine.partner`,
  unset meaning the host) and of its own staffing lines.

Pennies (proportional and fixed): the split works in whole pennies. Each partner first gets
its exact share (total x weight / sum of weights) cut towards zero to the penny; the pennies
left over (fewer than the number of partners) go one each to the partners whose cut-off
fraction was largest, ties going to the larger weight and then to partners in name order.
So the shares add up exactly to the total and none is more than a penny from its exact
share. Own lines needs no rounding: line figures are already in pence.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from accounts.exports import Table

from .models import (
    AgreementPartner,
    BudgetLine,
    Contribution,
    PooledBudget,
    RiskShareRule,
    Snapshot,
    SnapshotLine,
)
from .tables_staffing import staffing_variance

ZERO = Decimal("0")
PENNY = Decimal("0.01")
HUNDRED = Decimal("100")
SHARE_COLUMN = "Share of the over- or underspend"


class RiskShareProblem(Exception):
    """The agreement's figures do not allow a split (shown on the page, not a crash)."""


@dataclass(frozen=True)
class Partner:
    organisation_id: int
    name: str


def split_pennies(total: Decimal, weights: list[tuple[Partner, Decimal]]) -> dict[Partner, Decimal]:
    """`total` split by `weights` (largest remainder, see the module docstring)."""
    pennies = int((total / PENNY).to_integral_value(rounding=ROUND_HALF_UP))
    weight_sum = sum((w for _, w in weights), ZERO)
    if weight_sum <= 0:
        raise RiskShareProblem("The partners' shares add up to nothing, so there is nothing to split by")
    exact = {p: Fraction(pennies) * Fraction(w) / Fraction(weight_sum) for p, w in weights}
    cut = {p: int(value) for p, value in exact.items()}  # int() cuts towards zero
    left = pennies - sum(cut.values())
    step = 1 if left > 0 else -1
    order = sorted(weights, key=lambda pw: (-abs(exact[pw[0]] - cut[pw[0]]), -pw[1], pw[0].name))
    for partner, _ in order[: abs(left)]:
        cut[partner] += step
    return {p: Decimal(cut[p]) * PENNY for p, _ in weights}


@dataclass
class PartnerShare:
    partner: Partner
    share: Decimal
    contribution: Decimal | None = None
    percent: Decimal | None = None
    care: Decimal | None = None
    staffing: Decimal | None = None


@dataclass
class RiskShare:
    rule: str
    snapshot: Snapshot | None
    care_budget: Decimal = ZERO
    care_forecast: Decimal = ZERO
    staffing_budget: Decimal = ZERO
    staffing_forecast: Decimal = ZERO
    shares: list[PartnerShare] = field(default_factory=list)
    problem: str = ""

    @property
    def care_variance(self) -> Decimal:
        return self.care_forecast - self.care_budget

    @property
    def staffing_variance(self) -> Decimal:
        return self.staffing_forecast - self.staffing_budget

    @property
    def total(self) -> Decimal:
        return self.care_variance + self.staffing_variance

    @property
    def rule_label(self) -> str:
        return RiskShareRule(self.rule).label


# --- The rules (pure) -------------------------------------------------------------------------


def share_proportional(total: Decimal, contributions: list[tuple[Partner, Decimal]]) -> list[PartnerShare]:
    split = split_pennies(total, contributions)
    weight_sum = sum((amount for _, amount in contributions), ZERO)
    return [
        PartnerShare(
            partner=partner,
            share=split[partner],
            contribution=amount,
            percent=(amount * HUNDRED / weight_sum).quantize(PENNY, rounding=ROUND_HALF_UP),
        )
        for partner, amount in contributions
    ]


def share_fixed(total: Decimal, fixed: list[tuple[Partner, Decimal | None]]) -> list[PartnerShare]:
    missing = [p.name for p, share in fixed if share is None]
    if missing:
        raise RiskShareProblem(f"Enter a fixed share for each partner: {', '.join(missing)} has none")
    added = sum((share for _, share in fixed), ZERO)
    if added != HUNDRED:
        raise RiskShareProblem(f"The fixed shares add up to {added.normalize():f}%; they must add up to 100%")
    split = split_pennies(total, fixed)
    return [PartnerShare(partner=p, share=split[p], percent=share) for p, share in fixed]


def share_own_lines(
    partners: list[Partner], care: dict[Partner, Decimal], staffing: dict[Partner, Decimal]
) -> list[PartnerShare]:
    everyone = sorted(set(partners) | set(care) | set(staffing), key=lambda p: p.name)
    return [
        PartnerShare(
            partner=p,
            care=care.get(p, ZERO),
            staffing=staffing.get(p, ZERO),
            share=care.get(p, ZERO) + staffing.get(p, ZERO),
        )
        for p in everyone
    ]


# --- Loading ----------------------------------------------------------------------------------


def latest_snapshot(budget: PooledBudget) -> Snapshot | None:
    return Snapshot.objects.filter(budget=budget).order_by("-as_of", "-taken_at", "-pk").first()


def risk_share(budget: PooledBudget, snapshot: Snapshot | None) -> RiskShare:
    """The split for `budget` at `snapshot` (a fixed handful of queries). Without a snapshot
    there is no care package forecast to share: `problem` says so."""
    agreement = budget.agreement
    result = RiskShare(rule=agreement.risk_share_rule, snapshot=snapshot)
    if snapshot is None:
        result.problem = "There is no snapshot of this budget yet, so there is no forecast to share"
        return result
    forecasts = dict(SnapshotLine.objects.filter(snapshot=snapshot).values_list("line_id", "forecast"))
    host = Partner(agreement.host_id, agreement.host.name)
    care_by_partner: dict[Partner, Decimal] = {}
    lines = BudgetLine.objects.filter(budget=budget).values_list(
        "pk", "amount", "partner_id", "partner__name"
    )
    for line_id, amount, partner_id, partner_name in lines:
        forecast = forecasts.get(line_id, ZERO)
        result.care_budget += amount
        result.care_forecast += forecast
        bearer = Partner(partner_id, partner_name) if partner_id else host
        care_by_partner[bearer] = care_by_partner.get(bearer, ZERO) + forecast - amount
    staffing_by_partner: dict[Partner, Decimal] = {}
    for (partner_id, name), (adjusted, forecast) in staffing_variance(budget).items():
        result.staffing_budget += adjusted
        result.staffing_forecast += forecast
        staffing_by_partner[Partner(partner_id, name)] = forecast - adjusted
    members = list(
        AgreementPartner.objects.filter(agreement=agreement)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    partners = [Partner(m.organisation_id, m.organisation.name) for m in members]
    try:
        if agreement.risk_share_rule == RiskShareRule.OWN_LINES:
            result.shares = share_own_lines(partners, care_by_partner, staffing_by_partner)
        elif agreement.risk_share_rule == RiskShareRule.FIXED:
            result.shares = share_fixed(
                result.total,
                [(Partner(m.organisation_id, m.organisation.name), m.fixed_share) for m in members],
            )
        else:
            amounts = {
                Partner(c.organisation_id, c.organisation.name): c.amount
                for c in Contribution.objects.filter(budget=budget).select_related("organisation")
            }
            everyone = sorted(set(partners) | set(amounts), key=lambda p: p.name)
            result.shares = share_proportional(result.total, [(p, amounts.get(p, ZERO)) for p in everyone])
    except RiskShareProblem as problem:
        result.problem = str(problem)
    return result


# --- Tables -----------------------------------------------------------------------------------


def variance_table(result: RiskShare) -> Table:
    snapshot = result.snapshot
    at = f" at {snapshot.label} ({_day(snapshot.as_of)})" if snapshot else ""
    table = Table(
        title="Forecast over- or underspend",
        columns=["Spending", "Budget", "Forecast", "Over (+) or under (−) spend"],
        note="Care packages include the other finance adjustments; staffing is against the adjusted budget.",
    )
    table.add([f"Care packages{at}", result.care_budget, result.care_forecast, result.care_variance])
    table.add(["Staffing", result.staffing_budget, result.staffing_forecast, result.staffing_variance])
    table.add(
        [
            "Total",
            result.care_budget + result.staffing_budget,
            result.care_forecast + result.staffing_forecast,
            result.total,
        ],
        kind="total",
    )
    return table


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(PENNY)}%"


def shares_table(result: RiskShare) -> Table:
    rule = result.rule
    title = f"Risk share: {result.rule_label.lower()}"
    if rule == RiskShareRule.OWN_LINES:
        table = Table(title=title, columns=["Partner", "Care packages", "Staffing", SHARE_COLUMN])
        for s in result.shares:
            table.add([s.partner.name, s.care, s.staffing, s.share])
        table.add(["Total", result.care_variance, result.staffing_variance, result.total], kind="total")
        return table
    if rule == RiskShareRule.FIXED:
        table = Table(title=title, columns=["Partner", "Fixed share", SHARE_COLUMN])
        for s in result.shares:
            table.add([s.partner.name, _percent(s.percent), s.share])
        table.add(["Total", "100.00%", result.total], kind="total")
    else:
        table = Table(title=title, columns=["Partner", "Contribution", "Share", SHARE_COLUMN])
        for s in result.shares:
            table.add([s.partner.name, s.contribution, _percent(s.percent), s.share])
        contributed = sum((s.contribution or ZERO for s in result.shares), ZERO)
        table.add(["Total", contributed, "", result.total], kind="total")
    table.note = (
        "Shares are in whole pennies and add up exactly to the total: each partner gets its exact "
        "share cut to the penny, and the pennies left over go to the largest remainders."
    )
    return table


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"
