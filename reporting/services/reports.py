"""Board reports: a row first, then a task (issue 8; DESIGN.md section 6).

- `request_report` writes a queued BoardReport and sends the task when the transaction
  commits. The row is the request: if Redis is down the send fails, is logged, and the row
  waits for the requeue sweep, so the page keeps working.
- `generate_report` (the task's body) claims the row, works out every section's figures
  once and stores them with the period and the time, then renders the PDF from the stored
  figures and commentary. A ready or published report is left alone, so a redelivered
  message is harmless; a run that was overtaken (the commentary changed meanwhile) throws
  its PDF away.
- The commentary is written before publishing; saving it renders the PDF again from the
  stored figures (never the live data). Publishing locks it.
- Sweeps: `requeue_stuck_reports` (queued too long, or rendering far past the task's time
  limit: the worker died) and `schedule_reports` (one report per scheduled definition and
  meeting, made `days_before_meeting` ahead; the unique constraint makes two sweeps safe).
"""

import datetime
import json
import logging
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.exports import Table, table_to_data
from cases.services.people import FieldChange

from ..models import BoardMeeting, BoardReport, ReportDefinition, ReportDownload, ReportStatus
from ..sections import SectionRequest, get_section
from .boards import report_period
from .common import DomainError, StaleEdit

__all__ = [
    "COMMENTARY_LIMIT",
    "MAX_ATTEMPTS",
    "QUEUED_STUCK_AFTER",
    "RENDERING_STUCK_AFTER",
    "build_figures",
    "enqueue",
    "generate_report",
    "publish_report",
    "record_download",
    "request_report",
    "requeue_stuck_reports",
    "retry_report",
    "save_commentary",
    "schedule_reports",
]

logger = logging.getLogger(__name__)

S = ReportStatus
IN_PROGRESS = (S.QUEUED, S.RENDERING)
# The task's hard time limit (reporting.tasks) is well under RENDERING_STUCK_AFTER, so a
# report still "rendering" after it has no live worker.
QUEUED_STUCK_AFTER = datetime.timedelta(minutes=5)
RENDERING_STUCK_AFTER = datetime.timedelta(minutes=20)
MAX_ATTEMPTS = 3
COMMENTARY_LIMIT = 5000
SWEEP_BATCH = 500


class SectionFailed(Exception):
    """A section builder raised or returned figures that cannot be stored."""

    def __init__(self, title: str, reason: str = ""):
        super().__init__(title)
        self.title, self.reason = title, reason


# --- Sending the task ---------------------------------------------------------------------


def enqueue(report_id: int) -> bool:
    """Send the task. If the broker is down, log it and leave the row queued: the requeue
    sweep sends it again (DESIGN.md s6). Returns whether the message went."""
    from ..tasks import generate_board_report

    try:
        # One quick attempt to reach the broker: the default is several seconds of retries,
        # which would hold the person's request while Redis is down.
        with generate_board_report.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            generate_board_report.apply_async((report_id,), connection=connection, retry=False)
    except Exception:  # any broker failure: the row is the request, nothing is lost
        logger.warning("Board report %s stays queued: the task could not be sent", report_id, exc_info=True)
        return False
    return True


def _enqueue_on_commit(report_id: int) -> None:
    transaction.on_commit(lambda: enqueue(report_id))


# --- Requesting ---------------------------------------------------------------------------


@transaction.atomic
def request_report(*, definition_id: int, meeting_id: int | None = None, by, today=None) -> BoardReport:
    """Queue a report of a definition, for a meeting of its board or for no meeting (then the
    period ends at the last month end). A report of the same kind still being prepared is
    returned instead of a second one, so a double click makes one report."""
    today = today or timezone.localdate()
    definition = (
        ReportDefinition.objects.select_for_update(of=("self",)).select_related("board").get(pk=definition_id)
    )
    if not (definition.is_active and definition.board.is_active):
        raise DomainError("This report is no longer made. Choose another report")
    meeting = None
    if meeting_id is not None:
        meeting = BoardMeeting.objects.filter(pk=meeting_id, board_id=definition.board_id).first()
        if meeting is None:
            raise DomainError("Choose a meeting of this board")
        if meeting.meets_on < today:
            raise DomainError("Choose a meeting that has not yet been held")
    start, end = report_period(
        definition.period, meeting_on=meeting.meets_on if meeting else None, today=today
    )
    existing = (
        BoardReport.objects.defer("pdf", "figures")
        .filter(
            definition=definition,
            meeting=meeting,
            period_start=start,
            period_end=end,
            is_public=definition.is_public,
            status__in=IN_PROGRESS,
        )
        .first()
    )
    if existing is not None:
        return existing
    report = BoardReport.objects.create(
        definition=definition,
        meeting=meeting,
        period_start=start,
        period_end=end,
        is_public=definition.is_public,
        requested_by=by,
    )
    _enqueue_on_commit(report.pk)
    return report


# --- The figures --------------------------------------------------------------------------


def _json_safe(value):
    """Chart values and other loose figures as JSON: Decimals as exact strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _section_figures(section, data) -> dict:
    """One section's figures in the stored shape (reporting/sections/__init__.py), checked
    now so the PDF and the pages can trust them later."""
    from ..selectors_reports import chart_from_data

    if not isinstance(data, dict):
        raise SectionFailed(section.title, "the builder returned no figures")
    tables = [table_to_data(t) if isinstance(t, Table) else t for t in data.get("tables") or []]
    figures = {
        "key": section.key,
        "title": section.title,
        "summary": [str(s) for s in data.get("summary") or []],
        "tables": tables,
        "charts": _json_safe(list(data.get("charts") or [])),
        "definitions": [[str(term), str(meaning)] for term, meaning in data.get("definitions") or []],
    }
    try:
        json.dumps(figures)
        for chart in figures["charts"]:
            chart_from_data(chart)
    except (TypeError, ValueError, KeyError) as exc:
        raise SectionFailed(section.title, type(exc).__name__) from exc
    return figures


def build_figures(report: BoardReport, progress=lambda text: None) -> dict:
    """Every section of the report's definition, worked out for its period and audience,
    with what the cover shows. Sections not registered (an app not installed) are left out
    and named in the appendix, never shown empty."""
    definition = report.definition
    request = SectionRequest(report.period_start, report.period_end, report.is_public)
    keys = list(definition.sections)
    sections, left_out = [], []
    for number, key in enumerate(keys, 1):
        section = get_section(key)
        if section is None:
            left_out.append(key)
            continue
        progress(f"Working out the figures: {section.title} ({number} of {len(keys)})")
        try:
            data = section.build(request)
        except Exception as exc:
            raise SectionFailed(section.title, type(exc).__name__) from exc
        sections.append(_section_figures(section, data))
    return {
        "generated_at": timezone.now().isoformat(),
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "is_public": report.is_public,
        "board": definition.board.name,
        "audience": definition.board.audience,
        "title": definition.title,
        "meeting_on": report.meeting.meets_on.isoformat() if report.meeting_id else None,
        "sections": sections,
        "left_out": left_out,
    }


# --- Generating (the task's body) ---------------------------------------------------------


def _claim(report_id: int) -> BoardReport | None:
    """Mark the report rendering (one more attempt) if it is waiting, or was left rendering
    by a worker that died; otherwise None (ready, published and failed reports are left
    alone, and a report another worker is preparing is theirs)."""
    with transaction.atomic():
        report = BoardReport.objects.select_for_update().defer("pdf").filter(pk=report_id).first()
        if report is None:
            return None
        now = timezone.now()
        if (
            report.status == S.RENDERING
            and report.started_at
            and now - report.started_at < RENDERING_STUCK_AFTER
        ):
            return None
        if report.status not in IN_PROGRESS:
            return None
        report.status, report.started_at, report.attempts = S.RENDERING, now, report.attempts + 1
        report.progress, report.error = "Starting", ""
        report.save(update_fields=["status", "started_at", "attempts", "progress", "error"])
        return report


def _mine(report: BoardReport):
    """The row while this run still owns it (the attempt number is the claim)."""
    return BoardReport.objects.filter(pk=report.pk, status=S.RENDERING, attempts=report.attempts)


def _error_text(exc: Exception, stage: str) -> str:
    """What the report page says went wrong: no traceback, no data (the log has those)."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return "Preparing the report took too long and was stopped."
    if isinstance(exc, SectionFailed):
        return f"The figures for “{exc.title}” could not be worked out ({exc.reason or 'an error'})."
    if stage == "pdf":
        return f"The PDF could not be drawn ({type(exc).__name__})."
    return f"The report could not be prepared ({type(exc).__name__})."


def generate_report(*, report_id: int) -> str:
    """Work out the figures (once) and render the PDF; returns the status left. Progress is
    committed as it goes, so the report page can show it."""
    from ..pdf import render_report_pdf

    report = _claim(report_id)
    if report is None:
        return BoardReport.objects.filter(pk=report_id).values_list("status", flat=True).first() or "missing"
    stage = "figures"
    try:
        if not report.figures:
            figures = build_figures(report, progress=lambda text: _mine(report).update(progress=text[:200]))
            BoardReport.objects.filter(pk=report.pk, figures__isnull=True).update(figures=figures)
        stage = "pdf"
        _mine(report).update(progress="Drawing the PDF")
        current = _mine(report).select_related("definition__board", "meeting").defer("pdf").first()
        if current is None:
            return "superseded"
        pdf = render_report_pdf(current)
    except Exception as exc:
        logger.exception("Board report %s failed while working out its %s", report_id, stage)
        _mine(report).update(
            status=S.FAILED, error=_error_text(exc, stage), progress="", finished_at=timezone.now()
        )
        return S.FAILED
    done = (
        _mine(report)
        .filter(version=current.version)
        .update(status=S.READY, pdf=pdf, progress="", error="", finished_at=timezone.now())
    )
    return S.READY if done else "superseded"


# --- People's steps -----------------------------------------------------------------------


@transaction.atomic
def retry_report(*, report_id: int, by) -> BoardReport:
    """Put a failed report back in the queue; stored figures are kept (a PDF failure does
    not work them out again). A report already waiting is left as it is."""
    report = BoardReport.objects.select_for_update().defer("pdf").get(pk=report_id)
    if report.status == S.QUEUED:
        return report
    if report.status != S.FAILED:
        raise DomainError("Only a report that failed can be tried again")
    report.status, report.error, report.progress = S.QUEUED, "", ""
    report.save(update_fields=["status", "error", "progress"])
    _enqueue_on_commit(report.pk)
    return report


def _stale_commentary(report, titles: dict, opened: dict, mine: dict) -> StaleEdit:
    changes, merged = [], {}
    for key, title in titles.items():
        then, now, typed = opened.get(key, ""), report.commentary.get(key, ""), mine.get(key, "")
        merged[key] = now if typed == then else typed
        if then != now:
            changes.append(FieldChange(key, f"Commentary on {title}", then, now, typed))
    return StaleEdit(current=report, changes=changes, merged=merged)


@transaction.atomic
def save_commentary(
    *, report_id: int, commentary: dict, expected_version: int, by, opened: dict | None = None
) -> BoardReport:
    """The commentary per section (optimistic lock on `version`; `opened` is the text as the
    editor first saw it, to show what someone else changed). A change renders the PDF
    again from the stored figures."""
    report = BoardReport.objects.select_for_update().defer("pdf").get(pk=report_id)
    if report.status == S.PUBLISHED:
        raise DomainError("The report has been published, so its commentary can no longer be changed")
    if not report.figures:
        raise DomainError("The commentary can be written once the figures have been worked out")
    titles = {s["key"]: s["title"] for s in report.figures.get("sections", [])}
    cleaned = {}
    for key, title in titles.items():
        text = (commentary.get(key) or "").replace("\r\n", "\n").strip()
        if len(text) > COMMENTARY_LIMIT:
            raise DomainError(f"The commentary on {title} must be {COMMENTARY_LIMIT:,} characters or fewer")
        if text:
            cleaned[key] = text
    if report.version != expected_version:
        raise _stale_commentary(report, titles, opened or {}, cleaned)
    if cleaned == {k: v for k, v in report.commentary.items() if k in titles}:
        return report
    report.commentary, report.version = cleaned, expected_version + 1
    report.status, report.progress, report.error = S.QUEUED, "", ""
    report.save(update_fields=["commentary", "version", "status", "progress", "error"])
    _enqueue_on_commit(report.pk)
    return report


@transaction.atomic
def publish_report(*, report_id: int, expected_version: int, by) -> BoardReport:
    """A ready report becomes the one board members see; its commentary is locked."""
    report = BoardReport.objects.select_for_update().defer("pdf").get(pk=report_id)
    if report.status == S.PUBLISHED:
        return report
    if report.status != S.READY:
        raise DomainError("A report can be published once it is ready")
    if report.version != expected_version:
        raise DomainError("The commentary changed since you opened the report. Check it, then publish it")
    report.status, report.published_at, report.published_by = S.PUBLISHED, timezone.now(), by
    report.version = expected_version + 1
    report.save(update_fields=["status", "published_at", "published_by", "version"])
    return report


def record_download(*, report: BoardReport, user, what: str) -> ReportDownload:
    """Every download of a report's PDF or tables (issue 8: each download is logged)."""
    return ReportDownload.objects.create(report=report, user=user, what=what[:100])


# --- Sweeps -------------------------------------------------------------------------------


def requeue_stuck_reports(*, now=None) -> list[int]:
    """Send again every report queued for more than 5 minutes (a lost message, Redis down
    when it was requested) and put back in the queue any left rendering for more than 20
    (its worker died); after MAX_ATTEMPTS such deaths the report fails instead of looping.
    Returns the ids sent."""
    now = now or timezone.now()
    with transaction.atomic():
        dead = list(
            BoardReport.objects.select_for_update(skip_locked=True)
            .filter(status=S.RENDERING, started_at__lt=now - RENDERING_STUCK_AFTER)
            .values_list("pk", "attempts")[:SWEEP_BATCH]
        )
        give_up = [pk for pk, attempts in dead if attempts >= MAX_ATTEMPTS]
        again = [pk for pk, attempts in dead if attempts < MAX_ATTEMPTS]
        if give_up:
            BoardReport.objects.filter(pk__in=give_up).update(
                status=S.FAILED,
                progress="",
                finished_at=now,
                error=f"The report could not be prepared after {MAX_ATTEMPTS} attempts.",
            )
        if again:
            BoardReport.objects.filter(pk__in=again).update(status=S.QUEUED, progress="")
    # Waiting since the request, or since the last run ended for a report sent back to the
    # queue (new commentary, try again); sending one twice is harmless.
    ids = list(
        BoardReport.objects.filter(status=S.QUEUED)
        .annotate(waiting_since=Coalesce("finished_at", "requested_at"))
        .filter(waiting_since__lt=now - QUEUED_STUCK_AFTER)
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = list(dict.fromkeys([*again, *ids]))
    for report_id in ids:
        enqueue(report_id)
    return ids


def schedule_reports(*, today=None) -> list[int]:
    """For each active scheduled definition and each of its board's meetings not yet held
    and within `days_before_meeting`, make the scheduled report if there is none (requested
    by no one); returns the ids made. Run twice, or on two workers, it makes one per
    meeting: the unique constraint refuses the second."""
    today = today or timezone.localdate()
    definitions = list(
        ReportDefinition.objects.filter(is_active=True, is_scheduled=True, board__is_active=True).order_by(
            "pk"
        )
    )
    if not definitions:
        return []
    horizon = today + datetime.timedelta(days=max(d.days_before_meeting for d in definitions))
    meetings = defaultdict(list)
    for meeting in BoardMeeting.objects.filter(
        board_id__in={d.board_id for d in definitions}, meets_on__gte=today, meets_on__lte=horizon
    ).order_by("meets_on"):
        meetings[meeting.board_id].append(meeting)
    made = set(
        BoardReport.objects.filter(
            requested_by__isnull=True, meeting__in=[m for ms in meetings.values() for m in ms]
        ).values_list("definition_id", "meeting_id")
    )
    created = []
    for definition in definitions:
        for meeting in meetings[definition.board_id]:
            due_from = meeting.meets_on - datetime.timedelta(days=definition.days_before_meeting)
            if (definition.pk, meeting.pk) in made or due_from > today:
                continue
            start, end = report_period(definition.period, meeting_on=meeting.meets_on)
            try:
                with transaction.atomic():
                    report = BoardReport.objects.create(
                        definition=definition,
                        meeting=meeting,
                        period_start=start,
                        period_end=end,
                        is_public=definition.is_public,
                        requested_by=None,
                    )
            except IntegrityError:  # another sweep made it a moment ago
                continue
            created.append(report.pk)
            _enqueue_on_commit(report.pk)
    return created
