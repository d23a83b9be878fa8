"""Concern -> s42 decision -> enquiry (strategy, Making Safeguarding Personal, findings, risk,
conference and plan, review, outcome) -> closure. Care Act 2014 s42; seed 000 6.27-6.31.

Every step is a transition row (ADR 3). Closure is refused by the service until every
element seed 000's audit looked for is recorded.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Team
from cases.models import Person
from cases.models.referrals import TransitionRow

from .categories import (
    AbuseType,
    ConcernConsent,
    MspAsked,
    OutcomesAchieved,
    PrimarySupportReason,
    RiskAssessmentResult,
    RiskLocation,
    RiskOutcome,
    SourceOfRisk,
    YesNoDontKnow,
)


class SafeguardingSettings(models.Model):
    """Per organisation: how many working days a SAM has to decide on a concern."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="safeguarding_settings"
    )
    decision_working_days = models.PositiveSmallIntegerField(default=2)

    class Meta:
        verbose_name_plural = "safeguarding settings"

    def __str__(self):
        return f"{self.organisation}: decide within {self.decision_working_days} working days"


class ConcernStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", "Waiting for a decision"
    S42_ENQUIRY = "s42_enquiry", "Section 42 enquiry"
    OTHER_ENQUIRY = "other_enquiry", "Other safeguarding enquiry"
    NO_FURTHER_ACTION = "no_further_action", "No further safeguarding action"


class Concern(models.Model):
    """A safeguarding concern about an adult, as received."""

    reference = models.CharField(max_length=12, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    received_at = models.DateTimeField()
    raised_by_name = models.CharField("who raised it", max_length=200)
    raised_by_role = models.CharField("their role or relationship", max_length=200, blank=True)
    raised_from = models.CharField("organisation or place it came from", max_length=200, blank=True)
    abuse_types = ArrayField(models.CharField(max_length=30, choices=AbuseType.choices), default=list)
    location = models.CharField(max_length=30, choices=RiskLocation.choices)
    source_of_risk = models.CharField(max_length=30, choices=SourceOfRisk.choices)
    primary_support_reason = models.CharField(
        max_length=30, choices=PrimarySupportReason.choices, default=PrimarySupportReason.NOT_KNOWN
    )
    details = models.TextField("what happened")
    immediate_actions = models.TextField("immediate actions taken to make the adult safe")
    adults_views = models.TextField("the adult's views", blank=True)
    consent = models.CharField(
        max_length=20, choices=ConcernConsent.choices, default=ConcernConsent.NOT_ASKED
    )
    may_lack_capacity = models.BooleanField("the adult may lack capacity about the concern", default=False)

    status = models.CharField(
        max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.AWAITING_DECISION, db_index=True
    )
    decision_due_at = models.DateTimeField()
    # Care Act s42(1): (a) has needs for care and support, (b) is experiencing or at risk of
    # abuse or neglect, (c) as a result of those needs is unable to protect themselves.
    has_care_needs = models.BooleanField(null=True)
    at_risk_of_abuse = models.BooleanField(null=True)
    unable_to_protect = models.BooleanField(null=True)
    decision_reason = models.TextField(blank=True)
    action_instead = models.TextField("what was done instead (no further safeguarding action)", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at"]
        indexes = [
            models.Index(
                fields=["team", "decision_due_at"],
                condition=models.Q(status="awaiting_decision"),
                name="concern_awaiting",
            ),
            models.Index(fields=["person", "-received_at"], name="concern_person"),
            models.Index(fields=["received_at"], name="concern_received"),
        ]

    def __str__(self):
        return self.reference


class AllegedPerson(models.Model):
    """The person alleged to cause harm: kept apart so only the SAM, the enquiry officer and
    safeguarding managers of the team ever load it (restricted visibility)."""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="alleged_person")
    name = models.CharField(max_length=200, blank=True)
    relationship = models.CharField("relationship to the adult", max_length=200, blank=True)
    is_professional = models.BooleanField("a paid carer or professional", default=False)
    details = models.TextField(blank=True)

    def __str__(self):
        return f"Alleged person for concern {self.concern_id}"


class ConcernTransition(TransitionRow):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ConcernStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ConcernStatus.choices)

    class Meta(TransitionRow.Meta):
        pass


class EnquiryKind(models.TextChoices):
    S42 = "s42", "Section 42 enquiry"
    OTHER = "other", "Other safeguarding enquiry"


class EnquiryStage(models.TextChoices):
    STRATEGY = "strategy", "Strategy discussion or meeting"
    ENQUIRY = "enquiry", "Enquiry"
    PLANNING = "planning", "Case conference and safeguarding plan"
    REVIEW = "review", "Review"
    CLOSED = "closed", "Closed"


class Enquiry(models.Model):
    """The enquiry that follows a decision, with every element seed 000's audit looked for."""

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="enquiry")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safeguarding_enquiries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="safeguarding_enquiries")
    kind = models.CharField(max_length=10, choices=EnquiryKind.choices)
    stage = models.CharField(
        max_length=20, choices=EnquiryStage.choices, default=EnquiryStage.STRATEGY, db_index=True
    )
    started_at = models.DateTimeField(default=timezone.now)
    sam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="safeguarding adults manager",
    )
    enquiry_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    strategy_kind = models.CharField(
        max_length=10,
        choices=[("discussion", "Strategy discussion"), ("meeting", "Strategy meeting")],
        blank=True,
    )
    strategy_on = models.DateField(null=True, blank=True)
    strategy_attendees = models.TextField(blank=True)
    strategy_decisions = models.TextField(blank=True)

    # Making Safeguarding Personal
    msp_asked = models.CharField(max_length=30, choices=MspAsked.choices, blank=True)
    desired_outcomes = models.TextField("the outcomes the adult wants", blank=True)
    # Capacity and advocacy (Care Act s68: substantial difficulty and no appropriate person)
    lacks_capacity = models.CharField(
        "the adult lacks capacity about the enquiry", max_length=10, choices=YesNoDontKnow.choices, blank=True
    )
    substantial_difficulty = models.BooleanField(null=True)
    appropriate_person = models.BooleanField("an appropriate person can support them", null=True)
    advocate = models.CharField(
        "independent advocate arranged (name, organisation)", max_length=200, blank=True
    )

    findings = models.TextField(blank=True)
    risk_assessment = models.TextField(blank=True)
    conference_on = models.DateField("case conference date", null=True, blank=True)
    conference_attendees = models.TextField(blank=True)
    safeguarding_plan = models.TextField("safeguarding plan, based on the adult's outcomes", blank=True)
    review_on = models.DateField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    # SAC SG2c/SG2e: what the risk assessment found, whether action was taken (always "no" for
    # an enquiry that ceased at the adult's request), and, only where a risk was identified,
    # what happened to it (blank otherwise: not applicable).
    risk_assessment_result = models.CharField(
        "what the risk assessment found", max_length=20, choices=RiskAssessmentResult.choices, blank=True
    )
    action_taken = models.BooleanField(null=True)
    risk_outcome = models.CharField(
        "what happened to the risk", max_length=10, choices=RiskOutcome.choices, blank=True
    )
    outcomes_achieved = models.CharField(max_length=20, choices=OutcomesAchieved.choices, blank=True)
    ongoing_risk_management = models.TextField("how any ongoing risk will be managed", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_at"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["team", "stage"], condition=~models.Q(stage="closed"), name="enquiry_open"),
            models.Index(fields=["closed_at"], name="enquiry_closed_at"),
        ]
        constraints = [
            # SAC: a risk outcome only where a risk was identified (or on records from before
            # the question was asked); an enquiry that ceased at the adult's request has no
            # action taken.
            models.CheckConstraint(
                condition=models.Q(risk_outcome="") | models.Q(risk_assessment_result__in=["identified", ""]),
                name="enquiry_risk_outcome_needs_risk",
            ),
            models.CheckConstraint(
                condition=~models.Q(risk_assessment_result="ceased", action_taken=True),
                name="enquiry_ceased_without_action",
            ),
        ]

    def __str__(self):
        return f"Enquiry {self.pk}"


class EnquiryTransition(TransitionRow):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=EnquiryStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=EnquiryStage.choices)

    class Meta(TransitionRow.Meta):
        pass
