"""Forms for the section 117 register. GOV.UK messages; nothing typed is lost on an error.

The services check the same rules again (ADR 3); the forms say what is wrong beside the
answer that is wrong.
"""

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import QualifyingSection, Section117Status
from .services.s117 import NOT_QUALIFYING, S117_REVIEW_INTERVAL_RANGE

YES_NO = [("yes", "Yes"), ("no", "No")]
LOW, HIGH = S117_REVIEW_INTERVAL_RANGE
PLAN_REQUIRED = "Enter the aftercare plan: the services that meet needs arising from the disorder"


def _organisation_field(label, queryset, message):
    field = forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        error_messages={"required": message, "invalid_choice": message},
    )
    field.empty_label = "Select"
    return field


def _interval_field():
    message = f"Enter how often aftercare is reviewed, from {LOW} to {HIGH} months"
    return forms.IntegerField(
        label="Review every (months)",
        help_text="Aftercare is reviewed at least every 12 months",
        min_value=LOW,
        max_value=HIGH,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def _not_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class Section117Form(forms.Form):
    use_required_attribute = False
    section = forms.ChoiceField(
        label="Section the person was detained under",
        choices=QualifyingSection.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Only these sections give a right to aftercare under section 117. Detention under "
            "section 2 (assessment), section 4, section 5, section 135 or section 136 does not."
        ),
        error_messages={"required": NOT_QUALIFYING, "invalid_choice": NOT_QUALIFYING},
    )
    detained_on = GovukDateField(
        label="Date detained (optional)", required=False, help_text="For example, 27 3 2026"
    )
    discharged_on = GovukDateField(
        label="Date discharged from hospital",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the person was discharged from hospital"},
    )
    responsible_council = _organisation_field("Responsible council", None, "Select the responsible council")
    responsible_icb = _organisation_field(
        "Responsible integrated care board (ICB)", None, "Select the responsible ICB"
    )
    aftercare_plan = forms.CharField(
        label="Aftercare plan",
        help_text=(
            "The services that meet needs arising from the mental disorder and reduce the risk "
            "of it getting worse"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": PLAN_REQUIRED},
    )
    review_interval_months = _interval_field()
    team = forms.TypedChoiceField(
        label="Which team holds this entry?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the team", "invalid_choice": "Select one of the teams listed"},
    )

    def __init__(self, *args, councils, icbs, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_council"].queryset = councils
        self.fields["responsible_icb"].queryset = icbs
        self.fields[
            "responsible_council"
        ].help_text = "Where the person lived immediately before they were detained (MHA s117(3))"
        self.teams = {team.pk: team for team in teams}
        if len(self.teams) > 1:
            self.fields["team"].choices = [(pk, team.name) for pk, team in self.teams.items()]
        else:
            del self.fields["team"]

    def chosen_team(self):
        if "team" in self.fields:
            return self.teams.get(self.cleaned_data.get("team"))
        return next(iter(self.teams.values()), None)

    def clean_detained_on(self):
        return _not_future(
            self.cleaned_data.get("detained_on"), "The date of detention must be today or in the past"
        )

    def clean_discharged_on(self):
        return _not_future(
            self.cleaned_data.get("discharged_on"), "The discharge date must be today or in the past"
        )

    def clean(self):
        data = super().clean()
        detained, discharged = data.get("detained_on"), data.get("discharged_on")
        if detained and discharged and discharged < detained:
            self.add_error("discharged_on", "The discharge date must be on or after the date of detention")
        return data


class Section117ChangeForm(forms.Form):
    use_required_attribute = False
    aftercare_plan = forms.CharField(
        label="Aftercare plan",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": PLAN_REQUIRED},
    )
    responsible_council = _organisation_field("Responsible council", None, "Select the responsible council")
    responsible_icb = _organisation_field(
        "Responsible integrated care board (ICB)", None, "Select the responsible ICB"
    )
    review_interval_months = _interval_field()
    reason = forms.CharField(
        label="What changed and why? (optional)",
        required=False,
        max_length=100,
        error_messages={"max_length": "What changed must be 100 characters or fewer"},
    )

    def __init__(self, *args, councils, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_council"].queryset = councils
        self.fields["responsible_icb"].queryset = icbs

    @staticmethod
    def initial_for(entitlement) -> dict:
        return {
            "aftercare_plan": entitlement.aftercare_plan,
            "responsible_council": entitlement.responsible_council_id,
            "responsible_icb": entitlement.responsible_icb_id,
            "review_interval_months": entitlement.review_interval_months,
        }


class Section117ReviewForm(forms.Form):
    use_required_attribute = False
    held_on = GovukDateField(
        label="Date of the review",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the review"},
    )
    attendees = forms.CharField(
        label="Who took part",
        help_text="The council, the ICB, the person, their carers and others",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who took part in the review"},
    )
    needs_continue = forms.TypedChoiceField(
        label="Is aftercare still needed for needs arising from the mental disorder?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        help_text="If not, aftercare still continues until the council and the ICB jointly decide to end it",
        error_messages={"required": "Select whether aftercare is still needed"},
    )
    notes = forms.CharField(
        label="What was reviewed and decided",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what was reviewed and decided"},
    )

    def clean_held_on(self):
        return _not_future(
            self.cleaned_data.get("held_on"), "The date of the review must be today or in the past"
        )


class Section117EndForm(forms.Form):
    """The joint decision. Not required field by field: the service names what is missing."""

    use_required_attribute = False
    council_decision_by = forms.CharField(
        label="Council decision made by",
        help_text="Name and role, for example Jo Smith, Head of Adult Social Care",
        required=False,
        max_length=200,
        error_messages={"max_length": "Who made the council's decision must be 200 characters or fewer"},
    )
    council_decision_on = GovukDateField(label="Date of the council's decision", required=False)
    icb_decision_by = forms.CharField(
        label="ICB decision made by",
        help_text="Name and role, for example Dr Ali Khan, Continuing Healthcare Lead",
        required=False,
        max_length=200,
        error_messages={"max_length": "Who made the ICB's decision must be 200 characters or fewer"},
    )
    icb_decision_on = GovukDateField(label="Date of the ICB's decision", required=False)
    reason = forms.CharField(
        label="Why aftercare is no longer needed for needs arising from the mental disorder",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class RegisterFilterForm(forms.Form):
    """Filters of the register. Carries no person data, so it is a GET form."""

    use_required_attribute = False
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[*Section117Status.choices, ("all", "All")],
    )
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False)
    section = forms.ChoiceField(label="Detained under", required=False)
    overdue = forms.BooleanField(label="Only reviews overdue", required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams"), *((t.pk, t.name) for t in teams)]
        self.fields["section"].choices = [("", "Any qualifying section"), *QualifyingSection.choices]

    def filters(self) -> dict:
        """Valid filters for the selector; a bad value counts as no filter."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or Section117Status.ACTIVE
        return {
            "status": "" if status == "all" else status,
            "team_id": data.get("team") or None,
            "section": data.get("section") or "",
            "overdue": bool(data.get("overdue")),
        }
