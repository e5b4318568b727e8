"""A disclosure can be withdrawn; the police view follows at once; who decided is recorded."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.models import CaseEvent
from casework.selectors.disclosures import active_disclosures, shared_field_classes
from casework.services.disclosures import withdraw_disclosure
from tests.accesscontrol.factories import make_disclosure

pytestmark = pytest.mark.django_db


def test_it_withdraws_and_the_police_no_longer_see_it(actors, people, case):
    disclosure = make_disclosure(case, decided_by=people.manager, field_classes=["interventions"])
    assert shared_field_classes(case=case) == {"interventions"}
    withdraw_disclosure(actor=actors.manager, disclosure=disclosure, note="Behovet har upphört")
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_by == people.manager and disclosure.withdrawn_at is not None
    assert shared_field_classes(case=case) == frozenset()
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.DISCLOSURE_WITHDRAWN)
    assert (event.by, event.note, event.data["because"]) == (people.manager, "Behovet har upphört", "decision")


def test_other_disclosures_of_the_case_stay(actors, people, case):
    kept = make_disclosure(case, decided_by=people.manager, field_classes=["social_assessment"])
    withdrawn = make_disclosure(case, decided_by=people.manager, field_classes=["interventions"])
    withdraw_disclosure(actor=actors.manager, disclosure=withdrawn)
    assert list(active_disclosures(case=case)) == [kept]


def test_it_refuses_to_withdraw_twice(actors, people, case):
    disclosure = make_disclosure(case, decided_by=people.manager)
    withdraw_disclosure(actor=actors.manager, disclosure=disclosure)
    with pytest.raises(ValidationError):
        withdraw_disclosure(actor=actors.manager, disclosure=disclosure)
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.DISCLOSURE_WITHDRAWN).count() == 1


@pytest.mark.parametrize("who", ["caseworker", "police"])
def test_only_a_social_manager_may_withdraw(actors, people, case, who):
    disclosure = make_disclosure(case, decided_by=people.manager)
    with pytest.raises(PermissionDenied):
        withdraw_disclosure(actor=getattr(actors, who), disclosure=disclosure)
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None
