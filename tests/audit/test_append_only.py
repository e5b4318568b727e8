"""The log tables are append-only on PostgreSQL; the purge (gallring) is the one controlled exception."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from audit import access
from audit.chain import verify_chain
from audit.models import AccessLogEntry, Chain, ChainPurge, ChainVerification, ChangeLogSeal
from audit.services import ChainBroken, purge_chain_prefix, verify_audit_chains

from .factories import CaseFactory
from .tampering import trigger_disabled

APPEND_ONLY = [AccessLogEntry, LogEntry, ChangeLogSeal, ChainVerification, ChainPurge]


@pytest.fixture
def logs(people, case, request_as):
    """Access and change entries, one verification run per chain and a purge boundary."""
    for _ in range(3):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])
    verify_audit_chains()
    ChainPurge.objects.create(chain=Chain.ACCESS, up_to_seq=0, last_hash="0" * 64, removed=0, purged_at=timezone.now())


def _refused(statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


@pytest.mark.services
@pytest.mark.django_db
@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda model: model.__name__)
def test_the_trigger_refuses_update_and_delete(logs, model):
    assert model.objects.exists()
    _refused(lambda: model.objects.update(id=F("id")))
    _refused(lambda: model.objects.all().delete())
    assert model.objects.exists()


@pytest.mark.services
@pytest.mark.django_db
def test_the_purge_setting_does_not_allow_an_update(logs):
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('samsyn.audit_purge', 'on', true)")
    _refused(lambda: AccessLogEntry.objects.update(username="someone-else"))


def _older_and_newer_entries(people, case, request_as):
    """Access and change entries, then the moment the purge cuts at, then newer entries."""
    for _ in range(3):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])
        CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    cutoff = timezone.now()
    for _ in range(2):
        access.log_read(request_as(people.manager), page="casework:case", cases=[case])
        CaseFactory(agreement=people.agreement, proposed_by=people.manager)
    return cutoff


@pytest.mark.django_db
@pytest.mark.parametrize("chain", [Chain.ACCESS, Chain.CHANGE])
def test_a_purge_removes_the_oldest_entries_and_the_chain_still_verifies(people, case, request_as, chain):
    cutoff = _older_and_newer_entries(people, case, request_as)
    before = verify_chain(chain)
    purge = purge_chain_prefix(chain=chain, before=cutoff)
    assert purge is not None and purge.removed >= 3
    after = verify_chain(chain)
    assert after.ok, after.broken
    assert after.head_seq == before.head_seq
    assert after.checked == before.checked - purge.removed
    if chain == Chain.ACCESS:
        assert AccessLogEntry.objects.order_by("seq").first().seq == purge.up_to_seq + 1
    else:
        assert not LogEntry.objects.filter(timestamp__lt=cutoff, chain_seal__seq__lte=purge.up_to_seq).exists()


@pytest.mark.django_db
def test_an_entry_appended_after_a_purge_continues_the_chain(people, case, request_as):
    cutoff = _older_and_newer_entries(people, case, request_as)
    purge_chain_prefix(chain=Chain.ACCESS, before=cutoff)
    access.log_read(request_as(people.manager), page="casework:case", cases=[case])
    assert verify_chain(Chain.ACCESS).ok


@pytest.mark.django_db
def test_a_purge_with_nothing_due_changes_nothing(people, case, request_as):
    access.log_read(request_as(people.manager), page="casework:case", cases=[case])
    assert purge_chain_prefix(chain=Chain.ACCESS, before=timezone.now() - datetime.timedelta(days=1)) is None
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_broken_chain_is_never_purged(people, case, request_as):
    cutoff = _older_and_newer_entries(people, case, request_as)
    with trigger_disabled(AccessLogEntry._meta.db_table):
        AccessLogEntry.objects.filter(seq=2).update(username="someone-else")
    with pytest.raises(ChainBroken):
        purge_chain_prefix(chain=Chain.ACCESS, before=cutoff)
    assert AccessLogEntry.objects.count() == 5
