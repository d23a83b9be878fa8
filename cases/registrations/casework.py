"""Navigation items and panels of the casework pages (called from CasesConfig.ready)."""


def register() -> None:
    pass
