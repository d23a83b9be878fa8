"""Care and support plans (Care Act s25), carer's support plans, and reviews (s27).

A plan rests on an authorised assessment, is agreed with the person on a date and
authorised by a manager. A review that revises the plan makes a new draft version that
points at the one it replaces; when the new version is authorised the old one is
superseded, and both are kept.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Team
from cases.models import Case, Person
from cases.models.referrals import TransitionRow

from .assessments import Assessment


class PlanKind(models.TextChoices):
    CARE_AND_SUPPORT = "care_and_support", "Care and support plan (Care Act s25)"
    CARER_SUPPORT = "carer_support", "Carer's support plan (Care Act s25)"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Waiting for a manager to authorise"
    ACTIVE = "active", "Agreed and in place"
    SUPERSEDED = "superseded", "Replaced by a revised plan"
    ENDED = "ended", "Ended"


class DirectPayment(models.TextChoices):
    """Care Act s31-33: the personal budget may be taken wholly or partly as a direct payment."""

    NONE = "none", "No direct payment: the council arranges the services"
    PART = "part", "Part of the personal budget as a direct payment"
    FULL = "full", "All of the personal budget as a direct payment"


class CarePlan(models.Model):
    """One version of a person's (or carer's) plan.

    `needs` is a list of {"need": str, "eligible": bool, "how_met": str}: eligible and
    non-eligible needs and how each is met (s25(1)(a)-(b) and statutory guidance 10.37).
    """

    kind = models.CharField(max_length=20, choices=PlanKind.choices, default=PlanKind.CARE_AND_SUPPORT)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_plans")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_plans")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="care_plans")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="plans")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    version_number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=30, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )

    needs = models.JSONField(default=list, blank=True)
    services = models.TextField("services and support arranged", blank=True)
    personal_budget_weekly = models.DecimalField(
        "personal budget per week (£)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    direct_payment = models.CharField(
        max_length=10, choices=DirectPayment.choices, default=DirectPayment.NONE
    )
    direct_payment_weekly = models.DecimalField(
        "direct payment per week (£)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    contingency = models.TextField("contingency: what happens if support breaks down", blank=True)
    agreed_on = models.DateField("date agreed with the person", null=True, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="plan_person"),
            models.Index(
                fields=["agreed_on"], condition=models.Q(status="active"), name="plan_active_agreed"
            ),
            models.Index(
                fields=["team", "updated_at"],
                condition=models.Q(status="awaiting_authorisation"),
                name="plan_awaiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(agreed_on__isnull=False),
                name="plan_active_has_agreed_date",
                violation_error_message="An agreed plan needs the date it was agreed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version_number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("careact:plan_detail", args=[self.pk])


class PlanTransition(TransitionRow):
    """Drafted, submitted, authorised, superseded, ended: who and when (ADR 3)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=30, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=PlanStatus.choices)

    class Meta(TransitionRow.Meta):
        pass

    def __str__(self):
        return f"Plan {self.plan_id}: {self.event}"


class ReviewKind(models.TextChoices):
    LIGHT_TOUCH = "light_touch", "Light-touch review (6 to 8 weeks after the plan is agreed)"
    PLANNED = "planned", "Planned review (at least every 12 months)"
    UNPLANNED = "unplanned", "Unplanned review (a change in needs or circumstances)"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue with the plan as it is"
    REVISE = "revise", "Revise the plan"
    END = "end", "End the plan"


class Review(models.Model):
    """A review of a plan (Care Act s27; statutory guidance chapter 13)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_reviews")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    held_on = models.DateField()
    change_reason = models.TextField("what changed (unplanned reviews)", blank=True)
    persons_views = models.TextField("the person's views", blank=True)
    whats_working = models.TextField("what is working and what is not")
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    outcome_reason = models.TextField("reasons for the outcome")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["plan", "-held_on"], name="review_plan_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on}"
