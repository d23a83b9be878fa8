"""Budget amounts, contributions and staffing for the finance demo (finance.demo).

This year's care package lines are sized from the packages' forecast, so the year tells
seed 003's story: older people's residential care over budget (more people placed this
year), live-in care budgeted for what ran on 31 March and a little growth (three more
started since), working-age supported living under budget (people moved on). Last
year's budget is this year's less a few percent.

Staffing follows seed 003 s3.3 in shape and proportion: the host council's AP and
management lines, the councils' seconded AMH and OPMH social workers, and the trust's
management, AMH and OPMH staff; budgets moved between lines in the adjusted budget, monthly
actuals from the ledger, and a forecast that carries each line's run rate to the year end
(vacancies in the trust's posts make the underspend).
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.models import Organisation, User

from . import demo_texts as T
from .demo_write import year_forecast
from .models import (
    AdjustmentKind,
    CareType,
    Contribution,
    IncomeType,
    PooledBudget,
    StaffingActual,
    StaffingLine,
    financial_year_bounds,
)

C = CareType
DAY = datetime.timedelta(days=1)
# Forecast / budget by line this year (the rest drawn between 0.965 and 1.025).
SPEND_RATIO = {
    (T.OPMH, C.RESIDENTIAL): Decimal("1.12"),
    (T.AMH, C.SUPPORTED_LIVING): Decimal("0.86"),
    (T.AMH, C.RESIDENTIAL): Decimal("1.03"),
    (T.OPMH, C.NURSING): Decimal("1.01"),
}
LIVE_IN_GROWTH = Decimal("1.4")
INFLATION_ALLOWANCE = {0: Decimal("0.034"), -1: Decimal("0.030")}  # of the expenditure budget
STAFFING_SHARE = Decimal("0.34")  # staffing beside the care budget (seed 003: 3.1m to 9.2m)
TRUST_CARE_SHARE = Decimal("0.12")  # of the net care budget, paid in by the trust
# (who, group, share of the staffing budget, moved in the adjusted budget, actual run rate)
# "councils" lines are split between the councils by how many localities each serves.
STAFFING = (
    ("host", "AP", "0.032", "0", "1.08"),
    ("host", "Mgmt", "0.071", "0.019", "1.07"),
    ("councils", "AMH", "0.369", "0.005", "0.985"),
    ("councils", "OPMH", "0.154", "0", "0.98"),
    ("trust", "Mgmt", "0.131", "-0.016", "0.89"),
    ("trust", "AMH", "0.157", "-0.013", "0.80"),
    ("trust", "OPMH", "0.086", "0.005", "0.83"),
)


@dataclass
class Parties:
    host_key: str
    councils: dict[str, Organisation]
    trust: Organisation
    pool_manager: User | None
    trust_officer: User | None = None

    @property
    def host(self) -> Organisation:
        return self.councils[self.host_key]

    @property
    def organisations(self) -> list[Organisation]:
        others = [o for k, o in self.councils.items() if k != self.host_key]
        return [self.host, *others, self.trust]


@dataclass
class StaffingResult:
    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # year -> org pk -> budget


def thousands(value) -> Decimal:
    return (Decimal(value) / 1000).quantize(Decimal(1), ROUND_HALF_UP) * 1000


def pounds(value) -> Decimal:
    return Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)


def _ratio(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 1000


def size_lines(drafts, today: datetime.date, year: int, rng: random.Random) -> dict[int, dict]:
    """{year: {(service line, category): amount}} for this year and last; adjustment lines
    are keyed (None, kind)."""
    bounds = financial_year_bounds(year)
    now = year_forecast(drafts, bounds, today)
    at_start = year_forecast(drafts, bounds, bounds[0] - DAY)  # what ran on 31 March
    current, previous = {}, {}
    for service_line in (T.AMH, T.OPMH):
        for care_type in C.values:
            key = (service_line, care_type)
            if care_type == C.LIVE_IN:  # what ran on 31 March, and a little growth
                amount = thousands(at_start.get(key, {}).get("exp", 0) * LIVE_IN_GROWTH)
            else:
                ratio = SPEND_RATIO.get(key) or _ratio(rng, 965, 1025)
                amount = thousands(now.get(key, {}).get("exp", 0) / ratio)
            current[key] = amount
        for income, part in (
            (IncomeType.CLIENT_CONTRIBUTIONS, "client"),
            (IncomeType.HEALTH_CONTRIBUTIONS, "health"),
        ):
            total = sum((now.get((service_line, ct), {}).get(part, 0) for ct in C.values), Decimal(0))
            current[(service_line, income)] = -thousands(total / _ratio(rng, 950, 1060))
    for key, amount in current.items():
        previous[key] = thousands(amount * _ratio(rng, 930, 970))
    for amounts, offset in ((current, 0), (previous, -1)):
        spend = sum(v for (sl, cat), v in amounts.items() if cat in C.values)
        amounts[(None, AdjustmentKind.INFLATION)] = thousands(spend * INFLATION_ALLOWANCE[offset])
        amounts[(None, AdjustmentKind.BACKDATING_RISK)] = Decimal(0)
        amounts[(None, AdjustmentKind.PRIOR_YEAR)] = Decimal(0)
    return {year: current, year - 1: previous}


def seed_staffing(
    budgets: dict[int, PooledBudget], amounts: dict[int, dict], parties: Parties, today, rng
) -> StaffingResult:
    """Staffing lines for each budget, with actuals for each complete month of the year
    before today; the forecast carries each line's run rate on to the year end."""
    result = StaffingResult()
    lines, actuals = [], []
    weights = _council_weights(parties)
    for year, budget in sorted(budgets.items()):
        total = thousands(sum(amounts[year].values(), Decimal(0)) * STAFFING_SHARE)
        rows = []
        for who, group, share, moved, rate in STAFFING:
            orgs = {"host": [(parties.host, Decimal(1))], "trust": [(parties.trust, Decimal(1))]}.get(
                who
            ) or [(parties.councils[k], w) for k, w in weights.items()]
            for org, weight in orgs:
                amount = pounds(total * Decimal(share) * weight)
                shift = (
                    pounds(total * Decimal(moved)) if org == parties.host or who != "councils" else Decimal(0)
                )
                noise = Decimal(rng.randint(-20, 20)) / 1000
                rows.append([org, group, amount, amount + shift, Decimal(rate) + noise])
        rows[-1][3] -= sum(r[3] for r in rows) - sum(r[2] for r in rows)  # moves net to nothing
        months = _months(year, today)
        totals = result.totals.setdefault(year, {})
        for org, group, amount, adjusted, rate in rows:
            monthly = adjusted / 12 * rate
            spent = [(m, (monthly * _ratio(rng, 940, 1060)).quantize(Decimal("0.01"))) for m in months]
            forecast = pounds(sum((a for _, a in spent), Decimal(0)) + monthly * (12 - len(months)))
            line = StaffingLine(
                budget=budget,
                partner=org,
                group=group,
                budget_amount=amount,
                adjusted_budget=adjusted,
                forecast=forecast,
            )
            lines.append(line)
            actuals += [
                StaffingActual(
                    line=line,
                    month=month,
                    amount=value,
                    source=StaffingActual.Source.LEDGER,
                    recorded_by=parties.pool_manager,
                    recorded_at=_recorded(month),
                )
                for month, value in spent
            ]
            totals[org.pk] = totals.get(org.pk, Decimal(0)) + amount
    StaffingLine.objects.bulk_create(lines)
    for actual in actuals:
        actual.line_id = actual.line.pk
    StaffingActual.objects.bulk_create(actuals)
    result.counts = {"staffing lines": len(lines), "staffing actuals": len(actuals)}
    return result


def _council_weights(parties: Parties) -> dict[str, Decimal]:
    """Each council's share of the seconded social workers: the localities it serves."""
    from cases.demo.organisations import LOCALITY_COUNCIL

    served = [k for k in LOCALITY_COUNCIL.values() if k in parties.councils] or [parties.host_key]
    return {k: Decimal(served.count(k)) / len(served) for k in parties.councils if k in served}


def _months(year: int, today: datetime.date) -> list[datetime.date]:
    """First days of the months of the year that ended before today."""
    months, month = [], financial_year_bounds(year)[0]
    for _ in range(12):
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        if following > today:
            break
        months.append(month)
        month = following
    return months


def _recorded(month: datetime.date) -> datetime.datetime:
    """Imported from the ledger about eight days after the month closed."""
    closed = (month + datetime.timedelta(days=32)).replace(day=1) + datetime.timedelta(days=7)
    at = datetime.datetime.combine(closed, datetime.time(10, 0), tzinfo=timezone.get_default_timezone())
    return min(at, timezone.now() - datetime.timedelta(hours=1))


def contributions(budget, amounts: dict, staffing: dict[int, Decimal], parties: Parties, drafts) -> int:
    """Each partner pays for its own staffing; the trust pays a fixed share of the care
    budget and the councils the rest, in proportion to their localities' packages. The
    contributions add up to the whole pool."""
    care = sum(amounts.values(), Decimal(0))
    trust_care = thousands(care * TRUST_CARE_SHARE)
    spend = {k: Decimal(0) for k in parties.councils}
    for draft in drafts:
        spend[draft.case.council] += draft.versions[0].weekly
    whole = sum(spend.values()) or Decimal(1)
    council_care = {k: thousands((care - trust_care) * spend[k] / whole) for k in parties.councils}
    council_care[parties.host_key] += care - trust_care - sum(council_care.values())
    rows = [
        Contribution(
            budget=budget, organisation=org, amount=council_care[k] + staffing.get(org.pk, Decimal(0))
        )
        for k, org in parties.councils.items()
    ]
    rows.append(
        Contribution(
            budget=budget,
            organisation=parties.trust,
            amount=trust_care + staffing.get(parties.trust.pk, Decimal(0)),
        )
    )
    Contribution.objects.bulk_create(rows)
    return len(rows)
