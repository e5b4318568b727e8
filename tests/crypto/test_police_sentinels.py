"""Sentinels on the police's path (docs/roles-and-visibility.md, "The police and a youth's identity"): the
social manager proposes a youth through the page with a unique sentinel in every identity field and in the
reason, with no meeting decision, consent or disclosure. Then the police read everything they can: the
agenda and the minutes with their PDF, the case page, the case list and a search by personnummer and by name,
the start page, their reminders and the statistics API. No sentinel and no personnummer reaches any answer,
and the access log names no person for the police. After a disclosure sharing the identity, the names do."""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessLogEntry
from casework import personal_numbers
from casework.models import Area, LegalBasis, Person
from casework.reminders import run_reminders
from casework.services import disclosures as disclosure_services
from casework.services import meetings
from tests.casework import factories
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TAG = uuid.uuid4().hex[:8]
DAY = datetime.date(2026, 3, 10)
NOON = datetime.datetime(2026, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
FIELDS = {
    "first_name": "Fornamn",
    "last_name": "Efternamn",
    "phone": "Telefon",
    "email": "Epost",
    "address": "Adress",
    "guardian_1_name": "Vardnadshavare",
    "guardian_1_phone": "Vhtelefon",
    "reason": "Skal",
}
SENTINELS = {field: f"Sentinel{label}{TAG}" for field, label in FIELDS.items()}
SENTINELS["email"] = f"sentinel{TAG}@example.se"


@pytest.fixture(autouse=True)
def on_the_day():
    with time_machine.travel(NOON):
        yield


@pytest.fixture(autouse=True)
def pdf_as_its_html(monkeypatch):
    monkeypatch.setattr("casework.views.meetings.render_pdf", lambda html, **kwargs: html.encode())


def propose_through_the_page(people, client, number):
    page = verified_client(client, people.manager)
    page.post("/forslag/ny/", {"personal_number": number})
    area = Area.objects.create(agreement=people.agreement, name="Centrum")
    response = page.post(
        "/forslag/ny/",
        {
            "step": "details",
            "personal_number": number,
            "gender": "boy",
            "area": area.pk,
            "category": "svansen",
            "proposed_on": DAY.isoformat(),
            **SENTINELS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page.logout()
    return Person.objects.get().cases.get()


def police_reads(people, client, case, meeting, number) -> dict[str, str]:
    police = verified_client(client, people.police)
    full_name = f"{SENTINELS['first_name']} {SENTINELS['last_name']}"
    answers = {}
    for url in (
        f"/moten/{meeting.pk}/",
        f"/moten/{meeting.pk}/protokoll.pdf",
        f"/arenden/{case.pk}/",
        f"/arenden/{case.pk}/polisens-bedomning/",
        "/arenden/",
        "/",
        "/paminnelser/",
        reverse("api_statistics_agreements"),
    ):
        answers[url] = police.get(url).content.decode()
    for query in (number, full_name):
        # The search form shows the police's own query back to them; nothing else may name the youth.
        answers[f"search {query}"] = police.post("/arenden/", {"query": query}).content.decode().replace(query, "")
    return answers


def forbidden(number) -> list[str]:
    parsed = personal_numbers.parse(number)
    return [*SENTINELS.values(), parsed.normalised, parsed.display, parsed.normalised[2:]]


def test_no_identity_sentinel_reaches_the_police(people, client):
    number = personal_numbers.make(DAY - datetime.timedelta(days=15 * 365 + 40), 986)
    manager = factories.actor(people.manager, people.agreement)
    meeting = meetings.schedule_meeting(actor=manager, held_on=DAY)
    meetings.add_participant(actor=manager, meeting=meeting, user=people.police)
    case = propose_through_the_page(people, client, number)
    run_reminders(today=DAY + datetime.timedelta(days=30))

    answers = police_reads(people, client, case, meeting, number)
    leaks = {url: [s for s in forbidden(number) if s in body] for url, body in answers.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    assert "Förslag 1 från socialtjänsten: pojke, 15 år, område Centrum" in answers[f"/moten/{meeting.pk}/"]
    police_entries = AccessLogEntry.objects.filter(user_id=people.police.pk)
    assert police_entries.exists()
    assert all(str(case.person_id) not in entry.person_ids for entry in police_entries)

    disclosure_services.disclose(
        actor=manager,
        case=case,
        field_classes=["identity"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Risk för brottslig verksamhet; identiteten behövs för att förebygga den.",
        decided_on=DAY,
    )
    answers = police_reads(people, client, case, meeting, number)
    assert SENTINELS["last_name"] in answers[f"/moten/{meeting.pk}/"]
    assert SENTINELS["address"] in answers[f"/arenden/{case.pk}/"]
    assert SENTINELS["reason"] not in answers[f"/arenden/{case.pk}/"]  # the reason is the social assessment
