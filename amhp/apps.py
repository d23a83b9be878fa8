from django.apps import AppConfig


class AmhpConfig(AppConfig):
    name = "amhp"
