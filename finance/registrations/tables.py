"""Registrations for the tables area (called from FinanceConfig.ready)."""


def register() -> None:
    pass
