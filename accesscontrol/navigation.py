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


NAVIGATION = (
    NavItem(_("Start"), "accesscontrol:start", tuple(Role.values)),
    NavItem(_("Påminnelser"), "reminders:list", tuple(Role.values)),
)


def navigation_for(actor, current_path: str) -> list[dict]:
    if actor is None:
        return []
    items = []
    for item in NAVIGATION:
        if actor.has(*item.roles):
            url = reverse(item.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return items
