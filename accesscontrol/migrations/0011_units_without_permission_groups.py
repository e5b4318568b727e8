import django.db.models.deletion
from django.db import migrations, models


def delete_unit_groups(apps, schema_editor):
    """The units' permission groups served only the copied case permissions (removed in 0010)."""
    apps.get_model("auth", "Group").objects.filter(name__startswith="unit:").delete()


def give_units_groups_again(apps, schema_editor):
    """The way back: each unit its permission group, as accesscontrol.services.create_unit made them."""
    Group = apps.get_model("auth", "Group")
    for unit in apps.get_model("accesscontrol", "Unit").objects.filter(group__isnull=True):
        unit.group = Group.objects.create(name=f"unit:{unit.organisation_id}:{unit.name}"[:150])
        unit.save(update_fields=["group"])


class Migration(migrations.Migration):
    dependencies = [
        ("accesscontrol", "0010_case_access_grants_not_copied_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="group",
            field=models.OneToOneField(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="unit",
                to="auth.group",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, give_units_groups_again),
        migrations.RemoveField(model_name="unit", name="group"),
        migrations.RunPython(delete_unit_groups, migrations.RunPython.noop),
    ]
