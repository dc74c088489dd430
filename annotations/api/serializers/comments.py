"""Bodies of comments."""

from rest_framework import serializers

from annotations.api.serializers.common import COMMENT_MAX, MAX_INT, UserSerializer, _dt, _user
from annotations.models import Comment


class CommentSerializer(serializers.ModelSerializer):
    author = UserSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "annotation",
            "parent",
            "author",
            "body",
            "decision",
            "hidden",
            "resolved",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, comment):
        return {
            "id": comment.pk,
            "annotation": comment.annotation_id,
            "parent": comment.parent_id,
            "author": _user(comment.author),
            "body": comment.body,
            "decision": comment.decision,
            "hidden": comment.hidden,
            "resolved": comment.resolved,
            "created_at": _dt(comment.created_at),
        }


class CommentCreateSerializer(serializers.Serializer):
    annotation = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    body = serializers.CharField(max_length=COMMENT_MAX)
    parent = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, allow_null=True
    )


class NestedCommentCreateSerializer(CommentCreateSerializer):
    annotation = None
