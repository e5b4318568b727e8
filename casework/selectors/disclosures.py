"""Reads of consents and disclosures: what the police may see of a case right now, and what the
disclosures panel shows each role.

A disclosure is in force while it is not withdrawn, its consent (if any) is neither withdrawn nor
expired, the version of its legal basis held on the day it was decided, and the person is under the
basis's age limit (OSL 10 kap. 18 a § stops on the 21st birthday). A legal basis ended from a date
therefore never lapses a disclosure decided before it (casework.services.legal_bases). All of this is
decided in the query each time it is read, so the police view follows a withdrawal, an expiry or a
birthday at once, with no job to run.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accesscontrol.models import Role
from accesscontrol.visibility import DISCLOSABLE, FIELD_CLASS_LABELS
from casework import personal_numbers
from casework.models import Consent, Disclosure, LegalBasis


def may_decide_disclosures(actor) -> bool:
    """Only the social services' section manager decides what the police may see."""
    return actor is not None and actor.has(Role.SOCIAL_MANAGER)


def require_decider(actor) -> None:
    if not may_decide_disclosures(actor):
        raise PermissionDenied


def may_see_disclosures(actor) -> bool:
    """The decider sees the whole register; the police see what is shared with them."""
    return actor is not None and actor.has(Role.SOCIAL_MANAGER, Role.POLICE)


def age_on(person, day: datetime.date) -> int | None:
    """The person's age on `day` from the (decrypted) personal number; None if it cannot be read."""
    try:
        return personal_numbers.parse(person.personal_number, today=day).age_on(day)
    except personal_numbers.InvalidPersonalNumber:
        return None


def _in_force(today: datetime.date) -> Q:
    """Not withdrawn, decided by today, its consent (if any) holding and the version of its legal basis
    valid on its decision day (the version it was decided under, however the basis changed since)."""
    consent_holds = Q(consent__isnull=True) | Q(
        Q(consent__withdrawn_on__isnull=True),
        Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today),
    )
    basis_valid = Q(legal_basis__valid_from__lte=F("decided_on")) & (
        Q(legal_basis__valid_to__isnull=True) | Q(legal_basis__valid_to__gte=F("decided_on"))
    )
    return consent_holds & basis_valid & Q(withdrawn_at__isnull=True, decided_on__lte=today)


def active_disclosures(*, case, today: datetime.date | None = None) -> QuerySet[Disclosure]:
    """The disclosures of `case` in force on `today`."""
    today = today or timezone.localdate()
    in_force = Disclosure.objects.filter(_in_force(today), case=case)
    age = age_on(case.person, today)
    if age is None:
        # Without a readable birth date no age-limited basis can be shown to hold (default deny).
        return in_force.filter(legal_basis__age_limit__isnull=True)
    return in_force.exclude(legal_basis__age_limit__lte=age)


def shared_field_classes(*, case, today: datetime.date | None = None) -> frozenset[str]:
    """The field classes of `case` that the police may read now (for `visibility.CaseFacts.disclosed`)."""
    classes = active_disclosures(case=case, today=today).values_list("field_classes", flat=True)
    return frozenset(c for field_classes in classes for c in field_classes if c in DISCLOSABLE)


def shared_field_classes_by_case(*, cases, today: datetime.date | None = None) -> dict:
    """`shared_field_classes` for many cases in one query (the case list): case id -> field classes. An
    age-limited basis counts only while the person is under the limit, as for one case."""
    today = today or timezone.localdate()
    persons = {case.pk: case.person for case in cases}
    shared: dict = {}
    rows = Disclosure.objects.filter(_in_force(today), case__in=list(persons)).values_list(
        "case_id", "field_classes", "legal_basis__age_limit"
    )
    for case_id, field_classes, age_limit in rows:
        if age_limit is not None:
            age = age_on(persons[case_id], today)
            if age is None or age >= age_limit:
                continue
        shared.setdefault(case_id, set()).update(c for c in field_classes if c in DISCLOSABLE)
    return {case_id: frozenset(classes) for case_id, classes in shared.items()}


def _labels(field_classes) -> list[str]:
    return [str(FIELD_CLASS_LABELS[c]) for c in DISCLOSABLE if c in field_classes]


def _consent_status(consent: Consent, today: datetime.date) -> str:
    if consent.withdrawn_on is not None:
        return "withdrawn"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    return "active"


def disclosures_panel(*, actor, case) -> dict | None:
    """The disclosures panel of a case the actor can see: the whole register (consents, every
    disclosure with its status) for the social manager; the disclosures in force, without the
    social services' reasoning, for the police; None (nothing to show) for every other role."""
    if not may_see_disclosures(actor):
        return None
    today = timezone.localdate()
    in_force = set(active_disclosures(case=case, today=today).values_list("pk", flat=True))
    decider = may_decide_disclosures(actor)
    disclosures = Disclosure.objects.filter(case=case).select_related(
        "legal_basis", "decided_by", "withdrawn_by", "consent"
    )
    if not decider:
        disclosures = disclosures.filter(pk__in=in_force)
    rows = []
    for disclosure in disclosures:
        if disclosure.withdrawn_at is not None:
            status = "withdrawn"
        else:
            status = "active" if disclosure.pk in in_force else "lapsed"
        rows.append({"disclosure": disclosure, "status": status, "labels": _labels(disclosure.field_classes)})
    consents = []
    if decider:
        consents = [
            {"consent": consent, "status": _consent_status(consent, today), "labels": _labels(consent.scope)}
            for consent in case.consents.select_related("recorded_by")
        ]
    return {"case": case, "may_decide": decider, "disclosures": rows, "consents": consents}


def decision_context(*, actor, case) -> dict:
    """What a disclosure decision about `case` may choose from: the legal bases valid today and the
    consents in force. Raises PermissionDenied unless the actor may decide disclosures."""
    require_decider(actor)
    today = timezone.localdate()
    return {
        "legal_bases": LegalBasis.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today
        ).order_by("requires_consent", "law_reference"),
        "consents": case.consents.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today), withdrawn_on__isnull=True
        ),
    }


def consent_of(*, actor, case, consent_id) -> Consent | None:
    """A consent of `case` that the actor may withdraw (PermissionDenied for non-deciders)."""
    require_decider(actor)
    return case.consents.filter(pk=consent_id).first()


def disclosure_of(*, actor, case, disclosure_id) -> Disclosure | None:
    """A disclosure of `case` that the actor may withdraw (PermissionDenied for non-deciders)."""
    require_decider(actor)
    return case.disclosures.select_related("legal_basis").filter(pk=disclosure_id).first()
