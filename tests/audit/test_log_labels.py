"""The log pages name things as a reader does: a page by its Swedish name, never its route name
(`casework:case_detail`); a change as "Skapade"/"Ändrade", never auditlog's "create"; a model and its fields
by their Swedish names, never "Case event" or "occurred on" (audit/labels.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.functional import Promise

from audit import labels
from audit.registry import _audited_models
from tests.audit.test_review_access_log import PERIOD
from tests.audit.test_review_change_log import changed_in_a_request  # noqa: F401 (fixture)

ENGLISH = ("create", "update", "Case event", "occurred on", "case_detail", "casework:")


def _route_names(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_has_a_swedish_name():
    """The access log names a page by its route (audit.access.AccessLogMiddleware), so this covers them."""
    missing = sorted(name for name in _route_names(get_resolver()) if name not in labels.PAGE_LABELS)
    assert missing == []


def test_every_model_and_field_the_change_log_follows_has_a_swedish_name():
    missing = []
    for model in _audited_models():
        if not isinstance(model._meta.verbose_name, Promise) and model._meta.label_lower not in labels.MODEL_LABELS:
            missing.append(model._meta.label_lower)
        for field in model._meta.concrete_fields:
            if not isinstance(field.verbose_name, Promise) and field.name not in labels.FIELD_LABELS:
                missing.append(f"{model._meta.label_lower}.{field.name}")
    assert missing == []


def test_a_route_since_removed_gets_a_name_not_its_code():
    assert labels.page_label("casework:gone") == "Sida som inte längre finns"


@pytest.mark.django_db
def test_the_change_log_reads_in_swedish(login, people, changed_in_a_request):  # noqa: F811
    response = login(people.auditor).get("/granskning/andringar/", {"user": people.manager.pk})
    rows = response.context["rows"]
    event = next(row for row in rows if row.object_type == "Händelse i ärendet")
    assert event.action == "Skapade" and "inträffade" in event.fields
    assert {row.action for row in rows} <= {"Skapade", "Ändrade", "Tog bort"}
    html = response.content.decode()
    assert not [word for word in ENGLISH if word in html]


@pytest.mark.django_db
def test_the_access_log_and_its_csv_name_pages_in_swedish(login, people, case, read):
    read(people.manager, cases=[case], page="casework:case_detail")
    client = login(people.auditor)
    html = client.get("/granskning/atkomst/", PERIOD).content.decode()
    assert "Ärendesidan" in html and "casework:case_detail" not in html
    csv = client.get("/granskning/atkomst/export.csv", PERIOD).content.decode("utf-8-sig")
    assert "Ärendesidan" in csv and "casework:" not in csv
