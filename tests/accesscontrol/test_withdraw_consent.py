"""Withdrawing a consent withdraws the disclosures resting on it, and the police view follows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accesscontrol.visibility import CaseFacts, FieldClass, readable_classes
from casework.models import CaseEvent
from casework.selectors.disclosures import shared_field_classes
from casework.services.disclosures import withdraw_consent
from tests.accesscontrol.factories import make_consent, make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def consented(people, case):
    consent = make_consent(case, recorded_by=people.manager, scope=["social_assessment", "interventions"])
    on_consent = make_disclosure(
        case, decided_by=people.manager, basis="samtycke", consent=consent, field_classes=["interventions"]
    )
    under_21 = make_disclosure(case, decided_by=people.manager, field_classes=["social_assessment"])
    return consent, on_consent, under_21


def test_withdrawing_the_consent_cuts_the_police_view_of_what_it_shared(actors, people, case, consented):
    consent, on_consent, under_21 = consented
    facts = CaseFacts(category=case.category, assigned_to_user=False, disclosed=shared_field_classes(case=case))
    assert FieldClass.INTERVENTIONS in readable_classes(["police"], facts)
    withdrawn = withdraw_consent(actor=actors.manager, consent=consent, withdrawn_on=timezone.localdate())
    assert withdrawn == [on_consent]
    facts = CaseFacts(category=case.category, assigned_to_user=False, disclosed=shared_field_classes(case=case))
    assert FieldClass.INTERVENTIONS not in readable_classes(["police"], facts)
    assert FieldClass.SOCIAL_ASSESSMENT in readable_classes(["police"], facts)  # rests on another basis
    on_consent.refresh_from_db()
    under_21.refresh_from_db()
    assert on_consent.withdrawn_by == people.manager and under_21.withdrawn_at is None
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", "data"))
    assert (CaseEvent.Kind.CONSENT, {"consent": str(consent.pk), "action": "withdrawn"}) in kinds
    assert (
        CaseEvent.Kind.DISCLOSURE_WITHDRAWN,
        {"disclosure": str(on_consent.pk), "because": "consent_withdrawn"},
    ) in kinds


def test_an_expired_consent_stops_showing_without_a_withdrawal(people, case):
    consent = make_consent(case, recorded_by=people.manager, expires_on=timezone.localdate())
    make_disclosure(case, decided_by=people.manager, basis="samtycke", consent=consent)
    assert shared_field_classes(case=case) == {"social_assessment"}
    assert shared_field_classes(case=case, today=timezone.localdate() + datetime.timedelta(days=1)) == frozenset()


def test_it_refuses_a_withdrawal_before_the_consent_or_twice(actors, consented):
    consent = consented[0]
    with pytest.raises(ValidationError):
        withdraw_consent(actor=actors.manager, consent=consent, withdrawn_on=consent.given_on - datetime.timedelta(1))
    withdraw_consent(actor=actors.manager, consent=consent, withdrawn_on=timezone.localdate())
    with pytest.raises(ValidationError):
        withdraw_consent(actor=actors.manager, consent=consent, withdrawn_on=timezone.localdate())


def test_only_a_social_manager_may_withdraw_a_consent(actors, consented):
    consent, on_consent, _ = consented
    with pytest.raises(PermissionDenied):
        withdraw_consent(actor=actors.caseworker, consent=consent, withdrawn_on=timezone.localdate())
    on_consent.refresh_from_db()
    assert on_consent.withdrawn_at is None
