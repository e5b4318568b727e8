"""Each casework role's start page: what is waiting for them, with case numbers and no names."""

import pytest
from django.urls import reverse

from casework.models import FieldContact
from casework.services import fieldwork
from tests.casework import factories as f

pytestmark = pytest.mark.django_db

START = reverse("accesscontrol:start")


def test_the_social_manager_sees_proposals_and_overdue_follow_ups(people, login):
    proposal = f.propose(people)
    overdue = f.identified(people, raised_on=f.months_ago(7))
    meeting = f.meeting(people)
    page = login(people.manager).get(START).content.decode()
    assert "1 förslag väntar på mötet" in page and proposal.number in page
    assert "1 försenad uppföljning" in page and overdue.number in page
    assert reverse("casework:meeting_detail", args=[meeting.pk]) in page
    assert "Testa Demosson" not in page


def test_the_caseworker_sees_their_due_and_overdue_follow_ups(people, login):
    due = f.identified(people, raised_on=f.months_ago(4), unit=people.investigation)
    overdue = f.identified(people, raised_on=f.months_ago(8), unit=people.investigation)
    someone_elses = f.identified(people, raised_on=f.months_ago(4), unit=people.open_care)
    page = login(people.caseworker).get(START).content.decode()
    assert reverse("casework:follow_up", args=[due.pk]) in page
    assert reverse("casework:follow_up", args=[overdue.pk]) in page
    assert someone_elses.number not in page


def test_the_field_worker_gets_a_quick_contact_button_and_the_orossamtal_to_follow_up(people, login):
    case = f.identified(people, category="svansen")
    fieldwork.record_field_contact(
        actor=f.actor(people.field_worker, people.agreement),
        kind=FieldContact.Kind.CONCERN_TALK,
        case=case,
        occurred_on=f.today(),
    )
    page = login(people.field_worker).get(START).content.decode()
    assert reverse("casework:new_contact") in page and "Ny kontakt" in page
    assert "1 orossamtal väntar på uppföljning" in page


def test_the_police_see_their_own_proposals(people, login):
    mine = f.propose(people, by=people.police)
    theirs = f.propose(people, by=people.manager)
    page = login(people.police).get(START).content.decode()
    assert mine.number in page and theirs.number not in page
    assert "Testa Demosson" not in page


def test_management_gets_the_statistics_and_nothing_about_cases(people, login):
    f.propose(people)
    page = login(people.management).get(START).content.decode()
    assert reverse("reports:statistics") in page
    assert reverse("casework:target_board") not in page
    assert "/arenden/" not in page


def test_the_navigation_follows_the_roles(people, login):
    page = login(people.police).get(START).content.decode()
    assert reverse("casework:propose") in page and reverse("casework:target_board") not in page
    page = login(people.management).get(START).content.decode()
    assert reverse("casework:case_list") not in page
