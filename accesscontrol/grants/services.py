"""Granting and withdrawing temporary access to one case. The change log records both (every model of
accesscontrol is audited); the scoping reads a grant in force on the day, so a grant ends by itself."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accesscontrol import scoping
from accesscontrol.models import CaseAccessGrant
from config.text_limits import check_text_limits

from . import selectors


@transaction.atomic
def grant_case_access(
    *, actor, case, user, reason: str, ends_on: datetime.date, starts_on: datetime.date | None = None
) -> CaseAccessGrant:
    """Gives `user`, a caseworker of the agreement, access to `case` from `starts_on` (today if not given)
    through `ends_on`, at most `selectors.MAX_DAYS` days, for the stated reason. Only the social manager of
    the case's agreement; refused for a caseworker who has the case already or holds a grant for the days."""
    selectors.require_granter(actor, case)
    today = timezone.localdate()
    starts_on = starts_on or today
    errors = {}
    if user is None or not selectors.caseworkers(actor=actor, case=case).filter(pk=user.pk).exists():
        errors["user"] = [_("Välj en handläggare i överenskommelsen.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Skriv varför handläggaren behöver åtkomst, t.ex. vikariat under semester.")]
    if starts_on < today:
        errors["starts_on"] = [_("Åtkomsten kan inte börja bakåt i tiden.")]
    if ends_on is None or ends_on < starts_on:
        errors["ends_on"] = [_("Slutdatumet kan inte ligga före startdatumet.")]
    elif (ends_on - starts_on).days + 1 > selectors.MAX_DAYS:
        errors["ends_on"] = [
            _("En tillfällig åtkomst gäller högst %(days)s dagar. Flytta ärendet om ansvaret ska bytas.")
            % {"days": selectors.MAX_DAYS}
        ]
    if not errors:
        if type(case).objects.filter(pk=case.pk).filter(scoping.assigned_q(user)).exists():
            errors["user"] = [_("Handläggaren har redan åtkomst till ärendet.")]
        elif CaseAccessGrant.objects.filter(
            case=case, user=user, withdrawn_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists():
            errors["user"] = [_("Handläggaren har redan en tillfällig åtkomst som gäller under de dagarna.")]
    if errors:
        raise ValidationError(errors)
    check_text_limits(CaseAccessGrant, reason=reason)
    return CaseAccessGrant.objects.create(
        case=case, user=user, reason=reason.strip(), starts_on=starts_on, ends_on=ends_on, granted_by=actor.user
    )


@transaction.atomic
def withdraw_case_access(*, actor, grant: CaseAccessGrant) -> CaseAccessGrant:
    """Ends a grant now, before its last day (the social manager of the case's agreement)."""
    grant = CaseAccessGrant.objects.select_for_update().select_related("case").get(pk=grant.pk)
    selectors.require_granter(actor, grant.case)
    if grant.withdrawn_at is not None:
        raise ValidationError(_("Åtkomsten är redan återkallad."))
    grant.withdrawn_at = timezone.now()
    grant.withdrawn_by = actor.user
    grant.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return grant
