"""Personal data never leaves its encrypted column in plaintext.

On PostgreSQL and Redis, with the real Celery worker: a person and a case are written with a unique
sentinel in every personal field and every free text, through the pages and the services; the case is
read, exported and reported on; reminders and a long report run on the worker. Then every place data can
reach is searched for every sentinel: a pg_dump of the whole database (which includes the change and
access logs), the log output of this process and of the worker, every Celery task message sent, and every
key and value in Redis (broker, results and the cache).

On any database (SQLite too), the same writing is followed by a search of every table, read with raw SQL,
and of the change log's entries (their changes and object_repr).
"""

import base64
import binascii
import contextlib
import datetime
import json
import logging
import os
import subprocess
import time
import uuid

import pytest
import redis
from auditlog.models import LogEntry
from celery.signals import before_task_publish
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from casework import personal_numbers
from casework.models import ConcernTalkFollowUp, Intervention, Meeting, Person
from casework.reminders import run_reminders
from casework.services import cases as case_services
from casework.services import disclosures as disclosure_services
from casework.services import fieldwork, follow_ups, interventions, meetings
from reports.models import ReportJob
from reports.services import request_report
from tests.casework import factories
from tests.conftest import start_worker, stop_worker, verified_client

pytestmark = [pytest.mark.django_db(transaction=True)]

TAG = uuid.uuid4().hex[:8]


def sentinel(label: str) -> str:
    # ASCII only, so a sentinel is found however a place encodes text (bytes, JSON escapes, base64 bodies).
    return f"Sentinel{label.translate(str.maketrans('åäöÅÄÖ', 'aaoAAO'))}{TAG}"


FIELDS = [
    "Förnamn",
    "Efternamn",
    "Telefon",
    "Adress",
    "Vårdnadshavare",
    "Skäl",
    "Polisbedömning",
    "Socialbedömning",
    "Diarienummer",
    "Insatsanteckning",
    "Ungdomensbild",
    "Socialbild",
    "Polisbild",
    "Partnerbild",
    "Hjälpt",
    "Hindrat",
    "Samverkan",
    "Resonemang",
    "Beslut",
    "Fältanteckning",
    "Iakttagelse",
    "Samtyckare",
    "Syfte",
    "Blankett",
    "Utlämnandebedömning",
    "Tillägg",
    "Identifieringsnot",
    "Kategoribyte",
    "Avslutsnot",
    "Återöppning",
    "Spärrskäl",
    "Orossamtal",
    "Orosuppföljning",
    "Utförare",
    "Plats",
    "Ansvarig",
    "Deltagarnamn",
    "Deltagarorganisation",
    "Deltagarroll",
    "Borttagendeltagare",
]
SENTINELS = {label: sentinel(label) for label in FIELDS}


@pytest.fixture
def captured_messages():
    """Every Celery message this process publishes (the body and headers that travel through Redis)."""
    sent = []

    def capture(sender=None, body=None, headers=None, **kwargs):
        sent.append(repr(body) + repr(headers))

    before_task_publish.connect(capture, weak=False)
    yield sent
    before_task_publish.disconnect(capture)


@pytest.fixture
def worker_log(tmp_path, django_db_setup):
    """A worker of our own whose every output line we keep."""
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = start_worker(name=f"sentinel-{TAG}", loglevel="DEBUG", output=out, LOG_LEVEL="DEBUG")
        yield log
        stop_worker(worker)


def write_everything(people, client):
    today = timezone.localdate()
    manager = factories.actor(people.manager, people.agreement)
    police = factories.actor(people.police, people.agreement)
    caseworker = factories.actor(people.caseworker, people.agreement)
    field = factories.actor(people.field_worker, people.agreement)
    number = personal_numbers.make(today - datetime.timedelta(days=17 * 365), 987)

    # The proposal goes through the page, so the request (with the personnummer in its form) is logged.
    page = verified_client(client, people.police)
    page.post("/forslag/ny/", {"personal_number": number})
    response = page.post(
        "/forslag/ny/",
        {
            "step": "details",
            "personal_number": number,
            "first_name": SENTINELS["Förnamn"],
            "last_name": SENTINELS["Efternamn"],
            "gender": "boy",
            "category": "svansen",
            "reason": SENTINELS["Skäl"],
            "proposed_on": (today - datetime.timedelta(days=120)).isoformat(),
            "phone": SENTINELS["Telefon"],
            "address": SENTINELS["Adress"],
            "guardian_1_name": SENTINELS["Vårdnadshavare"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    case = person.cases.get()

    meeting = meetings.schedule_meeting(actor=manager, held_on=today - datetime.timedelta(days=110))
    case = case_services.identify_case(
        actor=manager,
        case=case,
        meeting=meeting,
        category="svansen",
        raised_on=meeting.held_on,
        unit=people.investigation,
        caseworker=people.caseworker,
        note=SENTINELS["Identifieringsnot"],
    )
    meetings.record_reasoning(
        actor=manager, meeting=meeting, reasoning=SENTINELS["Resonemang"], location=SENTINELS["Plats"]
    )
    meetings.add_participant(
        actor=manager,
        meeting=meeting,
        name=SENTINELS["Deltagarnamn"],
        organisation=SENTINELS["Deltagarorganisation"],
        role_title=SENTINELS["Deltagarroll"],
    )
    removed = meetings.add_participant(
        actor=manager, meeting=meeting, name=SENTINELS["Borttagendeltagare"], organisation="Skolan"
    )
    meetings.remove_participant(actor=manager, participant=removed)
    meetings.add_decision(
        actor=manager,
        meeting=meeting,
        what=SENTINELS["Beslut"],
        responsible=people.caseworker,
        due_on=today - datetime.timedelta(days=1),
        case=case,
    )
    meetings.add_decision(actor=manager, meeting=meeting, what="Bjud in skolan", responsible_text=SENTINELS["Ansvarig"])
    case_services.record_police_assessment(
        actor=police, case=case, assessment=SENTINELS["Polisbedömning"], priority=True
    )
    case_services.record_social_assessment(
        actor=manager,
        case=case,
        assessment=SENTINELS["Socialbedömning"],
        realistic_alternative="hvb",
        records_reference=SENTINELS["Diarienummer"],
    )
    interventions.offer_intervention(
        actor=caseworker,
        case=case,
        intervention_type=factories.intervention_type(people.agreement, "mst"),
        offered_on=meeting.held_on + datetime.timedelta(days=3),
        provider=SENTINELS["Utförare"],
        note=SENTINELS["Insatsanteckning"],
    )
    follow_ups.write_follow_up(
        actor=caseworker,
        case=case,
        written_on=today,
        youth_view=SENTINELS["Ungdomensbild"],
        social_view=SENTINELS["Socialbild"],
        police_view=SENTINELS["Polisbild"],
        partners_view=SENTINELS["Partnerbild"],
        helped=SENTINELS["Hjälpt"],
        hindered=SENTINELS["Hindrat"],
        collaboration=SENTINELS["Samverkan"],
        outcome="improved",
    )
    fieldwork.record_field_contact(
        actor=field, kind="outreach", occurred_on=today, case=case, note=SENTINELS["Fältanteckning"]
    )
    spot = people.agreement.hot_spots.first() or people.agreement.hot_spots.create(name="Torget", kind="public_place")
    fieldwork.record_hot_spot_visit(
        actor=field, hot_spot=spot, visited_on=today, youths_present=4, observations=SENTINELS["Iakttagelse"]
    )
    consent = disclosure_services.record_consent(
        actor=manager,
        case=case,
        given_by="guardian",
        giver_name=SENTINELS["Samtyckare"],
        given_on=today,
        scope=["interventions"],
        purpose=SENTINELS["Syfte"],
        document_reference=SENTINELS["Blankett"],
    )
    from casework.models import LegalBasis

    disclosure_services.disclose(
        actor=manager,
        case=case,
        field_classes=["interventions"],
        legal_basis=LegalBasis.objects.get(code="samtycke"),
        assessment=SENTINELS["Utlämnandebedömning"],
        decided_on=today,
        consent=consent,
    )
    talk = fieldwork.record_field_contact(
        actor=field,
        kind="concern_talk",
        occurred_on=today,
        case=case,
        with_parents=True,
        note=SENTINELS["Orossamtal"],
    )
    fieldwork.record_concern_talk_follow_up(
        actor=field,
        contact=talk,
        followed_up_on=today,
        youth_reception=ConcernTalkFollowUp.Reception.values[0],
        parents_reception=ConcernTalkFollowUp.Reception.values[0],
        note=SENTINELS["Orosuppföljning"],
    )
    factories.approve(people, meeting)
    meetings.add_addendum(actor=manager, meeting=meeting, text=SENTINELS["Tillägg"])
    case = case_services.set_legal_hold(actor=manager, case=case, on=True, reason=SENTINELS["Spärrskäl"])
    case = case_services.set_legal_hold(actor=manager, case=case, on=False, reason=SENTINELS["Spärrskäl"])
    case = case_services.change_category(
        actor=manager, case=case, category="lifestyle", changed_on=today, note=SENTINELS["Kategoribyte"]
    )
    case = case_services.close_case(
        actor=manager, case=case, reason="moved", closed_on=today, note=SENTINELS["Avslutsnot"]
    )
    case = case_services.reopen_case(actor=manager, case=case, reopened_on=today, note=SENTINELS["Återöppning"])
    return case, meeting, number


def read_everything(people, client, case, meeting):
    manager = verified_client(client, people.manager)
    for url in (
        "/arenden/",
        f"/arenden/{case.pk}/",
        f"/moten/{meeting.pk}/",
        f"/moten/{meeting.pk}/protokoll.pdf",
        "/mal/",
        "/",
    ):
        assert manager.get(url).status_code == 200, url
    cache.set("sentinel-probe", "cached value without personal data")


def forms_of(text: str) -> list[str]:
    """Each sentinel as typed, in lower case (what a normalising index would hold) and in upper case."""
    return [text, text.lower(), text.upper()]


@pytest.mark.services
def test_no_sentinel_reaches_a_dump_a_log_a_task_message_or_redis(
    people, client, caplog, captured_messages, worker_log, tmp_path
):
    caplog.set_level(logging.DEBUG)
    case, meeting, number = write_everything(people, client)
    read_everything(people, client, case, meeting)

    # Work on the real worker: reminders (the decision is overdue) and a long report.
    from casework.tasks import send_reminders

    send_reminders.delay().get(timeout=60)
    job = request_report(
        actor=factories.actor(people.manager, people.agreement),
        kind="follow_up",
        file_format="pdf",
        first_year=timezone.localdate().year,  # the year everything above was written in
        last_year=timezone.localdate().year,
    )
    deadline = time.monotonic() + 120
    while ReportJob.objects.get(pk=job.pk).status not in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        assert time.monotonic() < deadline, "the report was not built"
        time.sleep(0.5)
    assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE
    run_reminders()

    # The data really is there, readable through the application.
    assert Person.objects.get().first_name == SENTINELS["Förnamn"]

    dump = tmp_path / "dump.sql"
    db = connection.settings_dict
    subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            "-f",
            str(dump),
            db["NAME"],
        ],
        check=True,
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
    )
    places = {
        "pg_dump": dump.read_text(),
        "this process's log": caplog.text,
        "the worker's log": worker_log.read_text(),
        "Celery task messages": "\n".join(captured_messages),
        "Redis": redis_contents(),
    }
    assert captured_messages, "no task message was captured"
    assert "INSERT" not in places["pg_dump"] and "COPY public.casework_person" in places["pg_dump"]
    digits = personal_numbers.parse(number)
    numbers = {digits.normalised, digits.normalised[2:], digits.display, digits.display[2:]}
    leaks = [
        f"{label} in {place}"
        for place, text in places.items()
        for label, value in [*SENTINELS.items(), *((f"personnummer {n}", n) for n in numbers)]
        if any(form in text for form in forms_of(value))
    ]
    assert leaks == []


def test_no_sentinel_is_in_any_table_or_in_the_change_log(people, client):
    write_everything(people, client)

    # The data really is there, readable through the application.
    meeting = Meeting.objects.get()
    assert meeting.location == SENTINELS["Plats"]
    assert Intervention.objects.get().provider == SENTINELS["Utförare"]
    assert {d.responsible_text for d in meeting.decisions.all()} == {"", SENTINELS["Ansvarig"]}
    external = meeting.participants.get(user=None)
    assert (external.name, external.organisation, external.role_title) == (
        SENTINELS["Deltagarnamn"],
        SENTINELS["Deltagarorganisation"],
        SENTINELS["Deltagarroll"],
    )

    tables = {table: table_contents(table) for table in connection.introspection.table_names()}
    assert tables["auditlog_logentry"], "the change log is empty"
    in_tables = [f"{label} in {table}" for table, text in tables.items() for label in found_in(text)]
    assert in_tables == []

    change_log = "\n".join(
        f"{entry.object_repr} {json.dumps(entry.changes)} {entry.changes_text}" for entry in LogEntry.objects.all()
    )
    assert "[krypterat]" in change_log
    assert found_in(change_log) == []


def table_contents(table: str) -> str:
    """Every row of a table, read with raw SQL (past the encrypted fields' decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name
        rows = cursor.fetchall()
    return "\n".join(
        " ".join(bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v) for v in row)
        for row in rows
    )


def found_in(text: str) -> list[str]:
    return [label for label, value in SENTINELS.items() if any(form in text for form in forms_of(value))]


def redis_contents() -> str:
    """Every key and value in the Redis database the tests use (broker, results and cache)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    parts = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        if kind == "string":
            value = client.get(key)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "set":
            value = client.smembers(key)
        elif kind == "zset":
            value = client.zrange(key, 0, -1)
        else:
            value = b""
        parts.append(f"{key!r} {readable(value)}")
    return "\n".join(parts)


def readable(value) -> str:
    """A Redis value as text, with the base64 bodies of the Kombu messages in it decoded."""
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | set | tuple):
        items = list(value)
    else:
        items = [value]
    texts = []
    for item in items:
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        texts.append(text)
        with contextlib.suppress(ValueError, TypeError, KeyError, binascii.Error):  # not a Kombu message
            message = json.loads(text)
            texts.append(base64.b64decode(message["body"]).decode("utf-8", "replace"))
    return "\n".join(texts)
