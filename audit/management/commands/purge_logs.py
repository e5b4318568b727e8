import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.models import Chain
from audit.services import purge_chain_prefix, redact_purged_changes
from casework.models import RetentionRule
from casework.retention import log_retention_cutoff

RECORD_TYPES = {Chain.ACCESS: RetentionRule.RecordType.ACCESS_LOG, Chain.CHANGE: RetentionRule.RecordType.CHANGE_LOG}


class Command(BaseCommand):
    help = (
        "Gallring of the access and change logs by the agreements' retention rules. Run it nightly as the "
        "database role that may delete log entries (samsyn_purge, its own DATABASE_URL; see README, Audit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what is due; change nothing.")

    def handle(self, *args, dry_run, **options):
        if not dry_run:
            redacted = redact_purged_changes()
            self.stdout.write(self.style.SUCCESS(f"change: {redacted} poster om gallrade ärenden borttagna."))
        for chain, record_type in RECORD_TYPES.items():
            cutoff = log_retention_cutoff(record_type)
            if cutoff is None:
                self.stdout.write(f"{chain}: ingen gallringsregel, inget gallras.")
                continue
            before = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
            if dry_run:
                self.stdout.write(f"{chain}: poster skrivna före {cutoff} gallras.")
                continue
            purge = purge_chain_prefix(chain=chain, before=before)
            removed = purge.removed if purge else 0
            self.stdout.write(self.style.SUCCESS(f"{chain}: {removed} poster före {cutoff} gallrade."))
