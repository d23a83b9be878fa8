"""Forms for assessment pages. Every answer is optional on a draft: the service checks
completeness on submit. GOV.UK messages; nothing typed is lost on an error."""

from django import forms

from .eligibility import outcome_choices
from .models import AdvocacyNeed, AssessmentKind, WellbeingArea, WellbeingImpact
from .selectors_assessments import impairment_question, sense_choices

YES_NO = [("yes", "Yes"), ("no", "No")]
_TO_BOOL = {"yes": True, "no": False}


def _bool_choice(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _text(label: str, *, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _radios(label: str, choices, *, inline: bool = True, help_text: str = "") -> forms.ChoiceField:
    attrs = {"class": "govuk-radios--inline"} if inline else {}
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"invalid_choice": "Select one of the options"},
    )


class RevealRadioSelect(forms.RadioSelect):
    """GOV.UK radios whose "No" option reveals more questions (data-aria-controls)."""

    def __init__(self, *args, reveal: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.reveal = reveal

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.reveal:
            option["attrs"]["data-aria-controls"] = self.reveal[value]
        return option


class AssessmentForm(forms.Form):
    """The whole assessment on one page, in sections (see templates/careact/assessment_edit.html)."""

    use_required_attribute = False

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        carer = kind == AssessmentKind.CARER
        who = "the carer" if carer else "the person"
        f = self.fields
        f["persons_outcomes"] = _text(
            f"What does {who} want to achieve?",
            rows=5,
            help_text="In their own words where you can: what a good day looks like, what matters to them",
        )
        f["strengths"] = _text(
            "Strengths and support already available",
            help_text="What they can do, and help from family, friends and the community",
        )
        f["needs_from_impairment"] = _radios(impairment_question(kind), YES_NO)
        f["impairment"] = _text(
            "What care does the carer provide?" if carer else "What is the impairment or illness?",
            help_text="" if carer else "For example, a diagnosis, or what the person and others describe",
        )
        if carer:
            f["carer_health_at_risk"] = _radios(
                "Is the carer's physical or mental health deteriorating, or at risk of deteriorating?", YES_NO
            )
        for area in WellbeingArea:
            f[f"wb_{area.value}"] = _radios(area.label, WellbeingImpact.choices)
            f[f"wb_{area.value}_notes"] = _text(f"Notes on {area.label[:1].lower()}{area.label[1:]}", rows=2)
        senses = sense_choices(kind)
        for outcome in outcome_choices(kind):
            key = f"oc_{outcome.value}"
            f[key] = forms.ChoiceField(
                label=f"Is {who} able to achieve this?",
                choices=YES_NO,
                required=False,
                widget=RevealRadioSelect(reveal={"no": f"reveal-{key}"}),
                error_messages={"invalid_choice": "Select yes or no"},
            )
            f[f"{key}_senses"] = forms.MultipleChoiceField(
                label="How are they unable to achieve it?",
                choices=senses,
                required=False,
                help_text="Select all that apply",
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Select how it is not achieved from the list"},
            )
            f[f"{key}_notes"] = _text("Notes", rows=2)
        f["significant_impact"] = _radios(
            "As a result, is there, or is there likely to be, a significant impact on wellbeing?",
            YES_NO,
            help_text="The impact can be on one area of wellbeing, or the effect of several together",
        )
        f["eligible"] = _radios(
            "Your determination", [("yes", "Eligible"), ("no", "Not eligible")], inline=False
        )
        f["determination_reasons"] = _text(
            "Reasons for the determination",
            rows=5,
            help_text="These go to the person in their copy. If you depart from the suggestion, say why.",
        )
        f["advocacy_need"] = _radios(
            "Does the person have substantial difficulty in being involved?",
            AdvocacyNeed.choices,
            inline=False,
        )
        f["advocacy_details"] = _text("Who supports them, or the advocate arranged", rows=3)

    # --- Grouping for the template ----------------------------------------------------

    def wellbeing_rows(self):
        return [
            (area.label, self[f"wb_{area.value}"], self[f"wb_{area.value}_notes"]) for area in WellbeingArea
        ]

    def outcome_rows(self):
        rows = []
        for outcome in outcome_choices(self.kind):
            key = f"oc_{outcome.value}"
            rows.append(
                {
                    "key": key,
                    "label": outcome.label,
                    "able": self[key],
                    "senses": self[f"{key}_senses"],
                    "notes": self[f"{key}_notes"],
                    "reveal_id": f"reveal-{key}",
                    "revealed": self[key].value() == "no",
                }
            )
        return rows

    # --- Checks and conversion ----------------------------------------------------------

    def clean(self):
        data = super().clean()
        for outcome in outcome_choices(self.kind):
            key = f"oc_{outcome.value}"
            if data.get(f"{key}_senses") and data.get(key) != "no":
                self.add_error(
                    f"{key}_senses",
                    f"{outcome.label}: only select how it is not achieved if the answer is no",
                )
        return data

    def to_data(self) -> dict:
        """The answers in the shape `update_assessment` takes."""
        d = self.cleaned_data
        data = {
            field: d.get(field, "")
            for field in ("persons_outcomes", "strengths", "impairment", "determination_reasons")
        }
        data["advocacy_details"] = d.get("advocacy_details", "")
        data["advocacy_need"] = d.get("advocacy_need") or ""
        for field in ("needs_from_impairment", "significant_impact", "eligible"):
            data[field] = _TO_BOOL.get(d.get(field) or "")
        if self.kind == AssessmentKind.CARER:
            data["carer_health_at_risk"] = _TO_BOOL.get(d.get("carer_health_at_risk") or "")
        data["wellbeing"] = {
            area.value: {
                "impact": d.get(f"wb_{area.value}") or "",
                "notes": d.get(f"wb_{area.value}_notes", ""),
            }
            for area in WellbeingArea
        }
        outcomes = {}
        for outcome in outcome_choices(self.kind):
            key = f"oc_{outcome.value}"
            able = _TO_BOOL.get(d.get(key) or "")
            outcomes[outcome.value] = {
                "unable": None if able is None else not able,
                "senses": list(d.get(f"{key}_senses") or []),
                "notes": d.get(f"{key}_notes", ""),
            }
        data["outcomes"] = outcomes
        return data

    @staticmethod
    def initial_for(values, kind: str) -> dict:
        """Form initial values from an assessment or from an answers dict (a merged stale
        save)."""
        get = values.get if isinstance(values, dict) else lambda name, default=None: getattr(values, name)
        initial = {
            field: get(field, "") or ""
            for field in (
                "persons_outcomes",
                "strengths",
                "impairment",
                "determination_reasons",
                "advocacy_need",
                "advocacy_details",
            )
        }
        for field in ("needs_from_impairment", "significant_impact", "eligible", "carer_health_at_risk"):
            initial[field] = _bool_choice(get(field, None))
        wellbeing = get("wellbeing", None) or {}
        for area in WellbeingArea:
            answer = wellbeing.get(area.value) or {}
            initial[f"wb_{area.value}"] = answer.get("impact", "")
            initial[f"wb_{area.value}_notes"] = answer.get("notes", "")
        outcomes = get("outcomes", None) or {}
        for outcome in outcome_choices(kind):
            answer = outcomes.get(outcome.value) or {}
            unable = answer.get("unable")
            key = f"oc_{outcome.value}"
            initial[key] = _bool_choice(None if unable is None else not unable)
            initial[f"{key}_senses"] = answer.get("senses", [])
            initial[f"{key}_notes"] = answer.get("notes", "")
        return initial


class ConfirmForm(forms.Form):
    """An empty form for confirm pages, so a refusal shows in the GOV.UK error summary."""

    use_required_attribute = False


class DecisionForm(forms.Form):
    """The manager's decision: authorise, or return to the worker with a reason."""

    use_required_attribute = False
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[
            ("authorise", "Authorise the assessment and determination"),
            ("return", "Return it to the worker"),
        ],
        widget=RevealRadioSelect(reveal={"return": "reveal-return-reason"}),
        error_messages={"required": "Select whether to authorise or return the assessment"},
    )
    reason = forms.CharField(
        label="What needs to change?",
        required=False,
        help_text="The worker sees this on the assessment",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the assessment is being returned")
        return data
