"""When a care and support plan (or a carer's support plan) is due for review.

Pure functions of dates, so the plan page and the reminder sweep give the same answer and
a change of rule is made in one place (DESIGN.md section 5).

- Light-touch review: the council suggests one 6 to 8 weeks after a plan is agreed
  (seed 003 section 2: "a light-touch review be undertaken within 6-8 weeks of a plan
  being agreed"). The window opens 42 days after the agreed date and the review is due
  by 56 days after it; from the day after that it is overdue. Any review of that version
  of the plan counts as done (a worker who has just held an unplanned review does not
  hold another one weeks later); the reminder sweep in careact.due_work uses the same rule.
- Planned review: the plan must be reviewed at least every 12 months (Care Act s27(1)(a);
  Care and Support Statutory Guidance 13.32). The 12 months run from the later of the date
  the plan was agreed and the latest review of that version of the plan.
"""

import calendar
import datetime

__all__ = [
    "LIGHT_TOUCH_DUE_DAYS",
    "LIGHT_TOUCH_OPENS_DAYS",
    "PLANNED_REVIEW_MONTHS",
    "add_months",
    "annual_review_due",
    "is_overdue",
    "light_touch_done_on",
    "light_touch_window",
]

LIGHT_TOUCH_OPENS_DAYS = 42  # 6 weeks
LIGHT_TOUCH_DUE_DAYS = 56  # 8 weeks
PLANNED_REVIEW_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks (29 February, 31st) becomes that
    month's last day, so a "within 12 months" duty is never pushed into the next month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def light_touch_window(agreed_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(opens, due) of the light-touch review: 6 and 8 weeks after the plan was agreed
    (seed 003 section 2). It is overdue after `due`."""
    return (
        agreed_on + datetime.timedelta(days=LIGHT_TOUCH_OPENS_DAYS),
        agreed_on + datetime.timedelta(days=LIGHT_TOUCH_DUE_DAYS),
    )


def light_touch_done_on(
    light_touch_on: datetime.date | None, last_review_on: datetime.date | None
) -> datetime.date | None:
    """When the light-touch review was done: the review recorded as light-touch, or else any
    review of this version of the plan (the latest); None if there has been no review."""
    return light_touch_on or last_review_on


def annual_review_due(agreed_on: datetime.date, last_review_on: datetime.date | None) -> datetime.date:
    """The planned review is due 12 months after the later of the agreed date and the
    latest review of this version (Care Act s27; statutory guidance 13.32). An agreed date
    of 29 February is due on 28 February."""
    start = max(agreed_on, last_review_on) if last_review_on else agreed_on
    return add_months(start, PLANNED_REVIEW_MONTHS)


def is_overdue(due: datetime.date, today: datetime.date) -> bool:
    """Due on `due` means it may still be done that day; overdue from the day after."""
    return today > due
