"""The reminder sweep on real Redis and a real Celery worker (DESIGN.md sections 6 and 10).

- Run twice through the worker, the sweep creates nothing the second time.
- A worker killed with SIGKILL in the middle of the sweep (inside one kind's transaction,
  after its rows were inserted and before they were committed) loses nothing: the kinds
  already finished stay, the one in flight is rolled back whole, and when a worker starts
  again Redis hands it the unacknowledged task (acks_late), which completes the set. The
  final reminders are exactly the expected ones, with no duplicates.

The worker is started from a small script that, for the kill test only, wraps one deriver
so that it pauses inside its transaction and says so in a marker file: the kill lands at
a known point every time, without any test hook in the product's code. Same approach as
tests/accounts/test_background.py; uses TEST_REDIS_URL (CI sets it).
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from careact import due_work as careact_due_work
from careact.models import AssessmentStatus
from careact.review_rules import annual_review_due, light_touch_window
from cases.models import Reminder
from config.celery import app as celery_app
from tests.careact.conftest import days_ago, make_assessment, make_plan, open_case
from tests.celery_support import REDIS_URL, test_database_url
from tests.factories import PersonFactory

WORKER_SCRIPT = """
import os, pathlib, time
import django
django.setup()
from config.celery import app
from cases import due_work

pause_kind = os.environ.get("SWEEP_PAUSE_KIND")
if pause_kind:
    real = due_work._derivers[pause_kind]

    def pause_inside_transaction(today, now):
        counts = real.derive(today, now)  # inserted, not committed
        pathlib.Path(os.environ["SWEEP_PAUSE_MARKER"]).write_text("paused")
        time.sleep(600)
        return counts

    due_work._derivers[pause_kind] = due_work.Deriver(real.kind, pause_inside_transaction, real.label)

# Take back a dead worker's unacknowledged task within a second or two, not an hour.
app.conf.broker_transport_options = {
    "visibility_timeout": int(os.environ.get("SWEEP_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
                 "--without-mingle", "--without-gossip", "-n", os.environ["WORKER_NAME"]])
"""


@pytest.fixture
def start_worker(celery_on_redis, tmp_path):
    """Start a real worker process against the test database and Redis; stopped at the end."""
    from django.db import connection

    processes = []

    def start(**env_extra):
        log = open(tmp_path / f"worker-{len(processes)}.log", "wb")  # noqa: SIM115 (closed below)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "REDIS_URL": REDIS_URL,
            "DATABASE_URL": test_database_url(connection),
            "WORKER_NAME": f"sweep-{os.getpid()}-{len(processes)}@%h",
            **env_extra,
        }
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        deadline = time.monotonic() + 120  # a loaded CI machine starts Django slowly
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=0.5):
                return process
            if process.poll() is not None:
                break
        raise RuntimeError(
            "The worker did not start:\n" + (tmp_path / f"worker-{len(processes) - 1}.log").read_text()
        )

    yield start
    for process, log in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()


@pytest.fixture
def due_records(north_team, practitioner, manager):
    """Plans, carers' and adults', past both review dates, and an assessment waiting."""
    plans = []
    for n in range(6):
        case = open_case(PersonFactory(), north_team, practitioner, manager)
        plans.append(make_plan(make_assessment(case), agreed_on=days_ago(400 + 7 * n)))
    waiting = make_assessment(
        case, status=AssessmentStatus.AWAITING_AUTHORISATION, submitted_at=timezone.now(), completed_on=None
    )
    return plans, waiting


def expected_reminders(plans, waiting):
    expected = set()
    for plan in plans:
        subject = f"careact.careplan:{plan.pk}"
        expected.add((subject, careact_due_work.LIGHT_TOUCH, light_touch_window(plan.agreed_on)[1]))
        expected.add((subject, careact_due_work.ANNUAL, annual_review_due(plan.agreed_on, None)))
    expected.add(
        (
            f"careact.assessment:{waiting.pk}",
            careact_due_work.AUTHORISATION,
            careact_due_work.authorisation_due(waiting.submitted_at),
        )
    )
    return expected


def reminder_rows():
    return list(Reminder.objects.values_list("subject", "kind", "due_on"))


def wait_for(path, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return
        assert process.poll() is None, "the worker died before reaching the pause"
        time.sleep(0.1)
    raise AssertionError("The sweep never reached the pause")


@pytest.mark.django_db(transaction=True)
def test_the_sweep_run_twice_by_a_real_worker_creates_nothing_new(start_worker, due_records):
    from cases.tasks import run_reminder_sweep

    start_worker()
    first = run_reminder_sweep.delay().get(timeout=120)
    assert first[careact_due_work.LIGHT_TOUCH]["created"] == 6
    assert first[careact_due_work.ANNUAL]["created"] == 6
    assert first[careact_due_work.AUTHORISATION]["created"] == 1
    rows = reminder_rows()
    assert set(rows) == expected_reminders(*due_records) and len(rows) == 13

    second = run_reminder_sweep.delay().get(timeout=120)
    assert {kind: counts["created"] for kind, counts in second.items()} == dict.fromkeys(second, 0)
    assert sorted(reminder_rows()) == sorted(rows)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_nothing_once_restarted(start_worker, due_records, tmp_path):
    from cases.tasks import run_reminder_sweep

    marker = tmp_path / "paused"
    first_worker = start_worker(SWEEP_PAUSE_KIND=careact_due_work.LIGHT_TOUCH, SWEEP_PAUSE_MARKER=str(marker))
    result = run_reminder_sweep.delay()
    wait_for(marker, first_worker)
    # Kinds run in name order: the annual and authorisation ones have committed; the
    # light-touch rows are inserted but not committed.
    os.kill(first_worker.pid, signal.SIGKILL)
    first_worker.wait(timeout=30)

    kinds_left = {kind for _, kind, _ in reminder_rows()}
    assert careact_due_work.ANNUAL in kinds_left and careact_due_work.AUTHORISATION in kinds_left
    assert careact_due_work.LIGHT_TOUCH not in kinds_left  # rolled back whole, not half-written

    start_worker(SWEEP_VISIBILITY_TIMEOUT="1")
    # Redis hands the unacknowledged task to the new worker, which finishes the sweep.
    counts = result.get(timeout=120)
    assert counts[careact_due_work.LIGHT_TOUCH]["created"] == 6
    assert counts[careact_due_work.ANNUAL]["created"] == 0

    rows = reminder_rows()
    assert len(rows) == len(set(rows)) == 13
    assert set(rows) == expected_reminders(*due_records)

    again = run_reminder_sweep.delay().get(timeout=120)
    assert all(c["created"] == 0 for c in again.values())
    assert len(reminder_rows()) == 13
