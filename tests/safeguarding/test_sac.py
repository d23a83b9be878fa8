"""The Safeguarding Adults Collection's counts: every count of every table checked against the
known set of cases (tests.safeguarding.sac_known_set), other years and organisations apart,
and the financial year."""

import datetime

import pytest

from safeguarding import sac
from tests.safeguarding.sac_known_set import YEAR

pytestmark = pytest.mark.django_db


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
            ("Not known", 2, 1, 0),  # Dee (non-binary), Ivy (prefers not to say); Dee
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
    "sg1f": (
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
            ("Section 42 safeguarding enquiries", 12, 12),  # Ada, Cal, Eve, Hal, Max, Liz to Sid
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
            ("Self-neglect", 0, 7, 0, 7),  # Liz to Sid (Ada's was an other enquiry)
        ],
    ),
    "sg2b": (
        ("Location of risk", *SOURCES),
        [
            ("Own home", 0, 1, 0, 1),  # Ada
            ("In the community (excluding community services)", 0, 0, 1, 1),  # Hal
            ("In a community service", 0, 7, 0, 7),  # Liz to Sid
            ("Care home - nursing", 0, 0, 0, 0),
            ("Care home - residential", 1, 0, 0, 1),  # Cal
            ("Hospital - acute", 1, 0, 0, 1),  # Eve
            ("Hospital - mental health", 0, 1, 0, 1),  # Max
            ("Hospital - community", 0, 0, 0, 0),
            ("Other", 0, 0, 0, 0),  # Dee's concludes next year
            ("Total", 2, 9, 1, 12),
        ],
    ),
    "sg2c": (
        ("Risk assessment outcome", CONCLUDED),
        [
            ("Risk identified and action taken", 4),  # Ada, Cal, Hal, Sid
            ("Risk identified and no action taken", 2),  # Eve, Rex
            ("Risk - assessment inconclusive and action taken", 1),  # Liz
            ("Risk - assessment inconclusive and no action taken", 1),  # Ned
            ("No risk identified and action taken", 1),  # Oli
            ("No risk identified and no action taken", 1),  # Pam
            ("Enquiry ceased at individual's request and no action taken", 1),  # Quin
            ("Not recorded", 1),  # Max
            ("Total", 12),
        ],
    ),
    "sg2e": (
        ("Risk outcome", "Risk identified and action taken", "Risk identified and no action taken", "Total"),
        [
            ("Risk remained", 0, 1, 1),  # Eve
            ("Risk reduced", 1, 1, 2),  # Ada; Rex
            ("Risk removed", 2, 0, 2),  # Cal, Hal
            ("Not recorded", 1, 0, 1),  # Sid
            ("Total", 4, 2, 6),  # SG2c's two "Risk identified" rows
        ],
    ),
    "sg3a-capacity": (
        ("Lacked capacity", CONCLUDED),
        [
            ("Yes", 3),
            ("No", 8),
            ("Don't know", 1),
            ("Not recorded", 0),
            ("Total", 12),
        ],  # Cal, Eve, Max; Ada, Liz to Sid; Hal
    ),
    "sg3a-advocacy": (
        ("Supported by an advocate, family or friend", CONCLUDED),
        # Cal (an appropriate person), Eve (an advocate); Max (neither)
        [("Yes", 2), ("No", 1), ("Don't know", 0), ("Not recorded", 0), ("Total", 3)],
    ),
    "sg4a-asked": (
        ("Asked about desired outcomes", CONCLUDED),
        [
            ("Yes, they were asked and outcomes were expressed", 2),  # Ada, Hal
            ("Yes, they were asked but no outcomes were expressed", 1),  # Cal
            ("No, they were not asked", 8),  # Eve, Liz to Sid
            ("Don't know", 0),
            ("Not recorded", 1),  # Max
            ("Total", 12),
        ],
    ),
    "sg4a-achieved": (
        ("Desired outcomes", CONCLUDED),
        [
            ("Fully achieved", 1),  # Ada
            ("Partially achieved", 0),
            ("Not achieved", 1),  # Hal
            ("Not recorded", 0),
            ("Total", 2),
        ],
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
    by_slug = {t.slug: t for t in tables}
    # SG2e counts exactly the enquiries in SG2c's two "Risk identified" rows, column by column.
    identified = [row.counts[0] for row in by_slug["sg2c"].rows[:2]]
    assert list(by_slug["sg2e"].rows[-1].counts) == [*identified, sum(identified)]
    # SG2c counts every concluded section 42 enquiry once.
    assert by_slug["sg2c"].cell("Total", CONCLUDED) == by_slug["sg2"].cell(
        "Section 42 safeguarding enquiries", "Number"
    )


def test_other_years_and_organisations_count_apart(known_set, council, trust):
    trust_tables = {t.slug: t for t in sac.sac_tables(YEAR, trust.pk)}
    assert trust_tables["sg1f"].cell("Safeguarding concerns", "Number") == 1  # Kit
    assert trust_tables["sg1a"].cell("18-64", INDIVIDUALS[0]) == 1
    assert trust_tables["sg2"].cell("Section 42 safeguarding enquiries", "Number") == 0
    last_year = {t.slug: t for t in sac.sac_tables(YEAR.previous, council.pk)}
    # Eve's, Jon's and Liz's to Sid's concerns and enquiries; Jon's concluded at 23:30 on
    # 31 March 2025.
    assert as_expected(last_year["sg1f"])[1] == [
        ("Safeguarding concerns", 9, 9),
        ("Section 42 safeguarding enquiries", 9, 9),
        ("Other safeguarding enquiries", 0, 0),
    ]
    assert last_year["sg2"].cell("Section 42 safeguarding enquiries", "Number") == 1
    next_year = {t.slug: t for t in sac.sac_tables(sac.FinancialYear(2026), council.pk)}
    # Gus's enquiry started and Dee's concluded on 1 April 2026.
    assert next_year["sg1f"].cell("Section 42 safeguarding enquiries", "Number") == 1
    assert next_year["sg1f"].cell("Safeguarding concerns", "Number") == 0
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
