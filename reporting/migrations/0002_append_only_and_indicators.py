"""Governance history is kept for good, and the two outcome indicators of seed 003 s3.1.

- Action updates, action status changes and risk scorings are append-only: the database
  refuses UPDATE and DELETE on them (a trigger, so it holds for the table owner too; as
  cases.0002 does for the access log).
- The indicators: ASCOF 1F (paid employment, target 12.5%) and ASCOF 1H (living
  independently, target 75%), the targets of seed 003. The definitions follow the ASCOF
  handbook of definitions; `reporting.services.indicators` holds the calculation.
"""

from decimal import Decimal

from django.db import migrations

TABLES = ("reporting_actionupdate", "reporting_actiontransition", "reporting_riskassessment")

FORWARD = """
CREATE OR REPLACE FUNCTION reporting_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are kept for good: they cannot be changed or deleted (%)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION reporting_refuse_change();
"""
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS reporting_refuse_change();\n"
)

INDICATORS = [
    {
        "code": "ASCOF-1F",
        "name": "Adults in contact with secondary mental health services in paid employment",
        "definition": (
            "Of adults aged 18 to 69 on the last day of the month who have an open case with the "
            "service that day, the percentage whose latest employment status recorded in the 12 "
            "months up to that day is 'In paid employment'. Voluntary work only, students and "
            "retired people are not in paid employment. Everyone in contact is in the denominator, "
            "including people with no status recorded in the 12 months, who count as not known."
        ),
        "source": "Adult Social Care Outcomes Framework measure 1F (NHS Outcomes Framework 2.5i)",
        "target": Decimal("12.5"),
        "higher_is_better": True,
        "position": 1,
    },
    {
        "code": "ASCOF-1H",
        "name": "Adults in contact with secondary mental health services living independently, "
        "with or without support",
        "definition": (
            "Of adults aged 18 to 69 on the last day of the month who have an open case with the "
            "service that day, the percentage whose latest accommodation status recorded in the 12 "
            "months up to that day is settled: owner occupier or tenant, settled with family or "
            "friends, or supported accommodation. Residential or nursing care, hospital, homeless "
            "and temporary accommodation are not settled. Everyone in contact is in the "
            "denominator, including people with no status recorded in the 12 months."
        ),
        "source": "Adult Social Care Outcomes Framework measure 1H (settled accommodation as the "
        "Mental Health Services Data Set defines it)",
        "target": Decimal("75.0"),
        "higher_is_better": True,
        "position": 2,
    },
]


def add_indicators(apps, schema_editor):
    indicator = apps.get_model("reporting", "Indicator")
    for row in INDICATORS:
        indicator.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(add_indicators, migrations.RunPython.noop),
    ]
