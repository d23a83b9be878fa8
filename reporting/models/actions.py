"""The partnership action plan (seed 002, appendix: recommendation, action, lead, start,
end, update, status).

A board or partnership owns a plan; each item is one action towards a recommendation.
Status is on track, at risk or completed; "overdue" is derived (the end date has passed and
the action is not completed), never stored, so it cannot go stale. Updates are dated entries
kept for good: the database refuses to change or delete them (migration 0002). Status
changes are their own immutable rows (ADR 3).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.referrals import TransitionRow

MANAGE_GOVERNANCE = "reporting.manage_governance"


class ActionStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    COMPLETED = "completed", "Completed"


class ActionPlan(models.Model):
    """A board's or partnership's plan, for example the review action plan of seed 002."""

    title = models.CharField(max_length=200)
    owner = models.CharField(
        "board or partnership",
        max_length=200,
        help_text="Who oversees the plan, for example the Community Mental Health Partnership Board",
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        permissions = [("manage_governance", "Can change action plans, the risk register and indicators")]

    def __str__(self):
        return self.title


class ActionItem(models.Model):
    """One action towards a recommendation, with a lead, a start and an end date."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="items")
    workstream = models.CharField(
        "workstream or task and finish group", max_length=200, blank=True, default=""
    )
    recommendation = models.TextField()
    action = models.TextField()
    lead_name = models.CharField("lead", max_length=150)
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The lead's account, when they use this system",
    )
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.ON_TRACK, db_index=True
    )
    completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ends_on", "pk"]
        indexes = [models.Index(fields=["plan", "ends_on"], name="action_plan_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="action_ends_after_start",
                violation_error_message="The end date must be the same as or after the start date",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=ActionStatus.COMPLETED, completed_on__isnull=False)
                    | (~models.Q(status=ActionStatus.COMPLETED) & models.Q(completed_on__isnull=True))
                ),
                name="action_completed_has_date",
            ),
        ]

    def __str__(self):
        return self.action[:80]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:action_detail", args=[self.pk])

    def is_overdue_on(self, day: datetime.date) -> bool:
        """Derived: past its end date and not completed (seed 002 status column)."""
        return self.status != ActionStatus.COMPLETED and self.ends_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class ActionUpdate(models.Model):
    """A dated progress entry ("Feb 23: regular performance reporting in place"). Append-only."""

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    written_on = models.DateField("date of the update")
    text = models.TextField("update")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["item", "-written_on"], name="action_update_latest")]

    def __str__(self):
        return f"Update of {self.written_on}"


class ActionTransition(TransitionRow):
    """Who changed an action's status, when and why."""

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)

    class Meta(TransitionRow.Meta):
        pass

    def __str__(self):
        return f"Action {self.item_id}: {self.event} at {self.at:%Y-%m-%d %H:%M}"
