"""The read-only statistics API for a municipality's BI tool: the same disclosure-controlled tables as the
management pages, as JSON. Token or session authentication (a session only with both login factors);
the management role of the agreement in the URL only. OpenAPI schema at /api/schema/, made from the
serializers that write the answers (reports.serializers). Calls are throttled per user, and released
tables are served from the cache (`released_table`)."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accesscontrol import policies
from accesscontrol.actor import actor_for
from accesscontrol.models import Membership, Role
from accesscontrol.policies import Action
from accesscontrol.reads import shows
from casework.models import Agreement

from . import catalogue
from .authentication import ExpiringTokenAuthentication
from .disclosure_control.register import standing_revision
from .disclosure_control.schedule import revision_day
from .selectors import statistics as selectors
from .serializers import AgreementSerializer, CatalogueSerializer, ProtectedTableSerializer


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts only after the second factor, as everywhere else in Samsyn."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or not result[0].is_verified():
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """Describes the two-factor session to the OpenAPI schema as the ordinary session cookie."""

    target_class = VerifiedSessionAuthentication


class IsManagement(BasePermission):
    """The user holds the management role in at least one agreement (each view then checks the one asked for)."""

    def has_permission(self, request, view):
        return Membership.objects.filter(user=request.user, role=Role.MANAGEMENT).exists()


class StatisticsView(GenericAPIView):
    """A read is declared (accesscontrol.reads) and written under the URL's route name. A refusal (403, 404)
    is recorded in the access log by `audit.refusals.api_exception_handler`, in the
    agreement the URL names, so that agreement's auditor sees it. Each user's calls are limited by the
    "statistics" rate (SAMSYN_API_RATE); beyond it the answer is 429 with Retry-After."""

    authentication_classes = [ExpiringTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [IsAuthenticated, IsManagement]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "statistics"

    def actor(self, request, agreement_id):
        agreement = Agreement.objects.filter(pk=agreement_id).first()
        actor = actor_for(request.user, agreement) if agreement else None
        policies.require(actor, Action.READ_STATISTICS)
        # The access log records the acting roles of the request.
        request._request.actor = actor
        return actor


def _cache_key(agreement, table: str, period_code: str, revision: int, today) -> str:
    # Anonymised, released figures only; the language because titles and labels are translated.
    day = revision_day(today).isoformat()
    return f"statistics-api:{agreement.pk}:{table}:{period_code}:{revision}:{day}:{translation.get_language()}"


def released_table(actor, table: str, period_code: str) -> dict:
    """One table as the API writes it. A released version that stands for today's revision day is served
    from the cache (keyed by agreement, table, period, revision, revision day and language), so repeated
    calls do not release the year again through disclosure control. On a miss the whole year is released
    once (as disclosure control always does) and every released table of it cached, until
    SAMSYN_API_CACHE_SECONDS have passed or the next revision day: a client that walks the catalogue
    computes the year once, not once per table."""
    today = timezone.localdate()
    revision = standing_revision(actor.agreement, table, period_code, today)
    if revision is not None:
        cached = cache.get(_cache_key(actor.agreement, table, period_code, revision, today))
        if cached is not None:
            return cached
    period = selectors.catalogue_period(table, period_code)
    year = selectors.statistics_year(actor=actor, year=period.year, today=today)
    written = {key: ProtectedTableSerializer(protected).data for key, protected in year.items()}
    cache.set_many(
        {
            _cache_key(actor.agreement, code, period, protected.revision, today): written[(code, period)]
            for (code, period), protected in year.items()
            if protected.available and protected.revision
        },
        settings.SAMSYN_API_CACHE_SECONDS,
    )
    return written[(table, period.code)]


class AgreementsView(StatisticsView, ListAPIView):
    serializer_class = AgreementSerializer

    @extend_schema(operation_id="statistics_agreements", summary="Agreements whose statistics you may fetch")
    def get(self, request):
        shows(request, export=True)
        return super().get(request)

    def get_queryset(self):
        user = self.request.user
        return Agreement.objects.filter(memberships__user=user, memberships__role=Role.MANAGEMENT).order_by("name")


class CatalogueView(StatisticsView):
    serializer_class = CatalogueSerializer

    @extend_schema(operation_id="statistics_catalogue", summary="The table catalogue and the periods of each table")
    def get(self, request, agreement):
        actor = self.actor(request, agreement)
        years = selectors.statistics_years(actor=actor)
        shows(request, export=True)
        return Response(self.get_serializer({"agreement": agreement, "years": years, "tables": catalogue.TABLES}).data)


class TableView(StatisticsView):
    serializer_class = ProtectedTableSerializer

    @extend_schema(operation_id="statistics_table", summary="One table for one period, disclosure-controlled")
    def get(self, request, agreement, table, period):
        actor = self.actor(request, agreement)
        data = released_table(actor, table, period)
        shows(request, export=True)
        return Response(data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for the same users and under the same limit as the statistics."""

    authentication_classes = StatisticsView.authentication_classes
    permission_classes = StatisticsView.permission_classes
    throttle_classes = StatisticsView.throttle_classes
    throttle_scope = StatisticsView.throttle_scope
