"""Bodies of annotations, their sources, reviews and moderation notes."""

from rest_framework import serializers

from annotations.api.serializers.common import (
    COMMENT_MAX,
    EXCERPT_MAX,
    MAX_INT,
    NOTE_MAX,
    REASON_MAX,
    UserSerializer,
    _user,
    dt_writer,
    http_url,
)
from annotations.models import (
    Annotation,
    Rating,
    Source,
)
from annotations.text.dates import iso_date


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
        return source.as_dict(with_ids=True, with_position=True)


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
        dt = dt_writer()
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
            "sources": [s.as_dict(with_ids=True, with_position=True) for s in _sources(annotation)],
            "created_at": dt(annotation.created_at),
            "updated_at": dt(annotation.updated_at),
            "submitted_at": dt(annotation.submitted_at),
        }


# What a list reads of each annotation: plain rows, no model instances (a page of 500
# annotations with their authors, ratings and sources would make 2,000 of them).
ROW_FIELDS = (
    "id",
    "claim_id",
    "claim__document_id",
    "author_id",
    "author__username",
    "rating_id",
    "rating__label",
    "rating__colour",
    "summary",
    "note",
    "status",
    "version",
    "hidden",
    "created_at",
    "updated_at",
    "submitted_at",
)
SOURCE_FIELDS = (
    "id",
    "annotation_id",
    "url",
    "title",
    "publisher",
    "published",
    "excerpt",
    "stance",
    "archive_url",
    "position",
)


def annotation_rows(rows: list[dict], within=None) -> list[dict]:
    """Annotations read as ROW_FIELDS rows, in the body AnnotationSerializer gives each,
    with their sources read in one query. `within`: the annotations queryset the rows
    are a page of, ordered by id."""
    sources: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    if within is not None and rows:
        # The page is every row of `within` from its first id to its last: asked so, the
        # sources' query carries two ids, not a parameter per annotation.
        first, last = min(sources), max(sources)
        page = within.filter(pk__gte=first, pk__lte=last).order_by().values("pk")
        source_rows = Source.objects.filter(annotation__in=page)
    else:
        source_rows = Source.objects.filter(annotation_id__in=list(sources))
    source_rows = source_rows.order_by("annotation_id", "position", "id").values_list(
        *SOURCE_FIELDS
    )
    for (
        pk,
        annotation,
        url,
        title,
        publisher,
        published,
        excerpt,
        stance,
        archive,
        position,
    ) in source_rows:
        if annotation not in sources:
            continue  # committed inside the page's range after the page was read
        sources[annotation].append(
            {
                "id": pk,
                "annotation": annotation,
                "url": url,
                "title": title,
                "publisher": publisher,
                "published": iso_date(published),
                "excerpt": excerpt,
                "stance": stance,
                "archive_url": archive,
                "position": position,
            }
        )
    dt = dt_writer()
    return [
        {
            "id": row["id"],
            "claim": row["claim_id"],
            "document": row["claim__document_id"],
            "author": {"id": row["author_id"], "username": row["author__username"]},
            "rating": None
            if row["rating_id"] is None
            else {
                "id": row["rating_id"],
                "label": row["rating__label"],
                "colour": row["rating__colour"],
            },
            "summary": row["summary"],
            "note": row["note"],
            "status": row["status"],
            "version": row["version"],
            "hidden": row["hidden"],
            "sources": sources[row["id"]],
            "created_at": dt(row["created_at"]),
            "updated_at": dt(row["updated_at"]),
            "submitted_at": dt(row["submitted_at"]),
        }
        for row in rows
    ]


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

    def to_internal_value(self, data):
        ratings = self.context.get("ratings")
        if ratings is None:
            return super().to_internal_value(data)
        # The workspace's scale, read once for a whole batch (`ratings`: id -> Rating).
        try:
            if isinstance(data, bool):
                raise TypeError
            rating = ratings.get(int(data))
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if rating is None:
            self.fail("does_not_exist", pk_value=data)
        return rating


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
