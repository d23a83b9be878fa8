"""Navigation, home-page and person-page panels for carers (called from CareActConfig.ready)."""


def register() -> None:
    pass
