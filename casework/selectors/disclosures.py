"""Reads of consents and disclosures: what the police may see of a case right now, and what the
disclosures panel shows each role.

When a disclosure is in force is casework.querysets' rule (`Disclosure.objects.in_force`, with the age
limit of a basis checked per person). It is decided each time it is read, so the police view follows a
withdrawal, an expiry or a birthday at once, with no job to run.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accesscontrol import policies
from accesscontrol.policies import Action
from accesscontrol.visibility import DISCLOSABLE, FIELD_CLASS_LABELS
from casework import personal_numbers
from casework.models import Consent, Disclosure, LegalBasis
from casework.querysets import age_limit_allows, consent_holds


def may_decide_disclosures(actor) -> bool:
    """Only the social services' section manager decides what the police may see."""
    return policies.may(actor, Action.DECIDE_DISCLOSURES)


def require_decider(actor) -> None:
    if not may_decide_disclosures(actor):
        raise PermissionDenied


def may_see_disclosures(actor) -> bool:
    """The decider sees the whole register; the police see what is shared with them."""
    return policies.may(actor, Action.SEE_DISCLOSURES)


def age_on(person, day: datetime.date) -> int | None:
    """The person's age on `day` from the (decrypted) personal number; None if it cannot be read."""
    try:
        return personal_numbers.parse(person.personal_number, today=day).age_on(day)
    except personal_numbers.InvalidPersonalNumber:
        return None


def _in_force_by_case(cases, today: datetime.date) -> dict:
    """The disclosures of `cases` in force on `today` (casework.querysets): case id -> {disclosure id: field
    classes}. One query; the age limit of a basis is checked per person, as the rule says."""
    persons = {case.pk: case.person for case in cases}
    rows = Disclosure.objects.in_force(on=today).filter(case__in=list(persons))
    in_force: dict = {}
    for pk, case_id, field_classes, age_limit in rows.values_list(
        "pk", "case_id", "field_classes", "legal_basis__age_limit"
    ):
        if age_limit_allows(age_limit, age_on(persons[case_id], today) if age_limit is not None else None):
            in_force.setdefault(case_id, {})[pk] = field_classes
    return in_force


def disclosed_cases_q(*, agreement, today: datetime.date) -> Q:
    """A filter on the cases of `agreement`: those with a disclosure in force on `today` (the case list's
    disclosure filter), exactly as `_in_force_by_case` decides it, without loading the cases. The age
    limit of a basis is read from the encrypted personnummer, so the query settles it by the plain birth
    year wherever the year decides it (born after `today.year - limit`: under the limit whatever the
    birthday; born before: not), and only the persons born in the one year in between (they reach the
    limit this year) are read and decided in Python: a handful, however many cases there are."""
    in_force = Disclosure.objects.in_force(on=today).filter(case__agreement=agreement)
    certain = in_force.filter(
        Q(legal_basis__age_limit__isnull=True)
        | Q(case__person__birth_year__gt=today.year - F("legal_basis__age_limit"))
    )
    turning = in_force.filter(
        legal_basis__age_limit__isnull=False, case__person__birth_year=today.year - F("legal_basis__age_limit")
    ).select_related("case__person", "legal_basis")
    decided = {
        disclosure.case_id
        for disclosure in turning
        if age_limit_allows(disclosure.legal_basis.age_limit, age_on(disclosure.case.person, today))
    }
    return Q(Exists(certain.filter(case=OuterRef("pk")))) | Q(pk__in=decided)


def active_disclosures(*, case, today: datetime.date | None = None) -> QuerySet[Disclosure]:
    """The disclosures of `case` in force on `today`."""
    in_force = _in_force_by_case([case], today or timezone.localdate()).get(case.pk, {})
    return Disclosure.objects.filter(pk__in=list(in_force))


def shared_field_classes(*, case, today: datetime.date | None = None) -> frozenset[str]:
    """The field classes of `case` that the police may read now (for `visibility.CaseFacts.disclosed`)."""
    return shared_field_classes_by_case(cases=[case], today=today).get(case.pk, frozenset())


def shared_field_classes_by_case(*, cases, today: datetime.date | None = None) -> dict:
    """`shared_field_classes` for many cases in one query (the case list): case id -> field classes."""
    in_force = _in_force_by_case(list(cases), today or timezone.localdate())
    return {
        case_id: frozenset(c for classes in disclosures.values() for c in classes if c in DISCLOSABLE)
        for case_id, disclosures in in_force.items()
    }


def _labels(field_classes) -> list[str]:
    return [str(FIELD_CLASS_LABELS[c]) for c in DISCLOSABLE if c in field_classes]


def _consent_status(consent: Consent, today: datetime.date) -> str:
    if consent_holds(consent, today):
        return "active"
    return "withdrawn" if consent.withdrawn_on is not None else "expired"


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
        "legal_bases": LegalBasis.objects.valid_on(today).order_by("requires_consent", "law_reference"),
        "consents": case.consents.holding(on=today),
    }


def consent_of(*, actor, case, consent_id) -> Consent | None:
    """A consent of `case` that the actor may withdraw (PermissionDenied for non-deciders)."""
    require_decider(actor)
    return case.consents.filter(pk=consent_id).first()


def disclosure_of(*, actor, case, disclosure_id) -> Disclosure | None:
    """A disclosure of `case` that the actor may withdraw (PermissionDenied for non-deciders)."""
    require_decider(actor)
    return case.disclosures.select_related("legal_basis").filter(pk=disclosure_id).first()
