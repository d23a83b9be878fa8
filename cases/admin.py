"""Admin for the cases app: only team settings. Person data is never in the admin (ADR 1)."""

from django.contrib import admin

from .models import ReferralQueueSettings


@admin.register(ReferralQueueSettings)
class ReferralQueueSettingsAdmin(admin.ModelAdmin):
    """Each team's triage wait thresholds in working days (amber, then red)."""

    list_display = ("team", "amber_after_working_days", "red_after_working_days")
    list_filter = ("team__organisation", "team__service_line")
    autocomplete_fields = ("team",)
