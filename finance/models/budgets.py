"""The pooled budget for one financial year (April to March) and its lines (seed 003 s3.2).

Care package budgets are held per service line and care type; income (health and client
contributions) is held as negative amounts, as the pool manager's tables show it. A separate
block holds the "other finance adjustments" (inflation, backdating risk, prior-year
liabilities, expected demand). Staffing budgets are per partner and group (seed 003 s3.3).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation

from .agreements import Agreement


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of financial year `year` (2026 is 1 April 2026 to 31 March 2027)."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


class CareType(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    NURSING = "nursing", "Nursing"
    DOMICILIARY = "domiciliary", "Domiciliary care"
    LIVE_IN = "live_in", "Live-in care"
    SUPPORTED_LIVING = "supported_living", "Supported living"
    DAY_CARE = "day_care", "Day care"
    DIRECT_PAYMENTS = "direct_payments", "Direct payments"
    OTHER = "other", "Other"


class IncomeType(models.TextChoices):
    HEALTH_CONTRIBUTIONS = "health_contributions", "Health contributions"
    CLIENT_CONTRIBUTIONS = "client_contributions", "Client contributions"


class AdjustmentKind(models.TextChoices):
    INFLATION = "inflation", "Inflation"
    BACKDATING_RISK = "backdating_risk", "Backdating risk"
    PRIOR_YEAR = "prior_year", "Prior-year liabilities"
    EXPECTED_DEMAND = "expected_demand", "Expected demand"
    OTHER = "other_adjustment", "Other adjustment"


class LineSection(models.TextChoices):
    EXPENDITURE = "expenditure", "Expenditure"
    INCOME = "income", "Income"
    ADJUSTMENT = "adjustment", "Other finance adjustments"


LINE_CATEGORY_CHOICES = CareType.choices + IncomeType.choices + AdjustmentKind.choices


def section_of(category: str) -> str:
    if category in CareType.values:
        return LineSection.EXPENDITURE
    if category in IncomeType.values:
        return LineSection.INCOME
    return LineSection.ADJUSTMENT


class FinanceServiceLine(models.Model):
    """A service line the pool reports by (working-age AMH, OPMH, forensic, others finance
    sets up). Distinct from a team's service line: it is how the money is reported."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=12, unique=True, help_text="As in the tables, e.g. AMH.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.short_name


class PooledBudget(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField("financial year starting in April of")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "agreement__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="finance_one_budget_per_year")
        ]

    def __str__(self):
        return f"{self.agreement} {self.label}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("finance:budget_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return financial_year_label(self.year)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return financial_year_bounds(self.year)


class Contribution(models.Model):
    """A partner's contribution to the pooled fund for the year."""

    budget = models.ForeignKey(PooledBudget, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "organisation"], name="finance_contribution_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="finance_contribution_not_negative",
                violation_error_message="A contribution cannot be negative",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.amount}"


class BudgetLine(models.Model):
    """One line of the pool: a service line and a care type (expenditure, positive), an
    income type (negative), or an adjustment (no service line).

    `partner` is the organisation that bears the line's variance under the "own lines" rule.
    """

    budget = models.ForeignKey(PooledBudget, on_delete=models.CASCADE, related_name="lines")
    service_line = models.ForeignKey(
        FinanceServiceLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=30, choices=LINE_CATEGORY_CHOICES)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Bears this line's variance when each partner bears its own lines.",
    )

    class Meta:
        ordering = ["service_line__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "service_line", "category"],
                name="finance_line_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(category__in=CareType.values, service_line__isnull=False, amount__gte=0)
                    | models.Q(category__in=IncomeType.values, service_line__isnull=False, amount__lte=0)
                    | models.Q(category__in=AdjustmentKind.values, service_line__isnull=True)
                ),
                name="finance_line_shape",
                violation_error_message=(
                    "Expenditure lines are positive and income lines negative, each with a service "
                    "line; adjustment lines have no service line"
                ),
            ),
        ]

    def __str__(self):
        prefix = f"{self.service_line} " if self.service_line_id else ""
        return f"{prefix}{self.get_category_display()}"

    @property
    def section(self) -> str:
        return section_of(self.category)


class ForecastAdjustment(models.Model):
    """A known adjustment finance enters against an adjustment line (seed 003 "other finance
    adjustments"). It counts from `effective_from` until `withdrawn_on`; `in_commitment`
    says whether it is already committed (an agreed inflation uplift) or forecast only
    (backdating risk, prior-year liabilities, expected demand)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    in_commitment = models.BooleanField("already committed (not only forecast)", default=False)
    effective_from = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    note = models.TextField("what it is for")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["effective_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gt=models.F("effective_from")),
                name="finance_adjustment_withdrawn_after_start",
                violation_error_message="An adjustment is withdrawn after it takes effect",
            )
        ]

    def __str__(self):
        return f"{self.line}: {self.amount} from {self.effective_from}"


class StaffingLine(models.Model):
    """A staffing budget by partner and group (seed 003 s3.3): the S75 estimate, the adjusted
    budget, and finance's forecast for the year. Actuals come month by month."""

    budget = models.ForeignKey(PooledBudget, on_delete=models.CASCADE, related_name="staffing_lines")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=40, help_text="For example AP, Mgmt, AMH, OPMH.")
    budget_amount = models.DecimalField("budget (S75 estimate)", max_digits=14, decimal_places=2)
    adjusted_budget = models.DecimalField(max_digits=14, decimal_places=2)
    forecast = models.DecimalField("forecast for the year", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["partner__name", "group"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "partner", "group"], name="finance_staffing_once")
        ]

    def __str__(self):
        return f"{self.partner} {self.group}"


class StaffingActual(models.Model):
    """Actual spend on a staffing line in one month, entered or imported from a ledger CSV.
    A re-import of the same month replaces the amount (one row per line and month)."""

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered"
        LEDGER = "ledger", "Imported from the ledger"

    line = models.ForeignKey(StaffingLine, on_delete=models.CASCADE, related_name="actuals")
    month = models.DateField(help_text="First day of the month.")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="finance_actual_once_a_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="finance_actual_month_start",
                violation_error_message="An actual is for a whole month",
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.month:%b %Y}: {self.amount}"
