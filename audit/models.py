"""Audit and operations records.

The access log and the change log are append-only hash chains (see `audit.chain`): each entry stores
its position `seq`, the previous entry's hash and its own hash over a canonical serialisation. On
PostgreSQL a trigger refuses UPDATE and DELETE on these tables (migration 0004).
"""

import json
import uuid

from auditlog.models import LogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def string_list_text(values) -> str:
    """The stored form of a StringListField: compact JSON of the strings, sorted and without repeats."""
    return json.dumps(sorted({str(value) for value in values}), ensure_ascii=False, separators=(",", ":"))


class StringListField(models.TextField):
    """A set of strings (ids, roles, field classes), stored as compact JSON *text*, not jsonb.

    The database then keeps exactly the text that was written, and the hash chain covers that text:
    jsonb would re-render it, and the verifier would have to parse every list to compare. A plain
    string as a lookup value is passed through, for `contains` lookups on the text."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        if isinstance(value, list | tuple | set | frozenset):
            return string_list_text(value)
        return value


def naming_case(case_id) -> models.Q:
    """Entries whose case list holds `case_id`: through the link table AccessLogCase, an index lookup on
    (case_id, entry), not a text match on the stored list."""
    return naming_any(case_ids=[case_id])


def naming_person(person_id) -> models.Q:
    """Entries whose person list holds `person_id`, through AccessLogPerson (an index lookup)."""
    return naming_any(person_ids=[person_id])


def _uuids(values) -> list[uuid.UUID]:
    """The values that are UUIDs (case and person ids are; a value that is not names no link)."""
    found = []
    for value in values:
        try:
            found.append(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def naming_any(*, case_ids=(), person_ids=()) -> models.Q:
    """Entries that name one of `case_ids` or one of `person_ids`, as ONE `id IN (… UNION …)` subquery of
    the link tables: the database reads the links by index and then the entries by primary key, so the
    cost follows the entries found, not the size of the log. (Several `id IN` conditions joined by OR would
    not do: PostgreSQL cannot turn an OR of subqueries into a join, and scans the whole log again.)"""
    parts = []
    cases, persons = _uuids(case_ids), _uuids(person_ids)
    if cases:
        parts.append(AccessLogCase.objects.filter(case_id__in=cases).values("entry_id"))
    if persons:
        parts.append(AccessLogPerson.objects.filter(person_id__in=persons).values("entry_id"))
    if not parts:
        return models.Q(pk__in=[])
    subquery = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return models.Q(pk__in=subquery)


class AccessLogQuerySet(models.QuerySet):
    def about_case(self, case_id):
        return self.filter(naming_case(case_id))

    def about_person(self, person_id):
        return self.filter(naming_person(person_id))


class Heartbeat(models.Model):
    """When a periodic job last ran: /healthz reports the age of the beat's last tick."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return self.name


class ChainLinkFields(models.Model):
    """The chain columns: the gap-free position, the previous entry's hash, this entry's hash."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True


class AccessLogEntry(ChainLinkFields):
    """One read of personal data (or a denied attempt): who, in which role, which persons and cases
    (internal ids only), which field classes, which page or export, when, from where.

    `case_numbers` keeps the cases' references readable after the cases are purged;
    `outside_scope_case_ids` are the cases that were outside the actor's case scope
    (`accesscontrol.scoping.scope_cases`) at the moment of the read, so the flag shows the
    assignments as they were then, not as they are when the auditor looks. A case of another agreement
    is never named here (not its id, number or path): it is recorded as `audit.access.FOREIGN_CASE`."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", _("Visad")
        DENIED = "denied", _("Nekad")

    at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    roles = StringListField(default=list)
    agreement_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SHOWN)
    page = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    export = models.BooleanField(default=False)
    case_ids = StringListField(default=list)
    case_numbers = StringListField(default=list)
    outside_scope_case_ids = StringListField(default=list)
    person_ids = StringListField(default=list)
    field_classes = StringListField(default=list)
    session_key_hash = models.CharField(max_length=64, blank=True)
    # Text, not an inet column: the chain hashes the value exactly as written and as read back.
    address = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["agreement_id", "at"]),
            # The busy-day flag (audit.selectors.busy_days) counts a period's entries that show one person:
            # this index holds those entries alone, with the two columns the count reads, so PostgreSQL
            # answers from the index (an index-only scan, a ninth of the table's size) instead of the rows.
            models.Index(
                fields=["agreement_id", "at"],
                include=["user_id", "person_ids"],
                condition=models.Q(outcome="shown", user_id__isnull=False)
                & ~models.Q(person_ids="[]")
                & ~models.Q(person_ids__contains=","),
                name="audit_access_one_person_idx",
            ),
        ]

    def __str__(self):
        return f"Åtkomstlogg {self.seq}"


# The links from an entry to the cases and persons it names, so that "who has seen this case" (the case
# page's panel, the register extract) and the auditor's person search are index lookups, O(log n) in the
# size of the log, instead of a text match on every entry's stored list.
#
# Why link tables and not an indexed array column on the entry: the entry's hashed columns stay exactly
# as they are (the chain hashes `case_ids` and `person_ids` as stored text, audit.chain.ACCESS_COLUMNS),
# so every existing entry still verifies and the hash definition does not change; the same query works on
# SQLite and PostgreSQL (an array with a GIN index is PostgreSQL's alone); and a B-tree on (case_id,
# entry) returns the entries in order. The links are derived data: `audit.chain.append_access_entry`, the
# one writer, writes them with the entry (in its statement on PostgreSQL, its transaction on SQLite) from
# the hashed lists (`linked_ids`); the append-only trigger covers them as it covers the entries (migration
# 0008); the purge deletes them with their entries (audit.services.purge_chain_prefix). No database
# foreign key, as for ChangeLogSeal: an entry deleted behind the service's back must show up as a gap in
# the chain for `verify_audit`, not be refused by a constraint; its links then name no entry and drop out
# of every join.
# Only UUIDs are linked: a recorded id that is not one (a guessed address) names no case or person.


class AccessLogCase(models.Model):
    """One case named by one access-log entry (its `case_ids`)."""

    entry = models.ForeignKey(
        AccessLogEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="case_links"
    )
    case_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["case_id", "entry"], name="audit_case_link_idx")]

    def __str__(self):
        return f"{self.entry_id}: {self.case_id}"


class AccessLogPerson(models.Model):
    """One person named by one access-log entry (its `person_ids`: the person's internal id)."""

    entry = models.ForeignKey(
        AccessLogEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="person_links"
    )
    person_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["person_id", "entry"], name="audit_person_link_idx")]

    def __str__(self):
        return f"{self.entry_id}: {self.person_id}"


def linked_ids(case_ids, person_ids) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The case and person ids an entry links to, from its (hashed) lists: each UUID once."""
    return list(dict.fromkeys(_uuids(case_ids))), list(dict.fromkeys(_uuids(person_ids)))


class ChangeLogSeal(ChainLinkFields):
    """The chain link of one django-auditlog LogEntry, written in the same transaction as the entry.

    The hash covers the LogEntry row as stored, so a changed, deleted or swapped change-log entry
    breaks the chain at its seal. No database foreign key: a deleted LogEntry must show up as a
    broken link for `verify_audit`, not be prevented or cascaded by a constraint."""

    log_entry = models.OneToOneField(
        LogEntry, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="chain_seal"
    )

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"Ändringslogg {self.seq}"


class Chain(models.TextChoices):
    ACCESS = "access", _("Åtkomstloggen")
    CHANGE = "change", _("Ändringsloggen")


class ChainCheck(models.Model):
    """A check of both chains that an auditor started from the page ("Loggkontroll"), run by a worker.

    The row is the work (the worker gets its id only) and the record that the check was asked for; the
    change log follows it, so who started a check, and when, is itself audited. Its results are the
    ChainVerification rows it wrote."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chain_checks", verbose_name=_("startad av")
    )
    agreement = models.ForeignKey(
        "casework.Agreement", on_delete=models.PROTECT, related_name="chain_checks", verbose_name=_("överenskommelse")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("förlopp"), default=0)
    requested_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    started_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    ok = models.BooleanField(_("loggarna hela"), null=True)

    class Meta:
        verbose_name = _("loggkontroll")
        verbose_name_plural = _("loggkontroller")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Loggkontroll {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def under_way(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ChainVerification(models.Model):
    """One run of `verify_audit` on one chain. A successful run is also a checkpoint: the next run
    checks that the entry it ended on still exists with the same hash, which finds a removed tail."""

    class Reason(models.TextChoices):
        CHANGED = "changed", _("posten har ändrats")
        LINK = "link", _("kedjan är bruten (posten har flyttats, bytts ut eller lagts in i efterhand)")
        MISSING = "missing", _("poster saknas (raderade)")
        DELETED = "deleted", _("ändringsloggposten har raderats")
        UNSEALED = "unsealed", _("ändringsloggpost utan kedjelänk (inlagd utanför tjänsten)")
        TRUNCATED = "truncated", _("poster efter senaste kontrollpunkt saknas (raderade i slutet)")
        REWRITTEN = "rewritten", _("kedjan har räknats om sedan en tidigare kontroll (en tidigare post har ändrats)")
        BOUNDARY = (
            "boundary",
            _(
                "gallringsgränsen vid posten stämmer inte med kedjan (poster under gränsen finns kvar, "
                "eller nästa post länkar inte till den)"
            ),
        )

    chain = models.CharField(max_length=10, choices=Chain.choices)
    ran_at = models.DateTimeField(db_index=True)
    checked = models.PositiveBigIntegerField()
    seconds = models.FloatField()
    ok = models.BooleanField()
    head_seq = models.PositiveBigIntegerField(null=True)
    head_hash = models.CharField(max_length=64, blank=True)
    broken_seq = models.PositiveBigIntegerField(null=True)
    broken_reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # The check an auditor started from the page; None for the nightly run.
    chain_check = models.ForeignKey(
        ChainCheck, on_delete=models.PROTECT, null=True, blank=True, related_name="verifications"
    )

    class Meta:
        ordering = ["-ran_at", "chain"]

    def __str__(self):
        return f"{self.get_chain_display()} {self.ran_at:%Y-%m-%d %H:%M}"


class ChainPurge(models.Model):
    """Where a purge (gallring) of old log entries cut the chain: the last removed position and its
    hash. Verification starts from the latest purge boundary instead of the genesis hash, and believes it
    only if the chain agrees: no entry is left at or below it, and the next entry links to `last_hash`."""

    chain = models.CharField(max_length=10, choices=Chain.choices)
    up_to_seq = models.PositiveBigIntegerField()
    last_hash = models.CharField(max_length=64)
    removed = models.PositiveBigIntegerField()
    purged_at = models.DateTimeField()

    class Meta:
        ordering = ["chain", "up_to_seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "up_to_seq"], name="chain_purge_unique_boundary")]

    def __str__(self):
        return f"{self.get_chain_display()} ≤ {self.up_to_seq}"


class ChangeLogRedaction(models.Model):
    """A change-log entry about a record that gallring purged (casework.retention): the entry is deleted by
    `audit.services.redact_purged_changes` (`manage.py purge_logs`, the role that may delete), its seal
    stays, and verification accepts the missing entry because it is listed here. Written by the purge in
    its own transaction; the id only, so this table says nothing about the record either."""

    log_entry_id = models.BigIntegerField(primary_key=True)
    purged_on = models.DateField()

    def __str__(self):
        return f"Gallrad ändringspost {self.log_entry_id}"
