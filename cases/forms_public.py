"""The public referral form: no sign-in, plain English, GOV.UK messages, nothing typed lost.

The form never looks anyone up: what it says back depends only on what was typed.
"""

import re

from django import forms

from accounts.govuk import GovukDateField

from .models import ReferralSource
from .validators import normalise_postcode, validate_date_of_birth, validate_postcode

WHO_CHOICES = [
    (ReferralSource.SELF, "I am the person who needs help"),
    (ReferralSource.RELATIVE_OR_FRIEND, "I am a relative, carer or friend"),
    (ReferralSource.OTHER_PROFESSIONAL, "I am a professional, for example a GP, nurse or support worker"),
]
URGENT_CHOICES = [("yes", "Yes"), ("no", "No")]

PHONE_RE = re.compile(r"^\+?[\d\s()-]+$")
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001 or 07700 900 982"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
CONTACT_MESSAGE = "Enter a phone number or email address so we can contact you"


def _phone_field(label, *, autocomplete=None):
    attrs = {"inputmode": "tel", "class": "govuk-input--width-20"}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"max_length": PHONE_MESSAGE},
    )


def _email_field(label, *, autocomplete=None):
    attrs = {"spellcheck": "false"}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.EmailField(
        label=label,
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs=attrs),
        error_messages={"invalid": EMAIL_MESSAGE, "max_length": EMAIL_MESSAGE},
    )


def _clean_phone(value: str) -> str:
    value = " ".join((value or "").split())
    if value:
        digits = re.sub(r"\D", "", value)
        if not PHONE_RE.match(value) or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(PHONE_MESSAGE)
    return value


class PublicReferralForm(forms.Form):
    use_required_attribute = False

    # About you
    who = forms.ChoiceField(
        label="Who are you?",
        choices=WHO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are", "invalid_choice": "Select who you are"},
    )

    # About the person who needs help
    name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="If you are the person who needs help, enter your own name.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": "Enter the full name of the person who needs help",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    date_of_birth = GovukDateField(
        label="Date of birth (optional)",
        required=False,
        help_text="For example, 27 3 1985",
        validators=[validate_date_of_birth],
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Address must be 500 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"max_length": "Enter a real UK postcode, like SW1A 1AA"},
    )
    phone = _phone_field("Phone number (optional)")
    email = _email_field("Email address (optional)")

    # What is happening
    reason = forms.CharField(
        label="What is happening and what help is needed?",
        max_length=5000,
        help_text=(
            "Tell us what is worrying you or them, how long it has been going on, "
            "and anything that would help us to help."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Tell us what is happening and what help is needed",
            "max_length": "What is happening must be 5,000 characters or fewer",
        },
    )
    urgent = forms.ChoiceField(
        label="Is help needed urgently, in the next few days?",
        choices=URGENT_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        help_text=(
            "This is not an emergency service. If someone is in immediate danger call 999. "
            "For urgent mental health help call NHS 111 and choose the mental health option."
        ),
        error_messages={
            "required": "Select yes if help is needed urgently",
            "invalid_choice": "Select yes if help is needed urgently",
        },
    )

    # Your details, if you are not the person
    referrer_name = forms.CharField(
        label="Your full name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"max_length": "Your name must be 200 characters or fewer"},
    )
    referrer_role = forms.CharField(
        label="How do you know the person? (optional)",
        required=False,
        max_length=200,
        help_text="For example, their daughter, their neighbour, or their GP at Riverside Surgery.",
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    referrer_phone = _phone_field("Your phone number", autocomplete="tel")
    referrer_email = _email_field("Your email address", autocomplete="email")

    consent = forms.BooleanField(
        label=(
            "I understand that the information I give will be shared with the council's "
            "mental health social care team, so that they can help"
        ),
        error_messages={"required": "Confirm that you understand how the information will be shared"},
    )

    ABOUT_PERSON = ("name", "date_of_birth", "address", "postcode", "phone", "email")
    HAPPENING = ("reason", "urgent")
    ABOUT_REFERRER = ("referrer_name", "referrer_role", "referrer_phone", "referrer_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser's maxlength cuts pasted text short without saying so: the limit is
        # checked on the server instead, with a message.
        for name in ("address", "reason"):
            self.fields[name].widget.attrs.pop("maxlength", None)

    def _bound(self, names):
        return [self[name] for name in names]

    def about_person_fields(self):
        return self._bound(self.ABOUT_PERSON)

    def happening_fields(self):
        return self._bound(self.HAPPENING)

    def about_referrer_fields(self):
        return self._bound(self.ABOUT_REFERRER)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_postcode(self):
        value = normalise_postcode(self.cleaned_data.get("postcode", ""))
        if value:
            validate_postcode(value)
        return value

    def clean_address(self):
        return self.cleaned_data.get("address", "").strip()

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()

    def clean_phone(self):
        return _clean_phone(self.cleaned_data.get("phone", ""))

    def clean_referrer_phone(self):
        return _clean_phone(self.cleaned_data.get("referrer_phone", ""))

    def clean_referrer_name(self):
        return " ".join(self.cleaned_data.get("referrer_name", "").split())

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == ReferralSource.SELF:
            if not (data.get("phone") or data.get("email")) and not self._has_error("phone", "email"):
                self.add_error("phone", CONTACT_MESSAGE)
        elif who:
            if not data.get("referrer_name") and not self.has_error("referrer_name"):
                self.add_error("referrer_name", "Enter your full name")
            contact = ("referrer_phone", "referrer_email")
            if not (data.get("referrer_phone") or data.get("referrer_email")) and not self._has_error(
                *contact
            ):
                self.add_error("referrer_phone", CONTACT_MESSAGE)
        return data

    def _has_error(self, *fields):
        return any(self.has_error(field) for field in fields)

    def is_self_referral(self) -> bool:
        return self.cleaned_data["who"] == ReferralSource.SELF

    def subject_details(self) -> dict:
        """What the referrer told us about the person (and themselves), as JSON."""
        data = self.cleaned_data
        dob = data.get("date_of_birth")
        details = {
            "name": data["name"],
            "date_of_birth": dob.isoformat() if dob else "",
            "address": data["address"],
            "postcode": data["postcode"],
            "phone": data["phone"],
            "email": data["email"],
        }
        if not self.is_self_referral():
            details.update(
                referrer_name=data["referrer_name"],
                referrer_role=data["referrer_role"],
                referrer_phone=data["referrer_phone"],
                referrer_email=data["referrer_email"],
            )
        return details

    def referral_data(self) -> dict:
        """The referral's own fields, for services.receive_public_referral."""
        data = self.cleaned_data
        if self.is_self_referral():
            referrer = {
                "referrer_name": data["name"],
                "referrer_role": "",
                "referrer_phone": data["phone"],
                "referrer_email": data["email"],
            }
        else:
            referrer = {field: data[field] for field in self.ABOUT_REFERRER}
        return {
            "source": data["who"],
            "reason": data["reason"],
            "urgency": "high" if data["urgent"] == "yes" else "routine",
            "consent_to_share": "yes",
            **referrer,
        }
