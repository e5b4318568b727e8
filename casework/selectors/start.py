"""What each casework role finds on its start page. Case numbers, dates and counts only (no names), so
the start page shows no personal data and needs no access-log entry; the case pages behind the links
log their reads."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accesscontrol import scoping
from accesscontrol.models import Role
from casework.follow_up import FollowUpState, follow_up_state
from casework.models import Case, CaseStatus, FieldContact, FollowUp

from .fieldwork import visible_contacts
from .meetings import upcoming_meetings
from .targets import svansen_without_offer

LIMIT = 10


def _follow_ups_by_state(cases) -> dict[str, list[Case]]:
    """Active cases without a follow-up, sorted into due and overdue by the window rule."""
    today = timezone.localdate()
    pending = (
        cases.filter(status=CaseStatus.ACTIVE, raised_on__isnull=False)
        .exclude(Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
        .select_related("agreement")
        .order_by("raised_on")
    )
    states = {FollowUpState.DUE: [], FollowUpState.OVERDUE: []}
    for case in pending:
        state = follow_up_state(raised_on=case.raised_on, agreement=case.agreement, has_follow_up=False, today=today)
        if state in states:
            states[state].append(case)
    return {"due": states[FollowUpState.DUE], "overdue": states[FollowUpState.OVERDUE]}


def _social_manager(actor) -> dict:
    cases = scoping.scope_cases(Case.objects.all(), actor)
    next_meeting = upcoming_meetings(agreement_id=actor.agreement.pk, on=timezone.localdate()).first()
    return {
        # Each proposal is named with the agreement's label of its category (Case.category_label).
        "proposals": list(cases.filter(status=CaseStatus.PROPOSED).select_related("agreement").order_by("proposed_on")),
        "next_meeting": next_meeting,
        "overdue": _follow_ups_by_state(cases)["overdue"],
        "without_offer": len(svansen_without_offer(actor=actor)),
    }


def _caseworker(actor) -> dict:
    assigned = scoping.scope_cases(Case.objects.all(), actor).filter(scoping.assigned_q(actor.user))
    return _follow_ups_by_state(assigned)


def _field_worker(actor) -> dict:
    awaiting = visible_contacts(actor=actor).filter(
        kind=FieldContact.Kind.CONCERN_TALK, concern_follow_up__isnull=True, recorded_by=actor.user
    )
    return {"awaiting_follow_up": awaiting.count()}


def _police(actor) -> dict:
    mine = scoping.scope_cases(Case.objects.filter(proposed_by=actor.user), actor).order_by("-proposed_on")
    return {"proposals": list(mine[:LIMIT])}


# The roles whose start-page section has casework content, and how its items are read (None: a template
# without items). The items come through selectors that ask accesscontrol.policies themselves.
_CONTENT = {
    Role.SOCIAL_MANAGER: _social_manager,
    Role.CASEWORKER: _caseworker,
    Role.FIELD_WORKER: _field_worker,
    Role.POLICE: _police,
    Role.MANAGEMENT: None,
}


def start_content(*, actor, role: str) -> dict:
    """The template and the items of the start-page section of `role`, one the actor holds (Actor.held_roles);
    empty for roles without casework content."""
    if actor is None or actor.agreement is None or role not in _CONTENT:
        return {}
    items = _CONTENT[role]
    return {"template": f"casework/start/{role}.html", **({"items": items(actor)} if items else {})}
