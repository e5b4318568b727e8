"""Sentinel test: personal data and free text never reach any audit table.

Every encrypted field of every casework model gets a unique sentinel string; the rows are created,
changed, read (decrypted and logged) and some deleted; then every column of every row of every audit
table is searched for the sentinels."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection

from audit import access
from audit.models import AccessLogEntry, ChainCheck, ChainPurge, ChainVerification, ChangeLogSeal
from audit.services import verify_audit_chains
from casework import models as casework
from casework import personal_numbers
from encryption.fields import EncryptedJSONField, encrypted_fields

from .factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

AUDIT_TABLES = [
    model._meta.db_table
    for model in (AccessLogEntry, LogEntry, ChangeLogSeal, ChainVerification, ChainPurge, ChainCheck)
]


class Sentinels:
    def __init__(self):
        self.issued = []

    def fill(self, instance):
        """Put a fresh sentinel into every encrypted field of `instance`."""
        for field in encrypted_fields(type(instance)):
            if field.name == "personal_number":
                continue  # must stay a valid number for its blind index; searched for separately
            text = f"SENTINEL{len(self.issued):04d}{type(instance).__name__}{field.name}"
            self.issued.append(text)
            setattr(instance, field.name, {"value": text} if isinstance(field, EncryptedJSONField) else text)
        return instance


def _rows_of(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchall()


def _build_every_encrypted_model(people, sentinels):
    agreement, manager = people.agreement, people.manager
    person = sentinels.fill(
        PersonFactory.build(agreement=agreement, personal_number=personal_numbers.make(datetime.date(2009, 3, 4), 987))
    )
    person.save()
    case = sentinels.fill(CaseFactory.build(agreement=agreement, person=person, proposed_by=manager))
    case.save()
    meeting = sentinels.fill(casework.Meeting(agreement=agreement, held_on=datetime.date(2026, 3, 1), chair=manager))
    meeting.save()
    hot_spot = casework.HotSpot.objects.create(agreement=agreement, name="Parken", kind="public_place")
    contact = sentinels.fill(
        casework.FieldContact(
            agreement=agreement,
            kind="concern_talk",
            case=case,
            occurred_on=datetime.date(2026, 3, 2),
            recorded_by=manager,
        )
    )
    contact.save()
    legal_basis = casework.LegalBasis.objects.first()
    consent = sentinels.fill(
        casework.Consent(case=case, given_by="guardian", given_on=datetime.date(2026, 3, 3), recorded_by=manager)
    )
    consent.save()
    corrected = casework.CaseEvent.objects.create(
        case=case, kind="follow_up", occurred_on=datetime.date(2026, 6, 1), by=manager
    )
    others = [
        casework.CaseEvent(case=case, kind="proposed", occurred_on=datetime.date(2026, 2, 1), by=manager),
        casework.Intervention(
            case=case,
            intervention_type=agreement.intervention_types.first(),
            offered_on=datetime.date(2026, 3, 1),
            recorded_by=manager,
        ),
        casework.FollowUp(case=case, written_on=datetime.date(2026, 6, 1), outcome="improved", author=manager),
        # The earlier version of a corrected follow-up, and the reason (casework.services.corrections).
        casework.Correction(
            case=case,
            event=corrected,
            kind="follow_up",
            record_id=corrected.pk,
            previous_on=datetime.date(2026, 6, 1),
            by=manager,
        ),
        casework.Decision(meeting=meeting, case=case),
        casework.MinutesAddendum(meeting=meeting, author=manager),
        casework.MeetingParticipant(meeting=meeting),  # an external participant: name, organisation, role
        # A move or cancellation: its reason and the place it left.
        casework.MeetingChange(
            meeting=meeting,
            kind="moved",
            from_held_on=datetime.date(2026, 2, 20),
            to_held_on=meeting.held_on,
            by=manager,
        ),
        # Its file name is the encrypted field; the sealed file itself is left out of the change log.
        casework.CaseAttachment(
            case=case,
            kind="consent",
            field_class="social_assessment",
            content_type="application/pdf",
            size=0,
            key_id="k",
            sealed_content=b"",
            uploaded_by=manager,
        ),
        casework.HotSpotVisit(hot_spot=hot_spot, visited_on=datetime.date(2026, 3, 5), recorded_by=manager),
        casework.ConcernTalkFollowUp(
            contact=contact,
            followed_up_on=datetime.date(2026, 3, 9),
            youth_reception="positive",
            parents_reception="mixed",
            recorded_by=manager,
        ),
        casework.Disclosure(
            case=case,
            legal_basis=legal_basis,
            consent=consent,
            decided_by=manager,
            decided_on=datetime.date(2026, 3, 4),
            field_classes=["social_assessment"],
        ),
    ]
    for instance in others:
        sentinels.fill(instance).save()
    return [person, case, meeting, contact, consent, *others]


def test_no_sentinel_reaches_any_audit_table(people, request_as):
    sentinels = Sentinels()
    instances = _build_every_encrypted_model(people, sentinels)
    encrypted_models = {model for model in apps.get_app_config("casework").get_models() if encrypted_fields(model)}
    assert {type(instance) for instance in instances} == encrypted_models, "a model with encrypted fields is untested"

    for instance in instances:  # change every encrypted value
        sentinels.fill(instance).save()
    person, case = instances[0], instances[1]
    for instance in instances:  # read every value back from the database, as a page would
        fresh = type(instance).objects.get(pk=instance.pk)
        for field in encrypted_fields(type(instance)):
            assert getattr(fresh, field.name) is not None
    access.log_read(request_as(people.manager), page="casework:case", cases=[case], persons=[person])
    access.log_denied(request_as(people.police), page="casework:case", cases=[case])
    instances[-3].delete()  # a HotSpotVisit: a delete entry holds the old values, masked
    verify_audit_chains()

    number = personal_numbers.parse(person.personal_number)
    searched = [*sentinels.issued, number.normalised, number.normalised[2:], person.full_name]
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE).exists()
    for table in AUDIT_TABLES:
        for row in _rows_of(table):
            text = json.dumps([str(value) for value in row], ensure_ascii=False)
            leaked = [sentinel for sentinel in searched if sentinel in text]
            assert not leaked, f"{table}: {leaked}"
