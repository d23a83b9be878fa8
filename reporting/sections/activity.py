"""Board report section "activity": referrals and cases month by month (seed 003 s4: "Care
Act (2014) Case Allocation Requests" charted monthly), and by the service line of the team.

Aggregate queries only, grouped by month in the service's time zone (Europe/London): four
queries whatever the length of the period or the number of people.

- Referrals received: by the referral's received time.
- Referrals allocated: the triage decision that allocates a referral to a worker and opens a
  case (ReferralTransition to "allocated") - the Care Act allocation requests of seed 003.
- Cases opened and closed: from the case's transition rows, so a case closed and reopened
  counts each time it opens and closes, and reallocations and transfers count as neither.
- Open cases at month end: the cases open before the period (openings less closings before
  its first day), carried forward month by month with the openings and closings.
Each figure counts under the service line of the team that holds the referral or case now.
"""

from collections import defaultdict

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.exports import Table
from accounts.models import ServiceLine
from cases.models import CaseStatus, CaseTransition, Referral, ReferralStatus, ReferralTransition

from . import SectionRequest, register_section
from .common import (
    MonthSpan,
    capitalised,
    chart,
    count_text,
    day_start,
    end_of_day,
    long_date,
    month_spans,
    number_of,
    public_count,
    public_note,
    section,
    short_month_label,
    suppression_definitions,
    were,
)

KEY, TITLE, ORDER = "activity", "Activity", 20

RECEIVED, ALLOCATED, OPENED, CLOSED, OPEN_AT_END = "received", "allocated", "opened", "closed", "open"
FLOWS = (RECEIVED, ALLOCATED, OPENED, CLOSED)
HEADINGS = {
    RECEIVED: "Referrals received",
    ALLOCATED: "Referrals allocated",
    OPENED: "Cases opened",
    CLOSED: "Cases closed",
}
OPENING = Q(to_status=CaseStatus.OPEN) & ~Q(from_status=CaseStatus.OPEN)  # opened or reopened
CLOSING = Q(to_status=CaseStatus.CLOSED) & ~Q(from_status=CaseStatus.CLOSED)
LINE_ORDER = {value: i for i, value in enumerate(ServiceLine.values)}


def _month(field: str):
    return TruncMonth(field, output_field=DateField(), tzinfo=timezone.get_default_timezone())


def _counts(request: SectionRequest):
    """{(month, service line): {figure: count}} for the flows, and {service line: open
    cases before the period}. Four queries."""
    start, stop = day_start(request.period_start), end_of_day(request.period_end)
    flows: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FLOWS, 0))

    received = (
        Referral.objects.filter(received_at__gte=start, received_at__lt=stop)
        .annotate(month=_month("received_at"))
        .values("month", "team__service_line")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in received:
        flows[row["month"], row["team__service_line"]][RECEIVED] = row["n"]

    allocated = (
        ReferralTransition.objects.filter(to_status=ReferralStatus.ALLOCATED, at__gte=start, at__lt=stop)
        .annotate(month=_month("at"))
        .values("month", "referral__team__service_line")
        .annotate(n=Count("referral", distinct=True))
        .order_by()
    )
    for row in allocated:
        flows[row["month"], row["referral__team__service_line"]][ALLOCATED] = row["n"]

    cases = (
        CaseTransition.objects.filter(OPENING | CLOSING, at__gte=start, at__lt=stop)
        .annotate(month=_month("at"))
        .values("month", "case__team__service_line")
        .annotate(opened=Count("pk", filter=OPENING), closed=Count("pk", filter=CLOSING))
        .order_by()
    )
    for row in cases:
        figures = flows[row["month"], row["case__team__service_line"]]
        figures[OPENED], figures[CLOSED] = row["opened"], row["closed"]

    before = (
        CaseTransition.objects.filter(OPENING | CLOSING, at__lt=start)
        .values("case__team__service_line")
        .annotate(opened=Count("pk", filter=OPENING), closed=Count("pk", filter=CLOSING))
        .order_by()
    )
    open_before = {row["case__team__service_line"]: row["opened"] - row["closed"] for row in before}
    return flows, open_before


def _figures(spans: list[MonthSpan], flows, open_before):
    """Per month and per service line: the four flows and the open cases at the month's end
    (or the period's, when sooner)."""
    lines = sorted({line for _, line in flows} | set(open_before), key=lambda v: LINE_ORDER.get(v, 99))
    by_month = {s.month: dict.fromkeys((*FLOWS, OPEN_AT_END), 0) for s in spans}
    by_line = {line: dict.fromkeys((*FLOWS, OPEN_AT_END), 0) for line in lines}
    for line in lines:
        open_now = open_before.get(line, 0)
        for span in spans:
            figures = flows.get((span.month, line), dict.fromkeys(FLOWS, 0))
            open_now += figures[OPENED] - figures[CLOSED]
            for key in FLOWS:
                by_month[span.month][key] += figures[key]
                by_line[line][key] += figures[key]
            by_month[span.month][OPEN_AT_END] += open_now
        by_line[line][OPEN_AT_END] = open_now
    return by_month, by_line


def _row(label, figures: dict, is_public: bool, keys=(*FLOWS, OPEN_AT_END)) -> list:
    return [label, *(public_count(figures[k], is_public) for k in keys)]


def build(request: SectionRequest) -> dict:
    is_public = request.is_public
    spans = month_spans(request.period_start, request.period_end)
    flows, open_before = _counts(request)
    by_month, by_line = _figures(spans, flows, open_before)
    totals = {k: sum(f[k] for f in by_month.values()) for k in FLOWS}
    totals[OPEN_AT_END] = by_month[spans[-1].month][OPEN_AT_END]
    end = long_date(request.period_end)

    monthly = Table(
        title="Referrals and cases, by month",
        columns=["Month", *HEADINGS.values(), "Open cases at month end"],
        note=public_note(is_public, f"The last month's open cases are as at {end}."),
    )
    for span in spans:
        monthly.add(_row(span.label, by_month[span.month], is_public))
    monthly.add([*_row("Total", totals, is_public, FLOWS), None], kind="total")

    lines = Table(
        title="Referrals and cases, by service line",
        columns=["Service line", *HEADINGS.values(), f"Open cases at {end}"],
        note=public_note(
            is_public, "Counted under the service line of the team that holds the referral or case."
        ),
    )
    for line, figures in by_line.items():
        lines.add(_row(ServiceLine(line).label if line in LINE_ORDER else line, figures, is_public))
    lines.add(_row("All service lines", totals, is_public), kind="total")

    referrals_chart = chart(
        "Referrals received and allocated, by month",
        [short_month_label(s.month) for s in spans],
        [
            {
                "name": HEADINGS[key],
                "values": [public_count(by_month[s.month][key], is_public) for s in spans],
                "unit": "referrals",
            }
            for key in (RECEIVED, ALLOCATED)
        ],
        left_label="Referrals",
    )

    period = f"From {long_date(request.period_start)} to {end}"
    received, allocated, opened, closed, still_open = (
        totals[k] for k in (RECEIVED, ALLOCATED, OPENED, CLOSED, OPEN_AT_END)
    )

    def many(count: int, noun: str = "") -> str:  # "12 cases were", "fewer than 5 were"
        what = number_of(count, noun, is_public=is_public) if noun else count_text(count, is_public)
        return f"{what} {were(count, is_public)}"

    summary = [
        f"{period}, {many(received, 'referral')} received and {many(allocated)} allocated to a worker.",
        capitalised(
            f"{many(opened, 'case')} opened or reopened and {many(closed)} closed; "
            f"{many(still_open, 'case')} open at {end}."
        ),
    ]
    definitions = [
        [
            "Referrals received",
            "Referrals received in the month (UK time), whatever was decided about them, "
            "including referrals from the online front door not yet matched to a person.",
        ],
        [
            "Referrals allocated",
            "Referrals allocated to a worker in the month: the triage decision that "
            "opens a case for Care Act work (the Care Act case allocation requests of the board's reports).",
        ],
        ["Cases opened", "Cases opened or reopened in the month."],
        ["Cases closed", "Cases closed in the month."],
        [
            "Open cases at month end",
            "Cases open at the end of the month's last day (for the last month, of the period's last day).",
        ],
        [
            "Service line",
            "The service line of the team that holds the referral or case now: a case "
            "transferred between teams counts under its present team.",
        ],
        *suppression_definitions(is_public),
    ]
    return section(
        summary=summary, tables=[monthly, lines], charts=[referrals_chart], definitions=definitions
    )


def register() -> None:
    register_section(KEY, TITLE, build, ORDER)
