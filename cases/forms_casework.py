"""Forms for casework pages. GOV.UK messages; nothing typed is lost on an error."""

import datetime
import re

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import AccommodationStatus, CaseNote, EmploymentStatus, InformationSharingDecision

_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


class ReasonForm(forms.Form):
    """A reason for a case transition (close, reopen), with the message the service uses."""

    use_required_attribute = False
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label="Reason", required_message="Enter a reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class ReallocateForm(ReasonForm):
    worker = forms.ModelChoiceField(
        label="Who should the case be allocated to?",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a worker", "invalid_choice": "Select a worker from the list"},
    )
    field_order = ["worker", "reason"]

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda user: user.display_name


class TransferForm(ReasonForm):
    to_team = forms.ModelChoiceField(
        label="Which team should the case move to?",
        queryset=None,
        error_messages={"required": "Select a team", "invalid_choice": "Select a team from the list"},
    )
    field_order = ["to_team", "reason"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = teams
        self.fields["to_team"].empty_label = "Select a team"


class CaseNoteForm(forms.Form):
    use_required_attribute = False
    kind = forms.ChoiceField(
        label="Type of contact",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of contact"},
    )
    date = GovukDateField(
        label="Date of the contact",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the contact", "invalid": "Enter a real date"},
    )
    time = forms.CharField(
        label="Time of the contact",
        help_text="Use the 24-hour clock, for example 09:30 or 14:05",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": "Enter the time of the contact"},
    )
    case = forms.ModelChoiceField(
        label="Case (optional)",
        queryset=None,
        required=False,
        help_text="Leave blank for a note about the person that is not part of one case",
        error_messages={"invalid_choice": "Select one of the person's open cases"},
    )
    text = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter what happened"},
    )

    def __init__(self, *args, open_cases, **kwargs):
        super().__init__(*args, **kwargs)
        if open_cases is None:  # correcting a note: it stays with its case
            del self.fields["case"]
            return
        self.fields["case"].queryset = open_cases
        self.fields["case"].empty_label = "Not part of a case"
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.team.name} (opened {case.opened_at:%-d %B %Y})"
        )

    def clean_time(self):
        value = self.cleaned_data["time"].strip()
        match = _TIME.fullmatch(value)
        if not match:
            raise forms.ValidationError("Enter the time in the 24-hour clock, like 09:30 or 14:05")
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 09:30 or 14:05")
        return datetime.time(hour, minute)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            occurred_at = timezone.make_aware(
                datetime.datetime.combine(data["date"], data["time"]), timezone.get_current_timezone()
            )
            if occurred_at > timezone.now():
                self.add_error("date", "The date and time of the contact must be in the past")
            data["occurred_at"] = occurred_at
        return data


class CaseNoteChangeForm(CaseNoteForm):
    """Correct a note (its author, within 24 hours); the reason goes into its history."""

    reason = forms.CharField(
        label="What did you correct? (optional)",
        required=False,
        max_length=100,
        error_messages={"max_length": "What you corrected must be 100 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, open_cases=None, **kwargs)

    @staticmethod
    def initial_for(note) -> dict:
        at = timezone.localtime(note.occurred_at)
        return {"kind": note.kind, "date": at.date(), "time": f"{at:%H:%M}", "text": note.text}


class StatusCheckForm(forms.Form):
    use_required_attribute = False
    employment = forms.ChoiceField(
        label="Employment status",
        choices=EmploymentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's employment status"},
    )
    accommodation = forms.ChoiceField(
        label="Accommodation status",
        choices=AccommodationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's accommodation status"},
    )
    checked_on = GovukDateField(
        label="Date checked",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it was checked"},
    )

    def clean_checked_on(self):
        value = self.cleaned_data["checked_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date it was checked must be today or in the past")
        return value


class SharingDecisionForm(forms.Form):
    use_required_attribute = False
    what_was_shared = forms.CharField(
        label="What information was shared",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was shared"},
    )
    shared_with = forms.CharField(
        label="Who it was shared with",
        help_text="The person and their organisation, for example Dr Amal Hussein, Mill Lane Surgery",
        max_length=200,
        error_messages={
            "required": "Enter who the information was shared with",
            "max_length": "Who it was shared with must be 200 characters or fewer",
        },
    )
    basis = forms.ChoiceField(
        label="Basis for sharing",
        choices=InformationSharingDecision.Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the basis for sharing"},
    )
    reason = forms.CharField(
        label="Why it was shared",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the information was shared"},
    )
