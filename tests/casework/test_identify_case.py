"""Identifying a proposal at a meeting (or not): category, raised-on date, unit and caseworker."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework import personal_numbers
from casework.models import CaseEvent, CaseStatus, Meeting, MeetingItem
from casework.services import cases as case_services
from casework.services import meetings as meeting_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(people):
    return f.propose(people, category="svansen", proposed_on=f.today() - datetime.timedelta(days=10))


@pytest.fixture
def meeting(people):
    return f.meeting(people)


def _identify(people, case, meeting, **kwargs):
    arguments = {
        "actor": f.actor(people.manager, people.agreement),
        "case": case,
        "meeting": meeting,
        "category": "lifestyle",
        "raised_on": meeting.held_on,
        "unit": people.investigation,
        "caseworker": people.caseworker,
    }
    return case_services.identify_case(**{**arguments, **kwargs})


def test_it_identifies_the_proposal_as_an_active_case(people, proposal, meeting):
    case = _identify(people, proposal, meeting)
    assert case.status == CaseStatus.ACTIVE
    assert (case.category, case.identified_category) == ("lifestyle", "lifestyle")
    assert (case.unit, case.caseworker, case.meeting) == (people.investigation, people.caseworker, meeting)
    event = case.events.get(kind=CaseEvent.Kind.IDENTIFIED)
    assert event.data["proposed_category"] == "svansen"
    assert MeetingItem.objects.filter(meeting=meeting, case=case).exists()
    assert Meeting.objects.get(pk=meeting.pk).held


def test_the_proposal_was_already_on_the_agenda(people, meeting):
    case = f.propose(people)
    assert MeetingItem.objects.filter(meeting=meeting, case=case, kind="proposal").exists()


@pytest.mark.parametrize("who", ["police", "caseworker", "field_worker", "management"])
def test_only_the_social_manager_identifies(people, proposal, meeting, who):
    with pytest.raises(PermissionDenied):
        _identify(people, proposal, meeting, actor=f.actor(getattr(people, who), people.agreement))
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED


def test_it_refuses_a_meeting_whose_minutes_are_approved(people, proposal, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    with pytest.raises(ValidationError, match="låst"):
        _identify(people, proposal, meeting)
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED


def test_it_refuses_a_meeting_that_has_not_taken_place(people, proposal):
    later = f.meeting(people, held_on=f.today() + datetime.timedelta(days=14))
    with pytest.raises(ValidationError, match="inte ägt rum"):
        _identify(people, proposal, later, raised_on=f.today())


def test_it_refuses_a_future_raised_on_date(people, proposal, meeting):
    with pytest.raises(ValidationError) as refusal:
        _identify(people, proposal, meeting, raised_on=f.today() + datetime.timedelta(days=1))
    assert "raised_on" in refusal.value.message_dict


def test_it_refuses_a_raised_on_date_before_the_proposal(people, proposal, meeting):
    with pytest.raises(ValidationError, match="före förslagsdatumet"):
        _identify(people, proposal, meeting, raised_on=proposal.proposed_on - datetime.timedelta(days=1))


def test_it_refuses_a_caseworker_outside_the_unit(people, proposal, meeting):
    with pytest.raises(ValidationError) as refusal:
        _identify(people, proposal, meeting, caseworker=people.other_caseworker)
    assert "caseworker" in refusal.value.message_dict


def test_it_refuses_a_police_unit(people, proposal, meeting):
    with pytest.raises(ValidationError) as refusal:
        _identify(people, proposal, meeting, unit=people.youth_police, caseworker=None)
    assert "unit" in refusal.value.message_dict


def test_it_warns_about_the_age_on_the_raised_on_date(people, meeting):
    # 25 at the proposal, 26 on the raised-on date a few weeks later.
    proposed_on = f.today() - datetime.timedelta(days=20)
    number = personal_numbers.make(f.today() - datetime.timedelta(days=10) - relativedelta(years=26), 990)
    case = case_services.propose_case(
        actor=f.actor(people.police, people.agreement),
        personal_number=number,
        category="svansen",
        reason="Skäl.",
        proposed_on=proposed_on,
        person_details=f.details(),
    )
    with pytest.raises(case_services.AgeNeedsConfirmation):
        _identify(people, case, meeting)
    assert _identify(people, case, meeting, age_confirmed=True).status == CaseStatus.ACTIVE


def test_it_refuses_to_identify_twice(people, proposal, meeting):
    _identify(people, proposal, meeting)
    with pytest.raises(ValidationError, match="Bara föreslagna"):
        _identify(people, proposal, meeting)


def test_not_identified_needs_a_reason_and_frees_the_person(people, proposal, meeting):
    manager = f.actor(people.manager, people.agreement)
    with pytest.raises(ValidationError) as refusal:
        case_services.mark_not_identified(actor=manager, case=proposal, meeting=meeting, note="")
    assert "note" in refusal.value.message_dict
    case = case_services.mark_not_identified(actor=manager, case=proposal, meeting=meeting, note="Räcker med fält.")
    assert case.status == CaseStatus.NOT_IDENTIFIED
    again = f.propose(people, number=proposal.person.personal_number)
    assert again.person_id == proposal.person_id


# --- The page ---------------------------------------------------------------------------------------------


def test_the_page_identifies_the_proposal(people, login, proposal, meeting):
    url = reverse("casework:identify", args=[meeting.pk, proposal.pk])
    client = login(people.manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "outcome": "identify",
            "category": "svansen",
            "raised_on": meeting.held_on.isoformat(),
            "unit": people.investigation.pk,
            "caseworker": people.caseworker.pk,
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.ACTIVE


def test_the_page_needs_a_unit_to_identify(people, login, proposal, meeting):
    url = reverse("casework:identify", args=[meeting.pk, proposal.pk])
    response = login(people.manager).post(
        url, {"outcome": "identify", "category": "svansen", "raised_on": meeting.held_on.isoformat()}
    )
    assert "Välj ansvarig enhet." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED


def test_the_page_records_not_identified(people, login, proposal, meeting):
    url = reverse("casework:identify", args=[meeting.pk, proposal.pk])
    response = login(people.manager).post(url, {"outcome": "not_identified", "category": "svansen", "note": "Nej."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.NOT_IDENTIFIED


def test_the_page_is_forbidden_to_a_police_participant_and_404_to_other_police(people, login, proposal, meeting):
    url = reverse("casework:identify", args=[meeting.pk, proposal.pk])
    client = login(people.police)
    assert client.get(url).status_code == 404
    meeting_services.add_participant(
        actor=f.actor(people.manager, people.agreement), meeting=meeting, user=people.police
    )
    assert client.get(url).status_code == 403


def test_the_page_is_404_for_a_case_not_on_the_agenda(people, login, meeting):
    elsewhere = f.propose(people, proposed_on=f.today() - datetime.timedelta(days=3))
    later = f.meeting(people, held_on=f.today())
    url = reverse("casework:identify", args=[later.pk, elsewhere.pk])
    MeetingItem.objects.filter(meeting=later, case=elsewhere).delete()
    assert login(people.manager).get(url).status_code == 404
