"""Snapshots are frozen: the database refuses UPDATE and DELETE on them (seed 003 tables
compare periods, so a period's figures must never move). Also the default service lines and
scheme of delegation, which finance can change in the admin."""

from decimal import Decimal

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION finance_snapshot_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'snapshots cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER finance_snapshot_frozen
    BEFORE UPDATE OR DELETE ON finance_snapshot
    FOR EACH ROW EXECUTE FUNCTION finance_snapshot_refuse_change();
CREATE TRIGGER finance_snapshotline_frozen
    BEFORE UPDATE OR DELETE ON finance_snapshotline
    FOR EACH ROW EXECUTE FUNCTION finance_snapshot_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS finance_snapshot_frozen ON finance_snapshot;
DROP TRIGGER IF EXISTS finance_snapshotline_frozen ON finance_snapshotline;
DROP FUNCTION IF EXISTS finance_snapshot_refuse_change();
"""

SERVICE_LINES = [
    ("Adult mental health (working age)", "AMH", 1),
    ("Older people's mental health", "OPMH", 2),
    ("Forensic mental health", "Forensic", 3),
]

LEVELS = [
    ("Team manager", 1, Decimal("800.00")),
    ("Head of service", 2, Decimal("1500.00")),
    ("Joint funding panel (director)", 3, None),
]


def add_defaults(apps, schema_editor):
    service_line = apps.get_model("finance", "FinanceServiceLine")
    level = apps.get_model("finance", "AuthorisationLevel")
    for name, short, position in SERVICE_LINES:
        service_line.objects.get_or_create(short_name=short, defaults={"name": name, "position": position})
    for name, rank, maximum in LEVELS:
        level.objects.get_or_create(rank=rank, defaults={"name": name, "max_weekly_cost": maximum})


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
