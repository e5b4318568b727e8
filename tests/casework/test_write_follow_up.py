"""The 3–6-month follow-up: refused before the window, late after it, never on a closed case or in
the future; every perspective and an outcome."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.models import CaseEvent, FollowUp
from casework.services import cases as case_services
from casework.services import follow_ups
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


def _case(people, months):
    return f.identified(people, raised_on=f.months_ago(months), caseworker=people.caseworker)


def _write(people, case, **kwargs):
    arguments = {
        "actor": f.actor(people.caseworker, people.agreement),
        "case": case,
        "written_on": f.today(),
        "youth_view": "Trivs på fritidsgården, säger mamma också.",
        "social_view": "Färre skolkdagar.",
        "police_view": "Inga nya anmälningar.",
        "partners_view": "Skolan ser förbättring.",
        "helped": "Kontaktpersonen.",
        "hindered": "Kompisarna i centrum.",
        "collaboration": "Snabba kontakter mellan polis och fältgrupp.",
        "outcome": "improved",
    }
    return follow_ups.write_follow_up(**{**arguments, **kwargs})


def test_it_writes_a_follow_up_in_the_window(people):
    case = _case(people, 4)
    follow_up = _write(people, case)
    assert not follow_up.late
    assert follow_up.collaboration.startswith("Snabba")
    event = case.events.get(kind=CaseEvent.Kind.FOLLOW_UP)
    assert event.data["outcome"] == "improved" and event.data["late"] is False


def test_it_refuses_a_follow_up_before_the_window_opens(people):
    case = _case(people, 2)
    with pytest.raises(ValidationError) as refusal:
        _write(people, case)
    message = refusal.value.message_dict["written_on"][0]
    assert "För tidigt" in message and "3 månader" in message
    assert not FollowUp.objects.exists()


def test_it_accepts_a_follow_up_after_the_window_and_marks_it_late(people):
    case = _case(people, 7)
    assert _write(people, case).late


def test_it_refuses_a_future_date(people):
    case = _case(people, 4)
    with pytest.raises(ValidationError) as refusal:
        _write(people, case, written_on=f.today() + datetime.timedelta(days=1))
    assert "framtiden" in refusal.value.message_dict["written_on"][0]


def test_it_refuses_a_closed_case(people):
    case = _case(people, 4)
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
    )
    with pytest.raises(ValidationError, match="avslutat"):
        _write(people, case)
    assert not FollowUp.objects.exists()


def test_it_refuses_a_proposal(people):
    with pytest.raises(ValidationError, match="inte identifierat"):
        _write(people, f.propose(people), actor=f.actor(people.manager, people.agreement))


def test_it_needs_the_youths_and_the_social_services_view_and_an_outcome(people):
    with pytest.raises(ValidationError) as refusal:
        _write(people, _case(people, 4), youth_view="", social_view=" ", outcome="")
    assert set(refusal.value.message_dict) == {"youth_view", "social_view", "outcome"}


@pytest.mark.parametrize("who", ["other_caseworker", "police", "field_worker", "management"])
def test_others_may_not_write_it(people, who):
    case = _case(people, 4)
    with pytest.raises(PermissionDenied):
        _write(people, case, actor=f.actor(getattr(people, who), people.agreement))


# --- The page ---------------------------------------------------------------------------------------------


def _post(people, login, case, **extra):
    data = {
        "written_on": f.today().isoformat(),
        "youth_view": "Bra.",
        "social_view": "Bättre.",
        "outcome": "unchanged",
        **extra,
    }
    return login(people.caseworker).post(reverse("casework:follow_up", args=[case.pk]), data)


def test_the_page_shows_the_window_and_saves(people, login):
    case = _case(people, 4)
    page = login(people.caseworker).get(reverse("casework:follow_up", args=[case.pk])).content.decode()
    assert "Uppföljningen görs tidigast" in page
    assert _post(people, login, case).status_code == 302
    assert FollowUp.objects.get().outcome == "unchanged"


def test_the_page_refuses_an_early_follow_up_with_the_opening_date(people, login):
    case = _case(people, 1)
    response = _post(people, login, case)
    assert response.status_code == 200
    assert "För tidigt" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_page_refuses_a_future_date(people, login):
    case = _case(people, 4)
    tomorrow = (f.today() + datetime.timedelta(days=1)).isoformat()
    assert "framtiden" in _post(people, login, case, written_on=tomorrow).content.decode()


def test_on_a_case_closed_meanwhile_the_page_says_so_and_saves_nothing(people, login):
    case = _case(people, 4)
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
    )
    response = _post(people, login, case)
    assert response.status_code == 302 and response.url == reverse("casework:case_detail", args=[case.pk])
    page = login(people.caseworker).get(response.url).content.decode()
    assert "Ärendet är avslutat: en uppföljning kan inte skrivas." in page
    assert "Din roll" not in page
    assert not FollowUp.objects.exists()


def test_on_a_closed_case_a_role_that_may_not_write_it_is_still_refused(people, login):
    case = _case(people, 4)
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="moved", closed_on=f.today()
    )
    url = reverse("casework:follow_up", args=[case.pk])
    assert login(people.police).get(url).status_code in (403, 404)
