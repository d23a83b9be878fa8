"""What workers record: case notes, information-sharing decisions, and the employment and
accommodation status that feeds the board's performance indicators (seed 003)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .people import Person
from .referrals import Case, Referral


class CaseNote(models.Model):
    """A contact or note about a person, kept with its history."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        MDT = "mdt", "Multi-disciplinary team meeting"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField("date and time")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    # When it was written (the correction window counts from here); not auto_now_add, so
    # imported and demo notes can carry their own.
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="note_person_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"


class InformationSharingDecision(models.Model):
    """Each decision to share a person's information: who decided, what, with whom, why."""

    class Basis(models.TextChoices):
        CONSENT = "consent", "The person consented"
        VITAL_INTERESTS = "vital_interests", "To protect the person or others from serious harm"
        LEGAL_DUTY = "legal_duty", "A legal duty or court order"
        PUBLIC_TASK = "public_task", "Needed for the council's statutory duties"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sharing_decisions")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="sharing_decisions"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    what_was_shared = models.TextField()
    shared_with = models.CharField(max_length=200)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    reason = models.TextField()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"Shared with {self.shared_with} on {self.decided_at:%Y-%m-%d}"


class EmploymentStatus(models.TextChoices):
    """Adult Social Care Outcomes Framework style categories (ASCOF 1F)."""

    PAID_EMPLOYMENT = "paid", "In paid employment"
    VOLUNTARY = "voluntary", "Voluntary work only"
    SEEKING = "seeking", "Unemployed and seeking work"
    NOT_SEEKING = "not_seeking", "Unemployed and not seeking work"
    STUDENT = "student", "Student"
    RETIRED = "retired", "Retired"
    NOT_KNOWN = "not_known", "Not known"


class AccommodationStatus(models.TextChoices):
    """Settled or not (ASCOF 1H): living independently, with or without support."""

    OWNER_OR_TENANT = "owner_or_tenant", "Owner occupier or tenant"
    WITH_FAMILY = "with_family", "Settled with family or friends"
    SUPPORTED = "supported", "Supported accommodation"
    RESIDENTIAL = "residential", "Residential or nursing care"
    HOSPITAL = "hospital", "In hospital"
    HOMELESS = "homeless", "Homeless or rough sleeping"
    TEMPORARY = "temporary", "Temporary accommodation"
    NOT_KNOWN = "not_known", "Not known"


class StatusCheck(models.Model):
    """Employment and accommodation status, each recorded with the date it was checked."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_checks")
    employment = models.CharField(max_length=20, choices=EmploymentStatus.choices)
    accommodation = models.CharField(max_length=20, choices=AccommodationStatus.choices)
    checked_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["person", "-checked_on"], name="status_person_latest")]

    def __str__(self):
        return f"Checked {self.checked_on}"
