"""The busy-day flag, counted in the database, gives what reading every entry of the period gave."""

import datetime
import uuid
from collections import defaultdict

import pytest
from django.utils import timezone

from accesscontrol.actor import actor_for
from audit.models import AccessLogEntry
from audit.selectors import BusyDay, busy_days

from .helpers import STOCKHOLM, at

pytestmark = pytest.mark.django_db

# Summer time began on Sunday 29 March 2026 (02:00 became 03:00): that day has 23 hours.
SATURDAY, SUNDAY = datetime.date(2026, 3, 28), datetime.date(2026, 3, 29)


def person(n: int) -> str:
    return str(uuid.UUID(int=n))


def busy_days_by_reading_every_entry(*, agreement_id, since, until, limit) -> list[BusyDay]:
    """The flag as it was computed before: every single-person entry of the period read into Python,
    counted per user and local day, the username of the user's last entry."""
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=STOCKHOLM)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=STOCKHOLM)
    opened, names = defaultdict(set), {}
    for entry in AccessLogEntry.objects.filter(agreement_id=agreement_id, at__gte=start, at__lt=end).order_by("seq"):
        if entry.outcome != AccessLogEntry.Outcome.SHOWN or entry.user_id is None or len(entry.person_ids) != 1:
            continue
        opened[entry.user_id, timezone.localtime(entry.at, STOCKHOLM).date()].add(entry.person_ids[0])
        names[entry.user_id] = entry.username
    return sorted(
        (
            BusyDay(user_id=user_id, username=names[user_id], day=day, persons=len(persons))
            for (user_id, day), persons in opened.items()
            if len(persons) > limit
        ),
        key=lambda busy: (busy.day, busy.username),
    )


def test_it_counts_as_reading_every_entry_did_across_midnight_summer_time_and_a_renamed_user(people, read, settings):
    settings.SAMSYN_MANY_PERSONS_PER_DAY = 2
    police, caseworker = people.police, people.caseworker
    # Saturday: three persons for the police, the last at 23:59 local (Sunday already in UTC).
    for n, moment in enumerate((at(SATURDAY, 0, 0), at(SATURDAY, 12), at(SATURDAY, 23, 59))):
        read(police, persons=[person(n)], when=moment)
    # Sunday, 23 hours long: the same person twice, three others around the jump and late in the evening.
    sunday = ((10, at(SUNDAY, 1, 30)), (10, at(SUNDAY, 3, 30)), (11, at(SUNDAY, 3, 59)), (12, at(SUNDAY, 23, 30)))
    for n, moment in sunday:
        read(police, persons=[person(n)], when=moment)
    # What does not count: a list, a denied attempt, an entry naming no person, a day outside the period.
    read(caseworker, persons=[person(20), person(21), person(22)], when=at(SATURDAY, 9))
    read(caseworker, persons=[person(20)], when=at(SATURDAY, 10))
    read(caseworker, cases=["not-a-case"], denied=True, when=at(SATURDAY, 11))
    read(caseworker, cases=[], when=at(SATURDAY, 12))
    read(caseworker, persons=[person(21)], when=at(SATURDAY, 13))
    read(caseworker, persons=[person(22)], when=at(SUNDAY + datetime.timedelta(days=1), 0, 0))
    read(caseworker, persons=[person(23)], when=at(SATURDAY - datetime.timedelta(days=1), 23, 59))
    # The police officer is renamed on Sunday evening: the flag names them as their last entry does.
    police.username = "polis-omdopt"
    police.save(update_fields=["username"])
    read(police, persons=[person(13)], when=at(SUNDAY, 23, 45))

    found = busy_days(actor=actor_for(people.auditor, people.agreement), since=SATURDAY, until=SUNDAY)

    assert found == busy_days_by_reading_every_entry(
        agreement_id=people.agreement.pk, since=SATURDAY, until=SUNDAY, limit=2
    )
    assert [(day.username, day.day, day.persons) for day in found] == [
        ("polis-omdopt", SATURDAY, 3),
        ("polis-omdopt", SUNDAY, 4),
    ]
