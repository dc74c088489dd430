"""Bodies of flags."""

from rest_framework import serializers

from annotations.api.serializers.common import MAX_INT, REASON_MAX, UserSerializer, _dt, _user
from annotations.models import Flag


class FlagSerializer(serializers.ModelSerializer):
    reporter = UserSerializer(read_only=True)
    resolved_by = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "annotation",
            "comment",
            "reason",
            "status",
            "reporter",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, flag):
        return {
            "id": flag.pk,
            "annotation": flag.annotation_id,
            "comment": flag.comment_id,
            "reason": flag.reason,
            "status": flag.status,
            "reporter": _user(flag.reporter),
            "resolved_by": _user(flag.resolved_by),
            "resolved_at": _dt(flag.resolved_at),
            "resolution_note": flag.resolution_note,
            "created_at": _dt(flag.created_at),
        }


class FlagCreateSerializer(serializers.Serializer):
    annotation = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, allow_null=True
    )
    comment = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=REASON_MAX)

    def validate(self, attrs):
        if bool(attrs.get("annotation")) == bool(attrs.get("comment")):
            raise serializers.ValidationError("Flag either an annotation or a comment.")
        return attrs


class FlagResolveSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("hide", "Hide the target"), ("dismiss", "Dismiss the flag")]
    )
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)
