"""Forms for the joint risk register. GOV.UK messages; nothing typed is lost on an error."""

from django import forms

from .forms_actions import NO_SUCH_USER, _date, _not_future, _text
from .models import CONSEQUENCE_LABELS, LEVEL_BANDS, LIKELIHOOD_LABELS, SCALE
from .selectors_actions import user_by_email

CONSEQUENCE_MESSAGE = "Select the consequence, from 1 (negligible) to 5 (catastrophic)"
LIKELIHOOD_MESSAGE = "Select the likelihood, from 1 (rare) to 5 (almost certain)"


def _factor(label, labels, message, help_text):
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, f"{n} – {labels[n]}") for n in SCALE],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


def consequence_field(label="Consequence"):
    return _factor(label, CONSEQUENCE_LABELS, CONSEQUENCE_MESSAGE, "How bad it would be if it happened")


def likelihood_field(label="Likelihood"):
    return _factor(label, LIKELIHOOD_LABELS, LIKELIHOOD_MESSAGE, "How likely it is to happen")


class _OwnerMixin:
    def clean_owner_email(self):
        email = self.cleaned_data.get("owner_email", "")
        self.owner_user = None
        if email:
            self.owner_user = user_by_email(email)
            if self.owner_user is None:
                raise forms.ValidationError(NO_SUCH_USER.replace("the lead", "the owner"))
        return email


def _owner_fields():
    return {
        "owner_name": _text(
            "Owner",
            "Enter who owns the risk",
            max_length=150,
            help_text="A name or a role, as the board knows them",
        ),
        "owner_email": forms.EmailField(
            label="Owner's email address (optional)",
            required=False,
            help_text="If the owner uses this system, their account is linked to the risk",
            error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
        ),
    }


class RiskForm(_OwnerMixin, forms.Form):
    """A new risk with its first assessment."""

    use_required_attribute = False
    title = _text(
        "Risk", "Enter the risk", max_length=200, help_text="For example, Insufficient AMHPs on the rota"
    )
    description = _text("Cause and effect (optional)", "", rows=4, required=False)
    owner_name = _owner_fields()["owner_name"]
    owner_email = _owner_fields()["owner_email"]
    consequence = consequence_field()
    likelihood = likelihood_field()
    assessed_on = _date(
        "Date assessed", "Enter the date the risk was assessed", help_text="For example, 26 9 2026"
    )
    mitigations = _text("Mitigations", "Enter the mitigations", rows=5)
    review_on = _date("Next review", "Enter the date of the next review")

    def clean_assessed_on(self):
        return _not_future(
            self.cleaned_data.get("assessed_on"),
            "The date the risk was assessed must be today or in the past",
        )

    def clean(self):
        data = super().clean()
        assessed_on, review_on = data.get("assessed_on"), data.get("review_on")
        if assessed_on and review_on and review_on <= assessed_on:
            self.add_error("review_on", "The next review must be after the date assessed")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "owner_name": data["owner_name"],
            "owner_user": self.owner_user,
            "consequence": data["consequence"],
            "likelihood": data["likelihood"],
            "assessed_on": data["assessed_on"],
            "mitigations": data["mitigations"],
            "review_on": data["review_on"],
        }


class RiskEditForm(_OwnerMixin, forms.Form):
    """The risk's wording, owner, mitigations and next review; scores change by re-scoring."""

    use_required_attribute = False
    title = _text("Risk", "Enter the risk", max_length=200)
    description = _text("Cause and effect (optional)", "", rows=4, required=False)
    owner_name = _owner_fields()["owner_name"]
    owner_email = _owner_fields()["owner_email"]
    mitigations = _text("Mitigations", "Enter the mitigations", rows=6)
    review_on = _date("Next review", "Enter the date of the next review")
    reason = forms.CharField(
        label="What changed and why? (optional)",
        required=False,
        max_length=100,
        error_messages={"max_length": "What changed must be 100 characters or fewer"},
    )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "owner_name": data["owner_name"],
            "owner_user": self.owner_user,
            "mitigations": data["mitigations"],
            "review_on": data["review_on"],
        }

    @staticmethod
    def initial_for(values: dict) -> dict:
        initial = {k: v for k, v in values.items() if k != "owner_user"}
        user = values.get("owner_user")
        initial["owner_email"] = user.email if user else ""
        return initial


class RescoreForm(forms.Form):
    use_required_attribute = False
    consequence = consequence_field("Current consequence")
    likelihood = likelihood_field("Current likelihood")
    assessed_on = _date(
        "Date assessed", "Enter the date the risk was assessed", help_text="For example, 26 11 2026"
    )
    note = _text(
        "What the review found",
        "Enter what the review found and why the score is what it is",
        rows=4,
        help_text="For example, which mitigations are working and what changed",
    )
    next_review_on = _date("Next review", "Enter the date of the next review")

    def clean_assessed_on(self):
        return _not_future(
            self.cleaned_data.get("assessed_on"),
            "The date the risk was assessed must be today or in the past",
        )

    def clean(self):
        data = super().clean()
        assessed_on, review_on = data.get("assessed_on"), data.get("next_review_on")
        if assessed_on and review_on and review_on <= assessed_on:
            self.add_error("next_review_on", "The next review must be after the date assessed")
        return data


class RiskFilterForm(forms.Form):
    use_required_attribute = False
    level = forms.ChoiceField(label="Current level", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    review_overdue = forms.BooleanField(label="Only risks with a review overdue", required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            ("", "Any level"),
            *((str(level), f"{level.label} ({low}–{high})") for level, low, high in _shown_bands()),
        ]
        self.fields["owner"].choices = [("", "Any owner"), *((name, name) for name in owners)]

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "level": data.get("level") or "",
            "owner": data.get("owner") or "",
            "review_overdue": bool(data.get("review_overdue")),
        }


def _shown_bands():
    """The bands as the NHS matrix names them: 1-3, 4-6, 8-12, 15-25 (7, 13 and 14 cannot
    occur as scores)."""
    shown = {"low": 3, "moderate": 6, "high": 12, "extreme": 25}
    return [(level, low, shown[str(level)]) for level, low, _ in LEVEL_BANDS]
