"""Navigation items and panels of the referrals pages (called from CasesConfig.ready)."""


def register() -> None:
    pass
