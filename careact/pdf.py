"""The PDF copy of an assessment given to the person (Care Act s12(3)-(4) and s13(2): a
written record of the assessment and of the determination with its reasons).

Rendered by WeasyPrint in a Celery task, never in a request (DESIGN.md s6). WeasyPrint
would otherwise fetch any URL a template names (http, file:///etc/...): `StaticOnlyFetcher`
lets it read the product's own static files and nothing else (DESIGN.md s0).
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from accounts.models import Organisation

from . import selectors_assessments as selectors
from .models import AdvocacyNeed, AssessmentKind

# Relative URLs in the template resolve against this made-up origin; only its static path
# is answered, from disk, by StaticOnlyFetcher.
BASE_URL = "https://pdf.invalid/"
TEMPLATE = "careact/pdf/assessment.html"


class StaticOnlyFetcher(URLFetcher):
    """Answers only `BASE_URL` + STATIC_URL paths, read from the static directories.

    Everything else (other hosts, file: and data: URLs, paths that climb out of the static
    directories) is refused; WeasyPrint then leaves the resource out.
    """

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        if path is None:
            raise ValueError("PDF rendering may only read the product's static files")
        mime_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
        )

    @staticmethod
    def _static_path(url: str) -> Path | None:
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        parts = urlsplit(url)
        if not url.startswith(prefix) or parts.query or parts.fragment:
            return None
        relative = unquote(url[len(prefix) :])
        if not relative or relative.startswith("/") or ".." in Path(relative).parts:
            return None
        roots = [Path(d).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
        candidates = []
        if settings.STATIC_ROOT:
            roots.append(Path(settings.STATIC_ROOT).resolve())
            candidates.append(Path(settings.STATIC_ROOT) / relative)
        found = finders.find(relative)
        if found:
            candidates.append(Path(found))
            roots.append(Path(found).resolve().parent)  # an app's own static directory
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
                return resolved
        return None


def council_name(assessment) -> str:
    """The council the assessment is made for: the team's organisation when it is a council
    (the partnership may include several), otherwise the configured name."""
    organisation = assessment.team.organisation
    if organisation.kind == Organisation.Kind.COUNCIL:
        return organisation.name
    return settings.COUNCIL_NAME


def assessment_context(assessment) -> dict:
    carer = assessment.kind == AssessmentKind.CARER
    return {
        "assessment": assessment,
        "person": assessment.person,
        "is_carer": carer,
        "council_name": council_name(assessment),
        "title": "Your carer's assessment" if carer else "Your Care Act assessment",
        "wellbeing": selectors.wellbeing_rows(assessment),
        "outcomes": selectors.outcome_rows(assessment),
        "impairment_answer": selectors.yes_no(assessment.needs_from_impairment),
        "health_answer": selectors.yes_no(assessment.carer_health_at_risk),
        "impact_answer": selectors.yes_no(assessment.significant_impact),
        "advocacy": dict(AdvocacyNeed.choices).get(assessment.advocacy_need, ""),
        "made_on": timezone.localdate(),
        "product_name": settings.PRODUCT_NAME,
    }


def render_assessment_html(assessment) -> str:
    return render_to_string(TEMPLATE, assessment_context(assessment))


def render_assessment_pdf(assessment) -> bytes:
    """A4 PDF of the assessment and determination, written to the person."""
    html = HTML(string=render_assessment_html(assessment), base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return html.write_pdf()
