from django.db import migrations, models

MOVED = ("keyinuse", "rotationcheckpoint")


def follow_the_models(apps, schema_editor, *, source="accesscontrol", target="encryption"):
    """The content types move with the models, so the change-log entries written about them before the
    move still name them (a fresh database has no content types yet: nothing to move)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def back_to_accesscontrol(apps, schema_editor):
    follow_the_models(apps, schema_editor, source="encryption", target="accesscontrol")


class Migration(migrations.Migration):
    """Takes over KeyInUse and RotationCheckpoint from accesscontrol (its 0012) in the state only: the
    tables accesscontrol created keep their names (db_table), so no table changes; their content types
    are renamed."""

    initial = True

    dependencies = [
        ("accesscontrol", "0012_keys_move_to_encryption"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="KeyInUse",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("purpose", models.CharField(choices=[("encryption", "encryption"), ("blind_index", "blind index")], max_length=20)),
                        ("key_id", models.CharField(max_length=100)),
                        ("key_check", models.CharField(blank=True, max_length=32)),
                        ("first_used_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "accesscontrol_keyinuse",
                        "constraints": [models.UniqueConstraint(fields=("purpose", "key_id"), name="key_in_use_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="RotationCheckpoint",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("purpose", models.CharField(choices=[("encryption", "encryption"), ("blind_index", "blind index")], max_length=20)),
                        ("model", models.CharField(max_length=100)),
                        ("last_pk", models.CharField(blank=True, max_length=64)),
                        ("started_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "accesscontrol_rotationcheckpoint",
                        "constraints": [models.UniqueConstraint(fields=("purpose", "model"), name="rotation_checkpoint_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(follow_the_models, back_to_accesscontrol),
    ]
