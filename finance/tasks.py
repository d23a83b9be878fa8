"""Background tasks of the finance app: take ids or dates, call a service, idempotent
(DESIGN.md section 6).

Beat runs the month-end job daily at 23:30 London time: on a month's last day it takes that
day's snapshots, and every day it takes the previous month end's if they are missing. A
rerun or a redelivered message (acks late) finds the snapshot already there and
writes nothing, so the time limits stay well under the broker's visibility timeout.
"""

import datetime

from celery import shared_task


@shared_task(
    name="finance.tasks.take_month_end_snapshots",
    acks_late=True,
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def take_month_end_snapshots(as_of: str | None = None) -> int:
    """Month-end snapshots of every budget whose year contains the day (seed 003 s3.2).

    `as_of` (ISO date) is for catching up a missed month end; by default today in London.
    Returns how many snapshots were written.
    """
    from .services.snapshots import take_month_end_snapshots as take

    return take(datetime.date.fromisoformat(as_of) if as_of else None)
