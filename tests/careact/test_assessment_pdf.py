"""The PDF copy for the person: a real WeasyPrint PDF rendered by the (eager) task, read back
with pdftotext; and a URL fetcher that reads the product's static files and nothing else."""

import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from careact import services
from careact.models import AdultOutcome, AssessmentCopy, AssessmentStatus, CarerLink, CarerOutcome
from careact.pdf import BASE_URL, StaticOnlyFetcher, render_assessment_html
from cases.models import AccessAction, AccessLog
from tests.careact.conftest import make_assessment
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db



def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)  # noqa: S607
    return " ".join(result.stdout.decode().split())


def test_copy_is_rendered_by_the_task_on_commit_and_downloaded(
    practitioner_client, practitioner, manager, case, tmp_path, django_capture_on_commit_callbacks
):
    assessment = make_assessment(
        case, authorised_by=manager, determination_reasons="You cannot manage meals or washing without help"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = practitioner_client.post(reverse("careact:assessment_copy_request", args=[assessment.pk]))
    assert response.status_code == 302
    copy = assessment.copies.get()
    assert copy.status == AssessmentCopy.Status.READY and copy.error == ""

    download = reverse("careact:assessment_copy_download", args=[assessment.pk, copy.pk])
    response = practitioner_client.get(download)
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=practitioner, action=AccessAction.DOWNLOAD).count() == 1

    text = pdf_text(pdf, tmp_path)
    assert "Your Care Act assessment" in text
    assert "Amira Okafor" in text
    assert settings.COUNCIL_NAME in text or "Northshire County Council" in text
    assert "Your needs are eligible for care and support" in text
    assert "You cannot manage meals or washing without help" in text
    for outcome in AdultOutcome:
        assert outcome.label in text, outcome.label
    assert "Unable without assistance" in text  # the sense, in words
    assert "To cook for myself again" in text
    assert "Authorised by Mo Manager" in text
    assert "What happens next" in text and "Local Government and Social Care Ombudsman" in text
    assert "Page 1 of" in text


def test_not_eligible_carer_copy(practitioner, manager, case, tmp_path, django_capture_on_commit_callbacks):
    carer = PersonFactory(given_name="Bea", family_name="Carer")
    CarerLink.objects.create(
        carer=carer, cared_for=case.person, relationship="Sister", recorded_by=practitioner
    )
    outcomes = {o.value: {"unable": False, "senses": [], "notes": ""} for o in CarerOutcome}
    assessment = make_assessment(
        case,
        kind="carer",
        person=carer,
        cared_for=case.person,
        outcomes=outcomes,
        eligible=False,
        carer_health_at_risk=False,
        determination_reasons="Caring is going well and your health is good",
        authorised_by=manager,
    )
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.request_copy(assessment_id=assessment.pk, by=practitioner)
    copy.refresh_from_db()
    text = pdf_text(bytes(copy.pdf), tmp_path)
    assert "Your carer's assessment" in text and "Bea Carer" in text and "Amira Okafor" in text
    assert "not eligible for support" in text
    assert "Engaging in recreational activities" in text and "Managing toilet needs" not in text
    assert "information and advice" in text


def test_rendering_is_idempotent(practitioner, case, django_capture_on_commit_callbacks):
    assessment = make_assessment(case, status=AssessmentStatus.AUTHORISED)
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.request_copy(assessment_id=assessment.pk, by=practitioner)
    copy.refresh_from_db()
    first = bytes(copy.pdf)
    from careact.tasks import render_assessment_copy

    assert render_assessment_copy.apply(args=[copy.pk]).get() == AssessmentCopy.Status.READY
    copy.refresh_from_db()
    assert bytes(copy.pdf) == first


def test_the_template_names_no_outside_resources(case):
    html = render_assessment_html(make_assessment(case))
    assert "http://" not in html and "https://" not in html and "file:" not in html


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/admin/",
        "file:///etc/passwd",
        "data:text/plain,hello",
        f"{BASE_URL}static/../../config/settings/base.py",
        f"{BASE_URL}static/%2e%2e/%2e%2e/config/settings/base.py",
        f"{BASE_URL}admin/",
        f"{BASE_URL}static/js/does-not-exist.js",
    ],
)
def test_fetcher_refuses_anything_but_static_files(address):
    with pytest.raises(ValueError, match="static files"):
        StaticOnlyFetcher().fetch(address)


def test_fetcher_reads_a_static_file():
    response = StaticOnlyFetcher().fetch(f"{BASE_URL}static/assets/images/favicon.svg")
    assert response.read().lstrip().startswith(b"<")
    assert response.content_type == "image/svg+xml"


def test_a_refused_resource_is_left_out_not_fetched(monkeypatch):
    """WeasyPrint asks the fetcher for every URL in the document; refusals are skipped."""
    from weasyprint import HTML

    asked = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = '<img src="https://example.org/x.png"><img src="file:///etc/hostname"><p>Hello</p>'
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF") and asked == ["https://example.org/x.png", "file:///etc/hostname"]
