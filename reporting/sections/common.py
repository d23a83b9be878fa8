"""Shared helpers of the board report section builders (issue 8): the months of a period,
day boundaries in the service's time zone, percentages and their wording, small-number
suppression on top of `suppress`, and the JSON shape of a section and a chart.

Everything a builder returns must survive `json.dumps`: tables go through `table_to_data`
(which keeps Decimals and dates exactly), chart values become plain numbers here.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.exports import Table, table_to_data

from ..models.indicators import first_of_month, month_end
from ..outcomes import end_of_day, percentage
from . import SUPPRESSED, SUPPRESSION_NOTE, SUPPRESSION_THRESHOLD, suppress

__all__ = [
    "PERCENT_NOTE",
    "PUBLIC_NOTE",
    "MonthSpan",
    "capitalised",
    "chart",
    "chart_number",
    "count_text",
    "day_start",
    "end_of_day",
    "is_small",
    "long_date",
    "month_label",
    "month_spans",
    "months_of",
    "number_of",
    "percent_text",
    "percentage",
    "percentage_hidden",
    "public_count",
    "public_note",
    "public_percentage",
    "section",
    "short_month_label",
    "suppress",
    "suppression_definitions",
    "were",
]

PERCENT_NOTE = (
    "A percentage is suppressed too when fewer than 5 people are counted in it, or when the "
    "number it rests on is from 1 to 4."
)
PUBLIC_NOTE = f"{SUPPRESSION_NOTE} {PERCENT_NOTE}"
# Spelt out, not calendar.month_name, which follows the worker's locale.
MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- Months and days ----------------------------------------------------------------------


def months_of(period_start: datetime.date, period_end: datetime.date) -> list[datetime.date]:
    """The first day of every month the period touches, oldest first."""
    months, month = [], first_of_month(period_start)
    while month <= period_end:
        months.append(month)
        month = first_of_month(month_end(month) + datetime.timedelta(days=1))
    return months


@dataclass(frozen=True)
class MonthSpan:
    """One month of a period, cut to the period: a period starting on 15 April counts April
    from the 15th, and one ending on 10 September counts September up to the 10th."""

    month: datetime.date  # first day of the calendar month
    first: datetime.date
    last: datetime.date

    @property
    def label(self) -> str:
        return month_label(self.month)


def month_spans(period_start: datetime.date, period_end: datetime.date) -> list[MonthSpan]:
    return [
        MonthSpan(month=m, first=max(m, period_start), last=min(month_end(m), period_end))
        for m in months_of(period_start, period_end)
    ]


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Europe/London (BST or GMT as the day falls)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_bounds(period_start: datetime.date, period_end: datetime.date):
    """Midnight starting the first day to midnight after the last, Europe/London."""
    return day_start(period_start), end_of_day(period_end)


def month_of(value) -> datetime.date:
    """The first day of the London calendar month of a date or an aware datetime."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).date().replace(day=1)
    return value.replace(day=1)


def by_month(queryset, field: str):
    """The queryset grouped by the London calendar month of `field` (as `month`)."""
    return (
        queryset.annotate(month=TruncMonth(field, tzinfo=timezone.get_default_timezone()))
        .values("month")
        .order_by()
    )


def month_label(month: datetime.date) -> str:
    """ "December 2026"."""
    return f"{MONTH_NAMES[month.month]} {month.year}"


def short_month_label(month: datetime.date) -> str:
    """ "Dec 2026", for chart axes."""
    return f"{MONTH_NAMES[month.month][:3]} {month.year}"


def long_date(day: datetime.date) -> str:
    """ "30 September 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


# --- Percentages and suppression -------------------------------------------------------------


def percent_text(value) -> str:
    """13.4 -> "13.4%", 75.0 -> "75%" (seed 003: "13.4% ... against a target of 12.5%",
    "81.4% against 75%")."""
    text = f"{Decimal(value):.1f}"
    return f"{text[:-2] if text.endswith('.0') else text}%"


def public_count(count: int, is_public: bool):
    """A count of people: `suppress` (1 to 4 become "*" in a public report)."""
    return suppress(count, is_public)


def is_small(count: int) -> bool:
    return 0 < count < SUPPRESSION_THRESHOLD


def percentage_hidden(numerator: int, denominator: int, is_public: bool) -> bool:
    """In a public report a percentage is not shown when it rests on fewer than 5 people, or
    when its numerator is 1 to 4 (shown beside its denominator it would give the suppressed
    count back)."""
    return is_public and (denominator < SUPPRESSION_THRESHOLD or is_small(numerator))


def public_percentage(numerator: int, denominator: int, is_public: bool, value=None):
    """The percentage (Decimal, one place, half up) for a table cell: "*" when hidden, None
    when nobody was counted. `value` is used instead of recomputing when it is stored."""
    if not denominator:
        return None
    if percentage_hidden(numerator, denominator, is_public):
        return SUPPRESSED
    return value if value is not None else percentage(numerator, denominator)


def were(count: int, is_public: bool = False) -> str:
    """The verb for a count: "1 referral was", "fewer than 5 referrals were"."""
    return "was" if count == 1 and not is_public else "were"


def count_text(count: int, is_public: bool) -> str:
    """A count in a sentence: "1,234", or "fewer than 5" when suppressed."""
    return "fewer than 5" if is_public and is_small(count) else f"{count:,}"


def number_of(count: int, noun: str, *, is_public: bool = False, plural: str = "") -> str:
    """ "1 referral", "12 referrals", "fewer than 5 referrals" (suppressed in public)."""
    many = plural or f"{noun}s"
    if is_public and is_small(count):
        return f"fewer than 5 {many}"
    return f"{count:,} {noun if count == 1 else many}"


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def suppression_definitions(is_public: bool) -> list[list[str]]:
    if not is_public:
        return []
    return [
        ["*", f"Fewer than 5: suppressed in this public report so no one can be identified. {PERCENT_NOTE}"]
    ]


def public_note(is_public: bool, note: str = "") -> str:
    """The table's note: what it says anyway, then the suppression rule in a public report."""
    return " ".join(part for part in (note, PUBLIC_NOTE if is_public else "") if part)


# --- JSON shapes ------------------------------------------------------------------------


def chart_number(value):
    """A chart value as a JSON number: Decimal -> float (13.4), int stays int, suppressed or
    missing -> None (a gap in the line, so a chart never shows a suppressed figure)."""
    if value is None or value == SUPPRESSED:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def chart(
    title: str,
    labels: list[str],
    series: list[dict],
    *,
    left_label: str,
    right_label: str = "",
) -> dict:
    """A chart in the registry's shape. Each series: {"name", "values", "axis", "unit"}."""
    return {
        "title": title,
        "labels": list(labels),
        "series": [
            {
                "name": s["name"],
                "values": [chart_number(v) for v in s["values"]],
                "axis": s.get("axis", "left"),
                "unit": s.get("unit", ""),
            }
            for s in series
        ],
        "left_label": left_label,
        "right_label": right_label,
    }


def section(
    *,
    summary: list[str],
    tables: list[Table],
    charts: list[dict] | None = None,
    definitions: list[list[str]] | None = None,
) -> dict:
    return {
        "summary": list(summary),
        "tables": [table_to_data(t) for t in tables],
        "charts": list(charts or []),
        "definitions": [list(d) for d in definitions or []],
    }
