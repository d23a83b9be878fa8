"""Boards and their PDF reports (issue 8; DESIGN.md section 6).

A board (a partnership board, a council committee) meets on dates and has report
definitions: which sections, the period, and whether it is for the public part of the
meeting (small numbers suppressed) or the private part. A report is a row first
(`queued`), then a Celery task works out the figures once, stores them, and renders the
PDF from them, so a re-render (after the commentary is written) gives the same figures and
an auditor can see later what the board was shown.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class ReportPeriod(models.TextChoices):
    MONTH = "month", "The month before the meeting"
    QUARTER = "quarter", "The quarter before the meeting"
    HALF_YEAR = "half_year", "The six months before the meeting"
    TWELVE_MONTHS = "twelve_months", "The twelve months before the meeting"
    YEAR_TO_DATE = "year_to_date", "The financial year to date"


class Board(models.Model):
    name = models.CharField(max_length=200, unique=True)
    audience = models.CharField(
        max_length=300, help_text="Who the board is and who reads its papers, as the cover shows it."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:board_detail", args=[self.pk])


class BoardMeeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    meets_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["meets_on"]
        constraints = [models.UniqueConstraint(fields=["board", "meets_on"], name="reporting_meeting_once")]

    def __str__(self):
        return f"{self.board} on {self.meets_on:%d %B %Y}"


class ReportDefinition(models.Model):
    """What a board's report holds. `sections` are keys of the section registry
    (reporting/sections), in the order the report shows them."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="definitions")
    title = models.CharField(max_length=200)
    sections = ArrayField(models.CharField(max_length=40))
    period = models.CharField(max_length=20, choices=ReportPeriod.choices, default=ReportPeriod.QUARTER)
    is_public = models.BooleanField(
        "for the public part of the meeting",
        default=True,
        help_text="Public reports suppress counts under 5 so no one can be identified.",
    )
    days_before_meeting = models.PositiveSmallIntegerField(
        default=10, help_text="The scheduled report is generated this many days before each meeting."
    )
    is_scheduled = models.BooleanField("generate before each meeting", default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["board", "title"]

    def __str__(self):
        return self.title


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be prepared"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready (draft)"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"


class BoardReport(models.Model):
    """One generated report. `figures` is everything the PDF shows, worked out once by the
    task (JSON: sections, tables, chart series, definitions); `commentary` is keyed by
    section. Rendering again uses the stored figures, never the live data."""

    definition = models.ForeignKey(ReportDefinition, on_delete=models.PROTECT, related_name="reports")
    meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    is_public = models.BooleanField()
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a report the schedule generated.",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.CharField(max_length=200, blank=True, help_text="What the task is doing now.")
    error = models.TextField(blank=True)
    figures = models.JSONField(null=True, blank=True, editable=False)
    commentary = models.JSONField(default=dict, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Optimistic lock.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "meeting"],
                condition=models.Q(requested_by__isnull=True),
                name="reporting_one_scheduled_report_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reporting_period_order",
                violation_error_message="The period must end on or after it starts",
            ),
        ]

    def __str__(self):
        return f"{self.definition} {self.period_start} to {self.period_end}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:report_detail", args=[self.pk])


class ReportDownload(models.Model):
    """Each download of a report PDF or table (issue 8: "each download is logged"). Reports
    hold aggregates only, so this is not the person access log."""

    report = models.ForeignKey(BoardReport, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=100, help_text="pdf, or the table and format.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} downloaded {self.what}"
