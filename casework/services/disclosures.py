"""Consents and disclosures to the police: each one a decision by the social manager, with its legal
basis, written together with its timeline event.

Errors in what was asked are ValidationErrors keyed by the form field they concern, in Swedish; a
refused actor gets PermissionDenied. Nothing is written unless everything holds.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol.scoping import scope_cases
from accesscontrol.visibility import DISCLOSABLE
from casework.models import Case, CaseEvent, Consent, Disclosure, LegalBasis
from casework.querysets import age_limit_allows, consent_holds, is_valid_on
from casework.selectors.disclosures import age_on, require_decider
from config.text_limits import check_text_limits

from .timeline import add_event, refuse_future


def _require_decider_on(actor, case: Case) -> None:
    require_decider(actor)
    if not scope_cases(Case.objects.filter(pk=case.pk), actor).exists():
        raise PermissionDenied


def _disclosable(field_classes, *, field: str) -> list[str]:
    asked = {str(c) for c in field_classes}
    if not asked:
        raise ValidationError({field: _("Välj vilka uppgifter det gäller.")})
    if not asked <= set(DISCLOSABLE):
        raise ValidationError(
            {field: _("Bara identitet, socialtjänstens bedömning, insatser och fältkontakter kan lämnas ut.")}
        )
    return [str(c) for c in DISCLOSABLE if c in asked]


@transaction.atomic
def record_consent(
    *,
    actor,
    case: Case,
    given_by: str,
    giver_name: str,
    given_on: datetime.date,
    scope,
    purpose: str = "",
    expires_on: datetime.date | None = None,
    document_reference: str = "",
) -> Consent:
    """Records a consent that waives secrecy (OSL 12 kap. 2 §) for the chosen field classes, with who
    gave it, when, for what and until when; the timeline gets a CONSENT event."""
    _require_decider_on(actor, case)
    if given_by not in Consent.GivenBy.values:
        raise ValidationError({"given_by": _("Ange vem som har lämnat samtycket.")})
    if not giver_name.strip():
        raise ValidationError({"giver_name": _("Ange namnet på den som har samtyckt.")})
    scope = _disclosable(scope, field="scope")
    refuse_future(given_on, field="given_on")
    if expires_on is not None and expires_on < given_on:
        raise ValidationError({"expires_on": _("Samtycket kan inte upphöra innan det lämnades.")})
    check_text_limits(Consent, giver_name=giver_name, purpose=purpose, document_reference=document_reference)
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        giver_name=giver_name.strip(),
        given_on=given_on,
        scope=scope,
        purpose=purpose,
        expires_on=expires_on,
        document_reference=document_reference,
        recorded_by=actor.user,
    )
    add_event(
        case=case,
        kind=CaseEvent.Kind.CONSENT,
        occurred_on=given_on,
        by=actor.user,
        data={"consent": str(consent.pk), "action": "given", "given_by": given_by, "scope": scope},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor, consent: Consent, withdrawn_on: datetime.date) -> list[Disclosure]:
    """Records that the consent was withdrawn on `withdrawn_on` and withdraws every disclosure that
    rests on it, so the police lose sight of what it shared in the same transaction. Returns the
    disclosures it withdrew."""
    consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    _require_decider_on(actor, consent.case)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("Samtycket är redan återkallat.")})
    refuse_future(withdrawn_on, field="withdrawn_on")
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("Samtycket kan inte återkallas innan det lämnades.")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    add_event(
        case=consent.case,
        kind=CaseEvent.Kind.CONSENT,
        occurred_on=withdrawn_on,
        by=actor.user,
        data={"consent": str(consent.pk), "action": "withdrawn"},
    )
    resting = list(consent.disclosures.select_for_update().filter(withdrawn_at__isnull=True))
    for disclosure in resting:
        _withdraw(disclosure, by=actor.user, because="consent_withdrawn")
    return resting


@transaction.atomic
def disclose(
    *,
    actor,
    case: Case,
    field_classes,
    legal_basis: LegalBasis,
    assessment: str,
    decided_on: datetime.date,
    consent: Consent | None = None,
) -> Disclosure:
    """Makes the chosen field classes of `case` visible to the police on `legal_basis`, recording who
    decided and why. Refused when the basis is not in force on `decided_on`, when it needs a consent
    that does not cover the classes, and for an age-limited basis (OSL 10 kap. 18 a §) when the person
    has reached the limit on `decided_on`."""
    _require_decider_on(actor, case)
    # The basis as stored, locked: a sysadmin's change to it waits for this decision, or this decision
    # is checked against the change (casework.services.legal_bases).
    legal_basis = LegalBasis.objects.select_for_update().get(pk=legal_basis.pk)
    field_classes = _disclosable(field_classes, field="field_classes")
    refuse_future(decided_on, field="decided_on")
    if not assessment.strip():
        raise ValidationError({"assessment": _("Skriv bedömningen som beslutet vilar på.")})
    check_text_limits(Disclosure, assessment=assessment)
    if not is_valid_on(legal_basis, decided_on):
        raise ValidationError({"legal_basis": _("Den rättsliga grunden gäller inte på beslutsdagen.")})
    age = age_on(case.person, decided_on) if legal_basis.age_limit is not None else None
    if not age_limit_allows(legal_basis.age_limit, age):
        if age is None:
            raise ValidationError(
                {"legal_basis": _("Åldern kan inte fastställas från personnumret, så grunden kan inte användas.")}
            )
        raise ValidationError(
            {
                "legal_basis": _("Personen har fyllt %(limit)s år på beslutsdagen; grunden gäller bara yngre.")
                % {"limit": legal_basis.age_limit}
            }
        )
    _check_consent(case, consent, legal_basis, field_classes, decided_on)
    disclosure = Disclosure.objects.create(
        case=case,
        field_classes=field_classes,
        legal_basis=legal_basis,
        consent=consent,
        assessment=assessment.strip(),
        decided_by=actor.user,
        decided_on=decided_on,
    )
    add_event(
        case=case,
        kind=CaseEvent.Kind.DISCLOSURE,
        occurred_on=decided_on,
        by=actor.user,
        data={"disclosure": str(disclosure.pk), "field_classes": field_classes, "legal_basis": legal_basis.code},
    )
    return disclosure


def _check_consent(case, consent, legal_basis, field_classes, decided_on) -> None:
    if not legal_basis.requires_consent:
        if consent is not None:
            raise ValidationError({"consent": _("Ett samtycke anges bara när grunden är samtycke.")})
        return
    if consent is None and not case.consents.holding(on=decided_on).exists():
        raise ValidationError({"legal_basis": _("Ärendet har inget gällande samtycke. Registrera samtycket först.")})
    if consent is None or consent.case_id != case.pk:
        raise ValidationError({"consent": _("Välj det samtycke som utlämnandet vilar på.")})
    if consent.given_on > decided_on:
        raise ValidationError({"consent": _("Samtycket lämnades efter beslutsdagen.")})
    if not consent_holds(consent, decided_on):
        if consent.withdrawn_on is not None:
            raise ValidationError({"consent": _("Samtycket är återkallat.")})
        raise ValidationError({"consent": _("Samtycket har upphört att gälla.")})
    if not set(field_classes) <= set(consent.scope):
        raise ValidationError({"field_classes": _("Samtycket omfattar inte alla valda uppgifter.")})


@transaction.atomic
def withdraw_disclosure(*, actor, disclosure: Disclosure, note: str = "") -> Disclosure:
    """Withdraws a disclosure now: the police no longer see what it shared. Records who decided."""
    disclosure = Disclosure.objects.select_for_update().select_related("case").get(pk=disclosure.pk)
    _require_decider_on(actor, disclosure.case)
    if disclosure.withdrawn_at is not None:
        raise ValidationError({"note": _("Utlämnandet är redan återkallat.")})
    check_text_limits(CaseEvent, note=note)
    return _withdraw(disclosure, by=actor.user, because="decision", note=note)


def _withdraw(disclosure: Disclosure, *, by, because: str, note: str = "") -> Disclosure:
    disclosure.withdrawn_at = timezone.now()
    disclosure.withdrawn_by = by
    disclosure.save(update_fields=["withdrawn_at", "withdrawn_by"])
    add_event(
        case=disclosure.case,
        kind=CaseEvent.Kind.DISCLOSURE_WITHDRAWN,
        occurred_on=timezone.localdate(),
        by=by,
        data={"disclosure": str(disclosure.pk), "because": because},
        note=note.strip(),
    )
    return disclosure
