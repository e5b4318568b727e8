"""The 3–6-month follow-up of a case (the window is the agreement's, casework.follow_up)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol.policies import Action
from casework.follow_up import follow_up_window
from casework.models import Case, CaseEvent, FollowUp
from config.text_limits import check_text_limits

from .timeline import add_event, lock_case, refuse_future


def check_follow_up(
    *, agreement, raised_on: datetime.date, written_on: datetime.date, youth_view: str, social_view: str, outcome: str
) -> None:
    """The rules of a follow-up's content and date (also checked by an import's preview): both views written,
    a known outcome, not in the future, not before the window opens."""
    errors = {}
    if not (youth_view or "").strip():
        errors["youth_view"] = [_("Beskriv ungdomens egen bild (och föräldrarnas).")]
    if not (social_view or "").strip():
        errors["social_view"] = [_("Beskriv socialtjänstens bild.")]
    if outcome not in FollowUp.Outcome.values:
        errors["outcome"] = [_("Välj ett utfall.")]
    if errors:
        raise ValidationError(errors)
    refuse_future(written_on, field="written_on")
    window = follow_up_window(raised_on=raised_on, agreement=agreement)
    if written_on < window.opens_on:
        raise ValidationError(
            {
                "written_on": [
                    _(
                        "För tidigt: uppföljningen görs tidigast %(opens)s, %(months)s månader efter "
                        "aktualiseringen %(raised)s."
                    )
                    % {
                        "opens": window.opens_on.isoformat(),
                        "months": agreement.follow_up_opens_months,
                        "raised": raised_on.isoformat(),
                    }
                ]
            }
        )


@transaction.atomic
def write_follow_up(
    *,
    actor,
    case: Case,
    written_on: datetime.date,
    youth_view: str,
    social_view: str,
    outcome: str,
    police_view: str = "",
    partners_view: str = "",
    helped: str = "",
    hindered: str = "",
    collaboration: str = "",
) -> FollowUp:
    """A follow-up of an active case with every perspective and an outcome. Refused before the window
    opens (with the date it opens), in the future, on a closed or unidentified case; after the window
    closes it is accepted and marked late."""
    case = lock_case(actor, case, Action.WRITE_FOLLOW_UP)
    check_follow_up(
        agreement=case.agreement,
        raised_on=case.raised_on,
        written_on=written_on,
        youth_view=youth_view,
        social_view=social_view,
        outcome=outcome,
    )
    window = follow_up_window(raised_on=case.raised_on, agreement=case.agreement)
    check_text_limits(
        FollowUp,
        youth_view=youth_view,
        social_view=social_view,
        police_view=police_view,
        partners_view=partners_view,
        helped=helped,
        hindered=hindered,
        collaboration=collaboration,
    )
    follow_up = FollowUp.objects.create(
        case=case,
        written_on=written_on,
        youth_view=youth_view.strip(),
        social_view=social_view.strip(),
        police_view=(police_view or "").strip(),
        partners_view=(partners_view or "").strip(),
        helped=(helped or "").strip(),
        hindered=(hindered or "").strip(),
        collaboration=(collaboration or "").strip(),
        outcome=outcome,
        late=window.written_late(written_on),
        author=actor.user,
    )
    add_event(
        case=case,
        kind=CaseEvent.Kind.FOLLOW_UP,
        by=actor.user,
        occurred_on=written_on,
        data={"follow_up": str(follow_up.pk), "outcome": outcome, "late": follow_up.late},
    )
    return follow_up
