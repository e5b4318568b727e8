"""Temporary access to one case: the social manager gives a caseworker outside the case's unit (a substitute
during a holiday) access with a reason and a last day; the access ends by itself after that day, or when
withdrawn; the change log records it; the case page lists it under "Tillfällig åtkomst"."""

import datetime
import zoneinfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accesscontrol.actor import actor_for
from accesscontrol.grants import services
from accesscontrol.models import CaseAccessGrant
from accesscontrol.scoping import scope_cases
from audit.masking import MASK
from casework.models import Case
from tests.accesscontrol.factories import make_case

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 31)
REASON = "Vikariat för Hugo under semestern"


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm")), tick=False
    )


@pytest.fixture(autouse=True)
def on_the_day():
    with at(TODAY):
        yield


@pytest.fixture
def case(people):
    """A case of the investigation unit: `other_caseworker` (open care) does not see it."""
    return make_case(people.agreement, proposed_by=people.manager, unit=people.investigation)


def grant(people, case, **kwargs):
    arguments = {"user": people.other_caseworker, "reason": REASON, "ends_on": TODAY + datetime.timedelta(days=14)}
    return services.grant_case_access(
        actor=actor_for(people.manager, people.agreement), case=case, **{**arguments, **kwargs}
    )


def sees(people, user, case, day=None) -> bool:
    if day is None:
        return scope_cases(Case.objects.filter(pk=case.pk), actor_for(user, people.agreement)).exists()
    with at(day):
        return sees(people, user, case)


def test_the_substitute_sees_the_case_through_its_last_day_and_not_after(people, case):
    assert not sees(people, people.other_caseworker, case)
    grant(people, case)
    assert sees(people, people.other_caseworker, case)
    assert sees(people, people.other_caseworker, case, TODAY + datetime.timedelta(days=14))
    assert not sees(people, people.other_caseworker, case, TODAY + datetime.timedelta(days=15))


def test_a_grant_that_starts_later_gives_nothing_before(people, case):
    grant(people, case, starts_on=TODAY + datetime.timedelta(days=7), ends_on=TODAY + datetime.timedelta(days=20))
    assert not sees(people, people.other_caseworker, case)
    assert sees(people, people.other_caseworker, case, TODAY + datetime.timedelta(days=7))


def test_the_substitute_reads_the_case_as_its_own_caseworker_does(people, login, case):
    grant(people, case)
    body = login(people.other_caseworker).get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert case.person.full_name in body and case.number in body


def test_withdrawing_ends_it_at_once(people, case):
    given = grant(people, case)
    services.withdraw_case_access(actor=actor_for(people.manager, people.agreement), grant=given)
    assert not sees(people, people.other_caseworker, case)
    with pytest.raises(ValidationError):
        services.withdraw_case_access(actor=actor_for(people.manager, people.agreement), grant=given)


@pytest.mark.parametrize("who", ["caseworker", "police", "field_worker", "sysadmin", "auditor"])
def test_only_the_social_manager_grants(people, case, who):
    with pytest.raises(PermissionDenied):
        services.grant_case_access(
            actor=actor_for(getattr(people, who), people.agreement),
            case=case,
            user=people.other_caseworker,
            reason=REASON,
            ends_on=TODAY,
        )
    assert not CaseAccessGrant.objects.exists()


def test_the_social_manager_of_another_agreement_may_not(people, case, outsider, other_agreement):
    with pytest.raises(PermissionDenied):
        services.grant_case_access(
            actor=actor_for(outsider, other_agreement), case=case, user=people.other_caseworker, reason=REASON,
            ends_on=TODAY,
        )  # fmt: skip


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"reason": "  "}, "reason", "Skriv varför"),
        ({"ends_on": TODAY - datetime.timedelta(days=1)}, "ends_on", "före startdatumet"),
        ({"starts_on": TODAY - datetime.timedelta(days=1)}, "starts_on", "bakåt i tiden"),
        ({"ends_on": TODAY + datetime.timedelta(days=90)}, "ends_on", "högst 90 dagar"),
        ({"user": "police"}, "user", "Välj en handläggare"),
        ({"user": "caseworker"}, "user", "har redan åtkomst"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_saves_nothing(people, case, changes, field, message):
    if "user" in changes:
        changes = {**changes, "user": getattr(people, changes["user"])}
    with pytest.raises(ValidationError) as refused:
        grant(people, case, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not CaseAccessGrant.objects.exists()


def test_ninety_days_is_the_longest(people, case):
    assert grant(people, case, ends_on=TODAY + datetime.timedelta(days=89)).ends_on == datetime.date(2027, 6, 28)


def test_an_overlapping_grant_is_refused(people, case):
    grant(people, case, starts_on=TODAY + datetime.timedelta(days=30), ends_on=TODAY + datetime.timedelta(days=40))
    with pytest.raises(ValidationError) as refused:
        grant(people, case, ends_on=TODAY + datetime.timedelta(days=35))
    assert "redan en tillfällig åtkomst" in refused.value.messages[0]


def test_the_change_log_records_the_grant_with_the_reason_masked(people, case):
    given = grant(people, case)
    entry = LogEntry.objects.get_for_object(given).get()
    assert entry.action == LogEntry.Action.CREATE
    assert MASK in entry.changes_dict["reason"][1]
    assert REASON not in str(entry.changes) and REASON not in entry.object_repr


def test_the_pages_grant_list_and_withdraw(people, login, case):
    client = login(people.manager)
    url = reverse("casework:access_grant", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Ge tillfällig åtkomst" in form and people.other_caseworker.get_full_name() in form
    response = client.post(
        url,
        {
            "user": people.other_caseworker.pk,
            "reason": REASON,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Tillfällig åtkomst" in page and REASON in page and "2027-04-14" in page and "Gäller" in page
    given = CaseAccessGrant.objects.get()
    client.post(reverse("casework:withdraw_access_grant", args=[case.pk, given.pk]))
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Återkallad" in page
    assert not sees(people, people.other_caseworker, case)


def test_the_page_shows_the_refusal_and_saves_nothing(people, login, case):
    response = login(people.manager).post(
        reverse("casework:access_grant", args=[case.pk]),
        {"user": people.other_caseworker.pk, "reason": "", "starts_on": TODAY.isoformat(), "ends_on": "31/4"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt." in body and "Fyll i ett giltigt datum." in body
    assert not CaseAccessGrant.objects.exists()


def test_a_caseworker_does_not_see_the_grants_panel_or_page(people, login, case):
    client = login(people.caseworker)
    assert "Tillfällig åtkomst" not in client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert client.get(reverse("casework:access_grant", args=[case.pk])).status_code == 403
