"""Filters for lists that grow (django-filter), with GOV.UK-friendly labels."""

import django_filters
from django.db.models import Q

from accounts.govuk import GovukDateField
from accounts.models import Organisation

from .models import BreakGlassAccess


class GovukDateFilter(django_filters.DateFilter):
    field_class = GovukDateField


class BreakGlassFilter(django_filters.FilterSet):
    """The privacy officer's review list: status, who, which organisation, when."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("unreviewed", "Waiting for review"), ("reviewed", "Reviewed")],
        method="filter_status",
        empty_label="All",
    )
    user = django_filters.CharFilter(
        label="Staff member's name or email",
        method="filter_user",
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.all(),
        empty_label="All organisations",
    )
    started_from = GovukDateFilter(label="From", field_name="started_at", lookup_expr="date__gte")
    started_to = GovukDateFilter(label="To", field_name="started_at", lookup_expr="date__lte")

    class Meta:
        model = BreakGlassAccess
        fields = ["status", "user", "organisation", "started_from", "started_to"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = "unreviewed"
        super().__init__(data, *args, **kwargs)
        self.form.use_required_attribute = False

    def filter_status(self, queryset, name, value):
        if value == "unreviewed":
            return queryset.filter(reviewed_at__isnull=True)
        if value == "reviewed":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset

    def filter_user(self, queryset, name, value):
        return queryset.filter(Q(user__full_name__icontains=value) | Q(user__email__icontains=value))
