"""The instance administrator (docs/roles-and-visibility.md): a flag on the user, not a role in an agreement.

Existing installations: the first sysadmin that setup_samsyn made (the earliest sysadmin membership) becomes
the instance administrator, as setup_samsyn now does for a new installation, so the shared reference data
keeps a keeper."""

from django.db import migrations, models


def first_sysadmin_keeps_shared_data(apps, schema_editor):
    Membership = apps.get_model("accesscontrol", "Membership")
    User = apps.get_model("accesscontrol", "User")
    first = Membership.objects.filter(role="sysadmin", user__is_active=True).order_by("created_at", "pk").first()
    if first is not None:
        User.objects.filter(pk=first.user_id).update(is_instance_admin=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accesscontrol", "0007_password_link_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_instance_admin",
            field=models.BooleanField(default=False, editable=False, verbose_name="instansförvaltare"),
        ),
        migrations.RunPython(first_sysadmin_keeps_shared_data, migrations.RunPython.noop),
    ]
