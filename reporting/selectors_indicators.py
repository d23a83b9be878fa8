"""Reads of the indicators: the last 12 months' values of each, against its target. Two
queries whatever the number of indicators."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import Indicator, IndicatorValue, first_of_month, previous_month

MONTHS_SHOWN = 12


@dataclass
class IndicatorRow:
    indicator: Indicator
    values: list[IndicatorValue]  # newest first, months with a value only

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[0] if self.values else None

    @property
    def latest_meets_target(self) -> bool | None:
        return self.indicator.meets_target(self.latest.value) if self.latest else None


def months_shown(today: datetime.date | None = None, count: int = MONTHS_SHOWN) -> list[datetime.date]:
    """The `count` complete months before today's, newest first (first days)."""
    month = previous_month(today or timezone.localdate())
    months = []
    for _ in range(count):
        months.append(month)
        month = previous_month(month)
    return months


def indicator_rows(today: datetime.date | None = None, count: int = MONTHS_SHOWN) -> list[IndicatorRow]:
    months = months_shown(today, count)
    indicators = list(Indicator.objects.order_by("position", "code"))
    by_indicator: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    values = IndicatorValue.objects.filter(month__gte=months[-1], month__lte=months[0]).order_by("-month")
    for value in values:
        if value.indicator_id in by_indicator:
            by_indicator[value.indicator_id].append(value)
    for indicator in indicators:
        for value in by_indicator[indicator.pk]:
            value.meets_target = indicator.meets_target(value.value)
    return [IndicatorRow(indicator=i, values=by_indicator[i.pk]) for i in indicators]


__all__ = ["MONTHS_SHOWN", "IndicatorRow", "first_of_month", "indicator_rows", "months_shown"]
