"""The nightly job checks both chains and alerts every auditor when one is broken."""

import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from audit import access
from audit.models import AccessLogEntry, ChainVerification
from audit.tasks import verify_audit_chains
from casework.models import Notification
from tests import factories

from .tampering import trigger_disabled

ACCESS = AccessLogEntry._meta.db_table


def test_the_job_is_scheduled_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["verify-audit-chains"]
    assert entry["task"] == "audit.tasks.verify_audit_chains"
    assert entry["schedule"].hour == {2}


@pytest.fixture
def logged_reads(people, case, request_as):
    for _ in range(4):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])


@pytest.mark.django_db
def test_an_intact_log_alerts_nobody(people, logged_reads):
    verify_audit_chains.delay()
    assert ChainVerification.objects.filter(ok=True).count() == 2
    assert not Notification.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_a_broken_chain_alerts_every_auditor_without_personal_data(
    people, outsider, other_agreement, case, logged_reads, django_capture_on_commit_callbacks
):
    second_auditor = factories.user_with_roles(other_agreement, "auditor", username="granskare-b")
    with trigger_disabled(ACCESS):
        AccessLogEntry.objects.filter(seq=3).update(username="someone-else")

    with django_capture_on_commit_callbacks(execute=True):
        verify_audit_chains.delay()

    notifications = Notification.objects.filter(kind="audit_chain_broken")
    assert {n.user for n in notifications} == {people.auditor, second_auditor}
    text = notifications.first().text
    assert "Åtkomstloggen" in text and "post nr 3" in text and "posten har ändrats" in text
    assert notifications.first().url == "/granskning/kontroll/"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([people.auditor.email, second_auditor.email])
    personal = [case.person.first_name, case.person.last_name, case.number, str(case.pk), str(case.person_id)]
    for message in mail.outbox:
        assert "post nr 3" in message.body
        assert not [value for value in personal if value in message.body + message.subject]
    assert not [value for value in personal if value in text]
    broken = ChainVerification.objects.get(ok=False)
    assert (broken.broken_seq, broken.broken_reason) == (3, ChainVerification.Reason.CHANGED)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_job_and_alerts_the_auditor(celery_worker, people, logged_reads):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {ACCESS} DISABLE TRIGGER samsyn_append_only")
        try:
            cursor.execute(f"DELETE FROM {ACCESS} WHERE seq = 2")  # noqa: S608 - a fixed table name
        finally:
            cursor.execute(f"ALTER TABLE {ACCESS} ENABLE TRIGGER samsyn_append_only")

    verify_audit_chains.delay()

    deadline = time.monotonic() + 30
    while not Notification.objects.filter(user=people.auditor, kind="audit_chain_broken").exists():
        assert time.monotonic() < deadline, "the worker did not alert the auditor"
        time.sleep(0.2)
    assert "post nr 2" in Notification.objects.get(user=people.auditor).text
