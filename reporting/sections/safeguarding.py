"""Board report section "safeguarding" (issue 8): concerns, decisions and enquiries month by
month, what was open at the end of the period, and Making Safeguarding Personal and risk
outcomes of the section 42 enquiries concluded in the period.

Counted as the Safeguarding Adults Collection counts (`safeguarding.sac`), over the report's
period instead of a financial year and across every organisation: received is
`Concern.received_at`, decided `Concern.decided_at` (within the timescale when on or before
`decision_due_at`, the working-day clock of `safeguarding.services.concerns`), started
`Enquiry.started_at`, concluded `Enquiry.closed_at`; days are Europe/London dates. MSP and
risk use the SAC's national categories (SG4a, SG2c, SG2e) with "Not recorded" for blanks, so
each block adds up to the enquiries it counts.

"At the end of the period" is worked out as things stood then, not as they stand when the
report is generated: a concern decided later still counts as waiting, and an open enquiry's
stage is the one its transition rows had reached by then. Seven aggregate queries, whatever
the number of records or months. Aggregates only: nothing here names a person.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.exports import Table, table_to_data
from safeguarding.models import (
    Concern,
    ConcernStatus,
    Enquiry,
    EnquiryKind,
    EnquiryStage,
    EnquiryTransition,
    MspAsked,
    OutcomesAchieved,
    RiskAssessmentResult,
    RiskOutcome,
)
from safeguarding.sac.base import NOT_RECORDED
from safeguarding.sac.concluded import RISK_ASSESSMENT_OUTCOMES

from . import SUPPRESSED, SUPPRESSION_NOTE, SUPPRESSION_THRESHOLD, SectionRequest, register_section, suppress
from .common import by_month, long_date, month_of, months_of, period_bounds

KEY = "safeguarding"
TITLE = "Safeguarding adults"
PERCENT_NOTE = (
    "A percentage is suppressed too when it rests on fewer than 5, or on a count from 1 to 4 (it would "
    "give the count back)."
)
OPEN_STAGES = (EnquiryStage.STRATEGY, EnquiryStage.ENQUIRY, EnquiryStage.PLANNING, EnquiryStage.REVIEW)
MONTH_COLUMNS = [
    "Month",
    "Concerns received",
    "Decisions made",
    "Decided within the timescale",
    "Decided within the timescale (%)",
    "Section 42 enquiries started",
    "Other enquiries started",
    "Enquiries concluded",
]


def _in(field: str, start, end) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def percent(part: int, whole: int, is_public: bool):
    """Whole percent, halves up; None with nothing to divide by; "*" in a public report when
    the denominator is under 5, or the part is 1 to 4 (beside the total it gives the part back)."""
    if not whole:
        return None
    if is_public and (whole < SUPPRESSION_THRESHOLD or 0 < part < SUPPRESSION_THRESHOLD):
        return SUPPRESSED
    return int((Decimal(100 * part) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _words(count: int, is_public: bool, one: str, many: str) -> str:
    """ "3 concerns", or "fewer than 5 concerns" in a public report."""
    shown = suppress(count, is_public)
    if shown == SUPPRESSED:
        return f"fewer than {SUPPRESSION_THRESHOLD} {many}"
    return f"{shown:,} {one if shown == 1 else many}"


def _note(text: str, is_public: bool) -> str:
    return f"{text} {SUPPRESSION_NOTE} {PERCENT_NOTE}".strip() if is_public else text


def suppression_definitions(is_public: bool) -> list[list[str]]:
    return [["*", f"{SUPPRESSION_NOTE} {PERCENT_NOTE}"]] if is_public else []


# --- Queries -----------------------------------------------------------------------------------


def _monthly(start, end) -> dict[datetime.date, dict[str, int]]:
    """Per month: received, decided, on time, s42 and other started, concluded (four queries)."""
    rows: dict[datetime.date, dict[str, int]] = {}

    def put(month, **values):
        target = rows.setdefault(month_of(month), {})
        for key, value in values.items():
            target[key] = target.get(key, 0) + value

    for row in (
        by_month(Concern.objects.filter(_in("received_at", start, end)), "received_at")
        .values("month")
        .annotate(n=Count("pk"))
    ):
        put(row["month"], received=row["n"])
    decided = (
        by_month(Concern.objects.filter(_in("decided_at", start, end)), "decided_at")
        .values("month")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("decision_due_at"))))
    )
    for row in decided:
        put(row["month"], decided=row["n"], on_time=row["on_time"])
    started = (
        by_month(Enquiry.objects.filter(_in("started_at", start, end)), "started_at")
        .values("month")
        .annotate(
            s42=Count("pk", filter=Q(kind=EnquiryKind.S42)),
            other=Count("pk", filter=Q(kind=EnquiryKind.OTHER)),
        )
    )
    for row in started:
        put(row["month"], s42=row["s42"], other=row["other"])
    for row in (
        by_month(Enquiry.objects.filter(_in("closed_at", start, end)), "closed_at")
        .values("month")
        .annotate(n=Count("pk"))
    ):
        put(row["month"], concluded=row["n"])
    return rows


def _waiting_at(end) -> int:
    """Concerns received before `end` and not yet decided then (one query)."""
    undecided = Q(decided_at__isnull=True, status=ConcernStatus.AWAITING_DECISION) | Q(decided_at__gte=end)
    return Concern.objects.filter(received_at__lt=end).filter(undecided).count()


def _open_by_stage_at(end) -> dict[str, int]:
    """Enquiries open at `end`, by the stage their transitions had reached by then (one
    query). An enquiry with no transition row before `end` (imported) shows its stage now."""
    stage_then = Subquery(
        EnquiryTransition.objects.filter(enquiry=OuterRef("pk"), at__lt=end)
        .order_by("-at", "-pk")
        .values("to_stage")[:1]
    )
    still_open = Q(closed_at__isnull=True) & ~Q(stage=EnquiryStage.CLOSED) | Q(closed_at__gte=end)
    rows = (
        Enquiry.objects.filter(started_at__lt=end)
        .filter(still_open)
        .annotate(stage_then=Coalesce(stage_then, F("stage")))
        .values("stage_then")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["stage_then"]: row["n"] for row in rows}


def _key(found: str, action: bool) -> str:
    return f"{found}:{'action' if action else 'no action'}"


def _risk_assessment_outcome() -> Case:
    """The SAC SG2c row of an enquiry ("<finding>:<action>"); blank when an answer is missing.
    An enquiry that ceased counts with no action taken, as the SAC's table has it."""
    return Case(
        When(
            risk_assessment_result=RiskAssessmentResult.CEASED,
            then=Value(_key(RiskAssessmentResult.CEASED, False)),
        ),
        *[
            When(risk_assessment_result=found, action_taken=action, then=Value(_key(found, action)))
            for found, action, _ in RISK_ASSESSMENT_OUTCOMES
            if found != RiskAssessmentResult.CEASED
        ],
        default=Value(""),
        output_field=CharField(),
    )


def _concluded_s42(start, end) -> list[dict]:
    """Section 42 enquiries concluded in the period, grouped by every answer the MSP and
    risk tables need (one query)."""
    return list(
        Enquiry.objects.filter(_in("closed_at", start, end), kind=EnquiryKind.S42)
        .values("msp_asked", "outcomes_achieved", "risk_outcome", assessment=_risk_assessment_outcome())
        .annotate(n=Count("pk"))
        .order_by()
    )


# --- Tables ------------------------------------------------------------------------------------


def _month_table(months, monthly, is_public: bool) -> tuple[Table, dict[str, int]]:
    table = Table(
        title="Concerns, decisions and enquiries by month",
        columns=list(MONTH_COLUMNS),
        note=_note(
            "Decisions are counted in the month they were made; within the timescale means by the "
            "end of the working day the organisation allows for a decision.",
            is_public,
        ),
    )
    keys = ("received", "decided", "on_time", "s42", "other", "concluded")
    totals = dict.fromkeys(keys, 0)
    for month in months:
        figures = monthly.get(month, {})
        values = {key: figures.get(key, 0) for key in keys}
        for key in keys:
            totals[key] += values[key]
        table.add(_month_cells(f"{month:%b %Y}", values, is_public))
    table.add(_month_cells("Total", totals, is_public), kind="total")
    return table, totals


def _month_cells(label: str, values: dict[str, int], is_public: bool) -> list:
    s = lambda key: suppress(values[key], is_public)  # noqa: E731
    return [
        label,
        s("received"),
        s("decided"),
        s("on_time"),
        percent(values["on_time"], values["decided"], is_public),
        s("s42"),
        s("other"),
        s("concluded"),
    ]


def _open_table(waiting: int, stages: dict[str, int], end_day: datetime.date, is_public: bool) -> Table:
    table = Table(
        title=f"Open at {long_date(end_day)}",
        columns=["Open", "Number"],
        note=_note(
            "As things stood at the end of the period: concerns received and not yet decided, and "
            "enquiries started and not yet closed, by the stage they had reached.",
            is_public,
        ),
    )
    table.add(["Concerns waiting for a decision", suppress(waiting, is_public)])
    table.add(["Enquiries by stage", None], kind="heading")
    labels = dict(EnquiryStage.choices)
    for stage in OPEN_STAGES:
        table.add([labels[stage], suppress(stages.get(stage, 0), is_public)])
    unknown = sum(n for stage, n in stages.items() if stage not in OPEN_STAGES)
    if unknown:
        table.add(["Stage not recorded", suppress(unknown, is_public)])
    table.add(["Open enquiries", suppress(sum(stages.values()), is_public)], kind="total")
    return table


def _tally(rows: list[dict], field: str, only=None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if only is None or only(row):
            counts[row[field]] = counts.get(row[field], 0) + row["n"]
    return counts


def _block(table: Table, heading: str, categories, counts: dict[str, int], is_public: bool) -> int:
    """A heading, one row per category (then "Not recorded") with its share, and a total."""
    total = sum(counts.values())
    table.add([heading, None, None], kind="heading")
    for key, label in (*categories, ("", NOT_RECORDED)):
        n = counts.get(key, 0)
        table.add([label, suppress(n, is_public), percent(n, total, is_public)])
    table.add(["Total", suppress(total, is_public), percent(total, total, is_public)], kind="total")
    return total


def _msp_table(rows, is_public: bool) -> tuple[Table, dict]:
    table = Table(
        title="Making Safeguarding Personal: concluded section 42 enquiries",
        columns=["Making Safeguarding Personal", "Enquiries", "Share (%)"],
        note=_note(
            "Section 42 enquiries concluded in the period (SAC SG4a). Outcomes achieved are of the "
            "enquiries where the adult expressed the outcomes they wanted.",
            is_public,
        ),
    )
    asked = _tally(rows, "msp_asked")
    achieved = _tally(rows, "outcomes_achieved", only=lambda r: r["msp_asked"] == MspAsked.ASKED_EXPRESSED)
    _block(table, "Was the adult asked about the outcomes they wanted?", MspAsked.choices, asked, is_public)
    _block(table, "Were the outcomes they expressed achieved?", OutcomesAchieved.choices, achieved, is_public)
    return table, {"asked": asked, "achieved": achieved}


def _risk_table(rows, is_public: bool) -> tuple[Table, dict]:
    table = Table(
        title="Risk: concluded section 42 enquiries",
        columns=["Risk", "Enquiries", "Share (%)"],
        note=_note(
            "Section 42 enquiries concluded in the period: what the risk assessment found and whether "
            "action was taken (SAC SG2c), and where a risk was identified, what happened to it by the "
            "end of the enquiry (SG2e).",
            is_public,
        ),
    )
    assessment = _tally(rows, "assessment")
    identified = {_key(found, action) for found, action, _ in RISK_ASSESSMENT_OUTCOMES[:2]}
    outcome = _tally(rows, "risk_outcome", only=lambda r: r["assessment"] in identified)
    categories = [(_key(found, action), label) for found, action, label in RISK_ASSESSMENT_OUTCOMES]
    _block(table, "Risk assessment outcome", categories, assessment, is_public)
    _block(table, "Where a risk was identified, the outcome", RiskOutcome.choices, outcome, is_public)
    return table, {"assessment": assessment, "outcome": outcome}


def _chart(months, monthly, is_public: bool) -> dict:
    def series(name: str, key: str) -> dict:
        values = [suppress(monthly.get(m, {}).get(key, 0), is_public) for m in months]
        return {
            "name": name,
            "values": [None if v == SUPPRESSED else v for v in values],
            "axis": "left",
            "unit": "",
        }

    return {
        "title": "Safeguarding concerns and enquiries by month",
        "labels": [f"{m:%b %Y}" for m in months],
        "series": [
            series("Concerns received", "received"),
            series("Section 42 enquiries started", "s42"),
            series("Other enquiries started", "other"),
            series("Enquiries concluded", "concluded"),
        ],
        "left_label": "Number",
        "right_label": "",
    }


# --- The section -------------------------------------------------------------------------------


def _summary(request, totals, waiting, stages, msp, is_public) -> list[str]:
    p = is_public
    first = (
        f"From {long_date(request.period_start)} to {long_date(request.period_end)}, "
        f"{_words(totals['received'], p, 'concern was', 'concerns were')} received and "
        f"{_words(totals['decided'], p, 'decision', 'decisions')} made"
    )
    share = percent(totals["on_time"], totals["decided"], p)
    if isinstance(share, int):
        first += f", {share}% of them within the timescale"
    first += (
        f"; {_words(totals['s42'], p, 'section 42 enquiry', 'section 42 enquiries')} and "
        f"{_words(totals['other'], p, 'other enquiry', 'other enquiries')} started, and "
        f"{_words(totals['concluded'], p, 'enquiry', 'enquiries')} concluded."
    )
    sentences = [
        first,
        f"At {long_date(request.period_end)}, {_words(waiting, p, 'concern was', 'concerns were')} "
        f"waiting for a decision and "
        f"{_words(sum(stages.values()), p, 'enquiry was', 'enquiries were')} open.",
    ]
    expressed = sum(msp["achieved"].values())
    if expressed:
        met = msp["achieved"].get(OutcomesAchieved.FULLY, 0) + msp["achieved"].get(
            OutcomesAchieved.PARTIALLY, 0
        )
        share = percent(met, expressed, p)
        if isinstance(share, int):
            sentences.append(
                f"Of the concluded section 42 enquiries where the adult expressed the outcomes they "
                f"wanted, {share}% had them fully or partly achieved."
            )
    return sentences


DEFINITIONS = [
    [
        "Safeguarding concern",
        "A concern that an adult may be at risk of abuse or neglect, counted on the day it was received.",
    ],
    [
        "Decided within the timescale",
        "The safeguarding adults manager decided whether an enquiry follows (Care Act 2014 s42) by the end "
        "of the organisation's working-day deadline after the concern was received; weekends and bank "
        "holidays are not working days.",
    ],
    [
        "Section 42 enquiry",
        "An enquiry the council must make when the adult has care and support needs, is experiencing or at "
        "risk of abuse or neglect, and cannot protect themselves because of those needs (Care Act 2014 s42).",
    ],
    [
        "Other enquiry",
        "A safeguarding enquiry the council makes under its power where the s42 duty does not apply.",
    ],
    ["Enquiry concluded", "An enquiry closed in the period, whenever it started."],
    [
        "Making Safeguarding Personal",
        "Whether the adult was asked what outcomes they wanted and whether those were achieved: the national "
        "categories of the Safeguarding Adults Collection (SG4a).",
    ],
    [
        "Risk outcome",
        "What the risk assessment found and whether action was taken (SAC SG2c), and where a risk was "
        "identified whether it remained, was reduced or removed (SG2e).",
    ],
    ["Not recorded", "Enquiries closed before the answer was required, or imported without it."],
]


def build(request: SectionRequest) -> dict:
    start, end = period_bounds(request.period_start, request.period_end)
    months = months_of(request.period_start, request.period_end)
    is_public = request.is_public
    monthly = _monthly(start, end)
    month_table, totals = _month_table(months, monthly, is_public)
    waiting = _waiting_at(end)
    stages = _open_by_stage_at(end)
    concluded = _concluded_s42(start, end)
    msp_table, msp = _msp_table(concluded, is_public)
    risk_table, _ = _risk_table(concluded, is_public)
    return {
        "summary": _summary(request, totals, waiting, stages, msp, is_public),
        "tables": [
            table_to_data(t)
            for t in (
                month_table,
                _open_table(waiting, stages, request.period_end, is_public),
                msp_table,
                risk_table,
            )
        ],
        "charts": [_chart(months, monthly, is_public)],
        "definitions": [list(d) for d in DEFINITIONS] + suppression_definitions(is_public),
    }


def register() -> None:
    register_section(KEY, TITLE, build, order=40)
