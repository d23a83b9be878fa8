"""Forms for staffing budgets (seed 003 s3.3): the lines grid with a row to add a line, the
actuals of one month, and the ledger CSV upload. One input per figure; no JavaScript."""

from django import forms

from .forms_budgets import MoneyField

MAX_LEDGER_BYTES = 2 * 1024 * 1024
AMOUNTS = (("budget_amount", "budget"), ("adjusted_budget", "adjusted budget"), ("forecast", "forecast"))


class StaffingLinesForm(forms.Form):
    """Every staffing line's budget, adjusted budget and forecast, and an optional new line."""

    use_required_attribute = False

    def __init__(self, *args, lines, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            for name, what in AMOUNTS:
                self.fields[f"{name}_{line.pk}"] = MoneyField(
                    what=f"the {what} for {line.partner.name} {line.group}",
                    label=f"{what[:1].upper()}{what[1:]} for {line.partner.name} {line.group} (£)",
                    initial=getattr(line, name),
                )
        self.fields["new_partner"] = forms.TypedChoiceField(
            label="Partner",
            required=False,
            coerce=int,
            choices=[("", "Select"), *((p.organisation_id, p.organisation.name) for p in partners)],
            error_messages={"invalid_choice": "Select one of the partners"},
        )
        self.partners = {p.organisation_id: p.organisation for p in partners}
        self.fields["new_group"] = forms.CharField(
            label="Group",
            required=False,
            max_length=40,
            help_text="For example AP, Mgmt, AMH or OPMH",
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            error_messages={"max_length": "The group must be 40 characters or fewer"},
        )
        for name, what in AMOUNTS:
            self.fields[f"new_{name}"] = MoneyField(
                what=f"the {what} for the new line",
                label=f"{what[:1].upper()}{what[1:]} (£)",
                required=False,
            )

    def rows(self) -> list[dict]:
        return [
            {"line": line, "fields": [self[f"{name}_{line.pk}"] for name, _ in AMOUNTS]}
            for line in self.lines
        ]

    def new_fields(self) -> list:
        return [self[f"new_{name}"] for name, _ in AMOUNTS]

    def clean(self):
        data = super().clean()
        names = ["new_partner", "new_group", *(f"new_{n}" for n, _ in AMOUNTS)]
        if any(data.get(n) not in (None, "") for n in names) and not any(n in self.errors for n in names):
            if data.get("new_partner") in (None, ""):
                self.add_error("new_partner", "Select the partner for the new line")
            if not (data.get("new_group") or "").strip():
                self.add_error("new_group", "Enter the group for the new line, for example AP or Mgmt")
            for name, what in AMOUNTS:
                if data.get(f"new_{name}") is None:
                    self.add_error(f"new_{name}", f"Enter the {what} for the new line")
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        return {line.pk: {name: data[f"{name}_{line.pk}"] for name, _ in AMOUNTS} for line in self.lines}

    def new_line(self) -> dict | None:
        data = self.cleaned_data
        if data.get("new_partner") in (None, ""):
            return None
        return {
            "partner": self.partners.get(data["new_partner"]),
            "group": data["new_group"],
            **{name: data[f"new_{name}"] for name, _ in AMOUNTS},
        }


class MonthChoiceForm(forms.Form):
    """Which month's actuals to show (a GET form: it carries no person data)."""

    use_required_attribute = False
    month = forms.ChoiceField(label="Month", error_messages={"invalid_choice": "Select a month in the year"})

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = {f"{m:%Y-%m}": m for m in months}
        self.fields["month"].choices = [(key, f"{m:%B %Y}") for key, m in self.months.items()]


class ActualsForm(forms.Form):
    """The actual spend of one month, one input per staffing line; blank keeps what is there."""

    use_required_attribute = False

    def __init__(self, *args, lines, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            actual = existing.get(line.pk)
            self.fields[f"actual_{line.pk}"] = MoneyField(
                what=f"the actual for {line.partner.name} {line.group}",
                label=f"Actual for {line.partner.name} {line.group} (£)",
                allow_negative=True,
                required=False,
                initial=actual.amount if actual else None,
            )

    def rows(self) -> list[dict]:
        return [{"line": line, "field": self[f"actual_{line.pk}"]} for line in self.lines]

    def amounts(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"actual_{line.pk}") for line in self.lines}


class LedgerImportForm(forms.Form):
    use_required_attribute = False
    file = forms.FileField(
        label="Ledger CSV file",
        help_text=(
            "Columns partner, group, month (YYYY-MM) and amount, with a header row. "
            "A month in the file replaces what was imported for that month before."
        ),
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_LEDGER_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        return upload
