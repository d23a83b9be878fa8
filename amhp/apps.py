from django.apps import AppConfig


class AmhpConfig(AppConfig):
    """AMHP register, rota, Mental Health Act assessment requests and statutory clocks."""

    name = "amhp"
    verbose_name = "AMHP service"

    def ready(self):
        from .registrations import demo, register, requests, rota

        for area in (register, rota, requests, demo):
            area.register()
