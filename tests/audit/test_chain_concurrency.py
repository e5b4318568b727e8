"""Eight writers at once on PostgreSQL, each with its own connection: both chains stay gap-free and valid."""

import threading

import pytest
from django.db import connection

from audit import access
from audit.chain import verify_chain
from audit.models import AccessLogEntry, Chain, ChangeLogSeal

from .factories import CaseFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WRITERS = 8
APPENDS = 25


def test_eight_parallel_writers_make_one_gap_free_valid_chain(people, request_as):
    cases = [CaseFactory(agreement=people.agreement, proposed_by=people.manager) for _ in range(WRITERS)]
    requests = [request_as(people.manager) for _ in range(WRITERS)]
    access_before = AccessLogEntry.objects.count()
    seals_before = ChangeLogSeal.objects.count()
    start = threading.Barrier(WRITERS)
    failures = []

    def write(index):
        try:
            start.wait()
            for round_ in range(APPENDS):
                access.log_read(requests[index], page="casework:case", cases=[cases[index]])
                cases[index].police_priority = round_ % 2 == 0
                cases[index].save()
        except Exception as error:  # noqa: BLE001 - collected and reported by the main thread
            failures.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=write, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures, failures
    assert AccessLogEntry.objects.count() == access_before + WRITERS * APPENDS
    assert ChangeLogSeal.objects.count() == seals_before + WRITERS * APPENDS
    for model, chain in ((AccessLogEntry, Chain.ACCESS), (ChangeLogSeal, Chain.CHANGE)):
        seqs = list(model.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1)), f"{chain}: the chain has gaps"
        result = verify_chain(chain)
        assert result.ok, result.broken
        assert result.checked == len(seqs)
