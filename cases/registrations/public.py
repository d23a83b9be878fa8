"""Navigation items and panels of the public pages (called from CasesConfig.ready)."""


def register() -> None:
    pass
