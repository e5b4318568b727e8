"""The police and a youth's identity (docs/roles-and-visibility.md): that a named youth is known to the social
services is itself secret towards the police (OSL 26 kap. 1 §). The police read a youth's identity only when
they proposed the youth, or when a disclosure in force shares the identity class; until then a social-services
proposal reaches them as a pseudonym on every page and document they read, and it cannot be identified at the
joint meeting. Derived when read, from who proposed and which disclosures are in force, so what is stored
already follows the same rule."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from casework import personal_numbers
from casework.models import Area, Case, CaseEvent, CaseStatus, LegalBasis, MeetingItem
from casework.reminders import run_reminders
from casework.services import cases as case_services
from casework.services import disclosures as disclosure_services
from casework.services import meetings as meeting_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
NOON = datetime.datetime(2026, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
PSEUDONYM = "Förslag 1 från socialtjänsten: pojke, 15 år, område Centrum"
REASON = "Socialtjänstens oro: hemlig anledning"
ADDRESS = "Hemliggatan 7"
GUARDIAN = "Förälder Hemligsson"


@pytest.fixture(autouse=True)
def on_the_day():
    with time_machine.travel(NOON):
        yield


@pytest.fixture(autouse=True)
def pdf_as_its_html(monkeypatch):
    """The minutes PDF answers with the HTML it is made from (a PDF's text cannot be searched)."""
    monkeypatch.setattr("casework.views.meetings.render_pdf", lambda html, **kwargs: html.encode())


@pytest.fixture
def manager(people):
    return f.actor(people.manager, people.agreement)


@pytest.fixture
def meeting(people, manager):
    """Today's joint meeting; the police attend."""
    meeting = f.meeting(people, held_on=DAY)
    meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    return meeting


@pytest.fixture
def proposal(people, meeting):
    """A svansen youth the social manager proposes, with no meeting decision, consent or disclosure."""
    area = Area.objects.create(agreement=people.agreement, name="Centrum")
    person = f.details(
        first="Hemlig",
        last="Hemligsson",
        area=area,
        contact={"address": ADDRESS},
        guardians=[{"name": GUARDIAN, "phone": "0701234567"}],
    )
    case = case_services.propose_case(
        actor=f.actor(people.manager, people.agreement),
        personal_number=f.personal_number(age=15, on=DAY),
        category="svansen",
        reason=REASON,
        proposed_on=DAY,
        person_details=person,
    )
    assert MeetingItem.objects.filter(meeting=meeting, case=case).exists()
    return case


def identity_of(case) -> list[str]:
    person = case.person
    return [person.full_name, person.personal_number_display, person.personal_number, ADDRESS, GUARDIAN]


def shown(body: str, texts) -> list[str]:
    return [text for text in texts if text in body]


def share_identity(manager, case):
    return disclosure_services.disclose(
        actor=manager,
        case=case,
        field_classes=["identity"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Risk för brottslig verksamhet; identiteten behövs för att förebygga den.",
        decided_on=DAY,
    )


def police_pages(meeting, case):
    return {
        "meeting page": reverse("casework:meeting_detail", args=[meeting.pk]),
        "minutes PDF": reverse("casework:minutes_pdf", args=[meeting.pk]),
        "case page": reverse("casework:case_detail", args=[case.pk]),
        "case list": reverse("casework:case_list"),
        "police assessment": reverse("casework:police_assessment", args=[case.pk]),
        "disclosures": reverse("disclosures:index", args=[case.pk]),
        "start page": reverse("accesscontrol:start"),
        "reminders": reverse("reminders:list"),
        "meetings": reverse("casework:meeting_list"),
        "API": reverse("api_statistics_agreements"),
    }


def test_the_police_read_no_identity_of_a_social_services_proposal_on_any_page(people, login, meeting, proposal):
    run_reminders(today=DAY + datetime.timedelta(days=30))  # the police's reminders exist too
    client = login(people.police)
    leaks = {}
    for name, url in police_pages(meeting, proposal).items():
        response = client.get(url)
        if found := shown(response.content.decode(), identity_of(proposal) + [REASON]):
            leaks[name] = found
    assert not leaks


@pytest.mark.parametrize("page", ["casework:meeting_detail", "casework:minutes_pdf"])
def test_the_agenda_and_minutes_name_the_proposal_by_pseudonym(people, login, meeting, proposal, page):
    body = login(people.police).get(reverse(page, args=[meeting.pk])).content.decode()
    assert PSEUDONYM in body
    assert proposal.number in body
    assert not shown(body, identity_of(proposal))


def test_the_disclosures_page_names_the_proposal_by_pseudonym_and_logs_no_identity(people, login, proposal):
    from audit.models import AccessLogEntry

    response = login(people.police).get(reverse("disclosures:index", args=[proposal.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Förslag från socialtjänsten: pojke, 15 år, område Centrum" in body
    assert not shown(body, identity_of(proposal))
    entry = AccessLogEntry.objects.filter(page="disclosures:index").latest("pk")
    assert "identity" not in entry.field_classes and entry.person_ids == []


def test_the_case_page_names_the_proposal_by_pseudonym_without_the_reason(people, login, proposal):
    body = login(people.police).get(reverse("casework:case_detail", args=[proposal.pk])).content.decode()
    assert "Förslag från socialtjänsten: pojke, 15 år, område Centrum" in body
    assert not shown(body, identity_of(proposal) + [REASON])


@pytest.mark.parametrize("page", ["casework:meeting_detail", "casework:minutes_pdf"])
def test_a_disclosure_sharing_the_identity_shows_it_to_the_police(people, login, manager, meeting, proposal, page):
    share_identity(manager, proposal)
    body = login(people.police).get(reverse(page, args=[meeting.pk])).content.decode()
    assert proposal.person.full_name in body
    assert PSEUDONYM not in body


def test_the_case_page_shows_the_identity_after_the_disclosure_but_not_the_reason(people, login, manager, proposal):
    share_identity(manager, proposal)
    body = login(people.police).get(reverse("casework:case_detail", args=[proposal.pk])).content.decode()
    assert proposal.person.full_name in body and proposal.person.personal_number_display in body
    assert REASON not in body


def test_withdrawing_the_disclosure_hides_the_identity_again(people, login, manager, meeting, proposal):
    disclosure = share_identity(manager, proposal)
    disclosure_services.withdraw_disclosure(actor=manager, disclosure=disclosure)
    body = login(people.police).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert PSEUDONYM in body
    assert not shown(body, identity_of(proposal))


def search(client, query):
    return client.post(reverse("casework:case_list"), {"query": query}).content.decode()


def test_the_police_do_not_find_a_social_services_proposal_by_personnummer_or_name(people, login, proposal):
    client = login(people.police)
    for query in (proposal.person.personal_number_display, proposal.person.full_name):
        body = search(client, query)
        assert proposal.number not in body, query
        assert "Inget ärende som du kan se matchar sökningen." in body
        assert not shown(body, [text for text in identity_of(proposal) if text != query])  # the query is echoed


def test_the_police_find_it_once_the_identity_is_disclosed(people, login, manager, proposal):
    share_identity(manager, proposal)
    body = search(login(people.police), proposal.person.personal_number_display)
    assert proposal.number in body and proposal.person.full_name in body


def test_the_police_read_the_identity_of_their_own_proposal(people, login, meeting):
    own = f.propose(people, by=people.police, proposed_on=DAY, person=f.details(first="Egen", last="Polissson"))
    client = login(people.police)
    assert "Egen Polissson" in client.get(reverse("casework:case_detail", args=[own.pk])).content.decode()
    assert "Egen Polissson" in client.get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()


def test_the_field_team_reads_the_svansen_proposal_as_the_social_services_own_staff(people, login, proposal):
    body = login(people.field_worker).get(reverse("casework:case_detail", args=[proposal.pk])).content.decode()
    assert proposal.person.full_name in body


def test_identify_is_refused_until_the_identity_may_be_shared(people, manager, meeting, proposal):
    with pytest.raises(ValidationError) as refused:
        case_services.identify_case(
            actor=manager, case=proposal, meeting=meeting, category="svansen", raised_on=DAY, unit=people.open_care
        )
    assert refused.value.code == "identity_not_disclosed"
    assert "utlämnande av identiteten" in refused.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED and proposal.meeting_id is None and proposal.raised_on is None
    assert not proposal.events.filter(kind=CaseEvent.Kind.IDENTIFIED).exists()


def test_identify_works_once_the_identity_is_disclosed(people, manager, meeting, proposal):
    share_identity(manager, proposal)
    case = case_services.identify_case(
        actor=manager, case=proposal, meeting=meeting, category="svansen", raised_on=DAY, unit=people.open_care
    )
    assert case.status == CaseStatus.ACTIVE


def test_the_identify_page_shows_the_refusal_in_swedish(people, login, meeting, proposal):
    response = login(people.manager).post(
        reverse("casework:identify", args=[meeting.pk, proposal.pk]),
        {"outcome": "identify", "category": "svansen", "raised_on": DAY.isoformat(), "unit": people.open_care.pk},
    )
    assert response.status_code == 200
    assert "Polisen får ännu inte veta vem ungdomen är" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED


def test_the_meeting_page_offers_the_social_manager_the_missing_decision(people, login, manager, meeting, proposal):
    decide = reverse("disclosures:disclose", args=[proposal.pk])
    url = reverse("casework:meeting_detail", args=[meeting.pk])
    assert decide in login(people.manager).get(url).content.decode()
    share_identity(manager, proposal)
    assert decide not in login(people.manager).get(url).content.decode()


def test_the_police_are_not_offered_the_decision(people, login, meeting, proposal):
    body = login(people.police).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("disclosures:disclose", args=[proposal.pk]) not in body


def test_minutes_stored_before_the_rule_follow_it(people, login, manager, meeting, proposal):
    """A social-services proposal identified under the old rule, without any disclosure: the approved minutes
    already stored are shown to the police by today's rule."""
    proposal.status, proposal.meeting, proposal.raised_on, proposal.unit = (
        CaseStatus.ACTIVE,
        meeting,
        DAY,
        people.open_care,
    )
    proposal.save()
    meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Resonemang", location="")
    for approver in (people.manager, people.police):
        meeting_services.approve_minutes(actor=f.actor(approver, people.agreement), meeting=meeting)
    client = login(people.police)
    for page in ("casework:meeting_detail", "casework:minutes_pdf"):
        body = client.get(reverse(page, args=[meeting.pk])).content.decode()
        assert PSEUDONYM in body, page
        assert not shown(body, identity_of(proposal)), page


PROPOSE = reverse("casework:propose")


def without_csrf_tokens(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_the_police_proposing_the_youth_learn_nothing_of_the_social_services_case(people, login, proposal):
    """The lookup of a youth the social services know answers exactly as for a youth no one knows."""
    client = login(people.police)
    known = proposal.person.personal_number_display
    unknown = f.personal_number(age=15, on=DAY)
    answers = [
        without_csrf_tokens(client.post(PROPOSE, {"personal_number": number}).content.decode()).replace(number, "#")
        for number in (known, personal_numbers.parse(unknown).display)
    ]
    assert answers[0] == answers[1]
    assert "Fyll i de uppgifter du har om ungdomen." in answers[0]
    assert proposal.number not in answers[0] and not shown(answers[0], identity_of(proposal)[:1] + [ADDRESS, GUARDIAN])


def police_proposal_of(client, case, *, first="Polisens", last="Namn"):
    return client.post(
        PROPOSE,
        {
            "step": "details",
            "personal_number": case.person.personal_number_display,
            "first_name": first,
            "last_name": last,
            "gender": "boy",
            "category": "svansen",
            "reason": "Sågs vid två ingripanden.",
            "proposed_on": DAY.isoformat(),
        },
    )


def test_their_proposal_stands_beside_the_hidden_case_on_the_same_person(people, login, proposal):
    client = login(people.police)
    response = police_proposal_of(client, proposal)
    own = Case.objects.exclude(pk=proposal.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("casework:case_detail", args=[own.pk])
    assert own.person_id == proposal.person_id and own.proposed_by_kind == "police"
    assert own.status == proposal.status == CaseStatus.PROPOSED
    proposal.person.refresh_from_db()
    assert proposal.person.full_name == "Hemlig Hemligsson"  # the record is kept, not overwritten by the police
    hidden_page = client.get(reverse("casework:case_detail", args=[proposal.pk])).content.decode()
    assert "Förslag från socialtjänsten: pojke, 15 år" in hidden_page
    assert not shown(hidden_page, identity_of(proposal) + [REASON])
    own_page = client.get(reverse("casework:case_detail", args=[own.pk])).content.decode()
    assert proposal.number not in own_page and REASON not in own_page


def test_the_police_are_pointed_to_their_own_open_proposal(people, login, proposal):
    client = login(people.police)
    police_proposal_of(client, proposal)
    own = Case.objects.exclude(pk=proposal.pk).get()
    page = client.post(PROPOSE, {"personal_number": proposal.person.personal_number_display}).content.decode()
    assert "redan ett öppet ärende" in page and own.number in page and proposal.number not in page
    assert Case.objects.count() == 2


def test_once_the_identity_is_disclosed_the_police_are_pointed_to_the_open_case(people, login, manager, proposal):
    share_identity(manager, proposal)
    page = login(people.police).post(PROPOSE, {"personal_number": proposal.person.personal_number_display})
    assert reverse("casework:case_detail", args=[proposal.pk]) in page.content.decode()
    with pytest.raises(case_services.OpenCaseExists):
        f.propose(people, number=proposal.person.personal_number, proposed_on=DAY)


def test_the_social_manager_is_still_refused_a_second_open_case(people, manager, proposal):
    with pytest.raises(case_services.OpenCaseExists) as refused:
        f.propose(people, by=people.manager, number=proposal.person.personal_number, proposed_on=DAY)
    assert refused.value.existing_case == proposal


def test_the_meeting_does_not_identify_a_second_case_but_may_mark_it_not_identified(people, manager, meeting, proposal):
    own = f.propose(people, number=proposal.person.personal_number, proposed_on=DAY)
    with pytest.raises(ValidationError) as refused:
        case_services.identify_case(
            actor=manager, case=own, meeting=meeting, category="svansen", raised_on=DAY, unit=people.open_care
        )
    assert refused.value.code == "other_open_case" and proposal.number in refused.value.messages[0]
    own.refresh_from_db()
    assert own.status == CaseStatus.PROPOSED
    case_services.mark_not_identified(actor=manager, case=own, meeting=meeting, note="Hanteras av socialtjänsten.")
    own.refresh_from_db()
    assert own.status == CaseStatus.NOT_IDENTIFIED


def test_the_database_holds_one_active_case_per_person(people, proposal):
    own = f.propose(people, number=proposal.person.personal_number, proposed_on=DAY)
    Case.objects.filter(pk=proposal.pk).update(status=CaseStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=own.pk).update(status=CaseStatus.ACTIVE)
