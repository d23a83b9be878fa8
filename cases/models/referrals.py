"""Referrals, triage decisions and cases (episodes) with their transition rows.

Seed 003 section 4 and seed 001 sections 2.2-2.4: a referral arrives, a manager triages it,
a worker is allocated, the work is recorded. Workflow pattern: ADR 3.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Team

from .people import Person


class ReferralSource(models.TextChoices):
    GP = "gp", "GP"
    CAMHS = "camhs", "CAMHS"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"
    SELF = "self", "Self-referral"
    RELATIVE_OR_FRIEND = "relative_or_friend", "Relative or friend"
    NHS_TRUST = "nhs_trust", "The NHS trust"
    POLICE = "police", "Police"
    HOSPITAL = "hospital", "Hospital"
    OTHER = "other", "Other"


class ReceivedVia(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    FORM = "form", "Referral form"
    PARTNER_SYSTEM = "partner_system", "Partner's system"
    ONLINE = "online", "Online front door"


class Urgency(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    ROUTINE = "routine", "Routine"


URGENCY_RANK = {Urgency.URGENT: 0, Urgency.HIGH: 1, Urgency.ROUTINE: 2}


class ConsentToShare(models.TextChoices):
    YES = "yes", "Yes, consents to sharing"
    NO = "no", "No, does not consent"
    NOT_ASKED = "not_asked", "Not asked yet"


class ReferralStatus(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Waiting for triage"
    ALLOCATED = "allocated", "Allocated"
    SIGNPOSTED = "signposted", "Signposted"
    CLINICAL_PATHWAY = "clinical_pathway", "Passed to the trust's clinical pathway"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class Referral(models.Model):
    """A request for help with a person's social care needs, in one team's queue."""

    reference = models.CharField(max_length=12, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="Empty until an unverified self-referral is matched to the person index.",
    )
    is_verified = models.BooleanField(
        default=True, help_text="False for referrals from the public front door until checked."
    )
    subject_details = models.JSONField(
        default=dict,
        blank=True,
        help_text="The person as the referrer described them (public front door).",
    )
    source = models.CharField(max_length=30, choices=ReferralSource.choices)
    received_via = models.CharField(max_length=20, choices=ReceivedVia.choices)
    received_at = models.DateTimeField()
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField("referrer's role or relationship", max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_email = models.EmailField(blank=True)
    reason = models.TextField("reason for referral")
    presenting_needs = models.TextField(blank=True)
    known_risks = models.TextField("risks known", blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent_leaflet_given = models.BooleanField("information-sharing leaflet given", default=False)
    consent_to_share = models.CharField(
        max_length=10, choices=ConsentToShare.choices, default=ConsentToShare.NOT_ASKED
    )
    status = models.CharField(
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.AWAITING_TRIAGE,
        db_index=True,
    )
    decision_reason = models.TextField(blank=True)
    signpost_advice = models.TextField("information or advice given", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(
                fields=["team", "received_at"],
                condition=models.Q(status="awaiting_triage"),
                name="referral_queue",
            ),
            models.Index(fields=["person", "-received_at"], name="referral_person"),
        ]

    def __str__(self):
        return self.reference


class TransitionRow(models.Model):
    """Immutable row for one workflow step: who did what, when and why (ADR 3).

    Concrete subclasses add the foreign key to their workflow object and status choices.
    """

    event = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class ReferralTransition(TransitionRow):
    """Who decided what about a referral, when and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)

    class Meta(TransitionRow.Meta):
        pass

    def __str__(self):
        return f"{self.referral_id}: {self.event} at {self.at:%Y-%m-%d %H:%M}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """An episode of work with a person in one team, with an allocated worker."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    status = models.CharField(
        max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(default=timezone.now)
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["worker"], condition=models.Q(status="open"), name="case_open_by_worker"),
            models.Index(fields=["team"], condition=models.Q(status="open"), name="case_open_by_team"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=models.Q(status="open"),
                name="case_one_open_per_person_and_team",
                violation_error_message="This person already has an open case in this team",
            ),
        ]

    def __str__(self):
        return f"Case {self.pk}"


class CaseTransition(TransitionRow):
    """Opening, reallocation, transfer, closure and reopening of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CaseStatus.choices)

    class Meta(TransitionRow.Meta):
        pass

    def __str__(self):
        return f"Case {self.case_id}: {self.event} at {self.at:%Y-%m-%d %H:%M}"


class ReferralQueueSettings(models.Model):
    """Per team: after how many working days a waiting referral turns amber, then red."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="queue_settings")
    amber_after_working_days = models.PositiveSmallIntegerField(default=2)
    red_after_working_days = models.PositiveSmallIntegerField(default=5)

    class Meta:
        verbose_name_plural = "referral queue settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_after_working_days__gt=models.F("amber_after_working_days")),
                name="queue_red_after_amber",
                violation_error_message="Red must come after more working days than amber",
            ),
        ]

    def __str__(self):
        amber, red = self.amber_after_working_days, self.red_after_working_days
        return f"{self.team}: amber after {amber}, red after {red} working days"
