"""Finding a person by personnummer or samordningsnummer, as far as the one who asks may know them."""

from __future__ import annotations

from dataclasses import dataclass

from accesscontrol import scoping
from accesscontrol.policies import Action, require
from accesscontrol.visibility import FieldClass, Scope, scopes_held
from casework import personal_numbers
from casework.blind_indexes import personal_number_candidates
from casework.models import OPEN_STATUSES, Case, Person
from casework.selectors.cases import police_read_identity, readable_by_case


@dataclass(frozen=True)
class PersonMatch:
    person: Person | None
    open_case: Case | None
    # False for the police: "not found" then means "not known to you", so the page must not say "not in Samsyn".
    complete: bool = True


def person_on_record(*, agreement, number: personal_numbers.PersonalNumber) -> Person | None:
    """The agreement's person with this exact personnummer or samordningsnummer (blind index), whoever asks:
    for the services; a page asks `find_person`, which knows what the asker may learn."""
    return Person.objects.filter(
        agreement=agreement, personal_number_index__in=personal_number_candidates(number.normalised)
    ).first()


def find_person(*, actor, number: personal_numbers.PersonalNumber) -> PersonMatch:
    """The person of the actor's agreement with exactly this personnummer or samordningsnummer (through
    the blind index), and their open case if any, as far as the proposer may know them. Only those who
    may propose search.

    That the social services know a youth is itself secret towards the police (OSL 26 kap. 1 §): the
    police find a person only when they may read the identity of one of the person's cases (they proposed
    the youth, or a disclosure in force shares the identity), and an open case only when they may read
    its identity. Otherwise the person is new to them, and their proposal stands beside the hidden case
    (`propose_case`) for the meeting to handle. Social managers find every person and open case."""
    require(actor, Action.PROPOSE_CASE)
    person = person_on_record(agreement=actor.agreement, number=number)
    # Whoever reads every case's identity finds every person; anyone else only those they may know.
    complete = Scope.ALL in scopes_held(actor.roles, FieldClass.IDENTITY)
    if person is None:
        return PersonMatch(person=None, open_case=None, complete=complete)
    cases = list(Case.objects.filter(agreement=actor.agreement, person=person))
    if not complete:
        known = police_read_identity(cases=cases)
        cases = [case for case in cases if case.pk in known]
        if not cases:
            return PersonMatch(person=None, open_case=None, complete=False)
    open_case = next((case for case in cases if case.status in OPEN_STATUSES), None)
    return PersonMatch(person=person, open_case=open_case, complete=complete)


def cases_known_by_identity(*, actor, person: Person) -> list[Case]:
    """The person's cases whose identity the actor may read (scoped, then the matrix per case), oldest
    number first: what a refusal may name about a person the actor did not ask for."""
    cases = list(scoping.scope_cases(Case.objects.filter(agreement=actor.agreement, person=person), actor))
    readable = readable_by_case(actor=actor, cases=cases)
    return sorted(
        (case for case in cases if FieldClass.IDENTITY in readable.get(case.pk, ())), key=lambda case: case.number
    )
