"""Care Act due work for the daily reminder sweep (cases.due_work; DESIGN.md section 6).

One deriver per kind of reminder. Each is three set-based statements over the whole register,
never a Python loop over plans: resolve the open reminders whose obligation is met, move
open reminders to the case's current worker, and INSERT ... SELECT the reminders now due
(ON CONFLICT DO NOTHING on subject + kind + due date, so reruns add nothing). Writes go
through cases.services.reminders; this module only says what is due.

The due dates are those of careact.review_rules, written here in SQL (tests check the two
agree):
- light-touch review: appears 6 weeks after the plan was agreed, due at 8 weeks, while the
  plan version is in place and has no review (seed 003 section 2; statutory guidance chapter 13);
- planned review: due 12 months after the later of the agreed date and the latest review
  of the version, appearing 28 days before (Care Act s27(1)(a); statutory guidance 13.32);
- carers' support plans: the same two, under their own kinds (Care Act s25 and s27);
- s117 aftercare review: the later of discharge and the latest review, plus the
  entitlement's review interval, appearing 28 days before (MHA Code of Practice chapter 33);
- an assessment waiting for a manager: to the team, due 5 working days after submission.

A reminder goes to the allocated worker of the record's open case; with no open allocated
case it is the team's alone. Titles never name the person.
"""

import datetime
from dataclasses import dataclass

from django.db import connection

from cases.due_work import DueWorkCounts, register_due_work
from cases.models import Case, Reminder

from .models import (
    Assessment,
    AssessmentStatus,
    CarePlan,
    PlanKind,
    Review,
    Section117Entitlement,
    Section117Review,
)

REVIEW_LEAD_DAYS = 28  # planned and s117 reviews show four weeks before they are due
AUTHORISATION_WORKING_DAYS = 5

LIGHT_TOUCH = "careact.light_touch_review"
ANNUAL = "careact.annual_review"
CARER_LIGHT_TOUCH = "careact.carer_light_touch_review"
CARER_ANNUAL = "careact.carer_review"
S117 = "careact.s117_review"
AUTHORISATION = "careact.assessment_authorisation"

PLAN_SUBJECT = f"{CarePlan._meta.label_lower}:"
S117_SUBJECT = f"{Section117Entitlement._meta.label_lower}:"
ASSESSMENT_SUBJECT = f"{Assessment._meta.label_lower}:"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _record_id(subject_column: str = "r.subject") -> str:
    return f"split_part({subject_column}, ':', 2)::bigint"


# --- Plans: light-touch and planned reviews ---------------------------------------------


@dataclass(frozen=True)
class _PlanRule:
    obligation: str  # SQL: plan `p` has this review outstanding
    due: str  # SQL: its due date
    join: str  # SQL joined after `p` that `due` needs (the latest review), or ""
    lead_days: int  # the reminder appears this many days before the due date
    min_days_after_agreed: int  # the due date is at least this long after agreed_on
    has_review: str  # SQL: the plan version has a review


def _plan_rule(*, light_touch: bool) -> _PlanRule:
    from . import review_rules

    has_review = f"EXISTS (SELECT 1 FROM {_t(Review)} rv WHERE rv.plan_id = p.id)"  # noqa: S608
    in_place = "p.status = 'active' AND p.kind = %(plan_kind)s"
    if light_touch:
        due_days = review_rules.LIGHT_TOUCH_DUE_DAYS
        return _PlanRule(
            obligation=f"{in_place} AND NOT {has_review}",
            due=f"(p.agreed_on + {due_days})",
            join="",
            lead_days=due_days - review_rules.LIGHT_TOUCH_OPENS_DAYS,
            min_days_after_agreed=due_days,
            has_review=has_review,
        )
    months = review_rules.PLANNED_REVIEW_MONTHS
    return _PlanRule(
        obligation=in_place,
        # PostgreSQL clamps a missing day to the month's last, as review_rules.add_months.
        due=f"(GREATEST(p.agreed_on, latest.held_on) + interval '{months} months')::date",
        # One pass over the reviews, grouped, rather than a lookup per plan: at a million
        # plans the lookups were most of the sweep (tests/perf/bench_reminder_sweep.py).
        join=f"LEFT JOIN (SELECT rv.plan_id, max(rv.held_on) AS held_on FROM {_t(Review)} rv "  # noqa: S608
        "GROUP BY rv.plan_id) latest ON latest.plan_id = p.id",
        lead_days=REVIEW_LEAD_DAYS,
        min_days_after_agreed=28 * months,
        has_review=has_review,
    )


DUE_NOW = "careact_plan_due_now"  # a temporary table, one deriver's transaction long


def _load_plans_due(rule: _PlanRule, params: dict) -> None:
    """Work out, once, each plan's current due date for the plans the three steps need:
    those due within the lead time, and those with an open reminder of this kind.

    The resolve, reassign and create steps then join this small table instead of each
    recomputing the latest review per plan (three passes over a million plans before).
    """
    plans, cases, reminders = _t(CarePlan), _t(Case), _t(Reminder)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {DUE_NOW}")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE {DUE_NOW} ON COMMIT DROP AS
            SELECT p.id AS plan_id, {rule.due} AS due_on, p.person_id, p.team_id, c.worker_id
            FROM {plans} p {rule.join}
            LEFT JOIN {cases} c ON c.id = p.case_id AND c.status = 'open'
            LEFT JOIN (SELECT DISTINCT {_record_id()} AS plan_id FROM {reminders} r
                       WHERE r.kind = %(kind)s AND r.resolved_at IS NULL) reminded ON reminded.plan_id = p.id
            WHERE {rule.obligation}
              AND ((p.agreed_on <= %(agreed_by)s AND {rule.due} <= %(horizon)s)
                   OR reminded.plan_id IS NOT NULL)
            """,  # noqa: S608  (table names from model metadata; values are parameters)
            params,
        )
        cursor.execute(f"ALTER TABLE {DUE_NOW} ADD PRIMARY KEY (plan_id)")
        cursor.execute(f"ANALYZE {DUE_NOW}")


def plan_deriver(*, kind: str, plan_kind: str, light_touch: bool, title: str):
    """The deriver of one review kind for one kind of plan."""

    def derive(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
        from cases import services

        rule = _plan_rule(light_touch=light_touch)
        horizon = today + datetime.timedelta(days=rule.lead_days)
        params = {
            "kind": kind,
            "plan_kind": plan_kind,
            # A necessary bound that lets the partial index on active plans prune.
            "agreed_by": horizon - datetime.timedelta(days=rule.min_days_after_agreed),
            "horizon": horizon,
        }
        _load_plans_due(rule, params)
        plans, reminders = _t(CarePlan), _t(Reminder)
        resolved = services.resolve_reminders_from_select(
            f"""
            SELECT stale.id,
                   CASE WHEN p.id IS NULL THEN 'The plan was removed'
                        WHEN p.status = 'superseded' THEN 'The plan was replaced by a revised plan'
                        WHEN p.status <> 'active' THEN 'The plan is no longer in place'
                        WHEN {rule.has_review} THEN 'A review of the plan was recorded'
                        ELSE 'The date the plan was agreed changed' END
            FROM (SELECT r.id, {_record_id()} AS plan_id FROM {reminders} r
                  LEFT JOIN {DUE_NOW} d ON d.plan_id = {_record_id()} AND d.due_on = r.due_on
                  WHERE r.kind = %(kind)s AND r.resolved_at IS NULL AND d.plan_id IS NULL) stale
            LEFT JOIN {plans} p ON p.id = stale.plan_id
            """,  # noqa: S608  (table names from model metadata; values are parameters)
            params,
            now=now,
        )
        reassigned = services.reassign_reminders_from_select(
            f"""
            SELECT r.id, d.worker_id, d.team_id
            FROM {reminders} r JOIN {DUE_NOW} d ON d.plan_id = {_record_id()}
            WHERE r.kind = %(kind)s AND r.resolved_at IS NULL
            """,  # noqa: S608  (table names from model metadata; values are parameters)
            params,
        )
        created = services.create_reminders_from_select(
            f"""
            SELECT %(prefix)s || d.plan_id, %(kind)s, d.due_on, %(title)s,
                   '/care/plans/' || d.plan_id || '/', d.person_id, d.team_id, d.worker_id
            FROM {DUE_NOW} d
            WHERE d.due_on <= %(horizon)s
              AND NOT EXISTS (SELECT 1 FROM {reminders} r WHERE r.subject = %(prefix)s || d.plan_id
                              AND r.kind = %(kind)s AND r.due_on = d.due_on)
            """,  # noqa: S608  (table names from model metadata; values are parameters)
            {**params, "prefix": PLAN_SUBJECT, "title": title},
            now=now,
        )
        return DueWorkCounts(created=created, resolved=resolved, reassigned=reassigned)

    return derive


# --- Section 117 aftercare reviews ---------------------------------------------------------


def _s117_latest_review_join() -> str:
    return (
        f"LEFT JOIN LATERAL (SELECT max(v.held_on) AS held_on FROM {_t(Section117Review)} v "  # noqa: S608
        "WHERE v.entitlement_id = e.id) latest ON true"
    )


S117_DUE = (
    "(GREATEST(e.discharged_on, latest.held_on) + make_interval(months => e.review_interval_months))::date"
)


def derive_s117_reviews(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    """Entitlements still in force: the next review after discharge or the latest review.

    The entitlement has no case of its own: the worker is the one allocated to the person's
    open case in the entitlement's team (at most one: one open case per person and team).
    """
    from cases import services

    entitlements, cases, reminders = _t(Section117Entitlement), _t(Case), _t(Reminder)
    due, latest = S117_DUE, _s117_latest_review_join()
    params = {"kind": S117}
    worker_join = (
        f"LEFT JOIN {cases} c ON c.person_id = e.person_id AND c.team_id = e.team_id AND c.status = 'open'"
    )
    resolved = services.resolve_reminders_from_select(
        f"""
        SELECT r.id,
               CASE WHEN e.id IS NULL THEN 'The entitlement was removed'
                    WHEN e.status <> 'active' THEN 'Section 117 aftercare ended by joint decision'
                    ELSE 'A review of the aftercare was recorded' END
        FROM {reminders} r LEFT JOIN {entitlements} e ON e.id = {_record_id()} {latest}
        WHERE r.kind = %(kind)s AND r.resolved_at IS NULL
          AND NOT COALESCE(e.status = 'active' AND {due} = r.due_on, false)
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
        now=now,
    )
    reassigned = services.reassign_reminders_from_select(
        f"""
        SELECT r.id, c.worker_id, e.team_id
        FROM {reminders} r JOIN {entitlements} e ON e.id = {_record_id()} {worker_join}
        WHERE r.kind = %(kind)s AND r.resolved_at IS NULL
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        params,
    )
    created = services.create_reminders_from_select(
        f"""
        SELECT %(prefix)s || e.id, %(kind)s, {due}, %(title)s,
               '/care/s117/' || e.id || '/', e.person_id, e.team_id, c.worker_id
        FROM {entitlements} e {latest} {worker_join}
        WHERE e.status = 'active' AND {due} <= %(horizon)s
        """,  # noqa: S608  (table names from model metadata; values are parameters)
        {
            **params,
            "prefix": S117_SUBJECT,
            "title": "Review of section 117 aftercare",
            "horizon": today + datetime.timedelta(days=REVIEW_LEAD_DAYS),
        },
        now=now,
    )
    return DueWorkCounts(created=created, resolved=resolved, reassigned=reassigned)


# --- Assessments waiting for a manager ---------------------------------------------------


def authorisation_due(submitted_at: datetime.datetime) -> datetime.date:
    """Five working days (England and Wales bank holidays excluded) after submission."""
    from django.utils import timezone

    from cases.workdays import add_working_days

    return add_working_days(timezone.localdate(submitted_at), AUTHORISATION_WORKING_DAYS)


def derive_authorisations(today: datetime.date, now: datetime.datetime) -> DueWorkCounts:
    """Assessments submitted and not yet authorised or returned: the team's managers are
    reminded (no assignee), due five working days after submission.

    Working days need the bank-holiday calendar, so this runs in Python over the small set
    of assessments waiting (a team's handful, not the register).
    """
    from cases import selectors_reminders, services

    waiting = Assessment.objects.filter(
        status=AssessmentStatus.AWAITING_AUTHORISATION, submitted_at__isnull=False
    ).values_list("pk", "kind", "submitted_at", "person_id", "team_id")
    specs, current, submitted = [], set(), {}
    for pk, assessment_kind, submitted_at, person_id, team_id in waiting:
        subject, due_on = f"{ASSESSMENT_SUBJECT}{pk}", authorisation_due(submitted_at)
        current.add((subject, due_on))
        submitted[subject] = submitted_at
        what = "carer's assessment" if assessment_kind == "carer" else "needs assessment"
        specs.append(
            services.ReminderSpec(
                subject=subject,
                kind=AUTHORISATION,
                due_on=due_on,
                title=f"Authorise the {what}",
                url=f"/care/assessments/{pk}/",
                person_id=person_id,
                team_id=team_id,
            )
        )

    stale = [
        (reminder_id, subject)
        for reminder_id, subject, due_on in selectors_reminders.open_reminder_keys(AUTHORISATION)
        if (subject, due_on) not in current
    ]
    statuses = dict(
        Assessment.objects.filter(pk__in=[int(s.split(":")[1]) for _, s in stale]).values_list("pk", "status")
    )
    by_resolution: dict[str, list[int]] = {}
    for reminder_id, subject in stale:
        status = statuses.get(int(subject.split(":")[1]))
        if status == AssessmentStatus.AUTHORISED:
            text = "The assessment was authorised"
        elif status == AssessmentStatus.DRAFT:
            text = "The assessment was returned to the worker"
        elif status == AssessmentStatus.AWAITING_AUTHORISATION:
            text = "The assessment was submitted again"
        else:
            text = "The assessment is no longer waiting for authorisation"
        by_resolution.setdefault(text, []).append(reminder_id)
    resolved = sum(
        services.resolve_reminders(ids=ids, resolution=text, now=now) for text, ids in by_resolution.items()
    )
    created = services.create_reminders(specs, now=now)
    # Returned and submitted again with the same due date: the key is that of the reminder
    # resolved on return, so the insert above added nothing; open that one again.
    again = [
        reminder_id
        for reminder_id, subject, due_on, resolved_at in selectors_reminders.resolved_reminder_keys(
            AUTHORISATION, list(submitted)
        )
        if (subject, due_on) in current and resolved_at < submitted[subject]
    ]
    created += services.reopen_reminders(ids=again)
    return DueWorkCounts(created=created, resolved=resolved)


# --- Registration ---------------------------------------------------------------------------


def register() -> None:
    """Called from careact.registrations.reminders (CareActConfig.ready)."""
    for kind, plan_kind, light_touch, title, label in (
        (
            LIGHT_TOUCH,
            PlanKind.CARE_AND_SUPPORT,
            True,
            "Light-touch review of the care and support plan",
            "Light-touch reviews",
        ),
        (
            ANNUAL,
            PlanKind.CARE_AND_SUPPORT,
            False,
            "Planned review of the care and support plan",
            "Planned reviews",
        ),
        (
            CARER_LIGHT_TOUCH,
            PlanKind.CARER_SUPPORT,
            True,
            "Light-touch review of the carer's support plan",
            "Carers' light-touch reviews",
        ),
        (
            CARER_ANNUAL,
            PlanKind.CARER_SUPPORT,
            False,
            "Review of the carer's support plan",
            "Carers' reviews",
        ),
    ):
        register_due_work(
            kind,
            plan_deriver(kind=kind, plan_kind=plan_kind, light_touch=light_touch, title=title),
            label=label,
        )
    register_due_work(S117, derive_s117_reviews, label="Section 117 reviews")
    register_due_work(AUTHORISATION, derive_authorisations, label="Assessments to authorise")


def settle_reminders(record, *, resolution: str) -> int:
    """The work a record's reminders asked for is done (a review recorded, an assessment
    decided, aftercare ended): resolve them now rather than at the next morning's sweep.
    The sweep reaches the same answer from the records, so this is only about promptness."""
    from cases.services.reminders import reminder_subject, resolve_reminders

    return resolve_reminders(subject=reminder_subject(record), resolution=resolution)
