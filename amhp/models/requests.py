"""Requests for a Mental Health Act assessment, the assessment, medical recommendations and
delays, with the statutory clocks (rules in amhp/rules.py, keyed by date).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Team
from cases.models import Person
from cases.models.referrals import TransitionRow


class RequesterKind(models.TextChoices):
    POLICE = "police", "Police"
    GP = "gp", "GP"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    NEAREST_RELATIVE = "nearest_relative", "Nearest relative (s13(4))"
    OTHER = "other", "Other"


class LegalStatus(models.TextChoices):
    S136 = "s136", "Section 136 (police, place of safety)"
    S135_1 = "s135_1", "Section 135(1) (warrant, place of safety)"
    S135_2 = "s135_2", "Section 135(2) (warrant to retake)"
    S5_2 = "s5_2", "Section 5(2) (doctor's holding power)"
    S5_4 = "s5_4", "Section 5(4) (nurse's holding power)"
    INFORMAL = "informal", "Informal in-patient"
    COMMUNITY = "community", "In the community"
    DETAINED = "detained", "Already detained"


PLACE_OF_SAFETY_STATUSES = (LegalStatus.S136, LegalStatus.S135_1, LegalStatus.S135_2)


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for an AMHP"
    ALLOCATED = "allocated", "Allocated to an AMHP"
    ASSESSED = "assessed", "Assessed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MhaRequest(models.Model):
    """A request for an AMHP to consider an application under the Mental Health Act."""

    reference = models.CharField(max_length=12, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="mha_requests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mha_requests")
    received_at = models.DateTimeField()
    requester_kind = models.CharField(max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_contact = models.CharField(max_length=200, blank=True)
    location = models.CharField("where the person is", max_length=300)
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices)
    reason = models.TextField("reason for the request", blank=True)
    # s135/s136: 24 hours from arrival at the place of safety, extendable once by up to
    # 12 hours by the registered medical practitioner (s136A; MHA 1983 as amended 2017).
    arrived_at_place_of_safety = models.DateTimeField(null=True, blank=True)
    extension_hours = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extension_authorised_by = models.CharField(
        "doctor who authorised the extension", max_length=200, blank=True
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    allocated_amhp = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="mha_requests"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(
                fields=["team", "received_at"],
                condition=models.Q(status__in=["open", "allocated"]),
                name="mha_request_live",
            ),
            models.Index(fields=["person", "-received_at"], name="mha_request_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extension_hours__lte=12),
                name="mha_extension_at_most_12_hours",
                violation_error_message="The place of safety period can be extended by 12 hours at most",
            ),
        ]

    def __str__(self):
        return self.reference


class MhaRequestTransition(TransitionRow):
    request = models.ForeignKey(MhaRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)

    class Meta(TransitionRow.Meta):
        pass


class Outcome(models.TextChoices):
    S2 = "s2", "Admitted under section 2"
    S3 = "s3", "Admitted under section 3"
    S4 = "s4", "Emergency admission under section 4"
    INFORMAL = "informal", "Informal admission"
    COMMUNITY = "community", "Community alternative"
    NO_FURTHER_ACTION = "nfa", "No further action"


APPLICATION_OUTCOMES = (Outcome.S2, Outcome.S3, Outcome.S4)


class NearestRelativeContact(models.TextChoices):
    INFORMED = "informed", "Informed (section 2, s11(3))"
    CONSULTED = "consulted", "Consulted (section 3, s11(4))"
    NOT_PRACTICABLE = "not_practicable", "Not reasonably practicable or would cause unreasonable delay"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class MhaAssessment(models.Model):
    """The AMHP's assessment and, where made, the application."""

    request = models.OneToOneField(MhaRequest, on_delete=models.PROTECT, related_name="assessment")
    amhp = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    nearest_relative_name = models.CharField(max_length=200, blank=True)
    nearest_relative_relationship = models.CharField(max_length=100, blank=True)
    nearest_relative_contact = models.CharField(
        max_length=20, choices=NearestRelativeContact.choices, default=NearestRelativeContact.NOT_APPLICABLE
    )
    nearest_relative_objected = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    application_made_at = models.DateTimeField(null=True, blank=True)
    # s4: 72 hours from admission unless a second recommendation converts it to s2 (s4(4)).
    s4_admitted_at = models.DateTimeField(null=True, blank=True)
    s4_converted_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self):
        return f"MHA assessment {self.pk}"


class MedicalRecommendation(models.Model):
    assessment = models.ForeignKey(MhaAssessment, on_delete=models.CASCADE, related_name="recommendations")
    doctor_name = models.CharField(max_length=200)
    s12_approved = models.BooleanField("approved under section 12")
    previous_acquaintance = models.BooleanField("knew the person before", default=False)
    examined_on = models.DateField("date of medical examination")

    class Meta:
        ordering = ["examined_on", "pk"]

    def __str__(self):
        return f"Recommendation by {self.doctor_name}"


class DelayCause(models.TextChoices):
    BED = "bed", "No bed available"
    POLICE = "police", "Police"
    AMBULANCE = "ambulance", "Ambulance"
    DOCTOR = "doctor", "Doctor"
    OTHER = "other", "Other"


class AssessmentDelay(models.Model):
    assessment = models.ForeignKey(MhaAssessment, on_delete=models.CASCADE, related_name="delays")
    cause = models.CharField(max_length=20, choices=DelayCause.choices)
    minutes = models.PositiveIntegerField()
    details = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_cause_display()} delay of {self.minutes} minutes"
