"""Offering an intervention from the catalogue and recording the answer and course."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import CaseEvent, Intervention, InterventionType
from casework.services import cases as case_services
from casework.services import interventions
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return f.identified(people, raised_on=f.months_ago(1), caseworker=people.caseworker)


def _offer(people, case, **kwargs):
    arguments = {
        "actor": f.actor(people.caseworker, people.agreement),
        "case": case,
        "intervention_type": f.intervention_type(people.agreement, "kontaktperson"),
        "offered_on": f.today(),
    }
    return interventions.offer_intervention(**{**arguments, **kwargs})


def test_the_assigned_caseworker_offers_an_intervention(people, case):
    intervention = _offer(people, case, response="accepted", starts_on=f.today(), provider="Öppna insatser")
    assert intervention.response == "accepted"
    event = case.events.get(kind=CaseEvent.Kind.INTERVENTION_OFFERED)
    assert event.data == {"intervention": str(intervention.pk), "type": "Kontaktperson", "response": "accepted"}


@pytest.mark.parametrize("who", ["other_caseworker", "police", "field_worker", "management"])
def test_others_may_not_offer(people, case, who):
    with pytest.raises(PermissionDenied):
        _offer(people, case, actor=f.actor(getattr(people, who), people.agreement))
    assert not Intervention.objects.exists()


def test_it_refuses_a_future_offer(people, case):
    with pytest.raises(ValidationError) as refusal:
        _offer(people, case, offered_on=f.today() + datetime.timedelta(days=1))
    assert "offered_on" in refusal.value.message_dict


def test_it_refuses_an_end_before_the_start(people, case):
    with pytest.raises(ValidationError) as refusal:
        _offer(
            people,
            case,
            response="accepted",
            starts_on=f.today(),
            ends_on=f.today() - datetime.timedelta(days=1),
        )
    assert "före startdatumet" in refusal.value.message_dict["ends_on"][0]
    assert not Intervention.objects.exists()


def test_it_refuses_a_start_before_the_offer(people, case):
    with pytest.raises(ValidationError) as refusal:
        _offer(people, case, response="accepted", starts_on=f.today() - datetime.timedelta(days=3))
    assert "starts_on" in refusal.value.message_dict


def test_it_refuses_dates_on_a_declined_offer(people, case):
    with pytest.raises(ValidationError) as refusal:
        _offer(people, case, response="declined", starts_on=f.today())
    assert "tackat ja" in refusal.value.message_dict["starts_on"][0]


def test_it_refuses_a_type_outside_the_catalogue(people, case, other_agreement):
    foreign = InterventionType.objects.filter(agreement=other_agreement).first()
    with pytest.raises(ValidationError) as refusal:
        _offer(people, case, intervention_type=foreign)
    assert "intervention_type" in refusal.value.message_dict


def test_it_refuses_a_closed_case(people, case):
    case_services.close_case(
        actor=f.actor(people.manager, people.agreement), case=case, reason="goals_met", closed_on=f.today()
    )
    with pytest.raises(ValidationError, match="Ärendet är avslutat: en insats kan inte erbjudas."):
        _offer(people, case)


def test_the_answer_is_recorded_as_a_new_timeline_entry(people, case):
    intervention = _offer(people, case)
    interventions.record_intervention_response(
        actor=f.actor(people.caseworker, people.agreement),
        intervention=intervention,
        response="accepted",
        starts_on=f.today(),
        occasions=6,
    )
    intervention.refresh_from_db()
    assert (intervention.response, intervention.occasions) == ("accepted", 6)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.INTERVENTION_ANSWERED) == 1


# --- The pages --------------------------------------------------------------------------------------------


def test_the_page_offers_an_intervention(people, login, case):
    url = reverse("casework:offer_intervention", args=[case.pk])
    response = login(people.caseworker).post(
        url,
        {
            "intervention_type": f.intervention_type(people.agreement, "mst").pk,
            "offered_on": f.today().isoformat(),
            "response": "declined",
        },
    )
    assert response.status_code == 302
    assert Intervention.objects.get().response == "declined"


def test_the_page_shows_an_end_before_start_on_the_field(people, login, case):
    url = reverse("casework:offer_intervention", args=[case.pk])
    response = login(people.caseworker).post(
        url,
        {
            "intervention_type": f.intervention_type(people.agreement, "mst").pk,
            "offered_on": f.today().isoformat(),
            "response": "accepted",
            "starts_on": f.today().isoformat(),
            "ends_on": (f.today() - datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Slutdatumet kan inte ligga före startdatumet." in response.content.decode()
    assert not Intervention.objects.exists()


def test_the_answer_page_updates_the_intervention(people, login, case):
    intervention = _offer(people, case)
    url = reverse("casework:intervention_response", args=[case.pk, intervention.pk])
    client = login(people.caseworker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"response": "no_answer"})
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.response == "no_answer"


def test_the_answer_page_is_404_for_an_intervention_of_another_case_and_logs_the_attempt(people, login, case):
    other = f.identified(people, caseworker=people.caseworker)
    intervention = _offer(people, other)
    url = reverse("casework:intervention_response", args=[case.pk, intervention.pk])
    assert login(people.caseworker).get(url).status_code == 404
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.case_ids == [str(case.pk)]


def test_the_page_is_forbidden_to_the_police(people, login, case):
    url = reverse("casework:offer_intervention", args=[case.pk])
    assert login(people.police).get(url).status_code == 403


def test_the_page_is_404_for_a_caseworker_of_another_unit(people, login, case):
    url = reverse("casework:offer_intervention", args=[case.pk])
    assert login(people.other_caseworker).get(url).status_code == 404
