"""Registrations for the demo area (called from FinanceConfig.ready)."""


def register() -> None:
    pass
