"""Forms for the enquiry's steps. Each knows its fields' values on the enquiry
(`values_to_initial`), so a stale save can show the merged values again without losing
anything typed. Conditional answers are checked by the services (one place for the rules).
"""

from django import forms

from accounts.govuk import GovukDateField

from .forms import PersonChoiceField, as_yes_no, yes_no_field
from .models import MspAsked, OutcomesAchieved, RiskAssessmentResult, RiskOutcome, YesNoDontKnow
from .services import STEP_FIELDS


class StepForm(forms.Form):
    use_required_attribute = False
    step = ""
    YES_NO_FIELDS: tuple[str, ...] = ()

    @classmethod
    def values_to_initial(cls, values: dict) -> dict:
        return {
            name: as_yes_no(value) if name in cls.YES_NO_FIELDS else value
            for name, value in values.items()
            if name in cls.base_fields
        }

    @classmethod
    def initial_for(cls, enquiry) -> dict:
        return cls.values_to_initial(
            {name: getattr(enquiry, enquiry._meta.get_field(name).attname) for name in STEP_FIELDS[cls.step]}
        )


class StaffForm(StepForm):
    step = "staff"
    sam = PersonChoiceField(
        label="Safeguarding adults manager",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Select the safeguarding adults manager",
            "invalid_choice": "Select a safeguarding adults manager of the team",
        },
    )
    enquiry_officer = PersonChoiceField(
        label="Enquiry officer",
        queryset=None,
        required=False,
        empty_label="Not named yet",
        error_messages={"invalid_choice": "Select an enquiry officer from the list"},
    )
    reason = forms.CharField(label="Reason for the change (optional)", required=False, max_length=200)

    def __init__(self, *args, sams, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sam"].queryset = sams
        self.fields["enquiry_officer"].queryset = officers


class StrategyForm(StepForm):
    step = "strategy"
    strategy_kind = forms.ChoiceField(
        label="Was it a discussion or a meeting?",
        choices=[("discussion", "Strategy discussion"), ("meeting", "Strategy meeting")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was a strategy discussion or a strategy meeting"},
    )
    strategy_on = GovukDateField(
        label="Date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the strategy discussion or meeting"},
    )
    strategy_attendees = forms.CharField(
        label="Who attended",
        help_text="Names, roles and organisations",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who attended"},
    )
    strategy_decisions = forms.CharField(
        label="What was decided",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what was decided"},
    )


class MspForm(StepForm):
    """Making Safeguarding Personal, capacity, and advocacy (Care Act s68)."""

    step = "msp"
    YES_NO_FIELDS = ("substantial_difficulty", "appropriate_person")
    msp_asked = forms.ChoiceField(
        label="Was the adult asked what outcomes they want from the enquiry?",
        choices=MspAsked.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the adult was asked what outcomes they want"},
    )
    desired_outcomes = forms.CharField(
        label="The outcomes the adult wants",
        help_text="If they said, in their own words where you can",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lacks_capacity = forms.ChoiceField(
        label="Does the adult lack capacity to make decisions about the enquiry?",
        choices=YesNoDontKnow.choices,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select whether the adult lacks capacity about the enquiry"},
    )
    substantial_difficulty = yes_no_field(
        "Would the adult have substantial difficulty being involved in the enquiry?",
        "Select whether the adult has substantial difficulty being involved in the enquiry",
        help_text="Understanding, retaining, using or weighing information, or communicating their views",
    )
    appropriate_person = yes_no_field(
        "Is there an appropriate person to support them?",
        "Select whether there is an appropriate person to support the adult",
        required=False,
        help_text="If they have substantial difficulty: someone independent of the concern, not paid to care",
    )
    advocate = forms.CharField(
        label="Independent advocate arranged",
        help_text="Name and organisation. Needed for substantial difficulty with no appropriate person",
        required=False,
        max_length=200,
    )


class FindingsForm(StepForm):
    step = "findings"
    findings = forms.CharField(
        label="Findings of the enquiry",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the findings of the enquiry"},
    )
    risk_assessment = forms.CharField(
        label="Risk assessment",
        help_text="The risks to the adult and others, how likely and how serious",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the risk assessment"},
    )


class PlanForm(StepForm):
    step = "plan"
    conference_on = GovukDateField(
        label="Date of the case conference",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the case conference"},
    )
    conference_attendees = forms.CharField(
        label="Who attended (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    safeguarding_plan = forms.CharField(
        label="Safeguarding plan",
        help_text="Based on the outcomes the adult wants: who does what, by when",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the safeguarding plan, based on the adult's outcomes"},
    )


class ReviewForm(StepForm):
    step = "review"
    review_on = GovukDateField(
        label="Date of the review",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the review"},
    )
    review_notes = forms.CharField(
        label="Review notes",
        help_text="Is the plan working, and is the adult safer?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the review notes"},
    )


NOT_APPLICABLE = "not_applicable"


class OutcomeForm(StepForm):
    """The SAC's risk questions (SG2c, SG2e), then Making Safeguarding Personal's last one.

    What happened to the risk offers "Not applicable" because a radio, once chosen, cannot be
    unticked; it is saved as blank. Which answers each finding needs is the service's rule."""

    step = "outcome"
    YES_NO_FIELDS = ("action_taken",)
    risk_assessment_result = forms.ChoiceField(
        label="What did the risk assessment find?",
        choices=RiskAssessmentResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the risk assessment found"},
    )
    action_taken = yes_no_field(
        "Was action taken?",
        "Select whether action was taken",
        required=False,
        help_text="If the enquiry ceased at the adult's request, no action was taken",
    )
    risk_outcome = forms.ChoiceField(
        label="What happened to the risk?",
        help_text="If a risk was identified, where things stood when the enquiry ended",
        choices=[*RiskOutcome.choices, (NOT_APPLICABLE, "Not applicable: no risk was identified")],
        required=False,
        widget=forms.RadioSelect,
    )
    outcomes_achieved = forms.ChoiceField(
        label="Were the outcomes the adult wanted achieved?",
        help_text="Only if the adult said what outcomes they wanted",
        choices=OutcomesAchieved.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    @classmethod
    def values_to_initial(cls, values: dict) -> dict:
        initial = super().values_to_initial(values)
        found = values.get("risk_assessment_result")
        if found and found != RiskAssessmentResult.IDENTIFIED and not values.get("risk_outcome"):
            initial["risk_outcome"] = NOT_APPLICABLE
        return initial

    def clean_risk_outcome(self) -> str:
        value = self.cleaned_data["risk_outcome"]
        return "" if value == NOT_APPLICABLE else value


class CloseForm(StepForm):
    """Not required here: the service lists it with everything else still missing."""

    step = "close"
    ongoing_risk_management = forms.CharField(
        label="How will any ongoing risk be managed?",
        help_text="Who will do what after the enquiry closes. If no risk remains, say so",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
