"""Every URL pattern of the project, requested by every kind of visitor, answers as url_matrix.py declares.
A pattern missing from the matrix fails here: declare it there (the format is at the top of that file)."""

from urllib.parse import urlparse

import pytest
from django.test import Client

from tests.accesscontrol.url_matrix import MATRIX, OPTIONAL, Redirect, project_patterns, url_of
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

PATTERNS = project_patterns()
USER_OF = {
    "social_manager": "manager",
    "caseworker": "caseworker",
    "field_worker": "field_worker",
    "police": "police",
    "management": "management",
    "sysadmin": "sysadmin",
    "auditor": "auditor",
}


def client_for(world, visitor) -> Client:
    if visitor == "anonymous":
        return Client()
    user = world.outsider if visitor == "outsider" else getattr(world.people, USER_OF[visitor])
    return verified_client(Client(), user)


def describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


def answers_as_declared(response, expected, world) -> bool:
    if isinstance(expected, Redirect):
        return response.status_code == 302 and urlparse(response["Location"]).path == expected.path(world)
    return response.status_code == expected


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_url_answers_each_visitor_as_declared(pattern, world):
    if pattern.key not in MATRIX:
        pytest.fail(
            f"The URL {pattern.key!r} ({pattern.route}) is not declared in tests/accesscontrol/url_matrix.py. "
            f"Decide who may see it and add one line to MATRIX, for example:\n"
            f'    "{pattern.key}": expect(403, social_manager=200),'
        )
    url = url_of(pattern, world)
    wrong = []
    for visitor, expected in MATRIX[pattern.key].items():
        response = client_for(world, visitor).get(url)
        if not answers_as_declared(response, expected, world):
            wrong.append(f"  {visitor}: declared {expected}, got {describe(response)}")
    assert not wrong, f"GET {url}\n" + "\n".join(wrong)


def test_the_matrix_declares_only_urls_that_exist():
    stale = set(MATRIX) - {p.key for p in PATTERNS} - OPTIONAL
    assert not stale, f"declared in url_matrix.py but not in the URLconf (remove them): {sorted(stale)}"


def test_the_walk_reaches_included_modules():
    keys = {p.key for p in PATTERNS}
    assert {"healthz", "set_language", "accesscontrol:login", "disclosures:index", "administration:index"} <= keys
