"""Forms for the AMHP register. GOV.UK messages; nothing typed is lost on an error."""

from decimal import Decimal

from django import forms

from accounts.govuk import GovukDateField
from accounts.models import EmploymentType

from .models import Profession
from .services.register import END_KINDS


class _Form(forms.Form):
    use_required_attribute = False


class AmhpDetailsForm(_Form):
    """Profession, employer and employment: what the register says about an AMHP."""

    profession = forms.ChoiceField(
        label="Profession",
        choices=Profession.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the AMHP's profession"},
    )
    employer = forms.ModelChoiceField(
        label="Employing organisation",
        queryset=None,
        error_messages={
            "required": "Select the organisation that employs the AMHP",
            "invalid_choice": "Select an organisation from the list",
        },
    )
    employment_type = forms.ChoiceField(
        label="Type of employment",
        choices=EmploymentType.choices,
        widget=forms.RadioSelect,
        help_text="Locum and agency AMHPs are shown as locums on the register and the rota.",
        error_messages={"required": "Select the type of employment"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        self.fields["employer"].empty_label = "Select an organisation"


class AddAmhpForm(AmhpDetailsForm):
    user = forms.ModelChoiceField(
        label="Who is joining the register?",
        queryset=None,
        help_text="Members of your AMHP team with the AMHP role who are not on the register yet.",
        error_messages={
            "required": "Select the AMHP to add",
            "invalid_choice": "Select an AMHP from the list",
        },
    )
    field_order = ["user", "profession", "employer", "employment_type", "notes"]

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].empty_label = "Select a member of the team"
        self.fields["user"].label_from_instance = lambda user: user.display_name


class ChangeAmhpForm(AmhpDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApprovalForm(_Form):
    approved_on = GovukDateField(
        label="Date of approval",
        help_text="For example, 3 3 2026",
        error_messages={"required": "Enter the date of approval"},
    )
    expires_on = GovukDateField(
        label="Expiry date (optional)",
        required=False,
        help_text="Leave blank for the longest an approval can last: 5 years less a day.",
    )


class EndApprovalForm(_Form):
    how = forms.ChoiceField(
        label="Is the approval suspended or withdrawn?",
        choices=END_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the approval is suspended or withdrawn"},
    )
    ended_on = GovukDateField(
        label="The first day the AMHP may not act",
        help_text="For example, 3 3 2026",
        error_messages={"required": "Enter the date the approval ends"},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the approval is ending early"},
    )


class TrainingForm(_Form):
    completed_on = GovukDateField(
        label="Date of the training",
        help_text="For example, 3 3 2026",
        error_messages={"required": "Enter the date of the training"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the title of the training"}
    )
    provider = forms.CharField(label="Provider (optional)", max_length=200, required=False)
    hours = forms.DecimalField(
        label="Hours",
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        help_text="To one decimal place at most, like 3.5",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the hours of training",
            "invalid": "Enter the hours as a number, like 3 or 3.5",
            "min_value": "Enter the hours as a number greater than 0",
            "max_decimal_places": "Enter the hours to no more than one decimal place, like 3.5",
            "max_digits": "Enter hours of 999.9 or fewer",
            "max_whole_digits": "Enter hours of 999.9 or fewer",
        },
    )

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class RegisterFilterForm(_Form):
    """Filters of the register page (no person data: a GET form)."""

    profession = forms.ChoiceField(label="Profession", required=False)
    employment = forms.ChoiceField(
        label="Employment",
        required=False,
        choices=[
            ("", "All"),
            ("permanent", "Permanent"),
            ("seconded", "Seconded"),
            ("locum", "Locum or agency"),
        ],
    )
    expiring = forms.BooleanField(label="Approval expires within 90 days", required=False)
    behind = forms.BooleanField(label="Training behind or short", required=False)
    include_left = forms.BooleanField(label="Include AMHPs who have left the team", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profession"].choices = [("", "All"), *Profession.choices]

    @property
    def filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
