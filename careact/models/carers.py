"""Carers linked to the people they care for (Care Act s10; statutory guidance 6.16)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Person


class CarerLink(models.Model):
    """A carer (a person in the index) who looks after a cared-for person."""

    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="caring_for")
    cared_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carers")
    relationship = models.CharField("relationship to the person cared for", max_length=100)
    lives_with = models.BooleanField("lives with the person cared for", default=False)
    care_provided = models.TextField("care and support the carer provides", blank=True)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carer", "cared_for"],
                condition=models.Q(ended_on__isnull=True),
                name="carer_link_one_current",
                violation_error_message="This carer is already linked to this person",
            ),
            models.CheckConstraint(
                condition=~models.Q(carer=models.F("cared_for")),
                name="carer_link_not_self",
                violation_error_message="A person cannot be recorded as their own carer",
            ),
        ]

    def __str__(self):
        return f"Carer link {self.pk}"
