"""Boards, their meeting dates and report definitions (issue 8).

Commissioners and administrators change these (reporting.permissions); reports are made by
reporting.services.reports. Refusals raise DomainError with a GOV.UK message; a repeat that
changes nothing is a no-op.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Board, BoardMeeting, ReportDefinition, ReportPeriod
from ..models.indicators import first_of_month
from ..sections import get_section
from .common import DomainError, clean_text, long_date, optional_text

__all__ = [
    "MAX_DAYS_BEFORE",
    "add_definition",
    "add_meeting",
    "create_board",
    "period_end_before",
    "remove_meeting",
    "report_period",
    "update_board",
    "update_definition",
]

NAME_LIMIT = 200
AUDIENCE_LIMIT = 300
MAX_DAYS_BEFORE = 90
PERIOD_MONTHS = {
    ReportPeriod.MONTH: 1,
    ReportPeriod.QUARTER: 3,
    ReportPeriod.HALF_YEAR: 6,
    ReportPeriod.TWELVE_MONTHS: 12,
}


# --- Periods ------------------------------------------------------------------------------


def period_end_before(day: datetime.date) -> datetime.date:
    """The last day of the month before `day`: a board sees whole months only."""
    return first_of_month(day) - datetime.timedelta(days=1)


def _months_back(month_start: datetime.date, months: int) -> datetime.date:
    index = month_start.year * 12 + month_start.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def report_period(period: str, *, meeting_on: datetime.date | None = None, today=None):
    """(start, end) of a report: `period` of whole months ending at the month end before the
    meeting (or before today when the report is for no meeting). The financial year to date
    runs from 1 April (the year the finance tables use)."""
    end = period_end_before(meeting_on or today or timezone.localdate())
    if period == ReportPeriod.YEAR_TO_DATE:
        return datetime.date(end.year if end.month >= 4 else end.year - 1, 4, 1), end
    months = PERIOD_MONTHS.get(period)
    if months is None:
        raise DomainError("Select the period the report covers")
    return _months_back(first_of_month(end), months - 1), end


# --- Boards -------------------------------------------------------------------------------


def _board_values(name, audience) -> dict:
    return {
        "name": clean_text(name, "Enter the name of the board", limit=NAME_LIMIT, label="name"),
        "audience": clean_text(
            audience,
            "Enter who the board is and who reads its papers",
            limit=AUDIENCE_LIMIT,
            label="audience",
        ),
    }


def _unique_name(name: str, *, exclude_pk=None) -> None:
    boards = Board.objects.filter(name__iexact=name)
    if exclude_pk:
        boards = boards.exclude(pk=exclude_pk)
    if boards.exists():
        raise DomainError("There is already a board with this name")


@transaction.atomic
def create_board(*, name: str, audience: str, by) -> Board:
    values = _board_values(name, audience)
    _unique_name(values["name"])
    try:
        with transaction.atomic():
            return Board.objects.create(**values)
    except IntegrityError:
        raise DomainError("There is already a board with this name") from None


@transaction.atomic
def update_board(*, board_id: int, name: str, audience: str, is_active: bool, by) -> Board:
    """A board no longer active keeps its reports; the schedule stops making new ones."""
    board = Board.objects.select_for_update().get(pk=board_id)
    values = _board_values(name, audience)
    _unique_name(values["name"], exclude_pk=board.pk)
    values["is_active"] = bool(is_active)
    if all(getattr(board, field) == value for field, value in values.items()):
        return board
    for field, value in values.items():
        setattr(board, field, value)
    board.save(update_fields=list(values))
    return board


# --- Meetings -----------------------------------------------------------------------------


@transaction.atomic
def add_meeting(*, board_id: int, meets_on, title: str = "", by) -> BoardMeeting:
    """A meeting date; adding the same date again returns the meeting already there."""
    board = Board.objects.select_for_update().get(pk=board_id)
    if not isinstance(meets_on, datetime.date):
        raise DomainError("Enter the date of the meeting")
    if meets_on < timezone.localdate():
        raise DomainError("The meeting date must be today or in the future")
    title = optional_text(title, limit=200, label="title")
    meeting, _ = BoardMeeting.objects.get_or_create(board=board, meets_on=meets_on, defaults={"title": title})
    return meeting


@transaction.atomic
def remove_meeting(*, meeting_id: int, by) -> None:
    """A date added by mistake; a meeting with reports stays (they were made for it)."""
    meeting = BoardMeeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        return
    if meeting.reports.exists():
        raise DomainError(
            f"The meeting on {long_date(meeting.meets_on)} has reports, so it cannot be removed"
        )
    meeting.delete()


# --- Report definitions -------------------------------------------------------------------


def _definition_values(data: dict) -> dict:
    title = clean_text(data.get("title"), "Enter the title of the report", limit=200, label="title")
    sections = [key for key in dict.fromkeys(data.get("sections") or []) if key]
    if not sections:
        raise DomainError("Select at least one section")
    unknown = [key for key in sections if get_section(key) is None]
    if unknown:
        raise DomainError("Select sections from the list")
    period = data.get("period")
    if period not in ReportPeriod.values:
        raise DomainError("Select the period the report covers")
    days = data.get("days_before_meeting")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS_BEFORE:
        raise DomainError(f"Enter the number of days before the meeting, from 0 to {MAX_DAYS_BEFORE}")
    return {
        "title": title,
        "sections": sections,
        "period": period,
        "is_public": bool(data.get("is_public")),
        "days_before_meeting": days,
        "is_scheduled": bool(data.get("is_scheduled")),
    }


@transaction.atomic
def add_definition(*, board_id: int, data: dict, by) -> ReportDefinition:
    board = Board.objects.select_for_update().get(pk=board_id)
    return ReportDefinition.objects.create(board=board, **_definition_values(data))


@transaction.atomic
def update_definition(*, definition_id: int, data: dict, by) -> ReportDefinition:
    """Reports already made keep their own audience, period and figures; the change applies
    to the next one."""
    definition = ReportDefinition.objects.select_for_update().get(pk=definition_id)
    values = _definition_values(data)
    values["is_active"] = bool(data.get("is_active", definition.is_active))
    if all(getattr(definition, field) == value for field, value in values.items()):
        return definition
    for field, value in values.items():
        setattr(definition, field, value)
    definition.save(update_fields=list(values))
    return definition
