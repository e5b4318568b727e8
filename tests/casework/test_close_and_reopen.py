"""Closing a case with a reason and reopening it: both are events; the history stays."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.models import CaseEvent, CaseStatus
from casework.services import cases as case_services
from tests.casework import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return f.identified(people, raised_on=f.months_ago(2), caseworker=people.caseworker)


def _manager(people):
    return f.actor(people.manager, people.agreement)


def _close(people, case, **kwargs):
    arguments = {"actor": _manager(people), "case": case, "reason": "goals_met", "closed_on": f.today()}
    return case_services.close_case(**{**arguments, **kwargs})


def test_it_closes_with_a_reason_as_an_event(people, case):
    closed = _close(people, case, reason="aged_out")
    assert (closed.status, closed.close_reason, closed.closed_on) == (CaseStatus.CLOSED, "aged_out", f.today())
    assert case.events.get(kind=CaseEvent.Kind.CLOSED).data == {"reason": "aged_out"}


def test_other_needs_a_description(people, case):
    with pytest.raises(ValidationError) as refusal:
        _close(people, case, reason="other")
    assert "note" in refusal.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_it_refuses_a_future_date_and_a_date_before_raising(people, case):
    with pytest.raises(ValidationError):
        _close(people, case, closed_on=f.today() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="före aktualiseringsdatumet"):
        _close(people, case, closed_on=case.raised_on - datetime.timedelta(days=1))


def test_a_proposal_is_not_closed(people):
    with pytest.raises(ValidationError, match="Bara aktuella"):
        _close(people, f.propose(people))


@pytest.mark.parametrize("who", ["caseworker", "police", "field_worker"])
def test_only_the_social_manager_closes(people, case, who):
    with pytest.raises(PermissionDenied):
        _close(people, case, actor=f.actor(getattr(people, who), people.agreement))


def test_reopening_keeps_the_closing_in_the_history(people, case):
    _close(people, case, reason="moved")
    reopened = case_services.reopen_case(
        actor=_manager(people), case=case, reopened_on=f.today(), note="Flyttat tillbaka."
    )
    assert reopened.status == CaseStatus.ACTIVE and reopened.closed_on is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.CLOSED, CaseEvent.Kind.REOPENED]
    assert case.events.get(kind=CaseEvent.Kind.REOPENED).data == {"closed_on": f.today().isoformat(), "reason": "moved"}


def test_reopening_is_refused_while_the_person_has_another_open_case(people, case):
    _close(people, case)
    newer = f.propose(people, number=case.person.personal_number)
    with pytest.raises(case_services.OpenCaseExists) as refusal:
        case_services.reopen_case(actor=_manager(people), case=case, reopened_on=f.today(), note="Igen.")
    assert refusal.value.existing_case == newer
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_reopening_needs_a_reason_and_an_open_case_is_not_reopened(people, case):
    with pytest.raises(ValidationError, match="Bara avslutade"):
        case_services.reopen_case(actor=_manager(people), case=case, reopened_on=f.today(), note="x")
    _close(people, case)
    with pytest.raises(ValidationError) as refusal:
        case_services.reopen_case(actor=_manager(people), case=case, reopened_on=f.today(), note="")
    assert "note" in refusal.value.message_dict


def test_a_category_change_is_an_event_and_keeps_the_identified_category(people, case):
    changed = case_services.change_category(
        actor=_manager(people), case=case, category="lifestyle", changed_on=f.today(), note="Grövre brottslighet."
    )
    assert (changed.category, changed.identified_category) == ("lifestyle", "svansen")
    assert case.events.get(kind=CaseEvent.Kind.CATEGORY_CHANGED).data == {"from": "svansen", "to": "lifestyle"}
    with pytest.raises(ValidationError, match="redan"):
        case_services.change_category(
            actor=_manager(people), case=case, category="lifestyle", changed_on=f.today(), note="x"
        )


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_close_page_closes_the_case(people, login, case):
    response = login(people.manager).post(
        reverse("casework:close_case", args=[case.pk]), {"reason": "declined", "closed_on": f.today().isoformat()}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_close_page_asks_for_a_description_of_other(people, login, case):
    response = login(people.manager).post(
        reverse("casework:close_case", args=[case.pk]), {"reason": "other", "closed_on": f.today().isoformat()}
    )
    assert "Beskriv orsaken" in response.content.decode()


def test_the_reopen_page_reopens_the_case(people, login, case):
    _close(people, case)
    response = login(people.manager).post(
        reverse("casework:reopen_case", args=[case.pk]), {"reopened_on": f.today().isoformat(), "note": "Ny oro."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_the_close_page_is_forbidden_to_the_caseworker(people, login, case):
    assert login(people.caseworker).get(reverse("casework:close_case", args=[case.pk])).status_code == 403


def test_the_category_page_offers_only_the_other_category(people, login, case):
    page = login(people.manager).get(reverse("casework:change_category", args=[case.pk])).content.decode()
    assert 'value="lifestyle"' in page and 'value="svansen"' not in page
