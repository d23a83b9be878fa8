"""Board and report pages (issue 8): who sees them (404 for everyone else), the happy paths,
form errors that keep what was typed, generating with Redis down, the progress page's
polling (which does not keep a session alive), downloads (each logged), commentary with an
optimistic lock, publishing, the history filter, flat query counts and the home panel."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from reporting.models import Board, BoardMeeting, BoardReport, ReportDefinition, ReportDownload, ReportStatus
from reporting.services import boards as board_services
from reporting.services import reports as services
from reporting.tasks import generate_board_report

from . import test_report_pipeline as pipeline
from .test_report_pipeline import PAPER_COST, TODAY, generate, held_meetings, make_definition

pytestmark = pytest.mark.django_db

# The pipeline tests' fixtures, shared.
board, definition, meeting, report_sections = (
    pipeline.board,
    pipeline.definition,
    pipeline.meeting,
    pipeline.report_sections,
)

DAY = datetime.timedelta(days=1)


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


@pytest.fixture
def ready_report(definition, meeting, commissioner, django_capture_on_commit_callbacks):
    start, _ = board_services.report_period(definition.period, meeting_on=meeting.meets_on)
    held_meetings(definition.board, start, 3)
    return generate(definition, commissioner, django_capture_on_commit_callbacks, meeting=meeting)


def read_urls(board, report):
    return [
        reverse("governance:board_list"),
        reverse("governance:board_detail", args=[board.pk]),
        reverse("governance:report_detail", args=[report.pk]),
        reverse("governance:report_pdf", args=[report.pk]),
        reverse("governance:report_table", args=[report.pk, 1, 1, "csv"]),
        reverse("governance:report_table", args=[report.pk, 1, 1, "xlsx"]),
        reverse("governance:report_tables_xlsx", args=[report.pk]),
    ]


def write_urls(board, report):
    definition = report.definition
    return [
        ("get", reverse("governance:board_create")),
        ("get", reverse("governance:board_edit", args=[board.pk])),
        ("get", reverse("governance:meeting_add", args=[board.pk])),
        ("post", reverse("governance:meeting_remove", args=[report.meeting_id])),
        ("get", reverse("governance:definition_create", args=[board.pk])),
        ("get", reverse("governance:definition_edit", args=[definition.pk])),
        ("post", reverse("governance:report_generate", args=[definition.pk])),
        ("get", reverse("governance:report_commentary", args=[report.pk])),
        ("post", reverse("governance:report_publish", args=[report.pk])),
        ("post", reverse("governance:report_retry", args=[report.pk])),
    ]


# --- Access -------------------------------------------------------------------------------


def test_practitioners_and_strangers_get_404_everywhere(practitioner_client, stranger_client, ready_report):
    board = ready_report.definition.board
    for client in (practitioner_client, stranger_client):
        for url in read_urls(board, ready_report):
            assert client.get(url).status_code == 404, url
        for method, url in write_urls(board, ready_report):
            assert getattr(client, method)(url).status_code == 404, url
    assert not ReportDownload.objects.exists()


def test_managers_read_but_do_not_change(manager_client, ready_report):
    board = ready_report.definition.board
    for url in read_urls(board, ready_report):
        assert manager_client.get(url).status_code == 200, url
    for method, url in write_urls(board, ready_report):
        assert getattr(manager_client, method)(url).status_code == 404, url
    page = manager_client.get(reverse("governance:report_detail", args=[ready_report.pk])).content.decode()
    assert "Write the commentary" not in page and "Publish the report" not in page


def test_no_page_in_the_area_shows_a_person(commissioner_client, person, ready_report):
    board = ready_report.definition.board
    for url in read_urls(board, ready_report)[:3]:
        page = commissioner_client.get(url).content.decode()
        assert person.family_name not in page and person.nhs_number not in page


# --- Boards, meetings, definitions --------------------------------------------------------


def test_add_and_change_a_board(commissioner_client):
    url = reverse("governance:board_create")
    response = commissioner_client.post(url, {"name": "", "audience": "Councillors"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter the name of the board" in page and "Councillors" in page
    response = commissioner_client.post(
        url, {"name": "Adult Social Care Committee", "audience": "Councillors"}
    )
    board = Board.objects.get()
    assert response.status_code == 302 and response.url == reverse("governance:board_detail", args=[board.pk])
    response = commissioner_client.post(url, {"name": "adult social care committee", "audience": "Others"})
    assert "There is already a board with this name" in response.content.decode()

    edit = reverse("governance:board_edit", args=[board.pk])
    response = commissioner_client.post(
        edit, {"name": "ASC Committee", "audience": "Councillors", "is_active": "no"}
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.name, board.is_active) == ("ASC Committee", False)


def test_add_and_remove_a_meeting(commissioner_client, board):
    url = reverse("governance:meeting_add", args=[board.pk])
    response = commissioner_client.post(url, {**date_fields("meets_on", TODAY - DAY), "title": "Old"})
    page = response.content.decode()
    assert "The meeting date must be today or in the future" in page and 'value="Old"' in page
    response = commissioner_client.post(
        url, {"meets_on_day": "31", "meets_on_month": "2", "meets_on_year": "2027"}
    )
    assert response.status_code == 200 and not BoardMeeting.objects.exists()
    response = commissioner_client.post(url, {**date_fields("meets_on", TODAY + 9 * DAY), "title": "Autumn"})
    assert response.status_code == 302
    meeting = BoardMeeting.objects.get()
    page = commissioner_client.get(reverse("governance:board_detail", args=[board.pk])).content.decode()
    assert "Autumn" in page and "Remove" in page
    commissioner_client.post(reverse("governance:meeting_remove", args=[meeting.pk]))
    assert not BoardMeeting.objects.exists()


def test_a_meeting_with_reports_is_not_removed(commissioner_client, ready_report):
    response = commissioner_client.post(
        reverse("governance:meeting_remove", args=[ready_report.meeting_id]), follow=True
    )
    assert "has reports, so it cannot be removed" in response.content.decode()
    assert BoardMeeting.objects.filter(pk=ready_report.meeting_id).exists()


def test_add_and_change_a_report_definition(commissioner_client, board, report_sections):
    url = reverse("governance:definition_create", args=[board.pk])
    page = commissioner_client.get(url).content.decode()
    assert 'value="test_meetings"' in page and "Board meetings" in page
    data = {"title": "Quarterly report", "period": "quarter", "is_public": "yes", "is_scheduled": "yes"}
    response = commissioner_client.post(url, {**data, "days_before_meeting": "ten"})
    page = response.content.decode()
    assert "Select at least one section" in page
    assert "The number of days must be a whole number, like 10" in page and 'value="Quarterly report"' in page
    response = commissioner_client.post(
        url, {**data, "days_before_meeting": "7", "sections": ["test_empty", "test_meetings"]}
    )
    assert response.status_code == 302
    definition = ReportDefinition.objects.get()
    assert definition.sections == ["test_meetings", "test_empty"]  # the registry's order
    assert (definition.is_public, definition.is_scheduled, definition.days_before_meeting) == (True, True, 7)

    edit = reverse("governance:definition_edit", args=[definition.pk])
    response = commissioner_client.post(
        edit,
        {
            **data,
            "is_public": "no",
            "days_before_meeting": "3",
            "sections": ["test_wide"],
            "is_active": "yes",
        },
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert (definition.sections, definition.is_public) == (["test_wide"], False)


# --- Generating and progress --------------------------------------------------------------


def test_generate_from_the_board_page(
    commissioner_client, definition, meeting, django_capture_on_commit_callbacks
):
    page = commissioner_client.get(
        reverse("governance:board_detail", args=[definition.board_id])
    ).content.decode()
    assert f"Generate for the meeting on {meeting.meets_on.day} {meeting.meets_on:%B %Y}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(
            reverse("governance:report_generate", args=[definition.pk]), {"meeting": meeting.pk}
        )
    report = BoardReport.objects.get()
    assert response.url == reverse("governance:report_detail", args=[report.pk])
    assert (report.meeting, report.status) == (meeting, ReportStatus.READY)
    page = commissioner_client.get(response.url).content.decode()
    assert "Download the PDF" in page and "Boards met 0 times in the period." in page
    assert "hx-trigger" not in page and 'http-equiv="refresh"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        commissioner_client.post(
            reverse("governance:report_generate", args=[definition.pk]), {"meeting": "none"}
        )
    assert BoardReport.objects.filter(meeting=None).count() == 1


def test_generate_with_a_bad_meeting_shows_the_error_on_the_board_page(commissioner_client, definition):
    other = board_services.create_board(name="Other", audience="Others", by=None)
    theirs = board_services.add_meeting(board_id=other.pk, meets_on=TODAY + DAY, by=None)
    response = commissioner_client.post(
        reverse("governance:report_generate", args=[definition.pk]), {"meeting": theirs.pk}
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "There is a problem" in page
        and "Choose a meeting of this board" in page
    )
    assert not BoardReport.objects.exists()


def test_the_page_keeps_working_with_redis_down_and_shows_the_wait(
    commissioner_client, definition, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(generate_board_report, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(reverse("governance:report_generate", args=[definition.pk]))
    assert response.status_code == 302
    report = BoardReport.objects.get()
    assert report.status == ReportStatus.QUEUED
    page = commissioner_client.get(response.url).content.decode()
    assert "Waiting to be prepared" in page and "waiting for its turn" in page
    assert 'hx-trigger="every 3s"' in page and '"X-Background-Refresh": "1"' in page
    assert f'<noscript><meta http-equiv="refresh" content="10;url={response.url}?polls=1"></noscript>' in page
    assert "htmx-2.min.js" in page and "Download the PDF" not in page

    poll = commissioner_client.get(response.url, {"polls": "5"}, HTTP_HX_REQUEST="true")
    fragment = poll.content.decode()
    assert 'id="report-status"' in fragment
    assert "polls=6" in fragment and "<html" not in fragment
    # Polling stops after a while; so does the no-JavaScript refresh.
    late = commissioner_client.get(response.url, {"polls": "200"}).content.decode()
    assert "hx-trigger" not in late and 'http-equiv="refresh"' not in late and "stopped checking" in late


def test_the_poll_asks_for_a_full_page_once_the_report_is_ready(commissioner_client, ready_report):
    url = reverse("governance:report_detail", args=[ready_report.pk])
    response = commissioner_client.get(url, {"polls": "3"}, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_polling_the_progress_does_not_keep_the_session_alive(commissioner, definition):
    report = BoardReport.objects.create(
        definition=definition,
        period_start=TODAY,
        period_end=TODAY,
        is_public=False,
        requested_by=commissioner,
    )
    client = Client()
    client.force_login(commissioner)
    url = reverse("governance:report_detail", args=[report.pk])
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_REFRESH": "1"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(url).status_code == 200
    for minutes in (10, 20, 29):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(url, **poll).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(url, **poll)
        assert response.status_code == 204 and "sign-in" in response["HX-Redirect"]


def test_a_failed_report_offers_try_again(
    commissioner_client, manager_client, definition, commissioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = services.request_report(definition_id=definition.pk, by=commissioner)
    BoardReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error="The PDF could not be drawn (OSError)."
    )
    url = reverse("governance:report_detail", args=[report.pk])
    page = commissioner_client.get(url).content.decode()
    assert "The PDF could not be drawn (OSError)." in page and "Try again" in page
    assert "Try again" not in manager_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(reverse("governance:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


# --- Downloads ----------------------------------------------------------------------------


def test_every_download_is_logged(commissioner_client, commissioner, ready_report):
    response = commissioner_client.get(reverse("governance:report_pdf", args=[ready_report.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="community-mental-health-partnership-board'
    )
    csv = commissioner_client.get(reverse("governance:report_table", args=[ready_report.pk, 1, 1, "csv"]))
    lines = csv.content.decode().splitlines()
    assert lines[0] == "Board,Meetings,Cost of papers (£)"
    assert lines[-1] == f"Total,3,{PAPER_COST * 3}"
    xlsx = commissioner_client.get(reverse("governance:report_table", args=[ready_report.pk, 1, 1, "xlsx"]))
    assert xlsx.content.startswith(b"PK")
    assert (
        commissioner_client.get(reverse("governance:report_tables_xlsx", args=[ready_report.pk])).status_code
        == 200
    )
    downloads = list(ReportDownload.objects.order_by("at", "pk").values_list("user", "what"))
    assert downloads == [
        (commissioner.pk, "pdf"),
        (commissioner.pk, "test_meetings table 1 (csv)"),
        (commissioner.pk, "test_meetings table 1 (xlsx)"),
        (commissioner.pk, "all tables (xlsx)"),
    ]


def test_downloads_that_do_not_exist_are_404_and_not_logged(
    commissioner_client, definition, commissioner, ready_report
):
    for args in (
        (ready_report.pk, 9, 1, "csv"),
        (ready_report.pk, 1, 9, "csv"),
        (ready_report.pk, 1, 1, "pdf"),
    ):
        assert commissioner_client.get(reverse("governance:report_table", args=args)).status_code == 404
    queued = BoardReport.objects.create(
        definition=definition,
        period_start=TODAY,
        period_end=TODAY,
        is_public=False,
        requested_by=commissioner,
    )
    assert commissioner_client.get(reverse("governance:report_pdf", args=[queued.pk])).status_code == 404
    assert (
        commissioner_client.get(reverse("governance:report_tables_xlsx", args=[queued.pk])).status_code == 404
    )
    assert not ReportDownload.objects.exists()


# --- Commentary and publishing ------------------------------------------------------------


def test_commentary_saves_and_rerenders(
    commissioner_client, ready_report, django_capture_on_commit_callbacks
):
    url = reverse("governance:report_commentary", args=[ready_report.pk])
    page = commissioner_client.get(url).content.decode()
    assert 'name="commentary_test_meetings"' in page and "Boards met 3 times in the period." in page
    response = commissioner_client.post(
        url,
        {"version": ready_report.version, "commentary_test_meetings": "x" * 5001, "opened_test_meetings": ""},
    )
    assert "The commentary on Board meetings must be 5,000 characters or fewer" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(
            url,
            {
                "version": ready_report.version,
                "commentary_test_meetings": "On plan.",
                "opened_test_meetings": "",
            },
        )
    assert response.status_code == 302
    ready_report.refresh_from_db()
    assert (
        ready_report.commentary == {"test_meetings": "On plan."} and ready_report.status == ReportStatus.READY
    )
    assert "On plan." in commissioner_client.get(response.url).content.decode()


def test_a_stale_commentary_form_shows_what_changed(
    commissioner_client, commissioner, ready_report, django_capture_on_commit_callbacks
):
    url = reverse("governance:report_commentary", args=[ready_report.pk])
    opened = ready_report.version
    with django_capture_on_commit_callbacks(execute=True):
        services.save_commentary(
            report_id=ready_report.pk,
            commentary={"test_meetings": "Theirs"},
            expected_version=opened,
            by=commissioner,
        )
    response = commissioner_client.post(
        url, {"version": opened, "commentary_test_meetings": "Mine", "opened_test_meetings": ""}
    )
    page = response.content.decode()
    assert "Someone else changed the commentary while you were editing it" in page
    assert "Commentary on Board meetings" in page and "Theirs" in page and "Mine" in page
    ready_report.refresh_from_db()
    assert ready_report.commentary == {"test_meetings": "Theirs"}


def test_publish_locks_the_commentary_and_board_members_see_published_reports(
    commissioner_client,
    manager_client,
    ready_report,
    definition,
    commissioner,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        draft = services.request_report(definition_id=definition.pk, by=commissioner)
    board_url = reverse("governance:board_detail", args=[definition.board_id])
    assert "No reports have been published yet" in manager_client.get(board_url).content.decode()
    response = commissioner_client.post(
        reverse("governance:report_publish", args=[ready_report.pk]), {"version": ready_report.version}
    )
    assert response.status_code == 302
    ready_report.refresh_from_db()
    assert ready_report.status == ReportStatus.PUBLISHED
    page = commissioner_client.get(response.url).content.decode()
    assert "Write the commentary" not in page and "Published on" in page
    assert (
        commissioner_client.get(reverse("governance:report_commentary", args=[ready_report.pk])).status_code
        == 404
    )

    page = manager_client.get(board_url).content.decode()
    assert reverse("governance:report_detail", args=[ready_report.pk]) in page
    assert reverse("governance:report_detail", args=[draft.pk]) not in page
    page = manager_client.get(board_url, {"status": "any"}).content.decode()
    assert reverse("governance:report_detail", args=[draft.pk]) in page
    page = commissioner_client.get(board_url).content.decode()  # writers see every report
    assert reverse("governance:report_detail", args=[draft.pk]) in page
    page = commissioner_client.get(
        board_url, {"definition": definition.pk, "status": "queued"}
    ).content.decode()
    assert reverse("governance:report_detail", args=[draft.pk]) in page
    assert reverse("governance:report_detail", args=[ready_report.pk]) not in page


# --- Query counts, nav and home panel -----------------------------------------------------


def count_queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_reports(definition, commissioner, number):
    first = BoardMeeting.objects.count()
    meetings = [
        BoardMeeting.objects.create(board=definition.board, meets_on=TODAY + (100 + n + first) * DAY)
        for n in range(number)
    ]
    for n, held in enumerate(meetings):
        BoardReport.objects.create(
            definition=definition,
            meeting=held,
            period_start=TODAY,
            period_end=TODAY,
            is_public=False,
            requested_by=commissioner if n % 2 else None,
            status=ReportStatus.PUBLISHED if n % 3 == 0 else ReportStatus.QUEUED,
            published_at=timezone.now(),
            published_by=commissioner,
        )


def test_list_query_counts_do_not_grow(
    commissioner_client, manager_client, commissioner, ready_report, report_sections
):
    definition = ready_report.definition
    board = definition.board
    # At least one row in every list measured (an empty page makes no query at all).
    services.publish_report(report_id=ready_report.pk, expected_version=ready_report.version, by=commissioner)
    add_reports(definition, commissioner, 2)
    urls = [
        (reverse("governance:board_list"), {}),
        (reverse("governance:board_detail", args=[board.pk]), {}),
        (reverse("governance:board_detail", args=[board.pk]), {"status": "queued"}),
        (reverse("accounts:home"), {}),
    ]
    few = [
        count_queries(client, url, params)
        for client in (commissioner_client, manager_client)
        for url, params in urls
    ]
    add_reports(definition, commissioner, 30)
    for n in range(5):
        other = board_services.create_board(name=f"Board {n}", audience="Members", by=None)
        add_reports(make_definition(other, title=f"Report {n}"), commissioner, 2)
    many = [
        count_queries(client, url, params)
        for client in (commissioner_client, manager_client)
        for url, params in urls
    ]
    assert many == few


def test_nav_and_home_panel(commissioner_client, practitioner_client, ready_report, commissioner):
    services.publish_report(report_id=ready_report.pk, expected_version=ready_report.version, by=commissioner)
    page = commissioner_client.get(reverse("accounts:home")).content.decode()
    assert 'href="/governance/boards/"' in page and "Board reports" in page
    assert "Community Mental Health Partnership Board" in page
    assert reverse("governance:report_detail", args=[ready_report.pk]) in page
    assert "/governance/boards/" not in practitioner_client.get(reverse("accounts:home")).content.decode()
    page = commissioner_client.get(reverse("governance:board_list")).content.decode()
    assert 'aria-current="true"' in page and "Board reports</strong>" in page
