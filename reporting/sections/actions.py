"""Board report section(s): actions (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
