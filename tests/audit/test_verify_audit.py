# ruff: noqa: S608 - raw SQL on fixed table names is the point: tampering behind the application's back
"""verify_audit finds a changed, deleted, reordered, inserted, recomputed or truncated entry and names
the first broken one. Runs on SQLite and PostgreSQL (there with the append-only trigger disabled)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit import access
from audit.chain import ACCESS_COLUMNS, _segments, canonical_sql, link_hash, verify_chain
from audit.models import AccessLogEntry, Chain, ChainPurge, ChainVerification, ChangeLogSeal
from audit.services import purge_chain_prefix, verify_audit_chains

from .factories import CaseFactory
from .helpers import TUESDAY, at
from .tampering import trigger_disabled

pytestmark = pytest.mark.django_db

ACCESS = AccessLogEntry._meta.db_table
LOG_ENTRIES = LogEntry._meta.db_table
SEALS = ChangeLogSeal._meta.db_table
Reason = ChainVerification.Reason


@pytest.fixture
def access_log(people, case, request_as):
    """Six chained access entries."""
    for user in (people.manager, people.caseworker, people.police, people.manager, people.field_worker, people.manager):
        access.log_read(request_as(user), page="casework:case", cases=[case], persons=[case.person])
    return list(AccessLogEntry.objects.order_by("seq"))


@pytest.fixture
def change_log(people):
    """Three cases, each created and changed: sealed change-log entries after the cast's own."""
    for _ in range(3):
        case = CaseFactory(agreement=people.agreement, proposed_by=people.manager)
        case.status = "active"
        case.save()
    return list(ChangeLogSeal.objects.order_by("seq").select_related("log_entry"))


def _broken(chain):
    result = verify_chain(chain)
    assert not result.ok
    return result.broken.seq, result.broken.reason


def test_an_intact_log_verifies(access_log, change_log):
    access_result, change_result = verify_chain(Chain.ACCESS), verify_chain(Chain.CHANGE)
    assert access_result.ok and access_result.checked == 6 and access_result.head_seq == 6
    assert change_result.ok and change_result.checked == len(change_log)


def test_it_names_a_changed_access_entry(access_log):
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"UPDATE {ACCESS} SET username = 'someone-else' WHERE seq = 3")
    assert _broken(Chain.ACCESS) == (3, Reason.CHANGED)


def test_it_names_a_changed_list_of_persons(access_log):
    with trigger_disabled(ACCESS):
        AccessLogEntry.objects.filter(seq=4).update(person_ids=[])
    assert _broken(Chain.ACCESS) == (4, Reason.CHANGED)


def test_it_names_a_deleted_access_entry(access_log):
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"DELETE FROM {ACCESS} WHERE seq = 2")
    assert _broken(Chain.ACCESS) == (2, Reason.MISSING)


def _swap(model, first, second, fields):
    a = model.objects.filter(pk=first).values(*fields).get()
    b = model.objects.filter(pk=second).values(*fields).get()
    model.objects.filter(pk=first).update(**b)
    model.objects.filter(pk=second).update(**a)


def test_it_names_the_first_of_two_swapped_access_entries(access_log):
    content = ["at", "user_id", "username", "roles", "page", "path", "session_key_hash", "request_id"]
    with trigger_disabled(ACCESS):
        _swap(AccessLogEntry, access_log[1].pk, access_log[4].pk, content)
    assert _broken(Chain.ACCESS) == (2, Reason.CHANGED)


def test_it_names_the_first_of_two_reordered_access_entries(access_log):
    # Moving whole entries, chain columns included, to each other's positions.
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"UPDATE {ACCESS} SET seq = 1000 WHERE seq = 2")
        cursor.execute(f"UPDATE {ACCESS} SET seq = 2 WHERE seq = 5")
        cursor.execute(f"UPDATE {ACCESS} SET seq = 5 WHERE seq = 1000")
    assert _broken(Chain.ACCESS) == (2, Reason.LINK)


def test_it_finds_a_chain_recomputed_after_a_checkpoint(access_log):
    verify_audit_chains()  # checkpoint at entry 6
    with trigger_disabled(ACCESS):
        AccessLogEntry.objects.filter(seq=2).update(username="someone-else")
        # An attacker who knows the scheme recomputes every hash from the changed entry on.
        prev_hash = access_log[0].entry_hash
        for seq in range(2, 7):
            recomputed = _recompute(prev_hash, seq)
            AccessLogEntry.objects.filter(seq=seq).update(prev_hash=prev_hash, entry_hash=recomputed)
            prev_hash = recomputed
    assert _broken(Chain.ACCESS) == (6, Reason.REWRITTEN)


def _recompute(prev_hash, seq):
    """The hash an attacker would compute: over the verifier's own canonical text of the stored row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {canonical_sql('e', ACCESS_COLUMNS)} FROM {ACCESS} e WHERE e.seq = %s", [seq])
        (text,) = cursor.fetchone()
    return link_hash(prev_hash, seq, text)


def test_it_finds_entries_removed_from_the_end_after_a_checkpoint(access_log):
    verify_audit_chains()
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"DELETE FROM {ACCESS} WHERE seq >= 5")
    assert _broken(Chain.ACCESS) == (5, Reason.TRUNCATED)


def test_it_names_a_changed_change_log_entry(change_log):
    target = change_log[-2]
    with trigger_disabled(LOG_ENTRIES) as cursor:
        cursor.execute(f"UPDATE {LOG_ENTRIES} SET object_repr = 'Ärende 9999' WHERE id = %s", [target.log_entry_id])
    assert _broken(Chain.CHANGE) == (target.seq, Reason.CHANGED)


def test_it_names_a_deleted_change_log_entry(change_log):
    target = change_log[-3]
    with trigger_disabled(LOG_ENTRIES) as cursor:
        cursor.execute(f"DELETE FROM {LOG_ENTRIES} WHERE id = %s", [target.log_entry_id])
    assert _broken(Chain.CHANGE) == (target.seq, Reason.DELETED)


def test_it_names_the_first_of_two_swapped_change_log_entries(change_log):
    first, second = change_log[-4], change_log[-1]
    with trigger_disabled(LOG_ENTRIES):
        _swap(LogEntry, first.log_entry_id, second.log_entry_id, ["object_pk", "object_repr", "changes", "action"])
    assert _broken(Chain.CHANGE) == (first.seq, Reason.CHANGED)


def test_it_names_a_deleted_seal(change_log):
    target = change_log[2]
    with trigger_disabled(SEALS) as cursor:
        cursor.execute(f"DELETE FROM {SEALS} WHERE seq = %s", [target.seq])
    assert _broken(Chain.CHANGE) == (target.seq, Reason.MISSING)


def test_it_finds_a_change_log_entry_inserted_behind_the_services_back(change_log):
    original = LogEntry.objects.get(pk=change_log[-1].log_entry_id)
    forged = LogEntry.objects.create(
        content_type=original.content_type,
        object_pk=original.object_pk,
        object_repr=original.object_repr,
        action=LogEntry.Action.UPDATE,
        changes={"status": ["active", "closed"]},
        timestamp=original.timestamp - datetime.timedelta(days=2),
    )
    with trigger_disabled(SEALS) as cursor:
        cursor.execute(f"DELETE FROM {SEALS} WHERE log_entry_id = %s", [forged.pk])
    result = verify_chain(Chain.CHANGE)
    assert result.broken.reason == Reason.UNSEALED
    assert result.broken.log_entry_id == forged.pk


def _forge_purge(chain, up_to_seq, last_hash):
    """A purge record written behind the service's back (the application's role may INSERT into it)."""
    ChainPurge.objects.create(
        chain=chain, up_to_seq=up_to_seq, last_hash=last_hash, removed=up_to_seq, purged_at=timezone.now()
    )


def test_a_forged_purge_record_does_not_hide_a_changed_entry(access_log):
    # Delete entry 1, change entry 2, and claim the chain was purged up to entry 2.
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"DELETE FROM {ACCESS} WHERE seq = 1")
        cursor.execute(f"UPDATE {ACCESS} SET username = 'someone-else' WHERE seq = 2")
    _forge_purge(Chain.ACCESS, 2, access_log[1].entry_hash)
    assert _broken(Chain.ACCESS) == (2, Reason.BOUNDARY)


def test_a_purge_boundary_with_entries_left_below_it_is_false(access_log):
    _forge_purge(Chain.ACCESS, 3, access_log[2].entry_hash)
    assert _broken(Chain.ACCESS) == (3, Reason.BOUNDARY)


def test_a_purge_boundary_above_the_head_is_false(access_log):
    _forge_purge(Chain.ACCESS, 100, "f" * 64)
    assert _broken(Chain.ACCESS) == (100, Reason.BOUNDARY)


def test_a_purge_boundary_the_next_entry_does_not_chain_from_is_false(access_log):
    # The entries below the boundary are gone, as after a purge, but the recorded hash is not entry 2's.
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"DELETE FROM {ACCESS} WHERE seq <= 2")
    _forge_purge(Chain.ACCESS, 2, "f" * 64)
    assert _broken(Chain.ACCESS) == (2, Reason.BOUNDARY)


def test_a_forged_purge_record_of_the_change_log_is_found(change_log):
    target = change_log[2]
    _forge_purge(Chain.CHANGE, target.seq, target.entry_hash)
    assert _broken(Chain.CHANGE) == (target.seq, Reason.BOUNDARY)


@pytest.fixture
def dated_access_log(people, case, read):
    """Six access entries, a minute apart from Tuesday 10:00, so a purge can cut between two of them."""
    for minute in range(6):
        read(people.manager, when=at(TUESDAY, 10, minute), cases=[case])
    return list(AccessLogEntry.objects.order_by("seq"))


def test_a_real_purge_still_verifies_and_the_chain_goes_on(dated_access_log, people, case, read):
    purge = purge_chain_prefix(chain=Chain.ACCESS, before=at(TUESDAY, 10, 3))
    assert (purge.up_to_seq, purge.last_hash, purge.removed) == (3, dated_access_log[2].entry_hash, 3)
    read(people.manager, when=at(TUESDAY, 11), cases=[case])
    result = verify_chain(Chain.ACCESS)
    assert result.ok and result.checked == 4 and result.head_seq == 7


def test_an_entry_changed_right_after_a_real_purge_is_named(dated_access_log):
    purge_chain_prefix(chain=Chain.ACCESS, before=at(TUESDAY, 10, 3))
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"UPDATE {ACCESS} SET username = 'someone-else' WHERE seq = 4")
    assert _broken(Chain.ACCESS) == (4, Reason.CHANGED)


def test_the_command_reports_an_intact_log(access_log, change_log, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Åtkomstloggen: intact, 6 entries" in out
    assert ChainVerification.objects.filter(ok=True).count() == 2


def test_the_command_fails_naming_the_first_broken_entry(access_log):
    with trigger_disabled(ACCESS) as cursor:
        cursor.execute(f"UPDATE {ACCESS} SET page = 'x' WHERE seq IN (3, 5)")
    with pytest.raises(CommandError, match="post nr 3: posten har ändrats"):
        call_command("verify_audit")
    run = ChainVerification.objects.get(chain=Chain.ACCESS)
    assert (run.ok, run.broken_seq, run.broken_reason) == (False, 3, Reason.CHANGED)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "tampering, expected",
    [
        ("", None),
        (f"UPDATE {ACCESS} SET username = 'x' WHERE seq = 7", (7, Reason.CHANGED)),
        (f"DELETE FROM {ACCESS} WHERE seq = 5", (5, Reason.MISSING)),  # the first entry of the second segment
        (f"DELETE FROM {ACCESS} WHERE seq = 4", (4, Reason.MISSING)),  # the last entry of the first segment
        (f"UPDATE {ACCESS} SET prev_hash = 'x' WHERE seq = 9", (9, Reason.LINK)),  # across segments
        (f"UPDATE {ACCESS} SET page = 'x' WHERE seq IN (3, 10)", (3, Reason.CHANGED)),
    ],
    ids=["intact", "changed", "first-of-segment-deleted", "last-of-segment-deleted", "link", "two-changed"],
)
def test_verification_split_over_parallel_workers_names_the_same_first_broken_entry(
    people, case, request_as, monkeypatch, tampering, expected
):
    monkeypatch.setattr("audit.chain.MIN_SEGMENT", 4)
    monkeypatch.setattr("audit.chain.VERIFY_WORKERS", 3)
    for _ in range(12):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])
    if tampering:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {ACCESS} DISABLE TRIGGER samsyn_append_only")
            try:
                cursor.execute(tampering)
            finally:
                cursor.execute(f"ALTER TABLE {ACCESS} ENABLE TRIGGER samsyn_append_only")
    assert len(_segments(Chain.ACCESS, 0, 12)) == 3
    result = verify_chain(Chain.ACCESS)
    assert (None if result.ok else (result.broken.seq, result.broken.reason)) == expected
    if result.ok:
        assert result.checked == 12 and result.head_seq == 12
