"""The audit trail is append-only in the database itself (PostgreSQL): a trigger refuses
UPDATE, DELETE and TRUNCATE on privacy_auditevent. The one way to remove rows is
firstcontact_purge_audit_events(before), which sets a transaction-local flag the trigger
lets through and deletes the rows older than `before`; the retention command is its one
documented caller (privacy.services.purge_audit_events).

TRUNCATE is also let through for a database superuser: Django's test suite empties tables
with TRUNCATE between transactional tests. The application's own role must not be one.

SQLite (development only) gets no trigger: Django's flush empties its tables with DELETE,
which a trigger could not tell from any other.
"""

from django.db import migrations

FORWARDS = r"""
CREATE OR REPLACE FUNCTION firstcontact_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('firstcontact.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND (
        current_setting('firstcontact.audit_purge', true) = 'on'
        OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % on privacy_auditevent refused', TG_OP
        USING HINT = 'Old rows are removed only by firstcontact_purge_audit_events(before).';
END;
$$;

CREATE TRIGGER privacy_auditevent_append_only
    BEFORE UPDATE OR DELETE ON privacy_auditevent
    FOR EACH ROW EXECUTE FUNCTION firstcontact_audit_append_only();

CREATE TRIGGER privacy_auditevent_no_truncate
    BEFORE TRUNCATE ON privacy_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION firstcontact_audit_append_only();

CREATE OR REPLACE FUNCTION firstcontact_purge_audit_events(before timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    removed bigint;
BEGIN
    -- Transaction-local: the flag ends with the transaction this runs in.
    PERFORM set_config('firstcontact.audit_purge', 'on', true);
    DELETE FROM privacy_auditevent WHERE "at" < before;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('firstcontact.audit_purge', 'off', true);
    RETURN removed;
END;
$$;
"""

BACKWARDS = r"""
DROP TRIGGER IF EXISTS privacy_auditevent_no_truncate ON privacy_auditevent;
DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent;
DROP FUNCTION IF EXISTS firstcontact_purge_audit_events(timestamptz);
DROP FUNCTION IF EXISTS firstcontact_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_subject_access_requests")]

    operations = [migrations.RunPython(forwards, backwards)]
