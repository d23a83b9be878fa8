"""Shared by the tests that run a real Celery worker on real Redis (DESIGN.md s6, s10).

TEST_REDIS_URL names the Redis database (CI sets it; locally the machine's Redis). Each
pytest-xdist process takes its own database below it (gw0 the one named, gw1 the one
before, ...), so a worker started by one process never takes another's messages and
writes them to the wrong test database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from config.celery import app as celery_app


def _redis_url_for_this_process() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (xdist_worker.startswith("gw") and xdist_worker[2:].isdigit()):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(xdist_worker[2:])
    return urlunsplit(parts._replace(path=f"/{database % 16}"))


REDIS_URL = _redis_url_for_this_process()


def test_database_url(connection) -> str:
    """The URL of the test database, for a worker process started by the test."""
    params = connection.get_connection_params()
    host = params.get("host") or ""
    user = params.get("user") or "postgres"
    port = params.get("port") or 5432
    name = connection.settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgresql://{user}@/{name}?host={host}"
    return f"postgresql://{user}@{host}:{port}/{name}"


test_database_url.__test__ = False  # a helper, not a test


def forget_connections(app) -> None:
    """Drop the broker pool and result backend made under the previous settings: an eager
    `.delay()` earlier in the session opens a pool on the in-memory broker, and the app
    would go on using it (pings and tasks would never reach Redis)."""
    app._pool = None  # kombu keeps one pool per broker URL: not closed, just not ours now
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_on_redis(settings):
    """Point the Celery app at real Redis for one test, and put it back afterwards."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    forget_connections(celery_app)
    settings.REDIS_URL = REDIS_URL
    celery_app.control.purge()  # nothing left over from an earlier run
    yield
    celery_app.conf.update(saved)
    forget_connections(celery_app)
