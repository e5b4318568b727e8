"""The restore drill's data: one encrypted person with a case, written before the backup and read
back, decrypted, from the restored copy.

    python -m deploy.drill write          # prints the sample as JSON (ids and the plaintext written)
    python -m deploy.drill read CASE_ID   # prints what the restored copy decrypts, as JSON

Both start Samsyn the way gunicorn does, by loading the WSGI application, which refuses to start
when the keyring lacks a key id that sealed stored values.

The data is invented: the personnummer uses a serial from Skatteverket's published test range.
Persons are written through the ORM because the drill tests the storage, not the casework forms.
"""

import datetime
import json
import sys


def write_sample(*, first_name: str, last_name: str, agreement_name: str) -> dict:
    """An agreement and a police officer who proposes a youth through the casework service: a person with
    encrypted identity and contact details (and blind indexes) and an open case, as the application writes them."""
    from accesscontrol import services as access_services
    from accesscontrol.actor import actor_for
    from accesscontrol.models import Organisation, Role, User
    from casework import personal_numbers
    from casework.models import Category
    from casework.services.agreements import create_agreement
    from casework.services.cases import PersonDetails, propose_case

    social, _ = Organisation.objects.get_or_create(
        name=f"Socialtjänsten, {agreement_name}", kind=Organisation.Kind.SOCIAL_SERVICES
    )
    police, _ = Organisation.objects.get_or_create(
        name=f"Lokalpolisområdet, {agreement_name}", kind=Organisation.Kind.POLICE
    )
    agreement = create_agreement(
        name=agreement_name, social_services=social, police=police, starts_on=datetime.date(2026, 1, 1)
    )
    proposer, _ = User.objects.get_or_create(username=f"drill-{agreement.pk}", defaults={"organisation": police})
    access_services.grant_role(user=proposer, agreement=agreement, role=Role.POLICE)
    case = propose_case(
        actor=actor_for(proposer, agreement),
        personal_number=personal_numbers.make(datetime.date(2009, 3, 14), 981),
        category=Category.SVANSEN,
        reason=f"Övningsärende för {first_name} {last_name}.",
        proposed_on=datetime.date(2026, 2, 1),
        person_details=PersonDetails(
            first_name=first_name,
            last_name=last_name,
            gender="boy",
            contact={"phone": "070-000 00 00", "address": f"{last_name}vägen 1"},
        ),
    )
    return read_sample(case_id=case.pk)


def read_sample(*, case_id) -> dict:
    from casework.models import Case

    case = Case.objects.select_related("person").get(pk=case_id)
    person = case.person
    return {
        "case_id": str(case.pk),
        "person_id": str(person.pk),
        "personal_number": person.personal_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "contact": person.contact,
        "proposal_reason": case.proposal_reason,
    }


def main(argv: list[str]) -> int:
    writing = argv[1:] == ["write"]
    reading = len(argv) == 3 and argv[1] == "read"
    if not (writing or reading):
        print(__doc__, file=sys.stderr)
        return 2
    import config.wsgi  # noqa: F401 - Samsyn's start-up: settings, apps, the keyring check

    if writing:
        sample = write_sample(first_name="Dagny", last_name="Återställningsson", agreement_name="Övningskommunen")
    else:
        sample = read_sample(case_id=argv[2])
    print(json.dumps(sample, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
