"""The Safeguarding Adults Collection (SAC): the council's statutory return to NHS England for a
financial year, counted in SQL from the safeguarding records (Care Act 2014 s42; Health and
Social Care Act 2012 s259). Aggregates only: nothing here returns a row about one person.

Sources: NHS England, "Guidance for completing the Safeguarding Adults Collection" (2023-24 and
2024-25, SG1 and SG2 pages); DHSC, "Safeguarding adults collection (SAC) data return, 2025 to
2026: guidance for local authorities" (29 January 2026: no change to the data requirements);
and NHS England's own code that reads the returns into its statistics
(github.com/NHSDigital/ASC-Safeguarding-Adults, publication_outputs), for the table
references and the category words:
- SG1 (`started`): concerns raised and enquiries started in the year. SG1a age band, SG1b
  gender (Male, Female, Not known), SG1c ethnicity, SG1d primary support reason; SG1f the
  year's totals of concerns, section 42 and other enquiries.
- SG2 (`concluded`): enquiries concluded in the year. SG2a type of risk by source, SG2b
  location by source, SG2c the seven risk assessment outcomes ("Risk identified and action
  taken" ... "Enquiry ceased at individual's request and no action taken"), SG2e where a risk
  was identified, Risk remained, Risk reduced or Risk removed. A local SG2 gives the totals.
- SG3a mental capacity and, of those lacking it, support by an advocate, family or friend;
  SG4a Making Safeguarding Personal.
Not confirmed (the guidance pages seen stop before these): the template's own titles for
each table (those here describe what is counted), whether the template splits SG2e by action
taken (here two columns, and the Total column is the SAC's count), and the spacing of the
ethnic group labels. Not produced, as the records do not hold them: SG1e (learning disability
and autism) and SG5 (Safeguarding Adults Reviews). The other lists are
`safeguarding.models.categories`, already the national ones.
"""

import csv
import io
import zipfile

from . import concluded, started
from .base import (
    FinancialYear,
    SacRow,
    SacTable,
    concerns_awaiting_decision,
    default_year,
)

__all__ = [
    "FinancialYear",
    "SacRow",
    "SacTable",
    "TABLE_SLUGS",
    "concerns_awaiting_decision",
    "csv_name",
    "default_year",
    "sac_tables",
    "table_csv",
    "tables_zip",
]

_BUILDERS = (
    started.sg1a,
    started.sg1b,
    started.sg1c,
    started.sg1d,
    started.sg1f,
    concluded.sg2,
    concluded.sg2a,
    concluded.sg2b,
    concluded.sg2c_and_sg2e,
    concluded.sg3a,
    concluded.sg4a,
)
TABLE_SLUGS = (
    "sg1a",
    "sg1b",
    "sg1c",
    "sg1d",
    "sg1f",
    "sg2",
    "sg2a",
    "sg2b",
    "sg2c",
    "sg2e",
    "sg3a-capacity",
    "sg3a-advocacy",
    "sg4a-asked",
    "sg4a-achieved",
)


def sac_tables(year: FinancialYear, organisation_id: int) -> list[SacTable]:
    """Every table of the return for one organisation and year, in the SAC's order. A fixed
    number of aggregate queries (eleven), whatever the number of records."""
    tables: list[SacTable] = []
    for build in _BUILDERS:
        built = build(year, organisation_id)
        tables.extend(built if isinstance(built, tuple) else (built,))
    return tables


def table_csv(table: SacTable) -> str:
    """The table as CSV: a header row, then one row per category. Labels are the fixed
    national ones and every other cell is a whole number, so nothing a spreadsheet could
    run as a formula is ever written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(table.csv_rows())
    return out.getvalue()


def csv_name(table: SacTable, year: FinancialYear, organisation_slug: str) -> str:
    return f"sac-{year.label}-{organisation_slug}-{table.slug}.csv"


def tables_zip(tables: list[SacTable], year: FinancialYear, organisation_slug: str) -> bytes:
    """Every table as its own CSV file in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(csv_name(table, year, organisation_slug), table_csv(table).encode("utf-8"))
    return buffer.getvalue()
