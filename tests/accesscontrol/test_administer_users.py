"""The sysadmin creates users (unusable password, e-mailed one-time link), sets units and roles, and resets
a lost login; nobody changes their own roles; other agreements' people are out of reach. Roles that read
personal data, and new addresses and resets of their holders, wait for the manager's approval
(tests/accesscontrol/test_access_approvals.py)."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu.exceptions import OperationalError

from accesscontrol import services as access
from accesscontrol.actor import actor_for
from accesscontrol.approvals import services as approvals
from accesscontrol.models import AccessRequest, Membership, Role, User
from accesscontrol.tasks import send_owed_password_links, send_set_password_link
from tests.conftest import verified_client
from tests.factories import people_for

pytestmark = pytest.mark.django_db


def new_user_data(people, **changes):
    return {
        "username": "nyanstalld",
        "first_name": "Nina",
        "last_name": "Nyberg",
        "email": "nina.nyberg@kommun.example.se",
        "title": "Handläggare",
        "organisation": people.agreement.social_services.pk,
        "units": [people.open_care.pk],
        "roles": [Role.CASEWORKER],
        **changes,
    }


def approve_all(people) -> None:
    """The social manager approves what the sysadmin asked for."""
    manager = actor_for(people.manager, people.agreement)
    for request in AccessRequest.objects.filter(status=AccessRequest.Status.PENDING):
        approvals.approve(actor=manager, request=request)


def link_in(mail) -> str:
    return re.search(r"http\S+/login/losenord/\S+/", mail.body).group(0)


def test_a_new_user_gets_an_unusable_password_and_a_one_time_link(
    login, people, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(people.sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("administration:users_create"), new_user_data(people))
    assert response.status_code == 302
    user = User.objects.get(username="nyanstalld")
    assert not user.has_usable_password()
    assert list(user.units.all()) == [people.open_care]
    # The caseworker role reads personal data: it waits for the social manager's approval.
    assert not Membership.objects.filter(user=user).exists()
    approve_all(people)
    assert list(Membership.objects.filter(user=user).values_list("agreement", "role")) == [
        (people.agreement.pk, Role.CASEWORKER)
    ]
    [mail] = mailoutbox
    assert mail.to == ["nina.nyberg@kommun.example.se"]
    link = link_in(mail)
    # The new user follows the link, chooses a password, and the link is dead afterwards.
    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    assert form_page.context["validlink"]
    password = "ett-nytt-langt-losenord-2026"
    done = newcomer.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    assert done.url == reverse("accesscontrol:login")
    signed_in = newcomer.post(reverse("accesscontrol:login"), {"username": "nyanstalld", "password": password})
    assert signed_in.url == reverse("accesscontrol:second_factor")  # next: enrol the authenticator app
    assert not Client().get(link, follow=True).context["validlink"]


def test_the_set_password_page_applies_the_password_rules(
    people, mailoutbox, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(people.sysadmin).post(reverse("administration:users_create"), new_user_data(people))
    newcomer = Client()
    form_page = newcomer.get(link_in(mailoutbox[0]), follow=True)
    refused = newcomer.post(form_page.redirect_chain[-1][0], {"new_password1": "kort", "new_password2": "kort"})
    assert refused.status_code == 200 and refused.context["form"].errors["new_password2"]
    assert not User.objects.get(username="nyanstalld").has_usable_password()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"username": "CHEF"}, "username"),
        ({"email": "CHEF@example.org"}, "email"),
        ({"email": ""}, "email"),
        ({"organisation": 999999}, "organisation"),
    ],
    ids=["taken-username", "taken-email", "no-email", "foreign-organisation"],
)
def test_it_refuses_bad_input_and_creates_nobody(login, people, mailoutbox, changes, field):
    people.manager.username = "chef"
    people.manager.email = "chef@example.org"
    people.manager.save()
    before = User.objects.count()
    response = login(people.sysadmin).post(reverse("administration:users_create"), new_user_data(people, **changes))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert User.objects.count() == before and not mailoutbox


def test_the_units_of_another_agreement_cannot_be_chosen(login, people, other_agreement):
    foreign = people_for(other_agreement)
    response = login(people.sysadmin).post(
        reverse("administration:users_create"), new_user_data(people, units=[foreign.investigation.pk])
    )
    assert "units" in response.context["form"].errors


def test_the_sysadmin_changes_roles_and_units(login, people):
    url = reverse("administration:users_edit", kwargs={"user_id": people.caseworker.pk})
    data = new_user_data(
        people, username=people.caseworker.username, email="ny@example.org", roles=[Role.FIELD_WORKER],
        units=[people.field_team.pk], is_active="on",
    )  # fmt: skip
    assert login(people.sysadmin).post(url, data).status_code == 302
    # The caseworker role goes at once; the field worker role and the new address wait for approval.
    assert not Membership.objects.filter(user=people.caseworker).exists()
    people.caseworker.refresh_from_db()
    assert people.caseworker.email != "ny@example.org"
    approve_all(people)
    assert set(Membership.objects.filter(user=people.caseworker).values_list("role", flat=True)) == {"field_worker"}
    people.caseworker.refresh_from_db()
    assert people.caseworker.email == "ny@example.org"
    assert list(people.caseworker.units.all()) == [people.field_team]


def test_a_sysadmin_cannot_change_their_own_roles(login, people):
    url = reverse("administration:users_edit", kwargs={"user_id": people.sysadmin.pk})
    data = new_user_data(
        people, username=people.sysadmin.username, email=people.sysadmin.email, units=[],
        roles=[Role.SYSADMIN, Role.SOCIAL_MANAGER], is_active="on",
    )  # fmt: skip
    response = login(people.sysadmin).post(url, data)
    assert response.status_code == 200
    assert "egna roller" in response.context["form"].errors["roles"][0]
    assert set(Membership.objects.filter(user=people.sysadmin).values_list("role", flat=True)) == {"sysadmin"}


def test_a_sysadmin_cannot_deactivate_themselves(login, people):
    url = reverse("administration:users_edit", kwargs={"user_id": people.sysadmin.pk})
    data = new_user_data(people, username=people.sysadmin.username, email=people.sysadmin.email, units=[],
                         roles=[Role.SYSADMIN])  # fmt: skip
    response = login(people.sysadmin).post(url, data)
    assert "is_active" in response.context["form"].errors
    people.sysadmin.refresh_from_db()
    assert people.sysadmin.is_active


def test_people_of_another_agreement_are_out_of_reach(login, people, outsider):
    client = login(people.sysadmin)
    assert outsider.username not in client.get(reverse("administration:users_list")).content.decode()
    assert client.get(reverse("administration:users_edit", kwargs={"user_id": outsider.pk})).status_code == 404
    assert client.post(reverse("administration:users_reset", kwargs={"user_id": outsider.pk})).status_code == 404


def test_an_account_shared_with_an_agreement_the_sysadmin_does_not_administer_is_not_changed(
    login, people, other_agreement
):
    access.grant_role(user=people.police, agreement=other_agreement, role=Role.POLICE)
    url = reverse("administration:users_edit", kwargs={"user_id": people.police.pk})
    data = new_user_data(people, username=people.police.username, email="annan@example.org", units=[],
                         roles=[Role.POLICE], is_active="on")  # fmt: skip
    response = login(people.sysadmin).post(url, data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    people.police.refresh_from_db()
    assert people.police.email != "annan@example.org"


def test_resetting_a_login_removes_every_factor_and_sends_a_new_link(
    login, people, mailoutbox, django_capture_on_commit_callbacks
):
    victim = people.caseworker
    TOTPDevice.objects.create(user=victim, name="App", confirmed=True)
    their_session = verified_client(Client(), victim)
    assert their_session.get(reverse("accesscontrol:start")).status_code == 200
    AccessAttempt.objects.create(username=victim.username, ip_address="10.0.0.1", failures_since_start=9)
    response = login(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": victim.pk}))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(people)  # a caseworker's login is reset once the social manager approves
    victim.refresh_from_db()
    assert not victim.has_usable_password()
    assert not TOTPDevice.objects.filter(user=victim).exists() and not StaticDevice.objects.filter(user=victim).exists()
    assert not AccessAttempt.objects.filter(username=victim.username).exists()
    assert mailoutbox[0].to == [victim.email]
    # The open session ends: the password hash it was bound to is gone.
    assert their_session.get(reverse("accesscontrol:start")).url.startswith(reverse("accesscontrol:login"))


def test_a_sysadmin_cannot_reset_their_own_login(login, people):
    client = login(people.sysadmin)
    response = client.post(reverse("administration:users_reset", kwargs={"user_id": people.sysadmin.pk}), follow=True)
    assert "egen inloggning" in response.content.decode()
    people.sysadmin.refresh_from_db()
    assert people.sysadmin.has_usable_password()


def test_no_link_is_sent_to_a_user_who_already_chose_a_password(people, mailoutbox):
    User.objects.filter(pk=people.caseworker.pk).update(password_link_due_since=timezone.now())
    send_set_password_link(people.caseworker.pk)
    assert mailoutbox == []
    assert User.objects.get(pk=people.caseworker.pk).password_link_due_since is None


def test_a_link_is_sent_once(people, mailoutbox):
    user = people.caseworker
    User.objects.filter(pk=user.pk).update(password_link_due_since=timezone.now())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    send_set_password_link(user.pk)
    send_set_password_link(user.pk)  # the same message delivered twice
    assert len(mailoutbox) == 1


def test_a_user_created_while_the_broker_is_down_gets_the_link_from_the_sweep(
    login, people, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_set_password_link, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.sysadmin).post(reverse("administration:users_create"), new_user_data(people))
    assert response.status_code == 302  # the page works without the broker
    user = User.objects.get(username="nyanstalld")
    assert user.password_link_due_since is not None and mailoutbox == []

    monkeypatch.undo()  # the broker is back
    assert send_owed_password_links() == 0  # too fresh: its message may still be on the way
    User.objects.filter(pk=user.pk).update(password_link_due_since=timezone.now() - datetime.timedelta(minutes=3))
    assert send_owed_password_links() == 1  # what beat runs every five minutes
    [mail] = mailoutbox
    assert mail.to == ["nina.nyberg@kommun.example.se"] and link_in(mail)
    assert User.objects.get(pk=user.pk).password_link_due_since is None
    assert send_owed_password_links() == 0
