"""Monthly values of the performance indicators (seed 003 s3.1), written by the task.

Idempotent (DESIGN.md s6): one row per indicator and month (a unique constraint). A normal
run writes only the months that have no value yet (INSERT ... ON CONFLICT DO NOTHING), so a
rerun or a race between two workers changes nothing; `replace=True` recomputes and updates
the same row in place (ON CONFLICT DO UPDATE), for a correction after late recording.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Indicator, IndicatorValue, first_of_month, month_end, previous_month
from ..outcomes import CALCULATIONS, outcome_counts, percentage

__all__ = ["first_of_month", "previous_month", "record_indicator_values"]


@transaction.atomic
def record_indicator_values(*, month: datetime.date, replace: bool = False) -> list[IndicatorValue]:
    """Compute the computed indicators for `month` (as at its last day) and store them.

    Returns the rows written (none when every value was already there and `replace` is
    False). Indicators with no calculation (entered some other way) are left alone.
    """
    month = first_of_month(month)
    day = month_end(month)
    if day >= timezone.localdate():
        raise ValueError(f"{month:%B %Y} has not ended yet")
    indicators = [i for i in Indicator.objects.filter(code__in=CALCULATIONS) if i.code in CALCULATIONS]
    if not replace:
        done = set(IndicatorValue.objects.filter(month=month).values_list("indicator_id", flat=True))
        indicators = [i for i in indicators if i.pk not in done]
    if not indicators:
        return []
    counts = outcome_counts(day)
    now = timezone.now()
    rows = []
    for indicator in indicators:
        numerator = getattr(counts, CALCULATIONS[indicator.code])
        rows.append(
            IndicatorValue(
                indicator=indicator,
                month=month,
                numerator=numerator,
                denominator=counts.in_contact,
                value=percentage(numerator, counts.in_contact),
                computed_at=now,
            )
        )
    if replace:
        IndicatorValue.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["indicator", "month"],
            update_fields=["numerator", "denominator", "value", "computed_at"],
        )
    else:
        IndicatorValue.objects.bulk_create(rows, ignore_conflicts=True)
    return rows
