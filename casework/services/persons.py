"""A youth's own details after the proposal: contact details and guardians, and the personnummer that
replaces a samordningsnummer once the Tax Agency has given one.

Asked about one case (the page is the case's) and done to its person, which all the person's cases share:
each of them gets the event on its timeline. Who may: `accesscontrol.policies`, `CHANGE_PERSON_DETAILS` and
`REPLACE_COORDINATION_NUMBER` (whoever writes the identity class of the case, by the visibility matrix).
The timeline and the change log say what changed, never the values: the event's data names the fields,
the change log masks the encrypted fields and leaves the blind indexes out (audit/registry.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accesscontrol.policies import Action
from casework import personal_numbers
from casework.blind_indexes import set_person_indexes
from casework.models import Case, CaseEvent, Person
from casework.selectors.persons import cases_known_by_identity, person_on_record

from .timeline import add_event, lock_case

CONTACT_FIELDS = ("phone", "email", "address")
MAX_GUARDIANS = 4
_LIMITS = {"phone": 40, "email": 254, "address": 200, "name": 200}


def _clean_text(value, *, field: str, limit: int, errors: dict) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[field] = [_("Högst %(limit)s tecken.") % {"limit": limit}]
    return text


def clean_contact(contact: dict) -> dict:
    """Phone, e-mail and address, trimmed; empty ones left out. Raises ValidationError keyed by field."""
    errors: dict = {}
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(_("Okända kontaktuppgifter."), code="unknown_contact")
    cleaned = {}
    for key in CONTACT_FIELDS:
        text = _clean_text(contact.get(key), field=key, limit=_LIMITS[key], errors=errors)
        if key == "email" and text and key not in errors:
            try:
                validate_email(text)
            except ValidationError:
                errors[key] = [_("Skriv en e-postadress som namn@exempel.se.")]
        if text:
            cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_guardians(guardians: list) -> list:
    """Each guardian's name and phone, trimmed; a row without either is left out, a phone without a name is
    refused. Errors are keyed guardian_<n>_name / guardian_<n>_phone, n counted from 1 as the form's."""
    if len(guardians) > MAX_GUARDIANS:
        raise ValidationError(
            _("Högst %(count)s vårdnadshavare kan anges.") % {"count": MAX_GUARDIANS}, code="too_many_guardians"
        )
    errors: dict = {}
    cleaned = []
    for n, guardian in enumerate(guardians, start=1):
        name = _clean_text(guardian.get("name"), field=f"guardian_{n}_name", limit=_LIMITS["name"], errors=errors)
        phone = _clean_text(guardian.get("phone"), field=f"guardian_{n}_phone", limit=_LIMITS["phone"], errors=errors)
        if phone and not name:
            errors.setdefault(f"guardian_{n}_name", []).append(_("Ange vårdnadshavarens namn till telefonnumret."))
        if name:
            cleaned.append({"name": name, "phone": phone})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _person_of(case: Case) -> Person:
    return Person.objects.select_for_update().get(pk=case.person_id)


def _on_every_case(person: Person, *, kind: str, by, data: dict) -> None:
    """The event on the timeline of each of the person's cases: the details are the person's, not the case's."""
    for case in Case.objects.filter(agreement=person.agreement_id, person=person).order_by("number"):
        add_event(case=case, kind=kind, by=by, data=data)


@transaction.atomic
def change_person_details(*, actor, case: Case, contact: dict, guardians: list) -> Person:
    """Replace the contact details and the guardians of the case's youth with what is given (the page shows
    what is on record and sends all of it back). Refuses what is not a change; the timeline of each of the
    person's cases names what changed (contact details, guardians), never the values."""
    case = lock_case(actor, case, Action.CHANGE_PERSON_DETAILS)
    person = _person_of(case)
    contact = clean_contact(contact)
    guardians = clean_guardians(guardians)
    before = {"contact": person.contact or {}, "guardians": person.guardians or []}
    after = {"contact": contact, "guardians": guardians}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        raise ValidationError(_("Du har inte ändrat något."), code="unchanged")
    person.contact, person.guardians = contact, guardians
    person.save(update_fields=["contact", "guardians"])
    _on_every_case(person, kind=CaseEvent.Kind.PERSON_DETAILS_CHANGED, by=actor.user, data={"changed": changed})
    return person


class BirthDateNeedsConfirmation(ValidationError):
    """The personnummer's birth date is not the samordningsnummer's, and the user has not confirmed it."""

    def __init__(self, *, new: personal_numbers.PersonalNumber, old: personal_numbers.PersonalNumber):
        message = _(
            "Födelsedatumet i personnumret (%(new)s) är ett annat än i samordningsnumret (%(old)s). Det kan "
            "stämma, eftersom ett samordningsnummer ibland har ett uppskattat födelsedatum. Kontrollera "
            "numret och kryssa i rutan om du ändå vill spara det."
        ) % {"new": new.birth_date.isoformat(), "old": old.birth_date.isoformat()}
        super().__init__({"birth_date_confirmed": [message]})


def _refuse_duplicate(*, actor, other: Person) -> ValidationError:
    """The number is another person's in the agreement. The refusal names that person's cases only to an
    actor who may read their identity; anyone else learns only that the number cannot be used here."""
    known = cases_known_by_identity(actor=actor, person=other)
    if known:
        message = _(
            "Personnumret finns redan i Samsyn för en annan person (ärende %(numbers)s). Två personer kan inte "
            "ha samma personnummer. Kontrollera numret. Gäller det samma ungdom, arbeta vidare i det ärendet "
            "och avsluta det här med en anteckning om att ungdomen finns under personnumret."
        ) % {"numbers": ", ".join(case.number for case in known)}
    else:
        message = _(
            "Personnumret kan inte sparas för den här ungdomen. Kontrollera numret. Stämmer det, be "
            "socialtjänstens sektionschef att reda ut det."
        )
    return ValidationError({"personal_number": [message]}, code="duplicate")


@transaction.atomic
def replace_coordination_number(
    *, actor, case: Case, personal_number: str, birth_date_confirmed: bool = False
) -> Person:
    """Replace the samordningsnummer of the case's youth with the personnummer given later. The new number
    must be a valid personnummer (check digit, a real date, not another samordningsnummer) that no other
    person of the agreement has; a birth date other than the samordningsnummer's needs confirming (a
    samordningsnummer's date is sometimes estimated, so it is allowed, not refused). The blind index follows
    the new number, so the youth is found by it and no longer by the old one; the birth year follows the
    number. Each of the person's cases gets the event on its timeline, without either number."""
    case = lock_case(actor, case, Action.REPLACE_COORDINATION_NUMBER)
    person = _person_of(case)
    try:
        number = personal_numbers.parse(personal_number)
    except personal_numbers.InvalidPersonalNumber as exc:
        raise ValidationError({"personal_number": [str(exc)]}) from None
    if number.coordination:
        raise ValidationError(
            {
                "personal_number": [
                    _(
                        "Numret är ett samordningsnummer (dagen är ökad med 60). Skriv ungdomens personnummer, "
                        "det som Skatteverket har gett."
                    )
                ]
            },
            code="coordination_number",
        )
    old = personal_numbers.parse(person.personal_number)
    other = person_on_record(agreement=person.agreement, number=number)
    if other is not None and other.pk != person.pk:
        raise _refuse_duplicate(actor=actor, other=other)
    birth_date_changed = number.birth_date != old.birth_date
    if birth_date_changed and not birth_date_confirmed:
        raise BirthDateNeedsConfirmation(new=number, old=old)
    person.personal_number = number.normalised
    person.birth_year = number.birth_year
    set_person_indexes(person)
    try:
        with transaction.atomic():
            person.save(update_fields=["personal_number", "personal_number_index", "name_index", "birth_year"])
    except IntegrityError:
        # Another request gave the number to another person between our check and our write.
        other = person_on_record(agreement=person.agreement, number=number)
        if other is None:
            raise
        raise _refuse_duplicate(actor=actor, other=other) from None
    _on_every_case(
        person,
        kind=CaseEvent.Kind.PERSONAL_NUMBER_REPLACED,
        by=actor.user,
        data={"birth_date_changed": birth_date_changed},
    )
    return person
