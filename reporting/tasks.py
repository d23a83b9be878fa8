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


# --- Board reports (issue 8; DESIGN.md s6: a row first, then a task, and sweeps) ----------
# The hard time limit stays well under RENDERING_STUCK_AFTER (20 minutes), so a report the
# sweep finds still "rendering" has no live worker; and under the broker's visibility
# timeout (one hour), so Redis never hands a running task to a second worker.


@shared_task(
    name="reporting.tasks.generate_board_report",
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
    ignore_result=True,
)
def generate_board_report(report_id: int) -> str:
    """Work out a queued report's figures (once) and render its PDF; a ready or published
    report is left alone, so a repeated message is harmless. Returns the status left."""
    from .services.reports import generate_report

    return str(generate_report(report_id=report_id))


@shared_task(name="reporting.tasks.requeue_board_reports")
def requeue_board_reports() -> int:
    """Send again the reports stuck in the queue (lost message, Redis down when they were
    requested) or left rendering by a worker that died. Beat runs it every 5 minutes."""
    from .services.reports import requeue_stuck_reports

    return len(requeue_stuck_reports())


@shared_task(name="reporting.tasks.schedule_board_reports")
def schedule_board_reports(today: str | None = None) -> int:
    """Make the scheduled reports due before each board meeting (safe to run twice). Beat
    runs it hourly; `today` (ISO date) is for catch-up and tests."""
    from .services.reports import schedule_reports

    return len(schedule_reports(today=datetime.date.fromisoformat(today) if today else None))
