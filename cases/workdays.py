"""Working days in England: weekdays that are not England and Wales bank holidays.

Every "within N working days" clock uses these (DESIGN.md section 5): triage waits, the
safeguarding decision timescale, complaint acknowledgements. Bank holidays come from the
`holidays` library (substitute days included), never from a list kept by hand.
"""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays in `year`, substitute days included (the AMHP rota
    staffs them as bank holidays; the working-day clocks skip them)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


# The old private name, kept for any caller not yet moved to the public one.
_bank_holidays = bank_holidays


def is_bank_holiday(day: datetime.date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).

    A referral received on a Friday and looked at on the Monday has waited 1 working day.
    """
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (a due date)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
