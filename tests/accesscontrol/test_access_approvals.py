"""Issue 19, point 2: a sysadmin cannot take over a user. A role that needs approval (every role but the
sysadmin's), and a new e-mail address or a reset login of a user holding one, take effect only when the
social manager (social services' roles) or the police's responsible (police roles) of the agreement
approves them in Samsyn; the old address is told; the request, the decision and the change are in the
change log; nobody decides a request about themselves or one they made."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol import policies
from accesscontrol import services as access
from accesscontrol.actor import actor_for
from accesscontrol.approvals import selectors as approval_rules
from accesscontrol.approvals import services as approvals
from accesscontrol.models import AccessRequest, Membership, Role, User
from tests.accesscontrol.test_administer_users import new_user_data
from tests.conftest import verified_client
from tests.factories import AgreementFactory, people_for, user_with_roles

pytestmark = pytest.mark.django_db

Status = AccessRequest.Status


@pytest.fixture
def police_responsible(people):
    return user_with_roles(
        people.agreement, Role.POLICE_RESPONSIBLE, username="polischef", organisation=people.agreement.police
    )


def as_user(user) -> Client:
    return verified_client(Client(), user)


def edit_url(user) -> str:
    return reverse("administration:users_edit", kwargs={"user_id": user.pk})


def edit_data(people, user, **changes) -> dict:
    roles = list(Membership.objects.filter(user=user, agreement=people.agreement).values_list("role", flat=True))
    data = new_user_data(
        people, username=user.username, email=user.email, first_name=user.first_name, last_name=user.last_name,
        organisation=user.organisation_id or "", units=[unit.pk for unit in user.units.all()], roles=roles,
        is_active="on",
    )  # fmt: skip
    return {**data, **changes}


def decide(approver, request, decision):
    url = reverse("approvals:decide", kwargs={"access_request_id": request.pk})
    return as_user(approver).post(url, {"decision": decision}, follow=True)


def roles_of(user, agreement) -> set[str]:
    return set(Membership.objects.filter(user=user, agreement=agreement).values_list("role", flat=True))


# --- the takeover is refused without approval -------------------------------------------------------------


def test_a_new_e_mail_address_of_a_caseworker_does_not_take_effect_by_the_sysadmin_alone(people, mailoutbox):
    victim = people.caseworker
    old = victim.email
    response = as_user(people.sysadmin).post(edit_url(victim), edit_data(people, victim, email="angripare@example.org"))
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.email == old
    request = AccessRequest.objects.get(user=victim)
    assert (request.kind, request.status, request.email, request.side) == (
        "email", Status.PENDING, "angripare@example.org", "social_services"
    )  # fmt: skip
    assert mailoutbox == []


def test_a_reset_by_the_sysadmin_alone_changes_nothing(people, mailoutbox, django_capture_on_commit_callbacks):
    victim = people.caseworker
    TOTPDevice.objects.create(user=victim, name="App", confirmed=True)
    url = reverse("administration:users_reset", kwargs={"user_id": victim.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(people.sysadmin).post(url, follow=True)
    assert "väntar på chefens beslut" in response.content.decode()
    victim.refresh_from_db()
    assert victim.has_usable_password() and TOTPDevice.objects.filter(user=victim).exists()
    assert mailoutbox == []
    assert AccessRequest.objects.get(user=victim).kind == "reset"


@pytest.mark.parametrize("role", sorted(policies.NEEDS_APPROVAL))
def test_a_new_user_with_a_role_that_needs_approval_gets_it_only_pending(people, role):
    response = as_user(people.sysadmin).post(
        reverse("administration:users_create"), new_user_data(people, roles=[role], units=[]), follow=True
    )
    assert "väntar på beslut" in response.content.decode()
    user = User.objects.get(username="nyanstalld")
    assert roles_of(user, people.agreement) == set()
    [request] = AccessRequest.objects.filter(user=user)
    assert (request.kind, request.roles, request.status) == ("roles", [role], Status.PENDING)


def test_the_sysadmin_role_is_granted_by_the_sysadmin_alone(people):
    as_user(people.sysadmin).post(reverse("administration:users_create"), new_user_data(people, roles=[Role.SYSADMIN]))
    assert roles_of(User.objects.get(username="nyanstalld"), people.agreement) == {Role.SYSADMIN}
    assert not AccessRequest.objects.exists()


def test_a_role_given_to_an_existing_user_is_pending_and_a_role_taken_away_goes_at_once(people):
    user = people.caseworker
    data = edit_data(people, user, roles=[Role.FIELD_WORKER])
    as_user(people.sysadmin).post(edit_url(user), data)
    assert roles_of(user, people.agreement) == set()
    assert AccessRequest.objects.get(user=user).roles == [Role.FIELD_WORKER]


def test_an_account_with_roles_of_both_parties_cannot_be_changed_by_one_approver(people):
    access.grant_role(user=people.police, agreement=people.agreement, role=Role.CASEWORKER)
    response = as_user(people.sysadmin).post(
        reverse("administration:users_reset", kwargs={"user_id": people.police.pk}), follow=True
    )
    assert "ingen enskild chef" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_a_login_in_another_administered_agreement_is_approved_there(people, agreement):
    """The sysadmin acts in their first agreement; the user's roles are in the second, which they also
    administer: the request waits for the second agreement's social manager, not for nobody."""
    second = AgreementFactory(name="Andra", social_services=agreement.social_services, police=agreement.police)
    access.grant_role(user=people.sysadmin, agreement=second, role=Role.SYSADMIN)
    worker = user_with_roles(second, Role.CASEWORKER, username="andra-handl", organisation=agreement.social_services)
    sysadmin = actor_for(people.sysadmin, agreement)
    from casework.administration import services as administration

    request = administration.reset_login(actor=sysadmin, user=worker)
    assert (request.agreement, request.status) == (second, Status.PENDING)
    assert not approval_rules.decidable_requests(actor=actor_for(people.manager, agreement)).exists()


# --- the approval carries it out; a rejection does not ---------------------------------------------------


def test_the_social_manager_approves_a_new_address_and_the_old_address_is_told(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    victim = people.caseworker
    old = victim.email
    as_user(people.sysadmin).post(edit_url(victim), edit_data(people, victim, email="ny.adress@kommun.example.se"))
    request = AccessRequest.objects.get(user=victim)
    listing = as_user(people.manager).get(reverse("approvals:list")).content.decode()
    assert "ny.adress@kommun.example.se" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(people.manager, request, "approve")
    assert "godkänd och genomförd" in response.content.decode()
    victim.refresh_from_db()
    assert victim.email == "ny.adress@kommun.example.se"
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (Status.APPROVED, people.manager)
    [notice] = mailoutbox
    assert notice.to == [old]
    assert "ny.adress@kommun.example.se" in notice.body and old in notice.body


def test_an_approved_reset_is_carried_out_and_the_address_is_told(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    victim = people.caseworker
    TOTPDevice.objects.create(user=victim, name="App", confirmed=True)
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": victim.pk}))
    with django_capture_on_commit_callbacks(execute=True):
        decide(people.manager, AccessRequest.objects.get(user=victim), "approve")
    victim.refresh_from_db()
    assert not victim.has_usable_password() and not TOTPDevice.objects.filter(user=victim).exists()
    assert sorted(mail.subject for mail in mailoutbox) == [
        "Din inloggning i Samsyn är återställd",
        "Välj lösenord för Samsyn",
    ]
    assert all(mail.to == [victim.email] for mail in mailoutbox)


def test_an_approved_role_is_granted(people):
    as_user(people.sysadmin).post(reverse("administration:users_create"), new_user_data(people))
    user = User.objects.get(username="nyanstalld")
    decide(people.manager, AccessRequest.objects.get(user=user), "approve")
    assert roles_of(user, people.agreement) == {Role.CASEWORKER}


def test_a_rejection_changes_nothing(people, mailoutbox, django_capture_on_commit_callbacks):
    victim = people.caseworker
    old = victim.email
    as_user(people.sysadmin).post(edit_url(victim), edit_data(people, victim, email="angripare@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(people.manager, AccessRequest.objects.get(user=victim), "reject")
    assert "Ändringen är avslagen." in response.content.decode()
    victim.refresh_from_db()
    assert victim.email == old and mailoutbox == []
    assert AccessRequest.objects.get(user=victim).status == Status.REJECTED
    # A decided request is not decided again.
    again = decide(people.manager, AccessRequest.objects.get(user=victim), "approve")
    assert "redan beslutad" in again.content.decode()
    victim.refresh_from_db()
    assert victim.email == old


def test_an_address_changed_since_the_request_is_refused(people):
    victim = people.caseworker
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": victim.pk}))
    User.objects.filter(pk=victim.pk).update(email="annan@example.org")
    response = decide(people.manager, AccessRequest.objects.get(user=victim), "approve")
    assert "har ändrats sedan" in response.content.decode()
    assert AccessRequest.objects.get(user=victim).status == Status.PENDING
    victim.refresh_from_db()
    assert victim.has_usable_password()


def test_an_unknown_decision_changes_nothing(people):
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": people.caseworker.pk}))
    response = decide(people.manager, AccessRequest.objects.get(), "kanske")
    assert "Välj om du godkänner eller avslår" in response.content.decode()
    assert AccessRequest.objects.get().status == Status.PENDING


# --- who decides -----------------------------------------------------------------------------------------


def test_the_approver_may_not_decide_a_request_about_themselves(people):
    other_manager = user_with_roles(people.agreement, Role.SOCIAL_MANAGER, username="chef2")
    manager = people.manager
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": manager.pk}))
    request = AccessRequest.objects.get(user=manager)
    response = decide(manager, request, "approve")
    assert "gäller dig själv" in response.content.decode()
    manager.refresh_from_db()
    assert manager.has_usable_password() and AccessRequest.objects.get().status == Status.PENDING
    decide(other_manager, request, "approve")
    manager.refresh_from_db()
    assert not manager.has_usable_password()


def test_the_requester_cannot_approve_their_own_request(people):
    """A sysadmin who is also social manager (a small municipality) makes the request; another decides."""
    access.grant_role(user=people.sysadmin, agreement=people.agreement, role=Role.SOCIAL_MANAGER)
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": people.caseworker.pk}))
    response = decide(people.sysadmin, AccessRequest.objects.get(), "approve")
    assert "begärde ändringen själv" in response.content.decode()
    assert AccessRequest.objects.get().status == Status.PENDING


def test_police_roles_are_approved_by_the_polices_responsible_not_the_social_manager(people, police_responsible):
    officer = people.police
    old = officer.email
    as_user(people.sysadmin).post(edit_url(officer), edit_data(people, officer, email="ny.polis@polisen.example.se"))
    request = AccessRequest.objects.get(user=officer)
    assert request.side == "police"
    # The social manager neither sees nor decides it.
    assert "ny.polis" not in as_user(people.manager).get(reverse("approvals:list")).content.decode()
    assert decide(people.manager, request, "approve").status_code == 404
    officer.refresh_from_db()
    assert officer.email == old
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        approvals.approve(actor=actor_for(people.manager, people.agreement), request=request)
    # The police's responsible does.
    decide(police_responsible, request, "approve")
    officer.refresh_from_db()
    assert officer.email == "ny.polis@polisen.example.se"


def test_a_new_police_officer_is_approved_by_the_polices_responsible(people, police_responsible):
    data = new_user_data(people, roles=[Role.POLICE], units=[], organisation=people.agreement.police_id)
    as_user(people.sysadmin).post(reverse("administration:users_create"), data)
    request = AccessRequest.objects.get()
    assert approval_rules.pending_count(actor=actor_for(police_responsible, people.agreement)) == 1
    assert approval_rules.pending_count(actor=actor_for(people.manager, people.agreement)) == 0
    decide(police_responsible, request, "approve")
    assert roles_of(request.user, people.agreement) == {Role.POLICE}


def test_mixed_roles_are_split_between_the_two_approvers(people, police_responsible):
    as_user(people.sysadmin).post(
        reverse("administration:users_create"), new_user_data(people, roles=[Role.CASEWORKER, Role.POLICE])
    )
    assert sorted(AccessRequest.objects.values_list("side", "roles")) == [
        ("police", ["police"]), ("social_services", ["caseworker"])
    ]  # fmt: skip


def test_another_agreements_approver_sees_nothing(people, outsider):
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": people.caseworker.pk}))
    request = AccessRequest.objects.get()
    assert as_user(outsider).get(reverse("approvals:list")).status_code == 200
    assert decide(outsider, request, "approve").status_code == 404


def test_the_start_page_tells_the_approver_what_waits(people):
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": people.caseworker.pk}))
    start = as_user(people.manager).get(reverse("accesscontrol:start")).content.decode()
    assert "1 ändring av behörigheter väntar på ditt beslut" in start
    assert reverse("approvals:list") in start


# --- the change log --------------------------------------------------------------------------------------


def test_the_request_the_decision_and_the_change_are_in_the_change_log(people):
    victim = people.caseworker
    as_user(people.sysadmin).post(edit_url(victim), edit_data(people, victim, email="ny.adress@kommun.example.se"))
    request = AccessRequest.objects.get(user=victim)
    decide(people.manager, request, "approve")
    request_type = ContentType.objects.get_for_model(AccessRequest)
    entries = LogEntry.objects.filter(content_type=request_type, object_pk=str(request.pk)).order_by("pk")
    assert [(e.action, e.actor) for e in entries] == [
        (LogEntry.Action.CREATE, people.sysadmin), (LogEntry.Action.UPDATE, people.manager),
        (LogEntry.Action.UPDATE, people.manager),
    ]  # fmt: skip
    # The decision, and the notice it owes the user's old address (due, a bulk write the change log sees).
    decision = next(e for e in entries[1:] if "status" in e.changes_dict)
    assert decision.changes_dict["status"] == ["pending", "approved"]
    assert ["notice_due_since"] in [list(e.changes_dict) for e in entries]
    changed = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(victim.pk), action=LogEntry.Action.UPDATE,
        changes__icontains="ny.adress",
    )  # fmt: skip
    assert changed.actor == people.manager


def test_a_rejection_is_in_the_change_log(people):
    as_user(people.sysadmin).post(reverse("administration:users_reset", kwargs={"user_id": people.caseworker.pk}))
    request = AccessRequest.objects.get()
    decide(people.manager, request, "reject")
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessRequest), object_pk=str(request.pk)
    ).latest("pk")
    assert entry.actor == people.manager and entry.changes_dict["status"] == ["pending", "rejected"]


# --- the first approver of an agreement ------------------------------------------------------------------


def test_the_first_social_manager_is_carried_out_by_operations_and_only_while_there_is_none(people):
    """A fresh agreement between the same parties has no social manager to approve its first one."""
    fresh = people_for(AgreementFactory(name="Ny överenskommelse"))
    Membership.objects.filter(agreement=fresh.agreement, role=Role.SOCIAL_MANAGER).delete()
    sysadmin = actor_for(fresh.sysadmin, fresh.agreement)
    from casework.administration import services as administration

    administration.update_user(
        actor=sysadmin, user=fresh.manager, organisation=fresh.manager.organisation, units=[],
        roles=[Role.SOCIAL_MANAGER], email=fresh.manager.email, username=fresh.manager.username,
    )  # fmt: skip
    assert roles_of(fresh.manager, fresh.agreement) == set()
    call_command("grant_first_approver", fresh.manager.username, agreement="Ny överenskommelse", stdout=io.StringIO())
    assert roles_of(fresh.manager, fresh.agreement) == {Role.SOCIAL_MANAGER}
    # Now there is one: the next social manager is theirs to approve, not operations'.
    administration.update_user(
        actor=sysadmin, user=fresh.caseworker, organisation=fresh.caseworker.organisation, units=[],
        roles=[Role.CASEWORKER, Role.SOCIAL_MANAGER], email=fresh.caseworker.email,
        username=fresh.caseworker.username,
    )  # fmt: skip
    with pytest.raises(CommandError, match="redan en sektionschef"):
        call_command("grant_first_approver", fresh.caseworker.username, agreement="Ny överenskommelse")
    assert Role.SOCIAL_MANAGER not in roles_of(fresh.caseworker, fresh.agreement)


def test_the_first_approver_command_refuses_a_user_with_no_such_request(people):
    with pytest.raises(CommandError, match="ingen begärd roll"):
        call_command("grant_first_approver", people.caseworker.username, agreement=people.agreement.name)


def test_a_notice_lost_to_a_broker_outage_is_sent_by_the_sweep(
    people, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """The notice is owed in the database (docs/architecture.md, rule 4): a lost message is sent later, once."""
    import datetime

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from accesscontrol.tasks import send_access_change_notice, send_owed_access_change_notices

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused.")

    victim = people.caseworker
    old = victim.email
    as_user(people.sysadmin).post(edit_url(victim), edit_data(people, victim, email="ny.adress@kommun.example.se"))
    monkeypatch.setattr(send_access_change_notice, "apply_async", broker_down)
    request = AccessRequest.objects.get(user=victim)
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approve(actor=actor_for(people.manager, people.agreement), request=request)
    assert mailoutbox == []
    monkeypatch.undo()
    AccessRequest.objects.filter(pk=request.pk).update(notice_due_since=timezone.now() - datetime.timedelta(minutes=3))
    assert send_owed_access_change_notices() == 1
    [notice] = mailoutbox
    assert notice.to == [old]
    assert send_owed_access_change_notices() == 0
