"""Bodies of verdicts, their publication and retraction."""

from rest_framework import serializers

from annotations.api.serializers.annotations import RatingRefSerializer, _document_id
from annotations.api.serializers.common import MAX_INT, REASON_MAX, UserSerializer, _dt, _user
from annotations.models import Verdict


class VerdictSerializer(serializers.ModelSerializer):
    rating = RatingRefSerializer(read_only=True)
    document = serializers.IntegerField(read_only=True)
    checked_by = UserSerializer(read_only=True, allow_null=True)
    reviewed_by = UserSerializer(read_only=True, allow_null=True)
    published_by = UserSerializer(read_only=True)
    retracted_by = UserSerializer(read_only=True, allow_null=True)
    sources = serializers.ListField(
        child=serializers.DictField(), read_only=True, help_text="The sources when published."
    )

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "document",
            "annotation",
            "annotation_version",
            "rating",
            "summary",
            "sources",
            "checked_by",
            "reviewed_by",
            "published_by",
            "published_at",
            "correction_note",
            "is_current",
            "retracted_at",
            "retracted_by",
            "retraction_note",
        ]
        read_only_fields = fields

    def to_representation(self, verdict):
        rating = verdict.rating
        return {
            "id": verdict.pk,
            "claim": verdict.claim_id,
            "document": _document_id(verdict),
            "annotation": verdict.annotation_id,
            "annotation_version": verdict.annotation_version,
            "rating": {"id": rating.pk, "label": rating.label, "colour": rating.colour},
            "summary": verdict.summary,
            "sources": verdict.sources,
            "checked_by": _user(verdict.checked_by),
            "reviewed_by": _user(verdict.reviewed_by),
            "published_by": _user(verdict.published_by),
            "published_at": _dt(verdict.published_at),
            "correction_note": verdict.correction_note,
            "is_current": verdict.is_current,
            "retracted_at": _dt(verdict.retracted_at),
            "retracted_by": _user(verdict.retracted_by),
            "retraction_note": verdict.retraction_note,
        }


class VerdictPublishSerializer(serializers.Serializer):
    annotation = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="An approved annotation."
    )
    note = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        help_text="Needed when the claim had a verdict: what changed and why (a correction).",
    )


class RetractSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX, help_text="Why it is retracted.")
