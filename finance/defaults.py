"""Reference data every partnership starts with: the service lines the pool reports by and a
scheme of delegation for package decisions. Finance changes them in the admin.

Written by migration 0002 (with its historical models) and by tests whose database was
emptied by a browser test (the test runner truncates every table between those)."""

from decimal import Decimal

SERVICE_LINES = [
    ("Adult mental health (working age)", "AMH", 1),
    ("Older people's mental health", "OPMH", 2),
    ("Forensic mental health", "Forensic", 3),
]

AUTHORISATION_LEVELS = [
    ("Team manager", 1, Decimal("800.00")),
    ("Head of service", 2, Decimal("1500.00")),
    ("Joint funding panel (director)", 3, None),
]


def ensure_defaults(service_line_model=None, level_model=None) -> None:
    if service_line_model is None:
        from .models import AuthorisationLevel, FinanceServiceLine

        service_line_model, level_model = FinanceServiceLine, AuthorisationLevel
    for name, short, position in SERVICE_LINES:
        service_line_model.objects.get_or_create(
            short_name=short, defaults={"name": name, "position": position}
        )
    for name, rank, maximum in AUTHORISATION_LEVELS:
        level_model.objects.get_or_create(rank=rank, defaults={"name": name, "max_weekly_cost": maximum})
