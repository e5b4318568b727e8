"""Changes the reports make: API keys of management users, cost index values, long report requests."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accesscontrol import policies
from casework.periods import agreement_years
from config.queueing import send_after_commit
from config.text_limits import check_text_limits

from .models import CostIndex, ReportJob
from .selectors.costs import may_keep_cost_index

# Who may order which long report: the follow-up and the costs hold case data; the statistics do not.
REPORT_ACTIONS = {
    ReportJob.Kind.FOLLOW_UP: policies.Action.READ_FOLLOW_UP_REPORT,
    ReportJob.Kind.COSTS: policies.Action.READ_COSTS,
    ReportJob.Kind.STATISTICS: policies.Action.READ_STATISTICS,
}
MAX_REPORT_YEARS = 10


@transaction.atomic
def create_api_token(*, actor) -> str:
    """A new key for the statistics API, replacing any earlier one (which stops working at once).
    Only management users get one; the key is returned to be shown once."""
    policies.require(actor, policies.Action.READ_STATISTICS)
    Token.objects.filter(user=actor.user).delete()
    return Token.objects.create(user=actor.user).key


@transaction.atomic
def revoke_api_token(*, actor) -> None:
    policies.require(actor, policies.Action.READ_STATISTICS)
    Token.objects.filter(user=actor.user).delete()


def _require_index_keeper(actor, *, for_agreement: bool) -> None:
    """Refuses whoever does not keep the series (selectors.costs.may_keep_cost_index); an agreement's
    sysadmin asking for the common series is told to use the agreement's own."""
    if may_keep_cost_index(actor, for_agreement=for_agreement):
        return
    if for_agreement or not may_keep_cost_index(actor, for_agreement=True):
        raise PermissionDenied
    raise ValidationError(
        {
            "for_agreement": _(
                "Den gemensamma indexserien gäller alla överenskommelser och ändras bara av instansens "
                "förvaltare. Kryssa i rutan för att lägga in ett värde i överenskommelsens egen serie."
            )
        }
    )


@transaction.atomic
def set_cost_index(
    *, actor, year: int, value, name: str, source: str, for_agreement: bool, valid_from: datetime.date | None = None
) -> CostIndex:
    """Record an index value for a year, for the actor's agreement or for all agreements, as a new version
    in force from `valid_from` (today if not given; not before today, so a comparison already made of an
    earlier year keeps the value it used, see reports.costs.Prices). A version from the same day is
    corrected in place. The value must be positive and the source stated."""
    _require_index_keeper(actor, for_agreement=for_agreement)
    today = timezone.localdate()
    valid_from = valid_from or today
    if value is None or value <= 0:
        raise ValidationError({"value": _("Indexvärdet måste vara större än noll.")})
    if not source.strip():
        raise ValidationError({"source": _("Ange varifrån indexvärdet kommer.")})
    if valid_from < today:
        raise ValidationError({"valid_from": _("Ett indexvärde kan gälla tidigast från i dag.")})
    check_text_limits(CostIndex, name=name, source=source)
    agreement = actor.agreement if for_agreement else None
    index, _created = CostIndex.objects.update_or_create(
        agreement=agreement,
        year=year,
        valid_from=valid_from,
        defaults={"value": value, "name": name.strip(), "source": source.strip()},
    )
    return index


@transaction.atomic
def delete_cost_index(*, actor, index_id: int) -> None:
    """Removes a version that is not yet in force or took effect today (a mistaken entry); a version that
    has been in force stays, since comparisons were made with it: enter a new version instead."""
    index = CostIndex.objects.filter(pk=index_id).first()
    if index is None:
        return
    _require_index_keeper(actor, for_agreement=index.agreement_id is not None)
    if index.agreement_id is not None and index.agreement_id != actor.agreement.pk:
        raise PermissionDenied
    if index.valid_from < timezone.localdate():
        raise ValidationError(
            _("Indexvärdet har gällt och kan inte tas bort. Lägg in ett nytt värde som gäller från ett datum.")
        )
    index.delete()


def report_kinds_for(actor) -> list[str]:
    return [kind for kind, action in REPORT_ACTIONS.items() if policies.may(actor, action)]


@transaction.atomic
def request_report(*, actor, kind: str, file_format: str, first_year: int, last_year: int) -> ReportJob:
    """A long report queued for a worker (which gets only the job's id). The requester must hold the role
    for the kind; the years must lie within the agreement, in order, at most MAX_REPORT_YEARS."""
    if kind not in REPORT_ACTIONS:
        raise ValidationError({"kind": _("Välj en rapport.")})
    policies.require(actor, REPORT_ACTIONS[kind])
    if file_format not in ReportJob.Format.values:
        raise ValidationError({"file_format": _("Välj PDF eller Excel.")})
    allowed = agreement_years(actor.agreement)
    first_allowed, last_allowed = allowed[0], allowed[-1]
    if not (first_allowed <= first_year <= last_allowed and first_allowed <= last_year <= last_allowed):
        raise ValidationError(
            {"first_year": _("Välj år mellan %(first)s och %(last)s.") % {"first": first_allowed, "last": last_allowed}}
        )
    if last_year < first_year:
        raise ValidationError({"last_year": _("Slutåret kan inte vara före startåret.")})
    if last_year - first_year + 1 > MAX_REPORT_YEARS:
        raise ValidationError({"last_year": _("Högst %(n)s år i en rapport.") % {"n": MAX_REPORT_YEARS}})
    job = ReportJob.objects.create(
        agreement=actor.agreement,
        requested_by=actor.user,
        kind=kind,
        file_format=file_format,
        first_year=first_year,
        last_year=last_year,
    )
    # The job row is the work; the message only says "now". With the broker down the page still works and
    # the periodic sweep (reports.tasks.sweep_queued_reports) sends it once the broker is back.
    send_after_commit("reports.tasks.build_report", job_id=str(job.pk))
    return job


def report_file_expiry(finished_at: datetime.datetime) -> datetime.datetime:
    return finished_at + datetime.timedelta(days=settings.SAMSYN_REPORT_FILE_DAYS)
