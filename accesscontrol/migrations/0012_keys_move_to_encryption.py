from django.db import migrations


class Migration(migrations.Migration):
    """KeyInUse and RotationCheckpoint belong to the encryption package now (encryption 0001 takes them
    over): they leave accesscontrol's state only; their tables stay as they are."""

    dependencies = [
        ("accesscontrol", "0011_units_without_permission_groups"),
        # Reads accesscontrol.KeyInUse from the historical state, so it runs before the model leaves.
        ("casework", "0006_encrypt_meeting_and_intervention_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RotationCheckpoint"),
                migrations.DeleteModel(name="KeyInUse"),
            ],
            database_operations=[],
        ),
    ]
