"""Object permissions on cases (django-guardian, direct foreign keys), derived from the case itself.

A case is visible to a caseworker through the unit it is assigned to (the unit's group holds the
permission) or through a personal assignment (the caseworker holds it). The rows follow `Case.unit` and
`Case.caseworker` on every save, so a reassignment revokes the old grants in the same transaction that
grants the new ones. Casework services only set `case.unit` / `case.caseworker` and save.

`QuerySet.update()` and `bulk_create()` send no signal: code that changes unit or caseworker that way
must call `sync_case_permissions` itself.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import CaseGroupObjectPermission, CaseUserObjectPermission, Unit

VIEW_CASE = "view_case"


def view_case_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="casework", codename=VIEW_CASE)


@transaction.atomic
def sync_case_permissions(case) -> None:
    """Makes the case's permission rows exactly what its unit and caseworker give: the unit's group and
    the assigned caseworker may view it, and nobody else holds a permission on it through these tables."""
    permission = view_case_permission()
    group_id = Unit.objects.filter(pk=case.unit_id).values_list("group_id", flat=True).first()
    _keep_only(CaseGroupObjectPermission, case, permission, "group_id", group_id)
    _keep_only(CaseUserObjectPermission, case, permission, "user_id", case.caseworker_id)


def _keep_only(model, case, permission, holder_field: str, holder_id) -> None:
    rows = model.objects.filter(content_object=case)
    if holder_id is None:
        rows.delete()
        return
    rows.exclude(**{holder_field: holder_id, "permission": permission}).delete()
    model.objects.get_or_create(content_object=case, permission=permission, **{holder_field: holder_id})


@receiver(post_save, sender="casework.Case", dispatch_uid="accesscontrol.sync_case_permissions")
def _case_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"unit", "caseworker"} & set(update_fields):
        return
    sync_case_permissions(instance)
