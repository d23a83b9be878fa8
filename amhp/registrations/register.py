"""Navigation and panels for the AMHP register (called from AmhpConfig.ready)."""


def register() -> None:
    pass
