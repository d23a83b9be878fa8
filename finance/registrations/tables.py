"""Registrations for the tables area (called from FinanceConfig.ready).

Commissioners reach the aggregate tables from their home page: they have no budget pages
of their own (finance reaches the tables from each budget's page)."""

from accounts.models import Role
from accounts.registry import Panel, register_home_panel
from accounts.selectors import has_role


def _tables_context(request):
    """Every budget the commissioner may read (one a year per agreement, so a short list)."""
    from ..tables import budgets_for_tables

    budgets = list(budgets_for_tables(request.user))
    return {"budgets": budgets} if budgets else None


def register() -> None:
    register_home_panel(
        Panel(
            key="finance_tables",
            template="finance/tables/panel_tables.html",
            context=_tables_context,
            allowed=lambda user: has_role(user, Role.COMMISSIONER),
            order=20,
        )
    )
