"""Bulk writes the change log still sees: one entry per row, as a save would write it.

`bulk_create()` and `QuerySet.update()` send no model signals, so django-auditlog, which follows every
model registered in audit/registry.py through them, records nothing. On such a model, write through these
instead (tests/audit/test_bulk_writes_logged.py fails on a bare one). They call django-auditlog itself,
so its masks and exclusions apply, and casework and accesscontrol need not import `audit`
(docs/architecture.md, rule 7).
"""

from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.receivers import log_create
from django.db import transaction


def create_logged(model, objects) -> list:
    """`model.objects.bulk_create(objects)` with a create entry for each row."""
    created = model.objects.bulk_create(objects)
    for instance in created:
        log_create(sender=model, instance=instance, created=True)
    return created


def update_logged(queryset, **values) -> int:
    """`queryset.update(**values)` with an update entry for each row it changed. The rows are locked and
    read before the update and read again after it, in one transaction, so an entry holds what the update
    did (an F() expression too) and a conditional update (a filter on the old value) stays one."""
    model = queryset.model
    with transaction.atomic():
        before = {row.pk: row for row in queryset.select_related(None).select_for_update(of=("self",))}
        if not before:
            return 0
        updated = model._base_manager.filter(pk__in=list(before)).update(**values)
        if not auditlog_disabled.get(False):
            for after in model._base_manager.filter(pk__in=list(before)):
                if changes := model_instance_diff(before[after.pk], after):
                    LogEntry.objects.log_create(after, action=LogEntry.Action.UPDATE, changes=changes)
    return updated
