"""Forms for Section 75 agreements and their variations. GOV.UK messages; nothing typed is
lost on an error. The service checks the same rules again (ADR 3)."""

from decimal import Decimal

from django import forms

from accounts.govuk import GovukDateField

from .models import AgreementKind, RiskShareRule
from .services.agreements import SHARES_SUM

HUNDRED = Decimal("100")


class PoolManagerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AgreementForm(forms.Form):
    use_required_attribute = False
    name = forms.CharField(
        label="Name of the agreement",
        max_length=200,
        help_text="For example, Northshire mental health Section 75 agreement",
        error_messages={
            "required": "Enter the name of the agreement",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of agreement",
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of agreement",
            "invalid_choice": "Select the kind of agreement",
        },
    )
    partners = forms.ModelMultipleChoiceField(
        label="Partners",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Councils and NHS bodies that are party to the agreement",
        error_messages={"required": "Select the partners", "invalid_choice": "Select partners from the list"},
    )
    host = forms.ModelChoiceField(
        label="Host partner",
        queryset=None,
        help_text="The partner that hosts the pooled fund and accounts for it",
        error_messages={"required": "Select the host partner", "invalid_choice": "Select the host partner"},
    )
    pool_manager = PoolManagerField(
        label="Pool manager",
        queryset=None,
        help_text="A finance officer of one of the partners",
        error_messages={"required": "Select the pool manager", "invalid_choice": "Select the pool manager"},
    )
    starts_on = GovukDateField(
        label="Start date",
        help_text="For example, 1 4 2026",
        error_messages={"required": "Enter the date the agreement starts"},
    )
    ends_on = GovukDateField(
        label="End date (optional)", required=False, help_text="Leave blank if it runs on"
    )
    risk_share_rule = forms.ChoiceField(
        label="How an over- or underspend is shared",
        choices=RiskShareRule.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how an over- or underspend is shared",
            "invalid_choice": "Select how an over- or underspend is shared",
        },
    )

    def __init__(self, *args, organisations, managers, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.fields["partners"].queryset = organisations
        self.fields["host"].queryset = organisations
        self.fields["host"].empty_label = "Select"
        self.fields["pool_manager"].queryset = managers
        self.fields["pool_manager"].empty_label = "Select"
        self.share_names = []
        for organisation in self.organisations:
            name = f"share_{organisation.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"{organisation.name} share (%)",
                required=False,
                min_value=Decimal("0"),
                max_value=HUNDRED,
                max_digits=5,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
                error_messages={
                    "invalid": f"Enter the share for {organisation.name} as a percentage, for example 25",
                    "min_value": f"The share for {organisation.name} must be from 0 to 100%",
                    "max_value": f"The share for {organisation.name} must be from 0 to 100%",
                    "max_digits": f"The share for {organisation.name} must be from 0 to 100%",
                    "max_decimal_places": (
                        f"The share for {organisation.name} can have up to 2 decimal places"
                    ),
                },
            )
            self.share_names.append(name)
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="What changed and why (optional)",
                required=False,
                max_length=100,
                error_messages={"max_length": "What changed must be 100 characters or fewer"},
            )

    @property
    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("share_") and name != "reason"]

    @property
    def share_fields(self):
        return [self[name] for name in self.share_names]

    @staticmethod
    def initial_for(agreement, partners) -> dict:
        initial = {
            "name": agreement.name,
            "kind": agreement.kind,
            "host": agreement.host_id,
            "pool_manager": agreement.pool_manager_id,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "risk_share_rule": agreement.risk_share_rule,
            "partners": [p.organisation_id for p in partners],
        }
        initial.update(
            {f"share_{p.organisation_id}": p.fixed_share for p in partners if p.fixed_share is not None}
        )
        return initial

    @staticmethod
    def initial_from_merged(merged: dict) -> dict:
        """The form again after a stale save: their changes laid under this user's typing."""
        initial = {k: v for k, v in merged.items() if k not in ("partners", "shares")}
        for field in ("host", "pool_manager"):
            initial[field] = getattr(initial.get(field), "pk", initial.get(field))
        initial["partners"] = [p.pk for p in merged.get("partners") or []]
        initial.update({f"share_{pk}": share for pk, share in (merged.get("shares") or {}).items()})
        return initial

    def shares(self) -> dict:
        return {
            organisation.pk: self.cleaned_data.get(f"share_{organisation.pk}")
            for organisation in self.organisations
        }

    def clean(self):
        data = super().clean()
        partners = data.get("partners") or []
        host = data.get("host")
        if "partners" in data and len(partners) < 2:
            self.add_error("partners", "Select at least two partners")
        if host is not None and partners and host not in partners:
            self.add_error("host", "The host must be one of the partners")
        if data.get("risk_share_rule") == RiskShareRule.FIXED and partners:
            missing = False
            for organisation in partners:
                name = f"share_{organisation.pk}"
                if name in data and data[name] is None:
                    self.add_error(name, f"Enter the fixed share for {organisation.name}")
                    missing = True
            if not missing and not any(f"share_{o.pk}" in self.errors for o in partners):
                total = sum((data[f"share_{o.pk}"] for o in partners), Decimal("0"))
                if total != HUNDRED:
                    self.add_error(None, SHARES_SUM.format(total=f"{total.normalize():f}"))
        return data

    def values(self) -> dict:
        """What the service takes: the agreement's fields, partners and (fixed rule) shares."""
        data = self.cleaned_data
        values = {field: data.get(field) for field in (
            "name", "kind", "host", "pool_manager", "starts_on", "ends_on", "risk_share_rule"
        )}  # fmt: skip
        values["partners"] = list(data.get("partners") or [])
        values["shares"] = {o.pk: self.shares().get(o.pk) for o in values["partners"]}
        return values


class VariationForm(forms.Form):
    use_required_attribute = False
    varied_on = GovukDateField(
        label="Date of the variation",
        help_text="For example, 1 10 2026",
        error_messages={"required": "Enter the date of the variation"},
    )
    description = forms.CharField(
        label="What changed",
        help_text="For example, the schedule of contributions or the functions delegated",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what changed"},
    )
