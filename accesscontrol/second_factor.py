"""The second factor: TOTP (django-otp) with single-use recovery codes, enrolled on first login.

Every check goes through `django_otp.verify_token`, which locks the device row for the check, so one
recovery code cannot be spent twice by two parallel requests; django-otp's throttling (1, 2, 4 … seconds
after each failure) slows down guessing.
"""

import base64
import re
import secrets

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import IdentityProviderDevice

RECOVERY_CODES = 10
RECOVERY_DEVICE = gettext_noop("Reservkoder")
# A TOTP code is six digits; anything else typed into the field is tried as a recovery code. Trying
# only the matching kind keeps a recovery code from counting as a failed TOTP attempt.
TOTP_CODE = re.compile(r"^\d{6}$")


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled: created once, shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=gettext_noop("Autentiseringsapp"), confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the enrolment address, so no image leaves the server."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title=gettext("QR-kod för autentiseringsappen"))


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the device if the token is right, creates recovery codes, and completes the login.
    Returns the recovery codes to show once, or None if the token was wrong."""
    if verify_token(device.user, device.persistent_id, token) is None:
        return None
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = replace_recovery_codes(device.user)
    _mark_verified(request, device)
    return codes


@transaction.atomic
def replace_recovery_codes(user) -> list[str]:
    """New recovery codes; every earlier code stops working. Returns the codes to show once."""
    static, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


def _devices_for(user, token: str, *, confirmed=True):
    if TOTP_CODE.match(token):
        return list(TOTPDevice.objects.filter(user=user, confirmed=confirmed))
    return list(StaticDevice.objects.filter(user=user, confirmed=confirmed))


def verify_second_factor(request, token: str) -> bool:
    """Accepts a TOTP code or an unused recovery code (which is then used up) and marks the session
    as verified with that device."""
    for device in _devices_for(request.user, token):
        verified = verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            _mark_verified(request, verified)
            return True
    return False


def verify_current_code(user, token: str) -> bool:
    """A code from the authenticator app, for confirming a sensitive change in a signed-in session."""
    device = confirmed_totp(user)
    return bool(TOTP_CODE.match(token)) and device is not None and verify_token(user, device.persistent_id, token)


def retry_in_seconds(user, token: str) -> int:
    """How long django-otp's throttling refuses codes like `token` (app or recovery codes, confirmed
    or being enrolled) after a wrong one."""
    now = timezone.now()
    waits = [0]
    for device in [*_devices_for(user, token), *_devices_for(user, token, confirmed=False)]:
        allowed, details = device.verify_is_allowed()
        if not allowed and details.get("locked_until"):
            waits.append(int((details["locked_until"] - now).total_seconds()) + 1)
    return max(waits)


def login_with_identity_provider(request, user) -> None:
    """The identity provider has proven multi-factor authentication: that counts as the second factor."""
    device, _ = IdentityProviderDevice.objects.get_or_create(
        user=user, name=gettext_noop("Kommunens inloggning"), defaults={"confirmed": True}
    )
    _mark_verified(request, device)


def _mark_verified(request, device) -> None:
    """The session passes the second factor under a new key: the key of the password step (which anyone
    who saw it between the two steps may hold) dies here, as the anonymous key died at the password step."""
    otp_login(request, device)
    request.session.cycle_key()
