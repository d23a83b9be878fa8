"""The board report pipeline (issue 8; DESIGN.md s6): a queued row, the task that works out
the figures once and renders the PDF, progress, failure and "try again", commentary that
re-renders from the stored figures, publishing, and the two sweeps (requeue and schedule).

The sections are test-only builders registered here (and unregistered after), so these
tests do not depend on the product's sections. One of them counts board meetings in the
period: adding meetings changes what a fresh build would say, so a re-render that still
shows the old figures proves it used the stored ones.

Most tests run the task eagerly (on commit); the last runs a real Celery worker on real
Redis (`celery_on_redis`), as the product does (so does the last test of test_report_pdf).
"""

import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.exports import Table, table_to_data
from accounts.templatetags.tables import format_money
from reporting import sections as section_registry
from reporting.models import Board, BoardMeeting, BoardReport, ReportDefinition, ReportPeriod, ReportStatus
from reporting.sections import SectionRequest, register_section, suppress
from reporting.services import DomainError, StaleEdit
from reporting.services import boards as board_services
from reporting.services import reports as services
from reporting.tasks import generate_board_report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PAPER_COST = Decimal("1234.50")  # per meeting: a Decimal the PDF shows rounded
FAIL_BOARD = "Make the flaky section fail"
PROBE: list[str] = []  # progress texts the probe section saw while the task ran


# --- Test-only sections -------------------------------------------------------------------


def build_meetings(request: SectionRequest) -> dict:
    """Board meetings held in the period, per board, with a cost per meeting and a month
    by month chart: figures read from data the tests change."""
    rows = list(
        BoardMeeting.objects.filter(meets_on__range=(request.period_start, request.period_end))
        .values("board__name")
        .annotate(n=Count("pk"))
        .order_by("board__name")
    )
    total = sum(row["n"] for row in rows)
    table = Table(title="Meetings held in the period", columns=["Board", "Meetings", "Cost of papers (£)"])
    for row in rows:
        table.add([row["board__name"], suppress(row["n"], request.is_public), PAPER_COST * row["n"]])
    table.add(["Total", suppress(total, request.is_public), PAPER_COST * total], kind="total")
    months, month = [], request.period_start
    while month <= request.period_end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    per_month = [
        BoardMeeting.objects.filter(meets_on__year=m.year, meets_on__month=m.month).count() for m in months
    ]
    return {
        "summary": [f"Boards met {total} times in the period."],
        "tables": [table_to_data(table)],
        "charts": [
            {
                "title": "Meetings each month",
                "labels": [f"{m:%b %Y}" for m in months],
                "series": [{"name": "Meetings", "values": per_month, "axis": "left", "unit": ""}],
                "left_label": "Meetings",
                "right_label": "",
            }
        ],
        "definitions": [["Meeting", "A date a board meets, as recorded on the board's page."]],
    }


def build_empty(request: SectionRequest) -> dict:
    return {"summary": [], "tables": [], "charts": [], "definitions": []}


def build_wide(request: SectionRequest) -> dict:
    table = Table(
        title="Twelve months side by side", columns=["Measure", *[f"Month {n}" for n in range(1, 13)]]
    )
    table.add(["Contacts", *[100 + n for n in range(12)]])
    return {
        "summary": ["A table too wide for a portrait page."],
        "tables": [table_to_data(table)],
        "definitions": [["Contact", "Any contact recorded in the month."]],
    }


def build_flaky(request: SectionRequest) -> dict:
    if Board.objects.filter(name=FAIL_BOARD).exists():
        raise ZeroDivisionError("the flaky section failed")
    return {"summary": ["The flaky section worked."]}


def build_probe(request: SectionRequest) -> dict:
    """Reads the report's progress from the database while the task runs."""
    PROBE.extend(BoardReport.objects.filter(status=ReportStatus.RENDERING).values_list("progress", flat=True))
    return {"summary": ["Probe."]}


def register_test_sections() -> None:
    """Also called by the worker process of the real-worker tests."""
    register_section("test_meetings", "Board meetings", build_meetings, order=1)
    register_section("test_empty", "Nothing to report", build_empty, order=2)
    register_section("test_wide", "Wide figures", build_wide, order=3)
    register_section("test_flaky", "Flaky figures", build_flaky, order=4)
    register_section("test_probe", "Progress probe", build_probe, order=5)


@pytest.fixture
def report_sections():
    saved = dict(section_registry._sections)
    register_test_sections()
    yield
    section_registry._sections.clear()
    section_registry._sections.update(saved)


@pytest.fixture
def board(db):
    return board_services.create_board(
        name="Community Mental Health Partnership Board",
        audience="Partners of the Section 75 agreement and the public",
        by=None,
    )


@pytest.fixture
def meeting(board):
    return board_services.add_meeting(board_id=board.pk, meets_on=TODAY + 20 * DAY, by=None)


def make_definition(board, *, sections=("test_meetings", "test_empty"), **extra):
    data = {
        "title": extra.pop("title", "Quarterly performance report"),
        "sections": list(sections),
        "period": extra.pop("period", ReportPeriod.QUARTER),
        "is_public": extra.pop("is_public", False),
        "days_before_meeting": extra.pop("days_before_meeting", 10),
        "is_scheduled": extra.pop("is_scheduled", False),
    }
    return board_services.add_definition(board_id=board.pk, data=data, by=None)


@pytest.fixture
def definition(board, report_sections):
    return make_definition(board)


def held_meetings(board, start, count):
    """Past meetings inside the period (straight to the table: the service takes future
    dates only)."""
    return [BoardMeeting.objects.create(board=board, meets_on=start + n * DAY) for n in range(count)]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf))
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)  # noqa: S607
    return " ".join(result.stdout.decode().split())


def generate(definition, by, capture, meeting=None) -> BoardReport:
    with capture(execute=True):
        report = services.request_report(
            definition_id=definition.pk, meeting_id=meeting.pk if meeting else None, by=by
        )
    report.refresh_from_db()
    return report


# --- Periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "meets_on", "start", "end"),
    [
        (ReportPeriod.MONTH, "2027-03-12", "2027-02-01", "2027-02-28"),
        (ReportPeriod.QUARTER, "2027-03-12", "2026-12-01", "2027-02-28"),
        (ReportPeriod.QUARTER, "2027-01-05", "2026-10-01", "2026-12-31"),
        (ReportPeriod.HALF_YEAR, "2028-03-01", "2027-09-01", "2028-02-29"),
        (ReportPeriod.TWELVE_MONTHS, "2027-04-20", "2026-04-01", "2027-03-31"),
        (ReportPeriod.YEAR_TO_DATE, "2026-11-03", "2026-04-01", "2026-10-31"),
        (ReportPeriod.YEAR_TO_DATE, "2027-02-03", "2026-04-01", "2027-01-31"),
        (ReportPeriod.YEAR_TO_DATE, "2026-04-09", "2025-04-01", "2026-03-31"),
    ],
)
def test_the_period_ends_at_the_month_end_before_the_meeting(period, meets_on, start, end):
    day = datetime.date.fromisoformat
    assert board_services.report_period(period, meeting_on=day(meets_on)) == (day(start), day(end))


def test_without_a_meeting_the_period_ends_at_the_last_month_end():
    assert board_services.report_period(ReportPeriod.MONTH, today=datetime.date(2026, 11, 23)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 31),
    )


# --- Requesting and generating ------------------------------------------------------------


def test_a_requested_report_is_a_queued_row_and_the_task_runs_on_commit(
    definition, meeting, commissioner, django_capture_on_commit_callbacks
):
    start, end = board_services.report_period(definition.period, meeting_on=meeting.meets_on)
    held_meetings(definition.board, start, 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(definition_id=definition.pk, meeting_id=meeting.pk, by=commissioner)
    assert report.status == ReportStatus.QUEUED and len(callbacks) == 1
    assert (report.period_start, report.period_end) == (start, end)
    assert report.requested_by == commissioner and report.is_public is False
    callbacks[0]()  # the commit: the (eager) task runs
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 1 and report.progress == "" and report.error == ""
    assert report.started_at and report.finished_at and bytes(report.pdf).startswith(b"%PDF")
    figures = report.figures
    assert figures["period_start"] == start.isoformat() and figures["period_end"] == end.isoformat()
    assert figures["board"] == definition.board.name and figures["meeting_on"] == meeting.meets_on.isoformat()
    assert [s["key"] for s in figures["sections"]] == ["test_meetings", "test_empty"]
    meetings = figures["sections"][0]
    assert meetings["summary"] == ["Boards met 3 times in the period."]
    assert meetings["tables"][0]["rows"][-1] == {
        "cells": ["Total", 3, {"d": str(PAPER_COST * 3)}],
        "kind": "total",
    }
    assert datetime.datetime.fromisoformat(figures["generated_at"]) <= timezone.now()


def test_a_double_click_makes_one_report(
    definition, meeting, commissioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = services.request_report(definition_id=definition.pk, meeting_id=meeting.pk, by=commissioner)
        second = services.request_report(definition_id=definition.pk, meeting_id=meeting.pk, by=commissioner)
    assert first.pk == second.pk and BoardReport.objects.count() == 1


def test_request_refusals(board, definition, commissioner):
    other = board_services.create_board(name="Adult Social Care Committee", audience="Councillors", by=None)
    theirs = board_services.add_meeting(board_id=other.pk, meets_on=TODAY + 9 * DAY, by=None)
    past = BoardMeeting.objects.create(board=board, meets_on=TODAY - DAY)
    with pytest.raises(DomainError, match="Choose a meeting of this board"):
        services.request_report(definition_id=definition.pk, meeting_id=theirs.pk, by=commissioner)
    with pytest.raises(DomainError, match="not yet been held"):
        services.request_report(definition_id=definition.pk, meeting_id=past.pk, by=commissioner)
    definition.is_active = False
    definition.save()
    with pytest.raises(DomainError, match="no longer made"):
        services.request_report(definition_id=definition.pk, by=commissioner)
    assert not BoardReport.objects.exists()


def test_a_ready_report_is_left_alone_by_a_repeated_message(
    definition, commissioner, django_capture_on_commit_callbacks
):
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    pdf, figures = bytes(report.pdf), report.figures
    assert generate_board_report.delay(report.pk).get() == ReportStatus.READY
    report.refresh_from_db()
    assert report.attempts == 1 and bytes(report.pdf) == pdf and report.figures == figures


def test_progress_is_committed_section_by_section(
    board, report_sections, commissioner, django_capture_on_commit_callbacks
):
    PROBE.clear()
    definition = make_definition(board, sections=("test_meetings", "test_empty", "test_probe"))
    generate(definition, commissioner, django_capture_on_commit_callbacks)
    assert PROBE == ["Working out the figures: Progress probe (3 of 3)"]


def test_a_section_not_registered_is_left_out_and_named(
    board, report_sections, commissioner, django_capture_on_commit_callbacks
):
    definition = make_definition(board, sections=("test_meetings",))
    ReportDefinition.objects.filter(pk=definition.pk).update(sections=["test_meetings", "not_built_yet"])
    definition.refresh_from_db()
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY
    assert [s["key"] for s in report.figures["sections"]] == ["test_meetings"]
    assert report.figures["left_out"] == ["not_built_yet"]


def test_a_failing_section_fails_the_report_with_a_short_message_and_try_again_works(
    board, report_sections, commissioner, django_capture_on_commit_callbacks
):
    definition = make_definition(board, sections=("test_meetings", "test_flaky"))
    flag = Board.objects.create(name=FAIL_BOARD, audience="-")
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED
    assert report.error == "The figures for “Flaky figures” could not be worked out (ZeroDivisionError)."
    assert "Traceback" not in report.error and report.figures is None and report.pdf is None
    # A repeated message leaves a failed report alone; "Try again" queues it.
    assert generate_board_report.delay(report.pk).get() == ReportStatus.FAILED
    flag.delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_report(report_id=report.pk, by=commissioner)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2 and report.error == ""
    with pytest.raises(DomainError, match="Only a report that failed"):
        services.retry_report(report_id=report.pk, by=commissioner)


# --- Commentary, re-rendering, publishing -------------------------------------------------


def test_commentary_rerenders_the_same_figures_after_the_data_changed(
    definition, meeting, commissioner, django_capture_on_commit_callbacks, tmp_path
):
    start, _ = board_services.report_period(definition.period, meeting_on=meeting.meets_on)
    held_meetings(definition.board, start, 3)
    report = generate(definition, commissioner, django_capture_on_commit_callbacks, meeting=meeting)
    figures, version = report.figures, report.version
    assert "Boards met 3 times" in pdf_text(report.pdf, tmp_path)

    held_meetings(definition.board, start + 10 * DAY, 4)  # a fresh build would now say 7
    live = build_meetings(SectionRequest(report.period_start, report.period_end, False))
    assert live["summary"] == ["Boards met 7 times in the period."]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "The board met often this quarter.", "test_empty": "  "},
            expected_version=version,
            by=commissioner,
        )
    assert saved.status == ReportStatus.QUEUED and saved.version == version + 1
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.figures == figures  # the stored figures, not the live data
    assert report.commentary == {"test_meetings": "The board met often this quarter."}
    text = pdf_text(report.pdf, tmp_path)
    assert "The board met often this quarter." in text
    assert "Boards met 3 times in the period." in text and "Boards met 7 times" not in text
    assert f"Total 3 {format_money(PAPER_COST * 3)}" in text

    # The same commentary again changes nothing and renders nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "The board met often this quarter."},
            expected_version=report.version,
            by=commissioner,
        )
    assert callbacks == []


def test_a_stale_commentary_save_shows_what_changed_and_overwrites_nothing(
    definition, commissioner, django_capture_on_commit_callbacks
):
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    opened_version = report.version
    with django_capture_on_commit_callbacks(execute=True):
        services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "Theirs"},
            expected_version=opened_version,
            by=commissioner,
        )
    with pytest.raises(StaleEdit) as caught:
        services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "Mine", "test_empty": "Also mine"},
            opened={"test_meetings": "", "test_empty": ""},
            expected_version=opened_version,
            by=commissioner,
        )
    stale = caught.value
    assert [(c.field, c.then, c.now, c.mine) for c in stale.changes] == [
        ("test_meetings", "", "Theirs", "Mine")
    ]
    assert stale.merged == {"test_meetings": "Mine", "test_empty": "Also mine"}
    report.refresh_from_db()
    assert report.commentary == {"test_meetings": "Theirs"}


def test_commentary_limits_and_publishing_locks_it(
    definition, commissioner, django_capture_on_commit_callbacks
):
    report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="5,000 characters or fewer"):
        services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "x" * 5001},
            expected_version=report.version,
            by=commissioner,
        )
    with pytest.raises(DomainError, match="changed since you opened"):
        services.publish_report(report_id=report.pk, expected_version=report.version + 1, by=commissioner)
    published = services.publish_report(report_id=report.pk, expected_version=report.version, by=commissioner)
    assert published.status == ReportStatus.PUBLISHED and published.published_by == commissioner
    assert services.publish_report(report_id=report.pk, expected_version=0, by=commissioner).pk == report.pk
    with pytest.raises(DomainError, match="published"):
        services.save_commentary(
            report_id=report.pk,
            commentary={"test_meetings": "Late"},
            expected_version=published.version,
            by=commissioner,
        )


def test_a_report_not_ready_cannot_be_published(definition, commissioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = services.request_report(definition_id=definition.pk, by=commissioner)
    with pytest.raises(DomainError, match="once it is ready"):
        services.publish_report(report_id=report.pk, expected_version=report.version, by=commissioner)


# --- Redis down and the requeue sweep -----------------------------------------------------


def test_with_redis_down_the_row_waits_and_the_sweep_sends_it(
    definition, commissioner, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(generate_board_report, "apply_async", broker_down)
        report = generate(definition, commissioner, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.QUEUED and report.attempts == 0
    assert f"Board report {report.pk} stays queued" in caplog.text

    assert services.requeue_stuck_reports() == []  # not stuck yet
    later = timezone.now() + services.QUEUED_STUCK_AFTER + datetime.timedelta(seconds=1)
    assert services.requeue_stuck_reports(now=later) == [report.pk]  # Redis is back: sent and run
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 1


def test_a_report_left_rendering_by_a_dead_worker_is_queued_again_then_given_up(
    definition, commissioner, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        report = services.request_report(definition_id=definition.pk, by=commissioner)
    long_ago = timezone.now() - services.RENDERING_STUCK_AFTER - datetime.timedelta(minutes=1)
    BoardReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING, started_at=long_ago, attempts=1
    )
    # While a worker may still be on it, a repeated message does nothing.
    BoardReport.objects.filter(pk=report.pk).update(started_at=timezone.now())
    assert generate_board_report.delay(report.pk).get() == ReportStatus.RENDERING
    BoardReport.objects.filter(pk=report.pk).update(started_at=long_ago)

    sent = []
    monkeypatch.setattr(services, "enqueue", sent.append)
    assert services.requeue_stuck_reports() == [report.pk] and sent == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED

    BoardReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING, started_at=long_ago, attempts=services.MAX_ATTEMPTS
    )
    assert services.requeue_stuck_reports() == []
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == f"The report could not be prepared after {services.MAX_ATTEMPTS} attempts."


# --- The schedule sweep -------------------------------------------------------------------


def test_the_schedule_sweep_run_twice_makes_one_report_per_meeting(
    board, report_sections, django_capture_on_commit_callbacks
):
    scheduled = make_definition(board, title="Scheduled", is_scheduled=True, days_before_meeting=10)
    public = make_definition(board, title="Public", is_scheduled=True, days_before_meeting=3, is_public=True)
    make_definition(board, title="By hand", is_scheduled=False)
    soon = board_services.add_meeting(board_id=board.pk, meets_on=TODAY + 5 * DAY, by=None)
    board_services.add_meeting(board_id=board.pk, meets_on=TODAY + 30 * DAY, by=None)  # not yet due
    BoardMeeting.objects.create(board=board, meets_on=TODAY - DAY)  # held
    closed = board_services.create_board(name="Closed board", audience="No one", by=None)
    make_definition(closed, title="Closed", is_scheduled=True, days_before_meeting=30)
    board_services.add_meeting(board_id=closed.pk, meets_on=TODAY + 2 * DAY, by=None)
    board_services.update_board(
        board_id=closed.pk, name="Closed board", audience="No one", is_active=False, by=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.schedule_reports()
    assert len(first) == 1
    report = BoardReport.objects.get()
    assert (report.definition, report.meeting, report.requested_by) == (scheduled, soon, None)
    assert (report.period_start, report.period_end) == board_services.report_period(
        scheduled.period, meeting_on=soon.meets_on
    )
    assert report.status == ReportStatus.READY

    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedule_reports() == []
    # Three days before, the public one is due too; still one per definition and meeting.
    with django_capture_on_commit_callbacks(execute=True):
        assert len(services.schedule_reports(today=soon.meets_on - 3 * DAY)) == 1
        assert services.schedule_reports(today=soon.meets_on - 3 * DAY) == []
    assert BoardReport.objects.filter(definition=public, meeting=soon, is_public=True).count() == 1
    assert BoardReport.objects.count() == 2


# --- A real worker on real Redis ----------------------------------------------------------

WORKER_SCRIPT = """
import os
import django
django.setup()
from config.celery import app
from tests.reporting.test_report_pipeline import register_test_sections

register_test_sections()
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
                 "--without-mingle", "--without-gossip", "-n", os.environ["WORKER_NAME"]])
"""


@pytest.fixture
def worker(celery_on_redis, tmp_path):
    """A real worker process (with the test sections) against the test database and Redis."""
    from django.db import connection

    from config.celery import app as celery_app
    from tests.celery_support import REDIS_URL, test_database_url

    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 (closed below)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": test_database_url(connection),
        "WORKER_NAME": f"reports-{os.getpid()}@%h",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not celery_app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The worker did not start:\n" + log_path.read_text())
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_until_done(report_id, timeout=120) -> BoardReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = BoardReport.objects.get(pk=report_id)
        if report.status not in (ReportStatus.QUEUED, ReportStatus.RENDERING):
            return report
        time.sleep(0.2)
    raise AssertionError(f"Report {report_id} still {report.status}: {report.progress}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_picks_up_a_lost_message_and_runs_the_schedule_once(worker, report_sections, tmp_path):
    from reporting.tasks import requeue_board_reports, schedule_board_reports

    board = board_services.create_board(name="Lost Message Board", audience="Members", by=None)
    definition = make_definition(
        board, sections=("test_meetings",), is_scheduled=True, days_before_meeting=10
    )
    # A row with no message: as if Redis was down when it was requested.
    start, end = board_services.report_period(definition.period)
    lost = BoardReport.objects.create(
        definition=definition,
        period_start=start,
        period_end=end,
        is_public=False,
        requested_at=timezone.now() - services.QUEUED_STUCK_AFTER - datetime.timedelta(minutes=1),
    )
    assert requeue_board_reports.delay().get(timeout=120) == 1
    assert wait_until_done(lost.pk).status == ReportStatus.READY

    for day in (1, 7):
        board_services.add_meeting(board_id=board.pk, meets_on=TODAY + day * DAY, by=None)
    assert schedule_board_reports.delay().get(timeout=120) == 2
    assert schedule_board_reports.delay().get(timeout=120) == 0
    scheduled = BoardReport.objects.filter(requested_by__isnull=True, meeting__isnull=False)
    assert scheduled.count() == 2
    for report in scheduled:
        assert wait_until_done(report.pk).status == ReportStatus.READY
