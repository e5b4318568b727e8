"""The first run of an installation (`manage.py setup_samsyn`): the municipality's social services, the
police area, their first agreement with the default targets, catalogue, tariffs and retention rules, and
the first sysadmin, who is also the instance administrator. Made once, in one transaction; everything
after it is done in the administration pages.

Its change-log entries are the new agreement's, as a job's are (accesscontrol.actor.system_changes_for), so
that agreement's auditor sees how the installation began. (The targets and retention rules are written in
bulk by casework.services.agreements, which the change log does not see, as for every new agreement.)"""

from __future__ import annotations

import datetime

from auditlog.context import disable_auditlog, set_extra_data
from auditlog.receivers import log_create
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol import services as access
from accesscontrol.models import Organisation, Role, User
from casework.models import Agreement
from casework.services.agreements import create_agreement


class AlreadyInstalled(Exception):
    """setup_samsyn has run (or agreements were made some other way): it never runs again."""

    def __init__(self):
        super().__init__(
            _(
                "Samsyn är redan installerat: det finns redan en överenskommelse. setup_samsyn körs bara en gång. "
                "Logga in som systemförvaltare och lägg till organisationer, överenskommelser och användare under "
                "Administration."
            )
        )


def installed() -> bool:
    """An agreement exists (and with it, through setup_samsyn or the administration, its sysadmin)."""
    return Agreement.objects.exists()


def taken(*, social_services: str, police: str, username: str, email: str) -> dict[str, list[str]]:
    """The names and addresses of the first run that others already hold (compared as Django's forms do
    elsewhere in Samsyn: usernames and e-mail addresses without regard to case)."""
    problems = {}
    for field, name in (("social_services", social_services), ("police", police)):
        if Organisation.objects.filter(name__iexact=name).exists():
            problems[field] = [_("Det finns redan en organisation med det namnet.")]
    if User.objects.filter(username__iexact=username).exists():
        problems["username"] = [_("Användarnamnet är upptaget.")]
    if User.objects.filter(email__iexact=email).exists():
        problems["email"] = [_("En annan användare har redan den e-postadressen.")]
    return problems


class _ForTheNewAgreement:
    """The change log's facts for every entry of the first run: made for the new agreement, by nobody in
    a role. The agreement's id exists once its row is written, which is before its own entry is."""

    def __init__(self):
        self.agreement_id = None

    def __call__(self) -> dict:
        if self.agreement_id is None:
            self.agreement_id = Agreement.objects.order_by("pk").values_list("pk", flat=True).first()
        return {"agreement_id": self.agreement_id, "roles": []}


@transaction.atomic
def set_up_installation(
    *,
    social_services: str,
    police: str,
    agreement: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> tuple[Agreement, User]:
    """The two parties, their first agreement and its sysadmin, who signs in with `password` and enrols a
    second factor at the first sign-in (no device is made here). The input is checked by the caller
    (accesscontrol.forms.FirstRunForm); this checks the database: raises AlreadyInstalled, or a
    ValidationError naming the fields whose names or addresses are taken."""
    if installed():
        raise AlreadyInstalled
    problems = taken(social_services=social_services, police=police, username=username, email=email)
    if problems:
        raise ValidationError(problems)
    # The parties exist before the agreement does: their entries are written once it exists.
    with disable_auditlog():
        parties = [
            Organisation.objects.create(name=social_services, kind=Organisation.Kind.SOCIAL_SERVICES),
            Organisation.objects.create(name=police, kind=Organisation.Kind.POLICE),
        ]
    with set_extra_data({"additional_data": _ForTheNewAgreement()}):
        first = create_agreement(
            name=agreement, social_services=parties[0], police=parties[1], starts_on=starts_on, ends_on=ends_on
        )
        for organisation in parties:
            log_create(sender=Organisation, instance=organisation, created=True)
        # The first sysadmin is also the instance administrator, who alone keeps what every agreement shares
        # (legal bases, the common cost index); docs/roles-and-visibility.md.
        sysadmin = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            organisation=parties[0],
            is_instance_admin=True,
        )
        sysadmin.set_password(password)
        sysadmin.save()
        access.grant_role(user=sysadmin, agreement=first, role=Role.SYSADMIN)
    return first, sysadmin
