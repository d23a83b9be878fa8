"""Period snapshots: commitment and forecast per budget line, frozen at a date.

Seed 003's tables compare the budget with the commitment and forecast "at each period"
(April, Q1, Q2, November, Q3); those figures must not move when packages change later, so a
snapshot is written once and the database refuses UPDATE and DELETE on it (migration 0002).
The month-end job makes at most one month-end snapshot per budget and day (a unique
constraint), so a rerun is harmless (DESIGN.md section 6).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .budgets import BudgetLine, PooledBudget


class SnapshotKind(models.TextChoices):
    MONTH_END = "month_end", "Month end"
    ON_DEMAND = "on_demand", "Taken on demand"


class Snapshot(models.Model):
    budget = models.ForeignKey(PooledBudget, on_delete=models.PROTECT, related_name="snapshots")
    as_of = models.DateField(help_text="The day whose position it records.")
    kind = models.CharField(max_length=10, choices=SnapshotKind.choices)
    label = models.CharField(max_length=40, help_text="As the tables head it, e.g. Nov or Q3.")
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["budget", "as_of", "taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "as_of"],
                condition=models.Q(kind="month_end"),
                name="finance_one_month_end_snapshot",
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.as_of})"


class SnapshotLine(models.Model):
    """Commitment and forecast for one budget line at the snapshot's date, with the number of
    packages counted. Adjustment lines carry the adjustments then in force."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="lines")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    commitment = models.DecimalField(max_digits=14, decimal_places=2)
    forecast = models.DecimalField(max_digits=14, decimal_places=2)
    package_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["snapshot", "line"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "line"], name="finance_snapshot_line_once")
        ]

    def __str__(self):
        return f"{self.line}: {self.commitment} / {self.forecast}"
