"""Home-page panels and navigation for reminders (called from CasesConfig.ready)."""


def register() -> None:
    pass
