"""Cells of figure tables: money rounds to pounds for display only; a figure held to one
place (a percentage, a median) keeps it."""

import datetime
from decimal import Decimal

from accounts.templatetags.tables import cell, is_number, money, thousands


def test_money_in_pennies_shows_whole_pounds_with_a_true_minus():
    assert cell(Decimal("4114000.49")) == "4,114,000"
    assert cell(Decimal("-54.50")) == "\u221255"
    assert money(Decimal("1234.5"), 2) == "1,234.50"
    assert thousands(Decimal("-112499")) == "\u2212112"


def test_a_figure_held_to_one_place_keeps_it():
    assert cell(Decimal("12.5")) == "12.5"
    assert cell(Decimal("81.4")) == "81.4"


def test_other_cells():
    assert cell(datetime.date(2026, 4, 1)) == "1 Apr 2026"
    assert cell(None) == ""
    assert cell(7) == 7
    assert cell("*") == "*"


def test_a_suppressed_count_aligns_as_a_figure():
    assert is_number("*")
    assert is_number(Decimal("1.5")) and is_number(0)
    assert not is_number("Yes") and not is_number(True)
