"""Snapshots are frozen: the database refuses UPDATE and DELETE on them (seed 003 tables
compare periods, so a period's figures must never move). Also the default service lines and
scheme of delegation, which finance can change in the admin."""

from django.db import migrations

from finance.defaults import ensure_defaults

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


def add_defaults(apps, schema_editor):
    ensure_defaults(
        apps.get_model("finance", "FinanceServiceLine"), apps.get_model("finance", "AuthorisationLevel")
    )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
