"""Admin pages for administrators: organisations, teams, users and memberships.

Saves go through accounts.services so team groups (and so object permissions) stay in step.
Person records are deliberately not in the admin: they are reached only through the access
helpers in cases.permissions.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Membership, Organisation, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("team", "role", "employment_type", "employer", "started_on", "ended_on", "is_active")
    autocomplete_fields = ("team",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role", "memberships__team__organisation")
    search_fields = ("full_name", "email")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser may make or unmake superusers or admin-page users."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff"]
        return readonly

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            memberships = formset.save(commit=False)
            for membership in memberships:
                services.save_membership(membership=membership)
            for removed in formset.deleted_objects:
                services.end_membership(membership=removed)
            return
        super().save_formset(request, form, formset, change)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ods_code")
    list_filter = ("kind",)
    search_fields = ("name", "ods_code")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "service_line", "locality", "is_active")
    list_filter = ("organisation", "service_line", "locality", "is_active")
    search_fields = ("name", "locality")
    fields = ("organisation", "name", "service_line", "locality", "is_active")

    def save_model(self, request, obj, form, change):
        if change:
            services.rename_team(team=obj, name=obj.name)
            obj.save()
        else:
            created = services.create_team(
                organisation=obj.organisation,
                name=obj.name,
                service_line=obj.service_line,
                locality=obj.locality,
            )
            obj.pk, obj.group = created.pk, created.group
            obj._state.adding = False


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "team", "role", "employment_type", "is_active")
    list_filter = ("role", "employment_type", "is_active", "team__organisation", "team")
    search_fields = ("user__full_name", "user__email", "team__name")
    autocomplete_fields = ("user", "team")
    list_select_related = ("user", "team")

    def save_model(self, request, obj, form, change):
        services.save_membership(membership=obj)

    def delete_model(self, request, obj):
        services.end_membership(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.end_membership(membership=membership)
