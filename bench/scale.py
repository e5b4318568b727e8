# ruff: noqa: S608 - SQL on fixed table names of a generated benchmark database
"""The benchmark dataset at a large municipality's scale (issue 20), built once into a named PostgreSQL
database and reused by `make bench` and `make bench-load`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything python -m bench.scale [--scale F] [--database NAME]

Two agreements in one database: "large" (20 050 persons, 30 050 cases, 300 500 field contacts, and with
them 1 000 006 access-log and 201 330 change-log entries in the shared logs) and "small", a tenth of it,
so a page can be timed at both sizes in one process. `--scale F` multiplies every count (0.05 for a quick
development run) and builds into its own database (`<name>_s0_05`). The server is DATABASE_URL's; the
database is BENCH_DATABASE (default samsyn_bench). A database already built by this GENERATOR_VERSION at
the same scale is reused as it is; one built by another version is dropped and built again (only a
database this module made, or an empty one: anything else is refused).

The personal data is real ciphertext: the models' encrypted fields seal each value in `pre_save`, which
`bulk_create` calls, bound to its table, column and row (encryption.crypto.associated_data), so no
ciphertext is shared between rows and a page really decrypts what it shows. The blind indexes are the
persons' own (casework.blind_indexes). The casework rows go through bulk_create in batches; the two logs,
a million rows, are written by the database itself (INSERT … SELECT over generate_series), entries of the
two agreements interleaved in time as a shared log is, each entry's link rows (AccessLogCase,
AccessLogPerson) agreeing with its case and person lists. The logs' hash columns are filler: the chain is
not verified here (bench/audit.py measures that); new entries written while benchmarking chain on from
the last generated one.

Users, per side and role: `<side>-<role>` (`large-caseworker`, `small-social_manager`, one for every
accesscontrol Role), password BENCH_PASSWORD, a confirmed static device named "bench" (what a test
Client's verified session names, tests/conftest.verified_client) and a confirmed TOTP device whose key is
`totp_key(username)`. Beside them, staff users per unit who hold the cases and write the logs.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime
import hashlib
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Raise when what is built changes: a database built by another version is built again.
GENERATOR_VERSION = 1
DEFAULT_DATABASE = "samsyn_bench"
BENCH_PASSWORD = "bench-losenord-2026"  # noqa: S105 - the generated users' password, of a throw-away database
SIDES = {"large": 1.0, "small": 0.1}
# The counts at scale 1 for the large side (issue 20); the small side is a tenth.
PERSONS, CASES, CONTACTS = 20_050, 30_050, 300_500
ACCESS_ENTRIES, CHANGE_ENTRIES = 1_000_006, 201_330
CASES_PER_MEETING = 50
NOTIFICATIONS_PER_USER = 1_000
STAFF_PER_UNIT = 15
CASE_UNITS = ("Utredning ungdom nord", "Utredning ungdom syd", "Öppna insatser", "Ungdomsteamet")
YEARS_OF_CASEWORK = 3
BATCH = 5_000

# fmt: off
FIRST_NAMES = (
    "Alva", "Elsa", "Maja", "Vera", "Alice", "Ebba", "Wilma", "Selma", "Agnes", "Saga", "Leo", "Elias", "Hugo",
    "Noah", "Oscar", "Adam", "Liam", "Lucas", "Ali", "Omar", "Ahmed", "Isak", "Melvin", "Theo", "Vincent", "Ella",
    "Nora", "Juni", "Stella", "Signe", "Mohammed", "Yusuf", "Amir", "Malik",
)
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Ali", "Hassan", "Mohamed", "Ahmed", "Yilmaz", "Nguyen", "Berg",
    "Lindqvist", "Axelsson", "Sandberg", "Forsberg", "Sjöberg", "Wallin", "Engström",
)
# fmt: on
PHRASES = (
    "Ungdomen har vid flera tillfällen setts tillsammans med äldre personer kopplade till narkotikaförsäljning.",
    "Skolan rapporterar hög frånvaro sedan höstterminen och oro för rekrytering till kriminella nätverk.",
    "Vårdnadshavarna är positiva till stöd och har själva hört av sig till socialtjänsten.",
    "Polisen har gjort iakttagelser vid centrumet under kvällstid, ungdomen bar tillhyggen.",
    "Ungdomen uppger att hen vill bryta med kamratkretsen men saknar sysselsättning.",
    "Kontakt med fältgruppen har etablerats och ungdomen deltar i fritidsaktiviteter.",
    "Misstanke om inblandning i rån och hot mot jämnåriga, förundersökning pågår.",
    "Familjebehandling har påbörjats och samarbetet med skolan fungerar bättre.",
    "Ungdomen har flyttat till släktingar i en annan kommun under sommaren.",
    "Risk- och skyddsbedömning visar flera riskfaktorer och få skyddsfaktorer.",
)


def scale_tag(scale: float) -> str:
    return "" if scale == 1 else "_s" + f"{scale:g}".replace(".", "_")


def database_name(scale: float, base: str | None = None) -> str:
    return (base or os.environ.get("BENCH_DATABASE") or DEFAULT_DATABASE) + scale_tag(scale)


def configure(scale: float = 1.0, database: str | None = None) -> str:
    """Point Django at the benchmark database of `scale` (on DATABASE_URL's server) and set it up. Call
    before anything imports the project's models. Returns the database's name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark dataset lives in PostgreSQL: set DATABASE_URL=postgres://… (its server is used).")
    name = database_name(scale, database)
    os.environ["BENCH_SERVER_URL"] = url
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/" + name))
    # Figures of the application as it runs, without the debug mode's query log and error pages.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    return name


def personal_number(n: int, birth_year: int) -> str:
    """The `n`th valid personnummer of a birth year (twelve digits, with its check digit); distinct for
    n below 336 000."""
    from casework.personal_numbers import luhn_check_digit

    month, day, serial = 1 + n % 12, 1 + (n // 12) % 28, n // 336 % 1000
    nine = f"{birth_year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{birth_year}{month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


def totp_key(username: str) -> str:
    """The hex key of a generated user's TOTP device (django_otp.oath.totp computes its codes)."""
    return hashlib.sha256(f"samsyn bench totp {username}".encode()).hexdigest()[:40]


def username(side: str, role: str) -> str:
    return f"{side}-{role}"


@dataclass(frozen=True)
class Dataset:
    database: str
    scale: float
    version: int
    seconds: float
    built_now: bool

    def users(self) -> list[str]:
        from accesscontrol.models import Role

        return [username(side, role) for side in SIDES for role in Role.values]


# --- The database itself ------------------------------------------------------------------------------------


def _server_connection():
    import psycopg

    server = urlsplit(os.environ["BENCH_SERVER_URL"])
    return psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True)


def _built_marker(name: str) -> tuple[int, float, float] | None | bool:
    """(version, scale, seconds) of a built dataset; None for a database without one that may be (re)built;
    False when the database does not exist."""
    import psycopg

    with _server_connection() as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
    with psycopg.connect(os.environ["DATABASE_URL"]) as database:
        if database.execute("SELECT to_regclass('bench_dataset')").fetchone()[0]:
            row = database.execute("SELECT version, scale, seconds FROM bench_dataset").fetchone()
            return row or None
        tables = database.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        sys.exit(f"Database {name} exists and was not made by bench/scale.py: not touching it (BENCH_DATABASE).")
    return None


def _opens_with_these_keys() -> bool:
    """Whether a person's name opens with the keyring this process has: every page decrypts."""
    from casework.models import Person
    from encryption.crypto import DecryptionError

    person = Person.objects.order_by("pk").first()
    try:
        return person is not None and bool(person.first_name)
    except DecryptionError:
        return False


def _recreate(name: str, exists: bool) -> None:
    with _server_connection() as server:
        if exists:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')


def ensure(scale: float, name: str) -> Dataset:
    """The dataset of `scale` in database `name` (configure() first): reused when built by this version
    and sealed with this checkout's keys, else built now."""
    marker = _built_marker(name)
    if marker and marker[0] == GENERATOR_VERSION and marker[1] == scale:
        from django.core.management import call_command

        # The data stays; the schema follows the code (a new index is what a benchmark may be measuring).
        call_command("migrate", verbosity=0)
        if _opens_with_these_keys():
            return Dataset(name, scale, GENERATOR_VERSION, marker[2], built_now=False)
        print(f"  {name} was sealed with other keys (another checkout's var/keys?): building it again", flush=True)
    _recreate(name, exists=marker is not False)
    from django.db import connection

    with connection.cursor() as cursor:
        # First, so that a build cut short leaves a database this module may drop and build again.
        cursor.execute("CREATE TABLE bench_dataset (version int, scale float8, seconds float8, built_at timestamptz)")
    started = time.perf_counter()
    build(scale)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, %s, now())", [GENERATOR_VERSION, scale, seconds])
    return Dataset(name, scale, GENERATOR_VERSION, seconds, built_now=True)


# --- Building ---------------------------------------------------------------------------------------------


def _step(what: str, started: float) -> None:
    print(f"  {what:<48} {time.perf_counter() - started:6.1f} s", flush=True)


def build(scale: float) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _step("migrate", started)
    rng = random.Random(2026)
    sides = {side: _build_side(side, factor * scale, rng) for side, factor in SIDES.items()}
    _access_log(sides, scale)
    _step("access log", started)
    _change_log(sides, scale)
    _step("change log", started)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _step("vacuum analyze", started)


@dataclass
class Side:
    agreement_id: int
    staff: list[tuple[int, str, str]]  # (user id, username, role) of who writes the logs


def _count(full: int, factor: float, least: int = 1) -> int:
    return max(least, round(full * factor))


def _text(rng: random.Random, sentences: int = 2) -> str:
    return " ".join(rng.sample(PHRASES, sentences))


def _bulk(model, rows: list) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)


def _build_side(side: str, factor: float, rng: random.Random) -> Side:
    """One agreement at `factor` of the full counts: organisations, units, users, persons, cases and
    their work, meetings, field work and reminders."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accesscontrol.models import Membership, Organisation, Role, Unit, User
    from casework import models
    from casework.blind_indexes import set_person_indexes
    from casework.services.agreements import create_agreement
    from reports.disclosure_control.cell_key import new_statistics_key

    started = time.perf_counter()
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=365 * YEARS_OF_CASEWORK)
    social = Organisation.objects.create(name=f"Socialtjänsten {side}", kind=Organisation.Kind.SOCIAL_SERVICES)
    police = Organisation.objects.create(name=f"Lokalpolisområde {side}", kind=Organisation.Kind.POLICE)
    agreement = create_agreement(
        name=f"Överenskommelse {side}",
        social_services=social,
        police=police,
        starts_on=first_day - datetime.timedelta(days=365),
    )
    case_units = [Unit.objects.create(organisation=social, name=name) for name in CASE_UNITS]
    field_team = Unit.objects.create(organisation=social, name="Fältgruppen")
    youth_police = Unit.objects.create(organisation=police, name="Ungdomsgruppen")

    # The named users, one per role, and the staff of each unit.
    password = make_password(BENCH_PASSWORD)
    police_roles = {Role.POLICE, Role.POLICE_RESPONSIBLE}
    named = {
        role: User.objects.create(
            username=username(side, role),
            password=password,
            first_name=role.replace("_", " ").capitalize(),
            last_name=side.capitalize(),
            email=f"{username(side, role)}@bench.invalid",
            organisation=police if role in police_roles else social,
        )
        for role in Role.values
    }
    staff_per_unit = _count(STAFF_PER_UNIT, factor, least=2)
    staff = User.objects.bulk_create(
        [
            User(
                username=f"{side}-{role}-{unit_index}-{n}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                organisation=police if role == Role.POLICE else social,
            )
            for role, unit_index in [(Role.CASEWORKER, i) for i in range(len(CASE_UNITS))]
            + [(Role.FIELD_WORKER, 0), (Role.POLICE, 0)]
            for n in range(staff_per_unit)
        ]
    )
    _bulk(
        Membership,
        [Membership(user=user, agreement=agreement, role=role) for role, user in named.items()]
        + [Membership(user=user, agreement=agreement, role=user.username.split("-")[1]) for user in staff],
    )
    unit_links = [(named[Role.CASEWORKER], case_units[0]), (named[Role.FIELD_WORKER], field_team)]
    unit_links.append((named[Role.POLICE], youth_police))
    for user in staff:
        role, unit_index = user.username.split("-")[1:3]
        unit = {Role.CASEWORKER: case_units[int(unit_index)], Role.FIELD_WORKER: field_team}.get(role, youth_police)
        unit_links.append((user, unit))
    User.units.through.objects.bulk_create([User.units.through(user=user, unit=unit) for user, unit in unit_links])
    StaticDevice.objects.bulk_create([StaticDevice(user=user, name="bench", confirmed=True) for user in named.values()])
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=user, name="bench", confirmed=True, key=totp_key(user.username)) for user in named.values()]
    )
    caseworkers = {unit.pk: [u for u, linked in unit_links if linked == unit] for unit in case_units}
    field_staff = [u for u, linked in unit_links if linked == field_team]
    police_staff = [u for u, linked in unit_links if linked == youth_police]
    manager = named[Role.SOCIAL_MANAGER]
    _step(f"{side}: agreement and {len(named) + len(staff)} users", started)

    # Persons: real personal numbers, names and contact details, sealed per row; the blind indexes.
    areas = models.Area.objects.bulk_create(
        [models.Area(agreement=agreement, name=f"Område {n + 1}") for n in range(8)]
    )
    persons = []
    for n in range(_count(PERSONS, factor)):
        birth_year = today.year - rng.randint(13, 24)
        person = models.Person(
            agreement=agreement,
            personal_number=personal_number(n, birth_year),
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_year=birth_year,
            gender=rng.choice(models.Gender.values),
            area=rng.choice(areas),
            contact={"telefon": f"070-{rng.randrange(10**7):07d}", "adress": f"Storgatan {rng.randrange(1, 90)}"},
            guardians=[{"namn": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"}],
            statistics_key=new_statistics_key(),
        )
        set_person_indexes(person)
        persons.append(person)
    _bulk(models.Person, persons)
    _step(f"{side}: {len(persons)} persons", started)

    # Meetings every CASES_PER_MEETING cases, over the years of casework; the next one planned.
    case_count = _count(CASES, factor)
    meeting_count = max(4, case_count // CASES_PER_MEETING)
    span = (today - first_day).days
    meetings = [
        models.Meeting(
            agreement=agreement,
            held_on=first_day + datetime.timedelta(days=span * (n + 1) // meeting_count),
            location=f"Stadshuset, rum {rng.randrange(100, 400)}",
            chair=manager,
            held=True,
            reasoning=_text(rng),
            minutes_status=models.Meeting.MinutesStatus.APPROVED,
            approved_at=timezone.now(),
        )
        for n in range(meeting_count)
    ]
    meetings[-1].held_on = today + datetime.timedelta(days=14)
    meetings[-1].held, meetings[-1].minutes_status, meetings[-1].approved_at = False, "draft", None
    _bulk(models.Meeting, meetings)
    held_on = [meeting.held_on for meeting in meetings[:-1]]
    _bulk(
        models.MeetingParticipant,
        [
            models.MeetingParticipant(meeting=meeting, user=user)
            for meeting in meetings
            for user in (manager, named[Role.POLICE], named[Role.CASEWORKER])
        ],
    )

    # Cases: every person one, the first of them a second, older and closed one; spread over the years
    # and the units, proposed by either side, identified at the meeting after their proposal.
    cases, events, items = [], [], []
    for n in range(case_count):
        person = persons[n % len(persons)]
        second = n >= len(persons)
        # A second case is from the first half of the years, so it was identified, and closed since.
        proposed_on = first_day + datetime.timedelta(days=rng.randrange(span // 2 if second else span))
        after = bisect.bisect_right(held_on, proposed_on)
        meeting = meetings[after] if after < len(held_on) else None
        status = "closed" if second else rng.choices(["active", "closed", "not_identified"], [70, 22, 8])[0]
        if meeting is None:
            status = "proposed"
        category = rng.choice(["lifestyle", "svansen", "svansen"])
        unit = rng.choice(case_units)
        kind = rng.choice(["social_services", "social_services", "police"])
        identified = status in ("active", "closed")
        case = models.Case(
            agreement=agreement,
            person=person,
            number=f"{proposed_on.year}-{n + 1:05d}",
            category=category,
            status=status,
            proposed_by=rng.choice(police_staff if kind == "police" else caseworkers[unit.pk]),
            proposed_by_kind=kind,
            proposed_on=proposed_on,
            proposal_reason=_text(rng),
            meeting=meeting if status != "proposed" else None,
            raised_on=meeting.held_on if identified else None,
            identified_category=category if identified else "",
            unit=unit if identified else None,
            caseworker=rng.choice(caseworkers[unit.pk]) if identified else None,
            police_assessment=_text(rng, 1),
            social_assessment=_text(rng, 1) if identified else "",
            records_reference=f"SoC {proposed_on.year}-{rng.randrange(10**5):05d}",
            closed_on=min(today, meeting.held_on + datetime.timedelta(days=rng.randrange(30, 300)))
            if status == "closed"
            else None,
            close_reason="goals_met" if status == "closed" else "",
        )
        cases.append(case)
        events.append(models.CaseEvent(case=case, kind="proposed", occurred_on=proposed_on, by=case.proposed_by))
        if meeting is not None:
            items.append(models.MeetingItem(meeting=meeting, case=case, kind="proposal"))
            events.append(
                models.CaseEvent(
                    case=case,
                    kind="identified" if identified else "not_identified",
                    occurred_on=meeting.held_on,
                    by=manager,
                    note=_text(rng, 1),
                )
            )
        if status == "closed":
            events.append(models.CaseEvent(case=case, kind="closed", occurred_on=case.closed_on, by=manager))
    _bulk(models.Case, cases)
    _bulk(models.CaseEvent, events)
    _bulk(models.MeetingItem, items)
    _step(f"{side}: {len(cases)} cases, {len(events)} events, {len(meetings)} meetings", started)

    # Interventions and follow-ups of the identified cases.
    types = list(models.InterventionType.objects.filter(agreement=agreement))
    interventions, follow_ups = [], []
    for case in cases:
        if not case.raised_on:
            continue
        starts = case.raised_on + datetime.timedelta(days=rng.randrange(30))
        interventions.append(
            models.Intervention(
                case=case,
                intervention_type=rng.choice(types),
                offered_on=case.raised_on,
                response=rng.choice(["accepted", "accepted", "declined", "pending"]),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=rng.randrange(30, 200)),
                provider="Öppenvården",
                occasions=rng.randrange(5, 20),
                note=_text(rng, 1),
                recorded_by=case.caseworker,
            )
        )
        written_on = case.raised_on + datetime.timedelta(days=rng.randrange(90, 180))
        if written_on < today and rng.random() < 0.7:
            follow_ups.append(
                models.FollowUp(
                    case=case,
                    written_on=written_on,
                    youth_view=_text(rng),
                    social_view=_text(rng),
                    police_view=_text(rng, 1),
                    helped=_text(rng, 1),
                    hindered=_text(rng, 1),
                    outcome=rng.choice(models.FollowUp.Outcome.values),
                    author=case.caseworker,
                )
            )
    _bulk(models.Intervention, interventions)
    _bulk(models.FollowUp, follow_ups)
    _step(f"{side}: {len(interventions)} interventions, {len(follow_ups)} follow-ups", started)

    # Field work: contacts over the years, three in four on a svansen case; orossamtal followed up but for
    # the last fortnight's.
    hot_spots = models.HotSpot.objects.bulk_create(
        [
            models.HotSpot(agreement=agreement, name=f"Plats {n + 1}", kind=rng.choice(["school", "public_place"]))
            for n in range(_count(40, factor, least=4))
        ]
    )
    models.HotSpotVisit.objects.bulk_create(
        [
            models.HotSpotVisit(
                hot_spot=rng.choice(hot_spots),
                visited_on=first_day + datetime.timedelta(days=rng.randrange(span)),
                youths_present=rng.randrange(12),
                observations=_text(rng, 1),
                recorded_by=rng.choice(field_staff),
            )
            for _ in range(_count(5_000, factor))
        ],
        batch_size=BATCH,
    )
    svansen = [case for case in cases if case.category == "svansen" and case.raised_on]
    contacts_made = 0
    for first in range(0, _count(CONTACTS, factor), BATCH):
        contacts, follow_ups = [], []
        for _ in range(min(BATCH, _count(CONTACTS, factor) - first)):
            case = rng.choice(svansen) if rng.random() < 0.75 else None
            kind = rng.choice(models.FieldContact.Kind.values)
            occurred_on = first_day + datetime.timedelta(days=rng.randrange(span))
            contact = models.FieldContact(
                agreement=agreement,
                kind=kind,
                case=case,
                anonymous_youths=0 if case else rng.randrange(1, 5),
                occurred_on=occurred_on,
                with_parents=kind == "parent_contact",
                hot_spot=rng.choice(hot_spots),
                area=rng.choice(areas),
                note=_text(rng, 1),
                recorded_by=rng.choice(field_staff),
            )
            contacts.append(contact)
            if kind == "concern_talk" and (today - occurred_on).days > 14:
                follow_ups.append(
                    models.ConcernTalkFollowUp(
                        contact=contact,
                        followed_up_on=occurred_on + datetime.timedelta(days=7),
                        youth_reception=rng.choice(models.ConcernTalkFollowUp.Reception.values),
                        parents_reception="",
                        recorded_by=contact.recorded_by,
                    )
                )
        _bulk(models.FieldContact, contacts)
        _bulk(models.ConcernTalkFollowUp, follow_ups)
        contacts_made += len(contacts)
    _step(f"{side}: {contacts_made} field contacts", started)

    # Reminders: each named user's, the newest unread.
    per_user = _count(NOTIFICATIONS_PER_USER, factor, least=10)
    notifications = [
        models.Notification(
            user=user,
            key=f"bench:{user.username}:{n}",
            kind="follow_up_due",
            text=f"{1 + n % 7} ärenden har uppföljning som närmar sig",
            url="/arenden/",
            read_at=timezone.now() if n < per_user - 5 else None,
        )
        for user in named.values()
        for n in range(per_user)
    ]
    _bulk(models.Notification, notifications)
    _step(f"{side}: {len(notifications)} reminders", started)

    writers = [(u.pk, u.username, u.username.split("-")[1]) for u in staff] + [
        (manager.pk, manager.username, "social_manager")
    ]
    return Side(agreement_id=agreement.pk, staff=writers)


def _log_tables(sides: dict[str, Side]) -> None:
    """Temporary tables the log generators draw from: each side's cases and staff, numbered from 1."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_cases AS SELECT agreement_id, "
            "row_number() OVER (PARTITION BY agreement_id ORDER BY id) AS idx, id AS case_id, person_id, number "
            "FROM casework_case"
        )
        cursor.execute("CREATE INDEX ON bench_cases (agreement_id, idx)")
        cursor.execute(
            "CREATE TEMP TABLE bench_staff (agreement_id bigint, idx int, user_id bigint, username text, role text)"
        )
        for side in sides.values():
            cursor.executemany(
                "INSERT INTO bench_staff VALUES (%s, %s, %s, %s, %s)",
                [(side.agreement_id, n + 1, *writer) for n, writer in enumerate(side.staff)],
            )
        cursor.execute(
            "CREATE TEMP TABLE bench_sides AS SELECT c.agreement_id, count(*) AS cases, "
            "(SELECT count(*) FROM bench_staff s WHERE s.agreement_id = c.agreement_id) AS staff "
            "FROM bench_cases c GROUP BY c.agreement_id"
        )


@contextlib.contextmanager
def _indexes_built_after(cursor, tables: tuple[str, ...]):
    """Drop the tables' indexes that back no constraint, and build them again at the end: one sorted build
    of an index is many times faster than a million inserts into it (random UUIDs, every page touched)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)


def _access_log(sides: dict[str, Side], scale: float) -> None:
    """The access log of both agreements over the last year, in the database: entries of the small side
    every eleventh, so they interleave in time as in a shared log; 4 in 5 a case page (one case and its
    person), 1 in 5 a page of the case list (1–50 cases and their persons)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.models import AccessLogCase, AccessLogEntry, AccessLogPerson

    total = _count(ACCESS_ENTRIES, scale) + _count(ACCESS_ENTRIES, scale * SIDES["small"])
    entries, case_links = AccessLogEntry._meta.db_table, AccessLogCase._meta.db_table
    person_links = AccessLogPerson._meta.db_table
    now = timezone.now()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        _indexes_built_after(cursor, (entries, case_links, person_links)),
    ):
        _log_tables(sides)
        cursor.execute(f"SELECT coalesce(max(seq), 0) FROM {entries}")
        base = cursor.fetchone()[0]
        params = {
            "base": base,
            "total": total,
            "large": sides["large"].agreement_id,
            "small": sides["small"].agreement_id,
            "start": now - datetime.timedelta(days=365),
            "step": 365 * 86400 / total,
        }
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            "CREATE TEMP TABLE bench_entries AS SELECT n, "
            "CASE WHEN n %% 11 = 0 THEN %(small)s ELSE %(large)s END::bigint AS agreement_id "
            "FROM generate_series(1, %(total)s) n",
            params,
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_pick AS SELECT DISTINCT e.n, e.agreement_id, "
            "1 + floor(random() * s.cases)::int AS idx "
            "FROM bench_entries e JOIN bench_sides s USING (agreement_id), "
            "LATERAL generate_series(1, CASE WHEN e.n %% 5 = 0 THEN 1 + (e.n::bigint * 7919) %% 50 ELSE 1 END) k",
            params,
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_named AS SELECT p.n, c.case_id, c.person_id, c.number "
            "FROM bench_pick p JOIN bench_cases c USING (agreement_id, idx)"
        )
        cursor.execute(
            f"INSERT INTO {entries} (id, seq, prev_hash, entry_hash, at, user_id, username, roles, agreement_id, "
            "outcome, page, path, export, case_ids, case_numbers, outside_scope_case_ids, person_ids, "
            "field_classes, session_key_hash, address, request_id) "
            "SELECT %(base)s + e.n, %(base)s + e.n, repeat('0', 64), repeat('1', 64), "
            "%(start)s::timestamptz + make_interval(secs => e.n * %(step)s), "
            "w.user_id, w.username, '[\"' || w.role || '\"]', e.agreement_id, 'shown', "
            "CASE WHEN count(*) > 1 THEN 'casework:case_list' ELSE 'casework:case_detail' END, "
            "CASE WHEN count(*) > 1 THEN '/arenden/' ELSE '/arenden/' || min(i.case_id::text) || '/' END, "
            "false, "
            "'[' || string_agg('\"' || i.case_id || '\"', ',' ORDER BY i.case_id::text) || ']', "
            "'[' || string_agg('\"' || i.number || '\"', ',' ORDER BY i.number) || ']', '[]', "
            "'[' || string_agg(DISTINCT '\"' || i.person_id || '\"', ',') || ']', "
            "'[\"case_frame\",\"identity\"]', md5('session' || e.n %% 997) || md5('s'), '10.0.0.7', md5(e.n::text) "
            "FROM bench_entries e JOIN bench_named i USING (n) "
            "JOIN bench_sides s USING (agreement_id) "
            "JOIN bench_staff w ON w.agreement_id = e.agreement_id AND w.idx = 1 + (e.n::bigint * 7919) %% s.staff "
            "GROUP BY e.n, e.agreement_id, w.user_id, w.username, w.role",
            params,
        )
        cursor.execute(
            f"INSERT INTO {case_links} (entry_id, case_id) SELECT %(base)s + n, case_id FROM bench_named", params
        )
        cursor.execute(
            f"INSERT INTO {person_links} (entry_id, person_id) "
            "SELECT DISTINCT %(base)s + n, person_id FROM bench_named",
            params,
        )
        for table in (entries, case_links, person_links):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("DROP TABLE bench_entries, bench_pick, bench_named")


def _change_log(sides: dict[str, Side], scale: float) -> None:
    """The change log of both agreements over the last year, in the database: changes of cases by the
    staff, each entry with its seal (ChangeLogSeal) continuing the chain's positions."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.models import ChangeLogSeal
    from casework.models import Case

    total = _count(CHANGE_ENTRIES, scale) + _count(CHANGE_ENTRIES, scale * SIDES["small"])
    log, seals = LogEntry._meta.db_table, ChangeLogSeal._meta.db_table
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {log}")
        first_id = cursor.fetchone()[0]
        cursor.execute(f"SELECT coalesce(max(seq), 0) FROM {seals}")
        base_seq = cursor.fetchone()[0]
        params = {
            "first_id": first_id,
            "base_seq": base_seq,
            "total": total,
            "large": sides["large"].agreement_id,
            "small": sides["small"].agreement_id,
            "start": now - datetime.timedelta(days=365),
            "step": 365 * 86400 / total,
            "case_type": ContentType.objects.get_for_model(Case).pk,
        }
        cursor.execute("SELECT setseed(0.1066)")
        cursor.execute(
            f"INSERT INTO {log} (id, content_type_id, object_pk, object_id, object_repr, serialized_data, action, "
            "changes_text, changes, actor_id, cid, remote_addr, remote_port, timestamp, additional_data, actor_email) "
            "SELECT %(first_id)s + e.n, %(case_type)s, c.case_id::text, NULL, 'Ärende ' || c.number, NULL, 1, '', "
            "jsonb_build_object('status', jsonb_build_array('proposed', 'active')), w.user_id, NULL, '10.0.0.7', "
            "NULL, %(start)s::timestamptz + make_interval(secs => e.n * %(step)s), "
            "jsonb_build_object('agreement_id', e.agreement_id, 'roles', jsonb_build_array(w.role)), '' "
            "FROM (SELECT n, CASE WHEN n %% 11 = 0 THEN %(small)s ELSE %(large)s END::bigint AS agreement_id "
            "      FROM generate_series(1, %(total)s) n) e "
            "JOIN bench_sides s USING (agreement_id) "
            "JOIN bench_cases c ON c.agreement_id = e.agreement_id AND c.idx = 1 + (e.n::bigint * 104729) %% s.cases "
            "JOIN bench_staff w ON w.agreement_id = e.agreement_id AND w.idx = 1 + (e.n::bigint * 7919) %% s.staff",
            params,
        )
        cursor.execute(
            f"INSERT INTO {seals} (seq, prev_hash, entry_hash, log_entry_id) "
            "SELECT %(base_seq)s + n, repeat('0', 64), repeat('1', 64), %(first_id)s + n "
            "FROM generate_series(1, %(total)s) n",
            params,
        )
        for table in (log, seals):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def report(dataset: Dataset) -> None:
    from django.db import connection

    how = f"built in {dataset.seconds:.0f} s" if dataset.built_now else f"reused (built in {dataset.seconds:.0f} s)"
    print(f"database {dataset.database} (scale {dataset.scale:g}, generator v{dataset.version}): {how}")
    with connection.cursor() as cursor:
        for label, sql in (
            ("persons", "SELECT agreement_id, count(*) FROM casework_person GROUP BY 1 ORDER BY 1"),
            ("cases", "SELECT agreement_id, count(*) FROM casework_case GROUP BY 1 ORDER BY 1"),
            ("field contacts", "SELECT agreement_id, count(*) FROM casework_fieldcontact GROUP BY 1 ORDER BY 1"),
            ("access-log entries", "SELECT agreement_id, count(*) FROM audit_accesslogentry GROUP BY 1 ORDER BY 1"),
            (
                "change-log entries",
                "SELECT (additional_data->>'agreement_id')::int, count(*) FROM auditlog_logentry GROUP BY 1 ORDER BY 1",
            ),
        ):
            cursor.execute(sql)
            counts = " / ".join(f"{count:,}" for agreement, count in cursor.fetchall() if agreement is not None)
            print(f"  {label:<20} {counts}  (large / small)")
    print(f"users (password {BENCH_PASSWORD!r}, static device 'bench', TOTP key bench.scale.totp_key(username)):")
    print("  " + " ".join(dataset.users()))


def from_command_line(description: str) -> Dataset:
    """The dataset a bench's command line asks for (--scale, --database): Django pointed at it, built or
    reused, and what it holds printed. Every bench on this dataset starts here."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--database", help=f"the database's name (default $BENCH_DATABASE or {DEFAULT_DATABASE})")
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        sys.exit("--scale is a fraction of the full size: 0 < F ≤ 1.")
    name = configure(args.scale, args.database)
    dataset = ensure(args.scale, name)
    report(dataset)
    return dataset


def main() -> None:
    from_command_line(__doc__.splitlines()[0])


if __name__ == "__main__":
    main()
