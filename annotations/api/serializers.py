"""Request and response bodies of the API.

Reads of the rows that lists return by the hundred (claims, annotations, sources) build
their dicts by hand in `to_representation`: DRF's per-field machinery costs several times
more, and the declared fields still describe the bodies in the OpenAPI schema. Nothing
here queries per row; the views' querysets select and prefetch what is read.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Job,
    Membership,
    Rating,
    Role,
    Source,
    Verdict,
    Workspace,
    http_url_validator,
)

# Limits for text fields that the database would take at any length: a request carrying
# megabytes in a note is refused with a message, not stored.
NOTE_MAX = 50_000
COMMENT_MAX = 10_000
REASON_MAX = 5_000
RESTATEMENT_MAX = 2_000
EXCERPT_MAX = 10_000
MAX_INT = 2**31 - 1


def _dt(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    value = timezone.localtime(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def http_url(**kwargs) -> serializers.Field:
    """An http(s) URL. Optional ones are strings in the schema: "" is no URI."""
    if kwargs.get("allow_blank"):
        validators = [URLValidator(schemes=["http", "https"]), http_url_validator]
        return serializers.CharField(validators=validators, **kwargs)
    return serializers.URLField(validators=[http_url_validator], **kwargs)


class ErrorSerializer(serializers.Serializer):
    """Every 4xx body."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per request field; non_field_errors for the request as a whole.",
    )


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


def _user(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


# --- workspaces ------------------------------------------------------------------------


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this workspace.")
    organisation_url = http_url(max_length=200, required=False, allow_blank=True)
    methodology = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)

    class Meta:
        model = Workspace
        fields = [
            "id",
            "slug",
            "name",
            "organisation_name",
            "organisation_url",
            "methodology",
            "blind",
            "checkworthiness_threshold",
            "role",
            "created_at",
        ]
        read_only_fields = ["id", "slug", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, workspace) -> str | None:
        from annotations.permissions import roles_of

        return roles_of(self.context["request"].user).get(workspace.pk)


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSerializer(read_only=True)
    username = serializers.CharField(
        write_only=True, max_length=150, help_text="The account to add to the workspace."
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_username(self, value):
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("There is no active account with this username.")
        workspace = self.context["workspace"]
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise serializers.ValidationError("This account is already a member.")
        self.context["new_member"] = user
        return value


class MembershipRoleSerializer(MembershipSerializer):
    class Meta(MembershipSerializer.Meta):
        read_only_fields = ["id", "created_at", "username"]
        extra_kwargs = {"username": {"required": False}}


class RatingSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(min_value=0, max_value=32767)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Rating
        fields = ["id", "label", "position", "ordinal", "colour", "description"]

    def validate(self, attrs):
        scale = self.context["scale"]
        others = Rating.objects.filter(scale=scale)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if "label" in attrs and others.filter(label=attrs["label"]).exists():
            raise serializers.ValidationError({"label": ["This scale already has this label."]})
        if "position" in attrs and others.filter(position=attrs["position"]).exists():
            raise serializers.ValidationError(
                {"position": ["Another rating of this scale has this position."]}
            )
        return attrs


class RatingScaleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    ratings = RatingSerializer(many=True, read_only=True)


# --- documents --------------------------------------------------------------------------


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
            "source_url",
            "published",
            "language",
            "created_by",
            "created_at",
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
    source_url = http_url(max_length=2000, required=False, allow_blank=True)
    published = serializers.DateField(required=False, allow_null=True)
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", max_length=10, required=False, allow_blank=True
    )

    def validate(self, attrs):
        if bool(attrs.get("text")) == bool(attrs.get("file")):
            raise serializers.ValidationError("Send either the text or a file, not both.")
        return attrs


class DocumentCreatedSerializer(DocumentDetailSerializer):
    created = serializers.BooleanField(
        read_only=True, help_text="False when the same text was imported before."
    )

    class Meta(DocumentDetailSerializer.Meta):
        fields = [*DocumentDetailSerializer.Meta.fields, "created"]
        read_only_fields = fields


# --- claims -----------------------------------------------------------------------------


class ClaimSerializer(serializers.ModelSerializer):
    assignee = UserSerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(
        choices=Claim.State.choices, read_only=True, help_text="Derived, never stored."
    )
    verdict_rating = serializers.CharField(
        read_only=True, allow_null=True, help_text="The rating of the current verdict, if any."
    )
    restatement = serializers.CharField(
        max_length=RESTATEMENT_MAX, required=False, allow_blank=True
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "document",
            "start",
            "end",
            "kind",
            "text",
            "checkworthiness",
            "restatement",
            "not_checkable",
            "assignee",
            "state",
            "verdict_rating",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "document",
            "start",
            "end",
            "kind",
            "text",
            "checkworthiness",
            "created_at",
        ]

    def to_representation(self, claim):
        return {
            "id": claim.pk,
            "document": claim.document_id,
            "start": claim.start,
            "end": claim.end,
            "kind": claim.kind,
            "text": claim.text,
            "checkworthiness": claim.checkworthiness,
            "restatement": claim.restatement,
            "not_checkable": claim.not_checkable,
            "assignee": _user(claim.assignee) if claim.assignee_id else None,
            "state": claim.state,
            "verdict_rating": getattr(claim, "verdict_rating", None),
            "created_at": _dt(claim.created_at),
        }


class ClaimCreateSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    start = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, help_text="In code points, inclusive."
    )
    end = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, help_text="In code points, exclusive."
    )
    restatement = serializers.CharField(
        max_length=RESTATEMENT_MAX, required=False, allow_blank=True
    )


class ClaimAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, allow_null=True, help_text="A member's user id, or null."
    )


# --- annotations and sources --------------------------------------------------------------


class SourceSerializer(serializers.Serializer):
    """A source. A plain Serializer: creating an annotation with its sources stays cheap."""

    id = serializers.IntegerField(read_only=True)
    annotation = serializers.IntegerField(read_only=True)
    url = http_url(max_length=2000)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published = serializers.DateField(required=False, allow_null=True)
    excerpt = serializers.CharField(max_length=EXCERPT_MAX, required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=Source.Stance.choices, required=False)
    archive_url = http_url(max_length=2000, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    def to_representation(self, source):
        return source_dict(source)


def source_dict(source) -> dict:
    return {
        "id": source.pk,
        "annotation": source.annotation_id,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": _date(source.published),
        "excerpt": source.excerpt,
        "stance": source.stance,
        "archive_url": source.archive_url,
        "position": source.position,
    }


class RatingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    colour = serializers.CharField(read_only=True)


class AnnotationSerializer(serializers.ModelSerializer):
    """An annotation as read; `version` and the ETag header guard edits."""

    author = UserSerializer(read_only=True)
    document = serializers.IntegerField(read_only=True)
    rating = RatingRefSerializer(read_only=True, allow_null=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "claim",
            "document",
            "author",
            "rating",
            "summary",
            "note",
            "status",
            "version",
            "hidden",
            "sources",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields

    def to_representation(self, annotation):
        rating = annotation.rating
        return {
            "id": annotation.pk,
            "claim": annotation.claim_id,
            "document": _document_id(annotation),
            "author": _user(annotation.author),
            "rating": (
                None
                if rating is None
                else {"id": rating.pk, "label": rating.label, "colour": rating.colour}
            ),
            "summary": annotation.summary,
            "note": annotation.note,
            "status": annotation.status,
            "version": annotation.version,
            "hidden": annotation.hidden,
            "sources": [source_dict(s) for s in _sources(annotation)],
            "created_at": _dt(annotation.created_at),
            "updated_at": _dt(annotation.updated_at),
            "submitted_at": _dt(annotation.submitted_at),
        }


def _document_id(obj) -> int:
    # Lists annotate document_id (one join); single objects may carry their claim.
    document_id = getattr(obj, "document_id", None)
    return obj.claim.document_id if document_id is None else document_id


def _sources(annotation):
    # Prefetched by the views; sorted here as the model orders them.
    return sorted(annotation.sources.all(), key=lambda s: (s.position, s.pk))


class _RatingField(serializers.PrimaryKeyRelatedField):
    """A rating of the annotation's workspace (`workspace` in the context): another
    scale's rating answers like one that does not exist, so ids of other desks are not
    told apart from missing ones."""

    default_error_messages = {
        "does_not_exist": "No rating of this workspace's scale has this id.",
        "incorrect_type": "Give a rating id (a whole number).",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Rating.objects.select_related("scale"), **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(scale__workspace=self.context["workspace"])


class AnnotationWriteSerializer(serializers.Serializer):
    """The fields an author edits. PUT sends all three, PATCH any of them."""

    rating = _RatingField(allow_null=True, help_text="A rating id of the workspace's scale.")
    summary = serializers.CharField(max_length=600, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, help_text="Markdown.")
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        write_only=True,
        help_text="The version you edited; needed unless If-Match carries the ETag.",
    )


class AnnotationClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class AnnotationCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    rating = _RatingField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=600, required=False, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)
    sources = SourceSerializer(many=True, required=False, max_length=50)


class ReviewSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, help_text="The review comment."
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)


class ModerationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


# --- comments, verdicts, flags ----------------------------------------------------------


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


# --- W3C Web Annotation (schema only: annotations.exports.w3c builds the bodies) --------


@extend_schema_field(OpenApiTypes.OBJECT)
class W3CField(serializers.JSONField):
    pass


class W3CAnnotationSerializer(serializers.Serializer):
    """A W3C Web Annotation (https://www.w3.org/TR/annotation-model/)."""

    id = serializers.URLField(read_only=True)
    type = serializers.CharField(read_only=True)
    motivation = serializers.CharField(read_only=True)
    creator = W3CField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    modified = serializers.DateTimeField(read_only=True)
    target = W3CField(read_only=True)
    body = serializers.ListField(child=W3CField(), read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        return {"@context": serializers.CharField(read_only=True), **fields}


class W3CCollectionSerializer(serializers.Serializer):
    """A W3C AnnotationCollection (without ?page) or AnnotationPage (with ?page=N)."""

    id = serializers.URLField(read_only=True)
    type = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, required=False)
    total = serializers.IntegerField(read_only=True, required=False)
    first = W3CField(read_only=True, required=False)
    last = serializers.URLField(read_only=True, required=False)
    items = serializers.ListField(child=W3CField(), read_only=True, required=False)


# --- search and similar claims -------------------------------------------------------


class ClaimRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    document_title = serializers.CharField()
    text = serializers.CharField()


class VerdictRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()


class SimilarClaimSerializer(serializers.Serializer):
    claim = ClaimRefSerializer()
    score = serializers.FloatField()
    verdict = VerdictRefSerializer(allow_null=True)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["claim", "annotation", "verdict"])
    id = serializers.IntegerField(help_text="Of the claim, annotation or verdict.")
    claim = ClaimRefSerializer()
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text="Escaped HTML; matching words in <mark>.")


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)


def claim_ref(claim) -> dict:
    return {
        "id": claim.pk,
        "document": claim.document_id,
        "document_title": claim.document.title,
        "text": claim.text,
    }


def verdict_ref(verdict) -> dict | None:
    if verdict is None:
        return None
    return {
        "id": verdict.pk,
        "rating": verdict.rating.label,
        "summary": verdict.summary,
        "published_at": _dt(verdict.published_at),
    }


# --- background jobs ----------------------------------------------------------------------


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This job in the API.")
    download = serializers.SerializerMethodField(
        help_text="Once an export has succeeded: where to download its file; else null."
    )
    document = serializers.IntegerField(
        source="document_id",
        read_only=True,
        allow_null=True,
        help_text="The document exported, or the one an import made once it has succeeded.",
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "progress",
            "message",
            "error",
            "document",
            "download",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "progress": {"help_text": "Percent done, 0–100."},
            "error": {"help_text": "Why the job failed; empty otherwise."},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, job) -> str:
        return reverse("api-job", args=[job.pk])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_download(self, job) -> str | None:
        if job.status == Job.Status.SUCCEEDED and job.result_name:
            return reverse("api-job-download", args=[job.pk])
        return None
