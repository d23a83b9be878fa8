"""Reads for the agreements, budgets and staffing pages, scoped through finance.permissions.

Each page's reads are a fixed number of queries however many agreements, budgets, lines or
adjustments there are (DESIGN.md section 10: query counts that do not grow with rows).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Organisation

from .models import (
    AdjustmentKind,
    Agreement,
    AgreementPartner,
    BudgetLine,
    CareType,
    Contribution,
    FinanceServiceLine,
    ForecastAdjustment,
    IncomeType,
    LineSection,
    PooledBudget,
    StaffingActual,
    StaffingLine,
)
from .permissions import agreements_for_finance, agreements_for_tables, can_read_tables, is_finance_officer
from .services.agreements import PARTNER_KINDS, finance_officers_of

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)
HOME_PAGE_SIZE = 20
ADJUSTMENTS_PAGE_SIZE = 25
VARIATIONS_PAGE_SIZE = 20
_ORDER = {c: i for i, c in enumerate([*CareType.values, *IncomeType.values, *AdjustmentKind.values])}


def may_use_finance_pages(user) -> bool:
    """Shows the "Section 75 money" item: finance officers, pool managers and commissioners of
    a partner. Cached on the user for the request (the nav asks on every page)."""
    cached = getattr(user, "_finance_nav", None)
    if cached is None:
        cached = bool(user.is_authenticated and (is_finance_officer(user) or can_read_tables(user)))
        user._finance_nav = cached
    return cached


def _contributed():
    total = (
        Contribution.objects.filter(budget=OuterRef("pk"))
        .values("budget")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO, output_field=MONEY))


def budgets_with_totals():
    return PooledBudget.objects.annotate(contributed=_contributed()).order_by("-year")


def managed_agreements(user):
    """The agreements the user manages, each with its budgets (newest year first)."""
    return (
        agreements_for_finance(user)
        .select_related("host", "pool_manager")
        .prefetch_related(Prefetch("budgets", queryset=budgets_with_totals()))
        .order_by("name")
    )


def readable_agreements(user):
    """Agreements whose aggregate tables the user may read but not manage (commissioners)."""
    return (
        agreements_for_tables(user)
        .exclude(pk__in=agreements_for_finance(user).values("pk"))
        .select_related("host")
        .prefetch_related(Prefetch("budgets", queryset=PooledBudget.objects.order_by("-year")))
        .order_by("name")
    )


def home_panel_budgets(user, limit: int = 6) -> list[PooledBudget]:
    """The user's latest budgets for the home page panel."""
    return list(
        PooledBudget.objects.filter(agreement__in=agreements_for_finance(user).values("pk"))
        .select_related("agreement")
        .order_by("-year", "agreement__name")[:limit]
    )


def active_service_lines():
    """The service lines the pool reports by now, in the tables' order."""
    return FinanceServiceLine.objects.filter(is_active=True)


def partner_organisations():
    """Who can be a partner to a Section 75 agreement: councils and NHS bodies."""
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).order_by("name")


def pool_manager_choices():
    return finance_officers_of(partner_organisations().values_list("pk", flat=True)).order_by("full_name")


def partners_of(agreement: Agreement) -> list[AgreementPartner]:
    return list(agreement.partners.select_related("organisation"))


def budgets_of(agreement: Agreement) -> list[PooledBudget]:
    return list(budgets_with_totals().filter(agreement=agreement))


def variations_of(agreement: Agreement):
    return agreement.variations.select_related("recorded_by")


def contributions_of(budget: PooledBudget) -> list[Contribution]:
    return list(budget.contributions.select_related("organisation"))


@dataclass
class ServiceLineBlock:
    service_line: object
    expenditure: list = field(default_factory=list)
    income: list = field(default_factory=list)

    @property
    def expenditure_total(self) -> Decimal:
        return sum((line.amount for line in self.expenditure), ZERO)

    @property
    def income_total(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total(self) -> Decimal:
        return self.expenditure_total + self.income_total


@dataclass
class BudgetOverview:
    """The budget's lines grouped as the tables show them, and whether they add up to the
    partners' contributions."""

    blocks: list[ServiceLineBlock]
    adjustments: list
    contributions: list
    staffing_total: Decimal = ZERO  # the staffing lines' adjusted budgets (seed 003 s3.3)

    @property
    def expenditure_total(self) -> Decimal:
        return sum((b.expenditure_total for b in self.blocks), ZERO)

    @property
    def income_total(self) -> Decimal:
        return sum((b.income_total for b in self.blocks), ZERO)

    @property
    def adjustments_total(self) -> Decimal:
        return sum((line.amount for line in self.adjustments), ZERO)

    @property
    def total(self) -> Decimal:
        """Care packages: expenditure, income and adjustments."""
        return self.expenditure_total + self.income_total + self.adjustments_total

    @property
    def pool_total(self) -> Decimal:
        """What the contributions pay for: care packages and staffing."""
        return self.total + self.staffing_total

    @property
    def contributions_total(self) -> Decimal:
        return sum((c.amount for c in self.contributions), ZERO)

    @property
    def difference(self) -> Decimal:
        """Lines (packages and staffing) minus contributions: above 0 the lines spend more
        than is contributed."""
        return self.pool_total - self.contributions_total

    @property
    def gap(self) -> Decimal:
        return abs(self.difference)

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def budget_lines(budget: PooledBudget) -> list[BudgetLine]:
    lines = list(BudgetLine.objects.filter(budget=budget).select_related("service_line", "partner"))
    lines.sort(
        key=lambda line: (line.service_line is None, _service_line_key(line), _ORDER.get(line.category, 99))
    )
    return lines


def _service_line_key(line):
    service_line = line.service_line
    return (service_line.position, service_line.name) if service_line else (0, "")


def budget_overview(budget: PooledBudget, lines: list[BudgetLine] | None = None) -> BudgetOverview:
    lines = budget_lines(budget) if lines is None else lines
    host = budget.agreement.host
    blocks: dict[int, ServiceLineBlock] = {}
    adjustments = []
    for line in lines:
        line.bearer = line.partner or host
        if line.section == LineSection.ADJUSTMENT:
            adjustments.append(line)
            continue
        block = blocks.setdefault(line.service_line_id, ServiceLineBlock(line.service_line))
        (block.expenditure if line.section == LineSection.EXPENDITURE else block.income).append(line)
    staffing = StaffingLine.objects.filter(budget=budget).aggregate(total=Sum("adjusted_budget"))["total"]
    return BudgetOverview(list(blocks.values()), adjustments, contributions_of(budget), staffing or ZERO)


def adjustments_of(budget: PooledBudget):
    return (
        ForecastAdjustment.objects.filter(line__budget=budget)
        .select_related("line", "recorded_by")
        .order_by("-effective_from", "-pk")
    )


def adjustment_lines(budget: PooledBudget) -> list[BudgetLine]:
    return [line for line in budget_lines(budget) if line.section == LineSection.ADJUSTMENT]


def get_adjustment_for_user(user, pk) -> ForecastAdjustment:
    """An adjustment of a budget the user manages, or 404."""
    adjustment = (
        ForecastAdjustment.objects.filter(
            pk=pk, line__budget__agreement__in=agreements_for_finance(user).values("pk")
        )
        .select_related("line", "line__budget", "line__budget__agreement", "line__budget__agreement__host")
        .first()
    )
    if adjustment is None:
        raise Http404("No such adjustment")
    return adjustment


def staffing_lines(budget: PooledBudget) -> list[StaffingLine]:
    """The budget's staffing lines with the actuals recorded so far."""
    actuals = (
        StaffingActual.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return list(
        StaffingLine.objects.filter(budget=budget)
        .select_related("partner")
        .annotate(
            actual_total=Coalesce(Subquery(actuals, output_field=MONEY), Value(ZERO, output_field=MONEY))
        )
    )


def staffing_totals(lines: list[StaffingLine]) -> dict:
    return {
        name: sum((getattr(line, name) for line in lines), ZERO)
        for name in ("budget_amount", "adjusted_budget", "forecast", "actual_total")
    }


def actuals_for_month(budget: PooledBudget, month) -> dict[int, StaffingActual]:
    return {a.line_id: a for a in StaffingActual.objects.filter(line__budget=budget, month=month)}


def months_recorded(budget: PooledBudget) -> list[dict]:
    """Each month of the year with actuals: how many lines have one, and their sum."""
    return list(
        StaffingActual.objects.filter(line__budget=budget)
        .values("month")
        .annotate(total=Sum("amount"), lines=Count("pk"))
        .order_by("month")
    )
