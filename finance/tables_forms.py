"""GET forms for the tables pages: which periods, which month end, which snapshot; and the
snapshot list filter. They work without JavaScript and keep what was chosen on an error."""

import datetime

import django_filters
from django import forms

from accounts.govuk import GovukDateField

from .models import Snapshot, SnapshotKind

UNITS = [("k", "£ thousands"), ("pounds", "Pounds")]
PERIODS_INVALID = "Select periods from this budget's snapshots"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def snapshot_choice(snapshot: Snapshot) -> tuple[int, str]:
    kind = "" if snapshot.kind == SnapshotKind.MONTH_END else ", taken on demand"
    return snapshot.pk, f"{snapshot.label} ({_day(snapshot.as_of)}{kind})"


class PeriodsForm(forms.Form):
    """The periods (snapshots) the budget tables show, and the units they show them in."""

    use_required_attribute = False
    periods = forms.TypedMultipleChoiceField(
        label="Periods to show",
        help_text="The latest period ticked gives the variance; the one before it gives the change.",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": PERIODS_INVALID, "invalid_pk_value": PERIODS_INVALID},
    )
    units = forms.ChoiceField(
        label="Show figures in",
        choices=UNITS,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, data=None, *, snapshots, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["periods"].choices = [snapshot_choice(s) for s in snapshots]

    def clean_periods(self):
        periods = self.cleaned_data["periods"]
        if not periods and self.data.get("shown"):
            raise forms.ValidationError("Select at least one period to show")
        return periods

    def clean_units(self):
        return self.cleaned_data["units"] or "k"


class StaffingForm(forms.Form):
    use_required_attribute = False
    as_of = forms.TypedChoiceField(
        label="Position at the end of",
        coerce=datetime.date.fromisoformat,
        error_messages={
            "invalid_choice": "Select a month end in the financial year",
            "required": "Select a month end in the financial year",
        },
    )

    def __init__(self, data=None, *, month_ends, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["as_of"].choices = [(end.isoformat(), f"{end:%B %Y}") for end in month_ends]


class SnapshotChoiceForm(forms.Form):
    use_required_attribute = False
    snapshot = forms.TypedChoiceField(
        label="Snapshot",
        coerce=int,
        error_messages={
            "invalid_choice": "Select one of this budget's snapshots",
            "required": "Select one of this budget's snapshots",
        },
    )

    def __init__(self, data=None, *, snapshots, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["snapshot"].choices = [snapshot_choice(s) for s in reversed(snapshots)]


class GovukDateFilter(django_filters.DateFilter):
    field_class = GovukDateField


class SnapshotFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=SnapshotKind.choices, empty_label="All kinds")
    taken_from = GovukDateFilter(label="Position on or after", field_name="as_of", lookup_expr="gte")
    taken_to = GovukDateFilter(label="Position on or before", field_name="as_of", lookup_expr="lte")

    class Meta:
        model = Snapshot
        fields = ["kind", "taken_from", "taken_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.use_required_attribute = False
