"""The sysadmin's pages never read case content, and the Django admin is no way around that."""

import gc
import sys

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accesscontrol.models import User
from casework.models import Case, Person
from encryption.fields import encrypted_fields
from tests.accesscontrol.factories import make_case, make_consent, make_disclosure, make_person
from tests.accesscontrol.url_matrix import project_patterns, url_of

pytestmark = pytest.mark.django_db
ADMINISTRATION = [p for p in project_patterns() if p.key.startswith("administration:")]
# Pages only the instance administrator opens (what all agreements share); here the world's sysadmin is one.
SHARED_DATA_EDITS = {"administration:legal_bases_create", "administration:legal_bases_edit"}


def case_content_tables() -> set[str]:
    """Tables of case content: every model with encrypted fields, and every model pointing at a case or
    a person (so a new casework model is covered without editing this test)."""
    tables = set()
    for model in apps.get_models():
        points_at_case = any(
            getattr(f, "related_model", None) in (Case, Person) for f in model._meta.get_fields() if f.many_to_one
        )
        if encrypted_fields(model) or points_at_case or model in (Case, Person):
            tables.add(model._meta.db_table)
    return tables


def test_the_tables_of_case_content_are_known():
    tables = case_content_tables()
    assert {
        "casework_case",
        "casework_person",
        "casework_consent",
        "casework_disclosure",
        "casework_caseevent",
    } <= tables
    assert "accesscontrol_user" not in tables and "casework_agreement" not in tables


@pytest.mark.parametrize("pattern", ADMINISTRATION, ids=[p.key for p in ADMINISTRATION])
def test_no_administration_page_reads_case_content(pattern, world, login):
    person = make_person(world.people.agreement, first_name="Hemlig", last_name="Hemlighetsson")
    case = make_case(
        world.people.agreement, proposed_by=world.people.police, person=person, unit=world.people.investigation
    )
    make_disclosure(
        case,
        decided_by=world.people.manager,
        consent=make_consent(case, recorded_by=world.people.manager),
        basis="samtycke",
    )
    sysadmin = User.objects.get(pk=world.people.sysadmin.pk)
    if pattern.key in SHARED_DATA_EDITS:
        sysadmin.is_instance_admin = True
        sysadmin.save(update_fields=["is_instance_admin"])
    client = login(sysadmin)
    url = url_of(pattern, world)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    touched = {table for query in queries for table in case_content_tables() if f'"{table}"' in query["sql"]}
    assert not touched, f"{url} read {sorted(touched)}"
    page = response.content.decode()
    assert "Hemlighetsson" not in page and "Skäl för förslaget" not in page


def test_no_case_model_is_reachable_through_any_admin():
    """django.contrib.admin is not installed, no URL leads to an admin view, and
    no AdminSite object anywhere in the process has a model of ours registered."""
    assert not apps.is_installed("django.contrib.admin")
    admin_views = [
        p.key for p in project_patterns() if getattr(p.view, "__module__", "").startswith("django.contrib.admin")
    ]
    assert admin_views == []
    sites_module = sys.modules.get("django.contrib.admin.sites")
    # type(), not isinstance(): isinstance asks lazy objects (admin's default site, the CSP nonce) for
    # their __class__, which sets them up, and that fails outside a request or without the admin app.
    admin_site = sites_module.AdminSite if sites_module else None
    sites = [o for o in gc.get_objects() if admin_site and issubclass(type(o), admin_site)]
    registered = {model for site in sites for model in site._registry}
    assert not {m for m in registered if m._meta.app_label in {"casework", "audit", "accesscontrol"}}
