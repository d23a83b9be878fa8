"""Registrations for the packages area (called from FinanceConfig.ready): the person-page
panel "Care packages", the home panel "Waiting for the funding panel" for finance officers
and team leads, and the "Care packages" navigation item for finance officers."""

from accounts.registry import NavItem, Panel, register_home_panel, register_nav
from accounts.selectors import can_see_person_data


def _person_context(request, *, person, access):
    """The person's packages with their weekly cost now, and the open cases on which this
    user may request one (none on break-glass access, which is read only)."""
    from .. import selectors_packages as selectors

    can_write = not access.is_break_glass
    return {
        "person": person,
        "packages": selectors.packages_for_person(request.user, person),
        "cases": selectors.requestable_cases(request, person) if can_write else [],
        "can_open": can_write,
    }


def _waiting_allowed(user) -> bool:
    from ..permissions import is_finance_officer
    from ..selectors_packages import leads_any_team

    return is_finance_officer(user) or leads_any_team(user)


def _waiting_context(request):
    from ..selectors_packages import waiting_for_panel

    return {"count": waiting_for_panel(request.user).count()}


def _nav_allowed(user) -> bool:
    from ..permissions import is_finance_officer

    return is_finance_officer(user)


def register() -> None:
    from cases.panels import register_person_panel

    register_person_panel(
        Panel(
            key="finance_packages",
            template="finance/panels/packages.html",
            context=_person_context,
            allowed=can_see_person_data,
            order=57,  # beside the care and support plans it pays for
        )
    )
    register_home_panel(
        Panel(
            key="finance_packages_waiting",
            template="finance/panels/packages_waiting.html",
            context=_waiting_context,
            allowed=_waiting_allowed,
            order=8,
        )
    )
    register_nav(
        NavItem(
            "Care packages",
            "finance:package_list",
            allowed=_nav_allowed,
            order=60,
            active_prefix="/finance/packages/",
        )
    )
