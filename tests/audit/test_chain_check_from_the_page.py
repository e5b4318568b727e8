"""The auditor starts a check of the log chains from "Loggkontroll": a background job with progress on the
page, its result kept and shown, the start itself in the change log, and nothing personal in its messages."""

import datetime
import logging

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone, translation

from accesscontrol.actor import actor_for
from audit import access, services, tasks
from audit.models import AccessLogEntry, ChainCheck, ChainVerification
from casework.models import Notification

from .tampering import trigger_disabled

pytestmark = pytest.mark.django_db

URL = "/granskning/kontroll/"
STATUS_URL = "/granskning/kontroll/status/"
ACCESS = AccessLogEntry._meta.db_table


@pytest.fixture
def logged_reads(people, case, request_as):
    for _ in range(6):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[case.person])


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """POST the page's button; the worker's task runs in-process when the request's transaction commits."""

    def _start(client):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL)

    return _start


def test_the_page_offers_the_check_to_the_auditor(login, people):
    page = login(people.auditor).get(URL).content.decode()
    assert "Inte kontrollerad ännu" in page
    assert "Kontrollera loggarna nu" in page and 'method="post"' in page


def test_the_auditor_starts_a_check_and_sees_both_chains_intact(login, people, logged_reads, start):
    client = login(people.auditor)
    response = start(client)
    assert response.status_code == 302 and response["Location"] == URL
    check = ChainCheck.objects.get()
    assert (check.status, check.progress, check.ok) == (ChainCheck.Status.DONE, 100, True)
    assert check.requested_by == people.auditor and check.finished_at is not None
    assert {run.chain for run in check.verifications.all()} == {"access", "change"}
    page = client.get(URL).content.decode()
    assert "Den senaste kontrollen från sidan blev klar" in page
    assert "Startad från sidan" in page
    assert page.count("govuk-tag--green") >= 4  # both chains in the summary and in the check's result


def test_starting_a_check_is_in_the_change_log(login, people, start):
    start(login(people.auditor))
    entries = LogEntry.objects.filter(content_type__model="chaincheck").order_by("pk")
    entry = entries.first()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == people.auditor
    # The worker's steps are the agreement's too, so its auditors see the check ran and how it ended.
    assert {e.additional_data["agreement_id"] for e in entries} == {people.agreement.pk}
    assert [e.changes_dict.get("status", [None, None])[1] for e in entries[1:]] == ["running", "done"]
    rows = login(people.auditor).get("/granskning/andringar/").context["rows"]
    assert any(row.object_type == "Loggkontroll" and row.username == people.auditor.username for row in rows)


def test_a_broken_chain_shows_the_entry_and_alerts_the_auditors(login, people, logged_reads, start):
    with trigger_disabled(ACCESS):
        AccessLogEntry.objects.filter(seq=4).update(username="someone-else")
    client = login(people.auditor)
    start(client)
    check = ChainCheck.objects.get()
    assert (check.status, check.ok) == (ChainCheck.Status.DONE, False)
    broken = check.verifications.get(ok=False)
    assert (broken.chain, broken.broken_seq, broken.broken_reason) == ("access", 4, ChainVerification.Reason.CHANGED)
    page = client.get(URL).content.decode()
    assert "Första felet vid post nr 4, posten har ändrats." in page
    assert Notification.objects.filter(user=people.auditor, kind="audit_chain_broken").exists()


def test_the_progress_follows_the_segments_of_both_chains(people, logged_reads, monkeypatch):
    monkeypatch.setattr("audit.chain.MIN_SEGMENT", 2)
    steps = []
    results = services.verify_audit_chains(progress=steps.append)
    assert all(result.ok for result in results)
    assert len(steps) >= 4 and steps == sorted(steps)
    assert steps[0] > 0 and steps[-1] <= 99  # 100 only once the results are stored


def test_the_job_marks_its_progress_on_the_row_and_ends_at_100(people, logged_reads, monkeypatch, start, login):
    monkeypatch.setattr("audit.chain.MIN_SEGMENT", 2)
    written = []
    real_update_logged = services.update_logged

    def spy(queryset, **values):
        if "progress" in values:
            written.append(values["progress"])
        return real_update_logged(queryset, **values)

    monkeypatch.setattr(services, "update_logged", spy)
    start(login(people.auditor))
    assert written[0] == 0 and written[-1] == 100
    assert len(written) > 3 and written == sorted(written)
    # The steps are on the row, not in the change log: its entries are the start, running, and done.
    entries = LogEntry.objects.filter(content_type__model="chaincheck")
    assert entries.count() == 3 and not [e for e in entries if "progress" in e.changes_dict]


def test_a_second_start_while_one_is_under_way_follows_that_one(people):
    actor = actor_for(people.auditor, people.agreement)
    first = services.request_chain_check(actor=actor)  # queued: its task waits for the commit
    assert services.request_chain_check(actor=actor) == first
    assert ChainCheck.objects.count() == 1


def test_the_page_shows_the_progress_of_a_check_under_way(login, people):
    check = services.request_chain_check(actor=actor_for(people.auditor, people.agreement))
    ChainCheck.objects.filter(pk=check.pk).update(status=ChainCheck.Status.RUNNING, progress=40)
    client = login(people.auditor)
    page = client.get(URL).content.decode()
    assert 'data-report-status-url="/granskning/kontroll/status/"' in page
    assert '<progress id="check-progress"' in page and 'value="40"' in page
    assert "Uppdatera sidan" in page  # without the script, the page is reloaded by hand
    assert "Kontrollera loggarna nu" not in page
    assert client.get(STATUS_URL).json() == {"status": "running", "progress": 40}


@pytest.mark.parametrize("role", ["sysadmin", "manager", "caseworker", "police", "management"])
def test_nobody_but_the_auditor_starts_a_check(login, people, role, start):
    assert start(login(getattr(people, role))).status_code == 403
    assert not ChainCheck.objects.exists()
    assert AccessLogEntry.objects.get().outcome == AccessLogEntry.Outcome.DENIED


def test_the_task_gets_the_checks_id_only(people, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("config.queueing.send_now", lambda task, **ids: sent.append((task, ids)))
    with django_capture_on_commit_callbacks(execute=True):
        check = services.request_chain_check(actor=actor_for(people.auditor, people.agreement))
    assert sent == [("audit.tasks.run_chain_check", {"check_id": str(check.pk)})]


def test_the_jobs_messages_carry_no_personal_data(people, case, logged_reads, caplog, start, login):
    with trigger_disabled(ACCESS):
        AccessLogEntry.objects.filter(seq=2).update(username="someone-else")
    with caplog.at_level(logging.DEBUG):
        start(login(people.auditor))
    check = ChainCheck.objects.get()
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("audit")]
    messages += [n.text for n in Notification.objects.all()] + [m.subject + m.body for m in mail.outbox]
    assert f"chain check {check.pk} done" in messages
    person = case.person
    personal = [
        person.first_name,
        person.last_name,
        person.personal_number_display,
        case.number,
        str(case.pk),
        str(person.pk),
        people.manager.username,
        people.auditor.username,
    ]
    assert not [value for value in personal for message in messages if value in message]


def test_a_failed_check_says_so_and_can_be_started_again(login, people, monkeypatch, start, caplog):
    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "verify_and_alert", fail)
    client = login(people.auditor)
    with caplog.at_level(logging.ERROR):
        start(client)
    check = ChainCheck.objects.get()
    assert check.status == ChainCheck.Status.FAILED
    failures = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert failures == [f"chain check {check.pk} failed"]
    page = client.get(URL).content.decode()
    assert "Kontrollen kunde inte genomföras" in page and "Kontrollera loggarna nu" in page


def test_running_a_finished_check_again_changes_nothing(people, start, login):
    start(login(people.auditor))
    check = ChainCheck.objects.get()
    assert services.run_chain_check(str(check.pk)) is None
    assert ChainVerification.objects.filter(chain_check=check).count() == 2


def test_the_sweep_sends_checks_left_queued_again(people, monkeypatch):
    check = services.request_chain_check(actor=actor_for(people.auditor, people.agreement))
    sent = []
    monkeypatch.setattr("config.queueing.send_now", lambda task, **ids: sent.append(ids) or True)
    assert tasks.sweep_queued_chain_checks() == 0  # just asked for: its message is on its way
    ChainCheck.objects.filter(pk=check.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=5))
    assert tasks.sweep_queued_chain_checks() == 1 and sent == [{"check_id": str(check.pk)}]


def test_the_page_reads_in_english_after_the_switch(login, people, start):
    client = login(people.auditor)
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    start(client)
    try:
        page = client.get(URL).content.decode()
    finally:
        translation.deactivate()  # LocaleMiddleware left English active in this thread; later tests expect Swedish
    assert "Check the logs now" in page and "Started from the page" in page
    assert "The latest check started from this page finished" in page and "Kontrollera loggarna nu" not in page
