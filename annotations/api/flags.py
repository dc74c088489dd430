"""Flags raised on annotations and comments, and their resolution."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from annotations.api import filters, serializers
from annotations.api.base import ResourceViewSet, get_readable, readable_annotation
from annotations.models import Comment, Flag
from annotations.permissions import visible_flags


@extend_schema_view(
    list=extend_schema(summary="Flags: all in the workspaces you edit, else your own"),
    retrieve=extend_schema(summary="One flag"),
    create=extend_schema(
        summary="Flag an annotation or a comment",
        request=serializers.FlagCreateSerializer,
        responses={201: serializers.FlagSerializer},
    ),
)
class FlagViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.FlagSerializer
    model = Flag
    filterset_class = filters.FlagFilter
    object_related = (
        "annotation__claim__document__workspace",
        "comment__annotation__claim__document__workspace",
    )
    extra_error_codes = {"POST": ("409",)}  # you have flagged this already

    def rows(self):
        return visible_flags(self.request.user).select_related("reporter", "resolved_by")

    def create(self, request, *args, **kwargs):
        serializer = serializers.FlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("annotation"):
            target = readable_annotation(data["annotation"], request.user)
        else:
            target = get_readable(
                Comment.objects.select_related("annotation__claim__document__workspace").defer(
                    "annotation__claim__document__text"
                ),
                data["comment"],
                request.user,
            )
        if "\x00" in data["reason"]:
            raise ValidationError({"reason": ["Text may not contain NUL characters."]})
        flag = Flag.raise_on(target, request.user, data["reason"])
        return Response(serializers.FlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resolve a flag by hiding its target or dismissing it (editors)",
        request=serializers.FlagResolveSerializer,
        responses=serializers.FlagSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        flag = self.get_object()
        serializer = serializers.FlagResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag.resolve(
            request.user,
            hide=serializer.validated_data["decision"] == "hide",
            note=serializer.validated_data.get("note", ""),
        )
        return Response(serializers.FlagSerializer(flag).data)
