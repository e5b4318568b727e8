"""Every demo role signs in with both factors, lands on its start page, and the page passes axe."""

import pytest

from accesscontrol.models import Role, User
from casework import demo
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_users(demo_once):
    demo_once(lambda: demo.build_demo(seed=7))
    return {user.username: user for user in User.objects.all()}


@pytest.mark.parametrize("username, spec", [(spec[0], spec) for spec in demo.DEMO_USERS])
def test_each_role_signs_in_and_sees_its_start_page(page, demo_users, username, spec):
    user = demo_users[username]
    sign_in(page, user, demo.DEMO_PASSWORD)
    role_label = str(Role(spec[4][0]).label)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    assert page.get_by_role("heading", level=2, name=role_label).is_visible()
    assert role_label in page.locator("header").inner_text()
    assert_accessible(page)


def test_the_login_page_is_accessible(page):
    page.goto("/login/")
    assert_accessible(page)
