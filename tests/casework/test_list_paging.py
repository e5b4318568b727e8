"""The other long lists page through config.paging: the meetings, the field contacts, the reminders. Each
page costs the same number of queries whatever the number of rows, and shows (and declares) only its
rows. The case list is tests/casework/test_case_list_paging.py, the audit pages tests/audit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry
from casework.models import FieldContact, Meeting, Notification
from config.paging import PER_PAGE
from tests.accesscontrol.factories import make_case

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)


def _meetings(people, n):
    return [
        Meeting.objects.create(
            agreement=people.agreement, held_on=START + datetime.timedelta(days=i), chair=people.manager
        )
        for i in range(n)
    ]


def _notifications(user, n, offset=0):
    return [
        Notification.objects.create(
            user=user, key=f"{user.pk}-{offset + i}", kind="test", text=f"Påminnelse {offset + i}"
        )
        for i in range(n)
    ]


def _contacts(people, n):
    """Outreach contacts with svansen youths, one a day (the newest last)."""
    return [
        FieldContact.objects.create(
            agreement=people.agreement,
            kind=FieldContact.Kind.OUTREACH,
            case=make_case(people.agreement, proposed_by=people.manager, category="svansen"),
            occurred_on=START + datetime.timedelta(days=i),
            recorded_by=people.field_worker,
        )
        for i in range(n)
    ]


def _same_queries_for_5_and_60(client, url, add, django_assert_max_num_queries):
    """The page's queries with 5 rows, then at most as many with 60 (a full page and a second one)."""
    client.get(url)  # the first request after login writes the session; later ones do not
    add(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(55)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["paging"].page.paginator.count == 60
    return response


def test_the_meeting_list_pages_and_its_queries_do_not_grow(people, login, django_assert_max_num_queries):
    url = reverse("casework:meeting_list")
    response = _same_queries_for_5_and_60(
        login(people.manager), url, lambda n: _meetings(people, n), django_assert_max_num_queries
    )
    assert len(response.context["meetings"]) == PER_PAGE
    second = login(people.manager).get(url, {"sida": 2})
    newest_first = list(Meeting.objects.order_by("-held_on", "-pk"))
    assert list(second.context["meetings"]) == newest_first[PER_PAGE:]
    assert 'aria-current="page"' in second.content.decode()


def test_a_police_officer_pages_through_the_meetings_they_attended_only(people, login):
    from casework.models import MeetingParticipant

    attended = _meetings(people, PER_PAGE + 1)
    for meeting in attended:
        MeetingParticipant.objects.create(meeting=meeting, user=people.police)
    _meetings(people, 3)
    client = login(people.police)
    seen = list(client.get(reverse("casework:meeting_list")).context["meetings"])
    seen += list(client.get(reverse("casework:meeting_list"), {"sida": 2}).context["meetings"])
    assert sorted(m.pk for m in seen) == sorted(m.pk for m in attended)


def test_the_reminders_page_and_their_queries_do_not_grow(people, login, django_assert_max_num_queries):
    url = reverse("reminders:list")
    added = []
    response = _same_queries_for_5_and_60(
        login(people.caseworker),
        url,
        lambda n: added.extend(_notifications(people.caseworker, n, offset=len(added))),
        django_assert_max_num_queries,
    )
    assert len(response.context["notifications"]) == PER_PAGE
    _notifications(people.other_caseworker, 3, offset=1000)
    second = login(people.caseworker).get(url, {"sida": 2}).context["notifications"]
    assert {n.user_id for n in second} == {people.caseworker.pk} and len(second) == 10


def test_the_field_contacts_page_their_queries_do_not_grow_and_the_log_names_the_page(
    people, login, django_assert_max_num_queries
):
    url = reverse("casework:field_home")
    response = _same_queries_for_5_and_60(
        login(people.field_worker), url, lambda n: _contacts(people, n), django_assert_max_num_queries
    )
    assert len(response.context["overview"].contacts) == PER_PAGE
    earlier = set(AccessLogEntry.objects.values_list("pk", flat=True))  # the log is append-only (PostgreSQL)
    second = login(people.field_worker).get(url, {"sida": 2})
    # The page's own order (the newest first; contacts of one day by when they were recorded, then by id).
    oldest = list(FieldContact.objects.order_by("-occurred_on", "-created_at", "-pk"))[PER_PAGE:]
    assert [entry.contact for entry in second.context["overview"].contacts] == oldest
    entry = AccessLogEntry.objects.exclude(pk__in=earlier).get(page="casework:field_home")
    assert sorted(entry.case_ids) == sorted(str(contact.case_id) for contact in oldest)
