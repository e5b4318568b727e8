"""The production rehearsal's two halves in Python (deploy/rehearsal.sh runs the processes):

    python -m deploy.rehearsal prepare CREDENTIALS_FILE
        (Samsyn's production environment) an agreement with an encrypted person and case, and a
        social manager with a known password and a confirmed TOTP device; writes them to
        CREDENTIALS_FILE (mode 0600) for the visit.
    python -m deploy.rehearsal visit BASE_URL CREDENTIALS_FILE CA_FILE
        (no Django) signs in through HTTPS like a browser (password, then the TOTP code computed
        from the device's key), opens the start page and its stylesheet, opens the case page (decrypted
        with the production keys), asks for a long report and downloads it once the worker has built it,
        waits for the beat's heartbeat in /healthz, and reads /metrics with its token.

Each step of the visit is a function in VISIT; a step raises RehearsalFailed with what it saw.
"""

import json
import os
import re
import secrets
import sys
import time
from pathlib import Path

from deploy.drill import write_sample

SOCIAL_MANAGER = "generalrepetition-chef"
BEAT_DEADLINE_SECONDS = 90


class RehearsalFailed(Exception):
    """A step of the production rehearsal did not do what production must do."""


def prepare(credentials_file: Path) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accesscontrol import services as access_services
    from accesscontrol.models import Role, User
    from casework.models import Case

    sample = write_sample(first_name="Greta", last_name="Generalsson", agreement_name="Generalrepetitionen")
    agreement = Case.objects.get(pk=sample["case_id"]).agreement
    password = secrets.token_urlsafe(18)
    user = User.objects.create_user(
        username=SOCIAL_MANAGER,
        password=password,
        first_name="Rune",
        last_name="Repetitionsson",
        organisation=agreement.social_services,
    )
    access_services.grant_role(user=user, agreement=agreement, role=Role.SOCIAL_MANAGER)
    device = TOTPDevice.objects.create(user=user, name="Generalrepetitionen", confirmed=True)
    credentials = {
        "username": user.username,
        "password": password,
        "full_name": user.get_full_name(),
        "totp_key": device.key,
        "sample": sample,
    }
    fd = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(credentials, handle)
    return credentials


# --- the visit -----------------------------------------------------------------------------------------


def _form_post(session, url: str, data: dict):
    """GET a form page, then POST it with its CSRF token, as a browser does (Referer included)."""
    page = session.get(url)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not match:
        raise RehearsalFailed(f"GET {url}: {page.status_code}, no form with a CSRF token")
    return session.post(url, data={**data, "csrfmiddlewaretoken": match[1]}, headers={"Referer": url})


def sign_in(session, base: str, credentials: dict) -> str:
    from django_otp.oath import TOTP

    after_password = _form_post(
        session, f"{base}/login/", {"username": credentials["username"], "password": credentials["password"]}
    )
    if not after_password.url.endswith("/login/tvafaktor/"):
        raise RehearsalFailed(f"the password step ended on {after_password.url} ({after_password.status_code})")
    code = f"{TOTP(bytes.fromhex(credentials['totp_key'])).token():06d}"
    after_code = _form_post(session, f"{base}/login/tvafaktor/", {"token": code})
    if after_code.url != f"{base}/" or after_code.status_code != 200:
        raise RehearsalFailed(f"the second factor ended on {after_code.url} ({after_code.status_code})")
    cookies = sorted(cookie.name for cookie in session.cookies if cookie.secure)
    return f"signed in with password and TOTP; secure cookies {', '.join(cookies)}"


def start_page(session, base: str, credentials: dict) -> str:
    page = session.get(f"{base}/")
    if page.status_code != 200 or f"Välkommen, {credentials['full_name']}" not in page.text:
        raise RehearsalFailed(f"the start page: {page.status_code}, no welcome for {credentials['full_name']}")
    stylesheet = re.search(r'href="(/static/samsyn/samsyn\.[0-9a-f]{12}\.css)"', page.text)
    if not stylesheet:
        raise RehearsalFailed("the start page links no hashed stylesheet (collectstatic, WhiteNoise)")
    css = session.get(f"{base}{stylesheet[1]}", headers={"Accept-Encoding": "br, gzip"})
    if css.status_code != 200 or "immutable" not in css.headers.get("Cache-Control", ""):
        raise RehearsalFailed(f"{stylesheet[1]}: {css.status_code} {css.headers.get('Cache-Control')}")
    # A search-like request: its query string must not reach the access log (rehearsal.sh checks).
    session.get(f"{base}/", params={"q": credentials["sample"]["personal_number"]})
    return f"start page for {credentials['full_name']}, {stylesheet[1]} ({css.headers.get('Content-Encoding')})"


def beat_heartbeat(session, base: str, credentials: dict) -> str:
    deadline = time.monotonic() + BEAT_DEADLINE_SECONDS
    while True:
        health = session.get(f"{base}/healthz").json()
        if health.get("beat") == "ok":
            break
        if time.monotonic() > deadline:
            raise RehearsalFailed(f"no beat heartbeat within {BEAT_DEADLINE_SECONDS} s: {health}")
        time.sleep(2)
    if (health["status"], health["database"], health["broker"]) != ("ok", "ok", "ok"):
        raise RehearsalFailed(f"/healthz: {health}")
    return f"/healthz {health}"


def metrics(session, base: str, credentials: dict) -> str:
    token = Path(os.environ["SAMSYN_METRICS_TOKEN_FILE"]).read_text().strip()
    refused = session.get(f"{base}/metrics", headers={"Authorization": "Bearer wrong"})
    response = session.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"})
    if refused.status_code != 403 or response.status_code != 200:
        raise RehearsalFailed(f"/metrics: wrong token {refused.status_code}, right token {response.status_code}")
    body = response.text
    if credentials["sample"]["last_name"] in body or credentials["sample"]["personal_number"] in body:
        raise RehearsalFailed("/metrics shows personal data")
    served = re.findall(r'django_http_responses_total_by_status_view_method_total\{[^}]*view="([^"]+)"', body)
    return f"/metrics (all gunicorn workers) counted views: {', '.join(sorted(set(served)))}"


def case_page(session, base: str, credentials: dict) -> str:
    sample = credentials["sample"]
    page = session.get(f"{base}/arenden/{sample['case_id']}/")
    name = f"{sample['first_name']} {sample['last_name']}"
    if page.status_code != 200 or name not in page.text:
        raise RehearsalFailed(
            f"the case page: {page.status_code}, the decrypted name {'is' if name in page.text else 'is not'} shown"
        )
    return f"case page of {sample['case_id']} with the decrypted name"


def report_build(session, base: str, credentials: dict) -> str:
    """Ask for a long report, wait while the worker builds it, and download the sealed file."""
    year = time.localtime().tm_year
    asked = _form_post(
        session,
        f"{base}/rapporter/langa/",
        {"kind": "follow_up", "file_format": "pdf", "first_year": year, "last_year": year},
    )
    job = re.search(r"/rapporter/langa/([0-9a-f-]{36})/", asked.url)
    if asked.status_code != 200 or not job:
        raise RehearsalFailed(f"asking for a report ended on {asked.url} ({asked.status_code})")
    deadline = time.monotonic() + 120
    while (status := session.get(f"{base}/rapporter/langa/{job[1]}/status/").json())["status"] != "done":
        if status["status"] == "failed" or time.monotonic() > deadline:
            raise RehearsalFailed(f"the worker did not build the report: {status}")
        time.sleep(1)
    document = session.get(f"{base}/rapporter/langa/{job[1]}/fil/")
    if document.status_code != 200 or not document.content.startswith(b"%PDF"):
        raise RehearsalFailed(f"the report file: {document.status_code} {document.headers.get('Content-Type')}")
    return f"report {job[1]} built by the worker, {len(document.content)} bytes of PDF"


VISIT = [sign_in, start_page, case_page, report_build, beat_heartbeat, metrics]


def visit(base: str, credentials_file: Path, ca_file: Path) -> None:
    import requests

    credentials = json.loads(credentials_file.read_text())
    with requests.Session() as session:
        # Only the rehearsal's own certificate, and no proxy or CA bundle from the environment.
        session.trust_env = False
        session.verify = str(ca_file)
        for step in VISIT:
            started = time.monotonic()
            outcome = step(session, base, credentials)
            print(f"  {step.__name__} ({time.monotonic() - started:.1f} s): {outcome}", flush=True)


def main(argv: list[str]) -> int:
    if argv[1:2] == ["prepare"] and len(argv) == 3:
        import config.wsgi  # noqa: F401 - Samsyn's start-up: settings, apps, the keyring check

        prepare(Path(argv[2]))
        return 0
    if argv[1:2] == ["visit"] and len(argv) == 5:
        try:
            visit(argv[2].rstrip("/"), Path(argv[3]), Path(argv[4]))
        except RehearsalFailed as exc:
            print(f"rehearsal step failed: {exc}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
