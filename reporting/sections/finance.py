"""Board report section(s): finance (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
