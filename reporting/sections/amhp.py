"""Board report section "amhp" (issue 8): Mental Health Act assessment requests, assessments,
their outcomes and the time from request to assessment month by month; gaps on the rota;
and the AMHP register at the end of the period.

The figures are the AMHP lead's monthly figures (`amhp.selectors_reporting`: the same
London calendar months, the same median of hours from request to assessment), over the
report's period and every AMHP team instead of one team's last 12 months:

- a request counts in the month it was received, an assessment in the month it took place;
- a rota shift has a gap when fewer AMHPs whose approval holds on every day the shift
  touches are on it than its minimum (the rota's own rule, `amhp.selectors_rota`); the
  hours short are the shift's hours times the AMHPs missing. Shifts built on the rota only:
  for a past period, what was not built was not worked;
- the register: AMHPs with a valid approval on the last day of the period, and those whose
  approval (through any renewal already recorded) ends within the 6 months after it.

Seven queries whatever the number of requests, shifts or months. Aggregates only.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F

from accounts.exports import Table, table_to_data
from amhp.models import Approval, MhaAssessment, MhaRequest, Outcome, Shift, ShiftAssignment
from amhp.selectors_reporting import EpochHours, Median
from amhp.services.register import first_invalid_day, valid_on, valid_until
from amhp.services.rota import shift_dates, shift_hours
from careact.review_rules import add_months

from . import SUPPRESSED, SUPPRESSION_NOTE, SUPPRESSION_THRESHOLD, SectionRequest, register_section, suppress
from .common import by_month, long_date, month_of, months_of, period_bounds

KEY = "amhp"
TITLE = "AMHP service"
EXPIRY_MONTHS = 6
SMALL_NOTE = "Medians of fewer than 5 assessments are suppressed as well."
OUTCOME_COLUMNS = {
    Outcome.S2: "Section 2",
    Outcome.S3: "Section 3",
    Outcome.S4: "Section 4",
    Outcome.INFORMAL: "Informal admission",
    Outcome.COMMUNITY: "Community alternative",
    Outcome.NO_FURTHER_ACTION: "No further action",
}
TENTH = Decimal("0.1")


def _hours(value) -> float | None:
    """Hours to a tenth, as a number a table shows as it is (not money)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP))


def _note(text: str, is_public: bool, extra: str = "") -> str:
    return " ".join(part for part in (text, SUPPRESSION_NOTE, extra) if part) if is_public else text


def _number(count: int, is_public: bool) -> str:
    shown = suppress(count, is_public)
    return f"fewer than {SUPPRESSION_THRESHOLD}" if shown == SUPPRESSED else f"{shown:,}"


def _words(count: int, is_public: bool, one: str, many: str) -> str:
    singular = count == 1 and suppress(count, is_public) != SUPPRESSED
    return f"{_number(count, is_public)} {one if singular else many}"


# --- Queries -----------------------------------------------------------------------------------


def _requests(start, end) -> dict[datetime.date, int]:
    rows = by_month(MhaRequest.objects.filter(received_at__gte=start, received_at__lt=end), "received_at")
    return {month_of(r["month"]): r["n"] for r in rows.values("month").annotate(n=Count("pk"))}


def _assessments(start, end):
    """Per month: outcomes (one query), the median hours (one query); and the period's
    median over every assessment (one query)."""
    assessments = MhaAssessment.objects.filter(assessed_at__gte=start, assessed_at__lt=end)
    wait = Median(EpochHours(F("assessed_at") - F("request__received_at")))
    outcomes: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in by_month(assessments, "assessed_at").values("month", "outcome").annotate(n=Count("pk")):
        outcomes[month_of(row["month"])][row["outcome"]] = row["n"]
    medians = {
        month_of(row["month"]): row["median"]
        for row in by_month(assessments, "assessed_at").values("month").annotate(median=wait)
    }
    overall = assessments.aggregate(median=wait)["median"]
    return outcomes, medians, overall


def _approvals() -> dict[int, list[Approval]]:
    """Every approval on the register, by AMHP (one query: the register is tens of people)."""
    by_amhp: dict[int, list[Approval]] = defaultdict(list)
    for approval in Approval.objects.only("pk", "amhp_id", "approved_on", "expires_on", "ended_on"):
        by_amhp[approval.amhp_id].append(approval)
    return by_amhp


def _rota_gaps(request: SectionRequest, approvals: dict[int, list[Approval]]) -> dict[datetime.date, dict]:
    """Per month: shifts on the rota, shifts with a gap and AMHP hours short (two queries:
    the period's shifts and the AMHPs on them; validity as `amhp.selectors_rota` decides it)."""
    shifts = list(
        Shift.objects.filter(date__gte=request.period_start, date__lte=request.period_end).values_list(
            "pk", "date", "starts_at", "ends_at", "minimum_amhps"
        )
    )
    on_shift: dict[int, list[int]] = defaultdict(list)
    assignments = ShiftAssignment.objects.filter(
        removed_at__isnull=True,
        shift__date__gte=request.period_start,
        shift__date__lte=request.period_end,
    ).values_list("shift_id", "amhp_id")
    for shift_id, amhp_id in assignments:
        on_shift[shift_id].append(amhp_id)
    months: dict[datetime.date, dict] = defaultdict(lambda: {"shifts": 0, "gaps": 0, "hours": Decimal(0)})
    for pk, date, starts_at, ends_at, minimum in shifts:
        first, last = shift_dates(starts_at, ends_at)
        covered = sum(
            1 for amhp_id in on_shift[pk] if first_invalid_day(approvals[amhp_id], first, last) is None
        )
        missing = max(minimum - covered, 0)
        figures = months[date.replace(day=1)]
        figures["shifts"] += 1
        if missing:
            figures["gaps"] += 1
            figures["hours"] += shift_hours(starts_at, ends_at) * missing
    return months


def _register(approvals: dict[int, list[Approval]], day: datetime.date) -> tuple[int, int, datetime.date]:
    """AMHPs valid on `day`, and of those, how many stop being valid within 6 months."""
    horizon = add_months(day, EXPIRY_MONTHS)
    valid = expiring = 0
    for amhp_approvals in approvals.values():
        if valid_on(amhp_approvals, day):
            valid += 1
            until = valid_until(amhp_approvals, day)
            if until is not None and until <= horizon:
                expiring += 1
    return valid, expiring, horizon


# --- Tables ------------------------------------------------------------------------------------


def _median_cell(median, count: int, is_public: bool):
    if median is None:
        return None
    if is_public and count < SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return _hours(median)


def _activity_table(months, requests, outcomes, medians, overall, is_public) -> tuple[Table, dict]:
    table = Table(
        title="Mental Health Act assessment requests and assessments by month",
        columns=["Month", "Requests", "Assessments", "Median hours from request to assessment"],
        note=_note(
            "A request counts in the month it was received and an assessment in the month it took "
            "place. The median is of the hours from the request to the assessment.",
            is_public,
            SMALL_NOTE,
        ),
    )
    totals = {"requests": 0, "assessments": 0}
    for month in months:
        assessed = sum(outcomes.get(month, {}).values())
        totals["requests"] += requests.get(month, 0)
        totals["assessments"] += assessed
        table.add(
            [
                f"{month:%b %Y}",
                suppress(requests.get(month, 0), is_public),
                suppress(assessed, is_public),
                _median_cell(medians.get(month), assessed, is_public),
            ]
        )
    table.add(
        [
            "Total",
            suppress(totals["requests"], is_public),
            suppress(totals["assessments"], is_public),
            _median_cell(overall, totals["assessments"], is_public),
        ],
        kind="total",
    )
    return table, totals


def _outcome_table(months, outcomes, is_public) -> tuple[Table, dict[str, int]]:
    table = Table(
        title="Assessment outcomes by month",
        columns=["Month", *OUTCOME_COLUMNS.values(), "Total"],
        note=_note(
            "Sections 2, 3 and 4 are applications for admission under the Mental Health Act 1983; "
            "informal admission and a community alternative are outcomes without detention.",
            is_public,
        ),
    )
    totals = dict.fromkeys(OUTCOME_COLUMNS, 0)
    for month in months:
        counts = outcomes.get(month, {})
        for outcome in OUTCOME_COLUMNS:
            totals[outcome] += counts.get(outcome, 0)
        row = [counts.get(outcome, 0) for outcome in OUTCOME_COLUMNS]
        table.add([f"{month:%b %Y}", *(suppress(n, is_public) for n in row), suppress(sum(row), is_public)])
    table.add(
        [
            "Total",
            *(suppress(totals[o], is_public) for o in OUTCOME_COLUMNS),
            suppress(sum(totals.values()), is_public),
        ],
        kind="total",
    )
    return table, totals


def _rota_table(months, gaps, is_public) -> tuple[Table, dict]:
    table = Table(
        title="Rota: shifts with a gap by month",
        columns=["Month", "Shifts on the rota", "Shifts with a gap", "AMHP hours short"],
        note=_note(
            "A shift has a gap when fewer AMHPs with a valid approval for the whole shift are on it "
            "than its minimum; hours short are the shift's hours times the AMHPs missing.",
            is_public,
        ),
    )
    totals = {"shifts": 0, "gaps": 0, "hours": Decimal(0)}
    for month in months:
        figures = gaps.get(month, {"shifts": 0, "gaps": 0, "hours": Decimal(0)})
        for key in totals:
            totals[key] += figures[key]
        table.add(
            [
                f"{month:%b %Y}",
                suppress(figures["shifts"], is_public),
                suppress(figures["gaps"], is_public),
                _hours(figures["hours"]),
            ]
        )
    table.add(
        [
            "Total",
            suppress(totals["shifts"], is_public),
            suppress(totals["gaps"], is_public),
            _hours(totals["hours"]),
        ],
        kind="total",
    )
    return table, totals


def _register_table(valid, expiring, day, horizon, is_public) -> Table:
    table = Table(
        title=f"AMHP register at {long_date(day)}",
        columns=["Register", "AMHPs"],
        note=_note(
            "An approval lasts up to 5 years (Mental Health (Approved Mental Health Professionals) "
            "(Approval) (England) Regulations 2008). A renewal already recorded carries an approval on.",
            is_public,
        ),
    )
    table.add(["AMHPs with a valid approval", suppress(valid, is_public)])
    table.add(
        [
            f"Of those, approvals ending by {long_date(horizon)} with no renewal recorded",
            suppress(expiring, is_public),
        ]
    )
    return table


def _chart(months, requests, outcomes, medians, is_public) -> dict:
    def counts(values):
        shown = [suppress(v, is_public) for v in values]
        return [None if v == SUPPRESSED else v for v in shown]

    assessed = [sum(outcomes.get(m, {}).values()) for m in months]
    median_values = [
        _median_cell(medians.get(m), n, is_public) for m, n in zip(months, assessed, strict=True)
    ]
    return {
        "title": "Mental Health Act assessment requests and assessments by month",
        "labels": [f"{m:%b %Y}" for m in months],
        "series": [
            {
                "name": "Requests",
                "values": counts([requests.get(m, 0) for m in months]),
                "axis": "left",
                "unit": "",
            },
            {"name": "Assessments", "values": counts(assessed), "axis": "left", "unit": ""},
            {
                "name": "Median hours from request to assessment",
                "values": [None if v == SUPPRESSED else v for v in median_values],
                "axis": "right",
                "unit": "hours",
            },
        ],
        "left_label": "Number",
        "right_label": "Hours",
    }


# --- The section -------------------------------------------------------------------------------


DEFINITIONS = [
    [
        "Mental Health Act assessment request",
        "A request for an Approved Mental Health Professional (AMHP) to consider an application under the "
        "Mental Health Act 1983 (s13), counted in the month it was received.",
    ],
    ["Assessment", "The AMHP's assessment, counted in the month it took place, with its outcome."],
    [
        "Median hours from request to assessment",
        "The middle value of the hours between receiving the request and the assessment, over the "
        "assessments in the month (or the period, in the total row).",
    ],
    [
        "Rota gap",
        "A shift with fewer AMHPs, whose approval holds for the whole shift, than the minimum the AMHP lead "
        "set for it. Hours short are the shift's hours times the AMHPs missing.",
    ],
    [
        "Valid approval",
        "An AMHP approval by the council in force on the day: approved on or before it, not expired, "
        "suspended or withdrawn.",
    ],
]


def _summary(request, totals, outcome_totals, overall, rota_totals, register, is_public) -> list[str]:
    p = is_public
    valid, expiring, horizon = register
    detained = sum(outcome_totals[o] for o in (Outcome.S2, Outcome.S3, Outcome.S4))
    first = (
        f"From {long_date(request.period_start)} to {long_date(request.period_end)}, "
        f"the AMHP service received {_words(totals['requests'], p, 'request', 'requests')} "
        "for a Mental Health Act assessment and "
        f"completed {_words(totals['assessments'], p, 'assessment', 'assessments')}"
    )
    if totals["assessments"]:
        first += f", {_words(detained, p, 'of them', 'of them')} leading to an application for admission"
        median = _median_cell(overall, totals["assessments"], p)
        if median not in (None, SUPPRESSED):
            first += f"; the median time from request to assessment was {median:g} hours"
    sentences = [first + "."]
    if rota_totals["shifts"]:
        sentences.append(
            f"Of {_words(rota_totals['shifts'], p, 'rota shift', 'rota shifts')}, "
            f"{_number(rota_totals['gaps'], p)} had a gap: "
            f"{_hours(rota_totals['hours']):g} AMHP hours short in all."
        )
    sentences.append(
        f"At {long_date(request.period_end)}, {_words(valid, p, 'AMHP held', 'AMHPs held')} a valid "
        f"approval, {_words(expiring, p, 'of them', 'of them')} ending by {long_date(horizon)} "
        "with no renewal recorded."
    )
    return sentences


def build(request: SectionRequest) -> dict:
    start, end = period_bounds(request.period_start, request.period_end)
    months = months_of(request.period_start, request.period_end)
    is_public = request.is_public
    requests = _requests(start, end)
    outcomes, medians, overall = _assessments(start, end)
    approvals = _approvals()
    gaps = _rota_gaps(request, approvals)
    register = _register(approvals, request.period_end)
    activity, totals = _activity_table(months, requests, outcomes, medians, overall, is_public)
    outcome_table, outcome_totals = _outcome_table(months, outcomes, is_public)
    rota_table, rota_totals = _rota_table(months, gaps, is_public)
    return {
        "summary": _summary(request, totals, outcome_totals, overall, rota_totals, register, is_public),
        "tables": [
            table_to_data(t)
            for t in (
                activity,
                outcome_table,
                rota_table,
                _register_table(register[0], register[1], request.period_end, register[2], is_public),
            )
        ],
        "charts": [_chart(months, requests, outcomes, medians, is_public)],
        "definitions": [list(d) for d in DEFINITIONS]
        + ([["*", f"{SUPPRESSION_NOTE} {SMALL_NOTE}"]] if is_public else []),
    }


def register() -> None:
    register_section(KEY, TITLE, build, order=50)
