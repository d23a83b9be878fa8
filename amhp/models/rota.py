"""The AMHP rota: shift patterns, shifts built from them, and who is on each.

The rota must never have a gap (seeds 000 and 003 name insufficient AMHP cover as a
statutory risk). Bank holidays for England and Wales come from the `holidays` library
(cases.workdays).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Team

from .register import AmhpProfile


class ShiftKind(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", "Weekday day shift"
    EVENING = "evening", "Out-of-hours evening"
    NIGHT = "night", "Out-of-hours night"
    WEEKEND_DAY = "weekend_day", "Weekend day"
    BANK_HOLIDAY_DAY = "bank_holiday_day", "Bank holiday day"


class ShiftPattern(models.Model):
    """A recurring shift with the minimum number of AMHPs the lead requires on it.

    `applies_on`: which days generate this shift. A weekday pattern does not run on a bank
    holiday; a bank holiday pattern runs only on bank holidays.
    """

    class AppliesOn(models.TextChoices):
        WEEKDAYS = "weekdays", "Monday to Friday, not bank holidays"
        WEEKENDS = "weekends", "Saturday and Sunday"
        BANK_HOLIDAYS = "bank_holidays", "Bank holidays"
        EVERY_DAY = "every_day", "Every day"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shift_patterns")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ShiftKind.choices)
    applies_on = models.CharField(max_length=20, choices=AppliesOn.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField(help_text="Earlier than the start means the shift ends the next day.")
    minimum_amhps = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "starts_at", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="shift_pattern_unique_name"),
            models.CheckConstraint(
                condition=models.Q(minimum_amhps__gte=1),
                name="shift_pattern_minimum_at_least_one",
                violation_error_message="At least one AMHP must be on every shift",
            ),
        ]

    def __str__(self):
        return self.name


class Shift(models.Model):
    """One shift on one date, built from a pattern; the minimum is copied so a later change
    to the pattern does not rewrite history."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.PROTECT, related_name="shifts")
    date = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    minimum_amhps = models.PositiveSmallIntegerField()
    is_bank_holiday = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["team", "starts_at"], name="shift_team_start")]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "date"], name="shift_one_per_pattern_and_date"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.pattern} on {self.date}"


class ShiftAssignment(models.Model):
    """An AMHP on a shift. Removing or swapping keeps the row (removed_at) for the record."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    amhp = models.ForeignKey(AmhpProfile, on_delete=models.PROTECT, related_name="assignments")
    is_locum = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["shift", "assigned_at"]
        indexes = [
            models.Index(
                fields=["amhp"], condition=models.Q(removed_at__isnull=True), name="assignment_current"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "amhp"],
                condition=models.Q(removed_at__isnull=True),
                name="assignment_once_per_shift",
                violation_error_message="This AMHP is already on this shift",
            ),
        ]

    def __str__(self):
        return f"AMHP {self.amhp_id} on shift {self.shift_id}"


class ShiftSwap(models.Model):
    """A swap: one AMHP's place on a shift given to another, with why and who agreed."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="swaps")
    from_assignment = models.OneToOneField(
        ShiftAssignment, on_delete=models.PROTECT, related_name="swapped_out"
    )
    to_assignment = models.OneToOneField(ShiftAssignment, on_delete=models.PROTECT, related_name="swapped_in")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"Swap on shift {self.shift_id}"
