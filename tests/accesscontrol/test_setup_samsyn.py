"""`manage.py setup_samsyn`, the first run of a real installation: it makes the two parties, the first
agreement with its defaults and the first sysadmin once, in one transaction, with every row in the new
agreement's change log; it refuses a second run and missing or weak input with a Swedish message and saves
nothing; it runs in a container from flags, environment variables or a password file, without a terminal.
From there the sysadmin builds the rest in the administration pages."""

import datetime
import io
import os

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesscontrol.models import Membership, Organisation, Role, Unit, User
from casework import defaults
from casework.management.commands import setup_samsyn
from casework.models import Agreement, InterventionType, RetentionRule, Target
from tests.accesscontrol.factories import FIRST_RUN, FIRST_RUN_PASSWORD
from tests.accesscontrol.test_login import code_of
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

PASSWORD = FIRST_RUN_PASSWORD
FLAGS = FIRST_RUN


@pytest.fixture(autouse=True)
def _no_setup_environment(monkeypatch):
    """The machine running the tests may have SAMSYN_SETUP_* set; each test says what it gives."""
    for name in list(os.environ):
        if name.startswith(setup_samsyn.ENV):
            monkeypatch.delenv(name)


def setup(password=PASSWORD, **changes):
    """Runs the command as a container would (--noinput), the password in the environment; returns its output."""
    out = io.StringIO()
    options = {name: value for name, value in {**FLAGS, **changes}.items() if value is not None}
    with pytest.MonkeyPatch.context() as patch:
        if password is not None:
            patch.setenv("SAMSYN_SETUP_PASSWORD", password)
        call_command("setup_samsyn", "--noinput", stdout=out, **options)
    return out.getvalue()


def refused(**changes) -> str:
    with pytest.raises(CommandError) as error:
        setup(**changes)
    assert error.value.returncode != 0
    return str(error.value)


def counts() -> dict:
    models = (Organisation, Agreement, User, Membership, Target, InterventionType, RetentionRule, Unit, LogEntry)
    return {model.__name__: model.objects.count() for model in models}


def nothing_saved() -> bool:
    return not (Organisation.objects.exists() or Agreement.objects.exists() or User.objects.exists())


def test_it_makes_the_parties_the_first_agreement_and_its_sysadmin():
    output = setup()
    social = Organisation.objects.get(name="Socialtjänsten i Nyby")
    police = Organisation.objects.get(name="Lokalpolisområde Nyby")
    assert (social.kind, police.kind) == (Organisation.Kind.SOCIAL_SERVICES, Organisation.Kind.POLICE)
    agreement = Agreement.objects.get()
    assert (agreement.name, agreement.social_services, agreement.police) == (FLAGS["agreement"], social, police)
    assert (agreement.starts_on, agreement.ends_on) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    # The agreement's defaults, as the administration's "new agreement" gives them.
    assert sorted(agreement.targets.values_list("metric", "period", "value")) == sorted(defaults.TARGETS)
    assert agreement.intervention_types.count() == len(defaults.CATALOGUE)
    assert RetentionRule.objects.filter(agreement=agreement).count() == len(defaults.RETENTION_RULES)
    sysadmin = User.objects.get()
    assert (sysadmin.username, sysadmin.email, sysadmin.get_full_name()) == (
        "forvaltare", FLAGS["email"], "Sara Systemsson"
    )  # fmt: skip
    assert sysadmin.check_password(PASSWORD) and sysadmin.organisation == social
    assert list(Membership.objects.values_list("user", "agreement", "role")) == [
        (sysadmin.pk, agreement.pk, Role.SYSADMIN)
    ]
    assert not (sysadmin.is_superuser or sysadmin.is_staff)
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()  # enrolled at the first sign-in
    assert "Samsyn är installerat." in output and "/login/" in output and "forvaltare" in output


def test_the_first_sysadmin_is_also_the_instance_administrator():
    output = setup()
    sysadmin = User.objects.get()
    assert sysadmin.is_instance_admin  # alone keeps the legal bases and the common cost index
    assert "instansens förvaltare" in output
    # Another is made, or removed, on the server; the last one is never removed.
    other = User.objects.create_user(username="andra", email="andra@nyby.example.se")
    call_command("instance_admin", "andra", stdout=io.StringIO())
    other.refresh_from_db()
    assert other.is_instance_admin
    call_command("instance_admin", "andra", "--remove", stdout=io.StringIO())
    with pytest.raises(CommandError, match="den enda instansförvaltaren"):
        call_command("instance_admin", "forvaltare", "--remove", stdout=io.StringIO())
    sysadmin.refresh_from_db()
    other.refresh_from_db()
    assert sysadmin.is_instance_admin and not other.is_instance_admin


def test_an_agreement_until_further_notice_needs_no_end_date():
    setup(ends_on=None)
    assert Agreement.objects.get().ends_on is None


def test_every_row_it_makes_is_in_the_new_agreements_change_log():
    setup()
    agreement = Agreement.objects.get()
    theirs = LogEntry.objects.filter(additional_data__agreement_id=agreement.pk)

    def created(model):
        return theirs.filter(content_type=ContentType.objects.get_for_model(model), action=LogEntry.Action.CREATE)

    assert created(Organisation).count() == 2
    assert created(Agreement).count() == 1
    assert created(InterventionType).count() == len(defaults.CATALOGUE)
    assert created(Membership).count() == 1
    [user_entry] = created(User)
    assert "password" not in user_entry.changes_dict and user_entry.changes_dict["username"][1] == "forvaltare"
    assert all(entry.chain_seal for entry in theirs)
    # Made by nobody in a role: no actor, as a job's changes (accesscontrol.actor.system_changes_for).
    assert not theirs.exclude(actor=None).exists()
    assert {tuple(entry.additional_data["roles"]) for entry in theirs} == {()}


def test_a_second_run_is_refused_and_changes_nothing():
    setup()
    before = counts()
    message = refused(
        social_services="Socialtjänsten i Annanby", police="Polisen Annanby", agreement="Annan", username="annan",
        email="annan@annanby.example.se",
    )  # fmt: skip
    assert "Samsyn är redan installerat" in message and "Administration" in message
    assert counts() == before
    assert not Organisation.objects.filter(name="Socialtjänsten i Annanby").exists()


def test_a_second_run_exits_non_zero_with_its_message(capsys, monkeypatch):
    setup()
    before = counts()
    command = setup_samsyn.Command()
    # run_from_argv closes the connections when done; the test's transaction must survive it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit:
        command.run_from_argv(["manage.py", "setup_samsyn", "--noinput"])
    assert exit.value.code != 0
    assert "Samsyn är redan installerat" in capsys.readouterr().err
    assert counts() == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (None, "Ange ett lösenord för den första systemförvaltaren."),
        ("", "Ange ett lösenord för den första systemförvaltaren."),
        ("Kort-2026", "för kort. Det måste innehålla minst 12 tecken"),
        ("123456789012345", "enbart numeriskt"),
        ("password1234", "alldeles för vanligt"),
        ("sara.systemsson", "alltför likt"),
    ],
)
def test_a_missing_or_weak_password_is_refused_and_nothing_is_saved(password, message):
    text = refused(password=password)
    assert "Inget har sparats." in text
    assert "--password-file / SAMSYN_SETUP_PASSWORD_FILE / SAMSYN_SETUP_PASSWORD: " in text and message in text
    assert nothing_saved()


@pytest.mark.parametrize(
    ("field", "flag", "message"),
    [
        ("social_services", "--social-services", "Ange namnet på kommunens socialtjänst."),
        ("police", "--police", "Ange namnet på lokalpolisområdet."),
        ("agreement", "--agreement", "Ange överenskommelsens namn."),
        ("username", "--username", "Ange ett användarnamn för den första systemförvaltaren."),
        ("email", "--email", "Ange den första systemförvaltarens e-postadress."),
        ("starts_on", "--starts-on", "Ange datumet då överenskommelsen börjar gälla."),
    ],
)
@pytest.mark.parametrize("missing", [None, "   "])
def test_a_missing_name_or_date_is_refused_and_nothing_is_saved(field, flag, message, missing):
    text = refused(**{field: missing})
    assert f"{flag} / SAMSYN_SETUP_{field.upper()}: {message}" in text
    assert nothing_saved()


@pytest.mark.parametrize(
    ("changes", "flag", "message"),
    [
        ({"starts_on": "2026-13-01"}, "--starts-on", "Ange datumet som ÅÅÅÅ-MM-DD"),
        ({"starts_on": "1/1/2026"}, "--starts-on", "Ange datumet som ÅÅÅÅ-MM-DD"),
        ({"ends_on": "31 december"}, "--ends-on", "Ange datumet som ÅÅÅÅ-MM-DD"),
        ({"ends_on": "2025-12-31"}, "--ends-on", "Överenskommelsen kan inte upphöra innan den börjar gälla."),
        ({"email": "inte-en-adress"}, "--email", "Ange en giltig mejladress."),
        ({"username": "sara systemsson"}, "--username", "giltigt användarnamn"),
        ({"police": "socialtjänsten i nyby"}, "--police", "Socialtjänsten och polisen behöver olika namn."),
        ({"agreement": "Å" * 201}, "--agreement", "som mest 200 tecken"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(changes, flag, message):
    text = refused(**changes)
    assert flag in text and message in text
    assert nothing_saved()


def test_every_problem_is_named_at_once():
    text = refused(password="kort", starts_on="2026-02-30", email="")
    assert "--starts-on" in text and "--email" in text and "SAMSYN_SETUP_PASSWORD" in text


def test_a_taken_username_refuses_the_run_but_an_earlier_createsuperuser_does_not():
    User.objects.create_superuser("admin", "admin@nyby.example.se", "ett-annat-langt-losenord")
    text = refused(username="ADMIN")
    assert "--username / SAMSYN_SETUP_USERNAME: Användarnamnet är upptaget." in text
    assert not Organisation.objects.exists() and not Agreement.objects.exists()
    text = refused(email="Admin@nyby.example.se")
    assert "--email / SAMSYN_SETUP_EMAIL: En annan användare har redan den e-postadressen." in text
    setup()
    assert Agreement.objects.count() == 1 and User.objects.count() == 2


def test_a_failure_half_way_leaves_nothing(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("casework.installation.access.grant_role", broken)
    with pytest.raises(RuntimeError):
        setup()
    assert set(counts().values()) == {0}


def test_it_runs_from_environment_variables_without_a_terminal(monkeypatch):
    for field, value in FLAGS.items():
        monkeypatch.setenv(f"SAMSYN_SETUP_{field.upper()}", value)
    monkeypatch.setenv("SAMSYN_SETUP_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal: nothing is asked
    call_command("setup_samsyn", stdout=io.StringIO())
    assert Agreement.objects.get().name == FLAGS["agreement"]
    assert User.objects.get(username="forvaltare").check_password(PASSWORD)


def test_a_flag_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("SAMSYN_SETUP_AGREEMENT", "Från miljön")
    setup(agreement="Från flaggan")
    assert Agreement.objects.get().name == "Från flaggan"


def test_the_password_comes_from_a_file_as_a_container_secret(tmp_path, monkeypatch):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    call_command("setup_samsyn", "--noinput", f"--password-file={secret}", stdout=io.StringIO(), **FLAGS)
    assert User.objects.get().check_password(PASSWORD)


def test_the_password_file_may_be_named_in_the_environment(tmp_path, monkeypatch):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    monkeypatch.setenv("SAMSYN_SETUP_PASSWORD_FILE", str(secret))
    call_command("setup_samsyn", "--noinput", stdout=io.StringIO(), **FLAGS)
    assert User.objects.get().check_password(PASSWORD)


def test_an_unreadable_password_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Lösenordsfilen .* kan inte läsas"):
        call_command("setup_samsyn", "--noinput", f"--password-file={tmp_path / 'saknas'}", **FLAGS)
    assert nothing_saved()


def test_on_a_terminal_it_asks_for_what_is_missing(monkeypatch):
    answers = iter(["Socialtjänsten i Nyby", "Lokalpolisområde Nyby", "Nyby 2026", "2026-01-01", ""])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr(setup_samsyn.getpass, "getpass", lambda prompt: PASSWORD)
    given = {k: v for k, v in FLAGS.items() if k in ("username", "email", "first_name", "last_name")}
    call_command("setup_samsyn", stdout=io.StringIO(), **given)
    agreement = Agreement.objects.get()
    assert (agreement.name, agreement.ends_on) == ("Nyby 2026", None)


def test_on_a_terminal_two_different_passwords_are_refused(monkeypatch):
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr(setup_samsyn.getpass, "getpass", lambda prompt: next(typed))
    with pytest.raises(CommandError, match="Lösenorden är inte lika"):
        call_command("setup_samsyn", stdout=io.StringIO(), **FLAGS)
    assert nothing_saved()


def test_the_sysadmin_enrols_a_second_factor_at_the_first_sign_in(client):
    setup()
    signed_in = client.post(reverse("accesscontrol:login"), {"username": "forvaltare", "password": PASSWORD})
    assert signed_in.url == reverse("accesscontrol:second_factor")
    assert client.get(signed_in.url).url == reverse("accesscontrol:enrol")
    # Nothing opens before the second factor is enrolled.
    assert client.get(reverse("administration:index")).url == reverse("accesscontrol:second_factor")
    enrol = client.get(reverse("accesscontrol:enrol"))
    assert enrol.context["secret"]
    device = TOTPDevice.objects.get(user__username="forvaltare", confirmed=False)
    assert client.post(reverse("accesscontrol:enrol"), {"token": code_of(device)}).context["codes"]
    assert client.get(reverse("administration:index")).status_code == 200
    start = client.get(reverse("accesscontrol:start")).content.decode()
    assert "Systemförvaltare" in start and reverse("administration:index") in start


def test_from_there_the_sysadmin_builds_the_rest_in_the_administration(mailoutbox, django_capture_on_commit_callbacks):
    """Units and users of the first agreement, a new year's agreement, and a second municipality with its own
    organisations and agreement: all through the administration pages, no shell."""
    setup()
    first = Agreement.objects.get()
    sysadmin = User.objects.get(username="forvaltare")
    client = verified_client(Client(), sysadmin)
    social, police = first.social_services, first.police

    def post(name, data):
        response = client.post(reverse(f"administration:{name}"), data)
        assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
        return response

    post("units_create", {"organisation": social.pk, "name": "Utredning ungdom"})
    post("units_create", {"organisation": police.pk, "name": "Ungdomsgruppen"})
    with django_capture_on_commit_callbacks(execute=True):
        post(
            "users_create",
            {
                "username": "chef", "first_name": "Signe", "last_name": "Sektionsdotter",
                "email": "signe@nyby.example.se", "organisation": social.pk, "roles": [Role.SOCIAL_MANAGER],
            },
        )  # fmt: skip
    manager = User.objects.get(username="chef")
    # Nobody in Samsyn can approve the first social manager: operations carry out the sysadmin's request.
    assert not Membership.objects.filter(user=manager, agreement=first, role=Role.SOCIAL_MANAGER).exists()
    call_command("grant_first_approver", "chef", stdout=io.StringIO())
    assert Membership.objects.filter(user=manager, agreement=first, role=Role.SOCIAL_MANAGER).exists()
    [mail] = mailoutbox
    assert mail.to == ["signe@nyby.example.se"] and "/login/losenord/" in mail.body

    # Next year's agreement between the same parties.
    post("agreement_create", {"name": "Nyby 2027", "social_services": social.pk, "police": police.pk,
                              "starts_on": "2027-01-01", "ends_on": "2027-12-31"})  # fmt: skip
    # A second municipality: its organisations first, then its agreement.
    post("organisations_create", {"name": "Socialtjänsten i Grannby", "kind": "social_services"})
    post("organisations_create", {"name": "Lokalpolisområde Grannby", "kind": "police"})
    grannby = Organisation.objects.filter(name__endswith="Grannby")
    post("agreement_create", {"name": "Grannby 2026", "social_services": grannby.get(kind="social_services").pk,
                              "police": grannby.get(kind="police").pk, "starts_on": "2026-01-01"})  # fmt: skip
    second = Agreement.objects.get(name="Grannby 2026")
    assert second.targets.count() == len(defaults.TARGETS)
    assert set(Membership.objects.filter(user=sysadmin).values_list("agreement__name", flat=True)) == {
        first.name, "Nyby 2027", "Grannby 2026"
    }  # fmt: skip

    # The sysadmin switches to the new municipality's agreement and gives it its own sysadmin.
    client.post(reverse("accesscontrol:choose_agreement"), {"agreement": second.pk})
    post("units_create", {"organisation": grannby.get(kind="social_services").pk, "name": "Fältgruppen"})
    post(
        "users_create",
        {
            "username": "grannby-admin", "first_name": "Gustav", "last_name": "Grann",
            "email": "gustav@grannby.example.se", "organisation": grannby.get(kind="social_services").pk,
            "roles": [Role.SYSADMIN],
        },
    )  # fmt: skip
    assert Membership.objects.filter(user__username="grannby-admin", agreement=second, role=Role.SYSADMIN).exists()
    assert Unit.objects.filter(organisation__name="Socialtjänsten i Grannby", name="Fältgruppen").exists()
