"""Forms for care packages. GOV.UK messages beside the answer that is wrong; nothing typed
is lost on an error. The services check the same rules again (ADR 3) and their refusals
show at the top of the form."""

from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import AuthorisationLevel, CareType, FinanceServiceLine, PackageStatus, PanelOutcome
from .selectors_packages import cost_bands, level_needed

SHARES = (
    ("social_care_share", "Social care (%)"),
    ("health_share", "Health (%)"),
    ("joint_share", "Joint funding (%)"),
    ("s117_share", "Section 117 aftercare (%)"),
    ("chc_share", "NHS continuing healthcare (%)"),
)
DATE_HINT = "For example, 27 3 2026"


class ConditionalRadioSelect(forms.RadioSelect):
    """Radios whose chosen option reveals more questions (GOV.UK conditional reveal);
    without JavaScript the block simply stays visible."""

    def __init__(self, *args, conditionals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditionals = conditionals or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["class"] = "govuk-radios__input"
        if str(value) in self.conditionals:
            option["attrs"]["data-aria-controls"] = self.conditionals[str(value)]
        return option


class MoneyField(forms.DecimalField):
    """Pounds and pence; "£1,250.50" is read as 1250.50."""

    def __init__(self, *, label, required=False, message, help_text="", max_digits=10, **kwargs):
        super().__init__(
            label=label,
            required=required,
            help_text=help_text,
            max_digits=max_digits,
            decimal_places=2,
            min_value=Decimal("0"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
            error_messages={
                "required": message,
                "invalid": message,
                "min_value": message,
                "max_digits": message,
                "max_whole_digits": message,
                "max_decimal_places": message,
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)


def _share_field(label):
    message = "Enter each funding share as a percentage from 0 to 100, like 50 or 12.5"
    field = MoneyField(label=label, message=message, max_digits=5)
    field.widget.attrs["class"] = "govuk-input--width-4"
    field.max_value = Decimal("100")
    return field


def _date_field(label, message, *, required=True, help_text=DATE_HINT):
    return GovukDateField(
        label=label, required=required, help_text=help_text, error_messages={"required": message}
    )


def _text_field(label, message, *, rows=4, help_text="", max_length=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    errors = {"required": message}
    if max_length:
        errors["max_length"] = f"{label} must be {max_length} characters or fewer"
    return forms.CharField(
        label=label, help_text=help_text, widget=widget, max_length=max_length, error_messages=errors
    )


def _not_future(form, field, message):
    value = form.cleaned_data.get(field)
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class CostFieldsForm(forms.Form):
    """The weekly cost (or unit rate times units a week), the client contribution and the
    funding split, as on a cost version."""

    use_required_attribute = False
    weekly_cost = MoneyField(
        label="Weekly cost (£)",
        message="Enter the weekly cost as an amount of money, like 650 or 650.50",
        help_text="Or leave blank and enter a unit rate and units a week",
    )
    unit_rate = MoneyField(
        label="Unit rate (£, optional)",
        message="Enter the unit rate as an amount of money, like 24.50",
        help_text="For example the hourly rate of domiciliary care",
    )
    units_per_week = MoneyField(
        label="Units a week (optional)",
        message="Enter the units a week as a number, like 14 or 10.5",
        help_text="For example hours of care a week",
        max_digits=8,
    )
    client_contribution = MoneyField(
        label="Weekly client contribution (£)",
        message="Enter the client contribution as an amount of money, like 45 or 0",
        help_text="What the person pays towards the package after their financial assessment",
    )
    social_care_share = _share_field(SHARES[0][1])
    health_share = _share_field(SHARES[1][1])
    joint_share = _share_field(SHARES[2][1])
    s117_share = _share_field(SHARES[3][1])
    chc_share = _share_field(SHARES[4][1])

    share_fields = tuple(name for name, _ in SHARES)
    cost_field_names = ("weekly_cost", "unit_rate", "units_per_week", "client_contribution")

    def clean(self):
        data = super().clean()
        weekly, rate, units = data.get("weekly_cost"), data.get("unit_rate"), data.get("units_per_week")
        problems = {name for name in ("weekly_cost", "unit_rate", "units_per_week") if name in self.errors}
        if not problems:
            if rate is not None and units is None:
                self.add_error("units_per_week", "Enter the units a week as well as the unit rate")
            elif units is not None and rate is None:
                self.add_error("unit_rate", "Enter the unit rate as well as the units a week")
            elif rate is not None:
                product = (rate * units).quantize(Decimal("0.01"))
                if weekly is not None and weekly != product:
                    self.add_error(
                        "weekly_cost",
                        f"The weekly cost must equal the unit rate times the units a week (£{product:,.2f}), "
                        "or be left blank",
                    )
                weekly = product
            elif weekly is None:
                self.add_error("weekly_cost", "Enter the weekly cost, or a unit rate and units a week")
            if weekly is not None and weekly <= 0 and "weekly_cost" not in self.errors:
                self.add_error("weekly_cost", "The weekly cost must be more than £0")
        contribution = data.get("client_contribution")
        if weekly is not None and contribution is not None and contribution > weekly:
            self.add_error(
                "client_contribution", "The client contribution cannot be more than the weekly cost"
            )
        if not any(name in self.errors for name in self.share_fields):
            total = sum((data.get(name) or Decimal("0")) for name in self.share_fields)
            if total != 100:
                self.add_error(
                    "social_care_share",
                    f"The funding shares must add up to 100% (they add up to {total.normalize():f}%)",
                )
        return data

    def cost_kwargs(self) -> dict:
        """Keyword arguments for the services."""
        data = self.cleaned_data
        return {
            **{name: data.get(name) for name in self.cost_field_names},
            "shares": {name: data.get(name) or Decimal("0") for name in self.share_fields},
        }

    def share_bound_fields(self):
        return [self[name] for name in self.share_fields]

    def cost_bound_fields(self):
        return [self[name] for name in self.cost_field_names]


class PackageRequestForm(CostFieldsForm):
    service_line = forms.ChoiceField(
        label="Service line",
        help_text="The package is paid from this service line's pooled budget for the type of care",
        error_messages={
            "required": "Select the service line that pays for the package",
            "invalid_choice": "Select one of the service lines listed",
        },
    )
    care_type = forms.ChoiceField(
        label="Type of care",
        choices=[("", "Select"), *CareType.choices],
        error_messages={"required": "Select the type of care", "invalid_choice": "Select the type of care"},
    )
    provider = _text_field("Provider", "Enter the provider", rows=0, max_length=200)
    needs_summary = _text_field(
        "The needs it meets",
        "Enter the needs the package meets",
        rows=5,
        help_text="Summarise the eligible needs from the assessment and care and support plan",
    )
    planned_start = _date_field("Planned start date", "Enter the planned start date")
    planned_end = _date_field(
        "Planned end date (optional)",
        "",
        required=False,
        help_text="Leave blank if the package has no end date",
    )
    detail_field_names = (
        "service_line",
        "care_type",
        "provider",
        "needs_summary",
        "planned_start",
        "planned_end",
    )

    def __init__(self, *args, service_lines, **kwargs):
        kwargs.setdefault("initial", {"social_care_share": 100, "client_contribution": 0})
        super().__init__(*args, **kwargs)
        self.fields["service_line"].choices = [("", "Select"), *service_lines]

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end date must be on or after the planned start date")
        return data

    def detail_bound_fields(self):
        return [self[name] for name in self.detail_field_names]


class DecisionForm(forms.Form):
    use_required_attribute = False
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=PanelOutcome.choices,
        widget=ConditionalRadioSelect(conditionals={"approve_with_changes": "conditional-outcome-changes"}),
        error_messages={
            "required": "Select the panel's decision",
            "invalid_choice": "Select the panel's decision",
        },
    )
    changes = _text_field(
        "Changes the panel made",
        "Enter the changes the panel made",
        help_text="What the panel changed, for example fewer hours or another provider",
    )
    approved_weekly_cost = MoneyField(
        label="Approved weekly cost (£, optional)",
        message="Enter the approved weekly cost as an amount of money, like 650 or 650.50",
        help_text="Only if the panel approved a different weekly cost",
    )
    decided_on = _date_field("Date of the decision", "Enter the date of the panel's decision")
    decided_by = _text_field(
        "Decided by",
        "Enter who decided (name and role)",
        rows=0,
        max_length=200,
        help_text="Name and role, for example Jo Smith, Head of Service",
    )
    level = forms.ModelChoiceField(
        label="Authorisation level the panel decided at",
        queryset=AuthorisationLevel.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the authorisation level the panel decided at",
            "invalid_choice": "Select one of the authorisation levels listed",
        },
    )
    reasons = _text_field("The panel's reasons", "Enter the panel's reasons", rows=5)
    after_outcome = ("decided_on", "decided_by", "level", "reasons")

    def after_outcome_fields(self):
        return [self[name] for name in self.after_outcome]

    def __init__(self, *args, levels, requested_cost, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changes"].required = False
        self.levels = levels
        self.requested_cost = requested_cost
        self.fields["level"].queryset = AuthorisationLevel.objects.order_by("rank")
        self.fields["level"].label_from_instance = self._level_label

    @staticmethod
    def _level_label(level):
        if level.max_weekly_cost is None:
            return f"{level.name} (any weekly cost)"
        return f"{level.name} (up to £{level.max_weekly_cost:,.2f} a week)"

    def clean_decided_on(self):
        return _not_future(self, "decided_on", "The date of the decision must be today or in the past")

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == PanelOutcome.APPROVE_WITH_CHANGES:
            if not (data.get("changes") or "").strip():
                self.add_error("changes", "Enter the changes the panel made")
        elif outcome == PanelOutcome.APPROVE and data.get("approved_weekly_cost") not in (
            None,
            self.requested_cost,
        ):
            self.add_error(
                "approved_weekly_cost", "To approve a different weekly cost, choose approve with changes"
            )
        changed = data.get("approved_weekly_cost") if outcome == PanelOutcome.APPROVE_WITH_CHANGES else None
        cost, level = changed or self.requested_cost, data.get("level")
        if outcome in (PanelOutcome.APPROVE, PanelOutcome.APPROVE_WITH_CHANGES) and level and cost:
            needed = level_needed(cost, self.levels)
            if level.rank < needed.rank:
                self.add_error(
                    "level", f"A weekly cost of £{cost:,.2f} needs approval at {needed.name} level or above"
                )
        return data


class StartForm(forms.Form):
    use_required_attribute = False
    started_on = _date_field("Date the package started", "Enter the date the package started")

    def clean_started_on(self):
        return _not_future(self, "started_on", "The start date must be today or in the past")


class CostChangeForm(CostFieldsForm):
    effective_from = _date_field(
        "Date the new cost takes effect",
        "Enter the date the new cost takes effect",
        help_text="It can be in the future. For example, 27 3 2026",
    )
    reason = _text_field("Why the cost changed", "Enter why the cost changed")
    field_order = ("effective_from", *CostFieldsForm.cost_field_names, *CostFieldsForm.share_fields, "reason")

    @staticmethod
    def initial_for(cost) -> dict:
        """The latest version's figures, shares without trailing zeros and blank when 0."""
        if cost is None:
            return {}
        initial = {name: getattr(cost, name) for name in CostFieldsForm.cost_field_names}
        for name in CostFieldsForm.share_fields:
            share = getattr(cost, name)
            initial[name] = f"{share.normalize():f}" if share else ""
        return initial


class EndForm(forms.Form):
    use_required_attribute = False
    ended_on = _date_field("Date the package ended", "Enter the date the package ended")
    reason = _text_field("Why the package ended", "Enter why the package ended")

    def clean_ended_on(self):
        return _not_future(self, "ended_on", "The end date must be today or in the past")


class WithdrawForm(forms.Form):
    use_required_attribute = False
    reason = _text_field("Why the package is withdrawn", "Enter why the package is withdrawn")


class ReviewForm(forms.Form):
    use_required_attribute = False
    reviewed_on = _date_field("Date of the review", "Enter the date of the review")
    notes = _text_field(
        "What the review found",
        "Enter what the review found",
        rows=6,
        help_text="Whether the package still meets the person's needs, and at the right cost",
    )

    def clean_reviewed_on(self):
        return _not_future(self, "reviewed_on", "The date of the review must be today or in the past")


class PackageFilter(django_filters.FilterSet):
    """Filters of the package list. Carries no person data, so it is a GET form."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=PackageStatus.choices, empty_label="All statuses"
    )
    care_type = django_filters.ChoiceFilter(
        label="Type of care", choices=CareType.choices, empty_label="All types of care"
    )
    service_line = django_filters.ModelChoiceFilter(
        label="Service line",
        field_name="budget_line__service_line",
        queryset=FinanceServiceLine.objects.order_by("position", "name"),
        empty_label="All service lines",
    )
    team = django_filters.ModelChoiceFilter(label="Team", queryset=None, empty_label="All teams")
    provider = django_filters.CharFilter(label="Provider", lookup_expr="icontains")
    band = django_filters.ChoiceFilter(
        label="Weekly cost", method="filter_band", empty_label="Any weekly cost"
    )

    def __init__(self, data=None, *args, teams, levels, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.bands = {band.key: band for band in cost_bands(levels)}
        self.filters["band"].extra["choices"] = [(key, band.label) for key, band in self.bands.items()]
        self.filters["team"].queryset = teams
        self.form.use_required_attribute = False

    def filter_band(self, queryset, name, value):
        band = self.bands.get(value)
        if band is None:
            return queryset
        if band.above is not None:
            queryset = queryset.filter(weekly_cost_now__gt=band.above)
        if band.up_to is not None:
            queryset = queryset.filter(weekly_cost_now__lte=band.up_to)
        return queryset

    @property
    def filtered(self) -> bool:
        data = getattr(self.form, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())
