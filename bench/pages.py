"""Benchmark: every list page costs O(page size) (issue 20, point 1). Goal: the same page of a list at the
large agreement ≤ 1.2× at the small one, a tenth its size.

    DATABASE_URL=postgres://… python -m bench.pages [--scale F]

Runs on the dataset of bench/scale.py (built or reused first), through Django's test Client in this
process against that database: the whole request, middleware, access-log write and template included.
For each list, the user `large-<role>` and the user `small-<role>` ask for the same address (the list's
first page, its default filters and sorting) and the two are timed back to back, BENCH_ROUNDS rounds
(bench.table.interleaved_ratios). The lists: the case list, the meetings, the field work, the auditor's
access log and change log, each for every role that may open it (the URL × role matrix of the tests), and
the reminders (the same page for every role) for the caseworker. Beside each ratio, the queries of one request at
each size, which find an N+1 before a profile does.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scale  # noqa: E402
from bench.table import Row, interleaved_ratios, print_table  # noqa: E402

GOAL = 1.2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 9))


@dataclass(frozen=True)
class ListPage:
    label: str
    route: str
    role: str


def list_pages() -> list[ListPage]:
    """Each list for every role that may open it, as the URL × role matrix of the tests declares
    (tests/accesscontrol/url_matrix.py); the reminders, the same page for every role, for one."""
    from accesscontrol.models import Role
    from tests.accesscontrol.url_matrix import MATRIX

    lists = (
        ("case list", "casework:case_list"),
        ("meetings", "casework:meeting_list"),
        ("field work", "casework:field_home"),
        ("access log", "audit:access_log"),
        ("change log", "audit:change_log"),
    )
    pages = [
        ListPage(label, route, role)
        for label, route in lists
        for role, outcome in MATRIX[route].items()
        if role in Role.values and outcome == 200
    ]
    return [*pages, ListPage("reminders", "reminders:list", Role.CASEWORKER)]


def signed_in(username: str):
    """A test Client signed in as a generated user, both login steps done (its static device "bench")."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from accesscontrol.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=user, name="bench").persistent_id
    session.save()
    return client


def _getter(username: str, url: str):
    client = signed_in(username)

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} to {username}")
        return response

    return get


def _queries(get) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get()
    return len(captured)


def measure(page: ListPage, rounds: int = ROUNDS) -> Row:
    from django.urls import reverse

    url = reverse(page.route)
    large = _getter(scale.username("large", page.role), url)
    small = _getter(scale.username("small", page.role), url)
    samples = interleaved_ratios(large, small, rounds=rounds)
    return Row(
        what=f"{page.label}, {page.role}: large / small",
        samples=samples,
        goal=GOAL,
        unit_note=f"queries {_queries(large)} / {_queries(small)}",
    )


def rows() -> list[Row]:
    """The ratio of every list page (Django already pointed at the dataset: bench.scale.configure/ensure)."""
    return [measure(page) for page in list_pages()]


def main() -> None:
    scale.from_command_line(__doc__.splitlines()[0])
    print_table(rows())


if __name__ == "__main__":
    main()
