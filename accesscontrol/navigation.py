"""The navigation, by role: each entry names the roles that may use it. A page's own access check
lives in its selector or service; this list only decides what is shown."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    instance_admin: bool = False  # also shown to the instance administrator, whatever their roles here


_CASE_ROLES = (Role.SOCIAL_MANAGER, Role.CASEWORKER, Role.FIELD_WORKER, Role.POLICE)

NAVIGATION = (
    NavItem(_("Start"), "accesscontrol:start", tuple(Role.values)),
    NavItem(_("Ärenden"), "casework:case_list", _CASE_ROLES),
    NavItem(_("Föreslå ungdom"), "casework:propose", (Role.POLICE, Role.SOCIAL_MANAGER)),
    NavItem(_("Möten"), "casework:meeting_list", _CASE_ROLES),
    NavItem(_("Fältarbete"), "casework:field_home", (Role.FIELD_WORKER, Role.SOCIAL_MANAGER)),
    NavItem(_("Måluppföljning"), "casework:target_board", (Role.SOCIAL_MANAGER,)),
    NavItem(_("Behörighetsbeslut"), "approvals:list", (Role.SOCIAL_MANAGER, Role.POLICE_RESPONSIBLE)),
    NavItem(_("Administration"), "administration:index", (Role.SYSADMIN,), instance_admin=True),
    NavItem(_("Mitt konto"), "accesscontrol:account", tuple(Role.values)),
    NavItem(_("Åtkomstlogg"), "audit:access_log", (Role.AUDITOR,)),
    NavItem(_("Ändringslogg"), "audit:change_log", (Role.AUDITOR,)),
    NavItem(_("Loggkontroll"), "audit:verifications", (Role.AUDITOR,)),
    NavItem(_("Uppföljning"), "reports:follow_up_start", (Role.SOCIAL_MANAGER,)),
    NavItem(_("Kostnader"), "reports:costs_start", (Role.SOCIAL_MANAGER,)),
    NavItem(_("Statistik"), "reports:statistics", (Role.MANAGEMENT,)),
    NavItem(_("Långa rapporter"), "reports:jobs", (Role.SOCIAL_MANAGER, Role.MANAGEMENT)),
    NavItem(_("Kostnadsindex"), "reports:cost_indexes", (Role.SYSADMIN,), instance_admin=True),
    NavItem(_("Påminnelser"), "reminders:list", tuple(Role.values)),
)


def navigation_for(actor, current_path: str) -> list[dict]:
    if actor is None:
        return []
    items = []
    for item in NAVIGATION:
        if actor.has(*item.roles) or (item.instance_admin and actor.instance_admin):
            url = reverse(item.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return items
