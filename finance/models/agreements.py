"""Section 75 partnership agreements (NHS Act 2006 s75; NHS Bodies and Local Authorities
Partnership Arrangements Regulations 2000).

An agreement names its partners, its kind (regulation 7 pooled fund, lead commissioning,
integrated provision), the host partner and pool manager, its dates and variations, and how
an over- or underspend is shared between the partners (regulation 7(4): the agreement sets
the arrangements for the pooled fund).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Organisation


class AgreementKind(models.TextChoices):
    POOLED_FUND = "pooled_fund", "Pooled fund"
    LEAD_COMMISSIONING = "lead_commissioning", "Lead commissioning"
    INTEGRATED_PROVISION = "integrated_provision", "Integrated provision"


class RiskShareRule(models.TextChoices):
    PROPORTIONAL = "proportional", "In proportion to each partner's contribution"
    FIXED = "fixed", "Fixed percentages agreed in the agreement"
    OWN_LINES = "own_lines", "Each partner bears the variance on its own budget lines"


class Agreement(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgreementKind.choices)
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_agreements",
        help_text="The partner that hosts the pooled fund and accounts for it.",
    )
    pool_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    risk_share_rule = models.CharField(max_length=20, choices=RiskShareRule.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="finance_agreement_ends_after_start",
                violation_error_message="The agreement must end after it starts",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("finance:agreement_detail", args=[self.pk])


class AgreementPartner(models.Model):
    """A partner organisation; `fixed_share` is its share (percent) of any over- or underspend
    when the agreement's rule is fixed percentages."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fixed_share = models.DecimalField(
        "share of over- or underspend (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="finance_partner_once"),
            models.CheckConstraint(
                condition=models.Q(fixed_share__isnull=True)
                | models.Q(fixed_share__gte=0, fixed_share__lte=100),
                name="finance_partner_share_percent",
                violation_error_message="A share is a percentage from 0 to 100",
            ),
        ]

    def __str__(self):
        return str(self.organisation)


class AgreementVariation(models.Model):
    """A recorded change to the agreement (its schedules, contributions, functions)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="variations")
    varied_on = models.DateField("date of the variation")
    description = models.TextField("what changed")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-varied_on", "-pk"]

    def __str__(self):
        return f"Variation of {self.varied_on}"
