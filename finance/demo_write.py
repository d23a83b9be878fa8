"""Writing the finance demo's care packages (finance.demo_packages drafts them) in bulk, and
the year's forecast of the drafts that sizes the budget lines (finance.demo_staffing).

The rows are the ones the package services write one at a time (finance.services.packages):
a package with its reference from its id, its cost versions, the panel's decision and one
transition row per step, and a history row dated when the package last changed.
"""

from decimal import Decimal

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User

from .demo_packages import DAY, SHARE_FIELDS, Draft
from .models import CarePackage, PackageCost, PackageStatus, PackageTransition, PanelDecision

BATCH_SIZE = 2000
HISTORY_REASON = "Demo data"


# --- Money for the year (sizes the budget lines) --------------------------------------


def _days_cost(versions, first, last, value) -> Decimal:
    """Σ value(version) / 7 over the days from first to last, each day at the version then
    in force (the latest effective on or before it)."""
    total = Decimal(0)
    for index, version in enumerate(versions):
        upto = versions[index + 1].effective_from - DAY if index + 1 < len(versions) else last
        lo, hi = max(first, version.effective_from), min(last, upto)
        if hi >= lo:
            total += value(version) * ((hi - lo).days + 1) / 7
    return total


def year_forecast(drafts: list[Draft], bounds, today) -> dict[tuple, dict[str, Decimal]]:
    """Per (service line, care type): the year's forecast expenditure, client contributions
    and health contributions as known today, by the rules of finance.commitments (ADR 7):
    live packages to their end, planned end or the year end; approved ones not yet started
    from their planned start."""
    start, end = bounds
    result: dict[tuple, dict[str, Decimal]] = {}
    for draft in drafts:
        if draft.started_on and draft.started_on <= today:
            first = max(draft.started_on, start)
            if draft.ended_on and draft.ended_on <= today:
                last = draft.ended_on
            else:
                planned = draft.planned_end
                last = planned if planned and today <= planned <= end else end
        elif (
            draft.approved
            and draft.status != PackageStatus.WITHDRAWN
            and draft.decision["decided_on"] <= today
        ):
            first = max(draft.planned_start, start)
            last = draft.planned_end if draft.planned_end and draft.planned_end <= end else end
        else:
            continue
        versions = [v for v in draft.versions if timezone.localdate(v.recorded_at) <= today]
        if last < first or not versions:
            continue
        sums = result.setdefault((draft.case.line, draft.care_type), {"exp": 0, "client": 0, "health": 0})
        sums["exp"] += _days_cost(versions, first, last, lambda v: v.weekly)
        sums["client"] += _days_cost(versions, first, last, lambda v: v.contribution)
        sums["health"] += _days_cost(versions, first, last, lambda v: v.weekly * v.health_fraction())
    return result


# --- Writing ----------------------------------------------------------------------------


def _ids(count: int) -> list[int]:
    """Ids from the table's own sequence, as request_package takes one for its reference."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [CarePackage._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def write_packages(drafts: list[Draft], line_for) -> dict[str, int]:
    """Insert the packages (with a history row each, dated when they last changed), their
    cost versions, panel decisions and transition rows. `line_for(draft)` is the budget line
    that pays for it. References are the services' ("PKG-000123", from the id)."""
    packages = []
    for draft, pk in zip(drafts, _ids(len(drafts)), strict=True):
        reference = f"PKG-{pk:06d}"
        draft.events[0].details["reference"] = reference
        package = CarePackage(
            pk=pk,
            person_id=draft.case.person_id,
            case_id=draft.case.pk,
            team_id=draft.case.team_id,
            reference=reference,
            care_type=draft.care_type,
            provider=draft.provider,
            budget_line=line_for(draft),
            needs_summary=draft.needs,
            status=draft.status,
            planned_start=draft.planned_start,
            planned_end=draft.planned_end,
            started_on=draft.started_on,
            ended_on=draft.ended_on,
            end_reason=draft.end_reason,
            last_reviewed_on=draft.last_reviewed_on,
            requested_by_id=draft.case.worker_id,
            requested_at=draft.requested_at,
            version=len(draft.events),
        )
        package._history_date = draft.events[-1].at
        packages.append(package)
    _with_history(packages, [d.events[-1].actor_id for d in drafts])
    costs, decisions, transitions = [], [], []
    for draft, package in zip(drafts, packages, strict=True):
        for version in draft.versions:
            costs.append(
                PackageCost(
                    package=package,
                    effective_from=version.effective_from,
                    unit_rate=version.unit_rate,
                    units_per_week=version.units,
                    weekly_cost=version.weekly,
                    client_contribution=version.contribution,
                    reason=version.reason,
                    recorded_by_id=draft.case.worker_id,
                    recorded_at=version.recorded_at,
                    **{name: Decimal(version.shares.get(name, 0)) for name in SHARE_FIELDS},
                )
            )
        if draft.decision:
            decisions.append(PanelDecision(package=package, **draft.decision))
        transitions += [
            PackageTransition(
                package=package,
                event=e.event,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_id=e.actor_id,
                at=e.at,
                reason=e.reason,
                details=e.details,
            )
            for e in draft.events
        ]
    PackageCost.objects.bulk_create(costs, batch_size=BATCH_SIZE)
    PanelDecision.objects.bulk_create(decisions, batch_size=BATCH_SIZE)
    PackageTransition.objects.bulk_create(transitions, batch_size=BATCH_SIZE)
    return {
        "care packages": len(packages),
        "cost versions": len(costs),
        "panel decisions": len(decisions),
        "package transitions": len(transitions),
    }


def _with_history(packages: list[CarePackage], actor_ids: list[int]) -> None:
    users = {u.pk: u for u in User.objects.filter(pk__in=set(actor_ids))}
    for package, actor_id in zip(packages, actor_ids, strict=True):
        package._history_user = users.get(actor_id)
    bulk_create_with_history(
        packages, CarePackage, batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON
    )
