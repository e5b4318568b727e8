"""Key rotation: re-encryption under a new primary, retiring old keys, resuming after an interruption,
not overwriting concurrent writes, rebuilding the blind index, and refusing a keyring that lacks a key."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from casework import personal_numbers
from casework.blind_indexes import personal_number_candidates
from casework.models import Person
from encryption import crypto, rotation
from encryption.keys import check_keyrings_at_startup
from encryption.models import KeyInUse, RotationCheckpoint
from reports.models import ReportJob
from reports.tasks import file_aad
from tests.crypto.conftest import key_entry
from tests.crypto.test_fields import make_person, raw
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db

K1, K2 = key_entry("k1"), key_entry("k2")
B1, B2 = key_entry("b1"), key_entry("b2")


def key_ids(person):
    return {raw("casework_person", column, person.pk).split("$")[1] for column in ("first_name", "personal_number")}


@pytest.fixture
def people(keyrings):
    keyrings(encryption=K1, blind=B1)
    check_keyrings_at_startup()
    agreement = AgreementFactory()
    return [
        make_person(agreement, personal_number=personal_numbers.make(datetime.date(2009, 1, n), 980 + n))
        for n in range(1, 8)
    ]


def test_it_re_encrypts_everything_under_the_new_primary_and_retires_the_old_key(people, keyrings):
    keyrings(encryption=f"{K2},{K1}")
    check_keyrings_at_startup()
    result = rotation.rotate_encryption(batch_size=3)
    assert result.rewritten["casework.Person"] == 7 * 5  # five encrypted columns each
    assert result.retired_keys == ["k1"]
    assert all(key_ids(person) == {"k2"} for person in people)
    keyrings(encryption=K2)  # the old key leaves the keyring
    check_keyrings_at_startup()
    assert Person.objects.get(pk=people[0].pk).first_name == "Testa"


def test_a_keyring_without_a_key_in_use_refuses_to_start(people, keyrings):
    keyrings(encryption=K2)
    with pytest.raises(ImproperlyConfigured, match="'k1'"):
        check_keyrings_at_startup()


def test_the_right_key_id_with_another_key_refuses_to_start(people, keyrings):
    keyrings(encryption=key_entry("k1"))
    with pytest.raises(ImproperlyConfigured, match="another key under the key ids 'k1' \\(encryption\\)"):
        check_keyrings_at_startup()


def test_another_blind_index_key_refuses_to_start_before_lookups_silently_miss(people, keyrings):
    keyrings(blind=key_entry("b1"))
    with pytest.raises(ImproperlyConfigured, match="'b1' \\(blind_index\\)"):
        check_keyrings_at_startup()


def test_a_worker_with_a_wrong_keyring_does_not_start(people, keyrings):
    from config.celery import _check_keyrings

    keyrings(encryption=key_entry("k1"))
    # SystemExit, not an Exception: Celery's signal dispatch would log an Exception and start anyway.
    with pytest.raises(SystemExit, match="Samsyn worker refuses to start: The keyring holds another key"):
        _check_keyrings(sender=None)


def test_key_check_values_are_filled_in_for_keys_noted_before_there_were_any(people, keyrings):
    KeyInUse.objects.update(key_check="")
    check_keyrings_at_startup()
    assert set(KeyInUse.objects.values_list("key_check", flat=True)) == {
        crypto.key_check_value(crypto.encryption_keyring().key("k1")),
        crypto.key_check_value(crypto.blind_index_keyring().key("b1")),
    }
    keyrings(encryption=key_entry("k1"))
    with pytest.raises(ImproperlyConfigured, match="'k1'"):
        check_keyrings_at_startup()


def test_a_finished_report_file_is_re_encrypted_too_and_still_opens(people, keyrings):
    job = ReportJob.objects.create(
        agreement=AgreementFactory(),
        requested_by=UserFactory(),
        kind="costs",
        file_format="pdf",
        first_year=2026,
        last_year=2026,
    )
    job.sealed_file = crypto.seal(b"%PDF-1.7 report", aad=file_aad(job))
    job.save(update_fields=["sealed_file"])
    keyrings(encryption=f"{K2},{K1}")
    check_keyrings_at_startup()
    result = rotation.rotate_encryption()
    job.refresh_from_db()
    assert result.rewritten["reports.ReportJob.sealed_file"] == 1
    assert crypto.token_key_id(job.sealed_file) == "k2"
    assert crypto.open_sealed(job.sealed_file, aad=file_aad(job), where="test") == b"%PDF-1.7 report"
    assert result.retired_keys == ["k1"]


def test_a_key_that_still_seals_a_value_the_pass_did_not_reach_is_not_retired(people, keyrings):
    keyrings(encryption=f"{K2},{K1}")
    check_keyrings_at_startup()
    # A checkpoint left past every person (an interrupted run, say, under another primary).
    last = max(str(person.pk) for person in people)
    RotationCheckpoint.objects.create(purpose="encryption", model="casework.Person", last_pk=last)
    result = rotation.rotate_encryption()
    assert result.retired_keys == []
    assert KeyInUse.objects.filter(purpose="encryption", key_id="k1").exists()
    assert rotation.rotate_encryption().retired_keys == ["k1"]  # the next pass starts afresh


def test_a_second_run_rewrites_nothing(people, keyrings):
    keyrings(encryption=f"{K2},{K1}")
    rotation.rotate_encryption()
    assert rotation.rotate_encryption().total == 0


def test_an_interrupted_rotation_resumes_where_it_stopped(people, keyrings):
    keyrings(encryption=f"{K2},{K1}")

    class Interrupted(Exception):
        """Stands in for a worker killed mid-rotation."""

    batches = []

    def crash_in_the_second_batch(label, done):
        if label == "casework.Person":
            batches.append(done)
            if len(batches) == 2:
                raise Interrupted

    with pytest.raises(Interrupted):
        rotation.rotate_encryption(batch_size=3, progress=crash_in_the_second_batch)
    assert len([p for p in people if key_ids(p) == {"k2"}]) == 6
    assert KeyInUse.objects.filter(purpose="encryption", key_id="k1").exists()  # not retired yet
    checkpoint = RotationCheckpoint.objects.get(purpose="encryption", model="casework.Person")
    assert checkpoint.last_pk == str(sorted(p.pk for p in people)[2])  # saved after the first batch

    read = []
    result = rotation.rotate_encryption(
        batch_size=3, progress=lambda label, n: read.append(n) if label == "casework.Person" else None
    )
    assert read == [3, 1]  # from the checkpoint on: rows 4–6 (already under k2) and row 7
    assert all(key_ids(p) == {"k2"} for p in people)
    assert result.rewritten["casework.Person"] == 1 * 5
    assert result.retired_keys == ["k1"]
    assert not RotationCheckpoint.objects.exists()


def test_a_value_written_during_rotation_is_not_overwritten(people, keyrings, monkeypatch):
    keyrings(encryption=f"{K2},{K1}")
    target = people[0]
    real_open = crypto.open_sealed
    written = []

    def open_while_the_app_writes(token, *, aad, where, keyring=None):
        plaintext = real_open(token, aad=aad, where=where, keyring=keyring)
        if f"first_name (rad {target.pk})" in where and not written:
            written.append(True)  # once: the app's own save opens values too (the change log compares them)
            live = Person.objects.get(pk=target.pk)
            live.first_name = "Ny skrivning"
            live.save()
        return plaintext

    monkeypatch.setattr(crypto, "open_sealed", open_while_the_app_writes)
    rotation.rotate_encryption()
    assert Person.objects.get(pk=target.pk).first_name == "Ny skrivning"


def test_the_blind_index_is_rebuilt_and_lookups_work_throughout(people, keyrings):
    number = people[0].personal_number
    keyrings(blind=f"{B2},{B1}")
    check_keyrings_at_startup()
    assert Person.objects.filter(personal_number_index__in=personal_number_candidates(number)).count() == 1
    result = rotation.rebuild_blind_indexes(batch_size=2)
    assert result.rewritten["casework.Person"] == 7 * 2
    assert result.retired_keys == ["b1"]
    assert all(p.personal_number_index.startswith("b2$") for p in Person.objects.all())
    keyrings(blind=B2)
    check_keyrings_at_startup()
    assert Person.objects.filter(personal_number_index__in=personal_number_candidates(number)).get().pk == people[0].pk


def test_the_command_rotates_with_a_progress_bar(people, keyrings, capsys):
    keyrings(encryption=f"{K2},{K1}")
    call_command("rotate_keys", "--batch-size", "4")
    out, err = capsys.readouterr()
    assert "35 värden omskrivna" in out
    assert "k1" in out
    assert "nycklar" in err  # tqdm's bar


def test_the_command_can_queue_the_rotation_as_a_task(people, keyrings, capsys):
    keyrings(encryption=f"{K2},{K1}")
    call_command("rotate_keys", "--background")
    assert "Queued rotation task" in capsys.readouterr().out
    assert all(key_ids(p) == {"k2"} for p in people)  # tests run tasks in-process


@pytest.mark.parametrize(
    "text, message",
    [
        (" , ", "empty"),
        ("k1", "id:base64key"),
        ("k1:bm90LWJhc2U2NA", "not valid base64"),
        ("k1:" + "QUJD", "must be 32 bytes"),
        pytest.param(f"{K1},{K1}", "appears twice", id="the same key twice"),  # K1 is random: a stable id
    ],
)
def test_a_malformed_keyring_is_a_start_up_error(keyrings, text, message):
    keyrings(encryption=text)
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.encryption_keyring()
