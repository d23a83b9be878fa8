"""Admin pages for administrators: the service lines the pool reports by and the scheme of
delegation (authorisation levels for care package decisions).

Agreements, budgets and packages are deliberately not here: they are changed only through
the finance pages and services, which check the rules and keep their history.
"""

from django.contrib import admin

from .models import AuthorisationLevel, FinanceServiceLine


@admin.register(FinanceServiceLine)
class FinanceServiceLineAdmin(admin.ModelAdmin):
    """A new active service line gets its budget lines (at zero) the next time a budget's
    lines are saved, and in every budget set up after it."""

    list_display = ("short_name", "name", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    ordering = ("position", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # budget lines refer to it: make it inactive instead


@admin.register(AuthorisationLevel)
class AuthorisationLevelAdmin(admin.ModelAdmin):
    """The level a package needs is the lowest whose maximum weekly cost covers it; the top
    level has no maximum."""

    list_display = ("rank", "name", "max_weekly_cost")
    list_display_links = ("name",)
    ordering = ("rank",)
    search_fields = ("name",)
