"""Board report section(s): activity (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
