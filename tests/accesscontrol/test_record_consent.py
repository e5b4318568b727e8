"""A social manager records a consent that waives secrecy: who gave it, when, what it covers, until when."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework.models import CaseEvent, Consent
from casework.services.disclosures import record_consent

pytestmark = pytest.mark.django_db


def record(actor, case, **changes):
    values = {
        "given_by": Consent.GivenBy.GUARDIAN,
        "giver_name": "Vera Vårdnadshavare",
        "given_on": timezone.localdate(),
        "scope": ["social_assessment", "interventions"],
        "purpose": "Samordnade insatser med polisen",
        "expires_on": timezone.localdate() + datetime.timedelta(days=180),
        "document_reference": "Blankett 2026-17",
    }
    return record_consent(actor=actor, case=case, **{**values, **changes})


def test_it_records_the_consent_and_its_event(actors, people, case):
    consent = record(actors.manager, case)
    consent.refresh_from_db()
    assert (consent.given_by, consent.giver_name, consent.recorded_by) == (
        "guardian",
        "Vera Vårdnadshavare",
        people.manager,
    )
    assert consent.scope == ["social_assessment", "interventions"]
    assert consent.document_reference == "Blankett 2026-17"
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CONSENT)
    assert event.data["action"] == "given" and event.by == people.manager


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"given_by": "neighbour"}, "given_by"),
        ({"giver_name": " "}, "giver_name"),
        ({"scope": []}, "scope"),
        ({"scope": ["logs"]}, "scope"),
        ({"given_on": timezone.localdate() + datetime.timedelta(days=1)}, "given_on"),
        ({"expires_on": timezone.localdate() - datetime.timedelta(days=1)}, "expires_on"),
    ],
    ids=["giver-kind", "giver-name", "empty-scope", "not-disclosable", "future", "expires-before-given"],
)
def test_it_refuses_bad_input_and_saves_nothing(actors, case, changes, field):
    with pytest.raises(ValidationError) as refused:
        record(actors.manager, case, **changes)
    assert field in refused.value.message_dict
    assert not Consent.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize("who", ["caseworker", "police", "sysadmin"])
def test_only_a_social_manager_may_record_a_consent(actors, case, who):
    with pytest.raises(PermissionDenied):
        record(getattr(actors, who), case)
    assert not Consent.objects.exists()
