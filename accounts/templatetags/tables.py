"""Formatting for `accounts.exports.Table` cells: money with thousands separators and a
true minus sign, rounded for display only (issue 7: money is Decimal, rounded on show)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


def format_money(value, places: int = 0) -> str:
    """12345.678 -> "12,346"; -54 -> "−54" (U+2212, read out as minus)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.{places}f}"
    return f"\u2212{text}" if amount < 0 else text


@register.filter
def money(value, places=0):
    return format_money(value, int(places))


@register.filter
def thousands(value):
    """Pounds shown in thousands, as board tables do (seed 003: 4,114 is £4.114m)."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(value) / 1000)


@register.filter
def cell(value):
    """Any table cell: a Decimal in pennies (money) to whole pounds, a Decimal held to one
    place (a percentage such as 12.5, a median) with that place; a date as 1 Apr 2026; the
    rest as text."""
    if isinstance(value, Decimal):
        return format_money(value, 1 if value.as_tuple().exponent == -1 else 0)
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%b %Y}"
    if value is None:
        return ""
    return value


@register.filter
def is_number(value) -> bool:
    """A figure, right-aligned: a number, or "*" for a count suppressed in a public report."""
    if value == "*":
        return True
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)
