"""The AMHP register: who is approved by the council, until when, and their training.

Approval is for up to 5 years; at least 18 hours of relevant training in each year of
approval (seed 004 1.23-1.27; the Mental Health (Approved Mental Health Professionals)
(Approval) (England) Regulations 2008).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import EmploymentType, Organisation


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    NURSE = "nurse", "Mental health or learning disability nurse"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PSYCHOLOGIST = "psychologist", "Chartered psychologist"


class AmhpProfile(models.Model):
    """An AMHP on the council's register (one per user)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amhp_profile"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="amhps")
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = "AMHP"

    def __str__(self):
        return f"AMHP {self.user_id}"

    @property
    def is_locum(self) -> bool:
        return self.employment_type in (EmploymentType.LOCUM, EmploymentType.AGENCY)


class Approval(models.Model):
    """One approval by the council, from a date to an expiry no more than 5 years later."""

    amhp = models.ForeignKey(AmhpProfile, on_delete=models.PROTECT, related_name="approvals")
    approved_on = models.DateField()
    expires_on = models.DateField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True, help_text="Suspended or withdrawn before expiry.")
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_on", "-pk"]
        indexes = [models.Index(fields=["amhp", "approved_on", "expires_on"], name="approval_window")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("approved_on")),
                name="approval_expires_after_start",
                violation_error_message="The expiry date must be after the approval date",
            ),
        ]

    def __str__(self):
        return f"Approval {self.approved_on} to {self.expires_on}"


class TrainingRecord(models.Model):
    amhp = models.ForeignKey(AmhpProfile, on_delete=models.PROTECT, related_name="training")
    completed_on = models.DateField()
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="training_hours_positive",
                violation_error_message="Enter the hours as a number greater than 0",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.hours} hours)"
