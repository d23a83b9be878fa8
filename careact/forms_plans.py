"""Forms for plans and reviews. GOV.UK messages; nothing typed is lost on an error.

The needs are a formset of rows (need, eligible yes/no, how it is met). "Add another need"
is a submit button that shows the form again with one more row and everything typed kept,
so it works without JavaScript. A row left wholly blank is ignored; clearing a row removes it.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import DirectPayment, ReviewKind, ReviewOutcome
from .services.plans import NEED_MAX_LENGTH

YES_NO = [("yes", "Yes"), ("no", "No")]
MIN_NEED_ROWS = 3  # rows shown on a new plan
BLANK_NEED_ROWS = 1  # blank rows after those already filled in
MAX_NEED_ROWS = 60


class ConditionalRadioSelect(forms.RadioSelect):
    """Radios whose chosen option reveals more questions (GOV.UK conditional reveal).

    `conditionals` maps an option's value to the id of the block it reveals; without
    JavaScript the block simply stays visible.
    """

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
    """Pounds and pence per week; a typed "£" or thousands comma is accepted."""

    def __init__(self, *, label, what, **kwargs):
        super().__init__(
            label=label,
            required=False,
            min_value=Decimal("0"),
            max_digits=9,
            decimal_places=2,
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
            error_messages={
                "invalid": f"Enter the {what} as an amount in pounds, like 180.50",
                "min_value": f"The {what} must be £0 or more",
                "max_decimal_places": f"The {what} can only have pounds and pence, like 180.50",
                "max_digits": f"The {what} must be less than £10,000,000 a week",
                "max_whole_digits": f"The {what} must be less than £10,000,000 a week",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().lstrip("£").replace(",", "").strip()
        return super().to_python(value)


class PlanForm(forms.Form):
    """Everything on the plan but the needs. Nothing is required to save a draft: the
    service checks completeness when the plan is sent for authorisation."""

    use_required_attribute = False
    services = forms.CharField(
        label="Services and support arranged",
        help_text="Who provides what, and when. Include support from family, friends and the community.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    personal_budget_weekly = MoneyField(
        label="Personal budget per week (£)",
        what="personal budget",
        help_text="What it costs the council to meet the needs it is meeting (Care Act s26)",
    )
    direct_payment = forms.ChoiceField(
        label="Is the personal budget taken as a direct payment?",
        choices=DirectPayment.choices,
        initial=DirectPayment.NONE,
        widget=ConditionalRadioSelect(
            conditionals={
                DirectPayment.PART: "conditional-direct-payment-part",
                DirectPayment.FULL: "conditional-direct-payment-full",
            }
        ),
        error_messages={
            "required": "Select whether the personal budget is taken as a direct payment",
            "invalid_choice": "Select whether the personal budget is taken as a direct payment",
        },
    )
    direct_payment_weekly = MoneyField(label="Direct payment per week (£)", what="direct payment")
    contingency = forms.CharField(
        label="Contingency",
        help_text="What happens if the support breaks down, and who to contact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agreed_on = GovukDateField(
        label="Date the plan was agreed with the person",
        help_text="For example, 27 3 2026. Leave blank until it is agreed.",
        required=False,
        error_messages={"invalid": "Enter a real date for when the plan was agreed"},
    )

    def clean_agreed_on(self):
        value = self.cleaned_data.get("agreed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date the plan was agreed must be today or in the past")
        return value

    def clean(self):
        data = super().clean()
        choice = data.get("direct_payment")
        budget, amount = data.get("personal_budget_weekly"), data.get("direct_payment_weekly")
        if choice == DirectPayment.PART:
            if amount is None and "direct_payment_weekly" not in self.errors:
                self.add_error("direct_payment_weekly", "Enter the direct payment per week")
            elif amount is not None and budget is not None and amount > budget:
                self.add_error(
                    "direct_payment_weekly", "The direct payment must not be more than the personal budget"
                )
        return data

    @staticmethod
    def initial_for(plan) -> dict:
        return PlanForm.initial_from({name: getattr(plan, name) for name in PlanForm.base_fields})

    @staticmethod
    def initial_from(values: dict) -> dict:
        """The form's initial data from plan values (a plan, or a merge after a stale save):
        the direct payment amount is asked only for a part payment."""
        initial = {name: values.get(name) for name in PlanForm.base_fields}
        if initial["direct_payment"] != DirectPayment.PART:
            initial["direct_payment_weekly"] = None
        return initial


class NeedForm(forms.Form):
    """One need: what it is, whether it is eligible, how it will be met (s25(1)(a)-(b))."""

    use_required_attribute = False
    need = forms.CharField(
        label="Need",
        required=False,
        max_length=NEED_MAX_LENGTH,
        error_messages={"max_length": f"The need must be {NEED_MAX_LENGTH} characters or fewer"},
    )
    eligible = forms.ChoiceField(
        label="Is it an eligible need?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
        error_messages={"invalid_choice": "Select yes or no"},
    )
    how_met = forms.CharField(
        label="How it will be met", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("need") or data.get("eligible") or data.get("how_met"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("need") and "need" not in self.errors:
            self.add_error("need", "Enter the need")
        if not data.get("eligible") and "eligible" not in self.errors:
            self.add_error("eligible", "Select whether it is an eligible need")
        if not (data.get("how_met") or "").strip():
            self.add_error("how_met", "Enter how the need will be met")
        return data


class BaseNeedFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Every row is validated, even one shown with suggested text and not touched.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def needs(self) -> list[dict]:
        """The filled-in rows in order, as the service takes them (call after is_valid)."""
        return [
            {
                "need": form.cleaned_data["need"].strip(),
                "eligible": form.cleaned_data["eligible"] == "yes",
                "how_met": form.cleaned_data["how_met"].strip(),
            }
            for form in self.forms
            if not form.is_blank()
        ]


NeedFormSet = forms.formset_factory(
    NeedForm, formset=BaseNeedFormSet, extra=0, max_num=MAX_NEED_ROWS, absolute_max=MAX_NEED_ROWS
)


def need_rows(needs: list[dict], *, blank: int = BLANK_NEED_ROWS) -> list[dict]:
    """Initial data for the needs rows: those given, then blank rows (at least MIN_NEED_ROWS)."""
    rows = [
        {
            "need": row.get("need", ""),
            "eligible": "" if row.get("eligible") is None else ("yes" if row.get("eligible") else "no"),
            "how_met": row.get("how_met", ""),
        }
        for row in needs
    ]
    count = min(max(len(rows) + blank, MIN_NEED_ROWS), MAX_NEED_ROWS)
    return rows + [{}] * (count - len(rows))


def typed_rows(formset: BaseNeedFormSet) -> list[dict]:
    """What was typed in each row that is not blank, without validating (for re-showing)."""
    rows = []
    for form in formset.forms:
        row = {name: str(form[name].value() or "") for name in ("need", "eligible", "how_met")}
        if any(value.strip() for value in row.values()):
            rows.append(
                {
                    "need": row["need"],
                    "eligible": None if row["eligible"] not in ("yes", "no") else row["eligible"] == "yes",
                    "how_met": row["how_met"],
                }
            )
    return rows


def typed_values(form: forms.Form) -> dict:
    """What was typed in each field, without validating (for re-showing)."""
    return {name: form[name].value() for name in form.fields}


class DecisionForm(forms.Form):
    """A manager authorises the plan or returns it to the worker with a reason."""

    use_required_attribute = False
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[("authorise", "Authorise the plan"), ("return", "Return it to the worker")],
        widget=ConditionalRadioSelect(conditionals={"return": "conditional-decision-return"}),
        error_messages={"required": "Select whether to authorise or return the plan"},
    )
    reason = forms.CharField(
        label="Why are you returning it?",
        help_text="The worker sees this",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the plan is being returned")
        return data


class ReviewForm(forms.Form):
    """A review of a plan in place (Care Act s27)."""

    use_required_attribute = False
    kind = forms.ChoiceField(
        label="Type of review",
        choices=ReviewKind.choices,
        widget=ConditionalRadioSelect(conditionals={ReviewKind.UNPLANNED: "conditional-kind-unplanned"}),
        error_messages={"required": "Select the type of review"},
    )
    change_reason = forms.CharField(
        label="What changed?",
        help_text="The change in needs or circumstances that prompted the review",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    held_on = GovukDateField(
        label="Date the review was held",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the review was held", "invalid": "Enter a real date"},
    )
    persons_views = forms.CharField(
        label="The person's views",
        help_text="What they said about their support, in their own words where you can",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    whats_working = forms.CharField(
        label="What is working and what is not",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what is working and what is not"},
    )
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=ReviewOutcome.choices,
        widget=ConditionalRadioSelect(),
        error_messages={"required": "Select the outcome of the review"},
    )
    outcome_reason = forms.CharField(
        label="Reasons for the outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the outcome"},
    )

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date the review was held must be today or in the past")
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReviewKind.UNPLANNED and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", "Enter what changed to prompt the review")
        return data
