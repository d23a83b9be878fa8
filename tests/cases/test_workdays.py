"""Working-day clocks over weekends and England and Wales bank holidays."""

import datetime

from cases.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(D(2026, 11, 23))  # a Monday
    assert not is_working_day(D(2026, 11, 21))  # Saturday
    assert not is_working_day(D(2026, 12, 25))  # Christmas Day
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day, substitute Monday
    assert not is_working_day(D(2027, 3, 29))  # Easter Monday
    assert not is_working_day(D(2026, 8, 31))  # Late Summer bank holiday


def test_friday_to_monday_is_one_working_day():
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 23)) == 1


def test_christmas_and_new_year():
    # Wed 23 Dec 2026 to Mon 4 Jan 2027: 24, 29, 30, 31 Dec and 4 Jan are working days.
    assert working_days_between(D(2026, 12, 23), D(2027, 1, 4)) == 5


def test_same_day_and_backwards_are_zero():
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0
    assert working_days_between(D(2026, 11, 24), D(2026, 11, 23)) == 0


def test_two_working_days_after_christmas_eve():
    # The safeguarding decision clock: a concern on Thu 24 Dec 2026 is due Wed 30 Dec.
    assert add_working_days(D(2026, 12, 24), 2) == D(2026, 12, 30)


def test_adding_and_counting_agree():
    start = D(2026, 3, 30)
    for n in range(0, 40):
        assert working_days_between(start, add_working_days(start, n)) == n
