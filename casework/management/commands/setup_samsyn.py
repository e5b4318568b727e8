"""`manage.py setup_samsyn`: the first run of a real installation (README, "First installation")."""

import getpass
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accesscontrol.forms import FirstRunForm
from casework import installation
from encryption.keys import check_keyrings_at_startup

ENV = "SAMSYN_SETUP_"
# field of FirstRunForm, flag, prompt (the environment variable is SAMSYN_SETUP_ and the field in capitals)
FIELDS = (
    ("social_services", "--social-services", gettext_lazy("Kommunens socialtjänst (organisationens namn)")),
    ("police", "--police", gettext_lazy("Lokalpolisområdet (organisationens namn)")),
    ("agreement", "--agreement", gettext_lazy("Överenskommelsens namn")),
    ("starts_on", "--starts-on", gettext_lazy("Överenskommelsen gäller från (ÅÅÅÅ-MM-DD)")),
    ("ends_on", "--ends-on", gettext_lazy("Överenskommelsen gäller till (ÅÅÅÅ-MM-DD, tomt om tills vidare)")),
    ("username", "--username", gettext_lazy("Systemförvaltarens användarnamn")),
    ("email", "--email", gettext_lazy("Systemförvaltarens e-postadress")),
    ("first_name", "--first-name", gettext_lazy("Systemförvaltarens förnamn")),
    ("last_name", "--last-name", gettext_lazy("Systemförvaltarens efternamn")),
)
HELP = {
    "social_services": "Name of the municipality's social services (an organisation), e.g. 'Socialtjänsten i Nyby'.",
    "police": "Name of the local police area (an organisation), e.g. 'Lokalpolisområde Nyby'.",
    "agreement": "Name of the first agreement.",
    "starts_on": "First day of the agreement, YYYY-MM-DD.",
    "ends_on": "Last day of the agreement, YYYY-MM-DD (optional: leave out for an agreement until further notice).",
    "username": "Username of the first sysadmin.",
    "email": "E-mail address of the first sysadmin.",
    "first_name": "First name of the first sysadmin (optional; shown to users who have no role yet).",
    "last_name": "Last name of the first sysadmin (optional).",
}


def env_name(field: str) -> str:
    return ENV + field.upper()


class Command(BaseCommand):
    help = (
        "First run of a new installation, once: creates the social services and police organisations, the first "
        "agreement (default targets, catalogue, tariffs, retention rules) and the first sysadmin, who is also the "
        "instance administrator (keeps the legal bases and the common cost index) and enrols a second factor at "
        "the first sign-in. Every value comes from a flag, else from SAMSYN_SETUP_<NAME> in the "
        "environment, else (on a terminal, without --noinput) from a prompt. The password comes from "
        "--password-file, SAMSYN_SETUP_PASSWORD_FILE or SAMSYN_SETUP_PASSWORD, never from a flag. Refuses to run "
        "a second time, and refuses missing or weak input; a refused run saves nothing."
    )

    def add_arguments(self, parser):
        for field, flag, _prompt in FIELDS:
            parser.add_argument(flag, dest=field, help=f"{HELP[field]} Or {env_name(field)}.")
        parser.add_argument(
            "--password-file",
            help="File holding the sysadmin's password (a Docker or Kubernetes secret). "
            "Or SAMSYN_SETUP_PASSWORD_FILE, or the password itself in SAMSYN_SETUP_PASSWORD.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt: a value that no flag or environment variable gives is missing.",
        )

    def handle(self, *args, interactive, password_file, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._set_up(options, password_file=password_file, interactive=interactive and sys.stdin.isatty())

    def _set_up(self, options, *, password_file, interactive):
        if installation.installed():
            raise CommandError(str(installation.AlreadyInstalled()))
        values = {}
        for field, _flag, prompt in FIELDS:
            value = options.get(field)
            if value is None:
                value = os.environ.get(env_name(field))
            if value is None and interactive:
                value = input(f"{prompt}: ")
            values[field] = (value or "").strip()
        values["password"] = self._password(password_file, interactive)
        form = FirstRunForm(values)
        if not form.is_valid():
            raise CommandError(self._refusal(form.errors))
        try:
            with transaction.atomic():
                check_keyrings_at_startup()
                agreement, sysadmin = installation.set_up_installation(**form.cleaned_data)
        except installation.AlreadyInstalled as refused:
            raise CommandError(str(refused)) from None
        except ValidationError as refused:
            raise CommandError(self._refusal(refused.message_dict)) from None
        except IntegrityError:
            # Another run made the same rows between the checks and the writes.
            raise CommandError(str(installation.AlreadyInstalled())) from None
        self._report(agreement, sysadmin)

    def _password(self, password_file, interactive) -> str:
        path = password_file or os.environ.get(f"{ENV}PASSWORD_FILE")
        if path:
            try:
                # A secret file ends with a newline more often than not; the password's own spaces are kept.
                return Path(path).read_text().rstrip("\r\n")
            except OSError as error:
                raise CommandError(
                    _("Lösenordsfilen %(path)s kan inte läsas: %(reason)s. Inget har sparats.")
                    % {"path": path, "reason": error.strerror}
                ) from None
        if f"{ENV}PASSWORD" in os.environ:
            return os.environ[f"{ENV}PASSWORD"]
        if not interactive:
            return ""
        password = getpass.getpass(_("Systemförvaltarens lösenord: "))
        if password != getpass.getpass(_("Samma lösenord igen: ")):
            raise CommandError(_("Lösenorden är inte lika. Inget har sparats."))
        return password

    def _refusal(self, errors) -> str:
        where = {field: f"{flag} / {env_name(field)}" for field, flag, _prompt in FIELDS}
        where["password"] = f"--password-file / {ENV}PASSWORD_FILE / {ENV}PASSWORD"
        lines = [_("Inget har sparats. Rätta följande och kör kommandot igen:")]
        for field, messages in errors.items():
            for message in messages:
                lines.append(f"  {where.get(field, field)}: {message}")
        return "\n".join(lines)

    def _report(self, agreement, sysadmin) -> None:
        starts = f"{agreement.starts_on:%Y-%m-%d}"
        if agreement.ends_on:
            period = f"{starts} – {agreement.ends_on:%Y-%m-%d}"
        else:
            period = _("från %(date)s, tills vidare") % {"date": starts}
        self.stdout.write(self.style.SUCCESS(_("Samsyn är installerat.")))
        self.stdout.write(_("Socialtjänst: %(name)s") % {"name": agreement.social_services.name})
        self.stdout.write(_("Polis: %(name)s") % {"name": agreement.police.name})
        self.stdout.write(
            _("Överenskommelse: %(name)s (%(period)s), med standardmål, insatskatalog, taxor och gallringsregler")
            % {"name": agreement.name, "period": period}
        )
        self.stdout.write(
            _("Systemförvaltare: %(username)s <%(email)s>") % {"username": sysadmin.username, "email": sysadmin.email}
        )
        self.stdout.write(
            _(
                "%(username)s är också instansens förvaltare och ensam om att ändra det som alla överenskommelser "
                "delar: rättsliga grunder och den gemensamma indexserien."
            )
            % {"username": sysadmin.username}
        )
        self.stdout.write("")
        self.stdout.write(
            _(
                "Nästa steg: öppna %(url)s och logga in som %(username)s. Vid första inloggningen aktiverar du "
                "tvåstegsinloggning med en autentiseringsapp. Lägg sedan till enheter och användare under "
                "Administration."
            )
            % {"url": f"{settings.SAMSYN_BASE_URL.rstrip('/')}/login/", "username": sysadmin.username}
        )
