"""Forms for referrals and triage. GOV.UK messages; nothing typed is lost on an error."""

import datetime
import re

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import ReceivedVia, Referral, ReferralSource
from .selectors_referrals import Band, receiving_teams

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class ReferralForm(forms.ModelForm):
    """A referral taken by staff: where it came from, who made it, why, how urgent, for which team."""

    use_required_attribute = False
    team = TeamChoiceField(
        label="Receiving team",
        queryset=receiving_teams(),
        empty_label="Select a team",
        error_messages={
            "required": "Select the receiving team",
            "invalid_choice": "Select the receiving team",
        },
    )
    received_on = GovukDateField(
        label="Date received",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the referral was received"},
    )
    received_time = forms.CharField(
        label="Time received",
        help_text="24-hour clock, for example 14:30",
        max_length=5,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": "Enter the time the referral was received"},
    )

    class Meta:
        model = Referral
        fields = [
            "source",
            "received_via",
            "referrer_name",
            "referrer_role",
            "referrer_organisation",
            "referrer_phone",
            "referrer_email",
            "reason",
            "presenting_needs",
            "known_risks",
            "urgency",
            "team",
            "consent_leaflet_given",
            "consent_to_share",
        ]
        labels = {
            "source": "Where did the referral come from?",
            "received_via": "How was it received?",
            "referrer_name": "Referrer's name",
            "referrer_role": "Referrer's role or relationship to the person",
            "referrer_organisation": "Referrer's organisation",
            "referrer_phone": "Referrer's phone number",
            "referrer_email": "Referrer's email address",
            "reason": "Reason for referral",
            "presenting_needs": "Presenting needs",
            "known_risks": "Risks known",
            "urgency": "Urgency",
            "consent_leaflet_given": "The person was given the information-sharing leaflet",
            "consent_to_share": "Does the person consent to information being shared?",
        }
        widgets = {
            "received_via": forms.RadioSelect,
            "urgency": forms.RadioSelect,
            "consent_to_share": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
            "presenting_needs": forms.Textarea(attrs={"rows": 3}),
            "known_risks": forms.Textarea(attrs={"rows": 3}),
            "referrer_phone": forms.TextInput(attrs={"inputmode": "tel", "class": "govuk-input--width-20"}),
            "referrer_email": forms.EmailInput(attrs={"spellcheck": "false"}),
        }
        error_messages = {
            "source": {"required": "Select where the referral came from"},
            "received_via": {"required": "Select how the referral was received"},
            "reason": {"required": "Enter the reason for the referral"},
            "urgency": {"required": "Select the urgency"},
            "consent_to_share": {"required": "Select whether the person consents to sharing"},
            "referrer_email": {
                "invalid": "Enter an email address in the correct format, like name@example.org"
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime()
        kwargs["initial"].setdefault("received_on", now.date())
        kwargs["initial"].setdefault("received_time", now.strftime("%H:%M"))
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = receiving_teams().order_by("name")
        self.fields["source"].choices = [("", "Select where it came from"), *ReferralSource.choices]
        self.fields["received_via"].choices = [c for c in ReceivedVia.choices if c[0] != ReceivedVia.ONLINE]
        self.fields["consent_leaflet_given"].required = False

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
                self.add_error("received_on", "The date and time received must be in the past")
            else:
                data["received_at"] = received
        return data

    def _post_clean(self):
        """Validation lives in the fields above and in the service; the instance is unused."""

    def referral_data(self) -> dict:
        data = {field: self.cleaned_data[field] for field in self.Meta.fields if field != "team"}
        data["received_at"] = self.cleaned_data["received_at"]
        return data


def initial_from_post(form_class, data, **kwargs) -> dict:
    """What was typed into a form that is re-shown without being checked (a search on the
    same page): its values as initial data, so nothing typed is lost and no error shows."""
    form = form_class(**kwargs)
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class DecisionForm(forms.Form):
    """A triage decision with its reason (team managers and senior practitioners)."""

    ALLOCATE, SIGNPOST, CLINICAL, TRANSFER, NFA = "allocate", "signpost", "clinical", "transfer", "nfa"

    use_required_attribute = False
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (ALLOCATE, "Allocate to a worker"),
            (SIGNPOST, "Signpost (information or advice given)"),
            (CLINICAL, "Pass to the trust's clinical pathway"),
            (TRANSFER, "Transfer to another team"),
            (NFA, "No further action"),
        ],
        error_messages={"required": "Select a decision"},
    )
    worker = forms.ModelChoiceField(
        label="Worker to allocate",
        help_text="If you allocate",
        queryset=None,
        required=False,
        empty_label="Select a worker",
    )
    advice = forms.CharField(
        label="Information or advice given",
        help_text="If you signpost",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    to_team = TeamChoiceField(
        label="Team to transfer to",
        help_text="If you transfer",
        queryset=None,
        required=False,
        empty_label="Select a team",
    )
    reason = forms.CharField(
        label="Reason for the decision", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, workers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["to_team"].queryset = teams

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.ALLOCATE and not data.get("worker"):
            self.add_error("worker", "Select a worker to allocate")
        if decision == self.SIGNPOST and not data.get("advice", "").strip():
            self.add_error("advice", "Enter the information or advice given")
        if decision == self.TRANSFER and not data.get("to_team"):
            self.add_error("to_team", "Select the team to transfer to")
        return data


class QueueFilterForm(forms.Form):
    """Filters of a triage queue. Carries no person data, so it is a GET form."""

    use_required_attribute = False
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False)
    urgency = forms.ChoiceField(label="Urgency", required=False)
    source = forms.ChoiceField(label="Source", required=False)
    band = forms.ChoiceField(label="Waiting time", required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Urgency

        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["urgency"].choices = [("", "All"), *Urgency.choices]
        self.fields["source"].choices = [("", "All"), *ReferralSource.choices]
        self.fields["band"].choices = [("", "All"), *Band.CHOICES]
