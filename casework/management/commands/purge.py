from django.core.management.base import BaseCommand

from casework import retention


class Command(BaseCommand):
    help = "Purges case data whose retention period has run out (gallring). --dry-run lists what would go."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be purged; change nothing.")

    def handle(self, *args, dry_run, **options):
        plans = retention.plan_purge()
        if not plans:
            self.stdout.write("Inget att gallra.")
            return
        for plan in plans:
            self.stdout.write(f"{plan.agreement.name}: {len(plan.cases)} ärenden ({plan.rule.legal_reference[:60]}…)")
            for case in plan.cases:
                deadline = retention.purge_deadline(case.closed_on, plan.rule)
                self.stdout.write(f"  {case.number}  avslutat {case.closed_on}  gallras senast {deadline}")
            if plan.held_back:
                self.stdout.write(f"  {plan.held_back} ärenden är spärrade för gallring och behålls.")
        if dry_run:
            self.stdout.write("Torrkörning: inget har ändrats.")
            return
        for record in retention.run_purge():
            self.stdout.write(self.style.SUCCESS(f"{record.agreement.name}: {record.counts}"))
