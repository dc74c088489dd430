"""Your personal API tokens under /api/v1/auth/tokens/: list, create, revoke."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from annotations.api import serializers
from annotations.api.base import ResourceViewSet, get_by_id
from annotations.models import PersonalToken


@extend_schema_view(
    list=extend_schema(summary="Your personal API tokens", tags=["auth"]),
    create=extend_schema(
        summary="Create a personal API token",
        description="The key is in the answer this once; only its first characters are "
        "kept to show. Send it as `Authorization: Token …`.",
        request=serializers.PersonalTokenSerializer,
        responses={201: serializers.PersonalTokenCreatedSerializer},
        tags=["auth"],
    ),
    destroy=extend_schema(summary="Revoke one of your tokens", tags=["auth"]),
)
class PersonalTokenViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Personal API tokens: named, several per user, revocable, with their last use."""

    serializer_class = serializers.PersonalTokenSerializer
    model = PersonalToken
    pagination_class = None

    def rows(self):
        # Only your own: someone else's token is 404, as if it did not exist.
        return PersonalToken.objects.filter(user=self.request.user)

    def get_object(self):
        return get_by_id(self.get_queryset(), self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = PersonalToken.issue(request.user, serializer.validated_data["name"])
        token.token = key
        body = serializers.PersonalTokenCreatedSerializer(token).data
        # The key is in this answer alone: no cache keeps it.
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    def perform_destroy(self, instance):
        instance.revoke()
