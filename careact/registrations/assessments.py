"""Navigation, home-page and person-page panels for assessments (called from CareActConfig.ready)."""


def register() -> None:
    pass
