"""Why a user may see a person, and the record of every time they did.

- `Relationship`: a legitimate relationship (allocation, team case, MHA assessment, enquiry),
  the reason behind a django-guardian permission (DESIGN.md section 2).
- `BreakGlassAccess`: emergency, time-limited access with a stated reason, reviewed by a
  privacy officer.
- `AccessLog`: append-only; the database refuses UPDATE and DELETE (DESIGN.md section 3).
"""

from django.conf import settings
from django.db import models

from accounts.models import Organisation, Team

from .people import Person


class RelationshipKind(models.TextChoices):
    REFERRAL = "referral", "Open referral"
    TEAM_CASE = "team_case", "Open case in the team"
    ALLOCATED_WORKER = "allocated_worker", "Allocated worker"
    MHA_ASSESSMENT = "mha_assessment", "AMHP on a Mental Health Act assessment"
    SAFEGUARDING = "safeguarding", "Safeguarding enquiry"
    CARER = "carer", "Carer of a person the team works with"
    CREATED = "created", "Added this person to the index"
    EXPLICIT = "explicit", "Explicit permission"


class RelationshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class Relationship(models.Model):
    """A team's or a user's legitimate relationship with a person, from start to end.

    `source` names the record that created it (for example "referral:123") so that the
    service ending that record ends exactly its own relationship.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="relationships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="person_relationships",
    )
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    source = models.CharField(max_length=100)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(team__isnull=False, user__isnull=True)
                    | models.Q(team__isnull=True, user__isnull=False)
                ),
                name="relationship_team_xor_user",
            ),
            models.UniqueConstraint(
                fields=["person", "team", "kind", "source"],
                condition=models.Q(ended_at__isnull=True, team__isnull=False),
                name="relationship_unique_active_team",
            ),
            models.UniqueConstraint(
                fields=["person", "user", "kind", "source"],
                condition=models.Q(ended_at__isnull=True, user__isnull=False),
                name="relationship_unique_active_user",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person"],
                condition=models.Q(ended_at__isnull=True),
                name="relationship_active_person",
            ),
        ]

    def __str__(self):
        holder = self.team or self.user
        return f"{holder}: {self.get_kind_display()}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"


class AccessBasis(models.TextChoices):
    RELATIONSHIP = "relationship", "Legitimate relationship"
    BREAK_GLASS = "break_glass", "Break-glass"
    TEAM_RECORD = "team_record", "The team's own record of a referral or case it closed"
    FINANCE = "finance", "Finance role: a care package paid from the user's pooled budget"


class AccessLog(models.Model):
    """One row for every view, print, export or download of a person's data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    basis = models.CharField(max_length=20, choices=AccessBasis.choices)
    what = models.CharField(max_length=100, help_text="The page or document, for example 'person record'.")

    class Meta:
        indexes = [
            models.Index(fields=["user", "-at"], name="accesslog_user_recent"),
            models.Index(fields=["person", "-at"], name="accesslog_person_recent"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.person_id}"


class BreakGlassAccess(models.Model):
    """Emergency access without a relationship: stated reason, 60 minutes, reviewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "person", "-expires_at"], name="breakglass_live"),
            models.Index(
                fields=["-started_at"],
                condition=models.Q(reviewed_at__isnull=True),
                name="breakglass_unreviewed",
            ),
        ]

    def __str__(self):
        return f"{self.user} → person {self.person_id} at {self.started_at:%Y-%m-%d %H:%M}"
