"""Care packages: request, funding panel decision, start, cost changes, review, end or
withdrawal (Care Act 2014 s8, s24-26; MHA 1983 s117; issue 7 "Panel decisions").

One service per step (ADR 3): each runs in a transaction, locks the package
(`select_for_update`), checks who is acting and the move against `TRANSITIONS`, treats a
repeat as a no-op, writes the status and a `PackageTransition` row (from, to, actor, reason)
and bumps `version`. A refused step raises `DomainError` with a message the page shows as a
form error. `expected_version` (the version the person saw) makes a stale step raise
`StaleEdit` and change nothing (DESIGN.md section 12).

Who may act: the team that holds the package (a current member of `package.team` with a
relationship to the person) or a finance officer of the paying pool
(`finance.permissions.finance_packages`). The funding panel's decision is recorded by a
finance officer of the pool or a team lead of the package's team, never by the requester,
at an authorisation level at or above the one the weekly cost needs.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from cases.models import CaseStatus
from cases.services import DomainError, StaleEdit

from ..models import (
    CarePackage,
    CareType,
    LineSection,
    PackageCost,
    PackageStatus,
    PackageTransition,
    PanelDecision,
    PanelOutcome,
)
from ..selectors_packages import latest_cost, level_needed, may_act, may_decide, may_request, stale_changes

__all__ = [
    "SHARE_FIELDS",
    "TRANSITIONS",
    "DomainError",
    "StaleEdit",
    "change_cost",
    "decide_package",
    "end_package",
    "record_review",
    "request_package",
    "start_package",
    "withdraw_package",
]

S = PackageStatus
TRANSITIONS = {
    S.REQUESTED: {S.APPROVED, S.DECLINED, S.WITHDRAWN},
    S.APPROVED: {S.ACTIVE, S.WITHDRAWN},
    S.ACTIVE: {S.ENDED},
}
COST_CHANGEABLE = (S.REQUESTED, S.APPROVED, S.ACTIVE)
SHARE_FIELDS = ("social_care_share", "health_share", "joint_share", "s117_share", "chc_share")
PENNY = Decimal("0.01")
MONEY_LIMIT = Decimal("99999999.99")  # max_digits=10, decimal_places=2
HUNDRED = Decimal("100")


def _pounds(amount) -> str:
    return f"£{Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP):,.2f}"


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _not_future(day, message: str):
    if day is not None and day > timezone.localdate():
        raise DomainError(message)


def _check_may_act(user, package) -> None:
    if not may_act(user, package):
        raise DomainError(
            "Only the team that holds this package or a finance officer of the pool that pays "
            "for it can change it"
        )


# --- Money ---------------------------------------------------------------------------------


def _decimal(value, message: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(message) from None
    if not amount.is_finite():
        raise DomainError(message)
    return amount


def _money(value, label: str) -> Decimal | None:
    amount = _decimal(value, f"Enter the {label} as an amount of money, like 650 or 650.50")
    if amount is None:
        return None
    if amount != amount.quantize(PENNY):
        raise DomainError(f"The {label} cannot have fractions of a penny")
    if amount > MONEY_LIMIT:
        raise DomainError(f"The {label} must be less than {_pounds(MONEY_LIMIT + PENNY)}")
    return amount


def _shares(shares) -> dict[str, Decimal]:
    """Funding shares in percent (social care, health, joint, s117, CHC) summing to 100.
    Keys may be "health" or "health_share"; missing ones are 0; none at all is 100% social
    care."""
    if not shares:
        return {field: (HUNDRED if field == "social_care_share" else Decimal("0")) for field in SHARE_FIELDS}
    given = {(key if key.endswith("_share") else f"{key}_share"): value for key, value in shares.items()}
    unknown = set(given) - set(SHARE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown funding share: {', '.join(sorted(unknown))}")
    values = {}
    for field in SHARE_FIELDS:
        share = _decimal(given.get(field), "Enter each funding share as a percentage, like 50 or 12.5")
        share = share if share is not None else Decimal("0")
        if share < 0:
            raise DomainError("A funding share cannot be negative")
        if share != share.quantize(PENNY):
            raise DomainError("A funding share can have at most 2 decimal places")
        values[field] = share
    total = sum(values.values())
    if total != HUNDRED:
        raise DomainError(f"The funding shares must add up to 100% (they add up to {total.normalize():f}%)")
    return values


def _cost_values(*, weekly_cost, unit_rate, units_per_week, client_contribution, shares) -> dict:
    """The checked fields of a PackageCost. The weekly cost is entered, or is the unit rate
    times the units a week; when all three are given they must agree."""
    weekly = _money(weekly_cost, "weekly cost")
    rate = _money(unit_rate, "unit rate")
    units = _decimal(units_per_week, "Enter the units a week as a number, like 14 or 10.5")
    if (rate is None) != (units is None):
        raise DomainError(
            "Enter both the unit rate and the units a week, or leave both blank and enter the weekly cost"
        )
    if rate is not None:
        if units <= 0 or rate <= 0:
            raise DomainError("The unit rate and the units a week must be more than 0")
        if units != units.quantize(PENNY) or units >= 1_000_000:
            raise DomainError(
                "Enter the units a week as a number under 1,000,000 with at most 2 decimal places"
            )
        product = (rate * units).quantize(PENNY, rounding=ROUND_HALF_UP)
        if weekly is not None and weekly != product:
            raise DomainError(
                f"The weekly cost ({_pounds(weekly)}) must equal the unit rate times the units a "
                f"week ({_pounds(product)})"
            )
        weekly = product
    if weekly is None:
        raise DomainError("Enter the weekly cost, or a unit rate and units a week")
    if weekly <= 0:
        raise DomainError("The weekly cost must be more than £0")
    if weekly > MONEY_LIMIT:
        raise DomainError(f"The weekly cost must be less than {_pounds(MONEY_LIMIT + PENNY)}")
    contribution = _money(client_contribution, "client contribution") or Decimal("0")
    if contribution < 0:
        raise DomainError("The client contribution cannot be negative")
    if contribution > weekly:
        raise DomainError("The client contribution cannot be more than the weekly cost")
    return {
        "weekly_cost": weekly,
        "unit_rate": rate,
        "units_per_week": units,
        "client_contribution": contribution,
        **_shares(shares),
    }


# --- Records -------------------------------------------------------------------------------


def _log(package, *, event: str, from_status: str, by, reason: str = "", details=None) -> None:
    """One immutable row per step. `version` and the latest weekly cost after the step let a
    stale page say what changed since it was opened."""
    latest = latest_cost(package)
    PackageTransition.objects.create(
        package=package,
        event=event,
        from_status=from_status,
        to_status=package.status,
        actor=by,
        reason=reason,
        details={
            "version": package.version,
            "weekly_cost": str(latest.weekly_cost) if latest else "",
            **(details or {}),
        },
    )


def _save(package, *, by, why: str) -> None:
    package.version += 1  # the row is locked, so this cannot race
    package._history_user = by
    package._change_reason = why
    package.full_clean()
    package.save()


def _lock(package) -> CarePackage:
    pk = getattr(package, "pk", package)
    locked = (
        CarePackage.objects.select_for_update(of=("self",))
        .select_related("person", "team", "budget_line", "budget_line__budget")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise DomainError("This package no longer exists")
    return locked


def _check_version(package, expected_version, mine: dict | None = None) -> None:
    """A stale page: say what changed since version `expected_version`; change nothing."""
    if expected_version is not None and int(expected_version) != package.version:
        changes = stale_changes(package, int(expected_version), mine or {})
        raise StaleEdit(current=package, changes=changes, merged=mine or {})


def _check_move(package, to_status: str, refusal: str) -> None:
    if to_status not in TRANSITIONS.get(package.status, set()):
        raise DomainError(refusal.format(status=package.get_status_display().lower()))


def _reference_and_pk() -> tuple[int, str]:
    """Take the next id from the table's own sequence before the insert, so the reference
    ("PKG-000123") is unique and known in one write, however many requests run at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [CarePackage._meta.db_table])
        pk = cursor.fetchone()[0]
    return pk, f"PKG-{pk:06d}"


# --- Steps ---------------------------------------------------------------------------------


@transaction.atomic
def request_package(
    *,
    case,
    care_type: str,
    provider: str,
    budget_line,
    needs_summary: str,
    planned_start,
    planned_end=None,
    weekly_cost=None,
    unit_rate=None,
    units_per_week=None,
    client_contribution=None,
    shares=None,
    by,
) -> CarePackage:
    """Ask the funding panel to fund a package for the person on an open case. The budget
    line (an expenditure line of the care type) decides which pool and year pays. The first
    cost version runs from the planned start."""
    if case.status != CaseStatus.OPEN:
        raise DomainError("The case is closed: a package can be requested only on an open case")
    if not may_request(by, case):
        raise DomainError(
            f"Only the allocated worker or a team lead of {case.team.name} can request a package for "
            "this person"
        )
    if care_type not in CareType.values:
        raise DomainError("Select the type of care")
    if budget_line is None:
        raise DomainError("Select the service line that pays for the package")
    if budget_line.section != LineSection.EXPENDITURE:
        raise DomainError("A package is paid from an expenditure line of the pooled budget")
    if budget_line.category != care_type:
        raise DomainError(
            f"The budget line is for {budget_line.get_category_display().lower()}, not "
            f"{CareType(care_type).label.lower()}: choose the line for the type of care"
        )
    provider = _text(provider, "Enter the provider")
    if len(provider) > 200:
        raise DomainError("The provider must be 200 characters or fewer")
    needs = _text(needs_summary, "Enter the needs the package meets")
    if planned_start is None:
        raise DomainError("Enter the planned start date")
    if planned_end is not None and planned_end < planned_start:
        raise DomainError("The planned end date must be on or after the planned start date")
    cost = _cost_values(
        weekly_cost=weekly_cost,
        unit_rate=unit_rate,
        units_per_week=units_per_week,
        client_contribution=client_contribution,
        shares=shares,
    )
    pk, reference = _reference_and_pk()
    package = CarePackage(
        pk=pk,
        reference=reference,
        person=case.person,
        case=case,
        team=case.team,
        care_type=care_type,
        provider=provider,
        budget_line=budget_line,
        needs_summary=needs,
        planned_start=planned_start,
        planned_end=planned_end,
        requested_by=by,
    )
    package._history_user = by
    package._change_reason = "Requested"
    package.full_clean(validate_unique=False)
    package.save(force_insert=True)
    PackageCost.objects.create(package=package, effective_from=planned_start, recorded_by=by, **cost)
    _log(package, event="requested", from_status="", by=by, details={"reference": reference})
    return package


@transaction.atomic
def decide_package(
    *,
    package,
    outcome: str,
    decided_on,
    decided_by: str,
    level,
    reasons: str,
    changes: str = "",
    approved_weekly_cost=None,
    by,
    expected_version=None,
) -> CarePackage:
    """Record the funding panel's decision. An approval needs a level at or above the one
    the weekly cost needs (with changes, the changed cost); approving with changes names the
    changes and may set a new weekly cost, which replaces the requested cost (the package
    has not started, so nothing committed is rewritten). A decline records the level the
    cost needed but is not held to it: the scheme of delegation limits spending."""
    package = _lock(package)
    if not may_decide(by, package):
        if package.requested_by_id == by.pk:
            raise DomainError("You requested this package, so someone else must record the panel's decision")
        raise DomainError(
            "Only a finance officer of the pool or a team lead of the package's team can record the "
            "panel's decision"
        )
    if outcome not in PanelOutcome.values:
        raise DomainError("Select the panel's decision")
    target = S.DECLINED if outcome == PanelOutcome.DECLINE else S.APPROVED
    if package.status == target and hasattr(package, "panel_decision"):
        return package  # a repeat
    _check_version(package, expected_version)
    if package.status != S.REQUESTED:
        status = package.get_status_display().lower()
        raise DomainError(f"The funding panel has already decided on this package: it is {status}")
    if decided_on is None:
        raise DomainError("Enter the date of the panel's decision")
    _not_future(decided_on, "The date of the decision must be today or in the past")
    requested_on = timezone.localdate(package.requested_at)
    if decided_on < requested_on:
        raise DomainError(f"The date of the decision must be on or after the request ({_day(requested_on)})")
    decided_by = _text(decided_by, "Enter who decided (name and role)")
    if len(decided_by) > 200:
        raise DomainError("Who decided must be 200 characters or fewer")
    reasons = _text(reasons, "Enter the panel's reasons")
    changes = (changes or "").strip()
    if level is None:
        raise DomainError("Select the authorisation level the panel decided at")
    costs = list(package.costs.order_by("effective_from"))
    first = costs[0]
    new_cost = _money(approved_weekly_cost, "approved weekly cost")
    if outcome == PanelOutcome.APPROVE_WITH_CHANGES:
        changes = _text(changes, "Enter the changes the panel made")
        if new_cost is not None and new_cost <= 0:
            raise DomainError("The approved weekly cost must be more than £0")
    elif outcome == PanelOutcome.APPROVE and new_cost is not None and new_cost != first.weekly_cost:
        raise DomainError("To approve a different weekly cost, choose approve with changes")
    else:
        new_cost = None
    weekly = [new_cost if (c.pk == first.pk and new_cost is not None) else c.weekly_cost for c in costs]
    needed = level_needed(max(weekly))
    if target == S.APPROVED and level.rank < needed.rank:
        raise DomainError(
            f"A weekly cost of {_pounds(max(weekly))} needs approval at {needed.name} level or above"
        )
    details = {"outcome": outcome, "level": level.name, "level_needed": needed.name}
    if new_cost is not None and new_cost != first.weekly_cost:
        if first.client_contribution > new_cost:
            raise DomainError("The approved weekly cost cannot be less than the client contribution")
        details.update(requested_weekly_cost=str(first.weekly_cost), approved_weekly_cost=str(new_cost))
        first.weekly_cost = new_cost
        if (
            first.unit_rate is not None
            and (first.unit_rate * first.units_per_week).quantize(PENNY) != new_cost
        ):
            first.unit_rate = first.units_per_week = None
        first.full_clean(validate_unique=False)
        first.save()
    PanelDecision.objects.create(
        package=package,
        outcome=outcome,
        decided_on=decided_on,
        decided_by=decided_by,
        level=level,
        level_needed=needed,
        reasons=reasons,
        changes=changes,
        recorded_by=by,
    )
    package.status = target
    _save(package, by=by, why=f"Funding panel: {PanelOutcome(outcome).label.lower()}")
    event = {"approve": "approved", "approve_with_changes": "approved_with_changes"}.get(outcome, "declined")
    _log(package, event=event, from_status=S.REQUESTED, by=by, reason=reasons, details=details)
    return package


@transaction.atomic
def start_package(*, package, started_on, by, expected_version=None) -> CarePackage:
    """The approved package has started. It may be backdated to the planned start even if
    the panel decided later, but never to before both, and never in the future."""
    package = _lock(package)
    _check_may_act(by, package)
    if package.status == S.ACTIVE:
        return package  # a repeat
    _check_version(package, expected_version)
    _check_move(package, S.ACTIVE, "Only an approved package can start: this one is {status}")
    if started_on is None:
        raise DomainError("Enter the date the package started")
    _not_future(started_on, "The start date must be today or in the past")
    decided_on = package.panel_decision.decided_on
    earliest = min(package.planned_start, decided_on)
    if started_on < earliest:
        raise DomainError(
            f"The start date must be on or after {_day(earliest)}: the planned start or the panel's "
            "decision, whichever is earlier"
        )
    if package.planned_end is not None and started_on > package.planned_end:
        raise DomainError(
            f"The start date must be on or before the planned end ({_day(package.planned_end)})"
        )
    first = package.costs.order_by("effective_from").first()
    if first is not None and started_on < first.effective_from:
        # Started before the planned start: the first cost runs from the real start.
        first.effective_from = started_on
        first.save(update_fields=["effective_from"])
    package.started_on = started_on
    package.status = S.ACTIVE
    _save(package, by=by, why="Started")
    _log(
        package,
        event="started",
        from_status=S.APPROVED,
        by=by,
        details={"started_on": started_on.isoformat()},
    )
    return package


@transaction.atomic
def change_cost(
    *,
    package,
    effective_from,
    reason: str,
    by,
    weekly_cost=None,
    unit_rate=None,
    units_per_week=None,
    client_contribution=None,
    shares=None,
    expected_version=None,
) -> PackageCost:
    """A new cost version from a date (after the latest version's date, one per date), so
    what was committed before it stays as it was (ADR 7). Contribution and shares left as
    None carry over. A cost above what the panel's level may approve goes back to the panel."""
    package = _lock(package)
    _check_may_act(by, package)
    latest = latest_cost(package)
    if client_contribution is None:
        client_contribution = latest.client_contribution
    if shares is None:
        shares = {field: getattr(latest, field) for field in SHARE_FIELDS}
    values = _cost_values(
        weekly_cost=weekly_cost,
        unit_rate=unit_rate,
        units_per_week=units_per_week,
        client_contribution=client_contribution,
        shares=shares,
    )
    same_day = package.costs.filter(effective_from=effective_from).first() if effective_from else None
    if same_day is not None and all(getattr(same_day, k) == v for k, v in values.items()):
        return same_day  # a repeat
    _check_version(package, expected_version, {"weekly_cost": values["weekly_cost"]})
    if package.status not in COST_CHANGEABLE:
        raise DomainError(
            f"The cost of a package that is {package.get_status_display().lower()} cannot change"
        )
    if effective_from is None:
        raise DomainError("Enter the date the new cost takes effect")
    if effective_from < latest.effective_from:
        raise DomainError(
            f"The new cost cannot take effect before {_day(latest.effective_from)}, when the latest cost "
            "took effect"
        )
    if same_day is not None:
        raise DomainError(
            f"There is already a cost from {_day(effective_from)}: choose a later date for the new cost"
        )
    if package.started_on and effective_from < package.started_on:
        raise DomainError(
            f"The new cost cannot take effect before the package started ({_day(package.started_on)})"
        )
    reason = _text(reason, "Enter why the cost changed")
    decision = getattr(package, "panel_decision", None)
    if decision is not None and decision.outcome != PanelOutcome.DECLINE:
        needed = level_needed(values["weekly_cost"])
        if needed.rank > decision.level.rank:
            raise DomainError(
                f"A weekly cost of {_pounds(values['weekly_cost'])} needs approval at {needed.name} level, "
                f"and the panel approved this package at {decision.level.name} level: take the new cost "
                f"back to the funding panel at {needed.name} level"
            )
    version = PackageCost(
        package=package, effective_from=effective_from, reason=reason, recorded_by=by, **values
    )
    version.full_clean(validate_unique=False)
    version.save()
    _save(package, by=by, why="Cost changed")
    _log(
        package,
        event="cost_changed",
        from_status=package.status,
        by=by,
        reason=reason,
        details={
            "effective_from": effective_from.isoformat(),
            "previous_weekly_cost": str(latest.weekly_cost),
        },
    )
    return version


@transaction.atomic
def end_package(*, package, ended_on, reason: str, by, expected_version=None) -> CarePackage:
    """The active package has ended, on or after its start and not in the future."""
    package = _lock(package)
    _check_may_act(by, package)
    if package.status == S.ENDED:
        return package  # a repeat
    _check_version(package, expected_version)
    _check_move(package, S.ENDED, "Only an active package can end: this one is {status}")
    if ended_on is None:
        raise DomainError("Enter the date the package ended")
    _not_future(ended_on, "The end date must be today or in the past")
    if ended_on < package.started_on:
        raise DomainError(f"The end date must be on or after the start date ({_day(package.started_on)})")
    reason = _text(reason, "Enter why the package ended")
    package.ended_on, package.end_reason, package.status = ended_on, reason, S.ENDED
    _save(package, by=by, why="Ended")
    _log(
        package,
        event="ended",
        from_status=S.ACTIVE,
        by=by,
        reason=reason,
        details={"ended_on": ended_on.isoformat()},
    )
    return package


@transaction.atomic
def withdraw_package(*, package, reason: str, by, expected_version=None) -> CarePackage:
    """Withdraw a request, or an approval not yet started (the person no longer needs it,
    moved, or chose another way to meet the need). An active package is ended instead."""
    package = _lock(package)
    _check_may_act(by, package)
    if package.status == S.WITHDRAWN:
        return package  # a repeat
    _check_version(package, expected_version)
    if package.status == S.ACTIVE:
        raise DomainError("An active package cannot be withdrawn: end it instead")
    _check_move(package, S.WITHDRAWN, "A package that is {status} cannot be withdrawn")
    reason = _text(reason, "Enter why the package is withdrawn")
    from_status = package.status
    package.status = S.WITHDRAWN
    _save(package, by=by, why="Withdrawn")
    _log(package, event="withdrawn", from_status=from_status, by=by, reason=reason)
    return package


@transaction.atomic
def record_review(*, package, reviewed_on, notes: str, by, expected_version=None) -> CarePackage:
    """A review of an active package (is it still meeting the needs, at the right cost?).
    It sets the date of the last review; a change of cost is its own step."""
    package = _lock(package)
    _check_may_act(by, package)
    if reviewed_on is not None and package.last_reviewed_on == reviewed_on:
        return package  # a repeat
    _check_version(package, expected_version)
    if package.status != S.ACTIVE:
        raise DomainError(
            f"Only an active package can be reviewed: this one is {package.get_status_display().lower()}"
        )
    if reviewed_on is None:
        raise DomainError("Enter the date of the review")
    _not_future(reviewed_on, "The date of the review must be today or in the past")
    if reviewed_on < package.started_on:
        raise DomainError(
            f"The date of the review must be on or after the start date ({_day(package.started_on)})"
        )
    if package.last_reviewed_on and reviewed_on < package.last_reviewed_on:
        raise DomainError(
            f"The date of the review must be on or after the last review ({_day(package.last_reviewed_on)})"
        )
    notes = _text(notes, "Enter what the review found")
    package.last_reviewed_on = reviewed_on
    _save(package, by=by, why="Reviewed")
    _log(
        package,
        event="reviewed",
        from_status=S.ACTIVE,
        by=by,
        reason=notes,
        details={"reviewed_on": reviewed_on.isoformat()},
    )
    return package
