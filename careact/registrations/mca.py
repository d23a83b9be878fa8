"""Navigation, home-page and person-page panels for mca (called from CareActConfig.ready)."""


def register() -> None:
    pass
