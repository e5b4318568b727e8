"""Gallring: purging case data when its retention period has run out.

The rules are data (RetentionRule, per agreement, with their legal reference and validity). For the
coordination list the default is the rule for compilations in the social services: data about a case goes
five years after the circumstances ended (the case was closed), completed by the end of the following
calendar year. A legal hold on a case stops its purge.

Purging a case deletes the case and everything about it (timeline, interventions, follow-ups, field
contacts, consents, disclosures, attachments, decisions about it, its place on meeting agendas) and the person when no
case of theirs remains. Before that it adds the case to anonymous historic counts (per quarter raised,
category, intervention type, outcome), so historic statistics survive, and it writes a purge record with
counts only. Each case is purged in its own transaction: a crash leaves whole cases, never half ones, and the
next run continues with the rest.

The change log goes with the case: the deletions write no entries (an entry would hold the record's last
values), and `purged` tells the change log which records went, so their earlier entries are deleted too
(audit.services.redact_purged_changes, by the role that may delete log entries).
"""

from __future__ import annotations

import datetime
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete
from django.dispatch import Signal
from django.utils import timezone

from accesscontrol.actor import system_changes_for
from casework import reminders
from casework.models import (
    Agreement,
    Case,
    CaseStatus,
    Disclosure,
    HistoricCount,
    Person,
    PurgeRecord,
    RetentionRule,
)
from casework.periods import PeriodKind, period_containing

# The circumstances have ended: the case was closed, or the proposal was not identified (closed_on is then
# the day of that decision).
ENDED = (CaseStatus.CLOSED, CaseStatus.NOT_IDENTIFIED)

# Sent in the purge's transaction with `records`: {model: {pk, …}} of everything the purge deleted.
purged = Signal()
_deleting: ContextVar[dict | None] = ContextVar("purge_deleting", default=None)


def _note_deleted(sender, instance, **kwargs):
    deleted = _deleting.get()
    if deleted is not None:
        deleted.setdefault(sender, set()).add(instance.pk)


post_delete.connect(_note_deleted, dispatch_uid="casework.retention.note_deleted")


@dataclass
class PurgePlan:
    agreement: Agreement
    rule: RetentionRule
    cases: list[Case] = field(default_factory=list)
    held_back: int = 0  # due, but under a legal hold


def rule_in_force(agreement, record_type: str, today: datetime.date) -> RetentionRule | None:
    return (
        RetentionRule.objects.valid_on(today)
        .filter(agreement=agreement, record_type=record_type)
        .order_by("-valid_from")
        .first()
    )


def purge_due_on(closed_on: datetime.date, rule: RetentionRule) -> datetime.date:
    """The day a closed case becomes due for purging (the duty arises): `years` after closing."""
    return closed_on + relativedelta(years=rule.years)


def purge_deadline(closed_on: datetime.date, rule: RetentionRule) -> datetime.date:
    """By when the purge must be complete: the end of the calendar year after the duty arose."""
    due = purge_due_on(closed_on, rule)
    return datetime.date(due.year + 1, 12, 31) if rule.complete_by_end_of_following_year else due


def plan_purge(today: datetime.date | None = None) -> list[PurgePlan]:
    """What the nightly job would purge today, per agreement (the dry run shows this)."""
    today = today or timezone.localdate()
    plans = []
    for agreement in Agreement.objects.all():
        rule = rule_in_force(agreement, RetentionRule.RecordType.CASE_DATA, today)
        if rule is None:
            continue
        closed_before = today - relativedelta(years=rule.years)
        due = Case.objects.filter(
            agreement=agreement, status__in=ENDED, closed_on__isnull=False, closed_on__lte=closed_before
        ).order_by("closed_on", "number")
        plan = PurgePlan(agreement=agreement, rule=rule)
        plan.held_back = due.filter(legal_hold=True).count()
        plan.cases = list(due.filter(legal_hold=False).only("pk", "number", "closed_on", "agreement_id"))
        if plan.cases or plan.held_back:
            plans.append(plan)
    return plans


def _count(agreement, year: int, quarter: int, measure: str, dimension: str = "") -> None:
    row, _ = HistoricCount.objects.get_or_create(
        agreement=agreement, year=year, quarter=quarter, measure=measure, dimension=dimension
    )
    HistoricCount.objects.filter(pk=row.pk).update(count=F("count") + 1)


def _keep_anonymous_counts(case: Case) -> Counter:
    """Add the case to the historic counts of the quarter it was raised in (or proposed in)."""
    day = case.raised_on or case.proposed_on
    quarter = period_containing(day, PeriodKind.QUARTER)
    agreement = case.agreement
    counted = Counter()
    if case.raised_on:
        _count(agreement, quarter.year, quarter.number, "cases_identified", case.category)
        counted["cases"] += 1
    for type_code in case.interventions.values_list("intervention_type__code", flat=True):
        _count(agreement, quarter.year, quarter.number, "interventions_offered", type_code)
        counted["interventions"] += 1
    for outcome in case.follow_ups.values_list("outcome", flat=True):
        _count(agreement, quarter.year, quarter.number, "follow_up_outcome", outcome)
        counted["follow_ups"] += 1
    counted["field_contacts"] += case.field_contacts.count()
    counted["events"] += case.events.count()
    counted["attachments"] += case.attachments.count()
    return counted


@transaction.atomic
def purge_case(case_id, *, record_id) -> Counter:
    """Purge one case (and its person, if no other case remains) and add its counts to the purge record,
    in one transaction. Idempotent: a case already gone, put under a legal hold or reopened meanwhile is
    left alone."""
    case = (
        Case.objects.select_for_update()
        .select_related("agreement")
        .filter(pk=case_id, status__in=ENDED, legal_hold=False)
        .first()
    )
    if case is None:
        return Counter()
    counted = _keep_anonymous_counts(case)
    person_id = case.person_id
    deleted = {}
    token = _deleting.set(deleted)
    try:
        with disable_auditlog():
            # Disclosures rest on consents (PROTECT), so they go first; the rest cascades from the case.
            Disclosure.objects.filter(case=case).delete()
            reminders.forget_reminders_about_case(case.pk)
            case.delete()
            if not Case.objects.filter(person_id=person_id).exists():
                Person.objects.filter(pk=person_id).delete()
                counted["persons"] += 1
    finally:
        _deleting.reset(token)
    purged.send(sender=Case, records=deleted)
    record = PurgeRecord.objects.select_for_update().get(pk=record_id)
    record.counts = dict(Counter(record.counts) + counted)
    record.save(update_fields=["counts", "purged_at"])
    return counted


def run_purge(today: datetime.date | None = None) -> list[PurgeRecord]:
    """The nightly job: purge every due case; the day's purge record per agreement and rule holds the counts."""
    today = today or timezone.localdate()
    records = []
    for plan in plan_purge(today):
        if not plan.cases:
            continue
        with system_changes_for(plan.agreement.pk):
            record, _ = PurgeRecord.objects.get_or_create(agreement=plan.agreement, rule=plan.rule, run_on=today)
            for case in plan.cases:
                purge_case(case.pk, record_id=record.pk)
        record.refresh_from_db()
        record.counts["held_back"] = plan.held_back
        record.save(update_fields=["counts", "purged_at"])
        records.append(record)
    return records


def log_retention_cutoff(record_type: str, today: datetime.date | None = None) -> datetime.date | None:
    """Entries of a log written before this day are due for purging: the logs are shared by every
    agreement, so the longest retention among the agreements' rules in force for `record_type` (access or
    change log) decides. None when no agreement has such a rule (then nothing is purged)."""
    today = today or timezone.localdate()
    rules = [rule_in_force(agreement, record_type, today) for agreement in Agreement.objects.all()]
    years = [rule.years for rule in rules if rule is not None]
    return today - relativedelta(years=max(years)) if years else None
