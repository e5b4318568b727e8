from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework import demo
from encryption.keys import check_keyrings_at_startup


class Command(BaseCommand):
    help = "Loads a deterministic, synthetic demo year (development only) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--year", type=int, default=None, help="The demo year (default: last year).")

    def handle(self, *args, seed, year, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo loads invented people and known passwords: never in production.")
        check_keyrings_at_startup()
        agreement, logins = demo.build_demo(seed=seed, year=year)
        self.stdout.write(self.style.SUCCESS(f"Demo data: {agreement.name}"))
        self.stdout.write("")
        self.stdout.write("Demo logins (development only). Password for all: " + demo.DEMO_PASSWORD)
        self.stdout.write("Second factor: add the TOTP secret to an authenticator app, or type a recovery")
        self.stdout.write("code (each works once), or run `make otp` for the current codes.")
        self.stdout.write("")
        self.stdout.write(f"{'user':<14}{'role':<34}{'TOTP secret':<34}recovery codes")
        for login in logins:
            self.stdout.write(
                f"{login.username:<14}{', '.join(login.roles):<34}{login.totp_secret:<34}"
                f"{' '.join(login.recovery_codes[:3])}"
            )
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SAMSYN_BASE_URL}/ and sign in.")
