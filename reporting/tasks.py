"""Background tasks of the reporting app: idempotent, they call a service (DESIGN.md s6)."""

import datetime

from celery import shared_task


@shared_task(name="reporting.tasks.compute_monthly_indicators")
def compute_monthly_indicators(month: str | None = None, replace: bool = False) -> int:
    """Store the indicator values of the month before today (or of `month`, an ISO date in
    it, for catch-up and tests). Beat runs it daily: on the 1st it computes the month just
    ended, on other days it finds the value there and does nothing, so a day the worker was
    down is caught up the next day. Returns how many values it wrote."""
    from django.utils import timezone

    from .services import previous_month, record_indicator_values

    chosen = datetime.date.fromisoformat(month) if month else previous_month(timezone.localdate())
    return len(record_indicator_values(month=chosen, replace=replace))
