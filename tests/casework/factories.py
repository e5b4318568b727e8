"""Casework test data, built through the services so every case has what a real one has (person with
blind index, number, timeline). Personal numbers use the test serials 980–999."""

from __future__ import annotations

import datetime
import itertools

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accesscontrol.actor import actor_for
from casework import personal_numbers
from casework.models import InterventionType
from casework.services import cases as case_services
from casework.services import meetings as meeting_services

_serials = itertools.count()


def today() -> datetime.date:
    return timezone.localdate()


def actor(user, agreement):
    return actor_for(user, agreement)


def personal_number(*, age: int = 16, on: datetime.date | None = None, coordination: bool = False) -> str:
    """A fresh valid number of someone `age` years old on `on` (today by default)."""
    n = next(_serials)
    born = (on or today()) - relativedelta(years=age) - datetime.timedelta(days=30 + n % 300)
    return personal_numbers.make(born, 980 + n % 20, coordination=coordination)


def details(first="Testa", last="Demosson", **kwargs) -> case_services.PersonDetails:
    return case_services.PersonDetails(first_name=first, last_name=last, gender="boy", **kwargs)


def propose(
    people,
    *,
    by=None,
    number=None,
    category="svansen",
    proposed_on=None,
    reason="Syns ofta vid stationen.",
    person=None,
):
    by = by or people.police
    return case_services.propose_case(
        actor=actor(by, people.agreement),
        personal_number=number or personal_number(on=proposed_on),
        category=category,
        reason=reason,
        proposed_on=proposed_on or today(),
        person_details=person or details(),
    )


def meeting(people, *, held_on=None):
    return meeting_services.schedule_meeting(actor=actor(people.manager, people.agreement), held_on=held_on or today())


def approve(people, meeting):
    """The minutes approved by the chair (the social manager) and a police participant: documented."""
    manager = actor(people.manager, people.agreement)
    meeting_services.add_participant(actor=manager, meeting=meeting, user=people.police)
    meeting_services.approve_minutes(actor=manager, meeting=meeting)
    return meeting_services.approve_minutes(actor=actor(people.police, people.agreement), meeting=meeting)


def identified(people, *, category="svansen", raised_on=None, unit=None, caseworker=None, at=None):
    """An active case raised on `raised_on` (today by default), assigned to the investigation unit."""
    raised_on = raised_on or today()
    case = propose(people, category=category, proposed_on=raised_on - datetime.timedelta(days=7))
    return case_services.identify_case(
        actor=actor(people.manager, people.agreement),
        case=case,
        meeting=at or meeting(people, held_on=raised_on),
        category=category,
        raised_on=raised_on,
        unit=unit or people.investigation,
        caseworker=caseworker,
    )


def months_ago(months: int, days: int = 0) -> datetime.date:
    return today() - relativedelta(months=months) - datetime.timedelta(days=days)


def intervention_type(agreement, code="mst") -> InterventionType:
    return InterventionType.objects.get(agreement=agreement, code=code)
