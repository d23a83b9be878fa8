"""Session safety: idle timeout, two-factor when required, no caching of signed-in pages.

DESIGN.md section 11: 30-minute idle timeout; TOTP for staff in production; no-store.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

LAST_SEEN_KEY = "last_seen_at"
LAST_SEEN_GRANULARITY = 60  # seconds: save the session at most once a minute for this
BACKGROUND_REFRESH_HEADER = "X-Background-Refresh"  # sent by self-refreshing panels (htmx polls)


class IdleTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_TIMEOUT without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                minutes = int(idle_limit // 60)
                messages.info(
                    request, f"You were signed out because you were inactive for {minutes} minutes."
                )
                if request.headers.get("HX-Request"):
                    # htmx would swap the sign-in page into the panel; send the browser there.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = redirect_to_login(request.get_full_path()).url
                    return response
                return redirect_to_login(request.get_full_path())
            # A page refreshing itself (the AMHP live board) is not the person being active.
            background = request.headers.get(BACKGROUND_REFRESH_HEADER)
            if last_seen is None or (not background and now - last_seen >= LAST_SEEN_GRANULARITY):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """When OTP_REQUIRED, a signed-in user must verify a TOTP device before anything else."""

    exempt_url_names = {"accounts:logout", "accounts:two_factor", "accounts:two_factor_setup"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.OTP_REQUIRED
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not self._is_exempt(request)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)

    def _is_exempt(self, request):
        match = request.resolver_match
        if match is None:
            from django.urls import resolve
            from django.urls.exceptions import Resolver404

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True
        return match.view_name in self.exempt_url_names or match.view_name == "health"


class NoStoreForSignedInMiddleware:
    """Pages with a signed-in user's data must not sit in a shared or browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
