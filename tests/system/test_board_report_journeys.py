"""The board report journey of issue 8, in the browser: a commissioner signs in, opens
Governance and the board, generates the quarterly report for the next meeting and watches
its progress; a real Celery worker on Redis (started only once the page shows the report
waiting, so the waiting state is seen for certain) prepares it, and the page becomes ready
by itself (it polls; the test never reloads it). The commissioner writes the commentary on
one section, which draws the PDF again, publishes the report and downloads the PDF. The
test reads the PDF's text (pdftotext) and checks the cover, contents, page numbers, each
section, the commentary and figures worked out here from the known world
(tests/system/board_fixtures.py), with a count under 5 suppressed as "*" in this public
report and no one's name anywhere. A practitioner who types the report's address gets
"Page not found". axe-core checks every page.

With SYSTEM_TEST_SCREENS set, each page is photographed and the PDF's pages are drawn to PNG
(`pdftoppm -r 60`) beside the screenshots, for people to look at.

No time machine: the worker is another process, so the world is dated from today
(board_fixtures explains how the period always falls in the past).
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Person
from reporting.models import BoardReport, ReportDownload, ReportStatus
from reporting.sections import SUPPRESSION_NOTE
from tests.system.board_fixtures import *  # noqa: F403  (the board world's fixtures)
from tests.system.board_fixtures import BOARD, SECTION_TITLES, TITLE, pounds_k
from tests.system.conftest import SCREENS, assert_accessible, screenshot, sign_in, sign_out, url

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

COMMENTARY = (
    "Referrals held steady over the quarter. The board is asked to note the allocation rate, "
    "which the partnership will look at again at the next meeting."
)
READY_WITHIN_MS = 120_000  # the worker starts (Django set-up) and renders two PDFs


# --- A real worker, started when the test says -------------------------------------------------

WORKER_SCRIPT = """
import os
import django
django.setup()
from config.celery import app
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
                 "--without-mingle", "--without-gossip", "-n", os.environ["WORKER_NAME"]])
"""


class Worker:
    """A Celery worker process against the test database and Redis, started and stopped when
    the test says, so the page is seen waiting for it for certain."""

    def __init__(self, tmp_path):
        from django.db import connection

        from tests.celery_support import REDIS_URL, test_database_url

        self.name = f"board-journey-{os.getpid()}@{socket.gethostname()}"
        self.log_path = tmp_path / "worker.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "REDIS_URL": REDIS_URL,
            "DATABASE_URL": test_database_url(connection),
            "WORKER_NAME": self.name,
        }
        self.process = None

    def start(self):
        from config.celery import app as celery_app

        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_SCRIPT],
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while not celery_app.control.ping(destination=[self.name], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The worker did not start:\n" + self.log_path.read_text())

    def stop(self):
        """A warm shutdown: a task under way finishes first."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
            self.process = None


@pytest.fixture
def report_worker(celery_on_redis, tmp_path):
    worker = Worker(tmp_path)
    yield worker
    worker.stop()


# --- Page helpers ------------------------------------------------------------------------------


def h1(page):
    return page.get_by_role("heading", level=1)


def status_tag(page):
    return page.locator("#report-status .govuk-tag")


def summary_value(page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{key}$"))
    )
    return row.locator(".govuk-summary-list__value")


def check_page(page, name: str, context: str):
    """Every page visited passes axe; each is photographed when SYSTEM_TEST_SCREENS is set."""
    assert_accessible(page, context=context)
    screenshot(page, name)


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)  # noqa: S607
    return " ".join(result.stdout.decode().split())


def pdf_pages_to_png(path: Path) -> int:
    """Every page of the PDF as a PNG beside the screenshots (when SYSTEM_TEST_SCREENS is
    set); returns the number of pages."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)  # noqa: S607
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    if SCREENS:
        folder = Path(SCREENS)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", "60", "-png", str(path), str(folder / "b-pdf-page")],  # noqa: S607
            check=True,
        )
    return pages


# --- The steps ---------------------------------------------------------------------------------


def open_the_board(page, live_server, commissioner, world):
    """From the home page to Governance, the list of boards and the board."""
    page.goto(url(live_server, "/sign-in/"))
    check_page(page, "b00-sign-in", "sign-in page")
    sign_in(page, live_server, commissioner)
    panel_link = page.get_by_role("link", name=BOARD, exact=True)
    expect(panel_link).to_be_visible()  # the home panel names the board
    check_page(page, "b01-commissioner-home", "commissioner's home page")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance", exact=True).click()
    expect(h1(page)).to_have_text("Governance")
    check_page(page, "b02-governance-home", "Governance home")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board reports", exact=True).click()
    expect(h1(page)).to_have_text("Boards and their reports")
    expect(page.locator("caption")).to_have_text("1 board")
    check_page(page, "b03-board-list", "boards and their reports")

    page.get_by_role("link", name=BOARD, exact=True).click()
    expect(h1(page)).to_have_text(BOARD)
    card = page.locator(f"#definition-{world.definition.pk}")
    expect(card.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(card.locator("ol li")).to_have_text(SECTION_TITLES)
    expect(card).to_contain_text("The public part of the meeting (counts under 5 suppressed)")
    expect(page.get_by_text("No reports yet.")).to_be_visible()
    check_page(page, "b04-board", "the board, no reports yet")


def generate_and_watch(page, live_server, world, worker) -> BoardReport:
    """Generate for the next meeting: the report waits in the queue until a worker runs, then
    the page, polling, shows it ready without being reloaded."""
    meeting_day = long_date(world.meeting.meets_on)
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "polls=" in request.url else None)

    # The visually hidden end of the name ("...: Quarterly performance report") is its own box,
    # so Chromium puts a space before the colon.
    card = page.locator(f"#definition-{world.definition.pk}")
    card.get_by_role(
        "button", name=re.compile(f"^Generate for the meeting on {meeting_day} ?: {TITLE}$")
    ).click()
    expect(h1(page)).to_have_text(TITLE)
    expect(page.get_by_text(f"“{TITLE}” is being prepared. This page shows its progress.")).to_be_visible()
    expect(status_tag(page)).to_have_text("Waiting to be prepared")
    expect(page.get_by_text("This page updates itself until the report is ready.")).to_be_visible()
    expect(summary_value(page, "Figures for")).to_have_text(
        f"{long_date(world.start)} to {long_date(world.end)}"
    )
    expect(summary_value(page, "Meeting")).to_have_text(f"{world.meeting.meets_on:%A} {meeting_day}")
    expect(summary_value(page, "For")).to_have_text("Public: counts under 5 are suppressed")
    expect(page.get_by_role("link", name="Download the PDF")).to_have_count(0)
    report = BoardReport.objects.get(definition=world.definition)
    assert report.status == ReportStatus.QUEUED and report.meeting == world.meeting
    assert (report.period_start, report.period_end) == (world.start, world.end)
    check_page(page, "b05-report-waiting", "report page, waiting for a worker")

    worker.start()
    expect(status_tag(page)).to_have_text("Ready (draft)", timeout=READY_WITHIN_MS)
    assert polls, "the page never asked for the report's progress"
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(page.get_by_text("This page updates itself")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 1, report.error
    return report


def read_the_report_on_screen(page, world):
    for number, title in enumerate(SECTION_TITLES, 1):
        expect(page.locator(f"#section-{number}")).to_have_text(f"{number}. {title}")
    received = world.in_period(world.referrals_received)
    expect(page.get_by_text(re.compile(f"{received} referrals were received"))).to_be_visible()
    check_page(page, "b06-report-ready", "report page, ready (draft)")


def write_the_commentary(page, world, report, worker) -> BoardReport:
    """Saving draws the PDF again: the report waits in the queue (the worker is stopped for a
    moment, so the page can be checked while it waits), then is ready again by itself."""
    worker.stop()
    page.get_by_role("link", name="Write the commentary").click()
    expect(h1(page)).to_have_text("Write the commentary")
    expect(page.get_by_label("1. Performance indicators")).to_have_value("")
    check_page(page, "b07-commentary", "write the commentary")
    page.get_by_label("2. Activity").fill(COMMENTARY)
    page.get_by_role("button", name="Save the commentary").click()
    expect(h1(page)).to_have_text(TITLE)
    expect(
        page.get_by_text("The commentary was saved. The PDF is being prepared again with it.")
    ).to_be_visible()
    expect(status_tag(page)).to_have_text("Waiting to be prepared")
    expect(page.get_by_role("link", name="Download the PDF")).to_have_count(0)
    check_page(page, "b08-report-waiting-again", "report page, waiting to be drawn with the commentary")
    figures = report.figures
    worker.start()
    expect(status_tag(page)).to_have_text("Ready (draft)", timeout=READY_WITHIN_MS)
    commentary = page.locator(".govuk-inset-text", has=page.get_by_role("heading", name="Commentary"))
    expect(commentary).to_contain_text(COMMENTARY)
    report.refresh_from_db()
    assert report.commentary == {"activity": COMMENTARY}
    assert report.figures == figures  # drawn again from the stored figures
    return report


def publish(page, report):
    page.get_by_role("button", name="Publish the report").click()
    expect(
        page.get_by_text("The report was published. Its commentary can no longer be changed.")
    ).to_be_visible()
    expect(status_tag(page)).to_have_text("Published")
    expect(page.get_by_role("link", name="Write the commentary")).to_have_count(0)
    check_page(page, "b09-report-published", "report page, published")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED


def download_and_read(page, world, report, commissioner, tmp_path) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{world.end.isoformat()}.pdf")
    assert "quarterly-performance-report" in download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert ReportDownload.objects.filter(report=report, user=commissioner, what="pdf").count() == 1
    pages = pdf_pages_to_png(path)
    assert pages >= 4  # cover, contents, sections, appendix
    return pdf_text(path)


def check_the_pdf(text: str, world):
    # The cover and contents.
    assert BOARD in text and TITLE in text
    assert f"Meeting on {long_date(world.meeting.meets_on)}" in text
    assert f"Figures for {long_date(world.start)} to {long_date(world.end)}" in text
    assert "Public" in text
    # The contents: each section with a dot leader to its page, then the appendix.
    leader = r"(?: \.)+ (\d+)"
    entries = [rf"{n}\. {re.escape(title)}{leader}" for n, title in enumerate(SECTION_TITLES, 1)]
    contents = re.search(r"Contents " + " ".join(entries) + rf" Data appendix{leader}", text)
    assert contents, "the contents"
    pages = [int(p) for p in contents.groups()]
    assert pages == sorted(pages) and pages[0] == 3, pages  # after the cover and the contents
    assert "Page 1 of" in text
    for number, title in enumerate(SECTION_TITLES, 1):
        assert text.count(f"{number}. {title}") >= 3, title  # contents, section, appendix
    # The commentary, under its section.
    assert COMMENTARY in text
    body = text[text.index("Data appendix") :]  # after the contents
    assert body.index("2. Activity") < body.index(COMMENTARY) < body.index("3. Safeguarding adults")
    # Figures worked out from the world: referrals received in the quarter (7, shown) and
    # allocated (3: under 5, so "*" in this public report).
    received = world.in_period(world.referrals_received)
    allocated = world.in_period(world.referrals_allocated)
    assert received >= 5 and 0 < allocated < 5
    assert (
        f"From {long_date(world.start)} to {long_date(world.end)}, {received} referrals were received "
        "and fewer than 5 were allocated to a worker." in text
    )
    assert re.search(rf"Total {received} \* \* \*", text), "the activity total row"
    assert SUPPRESSION_NOTE in text
    # The indicator, the money, the overdue action and the risk.
    employment = world.employment_at_end()
    assert (
        f"{employment}% of adults aged 18-69 in contact with secondary mental health services were "
        f"in paid employment in {world.end:%B %Y}, against a target of 12.5%: the target was met." in text
    )
    variance = world.commitment_variance()
    assert (
        f"shows commitments {pounds_k(variance)} {'over' if variance > 0 else 'under'} budget overall" in text
    )
    assert "Agree a joint hospital discharge protocol" in text and "Overdue" in text
    assert "Not enough AMHPs on the rota" in text
    # Aggregates only: no one in the world is named, nor their NHS number given.
    people = list(Person.objects.values_list("given_name", "family_name", "nhs_number"))
    assert len(people) == 6  # four with cases, two with safeguarding concerns
    for given, family, nhs_number in people:
        assert not re.search(rf"\b{re.escape(family)}\b", text), f"{given} {family}"
        assert not nhs_number or nhs_number not in text.replace(" ", "")


def a_practitioner_is_refused(page, live_server, practitioner, report):
    sign_in(page, live_server, practitioner)
    page.goto(url(live_server, reverse("governance:report_detail", args=[report.pk])))
    expect(h1(page)).to_have_text("Page not found")
    check_page(page, "b11-practitioner-report-not-found", "report page typed by a practitioner")
    response = page.request.get(url(live_server, reverse("governance:report_pdf", args=[report.pk])))
    assert response.status == 404
    downloads = ReportDownload.objects.filter(report=report)
    assert list(downloads.values_list("what", flat=True)) == ["pdf"]  # the practitioner's try is not one


# --- The journey -------------------------------------------------------------------------------


def test_commissioner_generates_watches_publishes_and_downloads_the_quarterly_report(
    page, live_server, board_world, commissioner, practitioner, report_worker, tmp_path
):
    world = board_world
    open_the_board(page, live_server, commissioner, world)
    report = generate_and_watch(page, live_server, world, report_worker)
    read_the_report_on_screen(page, world)
    report = write_the_commentary(page, world, report, report_worker)
    publish(page, report)
    text = download_and_read(page, world, report, commissioner, tmp_path)
    check_the_pdf(text, world)

    page.get_by_role("link", name=BOARD).first.click()  # the back link
    expect(h1(page)).to_have_text(BOARD)
    history = page.locator("#history ~ table")
    expect(history.locator("caption")).to_have_text("1 report")
    expect(history.locator("tbody tr").first).to_contain_text("Published")
    check_page(page, "b10-board-history", "the board with its published report")
    sign_out(page, live_server)

    a_practitioner_is_refused(page, live_server, practitioner, report)
