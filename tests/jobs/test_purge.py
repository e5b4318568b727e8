"""Gallring: what goes, when, what stays (anonymous counts, a purge record), and what stops it."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from audit.chain import verify_chain
from audit.models import Chain
from audit.services import redact_purged_changes
from casework import retention
from casework.models import (
    Area,
    Case,
    CaseEvent,
    Consent,
    Disclosure,
    FieldContact,
    FollowUp,
    HistoricCount,
    Intervention,
    LegalBasis,
    Notification,
    Person,
    PurgeRecord,
)
from casework.services.cases import propose_case
from tests.casework import factories
from tests.jobs.builders import closed_case

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2032, 6, 2)


@pytest.fixture
def closed_long_ago(people):
    """A case closed 2026-06-01, with an intervention, a follow-up, a field contact, a consent and a
    disclosure: due five years later, on 2031-06-01."""
    case = closed_case(
        people, raised_on=datetime.date(2026, 1, 10), closed_on=datetime.date(2026, 6, 1), with_history=True
    )
    FieldContact.objects.create(
        agreement=people.agreement,
        kind="outreach",
        case=case,
        occurred_on=datetime.date(2026, 1, 15),
        recorded_by=people.field_worker,
        note="n",
    )
    consent = Consent.objects.create(
        case=case, given_by="youth", giver_name="Testa", given_on=datetime.date(2026, 1, 11), recorded_by=people.manager
    )
    Disclosure.objects.create(
        case=case,
        field_classes=["interventions"],
        legal_basis=LegalBasis.objects.get(code="samtycke"),
        consent=consent,
        assessment="x",
        decided_by=people.manager,
        decided_on=datetime.date(2026, 1, 12),
    )
    return case


def test_it_purges_a_case_five_years_after_it_closed(closed_long_ago):
    records = retention.run_purge(TODAY)
    assert not Case.objects.filter(pk=closed_long_ago.pk).exists()
    assert not Person.objects.filter(pk=closed_long_ago.person_id).exists()
    for model in (CaseEvent, Intervention, FollowUp, FieldContact, Consent, Disclosure):
        assert not model.objects.exists(), model
    assert len(records) == 1
    assert records[0].counts == {
        "cases": 1,
        "interventions": 1,
        "follow_ups": 1,
        "field_contacts": 1,
        "events": 5,
        "persons": 1,
        "held_back": 0,
    }


def test_the_reminders_about_a_purged_case_go_with_it(closed_long_ago, people):
    about_it = f"follow_up_overdue:{closed_long_ago.pk}:{people.caseworker.pk}"
    Notification.objects.create(user=people.caseworker, key=about_it, kind="follow_up_overdue", text="t", url="/")
    other = Notification.objects.create(user=people.caseworker, key="meeting:x:1", kind="meeting", text="t", url="/")
    retention.run_purge(TODAY)
    assert list(Notification.objects.all()) == [other]


def test_it_keeps_anonymous_counts_for_historic_statistics(closed_long_ago):
    retention.run_purge(TODAY)
    counts = {(c.year, c.quarter, c.measure, c.dimension): c.count for c in HistoricCount.objects.all()}
    assert counts == {
        (2026, 1, "cases_identified", closed_long_ago.category): 1,
        (2026, 1, "interventions_offered", "mst"): 1,
        (2026, 1, "follow_up_outcome", "improved"): 1,
    }


def test_the_purge_record_holds_counts_and_never_content(closed_long_ago):
    retention.run_purge(TODAY)
    record = PurgeRecord.objects.get()
    text = str(record.counts)
    assert "Testa" not in text and closed_long_ago.number not in text


def test_it_keeps_a_case_closed_less_than_five_years_ago(closed_long_ago):
    assert retention.run_purge(datetime.date(2031, 5, 31)) == []
    assert Case.objects.filter(pk=closed_long_ago.pk).exists()


def test_a_legal_hold_stops_the_purge(closed_long_ago):
    Case.objects.filter(pk=closed_long_ago.pk).update(legal_hold=True)
    assert retention.run_purge(TODAY) == []
    assert Case.objects.filter(pk=closed_long_ago.pk).exists()
    assert retention.plan_purge(TODAY)[0].held_back == 1


def test_open_cases_are_never_purged(people):
    case = factories.identified(people, raised_on=datetime.date(2020, 1, 1))
    assert retention.run_purge(TODAY) == []
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_person_stays_while_another_case_of_theirs_remains(closed_long_ago, people):
    newer = propose_case(
        actor=factories.actor(people.police, people.agreement),
        personal_number=closed_long_ago.person.personal_number,
        category="svansen",
        reason="Ny oro.",
        proposed_on=datetime.date(2026, 9, 1),
        person_details=factories.details(),
    )
    retention.run_purge(TODAY)
    assert Person.objects.filter(pk=closed_long_ago.person_id).exists()
    assert Case.objects.filter(pk=newer.pk).exists()


def test_a_second_run_purges_nothing_more(closed_long_ago):
    retention.run_purge(TODAY)
    assert retention.run_purge(TODAY) == []
    assert HistoricCount.objects.get(measure="cases_identified").count == 1


def test_the_deadline_is_the_end_of_the_following_calendar_year(closed_long_ago):
    rule = retention.rule_in_force(closed_long_ago.agreement, "case_data", TODAY)
    assert retention.purge_due_on(datetime.date(2026, 6, 1), rule) == datetime.date(2031, 6, 1)
    assert retention.purge_deadline(datetime.date(2026, 6, 1), rule) == datetime.date(2032, 12, 31)


def test_a_rule_not_yet_valid_is_not_applied(closed_long_ago):
    rule = retention.rule_in_force(closed_long_ago.agreement, "case_data", TODAY)
    rule.valid_from = datetime.date(2033, 1, 1)
    rule.save()
    assert retention.run_purge(TODAY) == []


def test_dry_run_lists_case_numbers_and_changes_nothing(closed_long_ago, capsys, monkeypatch):
    monkeypatch.setattr(retention.timezone, "localdate", lambda: TODAY)
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert closed_long_ago.number in out and "gallras senast 2032-12-31" in out and "Torrkörning" in out
    assert Case.objects.filter(pk=closed_long_ago.pk).exists()
    call_command("purge")
    assert not Case.objects.filter(pk=closed_long_ago.pk).exists()


def _change_log_text() -> str:
    rows = LogEntry.objects.values_list("object_pk", "object_repr", "changes", "changes_text", "additional_data")
    return "\n".join(json.dumps(row, default=str) for row in rows)


def test_gallring_leaves_nothing_about_the_case_in_the_change_log(closed_long_ago, people):
    case, person = closed_long_ago, closed_long_ago.person
    person.area = Area.objects.create(agreement=people.agreement, name="Sentinelområdet")
    person.birth_year, person.gender = 1991, "girl"
    person.save()
    purged_types = [ContentType.objects.get_for_model(model) for model in (Case, Person, Intervention, FollowUp)]
    # Raised on the day of the meeting that identified it (which stays): its other dates stand for it.
    sentinels = [str(case.pk), str(person.pk), case.number, "2026-01-20", "2026-04-20", "2026-06-01", "1991", "girl"]
    assert all(sentinel in _change_log_text() for sentinel in sentinels)  # the entries this is about exist

    retention.run_purge(TODAY)
    assert redact_purged_changes() > 0

    text = _change_log_text()
    assert [sentinel for sentinel in sentinels if sentinel in text] == []
    about_purged = LogEntry.objects.filter(content_type__in=purged_types, object_pk__in=[str(case.pk), str(person.pk)])
    assert not about_purged.exists()
    assert verify_chain(Chain.CHANGE).ok  # the seals of the deleted entries still link the chain
    LogEntry.objects.filter(pk=LogEntry.objects.order_by("pk").first().pk).delete()
    assert not verify_chain(Chain.CHANGE).ok  # a deletion gallring did not make still breaks it
