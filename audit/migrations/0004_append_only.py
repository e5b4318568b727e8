"""On PostgreSQL the audit tables refuse UPDATE and DELETE, whoever asks (the table owner too).

TRUNCATE fires no row trigger; it is kept from the application by privileges alone (README, "Audit"),
which also lets the test runner empty the tables between tests.

The one exception is the purge of old entries (gallring, audit.services.purge_chain_prefix): DELETE is
let through in a transaction that has set `samsyn.audit_purge` to 'on'. A setting is no barrier by itself,
so the application's database role holds no DELETE privilege on these tables (README, "Audit"); the purge
runs as a role that does. UPDATE is never allowed. SQLite (development) has no such trigger.
"""

from django.db import migrations

AUDIT_TABLES = (
    "audit_accesslogentry",
    "audit_changelogseal",
    "audit_chainverification",
    "audit_chainpurge",
    "auditlog_logentry",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION samsyn_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('samsyn.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'samsyn: % is append-only, % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in AUDIT_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER samsyn_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION samsyn_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in AUDIT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS samsyn_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS samsyn_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chains"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
