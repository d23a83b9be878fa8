"""Registrations for the deep_dive area (called from FinanceConfig.ready)."""


def register() -> None:
    pass
