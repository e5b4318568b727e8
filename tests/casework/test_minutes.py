"""Minutes: approved by the chair and one police participant (per agreement), then locked; a
correction after approval is an addendum; the minutes print and export to PDF."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import Meeting, MinutesAddendum
from casework.services import cases as case_services
from casework.services import meetings as meeting_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people):
    meeting = f.meeting(people)
    manager = f.actor(people.manager, people.agreement)
    meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Fokus på skolorna.", location="")
    return meeting


def _approve(people, who, meeting):
    return meeting_services.approve_minutes(actor=f.actor(getattr(people, who), people.agreement), meeting=meeting)


def test_the_chair_and_a_police_participant_approve_and_the_minutes_lock(people, meeting):
    assert not _approve(people, "manager", meeting).locked
    approved = _approve(people, "police", meeting)
    assert approved.locked and approved.approved_at
    assert {(a.as_chair, a.as_police) for a in approved.approvals.all()} == {(True, False), (False, True)}


def test_the_chair_alone_locks_when_the_agreement_does_not_need_the_police(people, meeting):
    people.agreement.minutes_need_police_approval = False
    people.agreement.save()
    assert _approve(people, "manager", meeting).locked


def test_a_police_user_who_did_not_attend_may_not_approve(people, meeting):
    meeting.participants.filter(user=people.police).delete()
    with pytest.raises(PermissionDenied):
        _approve(people, "police", meeting)


@pytest.mark.parametrize("who", ["caseworker", "field_worker"])
def test_other_roles_may_not_approve(people, meeting, who):
    with pytest.raises(PermissionDenied):
        _approve(people, who, meeting)


def test_nobody_approves_twice(people, meeting):
    _approve(people, "manager", meeting)
    with pytest.raises(ValidationError, match="redan justerat"):
        _approve(people, "manager", meeting)


def test_minutes_of_a_meeting_not_yet_held_cannot_be_approved(people):
    planned = f.meeting(people, held_on=f.today() + datetime.timedelta(days=5))
    with pytest.raises(ValidationError, match="inte hållits"):
        _approve(people, "manager", planned)


def _edits(people, meeting):
    """Every change to the minutes' content the social manager can make, by name."""
    manager = f.actor(people.manager, people.agreement)
    proposal = f.propose(people)
    meeting.items.get_or_create(case=proposal, defaults={"kind": "proposal"})
    participant = meeting_services.add_participant(actor=manager, meeting=meeting, name="Ext", organisation="Skolan")
    return {
        "reasoning": lambda: meeting_services.record_reasoning(
            actor=manager, meeting=meeting, reasoning="Ändrat efter justering.", location=""
        ),
        "decision": lambda: meeting_services.add_decision(
            actor=manager, meeting=meeting, what="X", responsible_text="Y"
        ),
        "add participant": lambda: meeting_services.add_participant(
            actor=manager, meeting=meeting, name="N", organisation="O"
        ),
        "remove participant": lambda: meeting_services.remove_participant(actor=manager, participant=participant),
        "agenda": lambda: meeting_services.refresh_agenda(actor=manager, meeting=meeting),
        "identify": lambda: case_services.identify_case(
            actor=manager,
            case=proposal,
            meeting=meeting,
            category="svansen",
            raised_on=f.today(),
            unit=people.investigation,
        ),
        "not identified": lambda: case_services.mark_not_identified(
            actor=manager, case=proposal, meeting=meeting, note="Inte aktuell."
        ),
    }


@pytest.mark.parametrize(
    ("approvers", "refusal"),
    [(["manager"], "börjat justeras"), (["police"], "börjat justeras"), (["manager", "police"], "låst")],
)
def test_once_anyone_has_approved_the_content_refuses_every_change(people, meeting, approvers, refusal):
    edits = _edits(people, meeting)
    for approver in approvers:
        _approve(people, approver, meeting)
    for name, edit in edits.items():
        with pytest.raises(ValidationError, match=refusal):
            edit()
            pytest.fail(f"{name} was allowed after an approval")
    meeting.refresh_from_db()
    assert meeting.reasoning == "Fokus på skolorna."
    assert not meeting.decisions.exists()
    assert meeting.participants.count() == 2


def test_the_minutes_lock_with_the_text_the_chair_approved(people, meeting):
    _approve(people, "manager", meeting)
    manager = f.actor(people.manager, people.agreement)
    with pytest.raises(ValidationError):
        meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Något annat.", location="")
    locked = _approve(people, "police", meeting)
    assert locked.locked and locked.reasoning == "Fokus på skolorna."


def test_an_approval_taken_back_opens_the_draft_again(people, meeting, login):
    _approve(people, "manager", meeting)
    client = login(people.manager)
    page = client.get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Återkalla min justering" in page
    response = client.post(reverse("casework:withdraw_approval", args=[meeting.pk]), follow=True)
    assert "Din justering är återkallad." in response.content.decode()
    assert not meeting.approvals.exists()
    manager = f.actor(people.manager, people.agreement)
    meeting_services.record_reasoning(actor=manager, meeting=meeting, reasoning="Rättat resonemang.", location="")
    meeting.refresh_from_db()
    assert meeting.reasoning == "Rättat resonemang."


def test_only_ones_own_approval_of_unlocked_minutes_can_be_taken_back(people, meeting):
    police = f.actor(people.police, people.agreement)
    _approve(people, "manager", meeting)
    with pytest.raises(PermissionDenied):  # the police have no approval of their own to take back
        meeting_services.withdraw_approval(actor=police, meeting=meeting)
    assert meeting.approvals.count() == 1
    _approve(people, "police", meeting)  # both: locked
    with pytest.raises(ValidationError):
        meeting_services.withdraw_approval(actor=police, meeting=meeting)
    assert meeting.approvals.count() == 2


def test_a_new_proposal_does_not_join_minutes_being_approved(people, meeting):
    _approve(people, "manager", meeting)
    proposal = f.propose(people)
    assert not meeting.items.filter(case=proposal).exists()


def test_an_earlier_decision_can_still_be_marked_done_while_the_minutes_are_approved(people, meeting, login):
    earlier = f.meeting(people, held_on=f.today() - datetime.timedelta(days=30))
    decision = meeting_services.add_decision(
        actor=f.actor(people.manager, people.agreement), meeting=earlier, what="Ring skolan.", responsible_text="Lisa"
    )
    _approve(people, "manager", meeting)
    url = reverse("casework:decision_done", args=[meeting.pk, decision.pk])
    assert login(people.manager).post(url).status_code == 302
    decision.refresh_from_db()
    assert decision.done_on == f.today()


def test_an_addendum_keeps_the_approved_original(people, meeting):
    manager = f.actor(people.manager, people.agreement)
    with pytest.raises(ValidationError, match="inte justerat"):
        meeting_services.add_addendum(actor=manager, meeting=meeting, text="Rättelse.")
    _approve(people, "manager", meeting)
    _approve(people, "police", meeting)
    meeting_services.add_addendum(actor=manager, meeting=meeting, text="Rättelse: mötet hölls i Polishuset.")
    meeting.refresh_from_db()
    assert meeting.reasoning == "Fokus på skolorna."
    assert MinutesAddendum.objects.get().text.startswith("Rättelse")


def test_the_police_may_not_write_an_addendum(people, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        meeting_services.add_addendum(actor=f.actor(people.police, people.agreement), meeting=meeting, text="X")


# --- Pages ------------------------------------------------------------------------------------------------


def test_approving_through_the_page_locks_the_minutes(people, login, meeting):
    url = reverse("casework:approve_minutes", args=[meeting.pk])
    assert login(people.manager).post(url).status_code == 302
    assert login(people.police).post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.locked
    page = login(people.manager).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Justerat" in page and "Justera protokollet" not in page
    assert reverse("casework:add_addendum", args=[meeting.pk]) in page


def test_the_approve_address_refuses_get_and_non_approvers(people, login, meeting):
    url = reverse("casework:approve_minutes", args=[meeting.pk])
    assert login(people.manager).get(url).status_code == 405
    assert login(people.caseworker).post(url).status_code == 403


def test_the_minutes_export_to_pdf_and_the_export_is_logged(people, login, meeting):
    case = f.identified(people, at=meeting)
    response = login(people.manager).get(reverse("casework:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AccessLogEntry.objects.get(page="casework:minutes_pdf")
    assert entry.export and entry.case_ids == [str(case.pk)]


def test_the_page_prints_only_the_minutes(people, login, meeting):
    page = login(people.manager).get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    actions = page.index('class="samsyn-no-print"')
    assert actions < page.index("Justera protokollet") < page.index('<h2 class="govuk-heading-m">Protokoll</h2>')


def test_once_the_chair_has_approved_the_page_hides_the_edit_controls(people, login, meeting):
    detail = reverse("casework:meeting_detail", args=[meeting.pk])
    edit_urls = [
        reverse("casework:meeting_reasoning", args=[meeting.pk]),
        reverse("casework:add_decision", args=[meeting.pk]),
        reverse("casework:meeting_participants", args=[meeting.pk]),
        reverse("casework:refresh_agenda", args=[meeting.pk]),
    ]
    client = login(people.manager)
    before = client.get(detail).content.decode()
    assert all(url in before for url in edit_urls)
    assert client.post(reverse("casework:approve_minutes", args=[meeting.pk])).status_code == 302
    after = client.get(detail).content.decode()
    assert not any(url in after for url in edit_urls)
    assert "Justeringen har börjat: protokollet kan inte längre ändras." in after


def test_once_the_chair_has_approved_the_edit_pages_refuse_and_say_why(people, login, meeting):
    """A link followed from a page shown before the approval leads back to the meeting with the reason
    (accesscontrol.policies), and nothing changes."""
    _approve(people, "manager", meeting)
    client = login(people.manager)
    detail = reverse("casework:meeting_detail", args=[meeting.pk])
    reasoning = reverse("casework:meeting_reasoning", args=[meeting.pk])
    for response in (
        client.get(reasoning, follow=True),
        client.post(reasoning, {"reasoning": "Ändrat.", "location": ""}, follow=True),
        client.get(reverse("casework:meeting_participants", args=[meeting.pk]), follow=True),
        client.post(reverse("casework:refresh_agenda", args=[meeting.pk]), follow=True),
    ):
        assert response.redirect_chain[-1][0] == detail
        assert "Protokollet har börjat justeras och kan inte längre ändras." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.reasoning != "Ändrat."
    meeting.refresh_from_db()
    assert meeting.reasoning == "Fokus på skolorna."
