"""Board report section(s): indicators (issue 8). Registered from ReportingConfig.ready."""


def register() -> None:
    pass
