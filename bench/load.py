"""The load test (`make bench-load`; not a timed test, it prints figures).

Serves Samsyn as deployed, with gunicorn (deploy/gunicorn.conf.py) and production settings, on 127.0.0.1,
and lets locust (bench/load_users.py, headless) send it 1, 4 and then 16 concurrent users for a bounded
time each, every user a person of one role reading that role's pages. Prints, per number of users and
page type, requests per second, the 50th, 95th and 99th percentile and the errors; beside the figures at
16 users the goal of issue 20: p95 under 300 ms for the case page and the case list, no errors. Then the
machine's load while each stage ran, and gunicorn's CPU time per request: on a machine shared with other
work the latencies say how busy it was, the CPU time what a page costs. gunicorn is stopped at the end,
whatever happened.

Production, not a copy of it: SAMSYN_ENV=production with every check of `config.settings.production_problems`
(DEBUG off, a secret key, keyrings from files, ALLOWED_HOSTS, HTTPS-only cookies), and HSTS and the HTTPS
redirect at their production defaults. Over plain HTTP on 127.0.0.1 the requests carry what the deploy's
proxy (deploy/Caddyfile) adds, X-Forwarded-Proto: https and X-Forwarded-For, which production trusts
(SECURE_PROXY_SSL_HEADER, SAMSYN_PROXY_HOPS=1 as in deploy/compose.yaml). Static files are collected into
var/bench-load/static, as the image does. Variables that would weaken these settings are not passed on.

The data: the dataset of bench/scale.py, the large municipality (built first if it is not there, reused if
it is; BENCH_SCALE and BENCH_DATABASE as there), in the agreement with the most cases ("large") unless
BENCH_LOAD_AGREEMENT names another. gunicorn opens its values with the development keyrings in var/keys
that bench/scale.py sealed them with, given as production's keyring files (SAMSYN_ENCRYPTION_KEYS_FILE and
SAMSYN_BLIND_INDEX_KEYS_FILE, when set, are used instead).

Signing in: no one clicks through the login here. For up to BENCH_LOAD_SESSIONS users of each role the
bench writes a session as `django.contrib.auth.login` and the second-factor step leave it (the user, the
backend, the password hash, the verified OTP device, the sign-in time, the agreement), with a fresh
SECRET_KEY that gunicorn is given too; the sessions are deleted at the end. A user without a confirmed
device gets a static one named "bench-load".

Settings, from the environment: DATABASE_URL (PostgreSQL: its server) and REDIS_URL, required;
BENCH_LOAD_SECONDS per stage (default 30); BENCH_LOAD_USERS (default "1,4,16"); BENCH_LOAD_SESSIONS
(default 4); BENCH_LOAD_THINK, the
seconds a user waits between pages, "low-high" (default "0": every user asks for the next page as soon as
the last one came, the heaviest load 16 users can make); WEB_CONCURRENCY and the other variables of
deploy/gunicorn.conf.py.
"""

import csv
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import scale  # noqa: E402

WORK_DIR = BASE_DIR / "var" / "bench-load"
GOAL_P95_MS = 300
GOAL_PAGES = ("ärendelista", "ärendesida")
# Variables that would turn a production setting off (config/settings.py); never inherited by this run.
WEAKENING = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SAMSYN_BEHIND_PROXY",
    "SECURE_HSTS_SECONDS",
    "SAMSYN_DEMO_SECOND_FACTOR_HINTS",
)


def production_environment(port: int, database_url: str) -> dict[str, str]:
    """The environment of this process and of gunicorn: production settings on 127.0.0.1:port."""
    environment = {name: value for name, value in os.environ.items() if name not in WEAKENING}
    keys = BASE_DIR / "var" / "keys"
    environment.setdefault("SAMSYN_ENCRYPTION_KEYS_FILE", str(keys / "encryption.keys"))
    environment.setdefault("SAMSYN_BLIND_INDEX_KEYS_FILE", str(keys / "blind_index.keys"))
    environment.update(
        SAMSYN_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        SAMSYN_BASE_URL=f"https://127.0.0.1:{port}",
        # As deploy/compose.yaml runs the web service.
        DATABASE_CONN_MAX_AGE=environment.get("DATABASE_CONN_MAX_AGE", "60"),
        SAMSYN_PROXY_HOPS="1",
        PROMETHEUS_MULTIPROC_DIR=str(WORK_DIR / "prometheus"),
        STATIC_ROOT=str(WORK_DIR / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the visitors: sessions and the cases each may open ----------------------------------------------------


def bench_agreement():
    from django.db.models import Count

    from casework.models import Agreement

    agreements = Agreement.objects.annotate(case_count=Count("cases")).order_by("-case_count", "pk")
    if name := os.environ.get("BENCH_LOAD_AGREEMENT"):
        agreements = agreements.filter(name=name)
    agreement = agreements.first()
    if agreement is None:
        sys.exit(f"No agreement named {os.environ['BENCH_LOAD_AGREEMENT']!r} in the dataset.")
    return agreement


def signed_in_session(user, agreement) -> str:
    """A session as the password step and the second factor leave it; its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
    from django_otp.plugins.otp_static.models import StaticDevice

    from accesscontrol.middleware import SIGNED_IN_AT

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db", "the sessions are written here"
    device = next(devices_for_user(user, confirmed=True), None) or StaticDevice.objects.create(
        user=user, name="bench-load", confirmed=True
    )
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = time.time()
    session["agreement_id"] = agreement.pk
    session.create()
    return session.session_key


def visitors(agreement, per_role: int) -> dict[str, list[dict]]:
    """For each role the load test plays, up to `per_role` users of the agreement holding it: a signed-in
    session, a sample of the cases they may open, and how many pages their case list has."""
    from django.conf import settings

    from accesscontrol.actor import actor_for
    from accesscontrol.models import Membership, Role
    from accesscontrol.scoping import scope_cases
    from casework.models import Case
    from casework.selectors.cases import case_list_query
    from config.paging import PER_PAGE

    plan = {}
    for role in (Role.CASEWORKER, Role.SOCIAL_MANAGER, Role.POLICE, Role.FIELD_WORKER):
        members = Membership.objects.filter(agreement=agreement, role=role, user__is_active=True)
        users = [membership.user for membership in members.select_related("user").order_by("user__username")]
        plan[role.value] = []
        for user in users[:per_role]:
            actor = actor_for(user, agreement)
            cases = scope_cases(Case.objects.all(), actor).order_by("?").values_list("pk", flat=True)[:500]
            listed = case_list_query(actor=actor).count() if role != Role.FIELD_WORKER else 0
            plan[role.value].append(
                {
                    "username": user.username,
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user, agreement)}",
                    "cases": [str(pk) for pk in cases],
                    "list_pages": math.ceil(listed / PER_PAGE),
                }
            )
        if role != Role.FIELD_WORKER:
            # A role whose users open no case cannot play its part.
            plan[role.value] = [visitor for visitor in plan[role.value] if visitor["cases"]]
    return plan


def delete_sessions(plan: dict[str, list[dict]]) -> None:
    from django.contrib.sessions.models import Session

    keys = [visitor["cookie"].split("=", 1)[1] for role in plan.values() for visitor in role]
    Session.objects.filter(session_key__in=keys).delete()


# --- gunicorn --------------------------------------------------------------------------------------------


def start_gunicorn(environment: dict[str, str], port: int, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode}); see {log.name}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 - our own server
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit(f"gunicorn did not answer /healthz within 60 s; see {log.name}")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL after the graceful timeout."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(pids) -> dict[int, float]:
    """CPU time so far of each of these processes that still runs."""
    import psutil

    seconds = {}
    for pid in pids:
        try:
            seconds[pid] = sum(psutil.Process(pid).cpu_times()[:2])
        except psutil.NoSuchProcess:
            continue
    return seconds


def gunicorn_processes(server: subprocess.Popen) -> list[int]:
    import psutil

    return [server.pid] + [child.pid for child in psutil.Process(server.pid).children(recursive=True)]


def database_backends() -> list[int]:
    """The PostgreSQL server processes serving the load test's database (gunicorn's connections, kept
    for DATABASE_CONN_MAX_AGE), this process's own left out. The server runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def cpu_used(before: dict[int, float], pids) -> float:
    """CPU seconds of `pids` since `before` (a process started since counts from zero; one that ended since
    is lost: gunicorn's workers and their connections live through a stage)."""
    return sum(now - before.get(pid, 0.0) for pid, now in cpu_seconds(pids).items())


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [float(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# --- one stage -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFigures:
    page: str
    requests: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class Stage:
    users: int
    pages: list[PageFigures]
    seconds: float
    machine_busy: float  # share of all cores' time busy, the whole machine (other work on it included)
    gunicorn_cpu: float  # CPU seconds of gunicorn's master and workers
    database_cpu: float  # CPU seconds of the PostgreSQL processes serving them
    locust_cpu: float  # CPU seconds of locust
    load_average: float  # 1-minute load average at the end

    @property
    def requests(self) -> int:
        return sum(figures.requests for figures in self.pages if figures.page == "alla sidor")

    def ms_per_request(self, cpu_seconds: float) -> float:
        """CPU time per request: what a page costs, however loaded the machine is."""
        return 1000 * cpu_seconds / max(self.requests, 1)


def run_locust(users: int, seconds: int, port: int, plan_file: Path, prefix: Path) -> list[PageFigures]:
    command = [sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "load_users.py"), "--headless"]
    command += ["--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10"]
    command += ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--exit-code-on-error", "0"]
    # locust's own summary would repeat the table below in another form; it goes to a log beside the CSV.
    with open(f"{prefix}.log", "w") as log:
        environment = os.environ | {"BENCH_LOAD_VISITORS": str(plan_file)}
        subprocess.run(command, env=environment, check=True, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return [
            PageFigures(
                page="alla sidor" if row["Name"] == "Aggregated" else row["Name"],
                requests=int(row["Request Count"]),
                errors=int(row["Failure Count"]),
                per_second=float(row["Requests/s"]),
                p50=float(row["50%"]),
                p95=float(row["95%"]),
                p99=float(row["99%"]),
            )
            for row in csv.DictReader(handle)
        ]


def run_stage(users: int, seconds: int, port: int, plan_file: Path, server: subprocess.Popen) -> Stage:
    import resource

    busy_before, total_before = machine_busy()
    gunicorn_before = cpu_seconds(gunicorn_processes(server))
    database_before = cpu_seconds(database_backends())
    locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    pages = run_locust(users, seconds, port, plan_file, WORK_DIR / f"locust-{users}")
    elapsed = time.monotonic() - started
    locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after, total_after = machine_busy()
    return Stage(
        users=users,
        pages=pages,
        seconds=elapsed,
        machine_busy=(busy_after - busy_before) / (total_after - total_before),
        gunicorn_cpu=cpu_used(gunicorn_before, gunicorn_processes(server)),
        database_cpu=cpu_used(database_before, database_backends()),
        locust_cpu=sum(locust_after[:2]) - sum(locust_before[:2]),
        load_average=os.getloadavg()[0],
    )


def verdict(stage: Stage, figures: PageFigures, goal_users: int) -> str:
    """The goal beside the figures at the goal's number of users."""
    if stage.users != goal_users:
        return ""
    parts = []
    if figures.page in GOAL_PAGES:
        parts.append(f"p95 < {GOAL_P95_MS} ms " + ("met" if figures.p95 < GOAL_P95_MS else "NOT MET"))
    parts.append("no errors " + ("met" if figures.errors == 0 else "NOT MET"))
    return ", ".join(parts)


def print_report(stages: list[Stage], goal_users: int, think: str) -> None:
    print(f"\nthink time between pages: {think} s; {os.environ.get('WEB_CONCURRENCY', '3')} gunicorn workers")
    print(f"{'users':>5}  {'page':<12} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  errors")
    for stage in stages:
        for figures in sorted(stage.pages, key=lambda figures: (figures.page == "alla sidor", figures.page)):
            print(
                f"{stage.users:>5}  {figures.page:<12} {figures.requests:>8} {figures.per_second:>7.1f}"
                f" {figures.p50:>7.0f} {figures.p95:>7.0f} {figures.p99:>7.0f}  {figures.errors:>6}"
                f"  {verdict(stage, figures, goal_users)}"
            )
    print(f"\n{'users':>5}  machine busy  load average  gunicorn cores  locust cores   CPU ms per request")
    print(f"{'':>5}  {'':>12}  {'(1 min, end)':>12}  {'':>14}  {'':>12}   gunicorn  PostgreSQL")
    for stage in stages:
        print(
            f"{stage.users:>5}  {stage.machine_busy:>12.0%}  {stage.load_average:>12.2f}"
            f"  {stage.gunicorn_cpu / stage.seconds:>14.2f}  {stage.locust_cpu / stage.seconds:>12.2f}"
            f"   {stage.ms_per_request(stage.gunicorn_cpu):>8.1f}  {stage.ms_per_request(stage.database_cpu):>10.1f}"
        )


def main() -> None:
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
    user_counts = [int(count) for count in os.environ.get("BENCH_LOAD_USERS", "1,4,16").split(",")]
    think = os.environ.get("BENCH_LOAD_THINK", "0")
    low, _, high = think.partition("-")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("bench-load serves production settings: set DATABASE_URL to PostgreSQL and REDIS_URL.")
    # The dataset is built (or found built) in development settings, by its own process.
    scale_factor = os.environ.get("BENCH_SCALE", "1")
    subprocess.run([sys.executable, "-m", "bench.scale", "--scale", scale_factor], cwd=BASE_DIR, check=True)  # noqa: S603
    server_url = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(server_url._replace(path="/" + scale.database_name(float(scale_factor))))
    port = free_port()
    environment = production_environment(port, database_url)
    os.environ.clear()
    os.environ.update(environment)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    # A stop from outside (make interrupted, a timeout) still ends in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    agreement = bench_agreement()
    plan = visitors(agreement, int(os.environ.get("BENCH_LOAD_SESSIONS", "4")))
    print(f"{agreement.name}: " + ", ".join(f"{len(users)} {role}" for role, users in plan.items()))
    plan_file = WORK_DIR / "visitors.json"
    plan_file.write_text(json.dumps({"think": [float(low), float(high or low)], "visitors": plan}))
    server = None
    try:
        with open(WORK_DIR / "gunicorn.log", "w") as log:
            server = start_gunicorn(os.environ.copy(), port, log)
            # Workers import, connect and read their templates before the first stage counts.
            run_locust(max(user_counts), 5, port, plan_file, WORK_DIR / "locust-warm-up")
            stages = [run_stage(users, seconds, port, plan_file, server) for users in user_counts]
    finally:
        if server is not None:
            stop(server)
        delete_sessions(plan)
        plan_file.unlink(missing_ok=True)
    print_report(stages, goal_users=16, think=think)


if __name__ == "__main__":
    main()
