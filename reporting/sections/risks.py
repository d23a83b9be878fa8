"""Board report section(s): risks (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
