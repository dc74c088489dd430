"""Comments on annotations, their threads and their moderation."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from annotations.api import filters, serializers
from annotations.api.base import ResourceViewSet, readable_annotation
from annotations.models import Comment
from annotations.permissions import visible_comments


def comment_list_queryset(user):
    """Comments on visible annotations; hidden ones only in workspaces the user edits."""
    return visible_comments(user).select_related("author")


def post_comment(request, annotation, data):
    parent = None
    if data.get("parent"):
        # A comment the user cannot see answers as one that does not exist.
        parent = visible_comments(request.user).filter(pk=data["parent"]).first()
        if parent is None:
            raise ValidationError({"parent": ["No such comment."]})
    comment = Comment.post(annotation, request.user, data["body"], parent=parent)
    return Response(serializers.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Comments you may see"),
    retrieve=extend_schema(summary="One comment"),
    create=extend_schema(
        summary="Comment on an annotation (or reply with `parent`)",
        request=serializers.CommentCreateSerializer,
        responses={201: serializers.CommentSerializer},
    ),
)
class CommentViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.CommentSerializer
    model = Comment
    filterset_class = filters.CommentFilter
    object_related = ("annotation__claim__document__workspace",)
    object_deferred = ("annotation__claim__document__text",)

    def rows(self):
        return comment_list_queryset(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = serializers.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = readable_annotation(serializer.validated_data["annotation"], request.user)
        return post_comment(request, annotation, serializer.validated_data)

    @extend_schema(
        summary="Hide a comment (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._moderate(request, True)

    @extend_schema(
        summary="Unhide a comment (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._moderate(request, False)

    def _moderate(self, request, hidden):
        comment = self.get_object()
        serializer = serializers.ModerationNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data.get("note", "")
        if hidden:
            comment.hide(request.user, note)
        else:
            comment.unhide(request.user, note)
        return Response(serializers.CommentSerializer(comment).data)

    @extend_schema(
        summary="Resolve the thread this comment belongs to",
        request=None,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        comment = self.get_object()
        comment.resolve_thread(request.user)
        comment.refresh_from_db()
        return Response(serializers.CommentSerializer(comment).data)
