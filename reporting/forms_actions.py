"""Forms for the action plan. GOV.UK messages; nothing typed is lost on an error. The
services check the same rules again (ADR 3)."""

from django import forms
from django.utils import timezone

from accounts.govuk import GovukDateField

from .models import ActionStatus
from .selectors_actions import user_by_email

NO_SUCH_USER = (
    "No one uses this system with that email address. Check it, or leave it blank to name the lead only"
)


def _text(label, message, *, rows=None, max_length=None, help_text="", required=True):
    errors = {"required": message}
    if max_length:
        errors["max_length"] = f"The {label.lower()} must be {max_length} characters or fewer"
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages=errors,
    )


def _date(label, message, help_text="For example, 31 3 2027"):
    return GovukDateField(label=label, help_text=help_text, error_messages={"required": message})


def _not_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class PlanForm(forms.Form):
    use_required_attribute = False
    title = _text("Title", "Enter the title of the plan", max_length=200)
    owner = _text(
        "Board or partnership",
        "Enter the board or partnership that owns the plan",
        max_length=200,
        help_text="For example, Community Mental Health Partnership Board",
    )
    description = _text("Description (optional)", "", rows=3, required=False)


class ActionForm(forms.Form):
    use_required_attribute = False
    recommendation = _text("Recommendation", "Enter the recommendation", rows=3)
    action = _text("Action", "Enter the action", rows=3)
    workstream = _text("Workstream or task and finish group (optional)", "", max_length=200, required=False)
    lead_name = _text(
        "Lead",
        "Enter who leads the action",
        max_length=150,
        help_text="A name, initials or a role, as the board knows them",
    )
    lead_email = forms.EmailField(
        label="Lead's email address (optional)",
        required=False,
        help_text="If the lead uses this system, their account is linked to the action",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    starts_on = _date("Start date", "Enter the start date")
    ends_on = _date("End date", "Enter the end date")
    status = forms.ChoiceField(
        label="Status",
        choices=[(ActionStatus.ON_TRACK, "On track"), (ActionStatus.AT_RISK, "At risk")],
        widget=forms.RadioSelect,
        initial=ActionStatus.ON_TRACK,
        error_messages={"required": "Select whether the action is on track or at risk"},
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_user = None
        if editing:
            del self.fields["status"]
            self.fields["reason"] = forms.CharField(
                label="What changed and why? (optional)",
                required=False,
                max_length=100,
                error_messages={"max_length": "What changed must be 100 characters or fewer"},
            )

    def clean_lead_email(self):
        email = self.cleaned_data.get("lead_email", "")
        if email:
            self.lead_user = user_by_email(email)
            if self.lead_user is None:
                raise forms.ValidationError(NO_SUCH_USER)
        return email

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data

    def values(self) -> dict:
        """What the service takes."""
        data = self.cleaned_data
        return {
            "recommendation": data["recommendation"],
            "action": data["action"],
            "workstream": data["workstream"],
            "lead_name": data["lead_name"],
            "lead_user": self.lead_user,
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }

    @staticmethod
    def initial_for(values: dict) -> dict:
        """Form initial values from an item's fields (or a stale edit's merged values)."""
        initial = {k: v for k, v in values.items() if k != "lead_user"}
        user = values.get("lead_user")
        initial["lead_email"] = user.email if user else ""
        return initial


class UpdateForm(forms.Form):
    use_required_attribute = False
    written_on = _date(
        "Date of the update", "Enter the date of the update", help_text="For example, 21 3 2027"
    )
    text = _text("Update", "Enter the update", rows=5, help_text="What has happened since the last update")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select on track or at risk, or leave the status as it is"},
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = f"Leave it as it is ({ActionStatus(current).label.lower()})"
        if current == ActionStatus.COMPLETED:
            choices = [
                ("", keep),
                (ActionStatus.ON_TRACK, "Reopen it: on track"),
                (ActionStatus.AT_RISK, "Reopen it: at risk"),
            ]
        else:
            other = ActionStatus.AT_RISK if current == ActionStatus.ON_TRACK else ActionStatus.ON_TRACK
            choices = [("", keep), (other, f"Change it to {ActionStatus(other).label.lower()}")]
        self.fields["status"].choices = choices

    def clean_written_on(self):
        return _not_future(
            self.cleaned_data.get("written_on"), "The date of the update must be today or in the past"
        )


class CompleteForm(forms.Form):
    use_required_attribute = False
    completed_on = _date(
        "Date completed", "Enter the date the action was completed", help_text="For example, 31 3 2027"
    )
    note = _text(
        "Update (optional)",
        "",
        rows=4,
        required=False,
        help_text="What was done, for example 'Published and shared with staff'. Kept as a dated update.",
    )

    def clean_completed_on(self):
        return _not_future(
            self.cleaned_data.get("completed_on"),
            "The date the action was completed must be today or in the past",
        )


class ActionFilterForm(forms.Form):
    """Filters of a plan's actions: no person data, so a GET form."""

    use_required_attribute = False
    status = forms.ChoiceField(label="Status", required=False)
    lead = forms.ChoiceField(label="Lead", required=False)
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ActionStatus.choices]
        self.fields["lead"].choices = [("", "Any lead"), *((name, name) for name in leads)]

    def filters(self) -> dict:
        """Valid filters for the selector; a bad value counts as no filter."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "lead": data.get("lead") or "",
            "overdue": bool(data.get("overdue")),
        }
