"""A registry of due-work derivers, and the sweep that runs them (DESIGN.md section 6).

Each app registers, from its AppConfig.ready(), one deriver per kind of reminder:
`register_due_work("careact.annual_review", derive, label="Planned reviews")`. A deriver is
`derive(today, now) -> DueWorkCounts`: set-based SQL that creates the reminders now due and
not yet there (the unique key subject + kind + due date makes that a no-op for existing
ones) and resolves the open reminders whose obligation is met.

`run_sweep` runs every deriver in its own transaction, under a transaction-level advisory
lock on the kind, so two sweeps at once queue behind each other instead of racing, and a
sweep that dies part-way leaves every finished kind committed and the unfinished one rolled
back: the next sweep (or the redelivered task) finds the rest again. Nothing is lost and
nothing is created twice. PostgreSQL's JIT is off inside the sweep: compiling these one-off
scans took longer than running them (tests/perf/bench_reminder_sweep.py).
"""

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueWorkCounts:
    created: int = 0
    resolved: int = 0
    reassigned: int = 0


@dataclass(frozen=True)
class Deriver:
    kind: str
    derive: Callable[[datetime.date, datetime.datetime], DueWorkCounts]
    label: str


_derivers: dict[str, Deriver] = {}


def register_due_work(name: str, derive: Callable, *, label: str = "") -> None:
    """Register the deriver of one kind of reminder; `name` is the Reminder.kind it writes."""
    _derivers[name] = Deriver(kind=name, derive=derive, label=label or name)


def registered_kinds() -> list[Deriver]:
    """Every registered kind, in the order the sweep runs them (for filters and labels)."""
    return [_derivers[name] for name in sorted(_derivers)]


def kind_labels() -> dict[str, str]:
    return {d.kind: d.label for d in registered_kinds()}


ANALYZE_AFTER_CHANGES = 10_000


def _refresh_reminder_statistics() -> None:
    """After a kind adds or closes thousands of reminders, refresh the planner's statistics
    before the next kind joins against them: planned on the old figures (a handful of rows),
    the next kind's joins ran as row-by-row loops (tests/perf/bench_reminder_sweep.py)."""
    from cases.models import Reminder

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Reminder._meta.db_table)}")


class SweepIncomplete(Exception):
    """Some kinds failed (each rolled back alone); the others were committed."""

    def __init__(self, failed: dict[str, BaseException], results: dict):
        self.failed, self.results = failed, results
        super().__init__("Due work failed for: " + ", ".join(sorted(failed)))


def run_sweep(today: datetime.date | None = None, *, kinds=None) -> dict[str, dict[str, int]]:
    """Run every deriver (or those named in `kinds`) for `today` (default: today in London).

    Returns {kind: {"created": n, "resolved": n, "reassigned": n, "ms": n}}. A kind that
    fails is rolled back and logged and the others still run; then SweepIncomplete is
    raised, so the task shows as failed and the next sweep tries that kind again.
    """
    today = today or timezone.localdate()
    results, failed = {}, {}
    for deriver in registered_kinds():
        if kinds is not None and deriver.kind not in kinds:
            continue
        started = time.monotonic()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"due_work:{deriver.kind}"])
                    # Compiling these one-off scans costs seconds and saves nothing.
                    cursor.execute("SET LOCAL jit = off")
                    # Room to hash a register's worth of rows in memory, not spill to disk.
                    cursor.execute("SET LOCAL work_mem = '64MB'")
                counts = deriver.derive(today, timezone.now())
        except Exception as exc:
            logger.exception("Due work %s failed and was rolled back", deriver.kind)
            failed[deriver.kind] = exc
            continue
        if counts.created + counts.resolved >= ANALYZE_AFTER_CHANGES:
            _refresh_reminder_statistics()
        elapsed_ms = round((time.monotonic() - started) * 1000)
        results[deriver.kind] = {
            "created": counts.created,
            "resolved": counts.resolved,
            "reassigned": counts.reassigned,
            "ms": elapsed_ms,
        }
        logger.info(
            "Due work %s: %s created, %s resolved, %s reassigned in %s ms",
            deriver.kind,
            counts.created,
            counts.resolved,
            counts.reassigned,
            elapsed_ms,
        )
    if failed:
        raise SweepIncomplete(failed, results) from next(iter(failed.values()))
    return results
