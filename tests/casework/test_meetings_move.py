"""Meetings as they happen (issue 16, point 1): a planned meeting is moved or cancelled with a reason, on its
record, its participants told; a cancelled meeting is nobody's next meeting; the agenda is prepared before
the day and the proposals handled at the meeting; participants copied from the last meeting and added
several at once; a calendar invitation per meeting."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from accesscontrol.models import Role
from casework import reminders
from casework.models import CaseStatus, Meeting, MeetingChange, MeetingItem, MeetingParticipant, Notification
from casework.selectors.start import start_content
from casework.services import cases as case_services
from casework.services import meetings as meeting_services
from tests.casework import factories as f
from tests.factories import user_with_roles

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 4, 12, tzinfo=datetime.UTC)  # Wednesday 4 November 2026, 13:00 in Stockholm
TODAY = datetime.date(2026, 11, 4)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _manager(people):
    return f.actor(people.manager, people.agreement)


def _planned(people, *, days=14, location="Stadshuset"):
    meeting = meeting_services.schedule_meeting(
        actor=_manager(people), held_on=TODAY + datetime.timedelta(days=days), location=location
    )
    meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    return meeting


def _snapshot(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        meeting.held_on,
        meeting.location,
        meeting.sequence,
        meeting.cancelled_at,
        meeting.changes.count(),
        meeting.items.count(),
        Notification.objects.count(),
    )


# --- Moving -------------------------------------------------------------------------------------------------


def test_a_planned_meeting_moves_with_its_reason_on_record_and_the_participants_told(people):
    meeting = _planned(people)
    moved = meeting_services.reschedule_meeting(
        actor=_manager(people),
        meeting=meeting,
        held_on=datetime.date(2026, 11, 25),
        location="Polishuset",
        reason="Stadshuset är upptaget för val.",
    )
    assert moved.held_on == datetime.date(2026, 11, 25) and moved.location == "Polishuset"
    assert moved.sequence == 1
    change = moved.changes.get()
    assert change.kind == MeetingChange.Kind.MOVED
    assert change.from_held_on == datetime.date(2026, 11, 18) and change.to_held_on == datetime.date(2026, 11, 25)
    assert change.from_location == "Stadshuset" and change.reason == "Stadshuset är upptaget för val."
    # The police participant is told; the chair who moved it is not told of their own change.
    note = Notification.objects.get()
    assert note.user == people.police and note.kind == reminders.Kind.MEETING_MOVED
    assert note.text == "Samverkansmötet 2026-11-18 är flyttat till 2026-11-25."
    assert note.url == reverse("casework:meeting_detail", args=[meeting.pk])


def test_the_notice_of_a_move_names_no_youth_and_not_the_reason(people):
    proposal = f.propose(people, person=f.details(first="Hemligsson", last="Ungdomsdotter"))
    meeting = _planned(people)
    assert meeting.items.filter(case=proposal).exists()
    meeting_services.reschedule_meeting(
        actor=_manager(people), meeting=meeting, held_on=TODAY + datetime.timedelta(days=20), reason="Hemligsson sjuk."
    )
    note = Notification.objects.get()
    assert "Hemligsson" not in note.text and "Ungdomsdotter" not in note.text and proposal.number not in note.text
    assert "1 flyttat samverkansmöte" in reminders.email_summary({note.kind: 1})


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"reason": ""}, "reason", "Skriv skälet."),
        ({"reason": "x" * 2001}, "reason", "”Skäl” får vara högst 2\xa0000 tecken (nu 2\xa0001)."),
        ({"held_on": TODAY - datetime.timedelta(days=1)}, "held_on", "Det nya datumet kan inte ligga före i dag."),
        ({"held_on": None}, "held_on", "Ange det nya datumet för mötet."),
        ({"held_on": datetime.date(2026, 11, 18)}, "held_on", "Ange ett annat datum eller en annan plats"),
    ],
)
def test_a_move_with_bad_input_changes_nothing(people, kwargs, field, message):
    meeting = _planned(people)
    before = _snapshot(meeting)
    call = {"held_on": TODAY + datetime.timedelta(days=21), "reason": "Krock med lovet.", **kwargs}
    with pytest.raises(ValidationError) as refused:
        meeting_services.reschedule_meeting(actor=_manager(people), meeting=meeting, **call)
    assert message in " ".join(refused.value.message_dict[field])
    assert _snapshot(meeting) == before


def test_only_the_social_manager_moves_or_cancels_and_only_a_planned_meeting(people):
    meeting = _planned(people)
    for user in (people.police, people.caseworker):
        with pytest.raises(PermissionDenied):
            meeting_services.cancel_meeting(actor=f.actor(user, people.agreement), meeting=meeting, reason="Nej.")
    held = f.meeting(people, held_on=TODAY)
    meeting_services.record_reasoning(actor=_manager(people), meeting=held, reasoning="Läget.", location="")
    before = _snapshot(held)
    with pytest.raises(ValidationError, match="kan inte längre flyttas eller ställas in"):
        meeting_services.reschedule_meeting(
            actor=_manager(people), meeting=held, held_on=TODAY + datetime.timedelta(days=3), reason="Fel dag."
        )
    with pytest.raises(ValidationError, match="kan inte längre flyttas eller ställas in"):
        meeting_services.cancel_meeting(actor=_manager(people), meeting=held, reason="Fel dag.")
    assert _snapshot(held) == before


# --- Cancelling ---------------------------------------------------------------------------------------------


def test_a_cancelled_meeting_s_agenda_moves_to_the_next_planned_meeting(people):
    proposal = f.propose(people)
    meeting = _planned(people)
    later = _planned(people, days=40)
    meeting_services.set_item_aside(actor=_manager(people), item=later.items.get(case=proposal))
    following = meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Ordföranden sjuk.")
    assert following == later
    meeting.refresh_from_db()
    assert meeting.cancelled and meeting.sequence == 1 and not meeting.items.exists()
    assert meeting.changes.get().kind == MeetingChange.Kind.CANCELLED
    assert later.items.get(case=proposal).kind == MeetingItem.Kind.PROPOSAL
    note = Notification.objects.get(kind=reminders.Kind.MEETING_CANCELLED)
    assert note.user == people.police and note.text == "Samverkansmötet 2026-11-18 är inställt."


def test_without_a_next_meeting_the_cancelled_agenda_waits_for_the_next_one_scheduled(people):
    proposal = f.propose(people)
    meeting = _planned(people)
    assert meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Inställt.") is None
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.PROPOSED and not proposal.meeting_items.exists()
    next_one = _planned(people, days=30)
    assert next_one.items.filter(case=proposal).exists()


def test_a_cancel_without_a_reason_changes_nothing_and_a_cancelled_meeting_takes_no_minutes(people):
    f.propose(people)
    meeting = _planned(people)
    before = _snapshot(meeting)
    with pytest.raises(ValidationError) as refused:
        meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="  ")
    assert refused.value.message_dict["reason"] == ["Skriv skälet."]
    assert _snapshot(meeting) == before
    meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Inställt.")
    with pytest.raises(ValidationError, match="Mötet är inställt."):
        meeting_services.add_participant(actor=_manager(people), meeting=meeting, name="Rektor", organisation="Skolan")
    with pytest.raises(ValidationError, match="redan inställt"):
        meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Igen.")


def test_a_cancelled_meeting_is_nobody_s_next_meeting(people):
    meeting = f.meeting(people, held_on=datetime.date(2026, 11, 10))
    meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Test av systemet.")
    # The start page: no next meeting.
    assert start_content(actor=_manager(people), role=Role.SOCIAL_MANAGER)["items"]["next_meeting"] is None
    # A new proposal waits rather than landing on the cancelled meeting.
    proposal = f.propose(people)
    assert not proposal.meeting_items.exists()
    # The quarter counts as unscheduled (30 days left on 1 December), and no minutes are owed.
    due = reminders.meeting_reminders(people.agreement, datetime.date(2026, 12, 5))
    assert {d.kind for d in due} == {reminders.Kind.MEETING_UNSCHEDULED}
    due = reminders.meeting_reminders(people.agreement, datetime.date(2026, 11, 30))
    assert reminders.Kind.MINUTES_UNAPPROVED not in {d.kind for d in due}
    # The next planned one is the next meeting again.
    later = f.meeting(people, held_on=datetime.date(2026, 11, 20))
    assert start_content(actor=_manager(people), role=Role.SOCIAL_MANAGER)["items"]["next_meeting"] == later


# --- Pages --------------------------------------------------------------------------------------------------


def test_the_meeting_page_shows_the_move_and_the_cancellation_with_their_reasons(people, login):
    meeting = _planned(people)
    client = login(people.manager)
    detail = reverse("casework:meeting_detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert reverse("casework:reschedule_meeting", args=[meeting.pk]) in page
    assert reverse("casework:cancel_meeting", args=[meeting.pk]) in page
    url = reverse("casework:reschedule_meeting", args=[meeting.pk])
    refused = client.post(url, {"held_on": "2026-11-26", "location": "Polishuset", "reason": ""})
    assert refused.status_code == 200 and "Skriv skälet." in refused.content.decode()
    assert 'href="#id_reason"' in refused.content.decode()  # the error summary links to the field
    assert Meeting.objects.get(pk=meeting.pk).held_on == datetime.date(2026, 11, 18)
    moved = client.post(url, {"held_on": "2026-11-26", "location": "Polishuset", "reason": "Lokalen är bokad."})
    assert moved.status_code == 302
    page = client.get(detail).content.decode()
    assert "Flyttat från 2026-11-18" in page and "Lokalen är bokad." in page
    client.post(reverse("casework:cancel_meeting", args=[meeting.pk]), {"reason": "Ingen kan komma."})
    page = client.get(detail).content.decode()
    assert "Inställt:" in page and "Ingen kan komma." in page
    assert reverse("casework:cancel_meeting", args=[meeting.pk]) not in page
    assert reverse("casework:meeting_participants", args=[meeting.pk]) not in page
    listing = client.get(reverse("casework:meeting_list")).content.decode()
    assert "Inställt" in listing


def test_the_police_participant_reads_the_moved_meeting(people, login):
    meeting = _planned(people)
    meeting_services.reschedule_meeting(
        actor=_manager(people), meeting=meeting, held_on=TODAY + datetime.timedelta(days=21), reason="Krock."
    )
    page = login(people.police).get(reverse("casework:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and "Krock." in page.content.decode()
    assert reverse("casework:reschedule_meeting", args=[meeting.pk]) not in page.content.decode()


# --- The agenda before the day -------------------------------------------------------------------------------


def test_before_the_day_the_chair_prepares_the_agenda_and_the_page_says_when_proposals_are_handled(people, login):
    first = f.propose(people)
    second = f.propose(people)
    meeting = _planned(people)
    client = login(people.manager)
    detail = reverse("casework:meeting_detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert "Förslag behandlas på mötet den 2026-11-18." in page
    assert reverse("casework:identify", args=[meeting.pk, first.pk]) not in page
    item_url = reverse("casework:agenda_item", args=[meeting.pk, meeting.items.get(case=second).pk])
    assert client.post(item_url, {"do": "up"}).status_code == 302
    order = [item.case_id for item in meeting.items.filter(kind="proposal").order_by("position", "case__number")]
    assert order == [second.pk, first.pk]
    client.post(item_url, {"do": "aside"})
    meeting_services.refresh_agenda(actor=_manager(people), meeting=meeting)
    item = meeting.items.get(case=second)
    assert item.set_aside  # refreshing does not put it back
    page = client.get(detail).content.decode()
    assert "Borttagna från dagordningen" in page
    client.post(item_url, {"do": "back"})
    assert not meeting.items.get(case=second).set_aside
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, tzinfo=datetime.UTC), tick=False):
        page = login(people.manager).get(detail).content.decode()
        assert "Förslag behandlas på mötet den" not in page
        assert reverse("casework:identify", args=[meeting.pk, first.pk]) in page


def test_a_handled_proposal_is_not_moved_or_set_aside(people):
    proposal = f.propose(people)
    meeting = f.meeting(people, held_on=TODAY)
    meeting_services.add_participant(actor=_manager(people), meeting=meeting, user=people.police)
    case_services.mark_not_identified(actor=_manager(people), case=proposal, meeting=meeting, note="Inte aktuell.")
    item = meeting.items.get(case=proposal)
    with pytest.raises(ValidationError, match="redan behandlat"):
        meeting_services.set_item_aside(actor=_manager(people), item=item)
    assert not MeetingItem.objects.get(pk=item.pk).set_aside


# --- Participants -------------------------------------------------------------------------------------------


def test_several_users_are_added_in_one_submission(people, login):
    meeting = f.meeting(people, held_on=TODAY + datetime.timedelta(days=7))
    url = reverse("casework:meeting_participants", args=[meeting.pk])
    client = login(people.manager)
    response = client.post(url, {"kind": "user", "users": [people.police.pk, people.field_worker.pk]})
    assert response.status_code == 302
    assert set(meeting.participants.values_list("user_id", flat=True)) == {people.police.pk, people.field_worker.pk}
    empty = client.post(url, {"kind": "user"})
    assert "Välj minst en användare att lägga till som deltagare." in empty.content.decode()


def test_adding_several_refuses_all_when_one_is_not_of_the_agreement(people, other_agreement):
    meeting = f.meeting(people, held_on=TODAY + datetime.timedelta(days=7))
    outsider = user_with_roles(other_agreement, Role.POLICE, username="grannpolis")
    with pytest.raises(ValidationError):
        meeting_services.add_participants(actor=_manager(people), meeting=meeting, users=[people.police, outsider])
    assert not meeting.participants.exists()


def test_copying_takes_the_last_held_meeting_s_participants_and_the_standing_ones(people, login, other_agreement):
    last = f.meeting(people, held_on=TODAY - datetime.timedelta(days=80))
    manager = _manager(people)
    meeting_services.add_participants(actor=manager, meeting=last, users=[people.police])
    meeting_services.add_participant(actor=manager, meeting=last, name="Rektor Rektorsson", organisation="Skolan")
    meeting_services.record_reasoning(actor=manager, meeting=last, reasoning="Läget.", location="")
    meeting = f.meeting(people, held_on=TODAY + datetime.timedelta(days=10))
    with pytest.raises(ValidationError):  # a user of another agreement cannot stand
        outsider = user_with_roles(other_agreement, Role.POLICE, username="grannpolis")
        meeting_services.set_standing_participants(actor=manager, users=[outsider])
    client = login(people.manager)
    url = reverse("casework:meeting_participants", args=[meeting.pk])
    assert client.post(url, {"kind": "standing", "standing": [people.field_worker.pk]}).status_code == 302
    page = client.get(url).content.decode()
    assert "Kopiera deltagare från förra mötet" in page
    response = client.post(url, {"kind": "copy"}, follow=True)
    assert "3 deltagare är tillagda." in response.content.decode()
    participants = list(meeting.participants.all())
    assert {p.user_id for p in participants if p.user_id} == {people.police.pk, people.field_worker.pk}
    assert [p.name for p in participants if not p.user_id] == ["Rektor Rektorsson"]
    # The police participant now reads the meeting: no 404 waiting for the chair.
    assert login(people.police).get(reverse("casework:meeting_detail", args=[meeting.pk])).status_code == 200
    again = login(people.manager).post(url, {"kind": "copy"}, follow=True)
    assert "redan deltagare" in again.content.decode()
    assert MeetingParticipant.objects.filter(meeting=meeting).count() == 3


def test_with_nothing_to_copy_the_chair_is_told_why(people):
    meeting = f.meeting(people, held_on=TODAY + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="inget tidigare möte har hållits"):
        meeting_services.copy_participants(actor=_manager(people), meeting=meeting)


# --- The calendar invitation ---------------------------------------------------------------------------------


def _invitation(client, meeting):
    response = client.get(reverse("casework:meeting_invitation", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content), response.content.decode()


def test_the_invitation_keeps_its_uid_raises_its_sequence_and_cancels(people, login):
    f.propose(people, person=f.details(first="Hemligsson", last="Ungdomsdotter"))
    meeting = _planned(people)
    client = login(people.police)
    calendar, text = _invitation(client, meeting)
    event = calendar.walk("VEVENT")[0]
    uid = str(event["UID"])
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"
    assert str(event["SUMMARY"]) == "Samverkansmöte socialtjänst–polis"
    assert event.decoded("DTSTART") == datetime.date(2026, 11, 18)
    assert str(event["LOCATION"]) == "Stadshuset" and int(event["SEQUENCE"]) == 0
    assert "Hemligsson" not in text and "Ungdomsdotter" not in text
    meeting_services.reschedule_meeting(
        actor=_manager(people), meeting=meeting, held_on=datetime.date(2026, 11, 24), reason="Krock."
    )
    event = _invitation(client, meeting)[0].walk("VEVENT")[0]
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime.date(2026, 11, 24)
    meeting_services.cancel_meeting(actor=_manager(people), meeting=meeting, reason="Inställt.")
    calendar, _text = _invitation(client, meeting)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2


def test_the_invitation_is_for_those_who_read_the_meeting(people, login):
    meeting = f.meeting(people, held_on=TODAY + datetime.timedelta(days=3))
    url = reverse("casework:meeting_invitation", args=[meeting.pk])
    assert login(people.police).get(url).status_code == 404  # not a participant
    page = login(people.manager).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert url in page
