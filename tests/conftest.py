"""Shared fixtures: one user per role in agreement A, a second agreement B with its own people,
clients that have passed both login steps, and the rules for tests that need real services."""

import contextlib
import os

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from accesscontrol.models import Role
from tests import factories
from tests.clock import TODAY_ENV, start_travel, travel_destination

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# --today: the whole suite as if it were that day. Tests that depend on the date pin it themselves with
# time_machine.travel (the one clock tool of the suite); everything else must pass on any day, which
# .ci/run proves by running the date-sensitive folders on the days a year goes wrong (docs/testing.md).
def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD[THH:MM[+HH:MM]]",
        default=os.environ.get(TODAY_ENV) or None,
        help=f"run the suite as if it were this day, at 12:00 Swedish time unless a time is given "
        f"(also ${TODAY_ENV}); the clock keeps ticking from there",
    )


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # pytest-xdist's workers share one Redis: each keeps its cache keys apart ("gw0:1:<key>"), so one
        # worker emptying its cache before a test (_empty_cache) never resets another's throttle counts.
        settings.CACHES["default"]["KEY_PREFIX"] = worker
    value = config.getoption("--today")
    if value:
        try:
            travel_destination(value)
        except ValueError as error:
            raise pytest.UsageError(f"--today={value}: expected YYYY-MM-DD or an ISO date and time") from error
        # Sets $SAMSYN_TEST_TODAY too: the processes the tests start (xdist's, the Celery worker) travel along.
        config.add_cleanup(start_travel(value).stop)


def pytest_report_header(config):
    value = config.getoption("--today")
    if value:
        return f"today: {travel_destination(value).isoformat()} (--today={value})"
    return None


def services_available() -> tuple[bool, str]:
    if not settings.IS_POSTGRES:
        return False, "DATABASE_URL does not point to PostgreSQL"
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    return True, ""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test creates a cast of users; PBKDF2's deliberate slowness (0.3 s a user) is not under test.
    The production hasher's settings are checked by tests/foundation/test_production_settings.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _weasyprint_loads() -> bool:
    from config.pdf import load_weasyprint

    try:
        load_weasyprint()
    except OSError:
        return False
    return True


WEASYPRINT_LOADS = _weasyprint_loads()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the statistics API's cached tables and its throttle's counts
    are keyed by ids that another test's database reuses. On Redis, which is also the broker, only the
    cache's own keys are deleted (Django's key format, "<worker>:1:<key>"), never the broker's."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=cache.make_key("*")):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _pdf_needs_pango(monkeypatch):
    """Outside CI, on a machine without the system's Pango, a test that makes a PDF skips with a reason
    (as the browser tests do without Chromium). In CI, Pango is installed and a PDF test never skips."""
    if WEASYPRINT_LOADS or IN_CI:
        return

    def skip():
        pytest.skip("makes a PDF: needs the system's Pango (apt install libpango-1.0-0 libpangoft2-1.0-0)")

    monkeypatch.setattr("config.pdf.load_weasyprint", skip)


def pytest_runtest_setup(item):
    if item.get_closest_marker("services"):
        ok, why = services_available()
        if not ok:
            if IN_CI:
                pytest.fail(f"CI needs the real services for this test: {why}")
            pytest.skip(f"needs PostgreSQL and Redis: {why}")


def _commits(item) -> bool:
    """A test whose data is committed (a browser's live server, a real worker, a transactional test): the
    database is emptied after it, so nothing built once for its module can be kept open around it."""
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server", "celery_worker"} & set(getattr(item, "fixturenames", ()))
    )


CAST_MODULES = pytest.StashKey[set]()


def pytest_collection_modifyitems(config, items):
    modules = {item.module.__name__ for item in items if item.module and "people" in item.fixturenames}
    # A module's cast is in the database for all of its tests: not where one needs an empty installation.
    excluded = {
        item.module.__name__
        for item in items
        if item.module and (_commits(item) or item.get_closest_marker("empty_installation"))
    }
    config.stash[CAST_MODULES] = modules - excluded


@pytest.fixture(scope="module", autouse=True)
def _module_cast(request, django_db_blocker):
    """The agreement and its one user per role, built once per test module that uses them (built_once):
    building them takes longer than most tests (sixty change-log entries, sealed in the chain), and
    thousands of tests use them unchanged. `agreement` and `people` hand each test fresh instances of the
    same rows, and the test's own changes roll back. Autouse, so that it is open before any test's own
    transaction. A module with a test that commits, or one marked `empty_installation` (it asserts that
    nobody exists yet), builds its cast per test instead."""
    if request.module.__name__ not in request.config.stash.get(CAST_MODULES, set()):
        yield None
        return
    request.getfixturevalue("django_db_setup")
    with built_once(django_db_blocker):
        agreement = factories.AgreementFactory(name="Överenskommelse Landskrona")
        yield factories.people_for(agreement)


def _fresh(instance):
    return type(instance).objects.get(pk=instance.pk)


@pytest.fixture
def agreement(request, db, _module_cast):
    # The cast's agreement only where the test takes the cast (`people`) too: a test of the bare agreement
    # sees no users it did not make.
    if _module_cast is not None and "people" in request.fixturenames:
        return _fresh(_module_cast.agreement)
    return factories.AgreementFactory(name="Överenskommelse Landskrona")


@pytest.fixture
def other_agreement(db):
    return factories.AgreementFactory(name="Överenskommelse Grannkommunen")


@pytest.fixture
def people(agreement, _module_cast):
    """One user per role in `agreement`, named so tests read like the feature; `people.agreement` is
    `agreement`. Built once per module (`_module_cast`) unless the module has a test that commits."""
    if _module_cast is None:
        return factories.people_for(agreement)
    fresh = {name: _fresh(value) for name, value in vars(_module_cast).items() if name != "agreement"}
    return type(_module_cast)(agreement=agreement, **fresh)


@pytest.fixture
def outsider(other_agreement):
    """A social manager of the other agreement: must never see anything of `agreement`."""
    return factories.user_with_roles(other_agreement, Role.SOCIAL_MANAGER, username="utomstaende")


def verified_client(client, user):
    """A test client signed in with password and second factor."""
    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@contextlib.contextmanager
def built_once(django_db_blocker):
    """For a fixture of module or class scope: what it builds in this block is in the database for each of its
    tests and gone after the last. The block is a transaction rolled back at the end; each test runs in a
    savepoint inside it, so whatever a test changes is gone before the next one. The fixture should hand each
    test fresh instances (read again by primary key), so that no test sees another's unsaved changes."""
    from django.db import transaction
    from django.test.utils import override_settings

    # The users' passwords are not what these tests are about; PBKDF2 would cost seconds.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The records the URL samples point at (tests/accesscontrol/url_matrix.py): an agreement with one user
    per role (`world.people`, its own: not the `people` of the function-scoped fixtures), an outsider of
    another agreement and a quarter of casework (tests/accesscontrol/factories.build_world), built once per
    test module (built_once)."""
    from django.test import Client

    from accesscontrol.actor import system_changes_for
    from accesscontrol.models import User
    from tests.accesscontrol.factories import build_world

    with built_once(django_db_blocker):
        agreement = factories.AgreementFactory(name="Överenskommelse Landskrona")
        other_agreement = factories.AgreementFactory(name="Överenskommelse Grannkommunen")
        outsider = factories.user_with_roles(other_agreement, Role.SOCIAL_MANAGER, username="utomstaende")
        # The world's change-log entries belong to its agreement, as a request's or a job's would.
        with system_changes_for(agreement.pk):
            built = build_world(factories.people_for(agreement), outsider)
        # Each user of the world signed in once (both steps), for the tests that visit as each of them in turn
        # (tests/accesscontrol/test_url_matrix.client_for): a session per visit cost more than the visit.
        users = [value for value in vars(built.people).values() if isinstance(value, User)] + [outsider]
        built.sessions = {user.pk: verified_client(Client(), user).cookies for user in users}
        yield built


@pytest.fixture
def login(client):
    def _login(user):
        return verified_client(client, user)

    return _login


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_services(request):
    """Tests run tasks in-process, except service tests, which send them to the real worker."""
    from config.celery import app

    eager = request.node.get_closest_marker("services") is None or not settings.REDIS_URL
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


def test_database_url() -> str:
    """The DATABASE_URL of the test database, for processes the tests start (workers)."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(*, name: str, loglevel: str = "WARNING", output=None, **env):
    """A real Celery worker process on the test database (and the broker of REDIS_URL unless `env` says
    otherwise); returns once it answers a ping, so a test's first task is not lost."""
    import subprocess
    import sys
    import time

    from config.celery import app

    worker = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [
            sys.executable,
            "-m",
            "tests.clock",  # the Celery command line, on the suite's --today
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            f"--loglevel={loglevel}",
            f"--hostname={name}-{time.monotonic_ns()}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        env={**os.environ, "DATABASE_URL": test_database_url(), **env},
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("the Celery worker did not start")
    return worker


def stop_worker(worker) -> None:
    worker.terminate()
    worker.wait(timeout=30)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database and the Redis broker (service tests only)."""
    ok, why = services_available()
    if not ok:
        pytest.skip(f"needs PostgreSQL and Redis: {why}")
    worker = start_worker(name="samsyn-test")
    yield worker
    stop_worker(worker)
