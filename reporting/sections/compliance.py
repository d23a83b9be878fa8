"""Board report section(s): compliance (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
