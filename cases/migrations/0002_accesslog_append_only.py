"""The access log is append-only: the database itself refuses UPDATE and DELETE.

DESIGN.md section 3. A trigger (not only revoked privileges) so that it holds for the
table owner too, which is the role the application connects as.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION cases_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access log rows cannot be changed or deleted (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_accesslog_append_only
    BEFORE UPDATE OR DELETE ON cases_accesslog
    FOR EACH ROW EXECUTE FUNCTION cases_accesslog_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS cases_accesslog_append_only ON cases_accesslog;
DROP FUNCTION IF EXISTS cases_accesslog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
