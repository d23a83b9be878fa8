"""Background tasks of the cases app: the daily due-work sweep and reminder emails.

Both are idempotent (DESIGN.md section 6): the sweep writes only what is missing (unique key
subject + kind + due date) and emails are marked sent in the transaction that sends them,
so a rerun, a redelivered message or a worker killed half-way loses and doubles nothing.
The sweep's time limit stays under the broker's visibility timeout (one hour), so Redis
never hands a running sweep to a second worker.
"""

import datetime

from celery import shared_task


@shared_task(name="cases.tasks.run_reminder_sweep", soft_time_limit=25 * 60, time_limit=30 * 60)
def run_reminder_sweep(today: str | None = None) -> dict:
    """Derive what is due from the records (every app's derivers), then send the emails.

    `today` (ISO date) is for replaying a missed day; by default today in London.
    """
    from .due_work import run_sweep

    counts = run_sweep(datetime.date.fromisoformat(today) if today else None)
    send_reminder_emails.delay()
    return counts


@shared_task(name="cases.tasks.send_reminder_emails", soft_time_limit=10 * 60, time_limit=12 * 60)
def send_reminder_emails() -> int:
    """One email per worker with new reminders; safe to run on two workers at once."""
    from . import services

    return services.send_reminder_emails()
