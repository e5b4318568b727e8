"""The follow-up window: the rule of the agreement (3–6 months after raising by default), in one place."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _


class FollowUpState(StrEnum):
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


FOLLOW_UP_STATE_LABELS = {
    FollowUpState.NOT_DUE: _("Inte aktuell än"),
    FollowUpState.DUE: _("Dags för uppföljning"),
    FollowUpState.OVERDUE: _("Försenad"),
    FollowUpState.DONE: _("Gjord"),
}


@dataclass(frozen=True)
class FollowUpWindow:
    opens_on: datetime.date
    closes_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def follow_up_window(*, raised_on: datetime.date, agreement) -> FollowUpWindow:
    """Opens `follow_up_opens_months` and closes `follow_up_closes_months` after the raised-on date."""
    return FollowUpWindow(
        opens_on=raised_on + relativedelta(months=agreement.follow_up_opens_months),
        closes_on=raised_on + relativedelta(months=agreement.follow_up_closes_months),
    )


def follow_up_state(*, raised_on, agreement, has_follow_up: bool, today: datetime.date) -> FollowUpState | None:
    """The badge of a case: not yet due / due / overdue / done. None for a case not yet raised."""
    if raised_on is None:
        return None
    if has_follow_up:
        return FollowUpState.DONE
    window = follow_up_window(raised_on=raised_on, agreement=agreement)
    if today < window.opens_on:
        return FollowUpState.NOT_DUE
    if today <= window.closes_on:
        return FollowUpState.DUE
    return FollowUpState.OVERDUE
