"""The last plaintext free texts of casework are encrypted: an intervention's provider, a meeting's
location, a decision's responsible (other than a user), and a meeting participant's name, organisation
and role. Existing rows are sealed here, bound to their table, column and row as the fields seal them.

A participant had an integer key, and a sealed value needs its row known before the first save: the
participants move to a table with UUID keys (created beside the old one, filled with sealed copies,
then given the old name, so the content type the change log refers to stays the same).

Works on SQLite and PostgreSQL; reversible (the way back opens every value again).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import encryption.fields
from encryption import crypto
from encryption.fields import Sealed

# (model, field) whose rows already have UUID keys: the column changes type and is sealed in place.
IN_PLACE = (("intervention", "provider"), ("meeting", "location"), ("decision", "responsible_text"))
PARTICIPANT_TABLE = "casework_meetingparticipant"  # the participants' table once the migration is done
PARTICIPANT_TEXTS = ("name", "organisation", "role_title")


def _seal(table: str, column: str, pk, text: str) -> Sealed:
    return Sealed(crypto.seal(text.encode("utf-8"), aad=crypto.associated_data(table, column, pk)))


def _open(table: str, column: str, pk, token: str) -> str | None:
    """The plaintext of a value sealed for this row, or None when the stored text is not one."""
    try:
        raw = crypto.open_sealed(token, aad=crypto.associated_data(table, column, pk), where=f"{table}.{column}")
    except crypto.DecryptionError:
        return None
    return raw.decode("utf-8")


def _note_primary_key_in_use(apps) -> None:
    """Start-up refuses a keyring that lacks a key that sealed stored values: record the one used here."""
    KeyInUse = apps.get_model("accesscontrol", "KeyInUse")
    keyring = crypto.encryption_keyring()
    KeyInUse.objects.get_or_create(
        purpose="encryption",
        key_id=keyring.primary_id,
        defaults={"key_check": crypto.key_check_value(keyring.primary)},
    )


def seal_in_place(apps, schema_editor):
    """The columns are encrypted fields now, so the ORM hands each stored text over as a `Sealed`;
    `Sealed(text)` is also how a stored text is written back as it is (the fields refuse plaintext)."""
    sealed_any = False
    for model_name, field in IN_PLACE:
        model = apps.get_model("casework", model_name)
        table, column = model._meta.db_table, model._meta.get_field(field).column
        for pk, stored in list(model._base_manager.values_list("pk", field)):
            if stored is None or _open(table, column, pk, stored.token) is not None:
                continue  # already sealed for this row
            model._base_manager.filter(pk=pk).update(**{field: _seal(table, column, pk, stored.token)})
            sealed_any = True
    if sealed_any:
        _note_primary_key_in_use(apps)


def open_in_place(apps, schema_editor):
    for model_name, field in IN_PLACE:
        model = apps.get_model("casework", model_name)
        table, column = model._meta.db_table, model._meta.get_field(field).column
        for pk, stored in list(model._base_manager.values_list("pk", field)):
            plaintext = None if stored is None else _open(table, column, pk, stored.token)
            if plaintext is not None:
                model._base_manager.filter(pk=pk).update(**{field: Sealed(plaintext)})


def copy_participants_sealed(apps, schema_editor):
    Old = apps.get_model("casework", "MeetingParticipant")
    New = apps.get_model("casework", "MeetingParticipantSealed")
    rows = []
    for meeting_id, user_id, *texts in Old.objects.values_list("meeting_id", "user_id", *PARTICIPANT_TEXTS):
        pk = uuid.uuid4()
        sealed = {
            field: _seal(PARTICIPANT_TABLE, field, pk, text or "")
            for field, text in zip(PARTICIPANT_TEXTS, texts, strict=True)
        }
        rows.append(New(id=pk, meeting_id=meeting_id, user_id=user_id, **sealed))
    New.objects.bulk_create(rows, batch_size=500)
    if rows:
        _note_primary_key_in_use(apps)


def copy_participants_open(apps, schema_editor):
    Old = apps.get_model("casework", "MeetingParticipant")
    New = apps.get_model("casework", "MeetingParticipantSealed")
    rows = []
    for pk, meeting_id, user_id, *tokens in New.objects.values_list("pk", "meeting_id", "user_id", *PARTICIPANT_TEXTS):
        texts = {
            field: _open(PARTICIPANT_TABLE, field, pk, token.token) or ""
            for field, token in zip(PARTICIPANT_TEXTS, tokens, strict=True)
        }
        rows.append(Old(meeting_id=meeting_id, user_id=user_id, **texts))
    Old.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_concern_reception_blank_when_absent"),
        ("accesscontrol", "0006_key_check_value"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="intervention",
            name="provider",
            field=encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="utförare"),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="location",
            field=encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="plats"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="responsible_text",
            field=encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="ansvarig (annan)"),
        ),
        migrations.RunPython(seal_in_place, open_in_place),
        migrations.CreateModel(
            name="MeetingParticipantSealed",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("name", encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="namn")),
                (
                    "organisation",
                    encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="organisation"),
                ),
                ("role_title", encryption.fields.EncryptedCharField(blank=True, default="", verbose_name="roll")),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="casework.meeting"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_participants_sealed, copy_participants_open),
        migrations.DeleteModel(name="MeetingParticipant"),
        migrations.RenameModel(old_name="MeetingParticipantSealed", new_name="MeetingParticipant"),
        migrations.AlterField(
            model_name="meetingparticipant",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="participants", to="casework.meeting"
            ),
        ),
        migrations.AlterField(
            model_name="meetingparticipant",
            name="user",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingparticipant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)), fields=("meeting", "user"), name="participant_user_once"
            ),
        ),
    ]
