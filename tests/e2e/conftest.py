"""Browser tests: Playwright drives the system Chromium; axe-core checks WCAG 2.1 A/AA on every page."""

import datetime
import os
import re
import shutil
import sqlite3

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import factories
from tests.accesscontrol.factories import build_world
from tests.conftest import IN_CI

_NAVIGATED_AWAY = re.compile(r"documentElement|Execution context was destroyed|navigat", re.IGNORECASE)

CHROMIUM = os.environ.get("SAMSYN_CHROMIUM", "/usr/bin/chromium")
# A click returns before the page it opens has loaded, so the tests assert with expect(), which waits. On a
# loaded 2-core CI machine a PDF or a statistics page can take longer than Playwright's default 5 s.
expect.set_options(timeout=20_000)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only the violations are asked for: every rule still runs, but the passing nodes are not collected and sent.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"CI needs Chromium at {CHROMIUM} for the browser tests.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the browser lives; the tests' ORM
    # calls are ordinary sync code. Set only for the browser's lifetime, so no subprocess inherits it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _cookies_outlive_a_past_today(settings):
    """Chromium keeps the real clock. On a --today in the past, a cookie that expires twelve hours after
    that day has long expired for the browser, which would drop it: the session and CSRF cookies then
    last until the browser closes (docs/testing.md)."""
    import time_machine
    from django.utils import timezone

    if not time_machine.escape_hatch.is_travelling():
        return
    real_now = time_machine.escape_hatch.datetime.datetime.now(datetime.UTC)
    if timezone.now() < real_now - datetime.timedelta(hours=1):
        settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
        settings.CSRF_COOKIE_AGE = None


@pytest.fixture(scope="module")
def _demo_snapshots():
    snapshots = {}
    yield snapshots
    for snapshot, _built in snapshots.values():
        snapshot.close()


@pytest.fixture
def demo_once(request, _demo_snapshots, live_server, transactional_db):
    """`demo_once(build)` makes the module's data once and gives every test of the module the same database
    and the same `build()` result: the first test runs `build` (e.g. `demo.build_demo(seed=7)`, some 10 s)
    and copies the database aside; each later test gets that copy back, in milliseconds, with the objects
    the first build returned (their rows are in the copy under the same keys). A browser test needs
    committed data (the live server reads it), so the usual rollback cannot share it, and each test's data
    is flushed after it as before. The copy is SQLite's backup API on the in-memory test database (the
    embedded default, where `make test` spends its time); on PostgreSQL every test builds its own."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    def once(build):
        connection.ensure_connection()
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return build()
        key = request.module.__name__
        if key in _demo_snapshots:
            snapshot, built = _demo_snapshots[key]
            snapshot.backup(connection.connection)
            ContentType.objects.clear_cache()  # the flush after the last test made them anew
            return built
        built = build()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _demo_snapshots[key] = (snapshot, built)
        return built

    return once


@pytest.fixture
def url_world(demo_once):
    """`url_world(*usernames)`: the records the URL × role matrix points at (build_world), with the people of
    both agreements, built once per module; the named users have an enrolled authenticator app."""

    def build(*with_app):
        agreement = factories.AgreementFactory(name="Överenskommelse Landskrona")
        other_agreement = factories.AgreementFactory(name="Överenskommelse Grannkommunen")
        people = factories.people_for(agreement)
        outsider = factories.user_with_roles(other_agreement, "social_manager", username="utomstaende")
        for name in with_app:
            TOTPDevice.objects.create(user=getattr(people, name), name="Autentiseringsapp", confirmed=True)
        return build_world(people, outsider)

    return lambda *with_app: demo_once(lambda: build(*with_app))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def sign_in(page, user, password):
    """Both login steps, as a person would do them."""
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill(current_code(user))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/login/" not in url)  # signed in before the test goes on


def assert_accessible(page):
    """Zero WCAG 2.1 A/AA violations on the current page, by axe-core."""
    from axe_playwright_python.sync_playwright import Axe

    # A click returns before the navigation it starts has committed: axe run in between finds no document
    # ("Cannot read properties of null (reading 'documentElement')", seen in CI). Wait until the page that
    # is showing has loaded; if a navigation still replaces it under axe, check the new page once it loads.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page, options=AXE_OPTIONS)
            break
        except PlaywrightError as navigated:
            if attempt == 2 or not _NAVIGATED_AWAY.search(str(navigated)):
                raise
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
