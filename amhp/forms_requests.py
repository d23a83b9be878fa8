"""Forms for MHA assessment requests and assessments. GOV.UK messages; nothing typed is lost.

The forms check what a single field can (a real date, a time on the 24-hour clock); the rules
of the Act are checked by the services (amhp.services.requests, amhp.rules), so no screen can
skip them.
"""

import datetime
import re

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from . import rules
from .models import (
    PLACE_OF_SAFETY_STATUSES,
    DelayCause,
    LegalStatus,
    NearestRelativeContact,
    Outcome,
    RequesterKind,
)

_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
TIME_HINT = "24-hour clock, for example 14:30"
YES_NO = [("yes", "Yes"), ("no", "No")]


class TimeField(forms.CharField):
    """A time typed on the 24-hour clock, like 09:30 or 14.05."""

    widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"})

    def __init__(self, *, label, required=True, required_message="Enter a time", **kwargs):
        super().__init__(
            label=label,
            required=required,
            max_length=5,
            help_text=kwargs.pop("help_text", TIME_HINT),
            error_messages={"required": required_message},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        match = _TIME.fullmatch(value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter a real time on the 24-hour clock, like 09:30 or 14:05")
        return datetime.time(int(match[1]), int(match[2]))


def _combine(form, data, date_field: str, time_field: str, *, what: str, required: bool = False):
    """A date field and a time field as one aware datetime (Europe/London), or None.

    Half an answer is an error on the missing half; `required` makes an empty pair an error.
    """
    on, at = data.get(date_field), data.get(time_field)
    if date_field in form.errors or time_field in form.errors:
        return None
    if on and at:
        return timezone.make_aware(datetime.datetime.combine(on, at))
    if on and not at:
        form.add_error(time_field, f"Enter the time {what}")
    elif at and not on:
        form.add_error(date_field, f"Enter the date {what}")
    elif required:
        form.add_error(date_field, f"Enter the date and time {what}")
    return None


def _now_initial(kwargs, date_field: str, time_field: str) -> None:
    kwargs.setdefault("initial", {})
    now = timezone.localtime()
    kwargs["initial"].setdefault(date_field, now.date())
    kwargs["initial"].setdefault(time_field, now.strftime("%H:%M"))


# --- A request ------------------------------------------------------------------------------


class RequestForm(forms.Form):
    """A request taken by phone: when, who asked, where the person is, their legal status."""

    use_required_attribute = False
    team = forms.TypedChoiceField(
        label="AMHP team",
        coerce=int,
        error_messages={"required": "Select the AMHP team", "invalid_choice": "Select the AMHP team"},
    )
    received_on = GovukDateField(
        label="Date the request was received",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the request was received"},
    )
    received_time = TimeField(
        label="Time the request was received", required_message="Enter the time the request was received"
    )
    requester_kind = forms.ChoiceField(
        label="Who asked for the assessment?",
        choices=RequesterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who asked for the assessment"},
    )
    requester_name = forms.CharField(
        label="Their name",
        help_text="For the police, include the officer's collar number",
        max_length=200,
        error_messages={"required": "Enter the name of the person who asked"},
    )
    requester_contact = forms.CharField(
        label="How to contact them",
        help_text="A phone number, or a ward or custody suite with its number",
        max_length=200,
        error_messages={"required": "Enter how to contact the person who asked"},
    )
    location = forms.CharField(
        label="Where is the person now?",
        max_length=300,
        error_messages={"required": "Enter where the person is now"},
    )
    legal_status = forms.ChoiceField(
        label="Their legal status now",
        choices=LegalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's legal status"},
    )
    arrived_on = GovukDateField(
        label="Date they arrived at the place of safety",
        help_text="Only for section 135 or 136: the 24-hour clock starts at arrival",
        required=False,
    )
    arrived_time = TimeField(label="Time they arrived at the place of safety", required=False)
    reason = forms.CharField(
        label="Reason for the request",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, teams, **kwargs):
        _now_initial(kwargs, "received_on", "received_time")
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        self.fields["team"].choices = [("", "Select a team"), *((team.pk, team.name) for team in teams)]
        if len(teams) == 1:
            self.fields["team"].required = False
            self.fields["team"].widget = forms.HiddenInput()
            self.initial.setdefault("team", teams[0].pk)

    def clean_team(self):
        """The team itself; with only one AMHP team, that team whatever was posted."""
        if len(self.teams) == 1:
            return next(iter(self.teams.values()))
        return self.teams.get(self.cleaned_data.get("team"))

    def clean(self):
        data = super().clean()
        data["received_at"] = _combine(
            self, data, "received_on", "received_time", what="the request was received", required=True
        )
        place_of_safety = data.get("legal_status") in PLACE_OF_SAFETY_STATUSES
        data["arrived_at_place_of_safety"] = _combine(
            self,
            data,
            "arrived_on",
            "arrived_time",
            what="the person arrived at the place of safety",
            required=place_of_safety,
        )
        for field in ("received_on", "arrived_on"):
            at = data.get("received_at" if field == "received_on" else "arrived_at_place_of_safety")
            if at and at > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error(field, "The date and time must be in the past")
        return data

    def request_data(self) -> dict:
        fields = ("received_at", "requester_kind", "requester_name", "requester_contact", "location")
        fields += ("legal_status", "reason", "arrived_at_place_of_safety")
        return {field: self.cleaned_data.get(field) for field in fields}


class ExtensionForm(forms.Form):
    use_required_attribute = False
    hours = forms.IntegerField(
        label="How many hours is the period extended by?",
        help_text="Whole hours, up to 12",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many hours the period is extended by",
            "invalid": "Enter the extension as a whole number of hours, like 6",
        },
    )
    authorised_by = forms.CharField(
        label="Doctor who authorised the extension",
        help_text="The registered medical practitioner responsible for the examination",
        max_length=200,
        error_messages={"required": "Enter the name of the doctor who authorised the extension"},
    )
    reason = forms.CharField(
        label="The doctor's reason",
        help_text="Why the assessment cannot be completed within the period",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the doctor's reason for the extension"},
    )


class AllocateForm(forms.Form):
    use_required_attribute = False
    amhp = forms.TypedChoiceField(
        label="Which AMHP?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select an AMHP", "invalid_choice": "Select an AMHP from the list"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, choices, reallocating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amhp"].choices = [(c.user.pk, c.label) for c in choices]
        self.fields["amhp"].help_text = "AMHPs whose approval is valid today; those on duty now first"
        if reallocating:
            self.fields["reason"].label = "Why is the request being reallocated?"
        else:
            self.fields["reason"].label = "Notes (optional)"


class ReasonForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label, required_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


# --- The assessment ----------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    use_required_attribute = False
    assessed_on = GovukDateField(
        label="Date of the assessment",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the assessment"},
    )
    assessed_time = TimeField(
        label="Time of the assessment", required_message="Enter the time of the assessment"
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the assessment"},
    )
    application_on = GovukDateField(
        label="Date the application was made",
        help_text="Only for section 2, 3 or 4",
        required=False,
    )
    application_time = TimeField(label="Time the application was made", required=False)
    s4_admitted_on = GovukDateField(
        label="Date admitted under section 4",
        help_text="Only for section 4: the 72-hour clock starts at admission",
        required=False,
    )
    s4_admitted_time = TimeField(label="Time admitted under section 4", required=False)
    nearest_relative_name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="Leave empty if no one appears to be the {role}",
    )
    nearest_relative_relationship = forms.CharField(
        label="Relationship to the person", required=False, max_length=100
    )
    nearest_relative_contact = forms.ChoiceField(
        label="Were they informed or consulted?",
        choices=NearestRelativeContact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the {role} was informed or consulted"},
    )
    nearest_relative_objected = forms.TypedChoiceField(
        label="Did they object to an application?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select whether the {role} objected"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.role = rules.rules_on().person_role_name
        for name in ("nearest_relative_name", "nearest_relative_contact", "nearest_relative_objected"):
            field = self.fields[name]
            field.help_text = field.help_text.format(role=self.role)
            field.error_messages = {k: v.format(role=self.role) for k, v in field.error_messages.items()}

    def clean(self):
        data = super().clean()
        data["assessed_at"] = _combine(
            self, data, "assessed_on", "assessed_time", what="of the assessment", required=True
        )
        data["application_made_at"] = _combine(
            self, data, "application_on", "application_time", what="the application was made"
        )
        data["s4_admitted_at"] = _combine(
            self, data, "s4_admitted_on", "s4_admitted_time", what="the person was admitted under section 4"
        )
        return data

    def assessment_data(self) -> dict:
        fields = ("assessed_at", "outcome", "application_made_at", "s4_admitted_at", "notes")
        fields += ("nearest_relative_name", "nearest_relative_relationship")
        fields += ("nearest_relative_contact", "nearest_relative_objected")
        return {field: self.cleaned_data.get(field) for field in fields}


class RecommendationForm(forms.Form):
    """One doctor: a blank row is left out (formset extra forms may be empty)."""

    use_required_attribute = False
    doctor_name = forms.CharField(
        label="Doctor's name", max_length=200, error_messages={"required": "Enter the doctor's name"}
    )
    s12_approved = forms.TypedChoiceField(
        label="Approved under section 12?",
        help_text="An approved clinician counts as approved (section 12(2A))",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select whether the doctor is approved under section 12"},
    )
    previous_acquaintance = forms.BooleanField(label="Knew the person before the assessment", required=False)
    examined_on = GovukDateField(
        label="Date of the medical examination",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the doctor examined the person"},
    )


class DelayForm(forms.Form):
    use_required_attribute = False
    cause = forms.ChoiceField(
        label="Cause",
        choices=[("", "Select a cause"), *DelayCause.choices],
        error_messages={"required": "Select the cause"},
    )
    minutes = forms.IntegerField(
        label="How long, in minutes",
        min_value=1,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how long the delay lasted, in minutes",
            "invalid": "Enter the minutes as a whole number, like 90",
            "min_value": "Enter the minutes as a number greater than 0",
        },
    )
    details = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


DOCTOR_ROWS = 2
DELAY_ROWS = 3
RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=DOCTOR_ROWS, max_num=DOCTOR_ROWS)
DelayFormSet = forms.formset_factory(DelayForm, extra=DELAY_ROWS, max_num=DELAY_ROWS)


def filled_rows(formset) -> list[dict]:
    """The rows someone typed into (blank extra rows are not rows)."""
    return [form.cleaned_data for form in formset.forms if form.has_changed() and form.cleaned_data]


class ConvertS4Form(RecommendationForm):
    """The second medical recommendation, and when the hospital received it."""

    received_on = GovukDateField(
        label="Date the second recommendation was received",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the second recommendation was received"},
    )
    received_time = TimeField(
        label="Time it was received", required_message="Enter the time the second recommendation was received"
    )

    def __init__(self, *args, **kwargs):
        _now_initial(kwargs, "received_on", "received_time")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["received_at"] = _combine(
            self,
            data,
            "received_on",
            "received_time",
            what="the second recommendation was received",
            required=True,
        )
        return data

    def recommendation(self) -> dict:
        fields = ("doctor_name", "s12_approved", "previous_acquaintance", "examined_on")
        return {field: self.cleaned_data.get(field) for field in fields}
