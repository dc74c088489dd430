"""Verdicts: published, corrected and retracted ratings of claims."""

from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from annotations.api import filters, serializers
from annotations.api.base import ResourceViewSet, readable_annotation
from annotations.models import Verdict
from annotations.permissions import readable_workspace_ids


@extend_schema_view(
    list=extend_schema(summary="Verdicts, earlier ones included (filter by claim or document)"),
    retrieve=extend_schema(summary="One verdict"),
    create=extend_schema(
        summary="Publish a verdict from an approved annotation, or correct one (editors)",
        description="A claim that had a verdict gets a correction: `note` must say what "
        "changed and why.",
        request=serializers.VerdictPublishSerializer,
        responses={201: serializers.VerdictSerializer},
    ),
)
class VerdictViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.VerdictSerializer
    model = Verdict
    filterset_class = filters.VerdictFilter
    object_related = ("claim__document__workspace",)
    object_deferred = ("claim__document__text",)

    def rows(self):
        return (
            Verdict.objects.filter(
                claim__document__workspace_id__in=readable_workspace_ids(self.request.user)
            )
            .annotate(document_id=F("claim__document_id"))
            .select_related("rating", "checked_by", "reviewed_by", "published_by", "retracted_by")
        )

    def _respond(self, pk, status_code=200):
        self.kwargs["pk"] = pk
        return Response(serializers.VerdictSerializer(self.get_object()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = serializers.VerdictPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = readable_annotation(serializer.validated_data["annotation"], request.user)
        verdict, created = Verdict.publish_once(
            annotation, request.user, serializer.validated_data.get("note", "")
        )
        # A repeated publication answers with the verdict the first one made.
        return self._respond(verdict.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Retract the current verdict, with a note (editors)",
        request=serializers.RetractSerializer,
        responses=serializers.VerdictSerializer,
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        verdict = self.get_object()
        serializer = serializers.RetractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict.retract(request.user, serializer.validated_data["note"])
        return self._respond(verdict.pk)
