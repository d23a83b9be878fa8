"""Forms for boards, meetings, report definitions, the report history filter and the
commentary. GOV.UK messages; nothing typed is lost on an error. The services check the
same rules again (ADR 3)."""

from django import forms
from django.utils import timezone

from .forms_actions import _date, _text
from .models import ReportPeriod, ReportStatus
from .sections import registered_sections
from .services.boards import MAX_DAYS_BEFORE
from .services.reports import COMMENTARY_LIMIT

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label, message, *, help_text="", choices=None):
    return forms.TypedChoiceField(
        label=label,
        choices=choices or YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class BoardForm(forms.Form):
    use_required_attribute = False
    name = _text(
        "Name",
        "Enter the name of the board",
        max_length=200,
        help_text="For example, Adult Social Care Committee",
    )
    audience = _text(
        "Who the board is",
        "Enter who the board is and who reads its papers",
        max_length=300,
        rows=3,
        help_text="As the report cover shows it, for example: Councillors of the committee and the public",
    )
    is_active = _yes_no(
        "Does the board still meet?",
        "Select whether the board still meets",
        help_text="A board that no longer meets keeps its reports; no new ones are made",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]


class MeetingForm(forms.Form):
    use_required_attribute = False
    meets_on = _date(
        "Date of the meeting", "Enter the date of the meeting", help_text="For example, 12 3 2027"
    )
    title = _text("Name of the meeting (optional)", "", max_length=200, required=False)

    def clean_meets_on(self):
        value = self.cleaned_data.get("meets_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The meeting date must be today or in the future")
        return value


class DefinitionForm(forms.Form):
    use_required_attribute = False
    title = _text(
        "Title",
        "Enter the title of the report",
        max_length=200,
        help_text="For example, Quarterly performance report",
    )
    sections = forms.MultipleChoiceField(
        label="Sections",
        help_text="The report shows them in this order",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one section",
            "invalid_choice": "Select sections from the list",
        },
    )
    period = forms.ChoiceField(
        label="Period",
        help_text="Whole months, ending at the last month end before the meeting",
        choices=ReportPeriod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the period the report covers"},
    )
    is_public = _yes_no(
        "Which part of the meeting is it for?",
        "Select whether the report is for the public or the private part of the meeting",
        choices=[
            ("yes", "The public part: counts under 5 are suppressed"),
            ("no", "The private part: not for publication"),
        ],
    )
    is_scheduled = _yes_no(
        "Generate it before each meeting?",
        "Select whether the report is generated before each meeting",
        choices=[("yes", "Yes, before each meeting"), ("no", "No, only when someone generates it")],
    )
    days_before_meeting = forms.IntegerField(
        label="Days before the meeting",
        help_text="When a scheduled report is generated, for example 10",
        min_value=0,
        max_value=MAX_DAYS_BEFORE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of days before the meeting",
            "invalid": "The number of days must be a whole number, like 10",
            "min_value": f"Enter the number of days before the meeting, from 0 to {MAX_DAYS_BEFORE}",
            "max_value": f"Enter the number of days before the meeting, from 0 to {MAX_DAYS_BEFORE}",
        },
    )
    is_active = _yes_no(
        "Is the report still made?",
        "Select whether the report is still made",
        help_text="Reports already made are kept either way",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(s.key, s.title) for s in registered_sections()]
        if not editing:
            del self.fields["is_active"]

    @staticmethod
    def initial_for(definition) -> dict:
        return {
            "title": definition.title,
            "sections": list(definition.sections),
            "period": definition.period,
            "is_public": "yes" if definition.is_public else "no",
            "is_scheduled": "yes" if definition.is_scheduled else "no",
            "days_before_meeting": definition.days_before_meeting,
            "is_active": "yes" if definition.is_active else "no",
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        # The order the registry gives, whatever order the boxes were ticked in.
        chosen = set(data["sections"])
        data["sections"] = [key for key, _ in self.fields["sections"].choices if key in chosen]
        return data


class ReportFilterForm(forms.Form):
    """The report history filter. Those who do not write reports see the published ones
    unless they choose otherwise (`default_status`)."""

    use_required_attribute = False
    definition = forms.TypedChoiceField(label="Report", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, data=None, *, definitions, default_status="", **kwargs):
        if default_status and data is not None and "status" not in data:
            data = data.copy()
            data["status"] = default_status
        super().__init__(data, **kwargs)
        self.fields["definition"].choices = [("", "All reports"), *((d.pk, d.title) for d in definitions)]
        self.fields["status"].choices = [
            ("any" if default_status else "", "Any status"),
            *ReportStatus.choices,
        ]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or ""
        return {"definition_id": data.get("definition"), "status": "" if status == "any" else status}


class CommentaryForm(forms.Form):
    """One textarea per section of the report, with the text as first opened (hidden), so a
    stale save can show what someone else changed."""

    use_required_attribute = False

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        limit = f"{COMMENTARY_LIMIT:,}"
        for section in sections:
            self.fields[f"commentary_{section.key}"] = forms.CharField(
                label=f"{section.number}. {section.title}",
                required=False,
                max_length=COMMENTARY_LIMIT,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="What the board should take from these figures (optional)",
                error_messages={
                    "max_length": f"The commentary on {section.title} must be {limit} characters or fewer"
                },
            )
            self.fields[f"opened_{section.key}"] = forms.CharField(
                required=False, strip=False, widget=forms.HiddenInput
            )

    @staticmethod
    def initial_for(commentary: dict, sections) -> dict:
        initial = {}
        for section in sections:
            text = commentary.get(section.key, "")
            initial[f"commentary_{section.key}"] = text
            initial[f"opened_{section.key}"] = text
        return initial

    def commentary(self) -> dict:
        return {s.key: self.cleaned_data.get(f"commentary_{s.key}", "") for s in self.sections}

    def opened(self) -> dict:
        return {
            s.key: (self.cleaned_data.get(f"opened_{s.key}") or "").replace("\r\n", "\n").strip()
            for s in self.sections
        }

    def section_fields(self):
        """(section, commentary field, opened field) in the report's order, for the page."""
        return [(s, self[f"commentary_{s.key}"], self[f"opened_{s.key}"]) for s in self.sections]
