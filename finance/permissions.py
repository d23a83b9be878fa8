"""Who may see and change Section 75 money (DESIGN.md section 2; issue 7 rules).

- Finance officers of a partner organisation see that agreement, its budgets and tables,
  and every care package paid from its budgets, with the person's name and NHS number only:
  never case notes (they hold no relationship to the person, so person pages stay 404).
- The pool manager named on an agreement sees it as finance does.
- The team that holds a package (the allocated team, through its relationship to the
  person) sees the person's packages from the person's page.
- Commissioners see the aggregate tables (no person in them), never a package.

Reading a package is reading a person's data: one AccessLog row, on the relationship basis
for the team and the finance basis for finance. Helpers answer 404 for missing and
forbidden alike.
"""

from django.db.models import Q
from django.http import Http404

from accounts.models import Role
from accounts.selectors import current_memberships, has_role
from cases.models import AccessAction, AccessBasis
from cases.permissions import VIEW_PERSON, has_relationship, log_access, relationship_exists

from .models import Agreement, CarePackage, PooledBudget


def is_finance_officer(user) -> bool:
    return user.is_authenticated and has_role(user, Role.FINANCE_OFFICER)


def finance_organisation_ids(user) -> set[int]:
    """Organisations in which the user holds the finance officer role."""
    return {m.team.organisation_id for m in current_memberships(user) if m.role == Role.FINANCE_OFFICER}


def _partner_or_manager(user, org_ids):
    return Agreement.objects.filter(
        Q(partners__organisation_id__in=org_ids) | Q(pool_manager=user)
    ).distinct()


def agreements_for_finance(user):
    """Agreements the user manages the money of: a partner's finance officer, or pool manager."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    org_ids = finance_organisation_ids(user)
    return _partner_or_manager(user, org_ids)


def agreements_for_tables(user):
    """Agreements whose aggregate tables the user may read: finance, and commissioners of a
    partner organisation (aggregates only)."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    org_ids = finance_organisation_ids(user) | {
        m.team.organisation_id for m in current_memberships(user) if m.role == Role.COMMISSIONER
    }
    return _partner_or_manager(user, org_ids)


def can_manage_finance(user) -> bool:
    return is_finance_officer(user) or agreements_for_finance(user).exists()


def can_read_tables(user) -> bool:
    return agreements_for_tables(user).exists()


def get_agreement_for_user(user, pk, *, manage: bool = True) -> Agreement:
    scope = agreements_for_finance(user) if manage else agreements_for_tables(user)
    agreement = scope.filter(pk=pk).select_related("host", "pool_manager").first()
    if agreement is None:
        raise Http404("No such agreement")
    return agreement


def get_budget_for_user(user, pk, *, manage: bool = True) -> PooledBudget:
    scope = agreements_for_finance(user) if manage else agreements_for_tables(user)
    budget = (
        PooledBudget.objects.filter(pk=pk, agreement__in=scope.values("pk"))
        .select_related("agreement", "agreement__host")
        .first()
    )
    if budget is None:
        raise Http404("No such budget")
    return budget


def finance_packages(user):
    """Packages paid from the budgets of agreements the user manages the money of."""
    return CarePackage.objects.filter(
        budget_line__budget__agreement__in=agreements_for_finance(user).values("pk")
    )


def get_package_for_user(user, pk, *, what: str, perm: str = VIEW_PERSON, for_change: bool = False):
    """A package the user may see, its read logged; or 404.

    Returns (package, basis). The team that holds the person (relationship) comes first;
    otherwise finance of the paying pool. `for_change` locks the row for a write.
    """
    rows = CarePackage.objects.select_related(
        "person", "team", "budget_line", "budget_line__service_line", "budget_line__budget"
    )
    if for_change:
        rows = rows.select_for_update(of=("self",))
    package = rows.filter(pk=pk).first()
    if package is None:
        raise Http404("No such package")
    if has_relationship(user, package.person, perm):
        basis = AccessBasis.RELATIONSHIP
    elif finance_packages(user).filter(pk=pk).exists():
        basis = AccessBasis.FINANCE
    else:
        raise Http404("No such package")
    log_access(user=user, person=package.person, basis=basis, action=AccessAction.VIEW, what=what)
    return package, basis


def packages_for_person_page(user, person):
    """The person's packages, for the person page panel (the caller already holds access)."""
    return CarePackage.objects.filter(person=person).select_related("budget_line__service_line")


__all__ = [
    "agreements_for_finance",
    "agreements_for_tables",
    "can_manage_finance",
    "can_read_tables",
    "finance_packages",
    "get_agreement_for_user",
    "get_budget_for_user",
    "get_package_for_user",
    "is_finance_officer",
    "packages_for_person_page",
    "relationship_exists",
]
