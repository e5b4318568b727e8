"""The read-only statistics API for a municipality's BI tool: the same disclosure-controlled tables as the
management pages, as JSON. Token or session authentication (a session only with both login factors);
the management role of the agreement in the URL only. OpenAPI schema at /api/schema/."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accesscontrol import policies
from accesscontrol.actor import actor_for
from accesscontrol.models import Membership, Role
from accesscontrol.policies import Action
from accesscontrol.reads import shows
from casework.models import Agreement

from . import catalogue
from .authentication import ExpiringTokenAuthentication
from .selectors import statistics as selectors


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


class StatisticsView(APIView):
    """A read is declared (accesscontrol.reads) and written under the URL's route name. A refusal (403, 404)
    is recorded in the access log by `audit.refusals.api_exception_handler`, in the
    agreement the URL names, so that agreement's auditor sees it."""

    authentication_classes = [ExpiringTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [IsAuthenticated, IsManagement]

    def actor(self, request, agreement_id):
        agreement = Agreement.objects.filter(pk=agreement_id).first()
        actor = actor_for(request.user, agreement) if agreement else None
        policies.require(actor, Action.READ_STATISTICS)
        # The access log records the acting roles of the request.
        request._request.actor = actor
        return actor


_VALUE_FIELDS = {
    "status": serializers.ChoiceField(["zero", "published", "below_threshold", "withheld", "exact"]),
    "value": serializers.FloatField(
        allow_null=True, help_text="The published number (a share has one decimal), or null for a symbol."
    ),
    "text": serializers.CharField(help_text="As shown: a number, '<5' or '..'."),
    "met": serializers.BooleanField(
        required=False, help_text="Beside a target: whether it is met (absent where not decided or no target)."
    ),
}
_table = inline_serializer(
    "ProtectedTable",
    {
        "table": serializers.CharField(),
        "title": serializers.CharField(),
        "period": serializers.CharField(help_text="2026, 2026-H1, 2026-T1 (targets only) or 2026-Q1"),
        "period_label": serializers.CharField(),
        "available": serializers.BooleanField(),
        "preliminary": serializers.BooleanField(help_text="The running year so far, replaced after year end."),
        "reason": serializers.CharField(),
        "revision": serializers.IntegerField(),
        "released_at": serializers.DateTimeField(allow_null=True),
        "columns": serializers.ListField(child=serializers.CharField()),
        "rows": inline_serializer(
            "ProtectedRow",
            {
                "code": serializers.CharField(),
                "label": serializers.CharField(),
                "is_total": serializers.BooleanField(),
                "target": serializers.CharField(),
                "met": serializers.BooleanField(allow_null=True, help_text="Target met (null: undecided)."),
                "values": inline_serializer("PublishedValue", _VALUE_FIELDS, many=True),
            },
            many=True,
        ),
        "notes": serializers.ListField(child=serializers.CharField()),
    },
)


class AgreementsView(StatisticsView):
    @extend_schema(
        operation_id="statistics_agreements",
        summary="Agreements whose statistics you may fetch",
        responses=inline_serializer(
            "StatisticsAgreement", {"id": serializers.IntegerField(), "name": serializers.CharField()}, many=True
        ),
    )
    def get(self, request):
        agreements = Agreement.objects.filter(memberships__user=request.user, memberships__role=Role.MANAGEMENT)
        shows(request, export=True)
        return Response([{"id": a.pk, "name": a.name} for a in agreements.order_by("name")])


class CatalogueView(StatisticsView):
    @extend_schema(
        operation_id="statistics_catalogue",
        summary="The table catalogue and the periods of each table",
        responses=inline_serializer(
            "StatisticsCatalogue",
            {
                "agreement": serializers.IntegerField(),
                "years": serializers.ListField(child=serializers.IntegerField()),
                "tables": inline_serializer(
                    "CatalogueTable",
                    {
                        "code": serializers.CharField(),
                        "title": serializers.CharField(),
                        "description": serializers.CharField(),
                        "period_kinds": serializers.ListField(child=serializers.CharField()),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request, agreement):
        actor = self.actor(request, agreement)
        tables = [
            {
                "code": entry.code,
                "title": str(entry.title),
                "description": str(entry.description),
                "period_kinds": [str(kind) for kind in entry.kinds],
            }
            for entry in catalogue.TABLES
        ]
        shows(request, export=True)
        return Response({"agreement": agreement, "years": selectors.statistics_years(actor=actor), "tables": tables})


class TableView(StatisticsView):
    @extend_schema(
        operation_id="statistics_table", summary="One table for one period, disclosure-controlled", responses=_table
    )
    def get(self, request, agreement, table, period):
        actor = self.actor(request, agreement)
        protected = selectors.statistics_table(actor=actor, table=table, period_code=period)
        shows(request, export=True)
        return Response(protected.as_json())
