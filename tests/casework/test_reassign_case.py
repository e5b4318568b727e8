"""Handing a case to another unit or caseworker: the social manager's decision, on the timeline, and the
case's visibility follows at once (the old caseworker loses it, the new one gets it)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accesscontrol.scoping import scope_cases
from casework.models import Case, CaseEvent
from casework.services import cases as case_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return f.identified(people, raised_on=f.months_ago(2), caseworker=people.caseworker)


def visible_to(people, user, case) -> bool:
    return scope_cases(Case.objects.filter(pk=case.pk), f.actor(user, people.agreement)).exists()


def test_the_case_moves_to_another_unit_and_caseworker_and_visibility_follows(people, case):
    assert visible_to(people, people.caseworker, case) and not visible_to(people, people.other_caseworker, case)
    moved = case_services.reassign_case(
        actor=f.actor(people.manager, people.agreement),
        case=case,
        unit=people.open_care,
        caseworker=people.other_caseworker,
        reassigned_on=f.today(),
        note="Handläggaren slutar.",
    )
    assert (moved.unit, moved.caseworker) == (people.open_care, people.other_caseworker)
    assert visible_to(people, people.other_caseworker, case)
    assert not visible_to(people, people.caseworker, case)
    event = case.events.get(kind=CaseEvent.Kind.ASSIGNED)
    assert event.data["from_unit"] == people.investigation.pk and event.data["unit"] == people.open_care.pk
    assert event.note == "Handläggaren slutar."


@pytest.mark.parametrize(
    ("wrong", "field"),
    [
        (lambda people: {"caseworker": people.caseworker}, "caseworker"),  # not a member of open care
        (lambda people: {"reassigned_on": f.today() + datetime.timedelta(days=1)}, "reassigned_on"),
    ],
)
def test_bad_choices_are_refused_and_nothing_changes(people, case, wrong, field):
    arguments = {"unit": people.open_care, "caseworker": people.other_caseworker, "reassigned_on": f.today()}
    with pytest.raises(ValidationError) as refusal:
        case_services.reassign_case(
            actor=f.actor(people.manager, people.agreement), case=case, **{**arguments, **wrong(people)}
        )
    assert field in refusal.value.message_dict
    case.refresh_from_db()
    assert (case.unit, case.caseworker) == (people.investigation, people.caseworker)
    assert not case.events.filter(kind=CaseEvent.Kind.ASSIGNED).exists()


def test_only_the_social_manager_decides(people, case):
    with pytest.raises(PermissionDenied):
        case_services.reassign_case(
            actor=f.actor(people.caseworker, people.agreement),
            case=case,
            unit=people.open_care,
            reassigned_on=f.today(),
        )


def test_the_page_reassigns_and_the_timeline_names_the_new_responsibility(people, case, login):
    client = login(people.manager)
    url = reverse("casework:reassign", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"unit": people.open_care.pk, "caseworker": people.other_caseworker.pk, "reassigned_on": f.today()},
        follow=True,
    )
    page = response.content.decode()
    assert "Ansvaret är ändrat" in page
    assert f"Ansvarig enhet: Öppna insatser, handläggare: {people.other_caseworker}" in page
    assert login(people.caseworker).get(url).status_code == 404  # no longer theirs
