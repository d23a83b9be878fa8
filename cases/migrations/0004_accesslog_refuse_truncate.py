"""The access log cannot be emptied with TRUNCATE either (DESIGN.md section 3).

Row triggers do not fire on TRUNCATE, so a statement trigger refuses it. The test settings
alone set `mhsc.allow_truncate`, because the test runner empties every table between
browser tests; production connections never set it. Run the application as a role that does
not own the table (INSERT and SELECT only) so it cannot drop the trigger: see docs/adr/0002.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION cases_accesslog_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('mhsc.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'access log rows cannot be changed or deleted (TRUNCATE)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_accesslog_no_truncate
    BEFORE TRUNCATE ON cases_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION cases_accesslog_refuse_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS cases_accesslog_no_truncate ON cases_accesslog;
DROP FUNCTION IF EXISTS cases_accesslog_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_relationship_kind_created")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
