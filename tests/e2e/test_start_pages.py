"""Every demo role signs in with both factors, lands on its start page, and the page passes axe."""

import re

import pytest
from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Välkommen"))
    expect(page.get_by_role("heading", level=2, name=role_label)).to_be_visible()
    expect(page.locator("header")).to_contain_text(role_label)
    assert_accessible(page)


def test_the_login_page_is_accessible(page):
    page.goto("/login/")
    assert_accessible(page)
