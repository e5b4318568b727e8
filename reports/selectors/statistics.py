"""Management statistics: the catalogue tables as released through disclosure control, and nothing else."""

import datetime

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from accesscontrol import policies
from accesscontrol.policies import Action
from casework.periods import Period, agreement_years, parse_period

from .. import catalogue, costs, revisions
from ..disclosure_control.publication import ProtectedTable
from ..disclosure_control.register import protect_year
from ..disclosure_control.schedule import releasable
from ..disclosure_control.structure import release_periods
from ..models import ReleasedTable


def statistics_years(*, actor, today: datetime.date | None = None) -> list[int]:
    """The years the catalogue covers: from the agreement's start to its end or this year, newest first."""
    policies.require(actor, Action.READ_STATISTICS)
    return agreement_years(actor.agreement, today)[::-1]


def default_statistics_year(*, actor, today: datetime.date | None = None) -> int:
    """The year of the latest released quarter (last year until this year's first quarter is out)."""
    years = statistics_years(actor=actor, today=today)
    today = today or timezone.localdate()
    latest = today - datetime.timedelta(days=settings.SAMSYN_STATISTICS_RELEASE_DELAY_DAYS + 92)
    return min(max(latest.year, years[-1]), years[0])


def statistics_year(*, actor, year: int, today: datetime.date | None = None) -> dict:
    """Every catalogue table of `year` as management may see it, keyed by (table, period code)."""
    policies.require(actor, Action.READ_STATISTICS)
    today = today or timezone.localdate()
    if year not in statistics_years(actor=actor, today=today):
        raise Http404
    agreement = actor.agreement
    comparison = costs.compare_year(agreement, year, today=today)
    populations = catalogue.year_populations(agreement, year, comparison, today=today)
    specs = catalogue.table_specs(agreement, year, populations, comparison, today=today)
    sizes = catalogue.population_sizes(agreement, year)
    availability = {
        (spec.code, spec.period.code): releasable(
            spec.period, today=today, sizes=sizes, exact=spec.code in catalogue.EXACT_TABLES
        )
        for spec in specs
    }
    return protect_year(
        agreement=agreement, year=year, populations=populations, specs=specs, availability=availability, today=today
    )


def catalogue_period(table: str, period_code: str) -> Period:
    """The period of a catalogue table named in a URL; 404 for anything outside the catalogue."""
    try:
        period = parse_period(period_code)
    except (ValueError, KeyError):
        raise Http404 from None
    entry = catalogue.TABLES_BY_CODE.get(table)
    if entry is None or period.kind not in entry.kinds or period.code != period_code:
        raise Http404
    return period


def statistics_table(*, actor, table: str, period_code: str, today=None) -> ProtectedTable:
    """One catalogue table for one calendar period; 404 for anything outside the catalogue."""
    policies.require(actor, Action.READ_STATISTICS)
    period = catalogue_period(table, period_code)
    return statistics_year(actor=actor, year=period.year, today=today)[(table, period.code)]


def statistics_periods(*, actor, year: int, table: str) -> list:
    """The periods a table is published for in `year`: quarters, half-years and the year, as it allows."""
    policies.require(actor, Action.READ_STATISTICS)
    kinds = catalogue.TABLES_BY_CODE[table].kinds
    return [p for p in release_periods(year) if p.kind in kinds]


def released_tables(*, actor):
    """The register of released tables of the actor's agreement (what, which period, which revision, when);
    a revision above 1 is a revised version ("reviderad", see `table_revision`)."""
    policies.require(actor, Action.READ_STATISTICS)
    return (
        ReleasedTable.objects.filter(agreement=actor.agreement)
        .only("table", "period", "revision", "released_at")
        .order_by("-released_at", "table")
    )


def table_revision(*, actor, table: str, period_code: str, revision: int) -> revisions.TableRevision:
    """What a revised version of a released table changed against the version before, and why, in counts
    (reports.revisions.table_revision); 404 for anything but a revision of the actor's register."""
    policies.require(actor, Action.READ_STATISTICS)
    versions = {
        row.revision: row
        for row in ReleasedTable.objects.filter(
            agreement=actor.agreement, table=table, period=period_code, revision__in=(revision - 1, revision)
        )
    }
    if revision < 2 or len(versions) != 2:
        raise Http404
    protected = statistics_table(actor=actor, table=table, period_code=period_code)
    return revisions.table_revision(released=versions[revision], previous=versions[revision - 1], table=protected)


def api_token_expires_at(token) -> datetime.datetime:
    """A key for the statistics API works for SAMSYN_API_TOKEN_DAYS from when it was made."""
    return token.created + datetime.timedelta(days=settings.SAMSYN_API_TOKEN_DAYS)


def api_token(*, actor):
    """The actor's key for the statistics API, if they have one, with when it stops working (`expires_at`)
    and whether it already has (`expired`)."""
    from rest_framework.authtoken.models import Token

    policies.require(actor, Action.READ_STATISTICS)
    token = Token.objects.filter(user=actor.user).first()
    if token is not None:
        token.expires_at = api_token_expires_at(token)
        token.expired = token.expires_at <= timezone.now()
    return token
