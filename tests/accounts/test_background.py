"""Background work against real Redis and a real Celery worker (DESIGN.md sections 6 and 10).

Uses TEST_REDIS_URL (CI sets it; locally it defaults to the machine's Redis on 127.0.0.1).
"""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app as celery_app
from tests.celery_support import REDIS_URL, test_database_url


@pytest.fixture
def worker(celery_on_redis, live_server):
    """A real worker process against the same test database and Redis."""
    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": test_database_url(connection),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=0.5):
                break
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode())
        else:
            raise RuntimeError("The Celery worker did not answer within 30 seconds")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_health_reports_redis_and_the_worker(worker, client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body.values()) == {"OK"}
    assert any(key.startswith("Redis") for key in body)
    assert any(key.startswith("Ping") for key in body)


@pytest.mark.django_db(transaction=True)
def test_health_fails_when_no_worker_answers(celery_on_redis, client):
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    ping = next(value for key, value in response.json().items() if key.startswith("Ping"))
    assert ping != "OK"


@pytest.mark.django_db(transaction=True)
def test_expired_sessions_are_cleared_by_a_real_worker(worker):
    from accounts.tasks import clear_expired_sessions

    old = SessionStore()
    old.set_expiry(1)
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    live = SessionStore()
    live.create()
    assert clear_expired_sessions.delay().get(timeout=30) == 1
    assert clear_expired_sessions.delay().get(timeout=30) == 0  # a rerun changes nothing
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
