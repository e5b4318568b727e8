"""Closed cases with some history, built through the casework services (tests/casework/factories.py)."""

import datetime

from casework.services.cases import close_case
from casework.services.follow_ups import write_follow_up
from casework.services.interventions import offer_intervention
from tests.casework import factories


def closed_case(people, *, raised_on, closed_on, meeting=None, with_history=False):
    case = factories.identified(people, raised_on=raised_on, at=meeting, caseworker=people.caseworker)
    caseworker = factories.actor(people.caseworker, people.agreement)
    if with_history:
        offer_intervention(
            actor=caseworker,
            case=case,
            intervention_type=factories.intervention_type(people.agreement, "mst"),
            offered_on=raised_on + datetime.timedelta(days=10),
        )
        write_follow_up(
            actor=caseworker,
            case=case,
            written_on=raised_on + datetime.timedelta(days=100),
            youth_view="Går bättre i skolan.",
            social_view="Stabilare hemma.",
            outcome="improved",
        )
    return close_case(
        actor=factories.actor(people.manager, people.agreement), case=case, reason="goals_met", closed_on=closed_on
    )
