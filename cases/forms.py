"""Forms for the person index. GOV.UK messages; nothing typed is lost on an error."""

from django import forms

from accounts.govuk import GovukDateField

from .models import PERSON_EDITABLE_FIELDS, Person, PersonContact
from .validators import (
    is_valid_nhs_number,
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
)


class PersonSearchForm(forms.Form):
    use_required_attribute = False
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=14,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocomplete": "off",
                "class": "govuk-input--width-10",
            }
        ),
        help_text="10 digits. If you have it, you need nothing else.",
    )
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="First and last name. Close spellings are found too.",
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-10"}),
    )

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value and not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a valid NHS number – check it for typing mistakes")
        return value

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if name and len(name) < 2:
            raise forms.ValidationError("Enter at least 2 letters of the name")
        return name

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in self.fields):
            raise forms.ValidationError("Enter an NHS number, or a name, date of birth or postcode")
        return data


class PersonForm(forms.ModelForm):
    use_required_attribute = False
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 1985",
        error_messages={"required": "Enter a date of birth"},
    )

    class Meta:
        model = Person
        fields = list(PERSON_EDITABLE_FIELDS)
        widgets = {
            "nhs_number": forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}
            ),
            "previous_names": forms.Textarea(attrs={"rows": 2}),
            "title": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "council_person_id": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "postcode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
            ),
            "given_name": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "class": "govuk-input--width-20"}),
        }
        error_messages = {
            "given_name": {"required": "Enter a first name"},
            "family_name": {"required": "Enter a last name"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.org"},
        }

    IDENTIFIER_IN_USE = "Someone with this {label} is already in the person index – search for them instead"
    # A restricted person's existence must not show through the uniqueness check.
    IDENTIFIER_UNAVAILABLE = "This {label} cannot be used. Ask your team manager to check it"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["nhs_number"].max_length = 14
        self.fields["nhs_number"].widget.attrs.pop("maxlength", None)
        self.fields["postcode"].max_length = 10
        self.fields["postcode"].widget.attrs.pop("maxlength", None)
        self.fields["nhs_number"].validators = []
        self.fields["postcode"].validators = []

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value:
            validate_nhs_number(value)
            self._refuse_identifier_in_use("nhs_number", value, "NHS number")
        return value

    def clean_council_person_id(self):
        value = self.cleaned_data.get("council_person_id", "").strip()
        self._refuse_identifier_in_use("council_person_id", value, "council person ID")
        return value

    def _refuse_identifier_in_use(self, field, value, label):
        from .selectors import identifier_clash

        clash = identifier_clash(self.user, field=field, value=value, exclude_pk=self.instance.pk)
        if clash == "visible":
            raise forms.ValidationError(self.IDENTIFIER_IN_USE.format(label=label))
        if clash == "hidden":
            raise forms.ValidationError(self.IDENTIFIER_UNAVAILABLE.format(label=label))

    def validate_unique(self):
        """The identifiers' uniqueness is checked above, in words that reveal no restricted
        record; the database constraints still stand behind it."""
        exclude = self._get_validation_exclusions() | {"nhs_number", "council_person_id"}
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_postcode(self):
        value = normalise_postcode(self.cleaned_data.get("postcode", ""))
        if value:
            validate_postcode(value)
        return value


class ConfirmNewPersonForm(forms.Form):
    use_required_attribute = False
    none_match = forms.BooleanField(
        label="None of these is the person – add them as a new person",
        required=True,
        error_messages={
            "required": "Confirm that none of the people listed is the person, or open the matching record"
        },
    )


class ContactForm(forms.ModelForm):
    use_required_attribute = False

    class Meta:
        model = PersonContact
        fields = ["kind", "name", "relationship", "phone", "email", "address", "notes"]
        widgets = {
            "kind": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": "Who are they to the person?"}
        error_messages = {
            "kind": {"required": "Select who the contact is"},
            "name": {"required": "Enter the contact's name"},
            "relationship": {"required": "Enter their relationship to the person"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PersonContact.Kind.choices


class BreakGlassForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(
        label="Why do you need to open this record now?",
        help_text="At least 20 characters. A privacy officer reviews every emergency access.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you need to open this record"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 20:
            raise forms.ValidationError("The reason must be at least 20 characters")
        return reason


class RestrictionForm(forms.Form):
    use_required_attribute = False
    restricted = forms.TypedChoiceField(
        label="Should this record be restricted?",
        choices=[("yes", "Yes – hide it from search and refuse emergency access"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the record should be restricted"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example: the person is a member of staff.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the record is being restricted or opened"},
    )
