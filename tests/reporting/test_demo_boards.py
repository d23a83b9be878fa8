"""The board reports demo data that `manage.py seed_demo` adds (reporting.demo_boards).

The whole demo (every registered seeder, as `seed_demo` runs them) is seeded once for the
module on a small world, inside a transaction rolled back at the end, on a fixed day: a
Friday, 20 November 2026, so the last meeting is Thursday 15 October and its quarterly
report covers July to September. The seed's on-commit steps (the report task, sent on
commit as in real use, then publishing) are run as a commit would run them.
"""

import datetime
import subprocess
import tempfile
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from accounts.models import User
from reporting.demo_boards import (
    BOARD_NAME,
    FINANCE_TITLE,
    QUARTERLY_SECTIONS,
    QUARTERLY_TITLE,
    meeting_dates,
    publish_when_ready,
    seed_boards,
)
from reporting.models import Board, BoardReport, ReportDownload, ReportPeriod, ReportStatus
from reporting.services import reports as report_services
from reporting.tasks import generate_board_report

from .conftest import ensure_indicators

# Every test is marked, so that pytest-django sets up the test database even when this module
# runs alone (it sets up only the databases that marked tests ask for; the module fixture
# alone would reach the database named in the settings).
pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)
LAST_MEETING = datetime.date(2026, 10, 15)
COMMISSIONER = "commissioner@demo.example"


class RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
    out = StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_indicators()
            with time_machine.travel(NOW, tick=False):
                with TestCase.captureOnCommitCallbacks(execute=True):
                    call_command("seed_demo", people=300, seed=8, stdout=out)
                yield out.getvalue()
        finally:
            outer.__exit__(RolledBack, RolledBack(), None)


@pytest.fixture
def board(seeded):
    return Board.objects.get(name=BOARD_NAME)


@pytest.fixture
def report(board):
    return BoardReport.objects.select_related("definition", "meeting").get(definition__board=board)


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(bytes(pdf))
        result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)  # noqa: S607
    return " ".join(result.stdout.decode().split())


def test_meeting_dates_are_thursdays_a_quarter_apart():
    last, upcoming = meeting_dates(TODAY)
    assert last == LAST_MEETING
    assert upcoming == [datetime.date(2026, 12, 17), datetime.date(2027, 3, 18), datetime.date(2027, 6, 17)]
    for day in (datetime.date(2026, 11, 16), datetime.date(2027, 2, 28)):  # any weekday
        last, upcoming = meeting_dates(day)
        assert {d.weekday() for d in [last, *upcoming]} == {3}
        assert 35 < (day - last).days <= 42 and 21 <= (upcoming[0] - day).days < 28


def test_the_board_and_its_meetings(board):
    assert "commissioners" in board.audience and "Council members" in board.audience
    assert board.is_active
    days = list(board.meetings.order_by("meets_on").values_list("meets_on", flat=True))
    assert days == [LAST_MEETING, *meeting_dates(TODAY)[1]]


def test_the_two_report_definitions(board):
    quarterly, finance = board.definitions.order_by("title")
    assert quarterly.title == QUARTERLY_TITLE
    assert quarterly.sections == list(QUARTERLY_SECTIONS)  # every section is registered here
    assert quarterly.period == ReportPeriod.QUARTER
    assert quarterly.is_public and quarterly.is_scheduled
    assert finance.title == FINANCE_TITLE
    assert finance.sections == ["finance", "staffing", "risks"]
    assert (finance.period, finance.is_public) == (ReportPeriod.YEAR_TO_DATE, False)


def test_one_published_report_for_the_last_meeting(report):
    assert report.definition.title == QUARTERLY_TITLE
    assert report.meeting.meets_on == LAST_MEETING
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None
    assert report.requested_by.email == COMMISSIONER
    assert (report.period_start, report.period_end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert report.is_public and report.error == "" and report.attempts == 1
    assert [s["key"] for s in report.figures["sections"]] == list(QUARTERLY_SECTIONS)
    assert report.figures["left_out"] == []
    assert all(s["summary"] or s["tables"] for s in report.figures["sections"])


def test_the_pdf_names_the_board_and_the_report(report):
    assert bytes(report.pdf).startswith(b"%PDF")
    text = pdf_text(report.pdf)
    assert BOARD_NAME in text
    assert QUARTERLY_TITLE in text
    assert "1 July 2026 to 30 September 2026" in text
    assert "Joint risk register" in text and "Section 75" in text


def test_the_commissioner_sees_and_downloads_it(board, report):
    client = Client()
    client.force_login(User.objects.get(email=COMMISSIONER))
    page = client.get(reverse("governance:board_detail", args=[board.pk]))
    assert page.status_code == 200
    assert reverse("governance:report_detail", args=[report.pk]) in page.content.decode()
    page = client.get(reverse("governance:report_detail", args=[report.pk]))
    assert page.status_code == 200 and QUARTERLY_TITLE in page.content.decode()
    before = ReportDownload.objects.filter(report=report).count()
    download = client.get(reverse("governance:report_pdf", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(report.pdf)
    assert ReportDownload.objects.filter(report=report).count() == before + 1


def test_the_message_sent_on_commit_leaves_the_published_report_alone(report):
    """The request sends the task when the seed commits; by then the report is published."""
    pdf = bytes(report.pdf)
    assert generate_board_report(report.pk) == ReportStatus.PUBLISHED
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and bytes(report.pdf) == pdf


def test_with_a_worker_the_publishing_step_prepares_the_report_itself(board):
    """With REDIS_URL set the request's message goes to a worker; the publishing step does
    not wait for it (the worker later finds the report published and leaves it)."""
    finance = board.definitions.get(title=FINANCE_TITLE)
    upcoming = board.meetings.filter(meets_on__gt=TODAY).order_by("meets_on").first()
    by = User.objects.get(email=COMMISSIONER)
    with time_machine.travel(NOW, tick=False):
        report = report_services.request_report(definition_id=finance.pk, meeting_id=upcoming.pk, by=by)
        assert report.status == ReportStatus.QUEUED  # the on-commit send does not run in a test
        logged = []
        assert publish_when_ready(SimpleNamespace(log=logged.append), report.pk, by, 0.0)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_by == by
    assert (report.period_start, report.period_end) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 11, 30),
    )
    assert not report.is_public and BOARD_NAME in pdf_text(report.pdf)
    assert "published the demo board report" in logged[0]
    assert generate_board_report(report.pk) == ReportStatus.PUBLISHED  # the worker, later


def test_a_report_that_failed_is_not_published(board, report):
    BoardReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error="The PDF could not be drawn."
    )
    logged = []
    assert not publish_when_ready(SimpleNamespace(log=logged.append), report.pk, None, 0.0)
    assert logged == ["boards: the demo board report was not published: failed (The PDF could not be drawn.)"]


def test_seeding_again_changes_nothing(seeded):
    assert seed_boards(None) == {}
    assert Board.objects.filter(name=BOARD_NAME).count() == 1
    assert BoardReport.objects.count() == 1


def test_the_command_reports_what_it_wrote(seeded):
    assert "boards: 1 boards, 4 board meetings, 2 report definitions, 1 board reports requested" in seeded
    assert "prepared and published the demo board report in" in seeded
