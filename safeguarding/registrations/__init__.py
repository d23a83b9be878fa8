"""Navigation, home-page and person-page panels for safeguarding (SafeguardingConfig.ready)."""


def register() -> None:
    pass
