"""Forms for concerns, the s42 decision and the oversight filters. GOV.UK messages;
nothing typed is lost on an error. The services check every rule again."""

import datetime
import re

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import (
    AbuseType,
    ConcernConsent,
    EnquiryKind,
    EnquiryStage,
    PrimarySupportReason,
    RiskLocation,
    SourceOfRisk,
)
from .services.concerns import CONCERN_FIELDS, S42_CRITERIA

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


def as_yes_no(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def yes_no_field(label: str, required_message: str, *, required: bool = True, help_text: str = ""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=yes_no,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ConcernForm(forms.Form):
    """A safeguarding concern as received (Care Act s42; the SAC's categories)."""

    use_required_attribute = False
    team = TeamChoiceField(
        label="Which safeguarding team does the concern go to?",
        queryset=None,
        empty_label="Select a team",
        error_messages={
            "required": "Select the safeguarding team",
            "invalid_choice": "Select the safeguarding team",
        },
    )
    received_on = GovukDateField(
        label="Date the concern was received",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the concern was received"},
    )
    received_time = forms.CharField(
        label="Time received",
        help_text="24-hour clock, for example 14:30",
        max_length=5,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": "Enter the time the concern was received"},
    )
    raised_by_name = forms.CharField(
        label="Who raised the concern?",
        max_length=200,
        error_messages={"required": "Enter who raised the concern"},
    )
    raised_by_role = forms.CharField(
        label="Their role or relationship to the adult (optional)", max_length=200, required=False
    )
    raised_from = forms.CharField(
        label="The organisation or place it came from (optional)", max_length=200, required=False
    )
    abuse_types = forms.MultipleChoiceField(
        label="Type of abuse or neglect",
        help_text="Select all that apply",
        choices=AbuseType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one type of abuse or neglect",
            "invalid_choice": "Select types of abuse or neglect from the list",
        },
    )
    location = forms.ChoiceField(
        label="Where did it happen?",
        choices=RiskLocation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the abuse or neglect happened"},
    )
    source_of_risk = forms.ChoiceField(
        label="Source of risk",
        choices=SourceOfRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the source of risk"},
    )
    primary_support_reason = forms.ChoiceField(
        label="The adult's primary support reason",
        choices=PrimarySupportReason.choices,
        initial=PrimarySupportReason.NOT_KNOWN,
        error_messages={"required": "Select the adult's primary support reason, or Not known"},
    )
    details = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what happened"},
    )
    immediate_actions = forms.CharField(
        label="Immediate actions taken to make the adult safe",
        help_text="If none were needed, say why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the immediate actions taken to make the adult safe"},
    )
    adults_views = forms.CharField(
        label="The adult's views (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.ChoiceField(
        label="Does the adult consent to safeguarding action?",
        choices=ConcernConsent.choices,
        initial=ConcernConsent.NOT_ASKED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the adult consents to safeguarding action"},
    )
    may_lack_capacity = forms.BooleanField(
        label="The adult may lack capacity to make decisions about the concern", required=False
    )
    alleged_name = forms.CharField(label="Name (optional)", max_length=200, required=False)
    alleged_relationship = forms.CharField(
        label="Relationship to the adult (optional)", max_length=200, required=False
    )
    alleged_is_professional = forms.BooleanField(
        label="They are a paid carer or professional", required=False
    )
    alleged_details = forms.CharField(
        label="Anything else about them (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    ALLEGED = ("alleged_name", "alleged_relationship", "alleged_is_professional", "alleged_details")

    def __init__(self, *args, teams, **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime()
        kwargs["initial"].setdefault("received_on", now.date())
        kwargs["initial"].setdefault("received_time", now.strftime("%H:%M"))
        super().__init__(*args, **kwargs)
        teams = list(teams)
        self.only_team = teams[0] if len(teams) == 1 else None
        if len(teams) <= 1:
            del self.fields["team"]  # one team: nothing to choose
        else:
            self.fields["team"].queryset = _team_queryset(teams)

    def clean_received_time(self):
        match = _TIME.match(self.cleaned_data["received_time"].strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter a real time, like 09:30 or 14:15")
        return datetime.time(int(match[1]), int(match[2]))

    def clean(self):
        data = super().clean()
        on, at = data.get("received_on"), data.get("received_time")
        if on and at:
            received = timezone.make_aware(datetime.datetime.combine(on, at))
            if received > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error(
                    "received_on", "The date and time the concern was received must be in the past"
                )
            else:
                data["received_at"] = received
        return data

    @property
    def main_fields(self):
        return [f for f in self if f.name not in self.ALLEGED and f.name != "team"]

    @property
    def alleged_fields(self):
        return [self[name] for name in self.ALLEGED]

    def chosen_team(self):
        return self.cleaned_data.get("team") or self.only_team

    def concern_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONCERN_FIELDS}

    def alleged_data(self) -> dict:
        return {name.removeprefix("alleged_"): self.cleaned_data[name] for name in self.ALLEGED}


def _team_queryset(teams):
    from accounts.models import Team

    return (
        Team.objects.filter(pk__in=[t.pk for t in teams])
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


class DecisionForm(forms.Form):
    """The s42 decision: each criterion of s42(1), then the outcome (Care Act 2014 s42)."""

    S42, OTHER, NFA = EnquiryKind.S42.value, EnquiryKind.OTHER.value, "nfa"

    use_required_attribute = False
    has_care_needs = yes_no_field(
        "Does the adult have needs for care and support?",
        "Select whether the adult has needs for care and support",
        help_text="Whether or not the council is meeting any of those needs",
    )
    at_risk_of_abuse = yes_no_field(
        "Is the adult experiencing, or at risk of, abuse or neglect?",
        "Select whether the adult is experiencing, or at risk of, abuse or neglect",
    )
    unable_to_protect = yes_no_field(
        "As a result of those needs, is the adult unable to protect themselves?",
        "Select whether the adult is unable to protect themselves",
        help_text="From the risk of, or the experience of, abuse or neglect",
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (S42, "Start a section 42 enquiry"),
            (OTHER, "Start another safeguarding enquiry"),
            (NFA, "No further safeguarding action"),
        ],
        error_messages={"required": "Select the decision"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="Needed for another safeguarding enquiry or no further safeguarding action",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    action_instead = forms.CharField(
        label="What was done instead",
        help_text="If no further safeguarding action: advice given, a Care Act assessment, a referral",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sam = PersonChoiceField(
        label="Safeguarding adults manager for the enquiry",
        help_text="If an enquiry starts. You, unless you choose another manager of the team",
        queryset=None,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Select a safeguarding adults manager of the team"},
    )
    enquiry_officer = PersonChoiceField(
        label="Enquiry officer (optional)",
        help_text="If an enquiry starts. You can name them later",
        queryset=None,
        required=False,
        empty_label="Not named yet",
        error_messages={"invalid_choice": "Select an enquiry officer from the list"},
    )

    def __init__(self, *args, sams, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sam"].queryset = sams
        self.fields["enquiry_officer"].queryset = officers

    # What is missing for s42(1), said as what was not found, so it cannot read as met.
    NOT_FOUND = {
        "has_care_needs": "the adult was not found to have needs for care and support",
        "at_risk_of_abuse": "the adult was not found to be experiencing, or at risk of, abuse or neglect",
        "unable_to_protect": "the adult was not found unable to protect themselves because of their needs",
    }

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        unmet = [name for name, _ in S42_CRITERIA if data.get(name) is False]
        if decision == self.S42 and unmet:
            for name in unmet:
                self.add_error(name, f"A section 42 enquiry needs all three criteria: {self.NOT_FOUND[name]}")
            self.add_error(
                "decision", "Select another safeguarding enquiry or no further safeguarding action instead"
            )
        if decision == self.OTHER and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why another safeguarding enquiry is needed")
        if decision == self.NFA:
            if not data.get("reason", "").strip():
                self.add_error("reason", "Enter why no further safeguarding action is needed")
            if not data.get("action_instead", "").strip():
                self.add_error("action_instead", "Enter what was done instead")
        return data

    @property
    def criteria_fields(self):
        return [self[name] for name, _ in S42_CRITERIA]

    @property
    def other_fields(self):
        return [self[name] for name in ("decision", "reason", "action_instead", "sam", "enquiry_officer")]


def _shows_enquiries(form) -> bool:
    return form.is_bound and form.data.get("show") == "enquiries"


class QueueFilterForm(forms.Form):
    """Filters of the safeguarding queue. No person data, so a GET form. Only the filters of
    the list shown are offered: the enquiry filters with enquiries, "Decision due" with concerns."""

    ENQUIRY_ONLY = ("stage", "kind", "overdue", "mine")

    use_required_attribute = False
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False)
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("concerns", "Concerns waiting for a decision"), ("enquiries", "Open enquiries")],
        widget=forms.RadioSelect,
    )
    due = forms.ChoiceField(
        label="Decision due",
        required=False,
        choices=[("", "All"), ("today", "Due today"), ("overdue", "Overdue")],
    )
    stage = forms.ChoiceField(label="Enquiry stage", required=False)
    kind = forms.ChoiceField(
        label="Kind of enquiry", required=False, choices=[("", "All"), *EnquiryKind.choices]
    )
    overdue = forms.BooleanField(label="Only enquiries over 28 days without a review", required=False)
    mine = forms.BooleanField(label="Only enquiries I am named on", required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        if len(teams) > 1:
            self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        else:
            del self.fields["team"]
        self.fields["stage"].choices = [("", "All"), *[c for c in EnquiryStage.choices if c[0] != "closed"]]
        for name in self.ENQUIRY_ONLY if not _shows_enquiries(self) else ("due",):
            del self.fields[name]


class OversightFilterForm(forms.Form):
    use_required_attribute = False
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("concerns", "Concerns waiting for a decision"), ("enquiries", "Open enquiries")],
        widget=forms.RadioSelect,
    )
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int, required=False, empty_value=None)
    stage = forms.ChoiceField(label="Enquiry stage", required=False)
    overdue = forms.BooleanField(label="Only overdue", required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "All organisations"),
            *[(o.pk, o.name) for o in organisations],
        ]
        self.fields["stage"].choices = [("", "All"), *[c for c in EnquiryStage.choices if c[0] != "closed"]]
        if not _shows_enquiries(self):
            del self.fields["stage"]  # concerns have no enquiry stage


class QualityPeriodForm(forms.Form):
    """The period of closures to count, and optionally one organisation."""

    use_required_attribute = False
    start = GovukDateField(
        label="Closed from", error_messages={"required": "Enter the first date of the period"}
    )
    end = GovukDateField(label="Closed to", error_messages={"required": "Enter the last date of the period"})
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "All organisations"),
            *[(o.pk, o.name) for o in organisations],
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last date must be the same as or after the first date")
        return data
