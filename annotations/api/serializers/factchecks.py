"""Bodies of reference fact-checks: fact-checks published elsewhere, loaded read-only."""

from rest_framework import serializers

from annotations.api.serializers.common import UserSerializer, _dt, _user
from annotations.models import ReferenceFactCheck


class ReferenceFactCheckSerializer(serializers.ModelSerializer):
    """A fact-check published elsewhere, as its publisher published it; not a verdict of
    this desk."""

    loaded_by = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReferenceFactCheck
        fields = [
            "id",
            "claim",
            "claimant",
            "rating",
            "url",
            "publisher",
            "published",
            "title",
            "language",
            "loaded_by",
            "loaded_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "rating": {"help_text": "The rating as the publisher published it."},
            "url": {"help_text": "The published fact-check."},
        }

    def to_representation(self, fc):
        return {
            "id": fc.pk,
            "claim": fc.claim,
            "claimant": fc.claimant,
            "rating": fc.rating,
            "url": fc.url,
            "publisher": fc.publisher,
            "published": fc.published.isoformat() if fc.published else None,
            "title": fc.title,
            "language": fc.language,
            "loaded_by": _user(fc.loaded_by),
            "loaded_at": _dt(fc.loaded_at),
        }


class FactCheckUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="ClaimReview JSON-LD (object, array, @graph, feed or JSON lines) or TSV."
    )


class FactCheckProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        help_text="The line of the file; for records of a JSON array, graph or feed, the "
        "record's number in the file (see `where`)."
    )
    where = serializers.CharField(help_text='"line 4" or "item 4".')
    message = serializers.CharField()


class FactCheckLoadSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "jsonl", "tsv"])
    loaded = serializers.IntegerField(help_text="Reference fact-checks added.")
    duplicates = serializers.IntegerField(
        help_text="Records already in the workspace (or repeated in the file): not added again."
    )
    skipped = serializers.IntegerField(help_text="Records left out for a problem.")
    errors = FactCheckProblemSerializer(
        many=True, help_text="The records left out and why (the first 1,000)."
    )
