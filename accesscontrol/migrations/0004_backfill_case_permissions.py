"""Grant the case permissions for cases that existed before they were derived on save."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def backfill(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    if not Case.objects.exists():
        return
    # Permissions are normally created after migrate; make sure the one we grant exists now.
    casework = apps.get_app_config("casework")
    casework.models_module = True
    create_permissions(casework, apps=apps, verbosity=0)
    casework.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Unit = apps.get_model("accesscontrol", "Unit")
    GroupPermission = apps.get_model("accesscontrol", "CaseGroupObjectPermission")
    UserPermission = apps.get_model("accesscontrol", "CaseUserObjectPermission")
    view_case = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    groups = dict(Unit.objects.values_list("pk", "group_id"))
    for case_id, unit_id, caseworker_id in Case.objects.values_list("pk", "unit_id", "caseworker_id"):
        if unit_id is not None:
            GroupPermission.objects.get_or_create(
                content_object_id=case_id, group_id=groups[unit_id], permission=view_case
            )
        if caseworker_id is not None:
            UserPermission.objects.get_or_create(
                content_object_id=case_id, user_id=caseworker_id, permission=view_case
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accesscontrol", "0003_case_permissions_and_idp_device"),
        ("casework", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
