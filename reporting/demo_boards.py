"""Board reports demo data (issue 8; DESIGN.md section 8): a partnership board with its
meetings, two report definitions and one published report, so the demo has a board report
to open and download from the start. Registered with `cases.demo` by
reporting.registrations_boards and run inside `manage.py seed_demo`, after the other apps'
seeders (the report reads what they wrote: finance snapshots, indicator values, the action
plan and the risk register).

- The board of the partners in the finance demo's Section 75 agreement, meeting quarterly on
  a Thursday: once about six weeks ago, next in about three weeks, then twice more.
- "Quarterly performance report" (every registered section, the quarter before the meeting,
  public: small numbers suppressed) and "Section 75 finance report" (finance, staffing and
  risks, the financial year to date, private).
- One quarterly report for the last meeting, made as a commissioner makes one: requested
  through the service as on the day it was due (`days_before_meeting` before the meeting).
  As in real use, the request sends the report task when the seed's transaction commits
  (the demo's Celery runs it there and then, eagerly); a second on-commit step then
  publishes it, first running the task's function itself if a worker (REDIS_URL set) has
  not yet taken it. So the PDF is drawn once the demo data is committed, and tests that
  seed the demo inside a transaction never pay for it. Its figures are worked out from
  today's demo data. It has no commentary: writing one draws the whole PDF again
  (WeasyPrint takes nearly all the seconds this seeder costs).

The past meeting is written directly: the board services accept only meetings not yet held
(a board adds its dates ahead), and the demo needs one already held. Deterministic for a day:
no random draws, dates counted from today.
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from cases.demo.registry import DemoContext

from .models import Board, BoardMeeting, BoardReport, ReportPeriod, ReportStatus
from .sections import get_section
from .services import boards as board_services
from .services import reports as report_services

ORDER = 310  # after governance (300) and finance (130): the report reads what they wrote

BOARD_NAME = "Northshire and Eastmere Mental Health Partnership Board"
BOARD_AUDIENCE = (
    "Council members, trust and integrated care board directors, and the commissioners of "
    "mental health services in Northshire and Eastmere"
)
QUARTERLY_TITLE = "Quarterly performance report"
FINANCE_TITLE = "Section 75 finance report"
QUARTERLY_SECTIONS = (
    "indicators",
    "activity",
    "compliance",
    "safeguarding",
    "amhp",
    "finance",
    "staffing",
    "actions",
    "risks",
)
FINANCE_SECTIONS = ("finance", "staffing", "risks")
DAYS_BEFORE_MEETING = 10
MEETING_WEEKDAY = 3  # Thursday
LAST_MEETING_AGO = 42  # about six weeks
NEXT_MEETING_IN = 21  # about three weeks
QUARTER_DAYS = 91  # thirteen weeks: the same weekday
MEETING_TITLE = "Quarterly meeting"


def on_weekday(day: datetime.date, weekday: int = MEETING_WEEKDAY) -> datetime.date:
    """The first `weekday` on or after `day`."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def meeting_dates(today: datetime.date) -> tuple[datetime.date, list[datetime.date]]:
    """(the last meeting, the next three), all on the board's weekday."""
    last = on_weekday(today - datetime.timedelta(days=LAST_MEETING_AGO))
    first_next = on_weekday(today + datetime.timedelta(days=NEXT_MEETING_IN))
    upcoming = [first_next + datetime.timedelta(days=QUARTER_DAYS * n) for n in range(3)]
    return last, upcoming


def registered(keys) -> list[str]:
    """The keys whose section is registered (an app not installed has none), in order."""
    return [key for key in keys if get_section(key) is not None]


def seed_boards(context: DemoContext) -> dict[str, int]:
    if Board.objects.filter(name=BOARD_NAME).exists():
        return {}
    users = context.partnership.demo_users
    by = users.get(Role.COMMISSIONER) or users.get(Role.ADMINISTRATOR)
    if by is None:
        return {}
    today = timezone.localdate()
    board = board_services.create_board(name=BOARD_NAME, audience=BOARD_AUDIENCE, by=by)
    last_on, upcoming = meeting_dates(today)
    last = BoardMeeting.objects.create(board=board, meets_on=last_on, title=MEETING_TITLE)
    for day in upcoming:
        board_services.add_meeting(board_id=board.pk, meets_on=day, title=MEETING_TITLE, by=by)
    quarterly = board_services.add_definition(
        board_id=board.pk,
        data={
            "title": QUARTERLY_TITLE,
            "sections": registered(QUARTERLY_SECTIONS),
            "period": ReportPeriod.QUARTER,
            "is_public": True,
            "days_before_meeting": DAYS_BEFORE_MEETING,
            "is_scheduled": True,
        },
        by=by,
    )
    definitions = 1
    finance_sections = registered(FINANCE_SECTIONS)
    if finance_sections:
        board_services.add_definition(
            board_id=board.pk,
            data={
                "title": FINANCE_TITLE,
                "sections": finance_sections,
                "period": ReportPeriod.YEAR_TO_DATE,
                "is_public": False,
                "days_before_meeting": DAYS_BEFORE_MEETING,
                "is_scheduled": True,
            },
            by=by,
        )
        definitions += 1
    _request_and_publish(context, quarterly, last, by)
    return {
        "boards": 1,
        "board meetings": 1 + len(upcoming),
        "report definitions": definitions,
        "board reports requested": 1,
    }


def _request_and_publish(context: DemoContext, definition, meeting, by) -> None:
    """Request the quarterly report for the last meeting on the day it was due; publish it
    once the seed commits and the task has prepared it (see the module docstring)."""
    due_on = meeting.meets_on - datetime.timedelta(days=definition.days_before_meeting)
    started = time.perf_counter()
    report = report_services.request_report(
        definition_id=definition.pk, meeting_id=meeting.pk, by=by, today=due_on
    )
    transaction.on_commit(lambda: publish_when_ready(context, report.pk, by, started), robust=True)


def publish_when_ready(context: DemoContext, report_id: int, by, started: float) -> bool:
    """After the request's own on-commit send: prepare the report here if no one has (a
    worker may take the message later: it finds the report published and leaves it), then
    publish it. Returns whether it was published; a failure is logged, not raised, as the
    demo data is committed by then."""
    from .tasks import generate_board_report

    report = BoardReport.objects.defer("pdf").get(pk=report_id)
    if report.status == ReportStatus.QUEUED:
        generate_board_report(report_id)
        report.refresh_from_db(fields=["status", "version", "error"])
    if report.status != ReportStatus.READY:
        context.log(
            f"boards: the demo board report was not published: {report.get_status_display().lower()}"
            + (f" ({report.error})" if report.error else "")
        )
        return False
    report_services.publish_report(report_id=report_id, expected_version=report.version, by=by)
    seconds = time.perf_counter() - started
    context.log(f"boards: prepared and published the demo board report in {seconds:.1f}s")
    return True
