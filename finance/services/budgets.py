"""The pooled budget for a financial year: setting it up, its lines and contributions, and
the forecast adjustments finance enters against the adjustment lines (seed 003 s3.2).

A budget is created complete: one line per active service line and care type, both income
lines per service line, and every adjustment line, all at zero, so every table has every row
from the start. Income is held negative (as the pool manager's tables show it); expenditure
is positive; adjustments may be either (a saving is negative).
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction

from cases.services import DomainError

from ..models import (
    AdjustmentKind,
    Agreement,
    BudgetLine,
    CareType,
    Contribution,
    FinanceServiceLine,
    ForecastAdjustment,
    IncomeType,
    LineSection,
    PooledBudget,
    financial_year_bounds,
    financial_year_label,
)

__all__ = [
    "YearRefused",
    "add_adjustment",
    "add_missing_lines",
    "create_budget",
    "update_budget_lines",
    "withdraw_adjustment",
]

ZERO = Decimal("0")


class YearRefused(DomainError):
    """The year cannot have a budget: it is taken, or outside the agreement's dates."""


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def year_within_agreement(agreement: Agreement, year: int) -> bool:
    """A financial year fits an agreement when the two overlap (a part year at either end
    counts: an agreement starting in October still has a budget for that year)."""
    first, last = financial_year_bounds(year)
    return last >= agreement.starts_on and (agreement.ends_on is None or first <= agreement.ends_on)


def _check_contributions(agreement: Agreement, contributions: Mapping[int, Decimal | None]) -> dict:
    partners = dict(agreement.partners.values_list("organisation_id", "organisation__name"))
    unknown = set(contributions) - set(partners)
    if unknown:
        raise DomainError("A contribution can only come from a partner to the agreement")
    amounts = {}
    for organisation_id, name in sorted(partners.items(), key=lambda item: item[1]):
        amount = contributions.get(organisation_id)
        if amount is None:
            raise DomainError(f"Enter the contribution from {name}, or 0")
        if amount < 0:
            raise DomainError(f"The contribution from {name} cannot be negative")
        amounts[organisation_id] = amount
    return amounts


def add_missing_lines(budget: PooledBudget) -> int:
    """Create, at zero, any line the budget does not have yet (a service line made active after
    the budget was set up). Returns how many were added."""
    have = set(BudgetLine.objects.filter(budget=budget).values_list("service_line_id", "category"))
    wanted = [
        (service_line.pk, category)
        for service_line in FinanceServiceLine.objects.filter(is_active=True)
        for category in (*CareType.values, *IncomeType.values)
    ] + [(None, kind) for kind in AdjustmentKind.values]
    new = [
        BudgetLine(budget=budget, service_line_id=service_line_id, category=category)
        for service_line_id, category in wanted
        if (service_line_id, category) not in have
    ]
    BudgetLine.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def create_budget(
    *, agreement: Agreement, year: int, contributions: Mapping[int, Decimal | None], by
) -> PooledBudget:
    """Set up the pooled budget for financial year `year` (April to March) with each partner's
    contribution and every line at zero. One budget per agreement and year; the year must fall
    within the agreement's dates."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    label = financial_year_label(year)
    if not year_within_agreement(agreement, year):
        ends = f" to {_day(agreement.ends_on)}" if agreement.ends_on else ""
        dates = f"{_day(agreement.starts_on)}{ends}"
        raise YearRefused(f"{label} is outside the agreement's dates ({dates}): choose another year")
    if PooledBudget.objects.filter(agreement=agreement, year=year).exists():
        raise YearRefused(f"There is already a budget for {label}: open it to change it")
    amounts = _check_contributions(agreement, contributions)
    try:
        with transaction.atomic():
            budget = PooledBudget.objects.create(agreement=agreement, year=year, created_by=by)
    except IntegrityError:
        raise YearRefused(f"There is already a budget for {label}: open it to change it") from None
    Contribution.objects.bulk_create(
        Contribution(budget=budget, organisation_id=organisation_id, amount=amount)
        for organisation_id, amount in amounts.items()
    )
    add_missing_lines(budget)
    return budget


@transaction.atomic
def update_budget_lines(
    *,
    budget: PooledBudget,
    amounts: Mapping[int, Decimal],
    partners: Mapping[int, int | None] | None = None,
    contributions: Mapping[int, Decimal | None] | None = None,
    by,
) -> int:
    """Set the budget of each line (keyed by BudgetLine id), the partner that bears each
    line's variance under the own-lines rule (None means the host), and the contributions.

    Amounts use the stored signs: expenditure 0 or more, income 0 or less, adjustments
    either. Returns how many lines changed.
    """
    budget = PooledBudget.objects.select_for_update().select_related("agreement").get(pk=budget.pk)
    agreement = budget.agreement
    partners = partners or {}
    partner_ids = set(agreement.partners.values_list("organisation_id", flat=True))
    if contributions is not None:
        wanted = _check_contributions(agreement, contributions)
        for contribution in Contribution.objects.filter(budget=budget):
            amount = wanted.pop(contribution.organisation_id, None)
            if amount is not None and amount != contribution.amount:
                contribution.amount = amount
                contribution.save(update_fields=["amount"])
        Contribution.objects.bulk_create(
            Contribution(budget=budget, organisation_id=o, amount=a) for o, a in wanted.items()
        )
    lines = {
        line.pk: line for line in BudgetLine.objects.filter(budget=budget).select_related("service_line")
    }
    if set(amounts) - set(lines) or set(partners) - set(lines):
        raise DomainError("A line is not part of this budget: reload the page and try again")
    changed = []
    for pk, line in lines.items():
        amount = amounts.get(pk, line.amount)
        if amount is None:
            raise DomainError(f"Enter an amount for {line}, or 0")
        section = line.section
        if section == LineSection.EXPENDITURE and amount < 0:
            raise DomainError(f"The budget for {line} cannot be negative")
        if section == LineSection.INCOME and amount > 0:
            raise DomainError(f"{line} is income: it is held as a negative amount")
        partner_id = partners.get(pk, line.partner_id)
        if partner_id == agreement.host_id:
            partner_id = None  # unset means the host, so a change of host carries the line
        if partner_id is not None and partner_id not in partner_ids:
            raise DomainError(f"The partner bearing {line} must be a partner to the agreement")
        if amount != line.amount or partner_id != line.partner_id:
            line.amount, line.partner_id = amount, partner_id
            changed.append(line)
    BudgetLine.objects.bulk_update(changed, ["amount", "partner"])
    add_missing_lines(budget)
    return len(changed)


@transaction.atomic
def add_adjustment(
    *, line: BudgetLine, amount: Decimal, in_commitment: bool, effective_from, note: str, by
) -> ForecastAdjustment:
    """A known adjustment (inflation, backdating risk, prior-year liabilities, expected demand)
    against one of the budget's adjustment lines, from a date within the budget's year."""
    line = BudgetLine.objects.select_related("budget").get(pk=line.pk)
    if line.section != LineSection.ADJUSTMENT:
        raise DomainError("Select one of the other finance adjustment lines")
    if amount is None:
        raise DomainError("Enter the amount")
    if amount == 0:
        raise DomainError("Enter an amount other than 0")
    if effective_from is None:
        raise DomainError("Enter the date the adjustment takes effect")
    first, last = line.budget.bounds
    if not first <= effective_from <= last:
        raise DomainError(
            f"The date it takes effect must be within {line.budget.label} ({_day(first)} to {_day(last)})"
        )
    note = (note or "").strip()
    if not note:
        raise DomainError("Enter what the adjustment is for")
    return ForecastAdjustment.objects.create(
        line=line,
        amount=amount,
        in_commitment=bool(in_commitment),
        effective_from=effective_from,
        note=note,
        recorded_by=by,
    )


@transaction.atomic
def withdraw_adjustment(*, adjustment: ForecastAdjustment, withdrawn_on, by) -> ForecastAdjustment:
    """Withdraw an adjustment from a date: it no longer counts from that day. Withdrawing
    again on the same date is a no-op; a different date is refused (it is already out)."""
    adjustment = ForecastAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if withdrawn_on is None:
        raise DomainError("Enter the date the adjustment is withdrawn")
    if adjustment.withdrawn_on is not None:
        if adjustment.withdrawn_on == withdrawn_on:
            return adjustment
        raise DomainError(f"This adjustment was already withdrawn on {_day(adjustment.withdrawn_on)}")
    if withdrawn_on <= adjustment.effective_from:
        starts = _day(adjustment.effective_from)
        raise DomainError(f"The withdrawal date must be after the adjustment takes effect ({starts})")
    adjustment.withdrawn_on = withdrawn_on
    adjustment.save(update_fields=["withdrawn_on"])
    return adjustment
