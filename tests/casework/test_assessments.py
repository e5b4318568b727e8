"""The police assessment and the social services' assessment: each version on the timeline, each
written only by those the visibility matrix lets write it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.models import CaseEvent
from casework.services import cases as case_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return f.identified(people, caseworker=people.caseworker)


def test_the_police_assess_and_earlier_versions_stay_on_the_timeline(people, case):
    police = f.actor(people.police, people.agreement)
    case_services.record_police_assessment(actor=police, case=case, assessment="Första.", priority=False)
    case_services.record_police_assessment(actor=police, case=case, assessment="Andra.", priority=True)
    case.refresh_from_db()
    assert (case.police_assessment, case.police_priority) == ("Andra.", True)
    notes = [e.note for e in case.events.filter(kind=CaseEvent.Kind.POLICE_ASSESSMENT)]
    assert notes == ["Första.", "Andra."]


@pytest.mark.parametrize("who", ["manager", "caseworker", "field_worker"])
def test_only_the_police_write_the_police_assessment(people, case, who):
    with pytest.raises(PermissionDenied):
        case_services.record_police_assessment(
            actor=f.actor(getattr(people, who), people.agreement), case=case, assessment="X", priority=False
        )


def test_the_assigned_caseworker_writes_the_social_assessment(people, case):
    case_services.record_social_assessment(
        actor=f.actor(people.caseworker, people.agreement),
        case=case,
        assessment="Behov av stöd i skolan.",
        realistic_alternative="sis_open",
        records_reference="IFO 2026-12",
    )
    case.refresh_from_db()
    assert case.realistic_alternative == "sis_open"
    assert case.events.filter(kind=CaseEvent.Kind.SOCIAL_ASSESSMENT).count() == 1


@pytest.mark.parametrize("who", ["other_caseworker", "police", "field_worker"])
def test_others_may_not_write_the_social_assessment(people, case, who):
    with pytest.raises(PermissionDenied):
        case_services.record_social_assessment(
            actor=f.actor(getattr(people, who), people.agreement),
            case=case,
            assessment="X",
            realistic_alternative="",
            records_reference="",
        )


def test_an_empty_assessment_is_refused(people, case):
    with pytest.raises(ValidationError) as refusal:
        case_services.record_police_assessment(
            actor=f.actor(people.police, people.agreement), case=case, assessment=" ", priority=True
        )
    assert "assessment" in refusal.value.message_dict


def test_the_police_assessment_page(people, login, case):
    url = reverse("casework:police_assessment", args=[case.pk])
    client = login(people.police)
    assert client.get(url).status_code == 200
    assert client.post(url, {"assessment": "Prioritera.", "priority": "on"}).status_code == 302
    assert login(people.manager).get(url).status_code == 403


def test_the_social_assessment_page(people, login, case):
    url = reverse("casework:social_assessment", args=[case.pk])
    response = login(people.caseworker).post(url, {"assessment": "Stöd.", "realistic_alternative": "hvb"})
    assert response.status_code == 302
    assert login(people.police).get(url).status_code == 403
