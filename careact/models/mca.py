"""Mental Capacity Act 2005: decision-specific capacity assessments (ss2-3), best-interests
decisions (s4) and referrals to advocates (IMCA ss35-41; IMHA; Care Act s67/s68)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Person


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity to make this decision"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity to make this decision"


class CapacityAssessment(models.Model):
    """Can the person make this decision now? The diagnostic and functional tests."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="capacity_assessments")
    decision = models.TextField("the specific decision")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    support_given = models.TextField("practicable steps taken to help the person decide (s1(3))")
    impairment = models.BooleanField("an impairment of, or disturbance in, the mind or brain (s2(1))")
    impairment_details = models.TextField(blank=True)
    can_understand = models.BooleanField("can understand the information relevant to the decision")
    can_retain = models.BooleanField("can retain that information")
    can_use_or_weigh = models.BooleanField("can use or weigh that information")
    can_communicate = models.BooleanField("can communicate the decision")
    evidence = models.TextField("evidence for each answer")
    outcome = models.CharField(max_length=20, choices=CapacityOutcome.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["person", "-assessed_on"], name="capacity_person")]

    def __str__(self):
        return f"Capacity assessment on {self.assessed_on}"


class AdvocacyKind(models.TextChoices):
    IMCA = "imca", "Independent Mental Capacity Advocate (MCA s35)"
    IMHA = "imha", "Independent Mental Health Advocate (MHA s130A)"
    CARE_ACT = "care_act", "Care Act independent advocate (s67, s68)"


class AdvocacyReferral(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="advocacy_referrals")
    kind = models.CharField(max_length=10, choices=AdvocacyKind.choices)
    referred_on = models.DateField()
    provider = models.CharField("advocacy provider", max_length=200)
    advocate_name = models.CharField(max_length=200, blank=True)
    reason = models.TextField("why an advocate is needed")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} referral on {self.referred_on}"


class BestInterestsDecision(models.Model):
    """A decision made for a person who lacks capacity to make it (MCA s4)."""

    capacity_assessment = models.ForeignKey(
        CapacityAssessment, on_delete=models.PROTECT, related_name="best_interests_decisions"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="best_interests_decisions")
    decided_on = models.DateField()
    decision_maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    persons_wishes = models.TextField("the person's past and present wishes, feelings, beliefs and values")
    consulted = models.TextField("who was consulted, and what they said")
    options_considered = models.TextField()
    decision = models.TextField("the decision")
    least_restrictive = models.TextField("why this is the least restrictive option (s1(6))")
    imca_referral = models.ForeignKey(
        AdvocacyReferral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="best_interests_decisions",
    )
    no_one_to_consult = models.BooleanField(
        "nobody appropriate to consult other than paid carers (an IMCA is needed for serious "
        "medical treatment or a change of accommodation)",
        default=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"Best-interests decision on {self.decided_on}"
