"""Reads of boards and their reports (issue 8): lists with fixed query counts, and the
stored figures of a report turned back into tables and charts for its page, its PDF and
its downloads. Aggregates only; no person data, so nothing here is access-logged.

List queries never load `figures` or `pdf` (they can be large): the columns are deferred.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.charts import Axis, LineChart, Series, plain_number, pounds
from accounts.exports import Table, table_from_data

from .models import Board, BoardMeeting, BoardReport, ReportDefinition, ReportStatus
from .sections import SUPPRESSION_NOTE

PAGE_SIZE = 25
BOARD_PAGE_SIZE = 25
UPCOMING_MEETINGS = 12
PANEL_BOARDS = 5
HEAVY = ("figures", "pdf")


# --- Boards -------------------------------------------------------------------------------


def _latest_published():
    return (
        BoardReport.objects.filter(definition__board=OuterRef("pk"), status=ReportStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )


def board_list(*, today=None, active_only=False):
    """Boards A to Z with their next meeting and latest published report id (one query)."""
    today = today or timezone.localdate()
    boards = Board.objects.annotate(
        next_meeting_on=Min("meetings__meets_on", filter=Q(meetings__meets_on__gte=today)),
        latest_published_id=Subquery(_latest_published()),
    )
    if active_only:
        boards = boards.filter(is_active=True)
    return boards.order_by("-is_active", "name")


def attach_latest_reports(boards) -> None:
    """Each board's `latest_published` report (one query for the page)."""
    ids = [b.latest_published_id for b in boards if b.latest_published_id]
    reports = {
        r.pk: r for r in BoardReport.objects.defer(*HEAVY).select_related("definition").filter(pk__in=ids)
    }
    for board in boards:
        board.latest_published = reports.get(board.latest_published_id)


def board_queryset():
    return Board.objects.all()


def upcoming_meetings(board, *, today=None) -> list[BoardMeeting]:
    today = today or timezone.localdate()
    return list(
        board.meetings.filter(meets_on__gte=today)
        .annotate(report_count=Count("reports"))
        .order_by("meets_on")[:UPCOMING_MEETINGS]
    )


def last_meeting(board, *, today=None) -> BoardMeeting | None:
    today = today or timezone.localdate()
    return board.meetings.filter(meets_on__lt=today).order_by("-meets_on").first()


def definitions_for(board) -> list[ReportDefinition]:
    return list(board.definitions.order_by("-is_active", "title", "pk"))


def definition_queryset():
    return ReportDefinition.objects.select_related("board")


def meeting_queryset():
    return BoardMeeting.objects.select_related("board")


# --- Report history -----------------------------------------------------------------------


def report_history(board, *, definition_id=None, status: str = ""):
    """The board's reports, newest first, without their figures or PDF."""
    reports = (
        BoardReport.objects.filter(definition__board=board)
        .defer(*HEAVY)
        .select_related("definition", "meeting", "requested_by", "published_by")
    )
    if definition_id:
        reports = reports.filter(definition_id=definition_id)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-requested_at", "-pk")


def report_queryset():
    """One report for its page: the figures are needed, the PDF is not."""
    return BoardReport.objects.defer("pdf").select_related(
        "definition__board", "meeting", "requested_by", "published_by"
    )


def report_with_pdf(pk) -> BoardReport | None:
    return BoardReport.objects.select_related("definition__board").filter(pk=pk).first()


def latest_reports_for_panel(*, today=None) -> list[Board]:
    """Active boards (a few) with their next meeting, latest published report and the
    number of reports being prepared: the commissioners' home panel (three queries)."""
    boards = list(
        board_list(today=today, active_only=True).annotate(
            preparing=Count(
                "definitions__reports",
                filter=Q(definitions__reports__status__in=[ReportStatus.QUEUED, ReportStatus.RENDERING]),
                distinct=True,
            )
        )[:PANEL_BOARDS]
    )
    attach_latest_reports(boards)
    return boards


# --- Stored figures -----------------------------------------------------------------------


def _number(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"Not a number: {value!r}") from None


def percent(value) -> str:
    return f"{plain_number(value)}%"


def _axis(title: str, units: list[str], values: list) -> Axis:
    unit = units[0] if units else ""
    if unit == "£":
        return Axis(title, format=pounds)
    if unit == "%":
        return Axis(title, format=percent)
    whole = all(v == v.to_integral_value() for v in values if v is not None)
    return Axis(title, whole_numbers=whole)


def chart_from_data(data: dict, *, chart_id: str = "") -> LineChart:
    """A stored chart (labels, series with axis and unit) as an SVG LineChart; raises
    ValueError if the stored data cannot be drawn (checked when the figures are made)."""
    labels = [str(label) for label in data["labels"]]
    series, sides = [], {"left": ([], []), "right": ([], [])}
    for item in data["series"]:
        axis = item.get("axis") or "left"
        if axis not in sides:
            raise ValueError(f"No {axis} axis")
        values = [_number(v) for v in item["values"]]
        series.append(Series(str(item["name"]), values, axis=axis))
        sides[axis][0].append(item.get("unit") or "")
        sides[axis][1].extend(values)
    left = _axis(data.get("left_label") or "", *sides["left"])
    right = _axis(data.get("right_label") or "", *sides["right"]) if sides["right"][0] else None
    return LineChart(
        title=str(data["title"]), categories=labels, series=series, left=left, right=right, id=chart_id
    )


@dataclass
class ReportSection:
    number: int
    key: str
    title: str
    summary: list[str]
    tables: list[Table]
    charts: list[LineChart]
    definitions: list[list[str]]
    commentary: str = ""
    table_ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.summary or self.tables or self.charts)


def report_sections(report: BoardReport) -> list[ReportSection]:
    """The stored sections, in order, with their commentary."""
    figures = report.figures or {}
    commentary = report.commentary or {}
    sections = []
    for number, data in enumerate(figures.get("sections", []), 1):
        sections.append(
            ReportSection(
                number=number,
                key=data["key"],
                title=data["title"],
                summary=list(data.get("summary", [])),
                tables=[table_from_data(t) for t in data.get("tables", [])],
                charts=[
                    chart_from_data(c, chart_id=f"chart-{number}-{i}")
                    for i, c in enumerate(data.get("charts", []), 1)
                ],
                definitions=list(data.get("definitions", [])),
                commentary=commentary.get(data["key"], ""),
            )
        )
    return sections


def section_table(report: BoardReport, section_number: int, table_number: int) -> tuple[dict, Table] | None:
    """(section figures, table) by 1-based position, or None."""
    sections = (report.figures or {}).get("sections", [])
    if not (1 <= section_number <= len(sections)):
        return None
    tables = sections[section_number - 1].get("tables", [])
    if not (1 <= table_number <= len(tables)):
        return None
    return sections[section_number - 1], table_from_data(tables[table_number - 1])


def all_tables(report: BoardReport) -> list[Table]:
    return [
        table_from_data(t)
        for section in (report.figures or {}).get("sections", [])
        for t in section.get("tables", [])
    ]


@dataclass(frozen=True)
class FiguresInfo:
    generated_at: datetime.datetime | None
    period_start: datetime.date
    period_end: datetime.date
    is_public: bool
    board: str
    audience: str
    title: str
    meeting_on: datetime.date | None
    left_out: list[str]

    @property
    def suppression_note(self) -> str:
        return SUPPRESSION_NOTE if self.is_public else ""


def figures_info(report: BoardReport) -> FiguresInfo:
    """What the cover and the appendix say, from the stored figures (so a re-render after a
    board is renamed still shows what the board was shown); the row for a report not yet
    worked out."""
    figures = report.figures or {}
    board = report.definition.board

    def day(key, default):
        value = figures.get(key)
        return datetime.date.fromisoformat(value) if value else default

    generated = figures.get("generated_at")
    return FiguresInfo(
        generated_at=datetime.datetime.fromisoformat(generated) if generated else None,
        period_start=day("period_start", report.period_start),
        period_end=day("period_end", report.period_end),
        is_public=figures.get("is_public", report.is_public),
        board=figures.get("board", board.name),
        audience=figures.get("audience", board.audience),
        title=figures.get("title", report.definition.title),
        meeting_on=day("meeting_on", report.meeting.meets_on if report.meeting_id else None),
        left_out=list(figures.get("left_out", [])),
    )
