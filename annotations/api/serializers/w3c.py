"""W3C Web Annotation bodies (schema only: annotations.exports.w3c builds them)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.OBJECT)
class W3CField(serializers.JSONField):
    pass


class W3CAnnotationSerializer(serializers.Serializer):
    """A W3C Web Annotation (https://www.w3.org/TR/annotation-model/)."""

    id = serializers.URLField(read_only=True)
    type = serializers.CharField(read_only=True)
    motivation = serializers.CharField(read_only=True)
    creator = W3CField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    modified = serializers.DateTimeField(read_only=True)
    target = W3CField(read_only=True)
    body = serializers.ListField(child=W3CField(), read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        return {"@context": serializers.CharField(read_only=True), **fields}


class W3CCollectionSerializer(serializers.Serializer):
    """A W3C AnnotationCollection (without ?page) or AnnotationPage (with ?page=N)."""

    id = serializers.URLField(read_only=True)
    type = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, required=False)
    total = serializers.IntegerField(read_only=True, required=False)
    first = W3CField(read_only=True, required=False)
    last = serializers.URLField(read_only=True, required=False)
    items = serializers.ListField(child=W3CField(), read_only=True, required=False)
    partOf = W3CField(
        read_only=True,
        required=False,
        help_text="A page's collection: its `id`, `label` and `total`.",
    )
    startIndex = serializers.IntegerField(read_only=True, required=False)
    prev = serializers.URLField(read_only=True, required=False)
    next = serializers.URLField(read_only=True, required=False)
