"""The visibility matrix (docs/roles-and-visibility.md), in one place: which role sees which field class of
which case.

Default deny: a role reads a field class only where this module says so. Selectors use it to scope
querysets; templates receive the resulting set of readable classes and never decide by role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import Role


class FieldClass(StrEnum):
    IDENTITY = "identity"
    CASE_FRAME = "case_frame"
    SOCIAL_ASSESSMENT = "social_assessment"  # assessment text and follow-ups
    INTERVENTIONS = "interventions"  # part of the social assessment the field team may read
    POLICE_ASSESSMENT = "police_assessment"
    FIELD_CONTACTS = "field_contacts"
    MINUTES = "minutes"
    LOGS = "logs"


FIELD_CLASS_LABELS = {
    FieldClass.IDENTITY: _("Identitet (namn, personnummer, kontaktuppgifter)"),
    FieldClass.CASE_FRAME: _("Ärendeuppgifter (kategori, status, datum)"),
    FieldClass.SOCIAL_ASSESSMENT: _("Socialtjänstens bedömning och uppföljningar"),
    FieldClass.INTERVENTIONS: _("Erbjudna insatser"),
    FieldClass.POLICE_ASSESSMENT: _("Polisens bedömning"),
    FieldClass.FIELD_CONTACTS: _("Fältkontakter och orossamtal"),
    FieldClass.MINUTES: _("Mötesanteckningar"),
    FieldClass.LOGS: _("Loggar"),
}

# What the social services can share with the police by a disclosure. Identity is among them: that a named
# youth is known to the social services is itself secret towards the police (OSL 26 kap. 1 §).
DISCLOSABLE = (
    FieldClass.IDENTITY,
    FieldClass.SOCIAL_ASSESSMENT,
    FieldClass.INTERVENTIONS,
    FieldClass.FIELD_CONTACTS,
)


# The classes an uploader may give a case attachment (casework.models.CaseAttachment), which then decide
# who reads it. Not the case frame: the police read every case's frame, so a document there would reach
# them without a disclosure.
ATTACHABLE = (*DISCLOSABLE, FieldClass.POLICE_ASSESSMENT)


class Scope(StrEnum):
    ALL = "all"  # every case of the agreement
    ASSIGNED = "assigned"  # cases of the user's units or assigned to the user
    SVANSEN = "svansen"  # svansen cases only
    DISCLOSED = "disclosed"  # only what an active disclosure shares
    PROPOSED_OR_DISCLOSED = "proposed_or_disclosed"  # cases the police proposed, or shared by an active disclosure
    ATTENDED = "attended"  # minutes of meetings the user attended


@dataclass(frozen=True)
class Grant:
    read: Scope
    write: bool = False


CASE_ROLES = (Role.SOCIAL_MANAGER, Role.CASEWORKER, Role.FIELD_WORKER, Role.POLICE)

# role -> field class -> grant. Missing means no access.
MATRIX: dict[str, dict[FieldClass, Grant]] = {
    Role.SOCIAL_MANAGER: {
        FieldClass.IDENTITY: Grant(Scope.ALL, write=True),
        FieldClass.CASE_FRAME: Grant(Scope.ALL, write=True),
        FieldClass.SOCIAL_ASSESSMENT: Grant(Scope.ALL, write=True),
        FieldClass.INTERVENTIONS: Grant(Scope.ALL, write=True),
        FieldClass.POLICE_ASSESSMENT: Grant(Scope.ALL),
        FieldClass.FIELD_CONTACTS: Grant(Scope.ALL),
        FieldClass.MINUTES: Grant(Scope.ALL, write=True),
    },
    Role.CASEWORKER: {
        FieldClass.IDENTITY: Grant(Scope.ASSIGNED),
        FieldClass.CASE_FRAME: Grant(Scope.ASSIGNED),
        FieldClass.SOCIAL_ASSESSMENT: Grant(Scope.ASSIGNED, write=True),
        FieldClass.INTERVENTIONS: Grant(Scope.ASSIGNED, write=True),
        FieldClass.POLICE_ASSESSMENT: Grant(Scope.ASSIGNED),
        FieldClass.FIELD_CONTACTS: Grant(Scope.ASSIGNED),
        FieldClass.MINUTES: Grant(Scope.ALL),
    },
    Role.FIELD_WORKER: {
        FieldClass.IDENTITY: Grant(Scope.SVANSEN),
        FieldClass.CASE_FRAME: Grant(Scope.SVANSEN),
        FieldClass.INTERVENTIONS: Grant(Scope.SVANSEN),
        FieldClass.FIELD_CONTACTS: Grant(Scope.SVANSEN, write=True),
        FieldClass.MINUTES: Grant(Scope.ALL),
    },
    Role.POLICE: {
        # A youth the social services propose is shown to the police without identity until a disclosure
        # shares it (docs/roles-and-visibility.md, "The police and a youth's identity").
        FieldClass.IDENTITY: Grant(Scope.PROPOSED_OR_DISCLOSED),
        FieldClass.CASE_FRAME: Grant(Scope.ALL),
        FieldClass.SOCIAL_ASSESSMENT: Grant(Scope.DISCLOSED),
        FieldClass.INTERVENTIONS: Grant(Scope.DISCLOSED),
        FieldClass.FIELD_CONTACTS: Grant(Scope.DISCLOSED),
        FieldClass.POLICE_ASSESSMENT: Grant(Scope.ALL, write=True),
        FieldClass.MINUTES: Grant(Scope.ATTENDED),
    },
    Role.AUDITOR: {
        FieldClass.LOGS: Grant(Scope.ALL),
    },
}


@dataclass(frozen=True)
class CaseFacts:
    """What the matrix needs to know about one case, gathered by the caller in one query.

    `proposed_by_police`: the police proposed the case (read at each request from the case, never copied
    at write time); `disclosed`: the field classes the disclosures in force today share with the police."""

    category: str
    assigned_to_user: bool
    disclosed: frozenset[str] = field(default_factory=frozenset)
    proposed_by_police: bool = False


def _scope_holds(scope: Scope, facts: CaseFacts, field_class: FieldClass) -> bool:
    if scope is Scope.ALL:
        return True
    if scope is Scope.ASSIGNED:
        return facts.assigned_to_user
    if scope is Scope.SVANSEN:
        return facts.category == "svansen"
    if scope is Scope.DISCLOSED:
        return field_class in facts.disclosed
    if scope is Scope.PROPOSED_OR_DISCLOSED:
        return facts.proposed_by_police or field_class in facts.disclosed
    return False


def readable_classes(roles, facts: CaseFacts) -> frozenset[FieldClass]:
    """The field classes of this case that a holder of `roles` may read (union over the roles)."""
    readable = set()
    for role in roles:
        for field_class, grant in MATRIX.get(role, {}).items():
            if field_class is not FieldClass.MINUTES and _scope_holds(grant.read, facts, field_class):
                readable.add(field_class)
    return frozenset(readable)


def writable_classes(roles, facts: CaseFacts) -> frozenset[FieldClass]:
    writable = set()
    for role in roles:
        for field_class, grant in MATRIX.get(role, {}).items():
            if grant.write and field_class is not FieldClass.MINUTES and _scope_holds(grant.read, facts, field_class):
                writable.add(field_class)
    return frozenset(writable)


def scopes_held(roles, field_class: FieldClass) -> frozenset[Scope]:
    """The scopes in which a holder of `roles` reads `field_class` (a selector computes only the case
    facts these scopes need: assignment for a caseworker, disclosures for the police)."""
    return frozenset(MATRIX[role][field_class].read for role in roles if field_class in MATRIX.get(role, {}))
