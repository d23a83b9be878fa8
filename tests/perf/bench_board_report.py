"""Benchmark: a 12-month board report, every section, on a 100,000-person demo (issue 8:
under 15 seconds and under 500 MB).

Run from the repository root, against a PostgreSQL server on which you may create databases:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres uv run python tests/perf/bench_board_report.py

Options: `--people N` (default 100,000), `--keep` (keep the database afterwards), `--reuse`
(time again on the database an earlier `--keep` run left, without building it). Only the
server is taken from DATABASE_URL: the benchmark works in its own throwaway database,
`mhsc_bench_board_report`, which it drops and creates, migrates and fills with
`manage.py seed_demo --people N` (each in a child process, so their memory is not counted
below): the same believable partnership as the demo, every app's records in proportion
(about 20 minutes for 100,000 people on two cores).

Then, in this process: a private definition of the demo board with every registered section
and the period "twelve months" (the 12 whole months before today), a report requested
through `request_report` (its on-commit send held back), and the report task's function
called directly, twice:

1. timed: wall time of the whole task, of each section's builder (with its query count and
   time in the database) and of the PDF, and this process's CPU time for the task and the
   PDF (on a busy machine the wall time of the PDF, which is all Python, is mostly waiting
   for a core); `ru_maxrss` (the process's peak resident memory) before and after;
2. under tracemalloc, for the peak of the Python heap while the task runs (tracemalloc
   slows Python down, so this run is not timed).

The slowest queries of run 1 are run again under EXPLAIN ANALYZE and their plans stored.
Results are printed and written to tests/perf/results/board_report.json.

Not collected by pytest (python_files is test_*.py): it measures, it does not assert wall
time (DESIGN.md section 10).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "board_report.json"
BENCH_DB = "mhsc_bench_board_report"
GOAL_SECONDS = 15
GOAL_MB = 500
SLOW_QUERIES = 5  # EXPLAIN ANALYZE this many of the slowest queries
TABLES = {  # what the sections read, counted for the results
    "people": "cases_person",
    "cases": "cases_case",
    "case_transitions": "cases_casetransition",
    "referrals": "cases_referral",
    "status_checks": "cases_statuscheck",
    "assessments": "careact_assessment",
    "care_plans": "careact_careplan",
    "safeguarding_concerns": "safeguarding_concern",
    "safeguarding_enquiries": "safeguarding_enquiry",
    "mha_requests": "amhp_mharequest",
    "mha_assessments": "amhp_mhaassessment",
    "care_packages": "finance_carepackage",
    "snapshots": "finance_snapshot",
}


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _admin(url: str, sql: str, params=None):
    import psycopg2

    admin = psycopg2.connect(_server_url(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() if cursor.description else None
    admin.close()
    return row


def _manage(url: str, *args: str) -> float:
    """manage.py in a child process on the bench database; returns the seconds taken."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("REDIS_URL", None)  # the demo's eager Celery
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    return time.monotonic() - started


def _mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def build(server: str, people: int) -> dict:
    url = _server_url(server, BENCH_DB)
    _admin(server, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    _admin(server, f'CREATE DATABASE "{BENCH_DB}"')
    print(f"Database {BENCH_DB}: migrating", flush=True)
    migrate_s = _manage(url, "migrate", "--verbosity=0")
    print(f"Seeding the demo with {people:,} people (manage.py seed_demo)", flush=True)
    seed_s = _manage(url, "seed_demo", f"--people={people}", "--seed=2026")
    return {"migrate_seconds": round(migrate_s, 1), "seed_seconds": round(seed_s, 1)}


# --- Measuring ----------------------------------------------------------------------------


class QueryLog:
    """Every query's time and the part of the task it ran for (connection.execute_wrapper)."""

    def __init__(self):
        self.part = "(task)"
        self.queries: list[tuple[str, float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((self.part, time.perf_counter() - started, sql, params))


def _timed_sections(log: QueryLog, timings: dict) -> list:
    """Wrap every registered section's builder to time it and tag its queries; returns the
    originals, to put back."""
    from reporting.sections import register_section, registered_sections

    originals = registered_sections()

    def wrap(section):
        def build(request):
            log.part = section.key
            started = time.perf_counter()
            try:
                return section.build(request)
            finally:
                timings[section.key] = time.perf_counter() - started
                log.part = "(task)"

        return build

    for section in originals:
        register_section(section.key, section.title, wrap(section), section.order)
    return originals


def _restore_sections(originals) -> None:
    from reporting.sections import register_section

    for section in originals:
        register_section(section.key, section.title, section.build, section.order)


def _request(definition, by) -> int:
    """A queued report through the service, with its on-commit send held back (the task's
    function is called directly, not through a worker or the eager send)."""
    from unittest import mock

    from reporting.services import reports as services

    with mock.patch.object(services, "_enqueue_on_commit"):
        report = services.request_report(definition_id=definition.pk, by=by)
    return report.pk


def _setup_definition():
    """A private report of the demo board with every registered section, twelve months."""
    from accounts.models import User
    from reporting.models import Board, ReportPeriod
    from reporting.sections import registered_sections
    from reporting.services import boards as board_services

    by = User.objects.get(email="commissioner@demo.example")
    board = Board.objects.order_by("pk").first()
    if board is None:
        board = board_services.create_board(name="Benchmark board", audience="Benchmark readers", by=by)
    title = "Twelve-month report (benchmark)"
    definition = board.definitions.filter(title=title).first() or board_services.add_definition(
        board_id=board.pk,
        data={
            "title": title,
            "sections": [s.key for s in registered_sections()],
            "period": ReportPeriod.TWELVE_MONTHS,
            "is_public": False,
            "days_before_meeting": 10,
            "is_scheduled": False,
        },
        by=by,
    )
    return definition, by


def _pdf_pages(pdf: bytes) -> int | None:
    path = Path("/tmp") / f"{BENCH_DB}.pdf"  # noqa: S108
    path.write_bytes(pdf)
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)  # noqa: S607
    except (OSError, subprocess.CalledProcessError):
        return None
    finally:
        path.unlink(missing_ok=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def _explain(queries) -> list[dict]:
    from django.db import connection

    plans = []
    for part, seconds, sql, params in queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        plans.append({"section": part, "ms": round(seconds * 1000, 1), "sql": sql, "plan": plan})
    return plans


def time_report(definition, by) -> tuple[dict, list]:
    from django.db import connection

    import reporting.pdf
    from reporting.models import BoardReport
    from reporting.tasks import generate_board_report

    report_id = _request(definition, by)
    log, timings, pdf_seconds, pdf_cpu = QueryLog(), {}, [], []
    originals = _timed_sections(log, timings)
    render = reporting.pdf.render_report_pdf

    def timed_render(report):
        log.part = "(pdf)"
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return render(report)
        finally:
            pdf_seconds.append(time.perf_counter() - started)
            pdf_cpu.append(time.process_time() - cpu)
            log.part = "(task)"

    reporting.pdf.render_report_pdf = timed_render  # generate_report imports it when it runs
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_before = os.getloadavg()[0]
    try:
        with connection.execute_wrapper(log):
            started, cpu = time.perf_counter(), time.process_time()
            status = generate_board_report(report_id)  # the task's function, in this process
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    finally:
        reporting.pdf.render_report_pdf = render
        _restore_sections(originals)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = BoardReport.objects.get(pk=report_id)
    pdf = bytes(report.pdf or b"")
    sections = {}
    for key, section_seconds in timings.items():
        mine = [q for q in log.queries if q[0] == key]
        sections[key] = {
            "seconds": round(section_seconds, 3),
            "queries": len(mine),
            "query_seconds": round(sum(q[1] for q in mine), 3),
        }
    slowest = sorted((q for q in log.queries if q[0] not in ("(task)", "(pdf)")), key=lambda q: -q[1])
    result = {
        "report_id": report_id,
        "status": status,
        "error": report.error,
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "figures_seconds": round(sum(timings.values()), 2),
        "pdf_seconds": round(sum(pdf_seconds), 2),
        "pdf_cpu_seconds": round(sum(pdf_cpu), 2),
        "load_average_1min_before": round(load_before, 2),
        "sections": sections,
        "queries": len(log.queries),
        "query_seconds": round(sum(q[1] for q in log.queries), 2),
        "rss_peak_before_mb": _mb(rss_before),
        "rss_peak_after_mb": _mb(rss_after),
        "pdf_bytes": len(pdf),
        "pdf_pages": _pdf_pages(pdf) if pdf else None,
        "figures_json_bytes": len(json.dumps(report.figures)) if report.figures else 0,
    }
    return result, slowest[:SLOW_QUERIES]


def traced_report(definition, by) -> dict:
    """The task again on a fresh report, under tracemalloc: the Python heap's peak."""
    from reporting.tasks import generate_board_report

    report_id = _request(definition, by)
    tracemalloc.start()
    try:
        status = generate_board_report(report_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"status": status, "python_heap_peak_mb": round(peak / 2**20, 1)}


def counts() -> dict:
    """The size of the dataset, in the tables the sections read."""
    from django.db import connection

    present = set(connection.introspection.table_names())
    found = {}
    with connection.cursor() as cursor:
        for name, table in TABLES.items():
            if table in present:  # an app not installed has no table
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from TABLES)
                found[name] = cursor.fetchone()[0]
    return found


def _print(timed: dict, traced: dict, plans: list[dict]) -> None:
    print(f"  status {timed['status']} {timed['error']}".rstrip())
    print(f"  period {timed['period'][0]} to {timed['period'][1]}")
    print(
        f"  total {timed['seconds']:.2f} s ({timed['cpu_seconds']:.2f} s CPU in this process): "
        f"figures {timed['figures_seconds']:.2f} s, PDF {timed['pdf_seconds']:.2f} s "
        f"({timed['pdf_cpu_seconds']:.2f} s CPU); {timed['queries']} queries, {timed['query_seconds']:.2f} s"
    )
    print(f"  load average before the run {timed['load_average_1min_before']} on {os.cpu_count()} CPUs")
    for key, s in timed["sections"].items():
        print(
            f"    {key:14} {s['seconds']:7.3f} s  {s['queries']:4} queries  "
            f"{s['query_seconds']:7.3f} s in the database"
        )
    print(f"  peak RSS {timed['rss_peak_after_mb']} MB (before the task {timed['rss_peak_before_mb']} MB)")
    print(f"  Python heap peak (tracemalloc, second run) {traced['python_heap_peak_mb']} MB")
    print(f"  PDF {timed['pdf_bytes']:,} bytes, {timed['pdf_pages']} pages")
    for plan in plans:
        print(f"  slow query ({plan['section']}, {plan['ms']} ms): {plan['plan'][0]}")
        print(f"    {plan['plan'][-1]}")


def run(people: int, keep: bool, reuse: bool) -> dict:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    exists = _admin(server, "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]) is not None
    if reuse and exists:  # keep what the results say about how the database was built
        earlier = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        built = {k: earlier[k] for k in ("built_with", "migrate_seconds", "seed_seconds") if k in earlier}
    else:
        built = {"built_with": f"manage.py seed_demo --people {people}", **build(server, people)}
    os.environ["DATABASE_URL"] = _server_url(server, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    try:
        dataset = counts()
        print("Dataset: " + ", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in dataset.items()))
        definition, by = _setup_definition()
        print("Timing the 12-month report (the task's function, in this process)", flush=True)
        timed, slowest = time_report(definition, by)
        print("Again under tracemalloc (not timed)", flush=True)
        traced = traced_report(definition, by)
        plans = _explain(slowest)
        _print(timed, traced, plans)
        result = {
            "benchmark": "12-month board report, every section (reporting.tasks.generate_board_report)",
            "date": datetime.date.today().isoformat(),
            "people": dataset.get("people", people),
            "dataset": dataset,
            "built_with": "an earlier --keep run",
            **built,
            "goal": {"seconds": GOAL_SECONDS, "mb": GOAL_MB},
            "run": timed,
            "traced": traced,
            "slowest_queries": plans,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()],
            },
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"Results written to {RESULTS.relative_to(ROOT)}")
        return result
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _admin(server, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time again on the database a --keep run left")
    args = parser.parse_args()
    run(args.people, args.keep, args.reuse)


if __name__ == "__main__":
    main()
