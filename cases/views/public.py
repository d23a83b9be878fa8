"""The public referral front door: no sign-in (DESIGN.md section 11, issue 3).

- Never looks anyone up in the person index: the response depends only on what was typed.
- A filled honeypot field gets the same thank-you page and creates nothing.
- Accepted submissions are limited per client address (cases.ratelimit).
- The thank-you page is reached by POST-redirect-GET; the reference travels in the session,
  never in the URL.
"""

import logging
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..forms_public import PublicReferralForm
from ..ratelimit import RateLimit
from ..selectors_referrals import point_of_access_team
from ..services.referrals import REFERENCE_ALPHABET, receive_public_referral

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
SESSION_REFERENCE_KEY = "public_referral_reference"
RATE_LIMIT_SCOPE = "public-referral"


def rate_limit() -> RateLimit:
    return RateLimit(
        RATE_LIMIT_SCOPE,
        limit=settings.PUBLIC_REFERRAL_RATE_LIMIT,
        window=settings.PUBLIC_REFERRAL_RATE_WINDOW,
    )


def _unavailable(request):
    logger.error("Public referral form: there is no active point-of-access team to receive referrals")
    return render(request, "cases/public_unavailable.html", status=503)


def _rate_limited(request):
    logger.warning("Public referral form: rate limit reached for a client address")
    return render(request, "cases/public_rate_limited.html", status=429)


def _decoy_reference() -> str:
    """Looks like a real reference, so a bot cannot tell its submission was dropped."""
    return "R" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _thank_you(request, reference: str):
    request.session[SESSION_REFERENCE_KEY] = reference
    return redirect("public:thank_you")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def refer(request):
    team = point_of_access_team()
    if team is None:
        return _unavailable(request)
    if request.method == "POST":
        limit = rate_limit()
        if limit.is_exceeded(request):
            return _rate_limited(request)
        form = PublicReferralForm(request.POST)
        if request.POST.get(HONEYPOT_FIELD, "").strip():
            # Only a program fills a field no one can see or reach.
            if not limit.hit(request):
                return _rate_limited(request)
            return _thank_you(request, _decoy_reference())
        if form.is_valid():
            if not limit.hit(request):
                return _rate_limited(request)
            referral = receive_public_referral(
                team=team, subject_details=form.subject_details(), data=form.referral_data()
            )
            logger.info("Public referral %s received for team %s", referral.reference, team.pk)
            return _thank_you(request, referral.reference)
    else:
        form = PublicReferralForm()
    return render(request, "cases/public_refer.html", {"form": form, "honeypot_field": HONEYPOT_FIELD})


@login_not_required
@never_cache
@require_http_methods(["GET"])
def thank_you(request):
    reference = request.session.get(SESSION_REFERENCE_KEY)
    if not reference:
        return redirect("public:refer")
    return render(request, "cases/public_thank_you.html", {"reference": reference})
