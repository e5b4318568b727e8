"""The second factor: TOTP (django-otp) with single-use recovery codes, enrolled on first login."""

import base64
import secrets

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled: created once, shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the enrolment address, so no image leaves the server."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR-kod för autentiseringsappen")


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the device if the token is right, creates recovery codes, and completes the login.
    Returns the recovery codes to show once, or None if the token was wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = replace_recovery_codes(device.user)
    otp_login(request, device)
    return codes


def replace_recovery_codes(user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="Reservkoder", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def verify_second_factor(request, token: str) -> bool:
    """Accepts a TOTP code or an unused recovery code (which is then used up)."""
    user = request.user
    for device in list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    ):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False
