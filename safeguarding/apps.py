from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Safeguarding adults: concerns, s42 decisions, enquiries, MSP, closure and the SAC."""

    name = "safeguarding"
    verbose_name = "Safeguarding adults"

    def ready(self):
        from .registrations import register

        register()
