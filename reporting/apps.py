from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Governance records (issue 8): action plan, joint risk register and performance
    indicators; read-only over the other apps (DESIGN.md section 1)."""

    name = "reporting"
    verbose_name = "Governance and reporting"

    def ready(self):
        from . import registrations, registrations_boards
        from .sections import actions, activity, amhp, compliance, finance, indicators, risks, safeguarding

        registrations.register()
        registrations_boards.register()
        for area in (indicators, activity, compliance, safeguarding, amhp, finance, actions, risks):
            area.register()
