"""The Safeguarding Adults Collection: a known set of cases built through the services over
the financial year 2025-26, and every count of every table checked; the CSV and ZIP files;
who may see the page and take the files."""

import csv
import datetime
import io
import logging
import zipfile
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from safeguarding import sac, services
from safeguarding.models import Enquiry
from tests.factories import PersonFactory, make_member, make_team
from tests.safeguarding.test_services import close, raise_for, record, start

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
YEAR = sac.FinancialYear(2025)
SAC = reverse("safeguarding:sac")
ZIP = reverse("safeguarding:sac_zip")
# Wednesday 10 June 2026: returns for 2025-26 are due, so that is the year shown first.
NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def csv_url(slug):
    return reverse("safeguarding:sac_table_csv", args=[slug])


# --- Building the known set through the services ------------------------------------------


def raise_at(person, team, by, when, **concern):
    with time_machine.travel(when, tick=False):
        return raise_for(person, team, by, received_at=when, **concern)


def decide_at(concern, sam, officer, when, kind="s42"):
    with time_machine.travel(when, tick=False):
        return start(concern, sam, officer, kind=kind)


def no_further_action_at(concern, sam, when):
    with time_machine.travel(when, tick=False):
        return services.close_concern_no_further_action(
            concern_id=concern.pk,
            has_care_needs=True,
            at_risk_of_abuse=False,
            unable_to_protect=False,
            reason="No abuse or neglect on the facts",
            action_instead="Care Act assessment offered",
            by=sam,
        )


def conclude_at(enquiry, sam, when, *, msp=None, outcome=None):
    """Every step, then closure, on `when` (step dates are that day)."""
    overrides = {"msp": msp or {}, "outcome": outcome or {}}
    with time_machine.travel(when, tick=False):
        for step in ("strategy", "msp", "findings", "plan", "review", "outcome"):
            enquiry = record(enquiry, step, sam, **overrides.get(step, {}))
        return close(enquiry, sam)


def msp(asked, capacity, difficulty=False, appropriate=None, advocate=""):
    return {
        "msp_asked": asked,
        "desired_outcomes": "To be safe at home" if asked == "asked_expressed" else "",
        "lacks_capacity": capacity,
        "substantial_difficulty": difficulty,
        "appropriate_person": appropriate,
        "advocate": advocate,
    }


def outcome(action, risk, achieved=""):
    return {"action_taken": action, "risk_outcome": risk, "outcomes_achieved": achieved}


@pytest.fixture
def trust_team(trust):
    return make_team("Trust Safeguarding", trust, "safeguarding", "")


@pytest.fixture
def trust_sam(trust_team):
    return make_member(trust_team, Role.SAFEGUARDING_MANAGER, full_name="Tia Trust")


@pytest.fixture
def known_set(safeguarding_team, sam, enquiry_officer, practitioner, trust_team, trust_sam):
    """Ages are on 31 March 2026. The comments give what each case must count towards."""
    team, officer = safeguarding_team, enquiry_officer

    def adult(name, born, gender, ethnicity):
        return PersonFactory(
            given_name=name, family_name="Known", date_of_birth=born, gender=gender, ethnicity=ethnicity
        )

    ada = adult("Ada", datetime.date(1990, 5, 1), "female", "N")  # 35, Black
    ben = adult("Ben", datetime.date(1961, 3, 31), "male", "D")  # 65 that day, Mixed
    cal = adult("Cal", datetime.date(1951, 4, 1), "male", "A")  # 74 (75 the next day), White
    dee = adult("Dee", datetime.date(1938, 1, 15), "non_binary", "99")  # 88, Not known
    eve = adult("Eve", datetime.date(1929, 6, 1), "female", "C")  # 96, only a prior-year case
    fay = adult("Fay", datetime.date(1970, 1, 1), "female", "A")  # concern still waiting
    gus = adult("Gus", datetime.date(1980, 2, 2), "male", "R")  # 46, Chinese: Asian
    hal = adult("Hal", datetime.date(1951, 3, 31), "female", "Z")  # 75 that day, Refused
    jon = adult("Jon", datetime.date(1960, 1, 1), "male", "A")  # concluded just before the year
    ivy = adult("Ivy", datetime.date(1930, 3, 31), "not_stated", "S")  # 96, Other
    max_ = adult("Max", datetime.date(1945, 10, 10), "male", "B")  # 80, White, imported gaps
    kit = adult("Kit", datetime.date(1975, 7, 7), "female", "A")  # the trust's, not the council's

    # Ada: two concerns in the year (one individual), an s42 and an other enquiry, both concluded.
    c1 = raise_at(
        ada, team, practitioner, at(2025, 4, 10, 10), abuse_types=["physical", "domestic"],
        location="own_home", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e1 = decide_at(c1, sam, officer, at(2025, 4, 11, 9))
    conclude_at(
        e1, sam, at(2025, 6, 20, 15),
        msp=msp("asked_expressed", "no"), outcome=outcome(True, "reduced", "fully"),
    )  # fmt: skip
    c2 = raise_at(
        ada, team, practitioner, at(2025, 9, 1, 10), abuse_types=["self_neglect"],
        location="own_home", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e2 = decide_at(c2, sam, officer, at(2025, 9, 2, 10), kind="other")
    conclude_at(
        e2,
        sam,
        at(2025, 10, 15, 10),
        msp=msp("asked_expressed", "no"),
        outcome=outcome(True, "removed", "fully"),
    )
    # Ben: a concern, no further action.
    c3 = raise_at(
        ben, team, practitioner, at(2025, 5, 5, 10), abuse_types=["financial"],
        location="community", source_of_risk="unknown", primary_support_reason="physical",
    )  # fmt: skip
    no_further_action_at(c3, sam, at(2025, 5, 6, 10))
    # Cal: two s42 enquiries in the year (one individual, two cases); one concluded.
    c4 = raise_at(
        cal, team, practitioner, at(2025, 7, 1, 10), abuse_types=["financial", "psychological", "neglect"],
        location="care_home_residential", source_of_risk="service_provider",
        primary_support_reason="memory_cognition",
    )  # fmt: skip
    e4 = decide_at(c4, sam, officer, at(2025, 7, 2, 10))
    conclude_at(
        e4, sam, at(2026, 2, 10, 10),
        msp=msp("asked_not_expressed", "yes", difficulty=True, appropriate=True),
        outcome=outcome(True, "removed"),
    )  # fmt: skip
    c5 = raise_at(
        cal, team, practitioner, at(2025, 12, 1, 10), abuse_types=["neglect"],
        location="care_home_residential", source_of_risk="service_provider",
        primary_support_reason="memory_cognition",
    )  # fmt: skip
    decide_at(c5, sam, officer, at(2025, 12, 2, 10))
    # Dee: an s42 enquiry that concludes at 00:30 on 1 April 2026 (23:30 UTC on 31 March): next year.
    c6 = raise_at(
        dee, team, practitioner, at(2025, 11, 1, 10), abuse_types=["discriminatory", "modern_slavery"],
        location="other", source_of_risk="known", primary_support_reason="learning_disability",
    )  # fmt: skip
    e6 = decide_at(c6, sam, officer, at(2025, 11, 3, 10))
    conclude_at(e6, sam, at(2026, 4, 1, 0, 30), msp=msp("not_asked", "no"), outcome=outcome(False, "remains"))
    # Eve: concern and enquiry in 2024-25, concluded in 2025-26: SG2 and SG3 only.
    c7 = raise_at(
        eve, team, practitioner, at(2025, 3, 20, 10), abuse_types=["neglect", "organisational"],
        location="hospital_acute", source_of_risk="service_provider", primary_support_reason="physical",
    )  # fmt: skip
    e7 = decide_at(c7, sam, officer, at(2025, 3, 25, 10))
    conclude_at(
        e7, sam, at(2025, 5, 30, 10),
        msp=msp("not_asked", "yes", difficulty=True, appropriate=False, advocate="Jo Advocate, VoiceAbility"),
        outcome=outcome(False, "remains"),
    )  # fmt: skip
    # Fay: received on 30 March 2026 and still waiting for a decision: not counted.
    raise_at(fay, team, practitioner, at(2026, 3, 30, 10))
    # Gus: received at 23:30 on 31 March 2026 (22:30 UTC), decided on 1 April: a concern this
    # year, an enquiry started next year.
    c9 = raise_at(gus, team, practitioner, at(2026, 3, 31, 23, 30), primary_support_reason="social")
    decide_at(c9, sam, officer, at(2026, 4, 1, 10))
    # Hal: received at 00:30 on 1 April 2025 (23:30 UTC on 31 March), concluded on the last day.
    c10 = raise_at(
        hal, team, practitioner, at(2025, 4, 1, 0, 30), abuse_types=["sexual", "sexual_exploitation"],
        location="community", source_of_risk="unknown", primary_support_reason="not_known",
    )  # fmt: skip
    e10 = decide_at(c10, sam, officer, at(2025, 4, 2, 10))
    conclude_at(
        e10, sam, at(2026, 3, 31, 12),
        msp=msp("asked_expressed", "dont_know"), outcome=outcome(True, "removed", "not_achieved"),
    )  # fmt: skip
    # Jon: all in 2024-25, concluded at 23:30 on 31 March 2025 (22:30 UTC): not counted.
    c11 = raise_at(jon, team, practitioner, at(2025, 2, 1, 10))
    e11 = decide_at(c11, sam, officer, at(2025, 2, 2, 10))
    conclude_at(e11, sam, at(2025, 3, 31, 23, 30))
    # Ivy: a concern, no further action.
    c12 = raise_at(ivy, team, practitioner, at(2025, 8, 1, 10), primary_support_reason="sensory")
    no_further_action_at(c12, sam, at(2025, 8, 4, 10))
    # Max: an s42 enquiry closed, then its answers lost as an import would leave them.
    c16 = raise_at(
        max_, team, practitioner, at(2025, 10, 1, 10), abuse_types=["physical"],
        location="hospital_mental_health", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e16 = decide_at(c16, sam, officer, at(2025, 10, 2, 10))
    conclude_at(e16, sam, at(2025, 12, 15, 10))
    Enquiry.objects.filter(pk=e16.pk).update(
        msp_asked="",
        desired_outcomes="",
        outcomes_achieved="",
        lacks_capacity="yes",
        substantial_difficulty=True,
        appropriate_person=False,
        advocate="",
        action_taken=None,
        risk_outcome="",
    )
    # Kit: the trust's concern, in the year, counted in the trust's return only.
    kit_concern = raise_at(kit, trust_team, trust_sam, at(2025, 6, 1, 10))
    no_further_action_at(kit_concern, trust_sam, at(2025, 6, 2, 10))
    return {"people": [ada, ben, cal, dee, eve, fay, gus, hal, jon, ivy, max_, kit]}


INDIVIDUALS = (
    "Individuals involved in safeguarding concerns",
    "Individuals involved in section 42 safeguarding enquiries",
    "Individuals involved in other safeguarding enquiries",
)
SOURCES = ("Service provider", "Other - known to individual", "Other - unknown to individual", "Total")
CONCLUDED = "Concluded section 42 enquiries"

# Every table, every row, every cell.
EXPECTED = {
    "sg1a": (
        ("Age band", *INDIVIDUALS),
        [
            ("18-64", 2, 1, 1),  # Ada, Gus; Ada; Ada
            ("65-74", 2, 1, 0),  # Ben (65 on the day), Cal (74); Cal
            ("75-84", 2, 2, 0),  # Hal (75 on the day), Max
            ("85-94", 1, 1, 0),  # Dee
            ("95+", 1, 0, 0),  # Ivy
            ("Age unknown", 0, 0, 0),
            ("Total", 8, 5, 1),
        ],
    ),
    "sg1b": (
        ("Gender", *INDIVIDUALS),
        [
            ("Male", 4, 2, 0),  # Ben, Cal, Gus, Max; Cal, Max
            ("Female", 2, 2, 1),  # Ada, Hal
            ("Unknown", 2, 1, 0),  # Dee (non-binary), Ivy (prefers not to say); Dee
            ("Total", 8, 5, 1),
        ],
    ),
    "sg1c": (
        ("Ethnicity", *INDIVIDUALS),
        [
            ("White", 2, 2, 0),  # Cal, Max
            ("Mixed/Multiple", 1, 0, 0),  # Ben
            ("Asian/Asian British", 1, 0, 0),  # Gus (Chinese)
            ("Black/African/Caribbean/Black British", 1, 1, 1),  # Ada
            ("Other ethnic group", 1, 0, 0),  # Ivy
            ("Refused", 1, 1, 0),  # Hal (not stated)
            ("Undeclared/Not known", 1, 1, 0),  # Dee
            ("Total", 8, 5, 1),
        ],
    ),
    "sg1d": (
        (
            "Primary support reason",
            "Safeguarding concerns",
            "Section 42 safeguarding enquiries",
            "Other safeguarding enquiries",
        ),
        [
            ("Physical support", 1, 0, 0),  # Ben (Eve's is last year)
            ("Sensory support", 1, 0, 0),  # Ivy
            ("Support with memory and cognition", 2, 2, 0),  # Cal twice
            ("Learning disability support", 1, 1, 0),  # Dee
            ("Mental health support", 3, 2, 1),  # Ada twice, Max
            ("Social support", 1, 0, 0),  # Gus (enquiry next year)
            ("No support reason", 0, 0, 0),
            ("Not known", 1, 1, 0),  # Hal
            ("Total", 10, 6, 1),
        ],
    ),
    "sg1e": (
        ("Activity", "Number", "Individuals involved"),
        [
            ("Safeguarding concerns", 10, 8),
            ("Section 42 safeguarding enquiries", 6, 5),  # Cal has two
            ("Other safeguarding enquiries", 1, 1),
        ],
    ),
    "sg2": (
        ("Activity", "Number", "Individuals involved"),
        [
            ("Section 42 safeguarding enquiries", 5, 5),  # Ada, Cal, Eve, Hal, Max
            ("Other safeguarding enquiries", 1, 1),  # Ada
        ],
    ),
    "sg2a": (
        ("Type of risk", *SOURCES),
        [
            ("Physical abuse", 0, 2, 0, 2),  # Ada, Max
            ("Sexual abuse", 0, 0, 1, 1),  # Hal
            ("Psychological abuse", 1, 0, 0, 1),  # Cal
            ("Financial or material abuse", 1, 0, 0, 1),  # Cal (Ben's was no further action)
            ("Discriminatory abuse", 0, 0, 0, 0),  # Dee's concludes next year
            ("Organisational abuse", 1, 0, 0, 1),  # Eve
            ("Neglect and acts of omission", 2, 0, 0, 2),  # Cal, Eve
            ("Domestic abuse", 0, 1, 0, 1),  # Ada
            ("Sexual exploitation", 0, 0, 1, 1),  # Hal
            ("Modern slavery", 0, 0, 0, 0),
            ("Self-neglect", 0, 0, 0, 0),  # Ada's was an other enquiry
        ],
    ),
    "sg2b": (
        ("Location of risk", *SOURCES),
        [
            ("Own home", 0, 1, 0, 1),  # Ada
            ("In the community (excluding community services)", 0, 0, 1, 1),  # Hal
            ("In a community service", 0, 0, 0, 0),
            ("Care home - nursing", 0, 0, 0, 0),
            ("Care home - residential", 1, 0, 0, 1),  # Cal
            ("Hospital - acute", 1, 0, 0, 1),  # Eve
            ("Hospital - mental health", 0, 1, 0, 1),  # Max
            ("Hospital - community", 0, 0, 0, 0),
            ("Other", 0, 0, 0, 0),  # Dee's concludes next year
            ("Total", 2, 2, 1, 5),
        ],
    ),
    "sg2c": (
        ("Action", "Risk removed", "Risk reduced", "Risk remains", "Not recorded", "Total"),
        [
            ("Action taken", 2, 1, 0, 0, 3),  # Cal, Hal removed; Ada reduced
            ("No action taken", 0, 0, 1, 0, 1),  # Eve
            ("Not recorded", 0, 0, 0, 1, 1),  # Max
            ("Total", 2, 1, 1, 1, 5),
        ],
    ),
    "sg2d-asked": (
        ("Asked about desired outcomes", CONCLUDED),
        [
            ("Yes, they were asked and outcomes were expressed", 2),  # Ada, Hal
            ("Yes, they were asked but no outcomes were expressed", 1),  # Cal
            ("No, they were not asked", 1),  # Eve
            ("Don't know", 0),
            ("Not recorded", 1),  # Max
            ("Total", 5),
        ],
    ),
    "sg2d-achieved": (
        ("Desired outcomes", CONCLUDED),
        [
            ("Fully achieved", 1),  # Ada
            ("Partially achieved", 0),
            ("Not achieved", 1),  # Hal
            ("Not recorded", 0),
            ("Total", 2),
        ],
    ),
    "sg3-capacity": (
        ("Lacked capacity", CONCLUDED),
        [
            ("Yes", 3),
            ("No", 1),
            ("Don't know", 1),
            ("Not recorded", 0),
            ("Total", 5),
        ],  # Cal, Eve, Max; Ada; Hal
    ),
    "sg3-advocacy": (
        ("Supported by an advocate, family or friend", CONCLUDED),
        # Cal (an appropriate person), Eve (an advocate); Max (neither)
        [("Yes", 2), ("No", 1), ("Don't know", 0), ("Not recorded", 0), ("Total", 3)],
    ),
}


def as_expected(table):
    return table.columns, [(row.label, *row.counts) for row in table.rows]


# --- The counts -------------------------------------------------------------------------------


def test_every_count_of_every_table(known_set, council):
    tables = sac.sac_tables(YEAR, council.pk)
    assert [t.slug for t in tables] == list(sac.TABLE_SLUGS) == list(EXPECTED)
    for table in tables:
        columns, rows = EXPECTED[table.slug]
        assert as_expected(table) == (columns, rows), table.slug
    assert sac.concerns_awaiting_decision(YEAR, council.pk) == 1  # Fay


def test_other_years_and_organisations_count_apart(known_set, council, trust):
    trust_tables = {t.slug: t for t in sac.sac_tables(YEAR, trust.pk)}
    assert trust_tables["sg1e"].cell("Safeguarding concerns", "Number") == 1  # Kit
    assert trust_tables["sg1a"].cell("18-64", INDIVIDUALS[0]) == 1
    assert trust_tables["sg2"].cell("Section 42 safeguarding enquiries", "Number") == 0
    last_year = {t.slug: t for t in sac.sac_tables(YEAR.previous, council.pk)}
    # Eve's and Jon's concerns and enquiries; Jon's concluded at 23:30 on 31 March 2025.
    assert as_expected(last_year["sg1e"])[1] == [
        ("Safeguarding concerns", 2, 2),
        ("Section 42 safeguarding enquiries", 2, 2),
        ("Other safeguarding enquiries", 0, 0),
    ]
    assert last_year["sg2"].cell("Section 42 safeguarding enquiries", "Number") == 1
    next_year = {t.slug: t for t in sac.sac_tables(sac.FinancialYear(2026), council.pk)}
    # Gus's enquiry started and Dee's concluded on 1 April 2026.
    assert next_year["sg1e"].cell("Section 42 safeguarding enquiries", "Number") == 1
    assert next_year["sg1e"].cell("Safeguarding concerns", "Number") == 0
    assert next_year["sg2b"].cell("Other", "Other - known to individual") == 1


def test_financial_years():
    assert sac.FinancialYear.containing(datetime.date(2026, 3, 31)) == YEAR
    assert sac.FinancialYear.containing(datetime.date(2025, 4, 1)) == YEAR
    assert sac.FinancialYear.containing(datetime.date(2026, 4, 1)) == sac.FinancialYear(2026)
    assert YEAR.label == "2025-26" and sac.FinancialYear(1999).label == "1999-00"
    start, end = YEAR.bounds()
    assert start == datetime.datetime(2025, 3, 31, 23, 0, tzinfo=datetime.UTC)  # BST
    assert end == datetime.datetime(2026, 3, 31, 23, 0, tzinfo=datetime.UTC)
    # While returns are due (April to June), the year just ended; then the current year.
    assert sac.default_year(datetime.date(2026, 6, 30)) == YEAR
    assert sac.default_year(datetime.date(2026, 4, 1)) == YEAR
    assert sac.default_year(datetime.date(2026, 7, 1)) == sac.FinancialYear(2026)
    assert sac.default_year(datetime.date(2026, 3, 1)) == YEAR


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
