"""Registrations for the budgets area (called from FinanceConfig.ready): the "Section 75
money" navigation item and the home-page panel that links finance officers to their budgets."""

from accounts.registry import NavItem, Panel, register_home_panel, register_nav


def _allowed(user) -> bool:
    from ..selectors_budgets import may_use_finance_pages

    return may_use_finance_pages(user)


def _manages(user) -> bool:
    from ..permissions import is_finance_officer

    return is_finance_officer(user)


def _budgets_context(request):
    from ..selectors_budgets import home_panel_budgets

    return {"budgets": home_panel_budgets(request.user)}


def register() -> None:
    register_nav(
        NavItem("Section 75 money", "finance:home", allowed=_allowed, order=70, active_prefix="/finance/")
    )
    register_home_panel(
        Panel(
            key="finance_budgets",
            template="finance/budgets/panel_home.html",
            context=_budgets_context,
            allowed=_manages,
            order=40,
        )
    )
