"""A youth's details changed and a samordningsnummer replaced through the pages leave neither number nor any
new detail in plaintext anywhere: not in a table (read with raw SQL, so the change log, the access log and
the timeline too), not in the change log's entries, not in the log output. The blind index holds neither
number either (it is keyed: only a search with the key finds it)."""

import datetime
import json
import logging
import uuid

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from casework import personal_numbers
from casework.models import CaseEvent, Person
from tests.casework import factories as f
from tests.conftest import verified_client
from tests.crypto.test_sentinels import table_contents

pytestmark = pytest.mark.django_db

TAG = uuid.uuid4().hex[:8]
PHONE, EMAIL_USER, ADDRESS, GUARDIAN = (f"Sentinel{label}{TAG}" for label in ("Tel", "Epost", "Adress", "Vardnad"))


def number_forms(number: personal_numbers.PersonalNumber) -> list[str]:
    return [number.normalised, number.normalised[2:], number.display, number.display[2:]]


def test_no_number_or_detail_in_any_table_the_change_log_or_the_log_output(people, client, caplog):
    caplog.set_level(logging.DEBUG)
    born = f.today().replace(day=1) - datetime.timedelta(days=16 * 365)
    old = personal_numbers.parse(personal_numbers.make(born, 991, coordination=True))
    new = personal_numbers.parse(personal_numbers.make(born, 992))
    case = f.propose(people, by=people.manager, number=old.normalised)
    page = verified_client(client, people.manager)

    response = page.post(
        reverse("casework:person_details", args=[case.pk]),
        {
            "phone": PHONE,
            "email": f"{EMAIL_USER}@example.se",
            "address": ADDRESS,
            "guardian_1_name": GUARDIAN,
            "guardian_1_phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = page.post(
        reverse("casework:replace_coordination_number", args=[case.pk]), {"personal_number": new.display}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert page.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200

    # The change really is there, readable through the application.
    person = Person.objects.get(pk=case.person_id)
    assert (person.personal_number, person.contact["phone"], person.guardians[0]["name"]) == (
        new.normalised,
        PHONE,
        GUARDIAN,
    )
    assert set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) >= {
        CaseEvent.Kind.PERSON_DETAILS_CHANGED,
        CaseEvent.Kind.PERSONAL_NUMBER_REPLACED,
    }

    change_log = "\n".join(
        f"{e.object_repr} {json.dumps(e.changes)} {e.changes_text}"
        for e in LogEntry.objects.filter(object_pk=str(person.pk))
    )
    assert "[krypterat]" in change_log
    places = {table: table_contents(table) for table in connection.introspection.table_names()}
    places["the change log's entries"] = change_log
    places["the log output"] = caplog.text
    values = {
        **{f"old number {n}": n for n in number_forms(old)},
        **{f"new number {n}": n for n in number_forms(new)},
        "phone": PHONE,
        "e-mail": EMAIL_USER,
        "address": ADDRESS,
        "guardian": GUARDIAN,
    }
    leaks = [
        f"{label} in {place}"
        for place, text in places.items()
        for label, value in values.items()
        if value.lower() in text.lower()
    ]
    assert leaks == []
