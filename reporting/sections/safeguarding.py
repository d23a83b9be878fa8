"""Board report section(s): safeguarding (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
