"""The start page: one section per role the user holds, each with what that role works with.

What a casework role works with (its cases, meetings, contacts) is casework's, a package above this one:
casework hands its section reader in (`register_section_content`, from CaseworkConfig.ready), as audit
hands casework the access history (casework/access_history.py)."""

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .approvals.selectors import pending_count
from .models import Membership, Role, User
from .policies import APPROVER

ROLE_INTRODUCTIONS = {
    Role.SOCIAL_MANAGER: _("Du förbereder och leder samverkansmötena, identifierar ärenden och justerar protokoll."),
    Role.CASEWORKER: _("Du registrerar erbjudna insatser och skriver uppföljningar för ärenden i din enhet."),
    Role.FIELD_WORKER: _("Du registrerar uppsökande kontakter, orossamtal och tillsynsbesök."),
    Role.POLICE: _("Du föreslår ungdomar och lämnar polisens bedömning vid samverkansmötena."),
    Role.MANAGEMENT: _("Du följer överenskommelsens mål och kostnader i anonymiserad statistik."),
    Role.SYSADMIN: _("Du administrerar användare, enheter, roller, överenskommelser, insatskatalog och taxor."),
    Role.AUDITOR: _("Du granskar vem som har tagit del av vilka uppgifter."),
    Role.POLICE_RESPONSIBLE: _(
        "Du beslutar om polisens behörigheter i överenskommelsen: systemförvaltarens ändringar gäller först när "
        "du har godkänt dem."
    ),
}


def _no_section_content(*, actor, role) -> dict:
    return {}


_section_content: Callable[..., dict] = _no_section_content  # until casework registers its reader


def register_section_content(reader: Callable[..., dict]) -> None:
    """Name the function that gives a role's section its template and items: `reader(*, actor, role)`."""
    global _section_content
    _section_content = reader


def start_page_sections(actor) -> list[dict]:
    """One section per role; casework roles get their content (template and items) from the registered
    reader (casework.selectors.start.start_content)."""
    if actor is None:
        return []
    waiting = pending_count(actor=actor)
    return [
        {
            "role": role,
            "title": Role(role).label,
            "introduction": ROLE_INTRODUCTIONS[role],
            "access_requests": waiting if role in APPROVER.values() else 0,
            **_section_content(actor=actor, role=role),
        }
        for role in actor.held_roles
    ]


def sysadmins_to_contact(user) -> list[User]:
    """Whom a user without a role asks for one: the active sysadmins of the agreements their organisation
    is a party to, or, when it is a party to none (or they have no organisation), every active sysadmin
    of the installation. Empty before `manage.py setup_samsyn` has made the first one."""
    administering = Membership.objects.filter(role=Role.SYSADMIN, user__is_active=True)
    if user.organisation_id is not None:
        party = Q(agreement__social_services=user.organisation_id) | Q(agreement__police=user.organisation_id)
        if administering.filter(party).exists():
            administering = administering.filter(party)
    sysadmins = User.objects.filter(pk__in=administering.values("user"))
    return list(sysadmins.order_by("last_name", "first_name", "username"))
