"""Forms for the AMHP rota. GOV.UK messages; nothing typed is lost on an error."""

import datetime
import re

from django import forms

from accounts.govuk import GovukDateField

from .models import ShiftKind, ShiftPattern

_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


class _Form(forms.Form):
    use_required_attribute = False


class TimeField(forms.CharField):
    """A time on the 24-hour clock, typed as 09:00 or 9.00."""

    widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _TIME.fullmatch(value.strip())
        if not match:
            raise forms.ValidationError("Enter the time in the 24-hour clock, like 09:00 or 17:30")
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 09:00 or 17:30")
        return datetime.time(hour, minute)

    def prepare_value(self, value):
        return value.strftime("%H:%M") if isinstance(value, datetime.time) else value


class PatternForm(_Form):
    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Enter a name for the shift pattern"}
    )
    kind = forms.ChoiceField(
        label="Kind of shift",
        choices=ShiftKind.choices,
        error_messages={"required": "Select the kind of shift"},
    )
    applies_on = forms.ChoiceField(
        label="Which days does it run on?",
        choices=ShiftPattern.AppliesOn.choices,
        widget=forms.RadioSelect,
        help_text="On a bank holiday only bank holiday and every-day patterns run.",
        error_messages={"required": "Select the days the shift runs on"},
    )
    starts_at = TimeField(
        label="Starts at",
        help_text="Use the 24-hour clock, for example 09:00",
        error_messages={"required": "Enter the time the shift starts"},
    )
    ends_at = TimeField(
        label="Ends at",
        help_text="A time at or before the start means the shift ends the next day, for example 09:00",
        error_messages={"required": "Enter the time the shift ends"},
    )
    minimum_amhps = forms.IntegerField(
        label="Minimum number of AMHPs",
        min_value=1,
        max_value=50,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the minimum number of AMHPs",
            "invalid": "Enter the minimum as a whole number, like 1 or 2",
            "min_value": "At least one AMHP must be on every shift",
            "max_value": "Enter a minimum of 50 AMHPs or fewer",
        },
    )
    is_active = forms.BooleanField(
        label="In use: build shifts from this pattern",
        required=False,
        help_text="Changes apply to months built from now on; shifts already built keep their times.",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]

    @staticmethod
    def initial_for(pattern: ShiftPattern) -> dict:
        fields = ("name", "kind", "applies_on", "starts_at", "ends_at", "minimum_amhps", "is_active")
        return {f: getattr(pattern, f) for f in fields}


class BuildForm(_Form):
    month = forms.ChoiceField(
        label="Which month?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the month to build",
            "invalid_choice": "Select a month from the list",
        },
    )

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in months]

    def clean_month(self):
        year, month = self.cleaned_data["month"].split("-")
        return datetime.date(int(year), int(month), 1)


class _PickAmhpForm(_Form):
    def _set_choices(self, field: str, candidates):
        self.fields[field].choices = [(c.profile.pk, c.name) for c in candidates]


class AssignForm(_PickAmhpForm):
    amhp = forms.TypedChoiceField(
        label="Who should go on the shift?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select an AMHP", "invalid_choice": "Select an AMHP from the list"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_choices("amhp", candidates)


class RemoveForm(_Form):
    reason = forms.CharField(
        label="Why is the AMHP coming off the shift?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the AMHP is coming off the shift"},
    )


class SwapForm(_PickAmhpForm):
    to_amhp = forms.TypedChoiceField(
        label="Who is taking the shift?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the AMHP taking the shift",
            "invalid_choice": "Select an AMHP from the list",
        },
    )
    reason = forms.CharField(
        label="Why are they swapping?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the shift is being swapped"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_choices("to_amhp", candidates)


class WeekForm(_Form):
    """Which week (or month) of the rota to show: a GET form."""

    week = GovukDateField(label="Show the week that includes", required=False)


GAP_WEEKS = (2, 4, 6, 8, 12, 26)


class GapsForm(_Form):
    weeks = forms.TypedChoiceField(
        label="Look ahead",
        coerce=int,
        required=False,
        choices=[(w, f"{w} weeks") for w in GAP_WEEKS],
    )
