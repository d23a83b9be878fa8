"""Sign-in, two-factor, sign-out and the home page. Thin: forms, selectors and services do the work."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from . import services
from .forms import SignInForm, TokenForm
from .registry import home_panels_for
from .selectors import current_memberships


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = login_not_required(SignInView.as_view())
sign_out = auth_views.LogoutView.as_view()


def home(request):
    """One home page for every role: teams, recent records, and each app's panels."""
    return render(
        request,
        "accounts/home.html",
        {"memberships": current_memberships(request.user), "panels": home_panels_for(request)},
    )


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Ask for the TOTP code; send users with no authenticator yet to set one up."""
    if request.user.is_verified():
        return redirect("accounts:home")
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_totp(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect("accounts:home")
        form.add_error("token", "The security code is wrong or has expired. Try the newest code.")
    return render(request, "accounts/two_factor.html", {"form": form})


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor")
    device = services.pending_totp_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.confirm_totp_device(user=request.user, token=form.cleaned_data["token"])
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect("accounts:home")
        form.add_error("token", "The security code is wrong or has expired. Try the newest code.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    qr_data = base64.b64encode(image.to_string()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_data": qr_data, "secret": secret},
    )
