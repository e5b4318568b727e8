# ruff: noqa: S608 - fixed table names
"""The access log's links to the cases and persons its entries name (audit.models.AccessLogCase,
AccessLogPerson): the tables, the links of the entries already written (from their hashed lists, in
batches of entry ids; nothing hashed changes), and on PostgreSQL the append-only trigger of migration 0004
on the new tables too."""

import json
import uuid

import django.db.models.deletion
from django.db import migrations, models

BATCH = 20_000
LINK_TABLES = ("audit_accesslogcase", "audit_accesslogperson")
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _uuids(text):
    found = []
    for value in json.loads(text or "[]"):
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def backfill_links(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM audit_accesslogentry")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, BATCH):
            bounds = [start, start + BATCH]
            if connection.vendor == "postgresql":
                # The lists are JSON text; the database takes them apart, a batch per statement.
                for table, column, source in (
                    ("audit_accesslogcase", "case_id", "case_ids"),
                    ("audit_accesslogperson", "person_id", "person_ids"),
                ):
                    cursor.execute(
                        f"INSERT INTO {table} (entry_id, {column}) "
                        f"SELECT DISTINCT e.id, CAST(v.value AS uuid) FROM audit_accesslogentry e, "
                        f"json_array_elements_text(CAST(e.{source} AS json)) v "
                        "WHERE e.id >= %s AND e.id < %s AND v.value ~ %s",
                        [*bounds, UUID_PATTERN],
                    )
                continue
            cursor.execute(
                "SELECT id, case_ids, person_ids FROM audit_accesslogentry WHERE id >= %s AND id < %s", bounds
            )
            cases, persons = [], []
            for entry_id, case_ids, person_ids in cursor.fetchall():
                cases += [(entry_id, value.hex) for value in _uuids(case_ids)]
                persons += [(entry_id, value.hex) for value in _uuids(person_ids)]
            cursor.executemany("INSERT INTO audit_accesslogcase (entry_id, case_id) VALUES (%s, %s)", cases)
            cursor.executemany("INSERT INTO audit_accesslogperson (entry_id, person_id) VALUES (%s, %s)", persons)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LINK_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER samsyn_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION samsyn_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LINK_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS samsyn_append_only ON {table}")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_chain_check_from_the_page'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLogCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_id', models.UUIDField()),
                ('entry', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='case_links', to='audit.accesslogentry')),
            ],
            options={
                'indexes': [models.Index(fields=['case_id', 'entry'], name='audit_case_link_idx')],
            },
        ),
        migrations.CreateModel(
            name='AccessLogPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_id', models.UUIDField()),
                ('entry', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='person_links', to='audit.accesslogentry')),
            ],
            options={
                'indexes': [models.Index(fields=['person_id', 'entry'], name='audit_person_link_idx')],
            },
        ),
        migrations.RunPython(backfill_links, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
