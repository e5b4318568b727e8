"""The free text of a case page is shown by its field class, decided in the selector: the reason of a
proposal is the proposer's assessment (the social services' or the police's), and the notes of the
identification, the category change, the closing and the reopening are the social services' reasoning,
while those entries themselves stay on everyone's timeline as case frame. A disclosure of the social
assessment to the police shares that text with them."""

import datetime

import pytest
from django.urls import reverse

from accesscontrol.visibility import FieldClass
from casework.models import Disclosure, LegalBasis
from casework.selectors import cases as case_selectors
from casework.services import cases as case_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

SOCIAL_REASON = "Skäl-från-socialtjänsten-4471"
POLICE_REASON = "Skäl-från-polisen-5582"
IDENTIFY_NOTE = "Anteckning-vid-identifiering-6693"
CATEGORY_NOTE = "Anteckning-om-kategoribyte-7704"
CLOSE_NOTE = "Anteckning-om-avslut-8815"
REOPEN_NOTE = "Anteckning-om-återöppning-9926"
NOT_IDENTIFIED_NOTE = "Anteckning-om-avförande-1037"
SOCIAL_ASSESSMENT = "Socialtjänstens-bedömning-2148"
RECORDS_REFERENCE = "Diarienummer-3259"
POLICE_ASSESSMENT = "Polisens-bedömning-4360"

# What the social services wrote on the case: no police and no field worker reads it without a disclosure.
SOCIAL_TEXT = (
    SOCIAL_REASON,
    IDENTIFY_NOTE,
    CATEGORY_NOTE,
    CLOSE_NOTE,
    REOPEN_NOTE,
    SOCIAL_ASSESSMENT,
    RECORDS_REFERENCE,
)


def disclose_identity(manager, case, *, on):
    from casework.services.disclosures import disclose

    disclose(
        actor=manager,
        case=case,
        field_classes=["identity"],
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Identiteten behövs vid mötet.",
        decided_on=on,
    )


@pytest.fixture
def case(people):
    """Proposed by the social services, identified as lifestyle, changed to svansen, closed and reopened:
    an active svansen case of the investigation unit with a note on each step and both assessments."""
    manager = f.actor(people.manager, people.agreement)
    raised_on = f.today() - datetime.timedelta(days=7)
    case = f.propose(people, by=people.manager, category="lifestyle", reason=SOCIAL_REASON, proposed_on=raised_on)
    # The social services' proposal is identified at the joint meeting once its identity may be shared.
    disclose_identity(manager, case, on=raised_on)
    case = case_services.identify_case(
        actor=manager,
        case=case,
        meeting=f.meeting(people, held_on=raised_on),
        category="lifestyle",
        raised_on=raised_on,
        unit=people.investigation,
        note=IDENTIFY_NOTE,
    )
    case_services.change_category(
        actor=manager, case=case, category="svansen", changed_on=f.today(), note=CATEGORY_NOTE
    )
    case_services.close_case(actor=manager, case=case, reason="other", closed_on=f.today(), note=CLOSE_NOTE)
    case_services.reopen_case(actor=manager, case=case, reopened_on=f.today(), note=REOPEN_NOTE)
    case_services.record_social_assessment(
        actor=manager,
        case=case,
        assessment=SOCIAL_ASSESSMENT,
        realistic_alternative="hvb",
        records_reference=RECORDS_REFERENCE,
    )
    case_services.record_police_assessment(
        actor=f.actor(people.police, people.agreement), case=case, assessment=POLICE_ASSESSMENT, priority=False
    )
    case.refresh_from_db()  # the services wrote to their own locked copy
    return case


@pytest.fixture
def police_proposal(people):
    """A svansen youth proposed by the police, identified for the investigation unit."""
    case = f.propose(people, category="svansen", reason=POLICE_REASON)
    return case_services.identify_case(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        meeting=f.meeting(people),
        category="svansen",
        raised_on=f.today(),
        unit=people.investigation,
    )


@pytest.fixture
def not_identified(people):
    case = f.propose(people, by=people.manager, category="svansen", reason=SOCIAL_REASON)
    return case_services.mark_not_identified(
        actor=f.actor(people.manager, people.agreement), case=case, meeting=f.meeting(people), note=NOT_IDENTIFIED_NOTE
    )


def _page(login, user, case) -> str:
    response = login(user).get(reverse("casework:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _disclose(people, case, *field_classes):
    return Disclosure.objects.create(
        case=case,
        field_classes=list(field_classes),
        legal_basis=LegalBasis.objects.get(code="under_21"),
        assessment="Risk för fortsatt brottslighet.",
        decided_by=people.manager,
        decided_on=f.today(),
    )


# --- The social services' free text ---------------------------------------------------------------------


def test_the_social_manager_reads_every_reason_and_note(people, login, case):
    page = _page(login, people.manager, case)
    for text in (*SOCIAL_TEXT, POLICE_ASSESSMENT):
        assert text in page


def test_the_assigned_caseworker_reads_every_reason_and_note(people, login, case):
    page = _page(login, people.caseworker, case)
    for text in (*SOCIAL_TEXT, POLICE_ASSESSMENT):
        assert text in page


def test_the_field_worker_sees_the_timeline_but_no_reason_note_or_assessment(people, login, case):
    page = _page(login, people.field_worker, case)
    assert "Från Kriminalitet som livsstil till Svansen" in page
    assert "Identifierad vid samverkansmöte" in page and "Återöppnad" in page
    assert "Skäl för förslaget" not in page
    for hidden in (*SOCIAL_TEXT, POLICE_ASSESSMENT):
        assert hidden not in page


def test_the_police_see_the_timeline_but_not_the_social_services_reason_or_notes(people, login, case):
    page = _page(login, people.police, case)
    assert "Från Kriminalitet som livsstil till Svansen" in page
    assert "Identifierad vid samverkansmöte" in page and "Återöppnad" in page
    assert POLICE_ASSESSMENT in page
    assert "Skäl för förslaget" not in page
    for hidden in SOCIAL_TEXT:
        assert hidden not in page


def test_a_disclosure_of_the_social_assessment_shares_the_reason_and_the_notes(people, login, case):
    disclosure = _disclose(people, case, FieldClass.SOCIAL_ASSESSMENT)
    page = _page(login, people.police, case)
    for text in SOCIAL_TEXT:
        assert text in page
    Disclosure.objects.filter(pk=disclosure.pk).update(withdrawn_at="2026-01-01T00:00Z")
    page = _page(login, people.police, case)
    for hidden in SOCIAL_TEXT:
        assert hidden not in page


def test_a_disclosure_of_other_classes_shares_no_reason_or_note(people, login, case):
    _disclose(people, case, FieldClass.INTERVENTIONS, FieldClass.FIELD_CONTACTS)
    page = _page(login, people.police, case)
    for hidden in SOCIAL_TEXT:
        assert hidden not in page


def test_the_note_of_a_proposal_not_identified_is_the_social_services(people, login, not_identified):
    assert NOT_IDENTIFIED_NOTE in _page(login, people.manager, not_identified)
    for who in (people.police, people.field_worker):
        page = _page(login, who, not_identified)
        assert "Inte identifierad" in page
        assert NOT_IDENTIFIED_NOTE not in page and SOCIAL_REASON not in page


# --- The police's proposal ------------------------------------------------------------------------------


def test_the_police_read_the_reason_of_their_proposal(people, login, police_proposal):
    assert POLICE_REASON in _page(login, people.police, police_proposal)


@pytest.mark.parametrize("who", ["manager", "caseworker"])
def test_the_social_services_read_the_reason_of_a_police_proposal(people, login, police_proposal, who):
    assert POLICE_REASON in _page(login, getattr(people, who), police_proposal)


def test_the_field_worker_does_not_read_the_reason_of_a_police_proposal(people, login, police_proposal):
    page = _page(login, people.field_worker, police_proposal)
    assert POLICE_REASON not in page and "Skäl för förslaget" not in page


# --- The selector ---------------------------------------------------------------------------------------


def test_the_case_page_holds_back_what_the_actor_may_not_read(people, case):
    page = case_selectors.case_page(actor=f.actor(people.police, people.agreement), case=case)
    assert page.proposal_reason is None
    assert page.social_assessment is None
    assert page.police_assessment.text == POLICE_ASSESSMENT
    notes = {entry.kind: entry.note for entry in page.events}
    assert notes["category_changed"] == "" and notes["closed"] == "" and notes["reopened"] == ""


def test_the_case_page_hands_the_social_manager_the_text(people, case):
    page = case_selectors.case_page(actor=f.actor(people.manager, people.agreement), case=case)
    assert page.proposal_reason == SOCIAL_REASON
    assert page.social_assessment.records_reference == RECORDS_REFERENCE
    assert {entry.note for entry in page.events} >= {IDENTIFY_NOTE, CATEGORY_NOTE, CLOSE_NOTE, REOPEN_NOTE}


def test_the_identify_page_shows_the_reason_to_the_social_manager(people, login):
    case = f.propose(people, by=people.manager, reason=SOCIAL_REASON)
    meeting = f.meeting(people)
    response = login(people.manager).get(reverse("casework:identify", args=[meeting.pk, case.pk]))
    assert response.status_code == 200
    assert SOCIAL_REASON in response.content.decode()
