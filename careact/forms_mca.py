"""Forms for Mental Capacity Act records and advocacy referrals. GOV.UK messages; nothing
typed is lost on an error. The services check the Act's rules again (ADR 3)."""

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import AdvocacyKind, CapacityOutcome

YES_NO = [("yes", "Yes"), ("no", "No")]
INLINE = {"class": "govuk-radios--inline"}
FUNCTIONAL_HINT = "Answer no only if the person cannot do this because of the impairment or disturbance"


def _yes_no(label: str, message: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs=INLINE),
        help_text=help_text,
        error_messages={"required": message},
    )


def _text(label: str, message: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message},
    )


def _past_date(label: str, message: str, future: str) -> GovukDateField:
    field = GovukDateField(
        label=label, help_text="For example, 27 3 2026", error_messages={"required": message}
    )
    field.future_message = future
    return field


class _PastDatesMixin:
    """Refuses dates in the future for every date field that says how (`future_message`)."""

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name, field in self.fields.items():
            message = getattr(field, "future_message", None)
            if message and data.get(name) and data[name] > today:
                self.add_error(name, message)
        return data


class CapacityAssessmentForm(_PastDatesMixin, forms.Form):
    use_required_attribute = False
    decision = _text(
        "What is the specific decision?",
        "Enter the specific decision the person needs to make",
        "Capacity is about one decision at one time, for example: whether to move into a care home",
        rows=3,
    )
    assessed_on = _past_date(
        "Date of the assessment",
        "Enter the date of the assessment",
        "The date of the assessment must be today or in the past",
    )
    support_given = _text(
        "What was done to help the person make the decision?",
        "Enter the practicable steps taken to help the person make the decision (s1(3))",
        "Practicable steps (MCA s1(3)): time of day, place, an interpreter, easy read, people they trust",
    )
    impairment = _yes_no(
        "Does the person have an impairment of, or a disturbance in, the functioning of the mind or brain?",
        "Select whether the person has an impairment of, or disturbance in, the mind or brain",
        "MCA s2(1). It may be permanent or temporary",
    )
    impairment_details = forms.CharField(
        label="Describe the impairment or disturbance (if yes)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    can_understand = _yes_no(
        "Can the person understand the information relevant to the decision?",
        "Select whether the person can understand the information",
        FUNCTIONAL_HINT,
    )
    can_retain = _yes_no(
        "Can the person retain that information long enough to make the decision?",
        "Select whether the person can retain the information",
        FUNCTIONAL_HINT,
    )
    can_use_or_weigh = _yes_no(
        "Can the person use or weigh that information as part of making the decision?",
        "Select whether the person can use or weigh the information",
        FUNCTIONAL_HINT,
    )
    can_communicate = _yes_no(
        "Can the person communicate their decision (by any means)?",
        "Select whether the person can communicate their decision",
        FUNCTIONAL_HINT,
    )
    evidence = _text(
        "Evidence for each answer",
        "Enter the evidence for each answer",
        "What the person said and did that shows each answer",
        rows=6,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CapacityOutcome.choices,
        widget=forms.RadioSelect,
        help_text="A person is assumed to have capacity unless it is established that they lack it (s1(2))",
        error_messages={"required": "Select the outcome of the assessment"},
    )

    ANSWERS = ("impairment", "can_understand", "can_retain", "can_use_or_weigh", "can_communicate")

    def clean(self):
        data = super().clean()
        if data.get("impairment") and not (data.get("impairment_details") or "").strip():
            self.add_error(
                "impairment_details",
                "Describe the impairment of, or disturbance in, the functioning of the mind or brain",
            )
        return data

    @classmethod
    def answers_from(cls, data) -> dict | None:
        """The five yes/no answers from posted data, or None until all are given."""
        values = {name: data.get(name) for name in cls.ANSWERS}
        if any(value not in ("yes", "no") for value in values.values()):
            return None
        return {name: value == "yes" for name, value in values.items()}


class BestInterestsForm(_PastDatesMixin, forms.Form):
    use_required_attribute = False
    decided_on = _past_date(
        "Date of the decision",
        "Enter the date of the decision",
        "The date of the decision must be today or in the past",
    )
    persons_wishes = _text(
        "The person's wishes and feelings",
        "Enter the person's wishes, feelings, beliefs and values (s4(6))",
        "Past and present wishes and feelings, beliefs and values (MCA s4(6))",
    )
    consulted = _text(
        "Who was consulted, and what they said",
        "Enter who was consulted and what they said, or who you tried to consult (s4(7))",
        "Carers, family, anyone named by the person, an attorney or deputy (MCA s4(7))",
    )
    no_one_to_consult = _yes_no(
        "Is there nobody appropriate to consult other than paid carers?",
        "Select whether there is anybody appropriate to consult",
        "If so, an IMCA must be instructed for serious medical treatment or a change of accommodation "
        "(MCA ss37-39)",
    )
    imca_referral = forms.ModelChoiceField(
        label="IMCA referral",
        queryset=None,
        required=False,
        help_text="Needed when there is nobody appropriate to consult",
        error_messages={"invalid_choice": "Select one of this person's IMCA referrals"},
    )
    options_considered = _text(
        "Options considered", "Enter the options considered", "Each option, with its benefits and burdens"
    )
    decision = _text("The decision", "Enter the decision", rows=3)
    least_restrictive = _text(
        "Why this is the least restrictive option",
        "Enter why this is the least restrictive option (s1(6))",
        "How the purpose can be achieved as effectively in a way less restrictive of the person's "
        "rights and freedom of action (MCA s1(6))",
    )

    def __init__(self, *args, imca_referrals, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["imca_referral"]
        field.queryset = imca_referrals
        field.empty_label = "No IMCA referral"
        field.label_from_instance = _describe_referral


def _describe_referral(referral) -> str:
    who = f"{referral.provider}, {referral.advocate_name}" if referral.advocate_name else referral.provider
    return f"{who} (referred {referral.referred_on:%-d %B %Y})"


class AdvocacyReferralForm(_PastDatesMixin, forms.Form):
    use_required_attribute = False
    kind = forms.ChoiceField(
        label="Kind of advocate",
        choices=AdvocacyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of advocate"},
    )
    referred_on = _past_date(
        "Date of the referral",
        "Enter the date of the referral",
        "The date of the referral must be today or in the past",
    )
    provider = forms.CharField(
        label="Advocacy provider",
        max_length=200,
        error_messages={
            "required": "Enter the advocacy provider",
            "max_length": "The provider must be 200 characters or fewer",
        },
    )
    advocate_name = forms.CharField(
        label="Advocate's name (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The advocate's name must be 200 characters or fewer"},
    )
    reason = _text("Why an advocate is needed", "Enter why an advocate is needed")
