"""Bodies of documents: listed, read, imported."""

from rest_framework import serializers

from annotations.api.serializers.common import UserSerializer, http_url
from annotations.models import Document, SpeakerType


class DocumentSerializer(serializers.ModelSerializer):
    """A document in lists: everything but its text."""

    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = UserSerializer(read_only=True, allow_null=True)
    source_url = http_url(max_length=2000, read_only=True, allow_blank=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "workspace",
            "title",
            "speaker",
            "speaker_type",
            "source_url",
            "published",
            "language",
            "created_by",
            "created_at",
            "archived_at",
            "live",
            "closed_at",
        ]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    claims = serializers.IntegerField(
        read_only=True, source="claim_count", help_text="How many claims it holds."
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "text_sha256", "claims"]
        read_only_fields = fields


class DocumentCreateSerializer(serializers.Serializer):
    """Either `text` (JSON or form) or `file` (multipart upload)."""

    workspace = serializers.SlugField(max_length=50, help_text="The workspace's slug.")
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The document's text."
    )
    file = serializers.FileField(
        required=False, help_text="A .txt, .md, .html, .docx or .pdf file (multipart)."
    )
    markdown = serializers.BooleanField(
        default=False, help_text="Read `text` as Markdown (headings and lists become claims)."
    )
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    speaker = serializers.CharField(max_length=200, required=False, allow_blank=True)
    speaker_type = serializers.ChoiceField(
        choices=SpeakerType.choices,
        required=False,
        help_text="person (default) or organization: ClaimReview's itemReviewed.author @type.",
    )
    source_url = http_url(max_length=2000, required=False, allow_blank=True)
    published = serializers.DateField(required=False, allow_null=True)
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", max_length=10, required=False, allow_blank=True
    )
    live = serializers.BooleanField(
        default=False,
        help_text="A live document (a transcript still arriving): `text` is optional and "
        "more comes by POST /documents/{id}/append/ until it is closed. Needs a `title`.",
    )

    def validate(self, attrs):
        if attrs.get("live"):
            if attrs.get("file"):
                raise serializers.ValidationError(
                    {"file": "A live document starts from text (or none), not from a file."}
                )
            if not (attrs.get("title") or "").strip():
                raise serializers.ValidationError({"title": "A live document needs a title."})
            return attrs
        if bool(attrs.get("text")) == bool(attrs.get("file")):
            raise serializers.ValidationError("Send either the text or a file, not both.")
        return attrs


class DocumentUpdateSerializer(serializers.Serializer):
    speaker_type = serializers.ChoiceField(
        choices=SpeakerType.choices,
        help_text="person or organization: ClaimReview's itemReviewed.author @type.",
    )


class DocumentCreatedSerializer(DocumentDetailSerializer):
    created = serializers.BooleanField(
        read_only=True, help_text="False when the same text was imported before."
    )

    class Meta(DocumentDetailSerializer.Meta):
        fields = [*DocumentDetailSerializer.Meta.fields, "created"]
        read_only_fields = fields


class BatchDocumentSerializer(DocumentCreateSerializer):
    """One document of a batch import: its text and what `POST /documents/` takes with it."""

    workspace = None
    file = None
    live = None
    text = serializers.CharField(trim_whitespace=False, help_text="The document's text.")


class DocumentBatchSerializer(serializers.Serializer):
    """A batch import: `documents` (JSON), or `file`, a ZIP of files (multipart)."""

    workspace = serializers.SlugField(max_length=50, help_text="The workspace's slug.")
    documents = BatchDocumentSerializer(
        many=True, required=False, help_text="Up to 1,000 documents (JSON)."
    )
    file = serializers.FileField(
        required=False,
        help_text="A ZIP of up to 1,000 .txt, .md, .html, .docx or .pdf files (multipart).",
    )


class BatchResultSerializer(serializers.Serializer):
    """What became of one item of a batch import."""

    index = serializers.IntegerField(help_text="Its position in `documents` or the archive.")
    name = serializers.CharField(help_text="Its title, or its path in the archive.")
    status = serializers.ChoiceField(
        choices=["imported", "exists", "failed"],
        help_text="imported; exists (the same text was imported before); failed.",
    )
    document = serializers.IntegerField(allow_null=True)
    claims = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(help_text="Why it failed, for a program; empty otherwise.")
    detail = serializers.CharField(help_text="Why it failed, for a person; empty otherwise.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field of the item.",
    )
