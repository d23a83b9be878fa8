"""Forms for linking a carer. GOV.UK messages; nothing typed is lost on an error."""

from django import forms

YES_NO = [("yes", "Yes"), ("no", "No")]


class CarerLinkForm(forms.Form):
    """How the carer is related to the person and what care they give. The team is asked
    only when more than one of the user's teams holds an open case for the person."""

    use_required_attribute = False
    relationship = forms.CharField(
        label="Relationship to the person cared for",
        help_text="For example mother, husband, son, friend, neighbour",
        max_length=100,
        error_messages={
            "required": "Enter the carer's relationship to the person they care for",
            "max_length": "The relationship must be 100 characters or fewer",
        },
    )
    lives_with = forms.TypedChoiceField(
        label="Does the carer live with the person?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select whether the carer lives with the person"},
    )
    care_provided = forms.CharField(
        label="Care and support the carer provides (optional)",
        help_text="What they do and how often, for example: shopping and meals daily, prompts medication",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    team = forms.TypedChoiceField(
        label="Which team is working with the person cared for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the team", "invalid_choice": "Select one of the teams listed"},
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        if len(self.teams) > 1:
            self.fields["team"].choices = [(pk, team.name) for pk, team in self.teams.items()]
        else:
            del self.fields["team"]

    def chosen_team(self):
        """The team chosen, or None to let the service use the only one."""
        if "team" not in self.fields:
            return None
        return self.teams.get(self.cleaned_data.get("team"))

    def link_data(self) -> dict:
        data = self.cleaned_data
        return {
            "relationship": data["relationship"],
            "lives_with": data["lives_with"],
            "care_provided": data["care_provided"],
            "team": self.chosen_team(),
        }


class EndCarerLinkForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(
        label="Why does the carer no longer care for the person?",
        help_text="For example: moved away, the person moved into residential care",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the carer no longer cares for the person"},
    )
