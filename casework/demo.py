"""The demo: a deterministic, synthetic year of one agreement modelled on Landskrona's.

Everything is invented. Names are made up so nobody can mistake them for real people, and personal
numbers use the serial numbers 980–999, the range of Skatteverket's published test personal numbers
(valid format and check digit, never assigned to a real person). Running it twice changes nothing.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import services as access_services
from accesscontrol.actor import system_changes_for
from accesscontrol.models import Organisation, Role, Unit, User
from casework.demo_year import build_year, default_year
from casework.models import Agreement, Area, HotSpot, InterventionType, Tariff
from casework.services.agreements import create_agreement

AGREEMENT_NAME = "Samverkan för ökad trygghet – Demostad"
DEMO_PASSWORD = "demo-samsyn-2026"  # noqa: S105 - development demo only, refused in production

# username, first name, last name, title, roles, organisation kind, units
DEMO_USERS = [
    ("chef", "Signe", "Sektionsdotter", "Sektionschef, barn och unga", [Role.SOCIAL_MANAGER], "social", []),
    (
        "handlaggare",
        "Hugo",
        "Handläggarsson",
        "Handläggare, Utredning ungdom",
        [Role.CASEWORKER],
        "social",
        ["Utredning ungdom"],
    ),
    (
        "handlaggare2",
        "Öda",
        "Insatsberg",
        "Handläggare, Öppna insatser",
        [Role.CASEWORKER],
        "social",
        ["Öppna insatser"],
    ),
    ("falt", "Frida", "Fältström", "Fältassistent", [Role.FIELD_WORKER], "social", ["Fältgruppen"]),
    ("polis", "Per", "Ungdomsutredare", "Ungdomsutredare", [Role.POLICE], "police", ["Ungdomsgruppen"]),
    ("ledning", "Lena", "Ledningsgren", "Förvaltningschef", [Role.MANAGEMENT], "social", []),
    ("sysadmin", "Sam", "Systemförvaltare", "Systemförvaltare", [Role.SYSADMIN], "social", []),
    ("granskare", "Greta", "Logggranskare", "Dataskyddsombud", [Role.AUDITOR], "social", []),
]

UNITS = {
    "social": ["Utredning ungdom", "Öppna insatser", "Fältgruppen"],
    "police": ["Ungdomsgruppen"],
}

AREAS = ["Centrum", "Norra hamnen", "Östra Demoby", "Västra Demoby", "Landsbygden"]

HOT_SPOTS = [
    ("Demoskolan, skolgården", "school", "Östra Demoby"),
    ("Stationsparken", "public_place", "Centrum"),
    ("Köpcentrumet Låtsasgallerian", "public_place", "Norra hamnen"),
    ("Fritidsgården Påhitt", "other", "Västra Demoby"),
]


@dataclass
class DemoLogin:
    username: str
    roles: list[str]
    totp_secret: str
    recovery_codes: list[str]


def _demo_key(seed: int, username: str) -> str:
    """A stable TOTP key per demo user and seed, so the printed secrets survive a re-run."""
    return hashlib.sha256(f"samsyn-demo:{seed}:{username}".encode()).hexdigest()[:40]


# The demo data of packages above casework (the cost index is reports'): each registers, from its
# AppConfig.ready, a function that adds its part to a newly built demo agreement, so casework imports none.
_demo_data_above: dict[str, Callable[..., None]] = {}


def register_demo_data(label: str, add: Callable[..., None]) -> None:
    """Have build_demo call `add(agreement=, sysadmin=, year=)` for a new demo agreement, after its year."""
    _demo_data_above[label] = add


@transaction.atomic
def build_demo(*, seed: int = 2026, year: int | None = None) -> tuple[Agreement, list[DemoLogin]]:
    year = year or default_year(timezone.localdate())
    social, _ = Organisation.objects.get_or_create(
        name="Socialtjänsten i Demostad", defaults={"kind": Organisation.Kind.SOCIAL_SERVICES}
    )
    police, _ = Organisation.objects.get_or_create(
        name="Lokalpolisområde Demostad", defaults={"kind": Organisation.Kind.POLICE}
    )
    agreement = Agreement.objects.filter(name=AGREEMENT_NAME).first()
    created = agreement is None
    if created:
        agreement = create_agreement(
            name=AGREEMENT_NAME, social_services=social, police=police, starts_on=datetime.date(year, 1, 1)
        )
    # The demo's changes are the agreement's in the change log, so its auditor has a year to review.
    with system_changes_for(agreement.pk):
        return agreement, _build_demo_in(agreement, social, police, seed=seed, year=year, created=created)


def _build_demo_in(agreement, social, police, *, seed: int, year: int, created: bool) -> list[DemoLogin]:
    if created:
        for area in AREAS:
            Area.objects.create(agreement=agreement, name=area)
        for name, kind, area in HOT_SPOTS:
            HotSpot.objects.create(
                agreement=agreement, name=name, kind=kind, area=Area.objects.get(agreement=agreement, name=area)
            )
    units = {}
    for kind, names in UNITS.items():
        organisation = social if kind == "social" else police
        for name in names:
            unit = Unit.objects.filter(organisation=organisation, name=name).first()
            units[name] = unit or access_services.create_unit(organisation=organisation, name=name)
    logins = [
        _demo_user(seed, agreement, social if org == "social" else police, units, *spec)
        for spec in DEMO_USERS
        for org in [spec[5]]
    ]
    if created:
        users = {user.username: user for user in User.objects.filter(username__in=[s[0] for s in DEMO_USERS])}
        build_year(agreement=agreement, year=year, rng=random.Random(seed), users=users)
        for add in _demo_data_above.values():
            add(agreement=agreement, sysadmin=users["sysadmin"], year=year)
        _demo_tariffs(agreement, year)
    return logins


# Interventions whose price no public source gives (domain-sweden.md §2.4: use the municipality's own
# internal prices); the demo prices them with stated assumptions so its cost comparison is complete.
DEMO_TARIFFS = [
    ("kontaktperson", "month", Decimal("3000")),
    ("fft", "one_off", Decimal("60000")),
    ("oppenvard", "occasion", Decimal("1500")),
    ("art", "occasion", Decimal("800")),
    ("fritid", "month", Decimal("1200")),
    ("orossamtal", "occasion", Decimal("1000")),
]


def _demo_tariffs(agreement, year: int) -> None:
    for code, unit, price in DEMO_TARIFFS:
        Tariff.objects.get_or_create(
            intervention_type=InterventionType.objects.get(agreement=agreement, code=code),
            year=year,
            defaults={
                "price_unit": unit,
                "municipal_cost": price,
                "societal_cost": price,
                "source": "Demodata: antaget internpris, inte en publicerad taxa. Ersätt med kommunens egna priser.",
            },
        )


def _demo_user(seed, agreement, organisation, units, username, first, last, title, roles, _org, unit_names):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demostad.example",
            title=title,
            organisation=organisation,
        )
    for role in roles:
        access_services.grant_role(user=user, agreement=agreement, role=role)
    for name in unit_names:
        access_services.add_user_to_unit(user=user, unit=units[name])
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo", defaults={"key": _demo_key(seed, username), "confirmed": True}
    )
    static, _ = StaticDevice.objects.get_or_create(user=user, name="Reservkoder", defaults={"confirmed": True})
    codes = [f"{username}-{n}" for n in range(1, 6)]
    for code in codes:
        static.token_set.get_or_create(token=code)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return DemoLogin(
        username=username,
        roles=[str(Role(r).label) for r in roles],
        totp_secret=secret,
        recovery_codes=list(static.token_set.values_list("token", flat=True)),
    )
