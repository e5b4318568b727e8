"""The auditor's page of verification runs."""

import pytest

from audit.models import AccessLogEntry
from audit.services import verify_audit_chains

pytestmark = pytest.mark.django_db

URL = "/granskning/kontroll/"


def test_it_shows_the_latest_run_of_each_chain(login, people):
    verify_audit_chains()
    response = login(people.auditor).get(URL)
    assert response.status_code == 200
    latest = dict(response.context["latest"])
    assert {str(label) for label in latest} == {"Åtkomstloggen", "Ändringsloggen"}
    assert all(run.ok for run in latest.values())
    assert "Hel" in response.content.decode()


def test_it_says_when_no_run_has_happened(login, people):
    response = login(people.auditor).get(URL)
    assert "Inte kontrollerad ännu" in response.content.decode()


def test_viewing_it_is_logged(login, people):
    login(people.auditor).get(URL)
    entry = AccessLogEntry.objects.get()
    assert (entry.page, entry.field_classes, entry.user_id) == ("audit:verifications", ["logs"], people.auditor.pk)


def test_it_refuses_everyone_but_the_auditor(login, people):
    assert login(people.sysadmin).get(URL).status_code == 403
    assert AccessLogEntry.objects.get().outcome == AccessLogEntry.Outcome.DENIED
