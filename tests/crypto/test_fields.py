"""Encrypted fields: round trips, what the database holds, tampering, swapping, refused queries."""

import datetime

import pytest
from django.db import connection

from casework.blind_indexes import set_person_indexes
from casework.models import Person
from encryption.crypto import DecryptionError
from encryption.fields import EncryptedWriteError, Sealed
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def make_person(agreement, **overrides):
    values = {
        "personal_number": "20100101-9809",
        "first_name": "Testa",
        "last_name": "Demosson",
        "birth_year": 2010,
        "contact": {"telefon": "070-000 00 00", "adress": "Påhittgatan 1"},
        "guardians": [{"namn": "Förälder Demosson", "relation": "mamma"}],
    }
    values.update(overrides)
    person = Person(agreement=agreement, **values)
    set_person_indexes(person)
    person.save()
    return person


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def set_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",
            [value, pk.hex if connection.vendor == "sqlite" else pk],
        )


@pytest.fixture
def agreement():
    return AgreementFactory()


def test_it_round_trips_text_json_and_unicode(agreement):
    person = make_person(agreement, first_name="Åsa-Öjvind ✓")
    again = Person.objects.get(pk=person.pk)
    assert again.first_name == "Åsa-Öjvind ✓"
    assert again.contact == {"telefon": "070-000 00 00", "adress": "Påhittgatan 1"}
    assert again.guardians == [{"namn": "Förälder Demosson", "relation": "mamma"}]


def test_it_round_trips_dates_and_empty_text(agreement):
    from casework.models import Case, Consent

    person = make_person(agreement)
    case = Case.objects.create(
        agreement=agreement,
        person=person,
        number="2026-0001",
        category="svansen",
        proposed_by=_user(),
        proposed_by_kind="police",
        proposed_on=datetime.date(2026, 3, 1),
        proposal_reason="",
    )
    consent = Consent.objects.create(
        case=case, given_by="youth", giver_name="Testa", given_on=datetime.date(2026, 3, 2), recorded_by=_user()
    )
    assert Case.objects.get(pk=case.pk).proposal_reason == ""
    assert Consent.objects.get(pk=consent.pk).giver_name == "Testa"


def _user():
    from tests.factories import UserFactory

    return UserFactory(username="skrivare")


def test_the_database_holds_only_tokens_that_name_their_key(agreement):
    person = make_person(agreement)
    stored = raw("casework_person", "first_name", person.pk)
    assert stored.startswith("v1$dev1$") or stored.split("$")[0] == "v1"
    for column in ("first_name", "last_name", "personal_number", "contact", "guardians"):
        value = raw("casework_person", column, person.pk)
        assert "Testa" not in value and "Demosson" not in value and "9809" not in value


def test_the_same_plaintext_gives_different_tokens(agreement):
    first = make_person(agreement, personal_number="20100101-9809")
    second = make_person(agreement, personal_number="20100102-9816", first_name="Testa")
    assert raw("casework_person", "first_name", first.pk) != raw("casework_person", "first_name", second.pk)


def test_saving_an_unchanged_value_keeps_its_token(agreement):
    person = make_person(agreement)
    before = raw("casework_person", "first_name", person.pk)
    loaded = Person.objects.get(pk=person.pk)
    assert loaded.first_name == "Testa"
    loaded.birth_year = 2011
    loaded.save()
    assert raw("casework_person", "first_name", person.pk) == before


def test_a_changed_value_is_sealed_again(agreement):
    person = make_person(agreement)
    before = raw("casework_person", "first_name", person.pk)
    person.first_name = "Exempla"
    person.save()
    assert raw("casework_person", "first_name", person.pk) != before
    assert Person.objects.get(pk=person.pk).first_name == "Exempla"


def test_a_tampered_value_fails_with_table_column_and_row(agreement):
    person = make_person(agreement)
    token = raw("casework_person", "first_name", person.pk)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    set_raw("casework_person", "first_name", person.pk, flipped)
    with pytest.raises(DecryptionError) as error:
        Person.objects.get(pk=person.pk).first_name  # noqa: B018
    message = str(error.value)
    assert "casework_person.first_name" in message
    assert str(person.pk) in message
    assert flipped not in message


def test_a_value_copied_to_another_row_fails(agreement):
    alice = make_person(agreement, personal_number="20100101-9809")
    bob = make_person(agreement, personal_number="20100102-9816", first_name="Fiktiv")
    set_raw("casework_person", "first_name", bob.pk, raw("casework_person", "first_name", alice.pk))
    with pytest.raises(DecryptionError, match=str(bob.pk)):
        Person.objects.get(pk=bob.pk).first_name  # noqa: B018


def test_a_value_copied_to_another_column_fails(agreement):
    person = make_person(agreement)
    set_raw("casework_person", "last_name", person.pk, raw("casework_person", "first_name", person.pk))
    with pytest.raises(DecryptionError, match="casework_person.last_name"):
        Person.objects.get(pk=person.pk).last_name  # noqa: B018


def test_a_value_that_is_not_a_token_is_an_error_not_text(agreement):
    person = make_person(agreement)
    set_raw("casework_person", "first_name", person.pk, "klartext")
    with pytest.raises(DecryptionError, match="not an encrypted value"):
        Person.objects.get(pk=person.pk).first_name  # noqa: B018


def test_values_queries_return_sealed_markers_not_plaintext_or_tokens(agreement):
    make_person(agreement)
    value = Person.objects.values_list("first_name", flat=True).get()
    assert isinstance(value, Sealed)
    assert str(value) == "<Sealed>"


def test_filtering_on_an_encrypted_field_is_refused(agreement):
    make_person(agreement)
    with pytest.raises(EncryptedWriteError):
        Person.objects.filter(first_name="Testa").count()


def test_update_with_plaintext_is_refused(agreement):
    make_person(agreement)
    with pytest.raises(EncryptedWriteError):
        Person.objects.update(first_name="Testa")


def test_serialisation_never_carries_plaintext(agreement):
    from django.core import serializers

    make_person(agreement)
    dumped = serializers.serialize("json", Person.objects.all())
    assert "Testa" not in dumped and "9809" not in dumped


def test_a_date_field_round_trips_and_is_bound_to_its_row():
    from encryption.fields import EncryptedDateField

    field = EncryptedDateField()
    field.set_attributes_from_name("born_on")
    field.model = Person
    alice, bob = Person(), Person()
    sealed = field.seal_value(datetime.date(2009, 3, 14), alice)
    assert "2009" not in sealed.token
    assert field.open_value(sealed.token, alice) == datetime.date(2009, 3, 14)
    with pytest.raises(DecryptionError, match=f"casework_person.born_on \\(rad {bob.pk}\\)"):
        field.open_value(sealed.token, bob)
    assert field.to_python("2009-03-14") == datetime.date(2009, 3, 14)
