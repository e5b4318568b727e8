"""Reading the field team's work: contacts, orossamtal awaiting follow-up, hot-spot visits.

Field workers read the contacts they recorded and those on the svansen cases their scope gives them;
the social managers read all of the agreement's. Other roles read field contacts on case pages only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accesscontrol import scoping
from accesscontrol.models import Role
from casework.models import Case, CaseStatus, Category, FieldContact, HotSpot, HotSpotVisit

RECENT = 30


def _require_field_reader(actor) -> None:
    if actor is None or actor.agreement is None or not actor.has(Role.FIELD_WORKER, Role.SOCIAL_MANAGER):
        raise PermissionDenied


def require_field_worker(actor) -> None:
    if actor is None or actor.agreement is None or not actor.has(Role.FIELD_WORKER):
        raise PermissionDenied


def visible_contacts(*, actor) -> QuerySet:
    _require_field_reader(actor)
    contacts = FieldContact.objects.filter(agreement=actor.agreement).select_related(
        "case__person", "hot_spot", "area", "recorded_by", "concern_follow_up"
    )
    if actor.has(Role.SOCIAL_MANAGER):
        return contacts
    scoped = scoping.scope_cases(Case.objects.all(), actor)
    return contacts.filter(Q(recorded_by=actor.user) | Q(case__in=scoped))


def get_contact(*, actor, contact_id) -> FieldContact:
    """Raises FieldContact.DoesNotExist outside the actor's view (the view answers 404)."""
    return visible_contacts(actor=actor).get(pk=contact_id)


def contact_cases(*, actor) -> QuerySet:
    """The active svansen cases a field worker can record a contact on."""
    require_field_worker(actor)
    cases = Case.objects.filter(status=CaseStatus.ACTIVE, category=Category.SVANSEN).select_related("person")
    return scoping.scope_cases(cases, actor).order_by("number")


def hot_spots(*, actor) -> QuerySet:
    _require_field_reader(actor)
    return HotSpot.objects.filter(agreement=actor.agreement, active=True).select_related("area")


@dataclass
class FieldOverview:
    contacts: list
    awaiting_follow_up: list
    visits: list
    may_record: bool

    @property
    def cases(self) -> list:
        return [contact.case for contact in self.contacts + self.awaiting_follow_up if contact.case_id]

    @property
    def persons(self) -> list:
        return [case.person for case in self.cases]


def field_overview(*, actor) -> FieldOverview:
    """The latest contacts and visits, and the orossamtal still to be followed up."""
    contacts = visible_contacts(actor=actor)
    awaiting = contacts.filter(kind=FieldContact.Kind.CONCERN_TALK, concern_follow_up__isnull=True)
    visits = HotSpotVisit.objects.filter(hot_spot__agreement=actor.agreement).select_related("hot_spot", "recorded_by")
    return FieldOverview(
        contacts=list(contacts[:RECENT]),
        awaiting_follow_up=list(awaiting.order_by("occurred_on")),
        visits=list(visits[:RECENT]),
        may_record=actor.has(Role.FIELD_WORKER),
    )
