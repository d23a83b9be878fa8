"""The Safeguarding Adults Collection page and files: every table shown, each as CSV and all as
a ZIP with the national labels and the known set's counts (tests.safeguarding.test_sac), the
query count, and who may see the page and take the files."""

import csv
import io
import logging
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding import sac
from tests.factories import PersonFactory
from tests.safeguarding.sac_known_set import (
    NOW,
    SAC,
    YEAR,
    ZIP,
    at,
    conclude_at,
    csv_url,
    decide_at,
    raise_at,
)
from tests.safeguarding.test_sac import EXPECTED

pytestmark = pytest.mark.django_db


# --- The page and the files -----------------------------------------------------------------


def params(council, year=YEAR):
    return {"year": year.start_year, "organisation": council.pk}


def read_csv(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def expected_csv(slug):
    columns, rows = EXPECTED[slug]
    return [list(columns), *[[str(cell) for cell in row] for row in rows]]


def test_each_table_downloads_as_csv_with_the_national_labels(known_set, sam_client, council, caplog):
    caplog.set_level(logging.INFO, logger="safeguarding.sac")
    with time_machine.travel(NOW, tick=False):
        for slug in sac.TABLE_SLUGS:
            response = sam_client.get(csv_url(slug), params(council))
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert response["Content-Disposition"] == (
                f'attachment; filename="sac-2025-26-northshire-county-council-{slug}.csv"'
            )
            assert read_csv(response.content) == expected_csv(slug), slug
            text = response.content.decode()
            # Aggregates only: no one's name, date of birth or NHS number.
            for person in known_set["people"]:
                assert person.given_name not in text and person.nhs_number not in text
        header, *rows = read_csv(sam_client.get(csv_url("sg2a"), params(council)).content)
    assert "Safeguarding Adults Collection sg1a 2025-26" in caplog.text
    assert header == [
        "Type of risk",
        "Service provider",
        "Other - known to individual",
        "Other - unknown to individual",
        "Total",
    ]
    assert [row[0] for row in rows][-5:] == [
        "Neglect and acts of omission",
        "Domestic abuse",
        "Sexual exploitation",
        "Modern slavery",
        "Self-neglect",
    ]


def test_all_tables_download_as_one_zip(known_set, sam_client, council):
    with time_machine.travel(NOW, tick=False):
        response = sam_client.get(ZIP, params(council))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"] == 'attachment; filename="sac-2025-26-northshire-county-council.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names == [f"sac-2025-26-northshire-county-council-{slug}.csv" for slug in sac.TABLE_SLUGS]
    for slug, name in zip(sac.TABLE_SLUGS, names, strict=True):
        assert read_csv(archive.read(name)) == expected_csv(slug), slug


def test_the_page_shows_every_table_for_the_year_being_returned(known_set, sam_client, council):
    with time_machine.travel(NOW, tick=False):
        response = sam_client.get(SAC)
        quality = sam_client.get(reverse("safeguarding:quality")).content.decode()
    assert response.status_code == 200
    assert f'href="{SAC}"' in quality
    assert response.context["year"] == YEAR and response.context["organisation"] == council
    page = response.content.decode()
    assert "<title>Safeguarding Adults Collection 2025-26" in page
    assert "From 1 April 2025 to 31 March 2026" in page
    assert "Small numbers are not hidden or rounded" in page
    assert "1 concern received in the year is waiting for a decision" in page
    for table in response.context["tables"]:
        assert f'id="{table.slug}">{table.code}: {table.title}</h2>' in page
        assert f'{csv_url(table.slug)}?year=2025&amp;organisation={council.pk}"' in page
    assert f'{ZIP}?year=2025&amp;organisation={council.pk}"' in page
    assert "Known" not in page and "Ada" not in page
    assert [(r.label, *r.counts) for r in response.context["tables"][0].rows] == EXPECTED["sg1a"][1]


def test_another_year_and_an_error(known_set, sam_client, council):
    with time_machine.travel(NOW, tick=False):
        response = sam_client.get(SAC, params(council, YEAR.previous))
        assert response.context["year"] == YEAR.previous
        assert "From 1 April 2024 to 31 March 2025" in response.content.decode()
        error = sam_client.get(SAC, {"year": "1990", "organisation": council.pk})
        assert error.status_code == 200
        page = error.content.decode()
        assert "<title>Error: Safeguarding Adults Collection" in page
        assert "Select a financial year" in page and not error.context["tables"]
        assert (
            sam_client.get(csv_url("sg1a"), {"year": "1990", "organisation": council.pk}).status_code == 404
        )
        assert sam_client.get(csv_url("sg9z"), params(council)).status_code == 404
        assert sam_client.get(ZIP, {"year": YEAR.start_year, "organisation": "x"}).status_code == 404


def test_the_query_count_does_not_grow(
    sam_client, sam, enquiry_officer, safeguarding_team, practitioner, council
):
    def count():
        sam_client.get(SAC, params(council))
        with CaptureQueriesContext(connection) as ctx:
            response = sam_client.get(SAC, params(council))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def add_cases(n):
        for i in range(n):
            concern = raise_at(PersonFactory(), safeguarding_team, practitioner, at(2025, 5, 1 + i, 10))
            enquiry = decide_at(concern, sam, enquiry_officer, at(2025, 5, 2 + i, 10))
            conclude_at(enquiry, sam, at(2025, 6, 1 + i, 10))

    with time_machine.travel(NOW, tick=False):
        add_cases(1)
        before = count()
        add_cases(10)
        assert count() == before
        zip_before = len(sam_client.get(ZIP, params(council)).content)
    assert zip_before > 0


def test_only_safeguarding_adults_managers(
    sam_client, enquiry_officer_client, practitioner_client, commissioner_client, stranger_client, council
):
    with time_machine.travel(NOW, tick=False):
        assert sam_client.get(SAC).status_code == 200
        for client in (enquiry_officer_client, practitioner_client, commissioner_client, stranger_client):
            assert client.get(SAC).status_code == 404
            assert client.get(csv_url("sg1a"), params(council)).status_code == 404
            assert client.get(ZIP, params(council)).status_code == 404
