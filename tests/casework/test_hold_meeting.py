"""Scheduling a meeting (agenda from the data) and holding it: participants, reasoning, decisions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import CaseEvent, Decision, Meeting, MeetingItem, MeetingParticipant
from casework.services import follow_ups
from casework.services import meetings as meeting_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


def _manager(people):
    return f.actor(people.manager, people.agreement)


def test_the_agenda_holds_new_proposals_and_due_or_overdue_follow_ups(people):
    proposal = f.propose(people)
    due = f.identified(people, raised_on=f.months_ago(4))
    overdue = f.identified(people, raised_on=f.months_ago(8))
    not_yet = f.identified(people, raised_on=f.months_ago(1))
    done = f.identified(people, raised_on=f.months_ago(4))
    follow_ups.write_follow_up(
        actor=_manager(people),
        case=done,
        written_on=f.today(),
        youth_view="Bra.",
        social_view="Bra.",
        outcome="improved",
    )
    meeting = meeting_services.schedule_meeting(actor=_manager(people), held_on=f.today(), location="Stadshuset")
    items = {item.case_id: item.kind for item in meeting.items.all()}
    assert items[proposal.pk] == MeetingItem.Kind.PROPOSAL
    assert items[due.pk] == items[overdue.pk] == MeetingItem.Kind.FOLLOW_UP
    assert not_yet.pk not in items and done.pk not in items


def test_open_decisions_of_earlier_meetings_are_on_the_agenda(people, login):
    earlier = f.meeting(people, held_on=f.today() - datetime.timedelta(days=90))
    meeting_services.add_decision(
        actor=_manager(people),
        meeting=earlier,
        what="Fältgruppen besöker Stationsparken varje fredag.",
        responsible=people.field_worker,
        due_on=f.today() - datetime.timedelta(days=30),
    )
    meeting = f.meeting(people)
    page = login(people.manager).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Öppna beslut från tidigare möten" in page
    assert "Stationsparken varje fredag" in page and "Försenat" in page


def test_refreshing_the_agenda_adds_what_became_due(people):
    meeting = f.meeting(people, held_on=f.today() + datetime.timedelta(days=7))
    late_proposal = f.propose(people, proposed_on=f.today() - datetime.timedelta(days=30))
    MeetingItem.objects.filter(case=late_proposal).delete()
    meeting_services.refresh_agenda(actor=_manager(people), meeting=meeting)
    assert meeting.items.filter(case=late_proposal).exists()


@pytest.mark.parametrize("who", ["police", "caseworker", "field_worker", "management"])
def test_only_a_social_manager_schedules(people, who):
    with pytest.raises(PermissionDenied):
        meeting_services.schedule_meeting(actor=f.actor(getattr(people, who), people.agreement), held_on=f.today())


def test_the_chair_must_be_a_social_manager(people):
    with pytest.raises(ValidationError) as refusal:
        meeting_services.schedule_meeting(actor=_manager(people), held_on=f.today(), chair=people.police)
    assert "chair" in refusal.value.message_dict
    assert not Meeting.objects.exists()


def test_participants_are_users_or_named_externals(people):
    meeting = f.meeting(people)
    meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    meeting_services.add_participant(
        actor=_manager(people),
        meeting=meeting,
        name="Fiktiv Skolsköterska",
        organisation="Demoskolan",
        role_title="Rektor",
    )
    assert meeting.participants.count() == 2
    with pytest.raises(ValidationError, match="redan deltagare"):
        meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    with pytest.raises(ValidationError) as refusal:
        meeting_services.add_participant(actor=_manager(people), meeting=meeting, name="Utan organisation")
    assert "organisation" in refusal.value.message_dict


def test_an_outsider_cannot_be_a_participant(people, outsider):
    with pytest.raises(ValidationError):
        meeting_services.add_participant(actor=_manager(people), meeting=f.meeting(people), user=outsider)


def test_reasoning_and_decisions_are_recorded_and_mark_the_meeting_held(people):
    meeting = f.meeting(people)
    case = f.identified(people, at=meeting)
    meeting_services.record_reasoning(
        actor=_manager(people), meeting=meeting, reasoning="Fokus på centrum.", location="Polishuset"
    )
    decision = meeting_services.add_decision(
        actor=_manager(people), meeting=meeting, what="Erbjud kontaktperson.", responsible=people.caseworker, case=case
    )
    meeting.refresh_from_db()
    assert meeting.held and meeting.reasoning == "Fokus på centrum."
    assert case.events.filter(kind=CaseEvent.Kind.DECISION, data__decision=str(decision.pk)).exists()


def test_a_decision_needs_what_and_who_and_a_due_date_after_the_meeting(people):
    meeting = f.meeting(people)
    with pytest.raises(ValidationError) as refusal:
        meeting_services.add_decision(
            actor=_manager(people), meeting=meeting, what=" ", due_on=f.today() - datetime.timedelta(days=1)
        )
    assert set(refusal.value.message_dict) == {"what", "responsible", "due_on"}
    assert not Decision.objects.exists()


def test_nothing_is_recorded_at_a_meeting_that_has_not_happened(people):
    meeting = f.meeting(people, held_on=f.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="inte ägt rum"):
        meeting_services.record_reasoning(actor=_manager(people), meeting=meeting, reasoning="x", location="")


def test_a_decision_is_marked_done_later_but_not_in_the_future(people):
    earlier = f.meeting(people, held_on=f.today() - datetime.timedelta(days=60))
    decision = meeting_services.add_decision(
        actor=_manager(people), meeting=earlier, what="X.", responsible_text="Skolan"
    )
    with pytest.raises(ValidationError):
        meeting_services.mark_decision_done(
            actor=_manager(people), decision=decision, done_on=f.today() + datetime.timedelta(days=1)
        )
    meeting_services.mark_decision_done(actor=_manager(people), decision=decision, done_on=f.today())
    decision.refresh_from_db()
    assert decision.done_on == f.today()


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_schedule_page_creates_the_meeting(people, login):
    response = login(people.manager).post(
        reverse("casework:schedule_meeting"),
        {"held_on": f.today().isoformat(), "location": "Stadshuset", "chair": people.manager.pk},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("casework:meeting_detail", args=[meeting.pk])


def test_the_schedule_page_is_forbidden_to_the_police(people, login):
    assert login(people.police).get(reverse("casework:schedule_meeting")).status_code == 403


def test_the_meeting_page_shows_the_quarters_targets_and_logs_the_read(people, login):
    meeting = f.meeting(people)
    case = f.identified(people, category="lifestyle", at=meeting)
    page = login(people.manager).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "1 av 2 livsstil, 0 av 4 svansen" in page  # the quarter's targets during the meeting
    assert "Testa Demosson" in page
    entry = AccessLogEntry.objects.get(page="casework:meeting_detail")
    assert entry.case_ids == [str(case.pk)] and entry.person_ids == [str(case.person_id)]
    assert "minutes" in entry.field_classes


def test_a_caseworker_reads_the_minutes_but_not_names_outside_their_cases(people, login):
    meeting = f.meeting(people)
    theirs = f.identified(people, at=meeting, unit=people.investigation)
    other = f.identified(people, at=meeting, unit=people.open_care)
    page = login(people.caseworker).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert theirs.number in page and other.number in page
    assert page.count("Testa Demosson") == 1
    entry = AccessLogEntry.objects.get(page="casework:meeting_detail")
    assert entry.person_ids == [str(theirs.person_id)]


def test_the_police_read_only_meetings_they_attended(people, login):
    meeting = f.meeting(people)
    url = reverse("casework:meeting_detail", args=[meeting.pk])
    client = login(people.police)
    assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(outcome="denied", page="casework:meeting_detail").exists()
    meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["management", "sysadmin", "auditor"])
def test_the_meeting_pages_are_forbidden_to_roles_without_minutes(people, login, who):
    assert login(getattr(people, who)).get(reverse("casework:meeting_list")).status_code == 403


def test_the_participants_page_adds_an_external_participant(people, login):
    meeting = f.meeting(people)
    url = reverse("casework:meeting_participants", args=[meeting.pk])
    client = login(people.manager)
    response = client.post(url, {"kind": "external", "name": "Fiktiv Rektor", "organisation": "Demoskolan"})
    assert response.status_code == 302
    assert MeetingParticipant.objects.get().name == "Fiktiv Rektor"
    missing = client.post(url, {"kind": "external", "name": "Utan"})
    assert "Det här fältet är obligatoriskt." in missing.content.decode()


def test_the_decision_page_refuses_a_due_date_before_the_meeting(people, login):
    meeting = f.meeting(people)
    response = login(people.manager).post(
        reverse("casework:add_decision", args=[meeting.pk]),
        {
            "what": "Ny rutin.",
            "responsible_text": "Skolan",
            "due_on": (f.today() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert "före mötesdatumet" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_police_do_not_see_open_decisions_of_meetings_they_did_not_attend(people, login):
    earlier = f.meeting(people, held_on=f.today() - datetime.timedelta(days=90))
    meeting_services.add_decision(actor=_manager(people), meeting=earlier, what="Hemligt beslut.", responsible_text="X")
    meeting = f.meeting(people)
    meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    page = login(people.police).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Hemligt beslut." not in page
