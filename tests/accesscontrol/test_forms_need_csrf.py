"""No view is exempt from CSRF protection: a POST without the token is refused before any view runs,
for every URL pattern of the project (Client(enforce_csrf_checks=True))."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accesscontrol.url_matrix import project_patterns, url_of
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
PATTERNS = project_patterns()


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_a_post_without_the_csrf_token_is_refused(pattern, world):
    client = verified_client(Client(enforce_csrf_checks=True), world.people.sysadmin)
    response = client.post(url_of(pattern, world), {})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_the_same_post_with_the_token_gets_through(world):
    client = verified_client(Client(enforce_csrf_checks=True), world.people.sysadmin)
    page = client.get(reverse("administration:organisations_create"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("administration:organisations_create"),
        {"name": "Polisen Nyby", "kind": "police", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
