"""The encryption's own records: which keys sealed stored values, and how far a key rotation got.

Both tables were created by accesscontrol (its migrations 0001 and 0005) before encryption became a
package of its own; they keep their table names, so moving them here changed no database.
"""

from django.db import models


class KeyInUse(models.Model):
    """Key ids that sealed stored values, each with its key check value. Start-up refuses a keyring
    that lacks one of them or holds another key under its id, so a missing or wrong key is found
    before the first page, not in the middle of one."""

    class Purpose(models.TextChoices):
        ENCRYPTION = "encryption", "encryption"
        BLIND_INDEX = "blind_index", "blind index"

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    key_id = models.CharField(max_length=100)
    # Blank only on rows from before check values; start-up fills it in from the keyring.
    key_check = models.CharField(max_length=32, blank=True)
    first_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accesscontrol_keyinuse"
        constraints = [models.UniqueConstraint(fields=["purpose", "key_id"], name="key_in_use_unique")]


class RotationCheckpoint(models.Model):
    """How far a key rotation got in one model, so an interrupted rotation resumes where it stopped."""

    purpose = models.CharField(max_length=20, choices=KeyInUse.Purpose.choices)
    model = models.CharField(max_length=100)
    last_pk = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accesscontrol_rotationcheckpoint"
        constraints = [models.UniqueConstraint(fields=["purpose", "model"], name="rotation_checkpoint_unique")]
