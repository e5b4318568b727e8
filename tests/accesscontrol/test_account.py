"""A signed-in user's own page: recovery codes left, and new ones for a current code from the app."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import second_factor
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_app(people):
    device = TOTPDevice.objects.create(user=people.manager, name="Autentiseringsapp", confirmed=True)
    old_codes = second_factor.replace_recovery_codes(people.manager)
    return device, old_codes


def current(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_shows_how_many_recovery_codes_are_left(login, people, with_app):
    response = login(people.manager).get(reverse("accesscontrol:account"))
    assert response.status_code == 200
    assert response.context["codes_left"] == second_factor.RECOVERY_CODES


def test_new_recovery_codes_replace_the_old_ones(login, people, with_app):
    device, old_codes = with_app
    response = login(people.manager).post(reverse("accesscontrol:account"), {"token": current(device)})
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == second_factor.RECOVERY_CODES
    stored = set(StaticToken.objects.filter(device__user=people.manager).values_list("token", flat=True))
    assert stored == set(new_codes) and stored.isdisjoint(old_codes)


@pytest.mark.parametrize("token", ["000000", "abcdef12"])
def test_it_refuses_new_codes_without_a_current_app_code(login, people, with_app, token):
    _, old_codes = with_app
    response = login(people.manager).post(reverse("accesscontrol:account"), {"token": token})
    assert response.context["form"].errors["token"]
    stored = set(StaticToken.objects.filter(device__user=people.manager).values_list("token", flat=True))
    assert stored == set(old_codes)


def test_the_account_page_needs_both_factors(client, people):
    assert client.get(reverse("accesscontrol:account")).url.startswith(reverse("accesscontrol:login"))
    client.force_login(people.manager)
    assert client.get(reverse("accesscontrol:account")).url == reverse("accesscontrol:second_factor")


def test_the_form_needs_the_csrf_token(people, with_app):
    device, old_codes = with_app
    client = verified_client(Client(enforce_csrf_checks=True), people.manager)
    assert client.post(reverse("accesscontrol:account"), {"token": current(device)}).status_code == 403
