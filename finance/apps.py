from django.apps import AppConfig


class FinanceConfig(AppConfig):
    """Section 75 money: agreements, the pooled budget, care packages, commitments,
    forecasts, snapshots, staffing budgets and the deep-dive views (issue 7)."""

    name = "finance"
    verbose_name = "Section 75 money"

    def ready(self):
        from .registrations import budgets, deep_dive, demo, packages, tables

        for area in (budgets, packages, tables, deep_dive, demo):
            area.register()
