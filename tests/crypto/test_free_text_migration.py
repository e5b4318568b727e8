"""casework 0006 encrypts the free texts that were stored in plaintext: rows written before it (an
intervention's provider, a meeting's location, a decision's responsible, a meeting participant's name,
organisation and role) are sealed for their row, and read back unchanged through the models. The way
back opens them again."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casework.models import Decision, Intervention, Meeting
from casework.services import interventions
from casework.services import meetings as meeting_services
from encryption import crypto
from encryption.fields import Sealed
from tests.casework import factories

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("casework", "0005_concern_reception_blank_when_absent")]
AFTER = [("casework", "0006_encrypt_meeting_and_intervention_texts")]
TAG = uuid.uuid4().hex[:8]
PLAIN = {
    label: f"Klartext{label}{TAG}"
    for label in ("Plats", "Utforare", "Ansvarig", "Namn", "Organisation", "Roll", "Polisroll", "Fore")
}


def migrate(targets):
    """Migrate to `targets`, returning the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - constants of this test
        return [row[0] for row in cursor.fetchall()]


def everything_stored() -> str:
    tables = {
        "casework_meeting": "location",
        "casework_intervention": "provider",
        "casework_decision": "responsible_text",
        "casework_meetingparticipant": "name || organisation || role_title",
    }
    return "\n".join(str(value) for table, column in tables.items() for value in raw_column(table, column))


def test_the_migration_encrypts_the_plaintext_free_texts_of_existing_rows(people):
    manager = factories.actor(people.manager, people.agreement)
    meeting = meeting_services.schedule_meeting(actor=manager, held_on=factories.today())
    case = factories.identified(people)
    intervention = interventions.offer_intervention(
        actor=manager,
        case=case,
        intervention_type=factories.intervention_type(people.agreement, "mst"),
        offered_on=factories.today(),
    )
    with_user = meeting_services.add_decision(actor=manager, meeting=meeting, what="Beslut", responsible=people.manager)
    meeting_services.add_participant(
        actor=manager, meeting=meeting, name=PLAIN["Fore"], organisation="Skolan", role_title="Rektor"
    )

    try:
        old = migrate(BEFORE)
        # The way back opened what was sealed: the participant written under 0006 is plaintext again.
        assert PLAIN["Fore"] in everything_stored()
        old.get_model("casework", "Meeting").objects.filter(pk=meeting.pk).update(location=PLAIN["Plats"])
        old.get_model("casework", "Intervention").objects.filter(pk=intervention.pk).update(provider=PLAIN["Utforare"])
        OldDecision = old.get_model("casework", "Decision")
        OldDecision.objects.filter(pk=with_user.pk).update(responsible_text="")
        other_pk = uuid.uuid4()
        what = crypto.seal(b"Bjud in skolan", aad=crypto.associated_data("casework_decision", "what", other_pk))
        other = OldDecision.objects.create(
            id=other_pk, meeting_id=meeting.pk, what=Sealed(what), responsible_text=PLAIN["Ansvarig"]
        )
        OldParticipant = old.get_model("casework", "MeetingParticipant")
        OldParticipant.objects.create(
            meeting_id=meeting.pk, name=PLAIN["Namn"], organisation=PLAIN["Organisation"], role_title=PLAIN["Roll"]
        )
        OldParticipant.objects.create(
            meeting_id=meeting.pk, user_id=people.police.pk, organisation="Polisen", role_title=PLAIN["Polisroll"]
        )
        stored = everything_stored()
        assert all(text in stored for text in PLAIN.values())

        migrate(AFTER)
        stored = everything_stored()
        assert [label for label, text in PLAIN.items() if text in stored] == []
        assert all(token.startswith("v1$") for token in raw_column("casework_meetingparticipant", "name"))
    finally:
        migrate_to_the_latest()

    # Read back unchanged through the models, each value opened for its own row.
    assert Meeting.objects.get(pk=meeting.pk).location == PLAIN["Plats"]
    assert Intervention.objects.get(pk=intervention.pk).provider == PLAIN["Utforare"]
    assert Decision.objects.get(pk=with_user.pk).responsible_text == ""
    assert Decision.objects.get(pk=other.pk).responsible_text == PLAIN["Ansvarig"]
    assert Decision.objects.get(pk=other.pk).what == "Bjud in skolan"
    participants = {
        (p.user_id, p.name, p.organisation, p.role_title) for p in Meeting.objects.get(pk=meeting.pk).participants.all()
    }
    assert participants == {
        (None, PLAIN["Fore"], "Skolan", "Rektor"),
        (None, PLAIN["Namn"], PLAIN["Organisation"], PLAIN["Roll"]),
        (people.police.pk, "", "Polisen", PLAIN["Polisroll"]),
    }
    assert all(isinstance(p.pk, uuid.UUID) for p in Meeting.objects.get(pk=meeting.pk).participants.all())
