"""The statistics API's answers: these serializers write every response and are the OpenAPI schema of it
(drf-spectacular reads them), so the data has one description."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.models import Agreement

from .disclosure_control.publication import Status


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.ReadOnlyField):
    """A count stays a whole number and a share keeps its decimal (a FloatField would write 3 as 3.0)."""


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["id", "name"]


class CatalogueTableSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    period_kinds = serializers.ListField(child=serializers.CharField(), source="kinds")


class CatalogueSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    tables = CatalogueTableSerializer(many=True)


class PublishedValueSerializer(serializers.Serializer):
    status = serializers.ChoiceField([str(status) for status in Status])
    value = NumberField(
        source="number", allow_null=True, help_text="The published number (a share has one decimal); null for a symbol."
    )
    text = serializers.CharField(help_text="As shown: a number, '<5' or '..'.")
    met = serializers.BooleanField(
        allow_null=True, help_text="Beside a target: whether it is met (null where undecided or no target)."
    )


class ProtectedRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    is_total = serializers.BooleanField()
    target = serializers.CharField(help_text="The agreement's target for the row, where it has one.")
    met = serializers.BooleanField(allow_null=True, help_text="Whether the row meets its target (null: undecided).")
    values = PublishedValueSerializer(many=True)


class ProtectedTableSerializer(serializers.Serializer):
    table = serializers.CharField()
    title = serializers.CharField()
    period = serializers.CharField(source="period.code", help_text="2026, 2026-H1, 2026-T1 (targets only) or 2026-Q1")
    period_label = serializers.CharField(source="period.label")
    available = serializers.BooleanField()
    preliminary = serializers.BooleanField(
        help_text="The running year so far, replaced by the final year after year end."
    )
    reason = serializers.CharField(help_text="Why the period is not released, empty when it is.")
    revision = serializers.IntegerField()
    released_at = serializers.DateTimeField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField())
    rows = ProtectedRowSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
