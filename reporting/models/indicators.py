"""Performance indicators with targets, and their monthly values (seed 003 section 3.1:
"13.4% in December 2019 against a target of 12.5%"; "81.4% against 75%").

A value is computed for each month as at its last day, by a task (reporting.tasks), from a
numerator and a denominator that are both kept, so a board can see what a percentage rests
on. One value per indicator and month (a unique constraint): a rerun cannot add a second.
"""

import calendar
import datetime

from django.db import models
from django.utils import timezone


class Indicator(models.Model):
    """What is measured, how, and the target (a percentage)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Who is counted, and what counts, in plain words")
    source = models.CharField(max_length=300, blank=True, help_text="The national definition it follows")
    target = models.DecimalField("target (%)", max_digits=4, decimal_places=1)
    higher_is_better = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__gte=0, target__lte=100),
                name="indicator_target_is_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def meets_target(self, value) -> bool | None:
        if value is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s."""
    return first_of_month(first_of_month(today) - datetime.timedelta(days=1))


class IndicatorValue(models.Model):
    """An indicator's value for one month, as at the month's last day."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    month = models.DateField(help_text="The first day of the month; the value is as at its last day")
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    value = models.DecimalField(
        "value (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Empty when no one was in the denominator",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="indicator_value_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="indicator_value_month_first_day"),
            models.CheckConstraint(
                condition=models.Q(numerator__lte=models.F("denominator")),
                name="indicator_value_numerator_within_denominator",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.month:%b %Y}: {self.value}"

    @property
    def as_at(self) -> datetime.date:
        return month_end(self.month)
