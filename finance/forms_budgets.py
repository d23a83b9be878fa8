"""Forms for the pooled budget: setting up a year, the lines editor and forecast adjustments.

Plain forms with one input per line, so they work without JavaScript (DESIGN.md section 7).
Money is typed in pounds (commas and a pound sign are allowed) and kept as Decimal. Income
is typed as the positive amount expected and stored negative, as the tables show it.
"""

from decimal import Decimal

from django import forms

from accounts.govuk import GovukDateField

from .models import LineSection, financial_year_label
from .selectors_budgets import budget_overview

YES_NO = [("yes", "Yes"), ("no", "No")]


class MoneyInput(forms.TextInput):
    """Shows a saved amount as people write it: 3,000,000 or 1,250.50 (never 3000000.00)."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
        return super().format_value(value)


class MoneyField(forms.DecimalField):
    """Pounds and pence, typed as people write them ("1,250", "£1250.50")."""

    def __init__(self, *, what: str, allow_negative: bool = False, width: int = 10, **kwargs):
        what_cap = what[:1].upper() + what[1:]
        messages = {
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as an amount in pounds, for example 1250 or 1250.50",
            "max_decimal_places": f"Enter {what} in pounds and pence, with no more than 2 decimal places",
            "max_digits": f"{what_cap} is too large",
            "max_whole_digits": f"{what_cap} is too large",
            "min_value": f"{what_cap} cannot be negative",
        }
        messages.update(kwargs.pop("error_messages", {}))
        kwargs.setdefault("min_value", None if allow_negative else Decimal("0"))
        super().__init__(
            max_digits=14,
            decimal_places=2,
            error_messages=messages,
            widget=MoneyInput(attrs={"inputmode": "decimal", "class": f"govuk-input--width-{width}"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("£", "").replace(" ", "")
        return super().to_python(value)


def contribution_fields(form: forms.Form, partners, initial: dict | None = None) -> list[str]:
    """One contribution field per partner; returns the field names in order."""
    names = []
    for partner in partners:
        name = f"contribution_{partner.organisation_id}"
        form.fields[name] = MoneyField(
            what=f"the contribution from {partner.organisation.name}",
            label=f"Contribution from {partner.organisation.name} (£)",
            error_messages={"required": f"Enter the contribution from {partner.organisation.name}, or 0"},
            initial=(initial or {}).get(partner.organisation_id),
        )
        names.append(name)
    return names


def contributions_from(form: forms.Form, partners) -> dict:
    return {p.organisation_id: form.cleaned_data.get(f"contribution_{p.organisation_id}") for p in partners}


class BudgetCreateForm(forms.Form):
    use_required_attribute = False
    year = forms.TypedChoiceField(
        label="Financial year",
        help_text="April to March",
        coerce=int,
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select the financial year",
        },
    )

    def __init__(self, *args, years, taken, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Select")] + [
            (year, financial_year_label(year) + (" (already set up)" if year in taken else ""))
            for year in years
        ]
        self.partners = partners
        self.contribution_names = contribution_fields(self, partners)

    def contributions(self) -> dict:
        return contributions_from(self, self.partners)


class BudgetLinesForm(forms.Form):
    """Every line of the budget: an amount each (income as the positive amount expected), the
    partner bearing each line's variance, and the contributions."""

    use_required_attribute = False

    def __init__(self, *args, budget, lines, partners, contributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.partners = partners
        host_id = budget.agreement.host_id
        choices = [(p.organisation_id, p.organisation.name) for p in partners]
        self.contribution_names = contribution_fields(
            self, partners, {c.organisation_id: c.amount for c in contributions}
        )
        for line in lines:
            income = line.section == LineSection.INCOME
            name = (
                str(line).lower()
                if line.service_line_id is None
                else f"{line.service_line} {line.get_category_display().lower()}"
            )
            what = f"the income expected from {name}" if income else f"the budget for {name}"
            self.fields[f"amount_{line.pk}"] = MoneyField(
                what=what,
                allow_negative=line.section == LineSection.ADJUSTMENT,
                label=what[:1].upper() + what[1:] + " (£)",
                initial=-line.amount if income else line.amount,
                error_messages={
                    "required": f"Enter {what}, or 0",
                    "min_value": (
                        f"Enter {what} as a positive amount: it is held as a negative figure"
                        if income
                        else f"The budget for {name} cannot be negative"
                    ),
                },
            )
            self.fields[f"partner_{line.pk}"] = forms.TypedChoiceField(
                label=f"Partner bearing the {name} variance",
                choices=choices,
                coerce=int,
                initial=line.partner_id or host_id,
                error_messages={
                    "required": f"Select the partner bearing the {name} variance",
                    "invalid_choice": f"Select one of the partners for {name}",
                },
            )
        self.overview = budget_overview(budget, lines)

    @property
    def contribution_fields(self) -> list:
        return [self[name] for name in self.contribution_names]

    def row(self, line) -> dict:
        return {"line": line, "amount": self[f"amount_{line.pk}"], "partner": self[f"partner_{line.pk}"]}

    def blocks(self) -> list[dict]:
        return [
            {
                "service_line": block.service_line,
                "expenditure": [self.row(line) for line in block.expenditure],
                "income": [self.row(line) for line in block.income],
            }
            for block in self.overview.blocks
        ]

    def adjustment_rows(self) -> list[dict]:
        return [self.row(line) for line in self.overview.adjustments]

    def amounts(self) -> dict:
        """Amounts in the stored signs: income negated."""
        data = self.cleaned_data
        return {
            line.pk: (
                -data[f"amount_{line.pk}"]
                if line.section == LineSection.INCOME
                else data[f"amount_{line.pk}"]
            )
            for line in self.lines
        }

    def bearing_partners(self) -> dict:
        return {line.pk: self.cleaned_data[f"partner_{line.pk}"] for line in self.lines}

    def contributions(self) -> dict:
        return contributions_from(self, self.partners)


class AdjustmentForm(forms.Form):
    use_required_attribute = False
    line = forms.TypedChoiceField(
        label="Which adjustment",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which adjustment", "invalid_choice": "Select which adjustment"},
    )
    amount = MoneyField(
        what="the amount",
        allow_negative=True,
        label="Amount for the year (£)",
        help_text="A saving is a negative amount, for example -25000",
    )
    in_commitment = forms.TypedChoiceField(
        label="Is it already committed?",
        choices=[("yes", "Yes: count it in the commitment and the forecast"), ("no", "No: forecast only")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=(
            "An agreed inflation uplift is committed; backdating risk or expected demand is forecast only"
        ),
        error_messages={"required": "Select whether it is already committed"},
    )
    effective_from = GovukDateField(
        label="Takes effect from",
        help_text="For example, 1 10 2026",
        error_messages={"required": "Enter the date it takes effect"},
    )
    note = forms.CharField(
        label="What it is for",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the adjustment is for"},
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        self.fields["line"].choices = [(line.pk, line.get_category_display()) for line in lines]

    def chosen_line(self):
        return self.lines.get(self.cleaned_data.get("line"))


class WithdrawAdjustmentForm(forms.Form):
    use_required_attribute = False
    withdrawn_on = GovukDateField(
        label="Withdrawn from",
        help_text="It stops counting from this day. For example, 1 1 2027",
        error_messages={"required": "Enter the date the adjustment is withdrawn"},
    )
