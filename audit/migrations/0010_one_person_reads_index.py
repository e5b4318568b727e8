"""The partial covering index of the busy-day count (audit.models.AccessLogEntry, audit_access_one_person_idx).

On PostgreSQL it is built CONCURRENTLY, outside a transaction: the access log is written by every page, and
a plain CREATE INDEX would hold every read's entry (and so every page) until the index over the whole log
is built."""

from django.db import migrations, models

INDEX = models.Index(
    condition=models.Q(
        ("outcome", "shown"),
        ("user_id__isnull", False),
        models.Q(("person_ids", "[]"), _negated=True),
        models.Q(("person_ids__contains", ","), _negated=True),
    ),
    fields=["agreement_id", "at"],
    include=("user_id", "person_ids"),
    name="audit_access_one_person_idx",
)


def add_index(apps, schema_editor):
    model = apps.get_model("audit", "AccessLogEntry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def remove_index(apps, schema_editor):
    model = apps.get_model("audit", "AccessLogEntry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0009_change_log_review_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="accesslogentry", index=INDEX)],
            database_operations=[migrations.RunPython(add_index, remove_index)],
        ),
    ]
