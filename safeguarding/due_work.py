"""Safeguarding due work, derived from the records by the sweep (DESIGN.md section 6).

- Concern decision due (Care Act s42; the organisation's timescale in working days): one
  team reminder per concern waiting for a decision, due on the date of `decision_due_at`;
  resolved once the concern is decided.
- Enquiry open over 28 days without a review: due 28 days after the enquiry started,
  created from a week before, assigned to the enquiry officer (the SAM while no officer is
  named), moved when the officer changes, resolved by a review or closure.

Set-based SQL through cases.services.reminders: inserts are idempotent on (subject, kind,
due date), so a rerun or two sweeps at once create nothing twice. Titles name the concern's
reference people know the work by, never an internal id and no person data.
"""

import datetime

from django.conf import settings
from django.urls import reverse

from cases.due_work import DueWorkCounts
from cases.services.reminders import (
    create_reminders_from_select,
    reassign_reminders_from_select,
    resolve_reminders_from_select,
)

from .models import Concern, ConcernStatus, Enquiry, EnquiryStage
from .selectors.queue import REVIEW_DUE_DAYS
from .services import CONCERN_DECISION_KIND, ENQUIRY_REVIEW_KIND

REVIEW_REMINDER_LEAD_DAYS = 7
_MARK = 987654321


def _url_parts(name: str) -> tuple[str, str]:
    """The URL of object `id` as prefix || id || suffix, for building it in SQL."""
    prefix, suffix = reverse(name, args=[_MARK]).split(str(_MARK))
    return prefix, suffix


def _reminder_table() -> str:
    from cases.models import Reminder

    return Reminder._meta.db_table


def derive_concern_decisions(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    prefix, suffix = _url_parts("safeguarding:concern_decide")
    concerns = Concern._meta.db_table
    params = {
        "kind": CONCERN_DECISION_KIND,
        "tz": settings.TIME_ZONE,
        "prefix": prefix,
        "suffix": suffix,
        "waiting": ConcernStatus.AWAITING_DECISION.value,
    }
    created = create_reminders_from_select(
        f"""
        SELECT 'safeguarding.concern:' || c.id, %(kind)s, (c.decision_due_at AT TIME ZONE %(tz)s)::date,
               'Decide on safeguarding concern ' || c.reference,
               %(prefix)s || c.id || %(suffix)s, c.person_id, c.team_id, NULL::bigint
          FROM {concerns} c
         WHERE c.status = %(waiting)s
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
        now=now,
    )
    resolved = resolve_reminders_from_select(
        f"""
        SELECT r.id, 'Decided'
          FROM {_reminder_table()} r
          JOIN {concerns} c ON r.subject = 'safeguarding.concern:' || c.id
         WHERE r.kind = %(kind)s AND r.resolved_at IS NULL AND c.status <> %(waiting)s
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
        now=now,
    )
    return DueWorkCounts(created=created, resolved=resolved)


def derive_enquiry_reviews(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    prefix, suffix = _url_parts("safeguarding:enquiry_detail")
    enquiries = Enquiry._meta.db_table
    params = {
        "kind": ENQUIRY_REVIEW_KIND,
        "tz": settings.TIME_ZONE,
        "prefix": prefix,
        "suffix": suffix,
        "closed": EnquiryStage.CLOSED.value,
        "days": REVIEW_DUE_DAYS,
        "create_by": today + datetime.timedelta(days=REVIEW_REMINDER_LEAD_DAYS),
    }
    due_on = "((e.started_at AT TIME ZONE %(tz)s)::date + %(days)s)"
    created = create_reminders_from_select(
        f"""
        SELECT 'safeguarding.enquiry:' || e.id, %(kind)s, {due_on},
               'Review safeguarding enquiry for concern ' || c.reference || ': open 28 days',
               %(prefix)s || e.id || %(suffix)s, e.person_id, e.team_id,
               COALESCE(e.enquiry_officer_id, e.sam_id)
          FROM {enquiries} e
          JOIN {Concern._meta.db_table} c ON c.id = e.concern_id
         WHERE e.stage <> %(closed)s AND e.review_on IS NULL AND {due_on} <= %(create_by)s
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
        now=now,
    )
    joined = f"""
          FROM {_reminder_table()} r
          JOIN {enquiries} e ON r.subject = 'safeguarding.enquiry:' || e.id
         WHERE r.kind = %(kind)s AND r.resolved_at IS NULL
    """
    resolved = resolve_reminders_from_select(
        f"""
        SELECT r.id, CASE WHEN e.stage = %(closed)s THEN 'Closed' ELSE 'Reviewed' END
        {joined} AND (e.stage = %(closed)s OR e.review_on IS NOT NULL)
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
        now=now,
    )
    reassigned = reassign_reminders_from_select(
        f"SELECT r.id, COALESCE(e.enquiry_officer_id, e.sam_id), e.team_id {joined}",  # noqa: S608
        params,
    )
    return DueWorkCounts(created=created, resolved=resolved, reassigned=reassigned)
