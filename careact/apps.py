from django.apps import AppConfig


class CareActConfig(AppConfig):
    """Care Act assessments, eligibility, plans, reviews, carers, s117 aftercare and MCA
    (issue 4). Built on `cases`; see ADR 6 for why it is its own app."""

    name = "careact"
    verbose_name = "Care Act work"

    def ready(self):
        from .registrations import assessments, carers, demo, mca, plans, reminders, s117

        for area in (assessments, plans, carers, s117, mca, reminders, demo):
            area.register()
