"""Reminders of due and overdue work, derived from the records by a daily sweep.

DESIGN.md section 6: due work is derived from database state, so a lost message or a dead
worker loses nothing; the unique key (subject, kind, due date) makes a rerun harmless.
Every app's sweep writes here (cases.services.reminders); the home pages read from here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Team

from .people import Person


class Reminder(models.Model):
    """One piece of due work: for a record, of a kind, due on a date."""

    subject = models.CharField(
        max_length=60,
        help_text='The record it is about, as "app.model:pk" (for example "careact.careplan:12").',
    )
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    title = models.CharField(max_length=200, help_text="What is due, without the person's name.")
    url = models.CharField(max_length=200, blank=True, help_text="Where the work is done.")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "due_on"], name="reminder_unique_key"),
        ]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"],
                condition=models.Q(resolved_at__isnull=True),
                name="reminder_open_assignee",
            ),
            models.Index(
                fields=["team", "due_on"],
                condition=models.Q(resolved_at__isnull=True),
                name="reminder_open_team",
            ),
            models.Index(
                fields=["emailed_at"], condition=models.Q(emailed_at__isnull=True), name="reminder_unemailed"
            ),
        ]

    def __str__(self):
        return f"{self.title} (due {self.due_on})"

    @property
    def is_overdue(self) -> bool:
        return self.resolved_at is None and self.due_on < timezone.localdate()
