"""A workspace's webhooks and their delivery log under /api/v1/workspaces/{slug}/webhooks/
(editors only: others get 403, non-members 404)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from annotations.api import serializers
from annotations.api.base import ResourceViewSet
from annotations.api.pagination import IdCursorPagination
from annotations.api.workspaces import WORKSPACE_SLUG, WorkspaceChildMixin
from annotations.models import Webhook, WebhookDelivery
from annotations.models.webhooks import MANAGE


class NewestFirst(IdCursorPagination):
    ordering = ("-id",)


@extend_schema_view(
    list=extend_schema(summary="A workspace's webhooks (editors)", parameters=[WORKSPACE_SLUG]),
    retrieve=extend_schema(summary="One webhook (editors)", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(
        summary="Add a webhook (editors); its secret is shown this once",
        parameters=[WORKSPACE_SLUG],
        request=serializers.WebhookWriteSerializer,
        responses={201: serializers.WebhookCreatedSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a webhook's URL or events, or enable it again (editors)",
        parameters=[WORKSPACE_SLUG],
        request=serializers.WebhookWriteSerializer,
        responses={200: serializers.WebhookSerializer},
    ),
    destroy=extend_schema(summary="Remove a webhook (editors)", parameters=[WORKSPACE_SLUG]),
)
class WebhookViewSet(
    WorkspaceChildMixin,
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.WebhookSerializer
    model = Webhook
    pagination_class = None

    def rows(self):
        self.require_manager(MANAGE)
        return Webhook.objects.filter(workspace=self.get_workspace()).order_by("id")

    def create(self, request, *args, **kwargs):
        self.require_manager(MANAGE)
        body = serializers.WebhookWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hook = Webhook.create_by(
            request.user,
            self.get_workspace(),
            url=body.validated_data["url"],
            events=body.validated_data["events"],
        )
        data = serializers.WebhookCreatedSerializer(hook).data
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        hook = self.get_object()
        body = serializers.WebhookWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        hook.update_by(request.user, **body.validated_data)
        return Response(serializers.WebhookSerializer(hook).data)

    def destroy(self, request, *args, **kwargs):
        self.get_object().delete_by(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Give a webhook a new secret (editors); shown this once",
        parameters=[WORKSPACE_SLUG],
        request=None,
        responses={200: serializers.WebhookSecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        secret = self.get_object().rotate_secret(request.user)
        return Response(serializers.WebhookSecretSerializer({"secret": secret}).data)

    @extend_schema(
        summary="A webhook's delivery log, newest first: one row per attempt (editors)",
        parameters=[WORKSPACE_SLUG],
        responses={200: serializers.WebhookDeliverySerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=NewestFirst)
    def deliveries(self, request, *args, **kwargs):
        hook = self.get_object()
        rows = WebhookDelivery.objects.filter(webhook=hook)
        paginator: CursorPagination = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self)
        data = serializers.WebhookDeliverySerializer(page, many=True).data
        return paginator.get_paginated_response(data)
