"""The field team's records: outreach contacts, orossamtal and parent contacts (with a svansen case or
anonymous, counted without identity), the follow-up of an orossamtal, and hot-spot visits.

Each function is one transaction: only field workers record, every date is refused in the future,
a contact on a case needs write access to the case's field contacts (svansen cases) and lands on its
timeline.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.models import (
    Area,
    Case,
    CaseEvent,
    ConcernTalkFollowUp,
    FieldContact,
    HotSpot,
    HotSpotVisit,
)
from config.text_limits import check_text_limits

from .timeline import add_event, lock_case, refuse_future, refuse_outside_agreement, require_agreement


def _check_place(agreement, *, hot_spot: HotSpot | None, area: Area | None) -> None:
    errors = {}
    if hot_spot is not None and (hot_spot.agreement_id != agreement.pk or not hot_spot.active):
        errors["hot_spot"] = [_("Välj en av överenskommelsens platser.")]
    if area is not None and area.agreement_id != agreement.pk:
        errors["area"] = [_("Välj ett av överenskommelsens områden.")]
    if errors:
        raise ValidationError(errors)


def _check_who(kind: str, *, with_youth: bool, with_parents: bool) -> None:
    if kind not in FieldContact.Kind.values:
        raise ValidationError({"kind": [_("Välj typ av kontakt.")]})
    if kind == FieldContact.Kind.PARENT_CONTACT and not with_parents:
        raise ValidationError({"with_parents": [_("En föräldrakontakt är med föräldrarna: kryssa i ”Med föräldrar”.")]})
    if not (with_youth or with_parents):
        raise ValidationError({"with_youth": [_("Ange om kontakten var med ungdomen, med föräldrarna eller båda.")]})


def check_contact_date(case: Case | None, occurred_on: datetime.date, *, agreement=None) -> None:
    """The day of a contact: not in the future, within the agreement's period, and for a contact on a case
    not before the youth was proposed."""
    refuse_future(occurred_on, field="occurred_on")
    agreement = case.agreement if case is not None else agreement
    refuse_outside_agreement(agreement, occurred_on, field="occurred_on", what=_("Datum för kontakten"))
    if case is not None and occurred_on is not None and occurred_on < case.proposed_on:
        raise ValidationError(
            {
                "occurred_on": [
                    _("Datum för kontakten kan inte ligga före förslagsdatumet %(day)s.")
                    % {"day": case.proposed_on.isoformat()}
                ]
            }
        )


@transaction.atomic
def record_field_contact(
    *,
    actor,
    kind: str,
    occurred_on: datetime.date,
    case: Case | None = None,
    anonymous_youths: int = 0,
    with_youth: bool = True,
    with_parents: bool = False,
    hot_spot: HotSpot | None = None,
    area: Area | None = None,
    note: str = "",
) -> FieldContact:
    """A contact with an identified svansen youth (an active case), or an outreach contact with
    unidentified youths in a risk setting (a count, no identity) — never both, never neither."""
    policies.require(actor, Action.RECORD_FIELD_WORK)
    _check_who(kind, with_youth=with_youth, with_parents=with_parents)
    anonymous_youths = anonymous_youths or 0
    if (case is None) == (anonymous_youths == 0):
        raise ValidationError(
            {"case": [_("Välj ett ärende, eller ange hur många anonyma ungdomar kontakten gällde (inte båda).")]}
        )
    if case is None and kind != FieldContact.Kind.OUTREACH:
        # Orossamtal and parent contacts are with a known youth; the unidentified are met in outreach.
        raise ValidationError(
            {"case": [_("Orossamtal och föräldrakontakter gäller en identifierad ungdom: välj ärendet.")]}
        )
    if case is not None:
        case = lock_case(actor, case, Action.RECORD_CONTACT)
    check_contact_date(case, occurred_on, agreement=actor.agreement)
    _check_place(actor.agreement, hot_spot=hot_spot, area=area)
    check_text_limits(FieldContact, note=note)
    contact = FieldContact.objects.create(
        agreement=actor.agreement,
        kind=kind,
        case=case,
        anonymous_youths=anonymous_youths,
        occurred_on=occurred_on,
        with_youth=with_youth,
        with_parents=with_parents,
        hot_spot=hot_spot,
        area=area or (hot_spot.area if hot_spot else None),
        note=(note or "").strip(),
        recorded_by=actor.user,
    )
    if case is not None:
        add_event(
            case=case,
            kind=CaseEvent.Kind.FIELD_CONTACT,
            by=actor.user,
            occurred_on=occurred_on,
            data={"contact": str(contact.pk), "contact_kind": kind},
        )
    return contact


@transaction.atomic
def record_concern_talk_follow_up(
    *,
    actor,
    contact: FieldContact,
    followed_up_on: datetime.date,
    youth_reception: str = "",
    parents_reception: str = "",
    note: str = "",
) -> ConcernTalkFollowUp:
    """How the youth and the parents received an orossamtal; once per orossamtal, not before it. Only
    those who took part are asked about: a reception given for someone absent is not kept."""
    policies.require(actor, Action.RECORD_FIELD_WORK)
    require_agreement(actor, contact)
    contact = FieldContact.objects.select_for_update().get(pk=contact.pk)
    case = lock_case(actor, contact.case, Action.FOLLOW_UP_CONCERN_TALK) if contact.case_id else None
    if contact.kind != FieldContact.Kind.CONCERN_TALK:
        raise ValidationError(_("Bara orossamtal följs upp."))
    if ConcernTalkFollowUp.objects.filter(contact=contact).exists():
        raise ValidationError(_("Orossamtalet är redan uppföljt."))
    youth_reception = youth_reception if contact.with_youth else ""
    parents_reception = parents_reception if contact.with_parents else ""
    errors = {}
    if contact.with_youth and youth_reception not in ConcernTalkFollowUp.Reception.values:
        errors["youth_reception"] = [_("Välj hur ungdomen tog emot samtalet.")]
    if contact.with_parents and parents_reception not in ConcernTalkFollowUp.Reception.values:
        errors["parents_reception"] = [_("Välj hur föräldrarna tog emot samtalet.")]
    if errors:
        raise ValidationError(errors)
    refuse_future(followed_up_on, field="followed_up_on")
    if followed_up_on < contact.occurred_on:
        raise ValidationError({"followed_up_on": [_("Uppföljningen kan inte ligga före orossamtalet.")]})
    check_text_limits(ConcernTalkFollowUp, note=note)
    follow_up = ConcernTalkFollowUp.objects.create(
        contact=contact,
        followed_up_on=followed_up_on,
        youth_reception=youth_reception,
        parents_reception=parents_reception,
        note=(note or "").strip(),
        recorded_by=actor.user,
    )
    if case is not None:
        add_event(
            case=case,
            kind=CaseEvent.Kind.FIELD_CONTACT,
            by=actor.user,
            occurred_on=followed_up_on,
            data={"contact": str(contact.pk), "contact_kind": contact.kind, "follow_up": True},
        )
    return follow_up


@transaction.atomic
def record_hot_spot_visit(
    *, actor, hot_spot: HotSpot, visited_on: datetime.date, youths_present: int = 0, observations: str = ""
) -> HotSpotVisit:
    """A supervision visit to one of the agreement's hot spots, with what was observed."""
    policies.require(actor, Action.RECORD_FIELD_WORK)
    if hot_spot is None:
        raise ValidationError({"hot_spot": [_("Välj plats.")]})
    _check_place(actor.agreement, hot_spot=hot_spot, area=None)
    check_text_limits(HotSpotVisit, observations=observations)
    refuse_future(visited_on, field="visited_on")
    return HotSpotVisit.objects.create(
        hot_spot=hot_spot,
        visited_on=visited_on,
        youths_present=youths_present or 0,
        observations=(observations or "").strip(),
        recorded_by=actor.user,
    )
