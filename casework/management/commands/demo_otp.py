import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import demo


class Command(BaseCommand):
    help = "Prints the current one-time code of each demo user (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION or not settings.SAMSYN_DEMO_SECOND_FACTOR_HINTS:
            raise CommandError("Demo one-time codes are shown in development only.")
        usernames = [spec[0] for spec in demo.DEMO_USERS]
        now = int(time.time())
        for device in TOTPDevice.objects.filter(user__username__in=usernames, name="Demo").select_related("user"):
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
            remaining = device.step - (now - device.t0) % device.step
            self.stdout.write(f"{device.user.username:<14}{code:0{device.digits}d}  (giltig {remaining} s till)")
