"""Navigation and panels for the AMHP rota (called from AmhpConfig.ready)."""


def register() -> None:
    pass
