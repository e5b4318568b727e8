"""The access log and the change log become hash chains (audit.chain)."""

import django.db.models.deletion
from django.db import migrations, models

import audit.models

LISTS = ("roles", "case_ids", "person_ids", "field_classes")


def chain_existing_access_entries(apps, schema_editor):
    """Entries written before the chain existed are chained in the order they were written."""
    from audit.chain import ACCESS_COLUMNS, GENESIS, canonical_sql, link_hash

    AccessLogEntry = apps.get_model("audit", "AccessLogEntry")
    table = AccessLogEntry._meta.db_table
    prev_hash = GENESIS
    for seq, entry in enumerate(AccessLogEntry.objects.order_by("at", "id"), start=1):
        # An inet cast to text keeps its mask (10.0.0.1/32); the address alone is wanted.
        entry.address = (entry.address or "").split("/")[0]
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.save()
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {canonical_sql('e', ACCESS_COLUMNS)} FROM {table} e WHERE e.id = %s", [entry.pk])
            (text,) = cursor.fetchone()
        entry.entry_hash = prev_hash = link_hash(prev_hash, seq, text)
        entry.save(update_fields=["entry_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_access_log"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.AddField("accesslogentry", "seq", models.PositiveBigIntegerField(editable=False, null=True)),
        migrations.AddField(
            "accesslogentry", "prev_hash", models.CharField(default="", editable=False, max_length=64)
        ),
        migrations.AddField(
            "accesslogentry", "entry_hash", models.CharField(default="", editable=False, max_length=64)
        ),
        *(
            migrations.AlterField("accesslogentry", name, audit.models.StringListField(default=list))
            for name in LISTS
        ),
        migrations.AddField("accesslogentry", "case_numbers", audit.models.StringListField(default=list)),
        migrations.AddField(
            "accesslogentry", "outside_scope_case_ids", audit.models.StringListField(default=list)
        ),
        migrations.AlterField("accesslogentry", "address", models.CharField(blank=True, max_length=45, null=True)),
        migrations.RunPython(chain_existing_access_entries, migrations.RunPython.noop),
        migrations.AlterField("accesslogentry", "address", models.CharField(blank=True, max_length=45)),
        migrations.AlterField("accesslogentry", "seq", models.PositiveBigIntegerField(editable=False, unique=True)),
        migrations.AlterField("accesslogentry", "prev_hash", models.CharField(editable=False, max_length=64)),
        migrations.AlterField("accesslogentry", "entry_hash", models.CharField(editable=False, max_length=64)),
        migrations.AlterField(
            "accesslogentry",
            "outcome",
            models.CharField(
                choices=[("shown", "Visad"), ("denied", "Nekad")], default="shown", max_length=10
            ),
        ),
        migrations.AlterModelOptions("accesslogentry", {"ordering": ["seq"]}),
        migrations.AddIndex(
            "accesslogentry", models.Index(fields=["agreement_id", "at"], name="audit_acces_agreeme_2886c6_idx")
        ),
        migrations.CreateModel(
            name="ChangeLogSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(editable=False, unique=True)),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("entry_hash", models.CharField(editable=False, max_length=64)),
                (
                    "log_entry",
                    models.OneToOneField(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="chain_seal",
                        to="auditlog.logentry",
                    ),
                ),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.CreateModel(
            name="ChainVerification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "chain",
                    models.CharField(
                        choices=[("access", "Åtkomstloggen"), ("change", "Ändringsloggen")], max_length=10
                    ),
                ),
                ("ran_at", models.DateTimeField(db_index=True)),
                ("checked", models.PositiveBigIntegerField()),
                ("seconds", models.FloatField()),
                ("ok", models.BooleanField()),
                ("head_seq", models.PositiveBigIntegerField(null=True)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("broken_seq", models.PositiveBigIntegerField(null=True)),
                (
                    "broken_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("changed", "posten har ändrats"),
                            ("link", "kedjan är bruten (posten har flyttats, bytts ut eller lagts in i efterhand)"),
                            ("missing", "poster saknas (raderade)"),
                            ("deleted", "ändringsloggposten har raderats"),
                            ("unsealed", "ändringsloggpost utan kedjelänk (inlagd utanför tjänsten)"),
                            ("truncated", "poster efter senaste kontrollpunkt saknas (raderade i slutet)"),
                            (
                                "rewritten",
                                "kedjan har räknats om sedan en tidigare kontroll (en tidigare post har ändrats)",
                            ),
                        ],
                        max_length=20,
                    ),
                ),
            ],
            options={"ordering": ["-ran_at", "chain"]},
        ),
        migrations.CreateModel(
            name="ChainPurge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "chain",
                    models.CharField(
                        choices=[("access", "Åtkomstloggen"), ("change", "Ändringsloggen")], max_length=10
                    ),
                ),
                ("up_to_seq", models.PositiveBigIntegerField()),
                ("last_hash", models.CharField(max_length=64)),
                ("removed", models.PositiveBigIntegerField()),
                ("purged_at", models.DateTimeField()),
            ],
            options={
                "ordering": ["chain", "up_to_seq"],
                "constraints": [
                    models.UniqueConstraint(fields=("chain", "up_to_seq"), name="chain_purge_unique_boundary")
                ],
            },
        ),
    ]
