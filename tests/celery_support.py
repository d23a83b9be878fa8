"""Shared by the tests that run a real Celery worker on real Redis (DESIGN.md s6, s10).

TEST_REDIS_URL names the Redis database (CI sets it; locally the machine's Redis).
"""

import os

import pytest

from config.celery import app as celery_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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
