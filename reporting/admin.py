"""Administration of governance records. Changes go through the pages (the services keep the
history); here indicators can be set up, and the rest is read only."""

from django.contrib import admin

from .models import ActionItem, ActionPlan, Indicator, IndicatorValue, Risk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "target", "higher_is_better", "position")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "month", "numerator", "denominator", "value", "computed_at")
    list_filter = ("indicator",)


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "owner", "created_at")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("action", "plan", "lead_name", "ends_on", "status")
    list_filter = ("status", "plan")


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ("title", "owner_name", "score", "review_on")
