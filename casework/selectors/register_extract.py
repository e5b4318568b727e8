"""The register extract (registerutdrag, GDPR article 15) of a person, for the social manager to hand out:
everything Samsyn stores about the person in every agreement where the manager is social manager, and who
has been shown it and when.

What each case holds is read through the same selectors as the case page (`cases.case_page`) and the
disclosures panel (`disclosures.disclosures_panel`), so the extract shows what the social manager may read
and nothing else; the access history is audit's, read through `casework.access_history`. Nothing of
another person is gathered: the person's own row and their cases' rows, and of the meetings only the
decisions about these cases (the minutes' reasoning is about many youths and stays out).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accesscontrol import policies, scoping
from accesscontrol.actor import Actor, actor_for
from accesscontrol.models import Role
from accesscontrol.policies import Action
from casework.access_history import access_history
from casework.blind_indexes import personal_number_candidates
from casework.models import Agreement, Case, Decision, MeetingItem, Person

from . import cases as case_selectors
from . import disclosures as disclosure_selectors


def may_make_register_extract(actor) -> bool:
    """Only the social services' section manager hands out register extracts."""
    return policies.may(actor, Action.MAKE_REGISTER_EXTRACT)


@dataclass
class CaseExtract:
    """One case of the person as the social manager reads it."""

    page: case_selectors.CasePage
    disclosures: dict
    decisions: list[Decision]
    meeting_items: list[MeetingItem]

    @property
    def case(self) -> Case:
        return self.page.case


@dataclass
class AgreementExtract:
    """The person's record in one agreement: their identity, cases, and who has been shown them."""

    actor: Actor
    person: Person
    cases: list[CaseExtract]
    accesses: list  # audit.selectors.CaseAccess, through casework.access_history

    @property
    def agreement(self) -> Agreement:
        return self.actor.agreement

    @property
    def field_classes(self) -> frozenset:
        return frozenset().union(*(extract.page.readable for extract in self.cases))


@dataclass
class RegisterExtract:
    made_at: datetime.datetime
    made_by: object
    parts: list[AgreementExtract] = field(default_factory=list)


def _manager_actors(user) -> list[Actor]:
    """The user as an actor in each agreement where they are social manager, oldest agreement first."""
    # One filter() call: the user and the role on the same membership row.
    agreements = Agreement.objects.filter(memberships__user=user, memberships__role=Role.SOCIAL_MANAGER).distinct()
    return [actor_for(user, agreement) for agreement in agreements.order_by("starts_on", "pk")]


def _case_extract(actor: Actor, case: Case) -> CaseExtract:
    return CaseExtract(
        page=case_selectors.case_page(actor=actor, case=case),
        disclosures=disclosure_selectors.disclosures_panel(actor=actor, case=case),
        decisions=list(
            Decision.objects.filter(case=case).select_related("meeting", "responsible").order_by("created_at")
        ),
        meeting_items=list(
            MeetingItem.objects.filter(case=case).select_related("meeting").order_by("meeting__held_on")
        ),
    )


def register_extract(*, actor, case: Case) -> RegisterExtract:
    """The register extract of the person of `case` (a case the actor sees): the person found by their
    personnummer (blind index) in each agreement where the actor's user is social manager, each with all
    their cases and the access history. Raises PermissionDenied unless the actor is social manager."""
    if not may_make_register_extract(actor):
        raise PermissionDenied
    indexes = personal_number_candidates(case.person.personal_number)
    extract = RegisterExtract(made_at=timezone.localtime(), made_by=actor.user)
    for manager in _manager_actors(actor.user):
        person = Person.objects.filter(agreement=manager.agreement, personal_number_index__in=indexes).first()
        if person is None:
            continue
        cases = list(
            scoping.scope_cases(
                Case.objects.filter(person=person).select_related(
                    "person", "person__area", "unit", "caseworker", "agreement", "proposed_by"
                ),
                manager,
            ).order_by("proposed_on", "number")
        )
        extract.parts.append(
            AgreementExtract(
                actor=manager,
                person=person,
                cases=[_case_extract(manager, each) for each in cases],
                accesses=access_history(person=person, cases=cases, actor=manager),
            )
        )
    return extract
