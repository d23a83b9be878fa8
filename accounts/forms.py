from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Email and password; messages in GOV.UK style. Lockout is django-axes' job."""

    use_required_attribute = False
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def clean_username(self):
        """Email addresses sign in whatever their capitals, and lockout counts them as one."""
        return self.cleaned_data["username"].strip().lower()

    error_messages = {
        "invalid_login": "Enter a correct email address and password. After 5 failed tries "
        "the account is locked for 30 minutes.",
        "inactive": "This account is not active. Ask your administrator.",
    }


class TokenForm(forms.Form):
    use_required_attribute = False
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "Enter the 6-digit security code",
            "max_length": "Enter the 6-digit security code",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return token


class BreakGlassReviewForm(forms.Form):
    use_required_attribute = False
    comment = forms.CharField(
        label="Review comment",
        help_text="Whether the reason justified the access, and any follow-up.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a review comment"},
    )
