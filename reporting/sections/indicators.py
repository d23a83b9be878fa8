"""Board report section "indicators": the performance indicators against their targets
(seed 003 s3.1: "13.4% ... in paid employment was 13.4% in December 2019 against a target of
12.5%").

Each indicator's value for the month the period ends in, and for every month of the period,
from the stored monthly values (reporting.models.indicators: a value is as at the month's
last day, with the numerator and denominator it rests on). Two queries whatever the number
of indicators and months. Definitions are the indicators' own (the ASCOF definitions that
reporting.outcomes computes).
"""

from accounts.exports import Table

from ..models import Indicator, IndicatorValue
from . import SUPPRESSED, SectionRequest, register_section
from .common import (
    chart,
    month_label,
    months_of,
    percent_text,
    public_count,
    public_note,
    public_percentage,
    section,
    short_month_label,
    suppression_definitions,
)

KEY, TITLE, ORDER = "indicators", "Performance indicators", 10

# How a headline sentence words each indicator: "<value> <phrase> in <month>, against ...".
PHRASES = {
    "ASCOF-1F": (
        "of adults aged 18-69 in contact with secondary mental health services were in paid employment"
    ),
    "ASCOF-1H": (
        "of adults aged 18-69 in contact with secondary mental health services were living "
        "independently, with or without support"
    ),
}
COLUMNS = ["Value (%)", "Target (%)", "Target met", "In the measure", "People counted"]


def _cells(indicator: Indicator, value: IndicatorValue | None, is_public: bool) -> list:
    """Value, target, met, numerator, denominator for one month (suppressed as needed)."""
    if value is None:
        return [None, indicator.target, None, None, None]
    shown = public_percentage(value.numerator, value.denominator, is_public, value.value)
    if shown == SUPPRESSED:
        met = SUPPRESSED
    else:
        met = {True: "Yes", False: "No", None: None}[indicator.meets_target(value.value)]
    return [
        shown,
        indicator.target,
        met,
        public_count(value.numerator, is_public),
        public_count(value.denominator, is_public),
    ]


def _sentence(indicator: Indicator, value: IndicatorValue | None, month, is_public: bool) -> str:
    when = month_label(month)
    if value is None:
        return f"No value of {indicator.name.lower()} is recorded for {when}."
    if value.value is None:
        return f"No one was counted for {indicator.name.lower()} in {when}."
    if public_percentage(value.numerator, value.denominator, is_public, value.value) == SUPPRESSED:
        return f"The {when} value of {indicator.name.lower()} is not shown: it rests on fewer than 5 people."
    target = percent_text(indicator.target)
    met = "met" if indicator.meets_target(value.value) else "not met"
    phrase = PHRASES.get(indicator.code)
    if phrase:
        head = f"{percent_text(value.value)} {phrase} in {when}"
    else:
        head = f"{indicator.name} was {percent_text(value.value)} in {when}"
    return f"{head}, against a target of {target}: the target was {met}."


def build(request: SectionRequest) -> dict:
    months = months_of(request.period_start, request.period_end)
    end_month, is_public = months[-1], request.is_public
    indicators = list(Indicator.objects.order_by("position", "code"))
    found: dict[tuple[int, object], IndicatorValue] = {
        (v.indicator_id, v.month): v
        for v in IndicatorValue.objects.filter(month__gte=months[0], month__lte=end_month)
    }

    headline = Table(
        title=f"Performance indicators, {month_label(end_month)}",
        columns=["Indicator", *COLUMNS],
        note=public_note(is_public, "Values are as at the last day of the month."),
    )
    tables, charts, summary, definitions = [headline], [], [], []
    for indicator in indicators:
        latest = found.get((indicator.pk, end_month))
        headline.add([indicator.name, *_cells(indicator, latest, is_public)])
        summary.append(_sentence(indicator, latest, end_month, is_public))

        monthly = Table(
            title=f"{indicator.name}, by month",
            columns=["Month", *COLUMNS],
            note=public_note(is_public),
        )
        values = []
        for month in months:
            cells = _cells(indicator, found.get((indicator.pk, month)), is_public)
            monthly.add([month_label(month), *cells])
            values.append(cells[0])
        tables.append(monthly)
        charts.append(
            chart(
                f"{indicator.name}: monthly value against the target",
                [short_month_label(m) for m in months],
                [
                    {"name": "Value", "values": values, "unit": "%"},
                    {"name": "Target", "values": [indicator.target] * len(months), "unit": "%"},
                ],
                left_label="Percentage (%)",
            )
        )
        better = "higher is better" if indicator.higher_is_better else "lower is better"
        source = f" Source: {indicator.source}." if indicator.source else ""
        definitions.append(
            [
                f"{indicator.name} ({indicator.code})",
                f"{indicator.definition}{source} Target: {percent_text(indicator.target)} ({better}).",
            ]
        )
    if not indicators:
        summary.append("No performance indicators are set up.")
    definitions += [
        [
            "Value",
            "The percentage as at the last day of the month: the number in the measure out of the "
            "people counted, to one decimal place (half up). Computed monthly after the month ends.",
        ],
        [
            "Target met",
            "Yes when the value is at or above the target (at or below it where lower is better).",
        ],
        *suppression_definitions(is_public),
    ]
    return section(summary=summary, tables=tables, charts=charts, definitions=definitions)


def register() -> None:
    register_section(KEY, TITLE, build, ORDER)
