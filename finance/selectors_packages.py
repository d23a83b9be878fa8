"""Reads for care packages: who may take which step, the level a cost needs, the package
list for finance and team leads, the person-page panel and the funding panel's queue.

Lists are scoped in SQL (finance of the paying pool, or a relationship to the person), so
a page costs the same number of queries at one package or a thousand (DESIGN.md s10).
Listing is not a read of one person's record (ADR 2): it shows the person's name and NHS
number only; opening a package goes through `finance.permissions.get_package_for_user`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import TEAM_LEAD_ROLES, Team
from accounts.selectors import current_memberships, current_teams
from cases.models import Case, CaseStatus
from cases.permissions import CHANGE_PERSON, has_relationship, relationship_exists
from cases.services import DomainError
from cases.services.people import FieldChange

from .models import (
    AuthorisationLevel,
    BudgetLine,
    CarePackage,
    CareType,
    PackageCost,
    PackageStatus,
    PooledBudget,
    financial_year_of,
)
from .permissions import finance_packages, is_finance_officer, packages_for_person_page

S = PackageStatus
LIST_PAGE_SIZE = 25

# --- Who may take which step (the services check the same rules) -------------------------


def _member_of(user, team_id) -> bool:
    return any(m.team_id == team_id for m in current_memberships(user))


def _leads(user, team_id) -> bool:
    return any(m.team_id == team_id and m.role in TEAM_LEAD_ROLES for m in current_memberships(user))


def leads_any_team(user) -> bool:
    return any(m.role in TEAM_LEAD_ROLES for m in current_memberships(user))


def holds(user, package) -> bool:
    """A current member of the team that holds the package, with a relationship to the
    person (the team's case gives it one; DESIGN.md section 2)."""
    return _member_of(user, package.team_id) and has_relationship(user, package.person, CHANGE_PERSON)


def pays(user, package) -> bool:
    """A finance officer (or the pool manager) of the pool that pays for the package."""
    return finance_packages(user).filter(pk=package.pk).exists()


def may_act(user, package) -> bool:
    """Start, change the cost, review, end or withdraw: the holding team or the pool's finance."""
    return holds(user, package) or pays(user, package)


def may_decide(user, package) -> bool:
    """Record the funding panel's decision: the pool's finance or a team lead of the
    package's team (with the relationship), never the person who requested it."""
    if package.requested_by_id == user.pk:
        return False
    return (_leads(user, package.team_id) and holds(user, package)) or pays(user, package)


def may_request(user, case) -> bool:
    """Request a package on a case: the case is open and the user is its allocated worker or
    a team lead of its team, with a relationship to the person."""
    if case.status != CaseStatus.OPEN or not _member_of(user, case.team_id):
        return False
    if not (case.worker_id == user.pk or _leads(user, case.team_id)):
        return False
    return has_relationship(user, case.person, CHANGE_PERSON)


def allowed_actions(user, package) -> set[str]:
    """The steps to offer on the package page, by status and permission."""
    actions = set()
    if package.status == S.REQUESTED and may_decide(user, package):
        actions.add("decide")
    if package.status not in (S.REQUESTED, S.APPROVED, S.ACTIVE) or not may_act(user, package):
        return actions
    actions.add("cost_change")
    if package.status == S.APPROVED:
        actions.add("start")
    if package.status == S.ACTIVE:
        actions |= {"end", "review"}
    else:
        actions.add("withdraw")
    return actions


# --- The scheme of delegation ------------------------------------------------------------


def levels() -> list[AuthorisationLevel]:
    return list(AuthorisationLevel.objects.order_by("rank"))


def level_needed(weekly_cost, all_levels=None) -> AuthorisationLevel:
    """The lowest authorisation level whose maximum covers the weekly cost; the top level
    (no maximum, or the highest rank) when none does (issue 7 "Panel decisions")."""
    all_levels = all_levels if all_levels is not None else levels()
    if not all_levels:
        raise DomainError("No authorisation levels are set up: ask finance to add the scheme of delegation")
    for level in all_levels:
        if level.max_weekly_cost is None or Decimal(weekly_cost) <= level.max_weekly_cost:
            return level
    return all_levels[-1]


@dataclass(frozen=True)
class CostBand:
    key: str
    label: str
    above: Decimal | None
    up_to: Decimal | None


def cost_bands(all_levels=None) -> list[CostBand]:
    """Weekly cost bands for the list filter, one per authorisation level."""
    bands, above = [], None
    for level in all_levels if all_levels is not None else levels():
        up_to = level.max_weekly_cost
        if above is None and up_to is not None:
            label = f"Up to £{up_to:,.0f}"
        elif up_to is None:
            label = f"Over £{above:,.0f}" if above is not None else "Any cost"
        else:
            label = f"Over £{above:,.0f}, up to £{up_to:,.0f}"
        bands.append(CostBand(str(level.rank), f"{label} ({level.name})", above, up_to))
        if up_to is None:
            break
        above = up_to
    return bands


# --- Weekly cost -------------------------------------------------------------------------


def with_weekly_cost(packages, day: datetime.date | None = None):
    """Annotate `weekly_cost_now`: the cost in force on `day` (today), or the first cost for
    a package that has not reached its first cost's date."""
    day = day or timezone.localdate()
    costs = PackageCost.objects.filter(package=OuterRef("pk"))
    in_force = costs.filter(effective_from__lte=day).order_by("-effective_from").values("weekly_cost")[:1]
    first = costs.order_by("effective_from").values("weekly_cost")[:1]
    money = DecimalField(max_digits=10, decimal_places=2)
    return packages.annotate(
        weekly_cost_now=Coalesce(Subquery(in_force, output_field=money), Subquery(first, output_field=money))
    )


# --- Lists -------------------------------------------------------------------------------


def visible_packages(user):
    """Packages the user may open: paid from a pool they manage the money of, or for a
    person they have a relationship with (DESIGN.md section 2)."""
    return CarePackage.objects.filter(
        Q(pk__in=finance_packages(user).values("pk"))
        | relationship_exists(user, person_ref=OuterRef("person_id"))
    )


def package_list(user):
    """The list page's rows (filtered by `forms_packages.PackageFilter`), newest request
    first, with the weekly cost in force today."""
    return (
        with_weekly_cost(visible_packages(user))
        .select_related("person", "team", "budget_line__service_line", "budget_line__budget")
        .order_by("-requested_at", "-pk")
    )


def list_teams(user):
    """Teams that hold packages the user may see, for the list's team filter."""
    return Team.objects.filter(pk__in=visible_packages(user).values("team_id")).order_by("name")


def waiting_for_panel(user):
    """Requested packages waiting for a decision the user may record: those paid from a
    pool they manage, and those of the teams they lead."""
    led = [m.team_id for m in current_memberships(user) if m.role in TEAM_LEAD_ROLES]
    scope = Q(pk__in=finance_packages(user).values("pk")) if is_finance_officer(user) else Q(pk__in=[])
    if led:
        scope |= Q(team_id__in=led) & relationship_exists(user, person_ref=OuterRef("person_id"))
    return CarePackage.objects.filter(scope, status=S.REQUESTED)


# --- The person page ---------------------------------------------------------------------


def packages_for_person(user, person) -> list[CarePackage]:
    return list(with_weekly_cost(packages_for_person_page(user, person)).order_by("-requested_at", "-pk"))


def requestable_cases(request, person) -> list[Case]:
    """The person's open cases on which the user may request a package (read once per
    request). One query for the cases; the relationship is already known on the page."""
    cache = request.__dict__.setdefault("_finance_requestable_cases", {})
    if person.pk not in cache:
        user = request.user
        team_ids = [t.pk for t in current_teams(user)]
        cases = Case.objects.filter(
            person=person, status=CaseStatus.OPEN, team_id__in=team_ids
        ).select_related("team")
        cache[person.pk] = [
            case
            for case in cases.order_by("team__name", "pk")
            if case.worker_id == user.pk or _leads(user, case.team_id)
        ]
    return cache[person.pk]


# --- One package -------------------------------------------------------------------------


def latest_cost(package) -> PackageCost | None:
    return package.costs.order_by("-effective_from").first()


def _pounds(amount) -> str:
    return f"£{Decimal(amount):,.2f}" if amount not in (None, "") else ""


def stale_changes(package, version: int, mine: dict) -> list[FieldChange]:
    """What changed since the page showed `version`: the status and the latest weekly cost
    then (from the step's transition row) against now, with what this user entered."""
    then = package.transitions.filter(details__version__lte=version).order_by("-at", "-pk").first()
    then_status = PackageStatus(then.to_status).label if then else ""
    then_cost = _pounds(then.details.get("weekly_cost")) if then else ""
    latest = latest_cost(package)
    now_status, now_cost = package.get_status_display(), _pounds(latest.weekly_cost if latest else None)
    changes = []
    if then_status != now_status:
        changes.append(FieldChange("status", "Status", then_status, now_status, then_status))
    if then_cost != now_cost:
        my_cost = _pounds(mine.get("weekly_cost")) or then_cost
        changes.append(FieldChange("weekly_cost", "Latest weekly cost", then_cost, now_cost, my_cost))
    return changes


def costs_of(package) -> list[PackageCost]:
    return list(package.costs.select_related("recorded_by").order_by("effective_from"))


def transitions_of(package):
    """The package's steps, oldest first; a change of cost carries its date as `effective`."""
    transitions = list(package.transitions.select_related("actor").order_by("at", "pk"))
    for transition in transitions:
        effective = transition.details.get("effective_from")
        transition.effective = datetime.date.fromisoformat(effective) if effective else None
    return transitions


def decision_of(package):
    from .models import PanelDecision

    return (
        PanelDecision.objects.filter(package=package)
        .select_related("level", "level_needed", "recorded_by")
        .first()
    )


def cost_in_force(costs: list[PackageCost], day: datetime.date | None = None) -> PackageCost | None:
    """From the package's versions (oldest first): the one in force on `day`, else the first."""
    day = day or timezone.localdate()
    current = None
    for cost in costs:
        if cost.effective_from <= day:
            current = cost
    return current or (costs[0] if costs else None)


# --- Choosing the budget line on a request ----------------------------------------------


def service_line_choices(team) -> list[tuple[str, str]]:
    """(agreement:service line, label) for the pools the team's organisation is a partner of
    that have expenditure lines this financial year or later. The agreement is named only
    when there is more than one."""
    year = financial_year_of(timezone.localdate())
    rows = (
        BudgetLine.objects.filter(
            budget__agreement__partners__organisation_id=team.organisation_id,
            budget__year__gte=year,
            category__in=CareType.values,
        )
        .values_list(
            "budget__agreement_id",
            "budget__agreement__name",
            "service_line_id",
            "service_line__name",
            "service_line__position",
        )
        .distinct()
    )
    rows = sorted(set(rows), key=lambda r: (r[1], r[4], r[3]))
    several = len({r[0] for r in rows}) > 1
    return [(f"{a}:{s}", f"{s_name} ({a_name})" if several else s_name) for a, a_name, s, s_name, _ in rows]


def budget_line_for(*, choice: str, care_type: str, planned_start: datetime.date):
    """The expenditure line for a chosen pool and service line and the care type, in the
    budget of the financial year the package first costs money in from now on (this year,
    or the year of a later planned start). Returns (line, problem)."""
    try:
        agreement_id, service_line_id = (int(part) for part in choice.split(":"))
    except (AttributeError, ValueError):
        return None, "Select the service line that pays for the package"
    year = financial_year_of(max(timezone.localdate(), planned_start))
    budget = (
        PooledBudget.objects.filter(agreement_id=agreement_id, year=year).select_related("agreement").first()
    )
    if budget is None:
        return (
            None,
            f"There is no pooled budget for {year}/{str(year + 1)[-2:]} yet: ask finance to set it up",
        )
    line = (
        BudgetLine.objects.filter(budget=budget, service_line_id=service_line_id, category=care_type)
        .select_related("service_line")
        .first()
    )
    if line is None:
        return None, (
            f"The {budget.label} budget has no {CareType(care_type).label.lower()} line for this service "
            "line: ask finance to add one, or choose another type of care"
        )
    return line, ""
