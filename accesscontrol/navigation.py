"""The navigation: each entry names the action (accesscontrol.policies) its page is for, and is shown to
whoever the policy lets do it; the page's selector or service asks the same policy."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .policies import Action, may


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    actions: tuple[Action, ...]  # shown when the actor may do any of these


NAVIGATION = (
    NavItem(_("Start"), "accesscontrol:start", (Action.USE_ACCOUNT,)),
    NavItem(_("Ärenden"), "casework:case_list", (Action.SEE_CASES,)),
    NavItem(_("Föreslå ungdom"), "casework:propose", (Action.PROPOSE_CASE,)),
    NavItem(_("Möten"), "casework:meeting_list", (Action.SEE_MEETINGS,)),
    NavItem(_("Fältarbete"), "casework:field_home", (Action.SEE_FIELD_WORK,)),
    NavItem(_("Fältgruppens siffror"), "casework:field_figures", (Action.SEE_FIELD_FIGURES,)),
    NavItem(_("Måluppföljning"), "casework:target_board", (Action.FOLLOW_TARGETS,)),
    NavItem(_("Behörighetsbeslut"), "approvals:list", (Action.DECIDE_ACCESS_REQUESTS,)),
    NavItem(_("Administration"), "administration:index", (Action.ADMINISTER_AGREEMENT, Action.READ_SHARED_DATA)),
    NavItem(_("Mitt konto"), "accesscontrol:account", (Action.USE_ACCOUNT,)),
    NavItem(_("Åtkomstlogg"), "audit:access_log", (Action.REVIEW_LOGS,)),
    NavItem(_("Ändringslogg"), "audit:change_log", (Action.REVIEW_LOGS,)),
    NavItem(_("Loggkontroll"), "audit:verifications", (Action.REVIEW_LOGS,)),
    NavItem(_("Uppföljning"), "reports:follow_up_start", (Action.READ_FOLLOW_UP_REPORT,)),
    NavItem(_("Kostnader"), "reports:costs_start", (Action.READ_COSTS,)),
    NavItem(_("Statistik"), "reports:statistics", (Action.READ_STATISTICS,)),
    NavItem(_("Långa rapporter"), "reports:jobs", (Action.READ_FOLLOW_UP_REPORT, Action.READ_STATISTICS)),
    NavItem(_("Kostnadsindex"), "reports:cost_indexes", (Action.READ_SHARED_DATA,)),
    NavItem(_("Påminnelser"), "reminders:list", (Action.USE_ACCOUNT,)),
)


def navigation_for(actor, current_path: str) -> list[dict]:
    if actor is None:
        return []
    items = []
    for item in NAVIGATION:
        if any(may(actor, action) for action in item.actions):
            url = reverse(item.url_name)
            within = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": within})
    # One current entry: the most specific (/falt/siffror/ is the figures', not the field work's overview).
    current = max((item for item in items if item["active"]), key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is current
    return items
