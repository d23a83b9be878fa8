"""Needs assessments (Care Act s9) and carer's assessments (s10) with the eligibility
determination (Care and Support (Eligibility Criteria) Regulations 2015, regs 2 and 3).

An assessment is drafted by the worker, submitted with a determination, and authorised by
a team manager (or returned with a reason). A reassessment is a new version that points
at the one it replaces, so versions are kept and can be compared.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Team
from cases.models import Case, Person
from cases.models.referrals import TransitionRow


class WellbeingArea(models.TextChoices):
    """Care Act s1(2): the nine areas of wellbeing."""

    DIGNITY = "dignity", "Personal dignity (including being treated with respect)"
    HEALTH = "health", "Physical and mental health and emotional wellbeing"
    PROTECTION = "protection", "Protection from abuse and neglect"
    CONTROL = "control", "Control over day-to-day life"
    PARTICIPATION = "participation", "Participation in work, education, training or recreation"
    SOCIAL_ECONOMIC = "social_economic", "Social and economic wellbeing"
    RELATIONSHIPS = "relationships", "Domestic, family and personal relationships"
    ACCOMMODATION = "accommodation", "Suitability of living accommodation"
    CONTRIBUTION = "contribution", "Contribution to society"


class WellbeingImpact(models.TextChoices):
    NONE = "none", "No impact"
    SOME = "some", "Some impact"
    SIGNIFICANT = "significant", "Significant impact"


class AdultOutcome(models.TextChoices):
    """Eligibility Regulations 2015 reg 2(2): the ten outcomes for an adult."""

    NUTRITION = "nutrition", "Managing and maintaining nutrition"
    HYGIENE = "hygiene", "Maintaining personal hygiene"
    TOILET = "toilet", "Managing toilet needs"
    CLOTHED = "clothed", "Being appropriately clothed"
    HOME_SAFELY = "home_safely", "Being able to make use of the home safely"
    HABITABLE_HOME = "habitable_home", "Maintaining a habitable home environment"
    RELATIONSHIPS = "relationships", "Developing and maintaining family or other personal relationships"
    WORK = "work", "Accessing and engaging in work, training, education or volunteering"
    COMMUNITY = "community", "Making use of necessary facilities or services in the local community"
    CHILD_CARE = "child_care", "Carrying out any caring responsibilities for a child"


class CarerOutcome(models.TextChoices):
    """Eligibility Regulations 2015 reg 3(3): the outcomes for a carer."""

    CHILD_CARE = "child_care", "Carrying out any caring responsibilities for a child"
    OTHER_CARE = "other_care", "Providing care to other persons for whom the carer provides care"
    HABITABLE_HOME = "habitable_home", "Maintaining a habitable home environment"
    NUTRITION = "nutrition", "Managing and maintaining nutrition"
    RELATIONSHIPS = "relationships", "Developing and maintaining family or other significant relationships"
    WORK = "work", "Engaging in work, training, education or volunteering"
    COMMUNITY = "community", "Making use of necessary facilities or services in the local community"
    RECREATION = "recreation", "Engaging in recreational activities"


class UnableSense(models.TextChoices):
    """Reg 2(3) for adults; reg 3(4) for carers has the first three only."""

    WITHOUT_ASSISTANCE = "without_assistance", "Unable without assistance"
    PAIN_DISTRESS = "pain_distress", "Able, but only with significant pain, distress or anxiety"
    ENDANGERS = "endangers", "Able, but it endangers the health or safety of the person or others"
    TAKES_LONGER = "takes_longer", "Able, but takes significantly longer than normally expected"


CARER_SENSES = (UnableSense.WITHOUT_ASSISTANCE, UnableSense.PAIN_DISTRESS, UnableSense.ENDANGERS)


class AssessmentKind(models.TextChoices):
    NEEDS = "needs", "Needs assessment (Care Act s9)"
    CARER = "carer", "Carer's assessment (Care Act s10)"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Waiting for a manager to authorise"
    AUTHORISED = "authorised", "Authorised"
    SUPERSEDED = "superseded", "Replaced by a reassessment"


class AdvocacyNeed(models.TextChoices):
    """Care Act s67: substantial difficulty in being involved, and nobody appropriate."""

    NOT_NEEDED = "not_needed", "No substantial difficulty in being involved"
    APPROPRIATE_PERSON = "appropriate_person", "Substantial difficulty; an appropriate person supports them"
    ADVOCATE = "advocate", "Substantial difficulty and no appropriate person: an independent advocate"


class Assessment(models.Model):
    """One version of a needs or carer's assessment and its eligibility determination.

    `wellbeing` maps each WellbeingArea to {"impact": WellbeingImpact, "notes": str};
    `outcomes` maps each adult or carer outcome to {"unable": bool, "senses": [UnableSense],
    "notes": str}. The service validates both.
    """

    kind = models.CharField(max_length=10, choices=AssessmentKind.choices, default=AssessmentKind.NEEDS)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    cared_for = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carer_assessments",
        help_text="For a carer's assessment: the person the carer looks after.",
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    version_number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, db_index=True
    )
    started_on = models.DateField(default=timezone.localdate)
    completed_on = models.DateField(null=True, blank=True)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # What the person says and can do (strengths-based; statutory guidance 6.63).
    persons_outcomes = models.TextField("what the person wants to achieve", blank=True)
    strengths = models.TextField("strengths and support already available", blank=True)
    # Reg 2(1)(a): needs arise from a physical or mental impairment or illness; for a carer,
    # reg 3(1)(a): needs arise as a consequence of providing necessary care.
    needs_from_impairment = models.BooleanField(null=True)
    impairment = models.TextField("impairment or illness the needs arise from", blank=True)
    carer_health_at_risk = models.BooleanField(
        null=True, help_text="Carers only, reg 3(2)(a): physical or mental health deteriorating or at risk."
    )
    wellbeing = models.JSONField(default=dict, blank=True)
    outcomes = models.JSONField(default=dict, blank=True)
    significant_impact = models.BooleanField("consequently a significant impact on wellbeing", null=True)

    eligible = models.BooleanField("eligibility determination", null=True)
    determination_reasons = models.TextField(blank=True)
    advocacy_need = models.CharField(max_length=20, choices=AdvocacyNeed.choices, blank=True)
    advocacy_details = models.TextField("who supports them, or the advocate arranged", blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "-started_on"], name="assessment_person"),
            models.Index(
                fields=["team", "submitted_at"],
                condition=models.Q(status="awaiting_authorisation"),
                name="assessment_awaiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="needs", cared_for__isnull=True)
                | models.Q(kind="carer", cared_for__isnull=False),
                name="assessment_carer_names_cared_for",
                violation_error_message=(
                    "A carer's assessment names the person cared for; a needs assessment does not"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version_number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("careact:assessment_detail", args=[self.pk])

    @property
    def is_carer(self) -> bool:
        return self.kind == AssessmentKind.CARER


class AssessmentTransition(TransitionRow):
    """Started, submitted, returned, authorised, superseded: who and when (ADR 3)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=30, choices=AssessmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=AssessmentStatus.choices)

    class Meta(TransitionRow.Meta):
        pass

    def __str__(self):
        return f"Assessment {self.assessment_id}: {self.event}"


class AssessmentCopy(models.Model):
    """The PDF given to the person: a row first, rendered by a Celery task (DESIGN.md s6).

    The PDF is kept so what was given can be shown later exactly as it was.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="copies")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Copy of assessment {self.assessment_id} ({self.status})"
