"""Care packages: what the pool pays for one person (Care Act s8, s24-26; MHA s117 aftercare).

A package is requested from the person's case, decided by the funding panel at the
authorisation level its weekly cost needs, started, and ended. Its cost, funding split and
client contribution live in versions, each from a date, so a change of cost never rewrites
what was committed before it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Team
from cases.models import Case, Person
from cases.models.referrals import TransitionRow

from .budgets import BudgetLine, CareType


class PackageStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the funding panel"
    APPROVED = "approved", "Approved, not started"
    DECLINED = "declined", "Declined by the funding panel"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    WITHDRAWN = "withdrawn", "Withdrawn before it started"


class PanelOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_WITH_CHANGES = "approve_with_changes", "Approve with changes"
    DECLINE = "decline", "Decline"


class AuthorisationLevel(models.Model):
    """Who may approve a package of a given weekly cost (the scheme of delegation).

    The level needed is the lowest one whose `max_weekly_cost` covers the cost; the top level
    has no maximum."""

    name = models.CharField(max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the lowest level.")
    max_weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class CarePackage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_packages")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_packages")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="care_packages")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    care_type = models.CharField(max_length=20, choices=CareType.choices)
    provider = models.CharField(max_length=200)
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        related_name="packages",
        help_text="The expenditure line (service line and care type) that pays for it.",
    )
    needs_summary = models.TextField("the needs it meets")
    status = models.CharField(
        max_length=12, choices=PackageStatus.choices, default=PackageStatus.REQUESTED, db_index=True
    )
    planned_start = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["budget_line", "status"], name="finance_pkg_line_status"),
            models.Index(fields=["person"], name="finance_pkg_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
                name="finance_pkg_planned_end_after_start",
                violation_error_message="The planned end cannot be before the planned start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=False, ended_on__gte=models.F("started_on")),
                name="finance_pkg_ended_after_start",
                violation_error_message="A package ends on or after the day it started",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["active", "ended"]) | models.Q(started_on__isnull=False),
                name="finance_pkg_live_has_start",
                violation_error_message="An active or ended package has a start date",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_care_type_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("finance:package_detail", args=[self.pk])


class PackageCost(models.Model):
    """One version of a package's cost from `effective_from`; the latest version on or before
    a day is the one in force that day.

    The weekly cost is entered, or worked out from a unit rate and units a week. Funding
    shares are percentages that sum to 100 (checked by the database)."""

    package = models.ForeignKey(CarePackage, on_delete=models.CASCADE, related_name="costs")
    effective_from = models.DateField()
    unit_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    units_per_week = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)
    client_contribution = models.DecimalField(
        "weekly client contribution", max_digits=10, decimal_places=2, default=Decimal("0")
    )
    social_care_share = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("100"))
    health_share = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    joint_share = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    s117_share = models.DecimalField("section 117 aftercare share", max_digits=5, decimal_places=2, default=0)
    chc_share = models.DecimalField("continuing healthcare share", max_digits=5, decimal_places=2, default=0)
    reason = models.TextField("why the cost changed", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["package", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["package", "effective_from"], name="finance_cost_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(
                    social_care_share__gte=0,
                    health_share__gte=0,
                    joint_share__gte=0,
                    s117_share__gte=0,
                    chc_share__gte=0,
                ),
                name="finance_cost_shares_not_negative",
                violation_error_message="A funding share cannot be negative",
            ),
            models.CheckConstraint(
                condition=Exact(
                    F("social_care_share")
                    + F("health_share")
                    + F("joint_share")
                    + F("s117_share")
                    + F("chc_share"),
                    Value(Decimal("100")),
                ),
                name="finance_cost_shares_sum_100",
                violation_error_message="The funding shares must add up to 100%",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_cost__gte=0, client_contribution__gte=0),
                name="finance_cost_not_negative",
                violation_error_message="Costs and contributions cannot be negative",
            ),
        ]

    def __str__(self):
        return f"£{self.weekly_cost} a week from {self.effective_from}"


class PanelDecision(models.Model):
    """The funding panel's decision on a requested package, at the level the cost needs."""

    package = models.OneToOneField(CarePackage, on_delete=models.PROTECT, related_name="panel_decision")
    outcome = models.CharField(max_length=24, choices=PanelOutcome.choices)
    decided_on = models.DateField()
    decided_by = models.CharField("decided by (name and role)", max_length=200)
    level = models.ForeignKey(AuthorisationLevel, on_delete=models.PROTECT, related_name="+")
    level_needed = models.ForeignKey(AuthorisationLevel, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField()
    changes = models.TextField("changes the panel made", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.get_outcome_display()} on {self.decided_on}"


class PackageTransition(TransitionRow):
    package = models.ForeignKey(CarePackage, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=PackageStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PackageStatus.choices)

    class Meta(TransitionRow.Meta):
        pass
