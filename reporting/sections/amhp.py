"""Board report section(s): amhp (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
