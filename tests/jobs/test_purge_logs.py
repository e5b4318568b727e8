"""Gallring of the logs: entries older than the longest retention rule of any agreement go, through the
audit package's one purge path; the chains still verify afterwards."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessLogEntry
from audit.services import verify_audit_chains
from casework.models import RetentionRule
from casework.retention import log_retention_cutoff
from tests.casework import factories

pytestmark = pytest.mark.django_db


def test_the_longest_rule_of_any_agreement_decides(people, other_agreement):
    today = datetime.date(2032, 6, 1)
    assert log_retention_cutoff("access_log", today) == datetime.date(2027, 6, 1)
    RetentionRule.objects.filter(agreement=other_agreement, record_type="access_log").update(years=7)
    assert log_retention_cutoff("access_log", today) == datetime.date(2025, 6, 1)


def test_no_rule_purges_nothing(people):
    RetentionRule.objects.filter(record_type="access_log").delete()
    assert log_retention_cutoff("access_log") is None


def test_old_access_entries_go_and_the_chain_still_verifies(people, login):
    case = factories.identified(people)
    client = login(people.manager)
    client.get(f"/arenden/{case.pk}/")
    client.get(f"/arenden/{case.pk}/")
    old = list(AccessLogEntry.objects.order_by("seq"))
    RetentionRule.objects.filter(record_type="access_log").update(years=0)  # everything before today is due
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda: tomorrow)
        call_command("purge_logs")
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert all(result.ok for result in verify_audit_chains())


def test_dry_run_changes_nothing(people, login, capsys):
    case = factories.identified(people)
    login(people.manager).get(f"/arenden/{case.pk}/")
    before = AccessLogEntry.objects.count()
    call_command("purge_logs", "--dry-run")
    assert "gallras" in capsys.readouterr().out
    assert AccessLogEntry.objects.count() == before
