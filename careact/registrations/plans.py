"""Navigation, home-page and person-page panels for plans (called from CareActConfig.ready)."""


def register() -> None:
    pass
