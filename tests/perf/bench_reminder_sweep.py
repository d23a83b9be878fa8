"""Benchmark: the daily reminder sweep over 1,000,000 care and support plans in place.

Run from the repository root, against a PostgreSQL server on which you may create databases:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres uv run python tests/perf/bench_reminder_sweep.py

Options: `--plans N` (default 1,000,000), `--keep` (keep the database afterwards). Only the
server is taken from DATABASE_URL: the benchmark always works in its own throwaway
database, `mhsc_bench_reminder_sweep`, which it drops and creates, migrates, and fills with
`generate_series` inserts into the real tables (people, cases, assessments, plans, reviews:
a few minutes per million plans). It then times `run_sweep` twice, printing the times per
kind and writing them to tests/perf/results/reminder_sweep.json. The first run creates the
reminders due; the second must create none (it is what every later morning costs).

Not collected by pytest (python_files is test_*.py): it measures, it does not assert wall
time (DESIGN.md section 10).
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "reminder_sweep.json"
BENCH_DB = "mhsc_bench_reminder_sweep"
TEAMS = 20
WORKERS = 400


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def recreate_database(url: str) -> str:
    import psycopg2

    admin = psycopg2.connect(_server_url(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    admin.close()
    return _server_url(url, BENCH_DB)


def drop_database(url: str) -> None:
    import psycopg2

    admin = psycopg2.connect(_server_url(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin.close()


def step(label: str, started: list):
    now = time.monotonic()
    print(f"  {label}: {now - started[0]:.1f} s", flush=True)
    started[0] = now


def build(plans: int) -> dict:
    """The partnership, workers and `plans` people, each with an open case (one in twenty
    closed: those reminders go to the team), an authorised assessment and a plan in place
    agreed in the last four years; four in five had a light-touch review and two in three
    of the older ones a planned review in the last 13 months."""
    from django.db import connection

    from accounts import services as account_services
    from accounts.models import Organisation, ServiceLine, User

    council = Organisation.objects.create(name="Bench Council", kind=Organisation.Kind.COUNCIL)
    team_ids = [
        account_services.create_team(
            organisation=council, name=f"Team {n}", service_line=ServiceLine.WORKING_AGE, locality=f"Area {n}"
        ).pk
        for n in range(TEAMS)
    ]
    User.objects.bulk_create(
        User(email=f"worker{n}@bench.example", full_name=f"Worker {n}", password="!") for n in range(WORKERS)
    )
    worker_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    today = datetime.date.today()
    timings = {}
    started = [time.monotonic()]
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        # Skip the foreign-key triggers while loading: the rows are consistent by construction
        # (a throwaway database, as a superuser), and the load is several times faster.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO cases_person (nhs_number, council_person_id, title, given_name, family_name,
                preferred_name, previous_names, date_of_birth, gender, ethnicity, address_line_1,
                address_line_2, town, postcode, phone, email, gp_practice, is_restricted, search_name,
                version, created_at, updated_at)
            SELECT '', '', '', 'Bench', 'Person ' || g, '', '', date '1950-01-01' + (g %% 18000),
                   'not_known', '99', '', '', '', '', '', '', '', false, '', 1, now(), now()
            FROM generate_series(1, %(n)s) g
            """,
            {"n": plans},
        )
        step("people", started)
        cursor.execute(
            """
            INSERT INTO cases_case (person_id, team_id, worker_id, status, opened_at, allocated_at,
                closed_at, close_reason)
            SELECT p.id, (%(teams)s::bigint[])[1 + p.id %% %(t)s],
                   CASE WHEN p.id %% 20 = 0 THEN NULL ELSE (%(workers)s::bigint[])[1 + p.id %% %(w)s] END,
                   CASE WHEN p.id %% 20 = 0 THEN 'closed' ELSE 'open' END, now(), now(),
                   CASE WHEN p.id %% 20 = 0 THEN now() END, ''
            FROM cases_person p
            """,
            {"teams": team_ids, "t": TEAMS, "workers": worker_ids, "w": WORKERS},
        )
        step("cases", started)
        cursor.execute(
            """
            INSERT INTO careact_assessment (kind, person_id, case_id, team_id, version_number, status,
                started_on, completed_on, assessor_id, persons_outcomes, strengths, needs_from_impairment,
                impairment, wellbeing, outcomes, significant_impact, eligible, determination_reasons,
                advocacy_need, advocacy_details, submitted_at, authorised_at, version, created_at,
                updated_at)
            SELECT 'needs', c.person_id, c.id, c.team_id, 1, 'authorised', %(today)s::date - 1500,
                   %(today)s::date - 1500, %(worker)s, '', '', true, '', '{}', '{}', true, true, '',
                   'not_needed', '', now(), now(), 1, now(), now()
            FROM cases_case c
            """,
            {"today": today, "worker": worker_ids[0]},
        )
        step("assessments", started)
        cursor.execute(
            """
            INSERT INTO careact_careplan (kind, person_id, case_id, team_id, assessment_id, version_number,
                status, needs, services, direct_payment, contingency, agreed_on, written_by_id,
                authorised_at, end_reason, version, created_at, updated_at)
            SELECT CASE WHEN a.id %% 10 = 0 THEN 'carer_support' ELSE 'care_and_support' END,
                   a.person_id, a.case_id, a.team_id, a.id, 1, 'active', '[]', '', 'none', '',
                   %(today)s::date - ((a.id * 7919) %% 1460)::int, %(worker)s, now(), '', 1, now(), now()
            FROM careact_assessment a
            """,
            {"today": today, "worker": worker_ids[0]},
        )
        step("plans", started)
        cursor.execute(
            """
            INSERT INTO careact_review (plan_id, person_id, kind, held_on, change_reason, persons_views,
                whats_working, outcome, outcome_reason, recorded_by_id, recorded_at)
            SELECT p.id, p.person_id, 'light_touch', p.agreed_on + 49, '', '', '', 'continue', '',
                   %(worker)s, now()
            FROM careact_careplan p
            WHERE p.id %% 5 <> 0 AND p.agreed_on + 49 <= %(today)s
            UNION ALL
            SELECT p.id, p.person_id, 'planned', %(today)s::date - (p.id %% 400)::int, '', '', '', 'continue',
                   '', %(worker)s, now()
            FROM careact_careplan p
            WHERE p.id %% 3 <> 0 AND %(today)s::date - (p.id %% 400)::int > p.agreed_on + 60
            """,
            {"today": today, "worker": worker_ids[0]},
        )
        step("reviews", started)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE")
        step("vacuum and analyse", started)
        cursor.execute("SELECT count(*) FROM careact_review")
        timings["reviews"] = cursor.fetchone()[0]
    return timings


def run(plans: int, keep: bool) -> dict:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = recreate_database(server)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("cases.due_work").setLevel(logging.WARNING)  # the table below says it all
    from django.core.management import call_command

    from cases.due_work import run_sweep
    from cases.models import Reminder

    try:
        print(f"Database {BENCH_DB}: migrating", flush=True)
        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        migrate_s = time.monotonic() - t0
        print(f"Building {plans:,} plans in place", flush=True)
        t0 = time.monotonic()
        built = build(plans)
        build_s = time.monotonic() - t0

        runs = []
        for label in ("first", "second"):
            t0 = time.monotonic()
            counts = run_sweep()
            seconds = time.monotonic() - t0
            created = sum(c["created"] for c in counts.values())
            print(f"Sweep ({label}): {seconds:.1f} s, {created:,} reminders created", flush=True)
            for kind, c in counts.items():
                seconds_k, made, done = c["ms"] / 1000, c["created"], c["resolved"]
                print(f"  {kind:40} {seconds_k:7.1f} s  created {made:>9,}  resolved {done:,}")
            runs.append({"run": label, "seconds": round(seconds, 2), "created": created, "by_kind": counts})
        result = {
            "benchmark": "reminder sweep (cases.due_work.run_sweep)",
            "date": datetime.date.today().isoformat(),
            "plans": plans,
            "reviews": built["reviews"],
            "teams": TEAMS,
            "workers": WORKERS,
            "reminders": Reminder.objects.count(),
            "migrate_seconds": round(migrate_s, 1),
            "build_seconds": round(build_s, 1),
            "runs": runs,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
        assert runs[1]["created"] == 0, "the second sweep must create nothing"
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"Results written to {RESULTS.relative_to(ROOT)}")
        return result
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    run(args.plans, args.keep)


if __name__ == "__main__":
    main()
