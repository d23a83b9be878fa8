"""Navigation and panels for the AMHP requests (called from AmhpConfig.ready)."""


def register() -> None:
    pass
