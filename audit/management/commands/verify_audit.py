from django.core.management.base import BaseCommand, CommandError

from audit.models import Chain
from audit.services import verify_audit_chains


class Command(BaseCommand):
    help = (
        "Checks the hash chains of the access log and the change log from start to end, names the first "
        "broken entry of each, and keeps the result (a successful run is the next run's checkpoint). "
        "Exits with an error when a chain is broken."
    )

    def handle(self, *args, **options):
        results = verify_audit_chains()
        for result in results:
            name = Chain(result.chain).label
            rate = f"{result.checked} entries in {result.seconds:.2f} s ({result.per_second:,.0f}/s)"
            if result.ok:
                head = f"head {result.head_seq} {result.head_hash}" if result.head_seq else "empty"
                self.stdout.write(self.style.SUCCESS(f"{name}: intact, {rate}, {head}"))
            else:
                self.stdout.write(self.style.ERROR(f"{name}: BROKEN at {result.broken.describe()} ({rate} before it)"))
        broken = [result for result in results if not result.ok]
        if broken:
            raise CommandError(
                "; ".join(f"{Chain(result.chain).label}: first broken {result.broken.describe()}" for result in broken)
            )
