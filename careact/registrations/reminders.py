"""Navigation, home-page and person-page panels for reminders (called from CareActConfig.ready)."""


def register() -> None:
    pass
