"""Bodies of live documents' chunks and of a desk's ingest tokens."""

from rest_framework import serializers

from annotations.api.serializers.search import ReferenceRefSerializer
from annotations.models import IngestToken


class ChunkSerializer(serializers.Serializer):
    """One chunk of a live transcript: JSON with `text`, or multipart with `file`."""

    sequence = serializers.IntegerField(
        min_value=1,
        max_value=2_000_000_000,
        help_text="1 for the first chunk, then 2, 3, … with no gap. A retry sends the same "
        "number and text again.",
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The chunk, as plain text."
    )
    file = serializers.FileField(required=False, help_text="The chunk as a UTF-8 text file.")

    def validate(self, attrs):
        if ("text" in attrs) == ("file" in attrs):
            raise serializers.ValidationError("Send either the text or a file, not both.")
        return attrs


class ChunkClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    speaker = serializers.CharField()
    spoken_at = serializers.IntegerField(allow_null=True)
    checkworthiness = serializers.FloatField()
    prior_verdict = serializers.IntegerField(
        source="prior_verdict_id",
        allow_null=True,
        help_text="The published verdict on a claim elsewhere in the desk that says the same.",
    )
    prior_similarity = serializers.FloatField(
        allow_null=True, help_text="The matcher's score for that verdict's claim."
    )
    prior_reference = ReferenceRefSerializer(
        allow_null=True,
        help_text="The desk's reference fact-check (published elsewhere) that says the same.",
    )
    prior_reference_similarity = serializers.FloatField(
        allow_null=True, help_text="The matcher's score for that reference fact-check."
    )


class AppendedSerializer(serializers.Serializer):
    """What an append (or closing) did."""

    document = serializers.IntegerField(source="document.pk")
    live = serializers.BooleanField(source="document.live")
    sequence = serializers.IntegerField(source="chunk.sequence", help_text="The chunk's number.")
    start = serializers.IntegerField(
        source="chunk.start", help_text="Where the chunk's text begins in the document."
    )
    end = serializers.IntegerField(source="chunk.end")
    claims = ChunkClaimSerializer(many=True, help_text="The claims this append stored.")
    held = serializers.IntegerField(
        source="document.held_from",
        help_text="Where the unfinished last sentence, held for the next chunk, begins.",
    )
    length = serializers.SerializerMethodField(help_text="The document's text's length now.")

    def get_length(self, appended) -> int:
        return len(appended.document.text)


class IngestTokenSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = IngestToken
        fields = ["id", "name", "hint", "created_by", "created_at", "last_used_at"]
        read_only_fields = ["id", "hint", "created_by", "created_at", "last_used_at"]


class IngestTokenCreatedSerializer(IngestTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The key: shown this once.")

    class Meta(IngestTokenSerializer.Meta):
        fields = [*IngestTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields
