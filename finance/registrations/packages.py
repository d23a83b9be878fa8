"""Registrations for the packages area (called from FinanceConfig.ready)."""


def register() -> None:
    pass
