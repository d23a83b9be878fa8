"""Registrations for the budgets area (called from FinanceConfig.ready)."""


def register() -> None:
    pass
