"""A legal hold against purging (spärr mot gallring): the social manager's decision, with its reason on the
timeline (encrypted) and in the change log; the purge keeps a held case and takes it once the hold is lifted."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from casework import retention
from casework.models import Case, CaseEvent
from casework.services import cases as case_services
from tests.casework import factories as f
from tests.jobs.builders import closed_case

pytestmark = pytest.mark.django_db

REASON = "Begäran om utlämnande från JO, dnr 123-2026."
TAG = 'govuk-tag--orange">Spärrad mot gallring</strong>'


@pytest.fixture
def case(people):
    """Closed long enough ago that the purge takes it (five years, end of the following year)."""
    return closed_case(people, raised_on=datetime.date(2019, 1, 10), closed_on=datetime.date(2019, 6, 1))


def _hold(people, case, *, on=True, who="manager", reason=REASON):
    return case_services.set_legal_hold(
        actor=f.actor(getattr(people, who), people.agreement), case=case, on=on, reason=reason
    )


def test_it_puts_a_case_under_a_legal_hold_with_the_reason_on_the_timeline(people, case):
    _hold(people, case)
    case.refresh_from_db()
    assert case.legal_hold
    event = case.events.get(kind=CaseEvent.Kind.LEGAL_HOLD_SET)
    assert event.note == REASON and event.by == people.manager and event.occurred_on == f.today()


def test_the_reason_is_encrypted_in_the_database(people, case):
    _hold(people, case)
    event = case.events.get(kind=CaseEvent.Kind.LEGAL_HOLD_SET)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM casework_caseevent WHERE id = %s",
            [CaseEvent._meta.pk.get_db_prep_value(event.pk, connection)],
        )
        (stored,) = cursor.fetchone()
    # The whole reason, not a fragment: two letters turn up in base64 ciphertext about once in a hundred runs.
    assert REASON not in str(stored) and "dnr 123-2026" not in str(stored)
    assert str(stored).startswith("v1$")


def test_the_change_is_in_the_change_log(people, case):
    _hold(people, case)
    entry = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["legal_hold"] == ["False", "True"]


def test_it_lifts_a_hold_as_another_event(people, case):
    _hold(people, case)
    _hold(people, case, on=False, reason="Utlämnandet är klart.")
    case.refresh_from_db()
    assert not case.legal_hold
    assert list(case.events.filter(kind__startswith="legal_hold").values_list("kind", flat=True)) == [
        CaseEvent.Kind.LEGAL_HOLD_SET,
        CaseEvent.Kind.LEGAL_HOLD_LIFTED,
    ]


def test_it_needs_a_reason(people, case):
    with pytest.raises(ValidationError) as refusal:
        _hold(people, case, reason="  ")
    assert "reason" in refusal.value.message_dict
    case.refresh_from_db()
    assert not case.legal_hold and not case.events.filter(kind=CaseEvent.Kind.LEGAL_HOLD_SET).exists()


def test_it_refuses_to_set_a_hold_twice_or_lift_one_that_is_not_there(people, case):
    with pytest.raises(ValidationError, match="inte spärrat"):
        _hold(people, case, on=False)
    _hold(people, case)
    with pytest.raises(ValidationError, match="redan spärrat"):
        _hold(people, case)


@pytest.mark.parametrize("who", ["caseworker", "field_worker", "police", "management", "sysadmin", "auditor"])
def test_only_the_social_manager_decides_a_hold(people, case, who):
    with pytest.raises(PermissionDenied):
        _hold(people, case, who=who)
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_social_manager_of_another_agreement_may_not(people, case, outsider, other_agreement):
    with pytest.raises(PermissionDenied):
        case_services.set_legal_hold(actor=f.actor(outsider, other_agreement), case=case, on=True, reason=REASON)


# --- Pages ------------------------------------------------------------------------------------------------


def test_through_the_page_a_held_case_survives_the_purge_and_goes_once_lifted(people, login, case):
    client = login(people.manager)
    page_url = reverse("casework:case_detail", args=[case.pk])
    hold_url = reverse("casework:legal_hold", args=[case.pk])
    page = client.get(page_url).content.decode()
    assert hold_url in page and TAG not in page

    response = client.post(hold_url, {"on": "1", "reason": REASON})
    assert response.status_code == 302 and response.url == page_url
    page = client.get(page_url).content.decode()
    assert TAG in page and "Häv spärren mot gallring" in page and REASON in page

    assert retention.run_purge() == []  # nothing purged: the only due case is held back
    assert Case.objects.filter(pk=case.pk).exists()
    assert retention.plan_purge()[0].held_back == 1

    assert client.post(hold_url, {"on": "0", "reason": "Klart."}).status_code == 302
    assert TAG not in client.get(page_url).content.decode()
    retention.run_purge()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_repeated_post_is_refused_not_undone(people, login, case):
    client = login(people.manager)
    hold_url = reverse("casework:legal_hold", args=[case.pk])
    assert client.post(hold_url, {"on": "1", "reason": REASON}).status_code == 302
    again = client.post(hold_url, {"on": "1", "reason": REASON})
    assert again.status_code == 200 and "redan spärrat mot gallring" in again.content.decode()
    case.refresh_from_db()
    assert case.legal_hold


def test_the_form_needs_a_reason(people, login, case):
    response = login(people.manager).post(reverse("casework:legal_hold", args=[case.pk]), {"on": "1", "reason": ""})
    assert response.status_code == 200
    case.refresh_from_db()
    assert not case.legal_hold


@pytest.mark.parametrize("who", ["caseworker", "police"])
def test_other_roles_get_no_button_and_a_403(people, login, case, who):
    client = login(getattr(people, who))
    hold_url = reverse("casework:legal_hold", args=[case.pk])
    page = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert page.status_code == 200 and hold_url not in page.content.decode()
    assert client.get(hold_url).status_code == 403
    assert client.post(hold_url, {"on": "1", "reason": REASON}).status_code == 403
    case.refresh_from_db()
    assert not case.legal_hold


def test_the_police_see_the_tag_but_not_the_reason(people, login, case):
    _hold(people, case)
    page = login(people.police).get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert TAG in page and REASON not in page
