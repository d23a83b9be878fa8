"""Every write to reminders: the one table of due work shared by every app (DESIGN.md s6).

Apps never write `cases.Reminder` themselves. Their derivers (registered in
`cases.due_work`) hand this module either specs or a SQL SELECT over their own tables, and
this module inserts with `ON CONFLICT DO NOTHING` on the unique key (subject, kind, due
date), so a rerun, two sweeps at once or a sweep after a crash create nothing twice.

Emails say only how many new reminders someone has and where to sign in: never who they
are about or what the work is, because names and case details are special-category data
(UK GDPR art. 9) and email leaves the system.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import Reminder

__all__ = [
    "ReminderSpec",
    "create_reminders",
    "create_reminders_from_select",
    "reassign_reminders_from_select",
    "reminder_subject",
    "reopen_reminders",
    "resolve_reminders",
    "resolve_reminders_from_select",
    "send_reminder_emails",
]

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
_COLUMNS = ("subject", "kind", "due_on", "title", "url", "person_id", "team_id", "assignee_id")


@dataclass(frozen=True)
class ReminderSpec:
    """One reminder to create. `title` never names the person (it is shown and emailed
    next to lists of people's names, and must make sense without them)."""

    subject: str
    kind: str
    due_on: datetime.date
    title: str
    url: str = ""
    person_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None


def reminder_subject(obj) -> str:
    """The subject key of a model instance: "app_label.model_name:pk"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def _table() -> str:
    return connection.ops.quote_name(Reminder._meta.db_table)


def create_reminders(specs: Iterable[ReminderSpec], *, now: datetime.datetime | None = None) -> int:
    """Insert the reminders that are not there yet, in batches; returns how many were new."""
    now = now or timezone.now()
    created = 0
    batch: list[ReminderSpec] = []

    def flush():
        nonlocal created
        if not batch:
            return
        row = "(" + ", ".join(["%s"] * (len(_COLUMNS) + 2)) + ")"
        params = []
        for spec in batch:
            params.extend(getattr(spec, column) for column in _COLUMNS)
            params.extend([now, ""])
        sql = (
            f"INSERT INTO {_table()} ({', '.join(_COLUMNS)}, created_at, resolution) "  # noqa: S608 (table from model metadata)
            f"VALUES {', '.join([row] * len(batch))} "
            "ON CONFLICT ON CONSTRAINT reminder_unique_key DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            created += cursor.rowcount
        batch.clear()

    with transaction.atomic():
        for spec in specs:
            batch.append(spec)
            if len(batch) >= BATCH_SIZE:
                flush()
        flush()
    return created


def create_reminders_from_select(sql: str, params: dict, *, now: datetime.datetime | None = None) -> int:
    """INSERT ... SELECT: `sql` yields (subject, kind, due_on, title, url, person_id,
    team_id, assignee_id) with named (%(name)s) parameters. Returns how many were new."""
    statement = (
        f"INSERT INTO {_table()} ({', '.join(_COLUMNS)}, created_at, resolution) "  # noqa: S608 (table from model metadata)
        f"SELECT due.*, %(_created_at)s, '' FROM ({sql}) AS due "
        "ON CONFLICT ON CONSTRAINT reminder_unique_key DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, {**params, "_created_at": now or timezone.now()})
        return cursor.rowcount


def resolve_reminders_from_select(sql: str, params: dict, *, now: datetime.datetime | None = None) -> int:
    """Mark resolved the open reminders that `sql` yields as (id, resolution)."""
    statement = (
        f"UPDATE {_table()} AS r SET resolved_at = %(_resolved_at)s, resolution = done.resolution "  # noqa: S608 (table from model metadata)
        f"FROM ({sql}) AS done(id, resolution) WHERE r.id = done.id AND r.resolved_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, {**params, "_resolved_at": now or timezone.now()})
        return cursor.rowcount


def reassign_reminders_from_select(sql: str, params: dict) -> int:
    """Give open reminders the worker and team `sql` yields as (id, assignee_id, team_id).

    A case reallocated since the reminder was made moves its reminders to the new worker
    (who is emailed about them); the old worker no longer sees them.
    """
    statement = (
        f"UPDATE {_table()} AS r SET assignee_id = now_.assignee_id, team_id = now_.team_id, "  # noqa: S608 (table from model metadata)
        "emailed_at = CASE WHEN r.assignee_id IS DISTINCT FROM now_.assignee_id "
        "THEN NULL ELSE r.emailed_at END "
        f"FROM ({sql}) AS now_(id, assignee_id, team_id) "
        "WHERE r.id = now_.id AND r.resolved_at IS NULL "
        "AND (r.assignee_id IS DISTINCT FROM now_.assignee_id OR r.team_id IS DISTINCT FROM now_.team_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def resolve_reminders(
    *,
    resolution: str,
    ids: Iterable[int] | None = None,
    kind: str | Iterable[str] | None = None,
    subject: str | None = None,
    due_before: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Resolve open reminders straight away, without waiting for the next sweep (for example
    when a review is recorded: `subject=reminder_subject(plan)`, `due_before=...`).

    At least one of `ids`, `kind` or `subject` narrows the set; returns how many changed.
    """
    if ids is None and kind is None and subject is None:
        raise ValueError("Say which reminders to resolve")
    reminders = Reminder.objects.filter(resolved_at__isnull=True)
    if ids is not None:
        reminders = reminders.filter(pk__in=list(ids))
    if kind is not None:
        reminders = reminders.filter(kind__in=[kind] if isinstance(kind, str) else list(kind))
    if subject is not None:
        reminders = reminders.filter(subject=subject)
    if due_before is not None:
        reminders = reminders.filter(due_on__lt=due_before)
    return reminders.update(resolved_at=now or timezone.now(), resolution=resolution[:200])


def reopen_reminders(*, ids: Iterable[int]) -> int:
    """Open again reminders whose obligation came back with the same key (subject, kind, due
    date) after they were resolved, for example an assessment returned and submitted again
    the same day. The assignee is told again."""
    ids = list(ids)
    if not ids:
        return 0
    return Reminder.objects.filter(pk__in=ids, resolved_at__isnull=False).update(
        resolved_at=None, resolution="", emailed_at=None
    )


# --- Emails -------------------------------------------------------------------------------

_UNSENT = Q(
    emailed_at__isnull=True,
    resolved_at__isnull=True,
    assignee__isnull=False,
    assignee__is_active=True,
)


def _email_text(*, count: int, overdue: int, link: str) -> tuple[str, str]:
    noun = "reminder" if count == 1 else "reminders"
    subject = f"{count} new {noun} of work due"
    lines = [
        "Hello,",
        "",
        f"You have {count} new {noun} of work that is due or overdue"
        + (f" ({overdue} overdue)." if overdue else "."),
        "",
        f"Sign in to see them: {link}",
        "",
        "This email does not say who or what the work is about: that stays in the record.",
        "",
        settings.PRODUCT_NAME,
    ]
    return subject, "\n".join(lines)


def send_reminder_emails(*, now: datetime.datetime | None = None) -> int:
    """One email per assignee with new (not yet emailed, still open) reminders.

    Each assignee's reminders are locked with SKIP LOCKED and marked emailed in the same
    transaction as the send, so two workers never email the same reminder; a failed send
    rolls back and is tried again next time. Returns the number of emails sent.
    """
    from accounts.models import User

    now = now or timezone.now()
    today = timezone.localdate(now)
    link = settings.SITE_URL.rstrip("/") + reverse("reminders:mine")
    assignee_ids = list(
        Reminder.objects.filter(_UNSENT)
        .order_by("assignee_id")
        .values_list("assignee_id", flat=True)
        .distinct()
    )
    sent = 0
    for assignee_id in assignee_ids:
        with transaction.atomic():
            rows = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(_UNSENT, assignee_id=assignee_id)
                .values_list("pk", "due_on")
            )
            if not rows:
                continue  # another worker has them, or they were sent or resolved meanwhile
            user = User.objects.get(pk=assignee_id)
            if not user.email:
                continue
            subject, body = _email_text(
                count=len(rows), overdue=sum(1 for _, due_on in rows if due_on < today), link=link
            )
            send_mail(subject, body, None, [user.email])
            Reminder.objects.filter(pk__in=[pk for pk, _ in rows]).update(emailed_at=now)
            sent += 1
    logger.info("Reminder emails sent: %s", sent)
    return sent
