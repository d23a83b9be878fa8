"""Section 117 aftercare register (Mental Health Act 1983 s117).

Free aftercare for people detained under s3, s37, s45A, s47 or s48, a joint duty of the
council and the integrated care board. It ends only by a recorded joint decision of both
(MHA Code of Practice 33.20-33.22); it is reviewed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Team
from cases.models import Person
from cases.models.referrals import TransitionRow


class QualifyingSection(models.TextChoices):
    S3 = "s3", "Section 3 (treatment)"
    S37 = "s37", "Section 37 (hospital order)"
    S45A = "s45A", "Section 45A (hospital and limitation direction)"
    S47 = "s47", "Section 47 (transfer of a sentenced prisoner)"
    S48 = "s48", "Section 48 (transfer of an unsentenced prisoner)"


class Section117Status(models.TextChoices):
    ACTIVE = "active", "Entitled to aftercare"
    ENDED = "ended", "Ended by joint decision"


class Section117Entitlement(models.Model):
    """One entry on the s117 register: the detention that gave the entitlement and who is
    responsible for the aftercare."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="s117_entitlements")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="s117_entitlements")
    section = models.CharField("detained under", max_length=5, choices=QualifyingSection.choices)
    detained_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField("discharge date")
    responsible_council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    responsible_icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="responsible ICB"
    )
    aftercare_plan = models.TextField(
        "aftercare plan: the services that meet needs arising from the disorder"
    )
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    status = models.CharField(
        max_length=10, choices=Section117Status.choices, default=Section117Status.ACTIVE, db_index=True
    )
    # Ending: both bodies decide, each recorded (who, when); the service refuses one alone.
    council_decision_by = models.CharField("council decision made by", max_length=200, blank=True)
    council_decision_on = models.DateField(null=True, blank=True)
    icb_decision_by = models.CharField("ICB decision made by", max_length=200, blank=True)
    icb_decision_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(
        "why aftercare is no longer needed for needs arising from the mental disorder", blank=True
    )
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-discharged_on", "-pk"]
        verbose_name = "section 117 entitlement"
        indexes = [
            models.Index(fields=["team"], condition=models.Q(status="active"), name="s117_active_team")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active")
                | models.Q(
                    council_decision_on__isnull=False,
                    icb_decision_on__isnull=False,
                    ended_on__isnull=False,
                ),
                name="s117_ended_by_joint_decision",
                violation_error_message=(
                    "Section 117 aftercare ends only by a joint decision of the council and the ICB"
                ),
            ),
        ]

    def __str__(self):
        return f"s117 after {self.get_section_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("careact:s117_detail", args=[self.pk])


class Section117Transition(TransitionRow):
    entitlement = models.ForeignKey(
        Section117Entitlement, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=10, choices=Section117Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Section117Status.choices)

    class Meta(TransitionRow.Meta):
        pass


class Section117Review(models.Model):
    entitlement = models.ForeignKey(Section117Entitlement, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.TextField("who took part (council, ICB, the person, others)")
    needs_continue = models.BooleanField("aftercare still needed for needs arising from the disorder")
    notes = models.TextField("what was reviewed and decided")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["entitlement", "-held_on"], name="s117_review_latest")]

    def __str__(self):
        return f"s117 review on {self.held_on}"
