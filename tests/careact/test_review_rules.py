"""When plan reviews are due (careact.review_rules), travelled in time.

Light-touch: opens 6 weeks after the plan is agreed, due by 8 weeks, overdue after
(seed 003 section 2). Planned: 12 months after the later of the agreed date and the
latest review (Care Act s27; statutory guidance 13.32).
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from careact import review_rules
from careact.models import CarePlan, PlanStatus
from careact.selectors_plans import review_schedule

D = datetime.date
AGREED = D(2026, 3, 2)


def active_plan(agreed_on=AGREED):
    return CarePlan(status=PlanStatus.ACTIVE, agreed_on=agreed_on)


def at(day: D):
    """Noon in London on `day`, so the local date is `day` whatever the UTC offset."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


# --- Light-touch review -----------------------------------------------------------------


def test_light_touch_window_is_six_to_eight_weeks_after_agreement():
    opens, due = review_rules.light_touch_window(AGREED)
    assert opens == AGREED + datetime.timedelta(weeks=6) == D(2026, 4, 13)
    assert due == AGREED + datetime.timedelta(weeks=8) == D(2026, 4, 27)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (AGREED, "not_yet"),
        (D(2026, 4, 12), "not_yet"),  # 41 days: the window is not open yet
        (D(2026, 4, 13), "due"),  # 6 weeks: opens
        (D(2026, 4, 27), "due"),  # 8 weeks: last day, not overdue
        (D(2026, 4, 28), "overdue"),  # the day after 8 weeks
    ],
)
def test_light_touch_state_travelled(today, state):
    with at(today):
        assert timezone.localdate() == today
        schedule = review_schedule(active_plan())
        assert schedule.light_touch_state == state
        assert schedule.light_touch_opens == D(2026, 4, 13)
        assert schedule.light_touch_due == D(2026, 4, 27)


def test_light_touch_held_is_done_even_when_late():
    with at(D(2026, 6, 1)):
        schedule = review_schedule(active_plan(), light_touch_on=D(2026, 5, 20))
        assert schedule.light_touch_state == "done"
        assert not schedule.next_overdue  # the next review is now the planned one
        assert schedule.next_due == D(2027, 3, 2)


def test_next_due_is_the_light_touch_review_until_it_is_held():
    with at(D(2026, 5, 1)):
        schedule = review_schedule(active_plan())
        assert schedule.next_due == D(2026, 4, 27)
        assert schedule.next_overdue


# --- Planned (annual) review ------------------------------------------------------------


def test_annual_review_due_twelve_months_after_agreement_without_reviews():
    assert review_rules.annual_review_due(AGREED, None) == D(2027, 3, 2)


def test_annual_review_due_twelve_months_after_the_latest_review():
    assert review_rules.annual_review_due(AGREED, D(2026, 9, 15)) == D(2027, 9, 15)


def test_a_review_dated_before_agreement_does_not_pull_the_date_earlier():
    assert review_rules.annual_review_due(AGREED, D(2026, 1, 1)) == D(2027, 3, 2)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2027, 2, 1), "scheduled"),  # 29 days before
        (D(2027, 2, 2), "due_soon"),  # 28 days before
        (D(2027, 3, 2), "due_soon"),  # the due day itself is not overdue
        (D(2027, 3, 3), "overdue"),
    ],
)
def test_annual_state_travelled(today, state):
    with at(today):
        schedule = review_schedule(active_plan(), light_touch_on=D(2026, 4, 20))
        assert schedule.annual_due == D(2027, 3, 2)
        assert schedule.annual_state == state


def test_annual_review_after_a_later_review_travelled():
    """The planned review is due 12 months after the latest review, not the agreement."""
    last_review = D(2026, 11, 30)
    with at(D(2027, 3, 10)):  # past 12 months from agreement
        schedule = review_schedule(active_plan(), last_review_on=last_review, light_touch_on=D(2026, 4, 20))
        assert schedule.annual_due == D(2027, 11, 30)
        assert schedule.annual_state == "scheduled"
    with at(D(2027, 12, 1)):
        schedule = review_schedule(active_plan(), last_review_on=last_review, light_touch_on=D(2026, 4, 20))
        assert schedule.annual_state == "overdue"


# --- Leap years -------------------------------------------------------------------------


def test_leap_day_agreement_is_due_on_28_february_not_in_march():
    leap = D(2028, 2, 29)
    assert review_rules.annual_review_due(leap, None) == D(2029, 2, 28)
    opens, due = review_rules.light_touch_window(leap)
    assert (opens, due) == (D(2028, 4, 11), D(2028, 4, 25))


def test_leap_day_agreement_travelled():
    plan = active_plan(D(2028, 2, 29))
    with at(D(2029, 2, 28)):
        assert review_schedule(plan, light_touch_on=D(2028, 4, 20)).annual_state == "due_soon"
    with at(D(2029, 3, 1)):
        assert review_schedule(plan, light_touch_on=D(2028, 4, 20)).annual_state == "overdue"


def test_review_on_leap_day_is_due_on_28_february_next_year():
    assert review_rules.annual_review_due(D(2027, 6, 1), D(2028, 2, 29)) == D(2029, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 3, 31), 12, D(2027, 3, 31)),
        (D(2027, 2, 28), 12, D(2028, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert review_rules.add_months(day, months) == expected


# --- Only plans in place have a schedule ------------------------------------------------


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.SUPERSEDED, PlanStatus.ENDED])
def test_no_schedule_unless_in_place(status):
    assert review_schedule(CarePlan(status=status, agreed_on=AGREED)) is None


# --- What counts as the light-touch review ----------------------------------------------


def test_light_touch_is_done_by_a_light_touch_review_at_any_time():
    assert review_rules.light_touch_done_on(D(2026, 3, 20), D(2026, 3, 20)) == D(2026, 3, 20)


def test_any_review_of_the_version_counts_as_the_light_touch_review():
    """The same rule as the reminder sweep (careact.due_work): no reminder after a review."""
    assert review_rules.light_touch_done_on(None, D(2026, 3, 20)) == D(2026, 3, 20)
    assert review_rules.light_touch_done_on(None, None) is None
    with at(D(2026, 4, 28)):
        schedule = review_schedule(active_plan(), last_review_on=D(2026, 3, 20))
        assert schedule.light_touch_state == "done"
        assert schedule.annual_due == D(2027, 3, 20)  # the review restarts the 12 months
        assert schedule.next_due == D(2027, 3, 20)
