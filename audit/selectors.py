"""Reading the audit records: the auditor's review of the access and change logs, and the
"who has seen this" register of a case for its social manager.

The auditor sees references only: usernames, case numbers, pseudonymous person references, field
classes and page names. Never a name, a personnummer or any case content.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accesscontrol import policies
from accesscontrol.models import Role, User
from accesscontrol.policies import Action
from accesscontrol.visibility import FIELD_CLASS_LABELS, FieldClass
from casework.blind_indexes import personal_number_candidates
from casework.models import Case, Person

from . import labels
from .access import FOREIGN_CASE
from .models import AccessLogEntry, Chain, ChainCheck, ChainVerification, naming_any

DEFAULT_PERIOD_DAYS = 30


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def person_reference(person_id) -> str:
    """The pseudonymous reference the auditor sees; the same as Person.__str__, so the access log and
    the change log's object references agree."""
    return f"Person {str(person_id)[:8]}"


def role_labels(roles) -> list[str]:
    return [str(Role(role).label) if role in Role.values else role for role in roles]


# --- office hours --------------------------------------------------------------------------------------


def office_hours() -> tuple[int, int]:
    """SAMSYN_OFFICE_HOURS ("07:00-18:00") as minutes after midnight, start inclusive, end exclusive."""
    start, _, end = settings.SAMSYN_OFFICE_HOURS.partition("-")

    def minutes(text: str) -> int:
        hours, _, mins = text.strip().partition(":")
        return int(hours) * 60 + int(mins or 0)

    return minutes(start), minutes(end)


def outside_office_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment, _local_zone())
    start, end = office_hours()
    minute = local.hour * 60 + local.minute
    return local.isoweekday() not in settings.SAMSYN_OFFICE_DAYS or not start <= minute < end


def _outside_office_hours_q() -> Q:
    start, end = office_hours()
    return Q(local_minute__lt=start) | Q(local_minute__gte=end) | ~Q(local_weekday__in=settings.SAMSYN_OFFICE_DAYS)


# --- the access log review -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilters:
    """Who, about whom, and when; the period defaults to the last DEFAULT_PERIOD_DAYS days."""

    user_id: int | None = None
    person_id: str | None = None
    case_number: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    def period(self) -> tuple[datetime.date, datetime.date]:
        until = self.until or timezone.localdate()
        return self.since or until - datetime.timedelta(days=DEFAULT_PERIOD_DAYS), until


@dataclass(frozen=True)
class AccessFilters(ReviewFilters):
    outside_scope: bool = False
    outside_office_hours: bool = False
    many_persons: bool = False
    denied: bool = False
    foreign_case: bool = False
    # The reviewer's own reviews of the logs are left out unless asked for (`own_log_reviews`).
    own_reviews: bool = False


@dataclass(frozen=True)
class BusyDay:
    """A user who opened more persons in a day than SAMSYN_MANY_PERSONS_PER_DAY."""

    user_id: int
    username: str
    day: datetime.date
    persons: int


@dataclass
class ReviewRow:
    seq: int
    at: datetime.datetime
    username: str
    roles: list[str]
    outcome: str
    page: str  # the route name as stored and sealed
    export: bool
    case_numbers: list[str]
    unknown_cases: int
    person_references: list[str]
    field_classes: list[str]
    flags: list[str] = field(default_factory=list)

    @property
    def page_label(self) -> str:
        return labels.page_label(self.page)


FLAG_LABELS = {
    "outside_scope": _("Ärende utanför användarens uppdrag"),
    "outside_office_hours": _("Utanför kontorstid"),
    "many_persons": _("Många personer samma dag"),
    "denied": _("Nekad"),
    "foreign_case": _("Ärende i en annan överenskommelse"),
}


def _day_bounds(since: datetime.date, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = _local_zone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


# A review of the logs: a shown read of the log pages, whose one field class is the logs. Only those who may
# review the logs (Action.REVIEW_LOGS) reach those pages; a refusal is recorded as denied, with no field class.
LOG_REVIEW = Q(field_classes=[FieldClass.LOGS])


def is_log_review(entry: AccessLogEntry) -> bool:
    """`LOG_REVIEW` for one entry. Reading the log, with the cases and persons its rows name, is the
    reviewer's mission: such a read is never flagged as a case outside the user's mission."""
    return entry.field_classes == [FieldClass.LOGS]


def own_log_reviews(actor) -> Q:
    """The actor's own reviews of the logs: each person search and page of the review is itself logged,
    naming the persons and cases it shows, and would otherwise fill the next search about them."""
    return LOG_REVIEW & Q(user_id=actor.user.pk)


def _agreement_entries(actor) -> QuerySet:
    return AccessLogEntry.objects.filter(agreement_id=actor.agreement.pk)


def busy_days(*, actor, since: datetime.date, until: datetime.date) -> list[BusyDay]:
    """Users who opened more than SAMSYN_MANY_PERSONS_PER_DAY different persons on one day.

    A person counts as opened by an entry that shows that one person alone (a person or case page, an
    export of one case); lists name many persons at once and would flag everyone who opens one.

    Counted in the database, one GROUP BY (user, local day) over the period's entries, so no entry is
    loaded into Python (loading them took 8.6 s at a million entries); PostgreSQL reads them from the
    partial covering index `audit_access_one_person_idx`, not from the rows. The stored list of such an
    entry is the JSON text of its one id in its canonical form (`audit.models.string_list_text`), so its
    distinct texts are its distinct persons. The username shown is the one of the user's latest such entry
    in the period (by `seq`), read for the busy users alone."""
    policies.require(actor, Action.REVIEW_LOGS)
    start, end = _day_bounds(since, until)
    single_person = (
        _agreement_entries(actor)
        .filter(outcome=AccessLogEntry.Outcome.SHOWN, at__gte=start, at__lt=end, user_id__isnull=False)
        .exclude(person_ids=[])
        .exclude(person_ids__contains=",")
        .order_by()
    )
    days = list(
        single_person.values("user_id", day=TruncDate("at", tzinfo=_local_zone()))
        .annotate(persons=Count("person_ids", distinct=True))
        .filter(persons__gt=settings.SAMSYN_MANY_PERSONS_PER_DAY)
        .values_list("user_id", "day", "persons")
    )
    if not days:
        return []
    latest = single_person.filter(user_id__in={user_id for user_id, _day, _persons in days}).values("user_id")
    names = dict(
        AccessLogEntry.objects.filter(seq__in=latest.annotate(last=Max("seq")).values("last")).values_list(
            "user_id", "username"
        )
    )
    return sorted(
        (BusyDay(user_id=user_id, username=names[user_id], day=day, persons=persons) for user_id, day, persons in days),
        key=lambda busy: (busy.day, busy.username),
    )


def _naming_person_or_their_cases(actor, person_id) -> Q:
    """Entries about a person: naming them, or one of their cases (the reports name a case by its number
    and show its data without the person's identity; that is still a read of the person's data)."""
    case_ids = Case.objects.filter(agreement=actor.agreement, person_id=person_id).values_list("pk", flat=True)
    return naming_any(case_ids=list(case_ids), person_ids=[person_id])


def review_access_log(*, actor, filters: AccessFilters) -> tuple[QuerySet, list[BusyDay]]:
    """The access entries of the auditor's agreement that match the filters, newest first, and the
    busy days of the period (for the flag). Raises PermissionDenied for anyone but an auditor."""
    policies.require(actor, Action.REVIEW_LOGS)
    since, until = filters.period()
    start, end = _day_bounds(since, until)
    zone = _local_zone()
    entries = _agreement_entries(actor).filter(at__gte=start, at__lt=end)
    if filters.user_id:
        entries = entries.filter(user_id=filters.user_id)
    if filters.person_id:
        entries = entries.filter(_naming_person_or_their_cases(actor, filters.person_id))
    if filters.case_number:
        entries = entries.filter(case_numbers__contains=json.dumps(filters.case_number))
    if not filters.own_reviews:
        entries = entries.exclude(own_log_reviews(actor))
    if filters.outside_scope:
        entries = (
            entries.exclude(outside_scope_case_ids=[])
            .exclude(outside_scope_case_ids=[FOREIGN_CASE])
            .exclude(LOG_REVIEW)
        )
    if filters.foreign_case:
        entries = entries.filter(outside_scope_case_ids__contains=json.dumps(FOREIGN_CASE))
    if filters.denied:
        entries = entries.filter(outcome=AccessLogEntry.Outcome.DENIED)
    if filters.outside_office_hours:
        entries = entries.annotate(
            local_minute=ExtractHour("at", tzinfo=zone) * 60 + ExtractMinute("at", tzinfo=zone),
            local_weekday=ExtractIsoWeekDay("at", tzinfo=zone),
        ).filter(_outside_office_hours_q())
    busy = busy_days(actor=actor, since=since, until=until)
    if filters.many_persons:
        condition = Q(pk__in=[])
        for day in busy:
            day_start, day_end = _day_bounds(day.day, day.day)
            condition |= Q(user_id=day.user_id, at__gte=day_start, at__lt=day_end)
        entries = entries.filter(condition)
    return entries.order_by("-seq"), busy


def review_rows(entries, busy: list[BusyDay]) -> list[ReviewRow]:
    """What the auditor sees of each entry: references and flags."""
    busy_keys = {(day.user_id, day.day) for day in busy}
    zone = _local_zone()
    rows = []
    for entry in entries:
        local = timezone.localtime(entry.at, zone)
        flags = []
        if entry.outcome == AccessLogEntry.Outcome.DENIED:
            flags.append("denied")
        if set(entry.outside_scope_case_ids) - {FOREIGN_CASE} and not is_log_review(entry):
            flags.append("outside_scope")
        if FOREIGN_CASE in entry.outside_scope_case_ids:
            flags.append("foreign_case")
        if outside_office_hours(entry.at):
            flags.append("outside_office_hours")
        if (entry.user_id, local.date()) in busy_keys:
            flags.append("many_persons")
        rows.append(
            ReviewRow(
                seq=entry.seq,
                at=local,
                username=entry.username,
                roles=role_labels(entry.roles),
                outcome=entry.get_outcome_display(),
                page=entry.page,
                export=entry.export,
                case_numbers=entry.case_numbers,
                unknown_cases=len(entry.case_ids) - len(entry.case_numbers),
                person_references=[person_reference(person_id) for person_id in entry.person_ids],
                field_classes=[str(FIELD_CLASS_LABELS.get(name, name)) for name in entry.field_classes],
                flags=[str(FLAG_LABELS[flag]) for flag in flags],
            )
        )
    return rows


def referenced_ids(entries) -> tuple[set[str], set[str]]:
    """The case and person ids that review rows refer to (for the reviewer's own access entry)."""
    cases, persons = set(), set()
    for entry in entries:
        cases.update(entry.case_ids)
        persons.update(entry.person_ids)
    return cases, persons


def find_person_by_personal_number(*, actor, text: str) -> Person | None:
    """The person of the auditor's agreement with this personnummer, through the blind index (the
    number is never compared in clear). Raises InvalidPersonalNumber for a malformed number."""
    policies.require(actor, Action.REVIEW_LOGS)
    candidates = personal_number_candidates(text)
    return Person.objects.filter(agreement=actor.agreement, personal_number_index__in=candidates).only("pk").first()


def agreement_users(*, actor) -> QuerySet:
    """The users with a role in the auditor's agreement, for the user filter."""
    policies.require(actor, Action.REVIEW_LOGS)
    return User.objects.filter(memberships__agreement=actor.agreement).distinct().order_by("username")


# --- the change log review -----------------------------------------------------------------------------


def _belongs_to_a_case(model) -> bool:
    """The model has a `case` foreign key: its rows are part of one case (events, interventions …)."""
    return any(f.name == "case" and f.related_model is Case for f in model._meta.concrete_fields)


def _case_objects(case_ids) -> Q:
    """Change-log entries about these cases: the case rows and the rows that belong to them
    (events, interventions, follow-ups, decisions, contacts, consents, disclosures …) as they exist now."""
    case_ids = [str(pk) for pk in case_ids]
    condition = Q(content_type=ContentType.objects.get_for_model(Case), object_pk__in=case_ids)
    for model in apps.get_app_config("casework").get_models():
        if _belongs_to_a_case(model):
            related = [str(pk) for pk in model.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)]
            if related:
                condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=related)
    return condition


def review_change_log(*, actor, filters: ReviewFilters) -> QuerySet:
    """Change-log entries made in the auditor's agreement (in its requests, or by a job working for it:
    accesscontrol.actor.system_changes_for), newest first. The page shows which fields changed, never the values."""
    policies.require(actor, Action.REVIEW_LOGS)
    since, until = filters.period()
    start, end = _day_bounds(since, until)
    entries = LogEntry.objects.filter(
        additional_data__agreement_id=actor.agreement.pk,
        timestamp__gte=start,
        timestamp__lt=end,
    )
    if filters.user_id:
        entries = entries.filter(actor_id=filters.user_id)
    cases = Case.objects.filter(agreement=actor.agreement)
    if filters.person_id:
        person = Q(content_type=ContentType.objects.get_for_model(Person), object_pk=str(filters.person_id))
        entries = entries.filter(
            person | _case_objects(cases.filter(person_id=filters.person_id).values_list("pk", flat=True))
        )
    if filters.case_number:
        entries = entries.filter(_case_objects(cases.filter(number=filters.case_number).values_list("pk", flat=True)))
    return (
        entries.select_related("content_type")
        .annotate(actor_username=F("actor__username"), chain_seq=F("chain_seal__seq"))
        .order_by("-timestamp", "-pk")
    )


@dataclass
class ChangeRow:
    seq: int | None
    at: datetime.datetime
    username: str
    action: str
    object_type: str
    object_reference: str
    fields: list[str]
    by_import: bool = False  # made by an import of an old list (casework.services.imports)


# Models whose string form is itself a reference, written for the logs ("Ärende 2026-014", "Person 1a2b3c4d").
# Every other model's stored label can hold content (an intervention's name and date), so the auditor sees
# the object's id instead, with the number of the case it belongs to.
REFERENCE_LABELS = {"casework.case", "casework.person"}


def _case_numbers_of(entries) -> dict[tuple[int, str], str]:
    """(content type id, object pk) -> the number of the case the object belongs to, for the objects of
    models with a `case` foreign key that still exist: one query per such model on the page."""
    pks_by_type = defaultdict(set)
    for entry in entries:
        pks_by_type[entry.content_type].add(entry.object_pk)
    numbers = {}
    for content_type, pks in pks_by_type.items():
        model = content_type.model_class()
        if model is None or content_type.app_label != "casework" or not _belongs_to_a_case(model):
            continue
        for pk, number in model.objects.filter(pk__in=list(pks)).values_list("pk", "case__number"):
            numbers[(content_type.pk, str(pk))] = number
    return numbers


def _object_reference(entry, case_numbers) -> str:
    if f"{entry.content_type.app_label}.{entry.content_type.model}" in REFERENCE_LABELS:
        return entry.object_repr
    number = case_numbers.get((entry.content_type_id, entry.object_pk))
    if number:
        return _("id %(pk)s i ärende %(number)s") % {"pk": entry.object_pk, "number": number}
    return _("id %(pk)s") % {"pk": entry.object_pk}


def change_rows(entries) -> list[ChangeRow]:
    """What the auditor sees of each change-log entry: who, when, what kind of object and a reference to
    it, which fields; never a value or the object's stored label (see REFERENCE_LABELS)."""
    zone = _local_zone()
    case_numbers = _case_numbers_of(entries)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        for name in entry.changes_dict:
            try:
                fields.append(labels.field_label(model._meta.get_field(name)))
            except (AttributeError, FieldDoesNotExist):
                fields.append(name)  # a model or field since removed keeps its stored name
        rows.append(
            ChangeRow(
                seq=entry.chain_seq,
                at=timezone.localtime(entry.timestamp, zone),
                username=entry.actor_username or "",
                action=labels.action_label(entry.action),
                object_type=labels.model_label(model) if model else entry.content_type.model,
                object_reference=_object_reference(entry, case_numbers),
                fields=sorted(fields),
                by_import=bool((entry.additional_data or {}).get("import")),
            )
        )
    return rows


def changed_objects(entries) -> tuple[set[str], set[str]]:
    """The case and person ids the change rows refer to (for the reviewer's own access entry)."""
    cases, persons = set(), set()
    for entry in entries:
        if entry.content_type.app_label == "casework" and entry.content_type.model == "case":
            cases.add(entry.object_pk)
        elif entry.content_type.app_label == "casework" and entry.content_type.model == "person":
            persons.add(entry.object_pk)
    return cases, persons


# --- verification runs --------------------------------------------------------------------------------


def verification_history(*, actor, limit: int = 60) -> tuple[list[tuple[str, ChainVerification | None]], QuerySet]:
    """The latest run of each chain (its label and the run, or None), and the recent runs."""
    policies.require(actor, Action.REVIEW_LOGS)
    latest = [
        (chain.label, ChainVerification.objects.filter(chain=chain).order_by("-ran_at").first()) for chain in Chain
    ]
    return latest, ChainVerification.objects.order_by("-ran_at", "chain")[:limit]


def latest_chain_check(*, actor) -> ChainCheck | None:
    """The check last started from the page (by any auditor: the chains are the whole instance's), with
    the verifications it wrote."""
    policies.require(actor, Action.REVIEW_LOGS)
    check = ChainCheck.objects.order_by("-requested_at").first()
    if check is not None:
        check.results = list(check.verifications.order_by("chain"))
    return check


# --- the case's register of access, for its social manager --------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    at: datetime.datetime
    name: str
    username: str
    roles: list[str]
    page: str
    export: bool

    @property
    def page_label(self) -> str:
        return labels.page_label(self.page)


def case_access_history(*, case, actor) -> list[CaseAccess]:
    """Everyone who has been shown this case or its person, oldest first: the part of a register
    extract (GDPR article 15) that says who has seen the data. Only the social manager of the case's
    agreement may read it; anyone else gets PermissionDenied."""
    return person_access_history(person=case.person, cases=[case], actor=actor)


def _person_reads(*, person, cases, actor) -> QuerySet:
    """The shown reads of `person` or one of `cases` (theirs). Only the social manager of the person's
    agreement may read them; anyone else gets PermissionDenied."""
    if actor is None or actor.agreement is None or actor.agreement.pk != person.agreement_id:
        raise PermissionDenied
    policies.require(actor, Action.MAKE_REGISTER_EXTRACT)
    for case in cases:
        if case.person_id != person.pk:
            raise PermissionDenied
    condition = naming_any(case_ids=[case.pk for case in cases], person_ids=[person.pk])
    return AccessLogEntry.objects.filter(condition).filter(outcome=AccessLogEntry.Outcome.SHOWN)


def _names(user_ids) -> dict[int, str]:
    return {user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=set(user_ids))}


def person_access_history(*, person, cases, actor) -> list[CaseAccess]:
    """Everyone who has been shown `person` or one of `cases` (theirs), oldest first, once per read. Only
    the social manager of the person's agreement may read it; anyone else gets PermissionDenied."""
    entries = list(
        _person_reads(person=person, cases=cases, actor=actor)
        .order_by("seq")
        .values_list("at", "user_id", "username", "roles", "page", "export")
    )
    names = _names(entry[1] for entry in entries)
    zone = _local_zone()
    return [
        CaseAccess(
            at=timezone.localtime(at, zone),
            name=names.get(user_id, username),
            username=username,
            roles=role_labels(roles),
            page=page,
            export=export,
        )
        for at, user_id, username, roles, page, export in entries
    ]


# --- records changed after a figure was handed out (reports' revisions) ---------------------------------


def _case_changes_between(agreement, case_ids, since: datetime.datetime, until: datetime.datetime | None) -> QuerySet:
    entries = LogEntry.objects.filter(
        _case_objects(Case.objects.filter(agreement=agreement, pk__in=list(case_ids)).values_list("pk", flat=True)),
        timestamp__gt=since,
    )
    return entries if until is None else entries.filter(timestamp__lte=until)


def _case_of(entries) -> dict[int, str]:
    """LogEntry id -> the id of the case its object is or belongs to (for rows that still exist)."""
    pks_by_type = defaultdict(set)
    for entry in entries:
        pks_by_type[entry.content_type].add(entry.object_pk)
    case_ids = {}
    for content_type, pks in pks_by_type.items():
        model = content_type.model_class()
        if model is Case:
            case_ids.update({(content_type.pk, pk): pk for pk in pks})
        elif model is not None and content_type.app_label == "casework" and _belongs_to_a_case(model):
            for pk, case_id in model.objects.filter(pk__in=list(pks)).values_list("pk", "case_id"):
                case_ids[(content_type.pk, str(pk))] = str(case_id)
    return {
        entry.pk: case_ids[(entry.content_type_id, entry.object_pk)]
        for entry in entries
        if (entry.content_type_id, entry.object_pk) in case_ids
    }


def cases_changed_between(*, agreement, case_ids, since: datetime.datetime, until=None) -> set[str]:
    """Which of `case_ids` had a record (the case or a row that belongs to it) written or changed after
    `since` (and up to `until`), by the change log. Ids only: a revision of a released table tells
    management how many, never which."""
    entries = list(_case_changes_between(agreement, case_ids, since, until).select_related("content_type"))
    return set(_case_of(entries).values())


@dataclass(frozen=True)
class CaseChange:
    """One record of a case written, changed or removed: by whom (name and username) and when."""

    case_number: str
    at: datetime.datetime
    name: str
    username: str
    action: str
    object_type: str


def case_changes(*, actor, case_ids, since: datetime.datetime, until=None) -> list[CaseChange]:
    """The change log of `case_ids` after `since` (up to `until`), oldest first: what was recorded, by whom and
    when, for the social manager's revised follow-up report (what a figure's change rests on). Never a value."""
    policies.require(actor, Action.READ_FOLLOW_UP_REPORT)
    entries = list(
        _case_changes_between(actor.agreement, case_ids, since, until)
        .select_related("content_type")
        .annotate(actor_username=F("actor__username"))
        .order_by("timestamp", "pk")
    )
    case_of = _case_of(entries)
    numbers = {
        str(pk): number for pk, number in Case.objects.filter(pk__in=set(case_of.values())).values_list("pk", "number")
    }
    usernames = {entry.actor_username for entry in entries if entry.actor_username}
    names = {
        user.username: user.get_full_name() or user.username for user in User.objects.filter(username__in=usernames)
    }
    zone = _local_zone()
    changes = []
    for entry in entries:
        model = entry.content_type.model_class()
        number = numbers.get(case_of.get(entry.pk), "")
        username = entry.actor_username or ""
        changes.append(
            CaseChange(
                case_number=number,
                at=timezone.localtime(entry.timestamp, zone),
                name=names.get(username, username),
                username=username,
                action=labels.action_label(entry.action),
                object_type=labels.model_label(model) if model else entry.content_type.model,
            )
        )
    return changes


@dataclass(frozen=True)
class AccessDay:
    """One person's reads of a person or their cases on one day: how many, the first and the last."""

    day: datetime.date
    name: str
    username: str
    roles: list[str]
    reads: int
    first: datetime.datetime
    last: datetime.datetime
    pages: list[str]  # the pages' names for a reader
    export: bool


@dataclass(frozen=True)
class AccessSummary:
    """The newest `days` of a person's access history, one per person and day, of `total` in all."""

    days: list[AccessDay]
    total: int
    limit: int

    @property
    def more(self) -> bool:
        return self.total > len(self.days)


def person_access_summary(*, person, cases, actor, limit: int) -> AccessSummary:
    """Who has been shown `person` or one of `cases`, newest first, one row per person and day with the
    number of reads, the first and the last, and the pages: the case page's panel "Vem har tagit del". At
    most `limit` rows, of `total`. Grouped by the database (a day in the local time zone), so the cost
    follows the rows shown, not the reads logged. The same permission as `person_access_history`."""
    zone = _local_zone()
    reads = _person_reads(person=person, cases=cases, actor=actor).annotate(day=TruncDate("at", tzinfo=zone))
    groups = reads.values("user_id", "username", "day").annotate(count=Count("pk"), first=Min("at"), last=Max("at"))
    shown = list(groups.order_by("-day", "-last", "username")[:limit])
    total = len(shown) if len(shown) < limit else groups.count()
    details = defaultdict(lambda: {"pages": set(), "export": False, "roles": set()})
    if shown:
        # What each shown person saw those days: one query over the shown days only.
        facts = reads.filter(
            day__gte=shown[-1]["day"], day__lte=shown[0]["day"], user_id__in={group["user_id"] for group in shown}
        ).values_list("user_id", "day", "page", "export", "roles")
        for user_id, day, page, export, roles in facts.order_by().distinct():
            detail = details[(user_id, day)]
            detail["pages"].add(labels.page_label(page))
            detail["export"] |= export
            detail["roles"].update(roles)
    names = _names(group["user_id"] for group in shown)
    days = []
    for group in shown:
        detail = details[(group["user_id"], group["day"])]
        days.append(
            AccessDay(
                day=group["day"],
                name=names.get(group["user_id"], group["username"]),
                username=group["username"],
                roles=role_labels(sorted(detail["roles"])),
                reads=group["count"],
                first=timezone.localtime(group["first"], zone),
                last=timezone.localtime(group["last"], zone),
                pages=sorted(detail["pages"]),
                export=detail["export"],
            )
        )
    return AccessSummary(days=days, total=total, limit=limit)
