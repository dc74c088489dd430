"""Workspaces, their members and their rating scales under /api/v1/workspaces/."""

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api import serializers
from annotations.api.base import ApiView, ResourceViewSet, get_by_id
from annotations.models import Membership, Rating, Workspace
from annotations.permissions import can, readable_workspace_ids, require


@extend_schema_view(
    list=extend_schema(summary="Your workspaces"),
    retrieve=extend_schema(summary="One workspace"),
    create=extend_schema(
        summary="Create a workspace; you become its editor",
        description="Who may create workspaces is the server's WORKSPACE_CREATION setting "
        "(any user, staff only, or nobody): 403 with a message for others.",
        request=serializers.WorkspaceCreateSerializer,
        responses={201: serializers.WorkspaceSerializer},
    ),
    partial_update=extend_schema(summary="Change a workspace's settings (editors)"),
)
class WorkspaceViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.WorkspaceSerializer
    model = Workspace
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"
    pagination_class = None

    def rows(self):
        return Workspace.objects.filter(pk__in=readable_workspace_ids(self.request.user))

    def get_object(self):
        workspace = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if workspace is None or not can(self.request.user, "document.read", workspace):
            raise NotFound()
        return workspace

    def create(self, request, *args, **kwargs):
        require(
            request.user,
            "workspace.create",
            None,
            "Creating workspaces is not open to you on this server; ask its operator.",
        )
        serializer = serializers.WorkspaceCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        workspace = Workspace.create_by(
            request.user, slug=data.pop("slug"), name=data.pop("name"), **data
        )
        body = serializers.WorkspaceSerializer(workspace, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        require(
            self.request.user,
            "workspace.manage",
            serializer.instance,
            "Only editors can change the workspace's settings.",
        )
        serializer.save()


class WorkspaceChildMixin:
    """Views under /workspaces/{slug}/: the workspace must be readable (else 404)."""

    def get_workspace(self) -> Workspace:
        if not hasattr(self, "_workspace"):
            slug = self.kwargs["workspace_slug"]
            workspace = Workspace.objects.filter(
                slug=slug, pk__in=readable_workspace_ids(self.request.user)
            ).first()
            if workspace is None or not can(self.request.user, "document.read", workspace):
                raise NotFound()
            self._workspace = workspace
        return self._workspace

    def require_manager(self, message):
        require(self.request.user, "workspace.manage", self.get_workspace(), message)

    def get_object(self):
        # The workspace was checked; its members and ratings are all readable.
        return get_by_id(self.get_queryset(), self.kwargs["pk"])


WORKSPACE_SLUG = OpenApiParameter(
    "workspace_slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"
)


@extend_schema_view(
    list=extend_schema(summary="Members of a workspace", parameters=[WORKSPACE_SLUG]),
    retrieve=extend_schema(summary="One membership", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(summary="Add a member (editors)", parameters=[WORKSPACE_SLUG]),
    partial_update=extend_schema(
        summary="Change a member's role (editors)",
        parameters=[WORKSPACE_SLUG],
        request=serializers.MembershipRoleSerializer,
    ),
    destroy=extend_schema(summary="Remove a member (editors)", parameters=[WORKSPACE_SLUG]),
)
class MembershipViewSet(WorkspaceChildMixin, ResourceViewSet, viewsets.ModelViewSet):
    serializer_class = serializers.MembershipSerializer
    model = Membership
    pagination_class = None

    def rows(self):
        return (
            Membership.objects.filter(workspace=self.get_workspace())
            .select_related("user")
            .order_by("user__username")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "workspace_slug" in self.kwargs:
            context["workspace"] = self.get_workspace()
        return context

    def get_serializer_class(self):
        if self.action == "partial_update":
            return serializers.MembershipRoleSerializer
        return serializers.MembershipSerializer

    def create(self, request, *args, **kwargs):
        self.require_manager("Only editors can add members.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    workspace=self.get_workspace(),
                    user=serializer.context["new_member"],
                    role=serializer.validated_data["role"],
                )
        except IntegrityError:
            raise ValidationError({"username": ["This account is already a member."]}) from None
        return Response(
            serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        self.require_manager("Only editors can change roles.")
        membership = self.get_object()
        serializer = self.get_serializer(membership, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        membership.change_role(serializer.validated_data.get("role", membership.role), request.user)
        return Response(serializers.MembershipSerializer(membership).data)

    def destroy(self, request, *args, **kwargs):
        self.require_manager("Only editors can remove members.")
        self.get_object().remove(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="The ratings of a workspace's scale", parameters=[WORKSPACE_SLUG]),
    retrieve=extend_schema(summary="One rating", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(summary="Add a rating (editors)", parameters=[WORKSPACE_SLUG]),
    partial_update=extend_schema(summary="Change a rating (editors)", parameters=[WORKSPACE_SLUG]),
    destroy=extend_schema(summary="Remove an unused rating (editors)", parameters=[WORKSPACE_SLUG]),
)
class RatingViewSet(WorkspaceChildMixin, ResourceViewSet, viewsets.ModelViewSet):
    serializer_class = serializers.RatingSerializer
    model = Rating
    pagination_class = None
    extra_error_codes = {"DELETE": ("409",), "POST": ("409",), "PATCH": ("409",)}

    def rows(self):
        return Rating.objects.filter(scale__workspace=self.get_workspace())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "workspace_slug" in self.kwargs:
            context["scale"] = self.get_workspace().rating_scale
        return context

    def _save(self, serializer, **kwargs):
        try:
            with transaction.atomic():
                serializer.save(**kwargs)
        except IntegrityError:
            raise ValidationError("Labels and positions must each be unique.") from None

    def perform_create(self, serializer):
        self.require_manager("Only editors can change the rating scale.")
        self._save(serializer, scale=self.get_workspace().rating_scale)

    def perform_update(self, serializer):
        self.require_manager("Only editors can change the rating scale.")
        self._save(serializer)

    def perform_destroy(self, instance):
        self.require_manager("Only editors can change the rating scale.")
        instance.delete()  # ProtectedError (in use) -> 409


class RatingScaleView(WorkspaceChildMixin, ApiView, APIView):
    """The workspace's rating scale with its ratings in order."""

    @extend_schema(
        parameters=[WORKSPACE_SLUG],
        responses=serializers.RatingScaleSerializer,
        summary="A workspace's rating scale",
    )
    def get(self, request, workspace_slug):
        scale = self.get_workspace().rating_scale
        return Response(serializers.RatingScaleSerializer(scale).data)

    @extend_schema(
        parameters=[WORKSPACE_SLUG],
        request=serializers.RatingScaleSerializer,
        responses=serializers.RatingScaleSerializer,
        summary="Rename the rating scale (editors)",
    )
    def patch(self, request, workspace_slug):
        self.require_manager("Only editors can change the rating scale.")
        scale = self.get_workspace().rating_scale
        serializer = serializers.RatingScaleSerializer(scale, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "name" in serializer.validated_data:
            scale.name = serializer.validated_data["name"]
            scale.save(update_fields=["name"])
        return Response(serializers.RatingScaleSerializer(scale).data)
