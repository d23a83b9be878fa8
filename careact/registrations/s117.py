"""Navigation, home-page and person-page panels for s117 (called from CareActConfig.ready)."""


def register() -> None:
    pass
