"""Changes to the audit records: verification runs (nightly, or an auditor's check from the page), alerts
about a broken chain, and the purge (gallring) of old log entries."""

import logging

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.actor import system_changes_for
from accesscontrol.changes import update_logged
from accesscontrol.models import Role, User
from accesscontrol.policies import Action
from casework.models import Notification
from config.queueing import send_after_commit

from .chain import Verification, chain_length, verify_chain
from .models import (
    AccessLogCase,
    AccessLogEntry,
    AccessLogPerson,
    Chain,
    ChainCheck,
    ChainPurge,
    ChainVerification,
    ChangeLogRedaction,
    ChangeLogSeal,
)

logger = logging.getLogger(__name__)


class ChainBroken(Exception):
    """A broken chain is never purged: the evidence stays until the auditors have looked at it."""


def verify_audit_chains(*, chain_check: ChainCheck | None = None, progress=None) -> list[Verification]:
    """Walk every chain and keep each result (a successful one is the next run's checkpoint), marked as
    the page's `chain_check` when an auditor started it. `progress(percent)` follows the walk over both
    chains, weighted by their lengths.

    The head of each intact chain is also written to the application log, a copy outside the
    database that a rewritten chain cannot match."""
    lengths = {chain: chain_length(chain) for chain in Chain.values} if progress else {}
    total, walked_before = max(1, sum(lengths.values())), 0

    def chain_progress(walked: int, _length: int) -> None:
        progress(min(99, (walked_before + walked) * 100 // total))

    results = []
    for chain in Chain.values:
        result = verify_chain(chain, chain_progress if progress else None)
        walked_before += lengths.get(chain, 0)
        ChainVerification.objects.create(
            chain=result.chain,
            ran_at=timezone.now(),
            checked=result.checked,
            seconds=result.seconds,
            ok=result.ok,
            head_seq=result.head_seq,
            head_hash=result.head_hash,
            broken_seq=result.broken.seq if result.broken else None,
            broken_reason=result.broken.reason if result.broken else "",
            chain_check=chain_check,
        )
        if result.ok:
            logger.info(
                "audit chain %s intact: %s entries, head %s %s",
                chain,
                result.checked,
                result.head_seq,
                result.head_hash,
            )
        else:
            logger.error("audit chain %s broken: %s", chain, result.broken.describe())
        results.append(result)
    return results


def verify_and_alert(*, chain_check: ChainCheck | None = None, progress=None) -> list[Verification]:
    """The check itself, nightly or from the page: verify both chains, and if one is broken, alert the
    auditors. Running it twice checks twice and alerts twice, which is what a broken chain deserves."""
    results = verify_audit_chains(chain_check=chain_check, progress=progress)
    if not all(result.ok for result in results):
        alert_auditors(results)
    return results


@transaction.atomic
def request_chain_check(*, actor) -> ChainCheck:
    """An auditor's check of both chains, queued for a worker (which gets only the check's id). While one
    is queued or running, asking again returns that one: a second walk at the same time finds nothing more."""
    policies.require(actor, Action.RUN_CHAIN_CHECK)
    under_way = (
        ChainCheck.objects.select_for_update()
        .filter(status__in=(ChainCheck.Status.QUEUED, ChainCheck.Status.RUNNING))
        .order_by("-requested_at")
        .first()
    )
    if under_way is not None:
        return under_way
    check = ChainCheck.objects.create(requested_by=actor.user, agreement=actor.agreement)
    # The row is the work; with the broker down the sweep (audit.tasks.sweep_queued_chain_checks) sends it.
    send_after_commit("audit.tasks.run_chain_check", check_id=str(check.pk))
    return check


def run_chain_check(check_id: str) -> ChainCheck | None:
    """Run a queued check (audit.tasks.run_chain_check): the walk, its progress on the row, the result.
    A check already done or failed is left as it is; one interrupted while running is run again. The
    change log enters its steps as the agreement's it was started in; log lines name the check's id only."""
    check = ChainCheck.objects.filter(pk=check_id).first()
    if check is None:
        return None
    with system_changes_for(check.agreement_id):
        return _run_chain_check(check)


def _run_chain_check(check: ChainCheck) -> ChainCheck | None:
    this = ChainCheck.objects.filter(pk=check.pk)
    under_way = this.filter(status__in=(ChainCheck.Status.QUEUED, ChainCheck.Status.RUNNING))
    if not update_logged(under_way, status=ChainCheck.Status.RUNNING, progress=0, started_at=timezone.now()):
        return None
    shown = 0

    def progress(percent: int) -> None:
        nonlocal shown
        if percent != shown:  # one write per step of a percent, not per segment
            shown = percent
            update_logged(this.filter(status=ChainCheck.Status.RUNNING), progress=percent)

    try:
        results = verify_and_alert(chain_check=check, progress=progress)
    except Exception:
        logger.exception("chain check %s failed", check.pk)
        update_logged(this, status=ChainCheck.Status.FAILED, finished_at=timezone.now())
        return check
    ok = all(result.ok for result in results)
    update_logged(this, status=ChainCheck.Status.DONE, progress=100, finished_at=timezone.now(), ok=ok)
    logger.info("chain check %s done", check.pk)
    return check


def _alert_text(results: list[Verification]) -> str:
    broken = [
        _("%(chain)s, %(entry)s") % {"chain": Chain(r.chain).label, "entry": r.broken.describe()}
        for r in results
        if not r.ok
    ]
    checked = sum(r.checked for r in results)
    return _("Loggkontrollen hittade fel: %(broken)s. %(checked)s poster kontrollerades före felet.") % {
        "broken": "; ".join(broken),
        "checked": checked,
    }


@transaction.atomic
def alert_auditors(results: list[Verification]) -> int:
    """Tell every auditor that a chain is broken: a notification in Samsyn and an e-mail. The text holds
    the chain, the entry number and the kind of fault, never a person or a case. Returns how many
    auditors were told."""
    text = _alert_text(results)
    url = reverse("audit:verifications")
    auditors = list(User.objects.filter(memberships__role=Role.AUDITOR, is_active=True).distinct())
    # One alert per auditor and day: a re-run of the nightly job the same day adds nothing.
    today = timezone.localdate().isoformat()
    for auditor in auditors:  # saved one by one, so the change log records each
        Notification.objects.get_or_create(
            key=f"audit_chain_broken:{today}:{auditor.pk}",
            defaults={"user": auditor, "kind": "audit_chain_broken", "text": text[:300], "url": url},
        )
    recipients = [auditor.email for auditor in auditors if auditor.email]
    if recipients:
        body = f"{text}\n\n{settings.SAMSYN_BASE_URL}{url}"
        # One message per auditor, so no auditor learns the others' addresses.
        transaction.on_commit(
            lambda: [
                send_mail(_("Samsyn: loggkontrollen hittade fel"), body, settings.DEFAULT_FROM_EMAIL, [address])
                for address in recipients
            ]
        )
    return len(auditors)


@transaction.atomic
def purge_chain_prefix(*, chain: str, before) -> ChainPurge | None:
    """Gallring: remove the chain's oldest entries, up to the first one written at or after `before`,
    and record where the chain was cut, so verification continues from that boundary.

    This is the only path that deletes log entries. It refuses a chain that does not verify. On
    PostgreSQL it sets `samsyn.audit_purge` for this transaction, which the append-only trigger accepts
    for DELETE (never for UPDATE); the database role running it needs DELETE on the log tables, which
    the web and worker role does not have (README, "Audit"). Returns None when nothing is due."""
    result = verify_chain(chain)
    if not result.ok:
        raise ChainBroken(result.broken.describe())
    if chain == Chain.ACCESS:
        entries, written_at = AccessLogEntry.objects.all(), "at"
    else:
        entries, written_at = ChangeLogSeal.objects.all(), "log_entry__timestamp"
    first_kept = entries.filter(**{f"{written_at}__gte": before}).order_by("seq").values_list("seq", flat=True).first()
    up_to_seq = first_kept - 1 if first_kept is not None else result.head_seq
    last = entries.filter(seq__lte=up_to_seq).order_by("-seq").values_list("seq", "entry_hash").first()
    if up_to_seq is None or last is None:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('samsyn.audit_purge', 'on', true)")
    due = entries.filter(seq__lte=up_to_seq)
    if chain == Chain.CHANGE:
        LogEntry.objects.filter(pk__in=list(due.values_list("log_entry_id", flat=True))).delete()
    else:
        # The entries' links to cases and persons go with them.
        AccessLogCase.objects.filter(entry__seq__lte=up_to_seq).delete()
        AccessLogPerson.objects.filter(entry__seq__lte=up_to_seq).delete()
    removed, _counts = due.delete()
    return ChainPurge.objects.create(
        chain=chain, up_to_seq=last[0], last_hash=last[1], removed=removed, purged_at=timezone.now()
    )


def note_purged_records(sender, records, **kwargs):
    """Receiver of casework.retention.purged: the change-log entries about the purged records are due for
    deletion (ChangeLogRedaction), in the purge's transaction. The web and worker role may insert, not
    delete; `redact_purged_changes` deletes them."""
    today = timezone.localdate()
    for model, pks in records.items():
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
        )
        ChangeLogRedaction.objects.bulk_create(
            [ChangeLogRedaction(log_entry_id=pk, purged_on=today) for pk in entries.values_list("pk", flat=True)],
            ignore_conflicts=True,
        )


@transaction.atomic
def redact_purged_changes() -> int:
    """Gallring reaches the change log: delete the entries about records purged by casework.retention
    (category, dates, unit, birth year, gender and area are in them). Their seals stay, so the chain still
    links across them, and verification accepts each as redacted. Like `purge_chain_prefix`, it needs the
    role that may delete log entries. Returns how many entries went."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('samsyn.audit_purge', 'on', true)")
    removed, _counts = LogEntry.objects.filter(pk__in=ChangeLogRedaction.objects.values("log_entry_id")).delete()
    return removed
