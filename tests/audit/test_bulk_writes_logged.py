"""No write bypasses the change log: `bulk_create`, `bulk_update` and `QuerySet.update()` send no signals,
so on a model django-auditlog follows they go through accesscontrol.changes (create_logged, update_logged),
which write the entries a save would."""

import ast
import datetime
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F

from accesscontrol.changes import create_logged, update_logged
from audit.registry import _audited_models
from casework import defaults
from casework.models import Notification, RetentionRule, Target
from casework.services.agreements import create_agreement

BULK_WRITES = {"bulk_create", "bulk_update", "update"}
# (file, model): writes that change no value the change log records, so a logged write would write nothing.
EXEMPT = {
    # Re-seals a file under the primary key: sealed_content and key_id are excluded from the change log.
    ("casework/services/attachments.py", "CaseAttachment"),
}


def _root_name(node) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def test_no_bulk_write_on_a_model_the_change_log_follows():
    followed = {model.__name__ for model in _audited_models()}
    unlogged = []
    for package in ("casework", "accesscontrol", "reports", "audit", "config"):
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(settings.BASE_DIR))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                model = _root_name(node.func.value)
                if node.func.attr in BULK_WRITES and model in followed and (name, model) not in EXEMPT:
                    unlogged.append(f"{name}:{node.lineno}: {model}….{node.func.attr}()")
    assert unlogged == []


def _entries(model, action):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action)


@pytest.mark.django_db
def test_a_new_agreements_default_targets_and_retention_rules_are_in_the_change_log(people):
    agreement = create_agreement(
        name="Loggad",
        social_services=people.agreement.social_services,
        police=people.agreement.police,
        starts_on=datetime.date(2026, 1, 1),
    )
    targets = set(Target.objects.filter(agreement=agreement).values_list("pk", flat=True))
    rules = set(RetentionRule.objects.filter(agreement=agreement).values_list("pk", flat=True))
    assert len(targets) == len(defaults.TARGETS) and len(rules) == len(defaults.RETENTION_RULES)
    created = LogEntry.Action.CREATE
    assert targets <= {int(pk) for pk in _entries(Target, created).values_list("object_pk", flat=True)}
    assert rules <= {int(pk) for pk in _entries(RetentionRule, created).values_list("object_pk", flat=True)}


@pytest.mark.django_db
def test_an_update_of_many_rows_writes_an_entry_for_each_row_it_changed(people):
    rows = create_logged(
        Notification, [Notification(user=people.manager, key=f"k:{n}", kind="k", text="t", url="/") for n in range(3)]
    )
    assert _entries(Notification, LogEntry.Action.CREATE).count() == 3
    assert update_logged(Notification.objects.filter(pk__in=[rows[0].pk, rows[1].pk]), text=F("kind")) == 2
    updates = _entries(Notification, LogEntry.Action.UPDATE)
    assert sorted(int(pk) for pk in updates.values_list("object_pk", flat=True)) == [rows[0].pk, rows[1].pk]
    assert all(entry.changes_dict == {"text": ["t", "k"]} for entry in updates)
    assert update_logged(Notification.objects.filter(pk=rows[0].pk), text="k") == 1  # nothing changed
    assert updates.count() == 2
