"""Annotations (a checker's rating, summary and note on a claim) and their sources."""

import threading

from django.db import transaction
from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import IntegerField

from annotations.api import bulk, filters, serializers
from annotations.api.annotation_start import claim_to_annotate
from annotations.api.base import (
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    W3C_MEDIA_TYPE,
    ResourceViewSet,
    W3CContentNegotiation,
    expected_version,
    readable_annotation,
    w3c_renderers,
    with_etag,
)
from annotations.api.comments import comment_list_queryset, post_comment
from annotations.api.w3c import annotation_document
from annotations.models import Annotation, Source
from annotations.permissions import Action, can, visible_annotations, visible_sources

_thread = threading.local()


def creation_serializer(workspace, ratings) -> serializers.AnnotationCreateSerializer:
    """The serializer a POST validates with: one a thread, its context set for each request
    (`ratings`: the rating the body names, read with the claim). DRF copies a serializer's
    fields for every new instance, which cost more than the validation itself;
    run_validation() raises the ValidationError is_valid() would."""
    serializer = getattr(_thread, "creation", None)
    if serializer is None:
        serializer = _thread.creation = serializers.AnnotationCreateSerializer()
    serializer._context = {"workspace": workspace, "ratings": ratings}
    return serializer


def annotation_list_queryset(user):
    return (
        visible_annotations(user)
        .select_related("author", "rating")
        .annotate(document_id=F("claim__document_id"))
        .prefetch_related("sources")
    )


def annotation_list_response(queryset, request, view) -> Response:
    """A cursor page of annotations, read as plain rows (serializers.annotation_rows)."""
    paginator = view.paginator
    page = paginator.paginate_queryset(queryset.values(*serializers.ROW_FIELDS), request, view=view)
    return paginator.get_paginated_response(serializers.annotation_rows(page, queryset))


@extend_schema_view(
    list=extend_schema(summary="Annotations you may see (cursor-paginated, filterable)"),
    retrieve=extend_schema(
        summary="One annotation, with a strong ETag",
        description=f"With `Accept: {W3C_MEDIA_TYPE}` (or `application/ld+json`), a W3C "
        "Web Annotation.",
        responses={
            (200, "application/json"): serializers.AnnotationSerializer,
            (200, W3C_MEDIA_TYPE): serializers.W3CAnnotationSerializer,
        },
    ),
    create=extend_schema(
        summary="Start your annotation of a claim (a draft), with its sources",
        request=serializers.AnnotationCreateSerializer,
        responses={201: serializers.AnnotationSerializer},
    ),
    update=extend_schema(
        summary="Replace your annotation's rating, summary and note",
        parameters=[IF_MATCH],
        request=serializers.AnnotationWriteSerializer,
        responses=serializers.AnnotationSerializer,
    ),
    partial_update=extend_schema(
        summary="Edit your annotation",
        parameters=[IF_MATCH],
        request=serializers.AnnotationWriteSerializer,
        responses=serializers.AnnotationSerializer,
    ),
    destroy=extend_schema(
        summary="Delete your draft",
        parameters=[IF_MATCH],
        request=serializers.VersionSerializer,
    ),
)
class AnnotationViewSet(ResourceViewSet, viewsets.ModelViewSet):
    serializer_class = serializers.AnnotationSerializer
    model = Annotation
    filterset_class = filters.AnnotationFilter
    content_negotiation_class = W3CContentNegotiation
    # PUT replaces the rating, summary and note.
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    object_related = ("claim__document__workspace",)
    object_deferred = ("claim__document__text",)
    extra_error_codes = {
        "PUT": ("412", "428"),
        "PATCH": ("412", "428"),
        "DELETE": ("412", "428"),
        # 409: you have an annotation on this claim already.
        "POST": ("409", "412"),
    }

    def rows(self):
        return annotation_list_queryset(self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(visible_annotations(request.user))
        return annotation_list_response(queryset, request, self)

    def get_renderers(self):
        if getattr(self, "action", None) == "retrieve":
            return w3c_renderers()
        return super().get_renderers()

    def _respond(self, annotation, status_code=200):
        annotation = self.get_object() if annotation is None else annotation
        data = serializers.AnnotationSerializer(annotation).data
        return with_etag(Response(data, status=status_code), annotation.etag)

    def _reloaded(self, pk):
        self.kwargs["pk"] = pk
        return self.get_object()

    def retrieve(self, request, *args, **kwargs):
        annotation = self.get_object()
        if request.accepted_renderer.format == "w3c":
            return with_etag(Response(annotation_document(annotation)), annotation.etag)
        return self._respond(annotation)

    def create(self, request, *args, **kwargs):
        # The claim first: someone who may not see it learns nothing from the other fields.
        target = serializers.AnnotationClaimSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        # One statement reads the claim, the poster's roles and the rating named.
        claim, ratings = claim_to_annotate(
            target.validated_data["claim"], request.data.get("rating"), request.user
        )
        if claim is None or not can(request.user, Action.DOCUMENT_READ, claim):
            raise NotFound("Not found.")
        data = creation_serializer(claim.document.workspace, ratings).run_validation(request.data)
        fields = {name: data[name] for name in ("rating", "summary", "note") if name in data}
        sources = []
        for position, source_fields in enumerate(data.get("sources", [])):
            source_fields.setdefault("position", position)
            source = Source(**source_fields)
            # The serializer checked the fields; the database checks the constraints.
            source.full_clean(
                exclude=["annotation"], validate_unique=False, validate_constraints=False
            )
            sources.append(source)
        annotation = Annotation.start(claim, request.user, sources=sources, **fields)
        # Everything the response shows is at hand: no need to read it back.
        annotation.claim = claim
        annotation._prefetched_objects_cache = {"sources": Source.objects.none()}
        annotation._prefetched_objects_cache["sources"]._result_cache = sources
        return self._respond(annotation, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        annotation = self.get_object()
        serializer = serializers.AnnotationWriteSerializer(
            data=request.data, partial=partial, context={"workspace": annotation.workspace}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, annotation, data.pop("version", None))
        annotation.edit(request.user, expected_version=version, **data)
        return self._respond(self._reloaded(annotation.pk))

    def destroy(self, request, *args, **kwargs):
        annotation = self.get_object()
        body_version = None
        if request.data:
            serializer = serializers.VersionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            body_version = serializer.validated_data.get("version")
        version = expected_version(request, annotation, body_version)
        with transaction.atomic():
            annotation._locked(version)
            annotation.delete_draft(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _version(self, request, annotation, serializer_class=serializers.VersionSerializer):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return data, expected_version(request, annotation, data.get("version"), required=False)

    @extend_schema(
        summary="Start up to 1,000 annotations in one request",
        description="A JSON array of annotations, each as `POST /annotations/` takes it. "
        "Each is validated as if posted alone and saved whole or not at all. 201 when all "
        "were saved; 200 when some were refused: `errors` gives each one's `index` and the "
        "status and error body its own request would have had. An empty array, more than "
        "1,000 items or a body that is not an array is a 400 and saves nothing.",
        request=serializers.AnnotationCreateSerializer(many=True),
        responses={
            201: bulk.BulkAnnotationsResultSerializer,
            200: bulk.BulkAnnotationsResultSerializer,
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        return bulk.start_many(request, self)

    @extend_schema(
        summary="Submit your annotation for review",
        parameters=[IF_MATCH_OPTIONAL],
        request=serializers.VersionSerializer,
        responses=serializers.AnnotationSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        annotation = self.get_object()
        _, version = self._version(request, annotation)
        annotation.submit(request.user, expected_version=version)
        return self._respond(self._reloaded(annotation.pk))

    @extend_schema(
        summary="Approve a colleague's submitted annotation (reviewers, editors)",
        parameters=[IF_MATCH_OPTIONAL],
        request=serializers.ReviewSerializer,
        responses=serializers.AnnotationSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        annotation = self.get_object()
        data, version = self._version(request, annotation, serializers.ReviewSerializer)
        annotation.approve(request.user, data.get("body", ""), expected_version=version)
        return self._respond(self._reloaded(annotation.pk))

    @extend_schema(
        summary="Request changes on a colleague's submitted annotation (reviewers, editors)",
        parameters=[IF_MATCH_OPTIONAL],
        request=serializers.ReviewSerializer,
        responses=serializers.AnnotationSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        annotation = self.get_object()
        data, version = self._version(request, annotation, serializers.ReviewSerializer)
        if "\x00" in data.get("body", ""):
            raise ValidationError({"body": ["Text may not contain NUL characters."]})
        annotation.request_changes(request.user, data.get("body", ""), expected_version=version)
        return self._respond(self._reloaded(annotation.pk))

    @extend_schema(
        summary="Hide an annotation (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.AnnotationSerializer,
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._moderate(request, hidden=True)

    @extend_schema(
        summary="Unhide an annotation (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.AnnotationSerializer,
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._moderate(request, hidden=False)

    def _moderate(self, request, hidden):
        annotation = self.get_object()
        serializer = serializers.ModerationNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data.get("note", "")
        if hidden:
            annotation.hide(request.user, note)
        else:
            annotation.unhide(request.user, note)
        return self._respond(self._reloaded(annotation.pk))

    @extend_schema(
        summary="The sources of an annotation",
        responses=serializers.SourceSerializer(many=True),
        methods=["GET"],
    )
    @extend_schema(
        summary="Add a source to your annotation",
        parameters=[IF_MATCH_OPTIONAL],
        request=serializers.SourceSerializer,
        responses={201: serializers.SourceSerializer},
        methods=["POST"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def sources(self, request, pk=None):
        annotation = self.get_object()
        if request.method == "GET":
            return Response(
                serializers.SourceSerializer(serializers._sources(annotation), many=True).data
            )
        return add_source(request, annotation)

    @extend_schema(
        summary="The comments on an annotation, oldest first",
        responses=serializers.CommentSerializer(many=True),
        methods=["GET"],
    )
    @extend_schema(
        summary="Comment on an annotation (or reply with `parent`)",
        request=serializers.NestedCommentCreateSerializer,
        responses={201: serializers.CommentSerializer},
        methods=["POST"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        annotation = self.get_object()
        if request.method == "GET":
            comments = comment_list_queryset(request.user).filter(annotation=annotation)
            return Response(
                serializers.CommentSerializer(comments.order_by("created_at", "id"), many=True).data
            )
        serializer = serializers.NestedCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return post_comment(request, annotation, serializer.validated_data)


def add_source(request, annotation):
    serializer = serializers.SourceSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    fields = dict(serializer.validated_data)
    version = expected_version(request, annotation, required=False)
    with transaction.atomic():
        annotation.touch(request.user, expected_version=version)
        if "position" not in fields:
            fields["position"] = annotation.sources.count()
        source = Source(annotation=annotation, **fields)
        source.full_clean()
        source.save()
    return Response(serializers.SourceSerializer(source).data, status=status.HTTP_201_CREATED)


class SourceCreateSerializer(serializers.SourceSerializer):
    annotation = IntegerField(min_value=1, max_value=2**31 - 1)


@extend_schema_view(
    list=extend_schema(summary="Sources of the annotations you may see"),
    retrieve=extend_schema(summary="One source"),
    create=extend_schema(
        summary="Add a source to your annotation",
        parameters=[IF_MATCH_OPTIONAL],
        request=SourceCreateSerializer,
        responses={201: serializers.SourceSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit a source of your annotation", parameters=[IF_MATCH_OPTIONAL]
    ),
    destroy=extend_schema(
        summary="Remove a source from your annotation", parameters=[IF_MATCH_OPTIONAL]
    ),
)
class SourceViewSet(ResourceViewSet, viewsets.ModelViewSet):
    serializer_class = serializers.SourceSerializer
    model = Source
    filterset_class = filters.SourceFilter
    object_related = ("annotation__claim__document__workspace",)
    object_deferred = ("annotation__claim__document__text",)
    extra_error_codes = {"*": ("412",)}

    def rows(self):
        return visible_sources(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = SourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = readable_annotation(serializer.validated_data["annotation"], request.user)
        return add_source(request, annotation)

    def update(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = serializers.SourceSerializer(source, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        annotation = source.annotation
        version = expected_version(request, annotation, required=False)
        with transaction.atomic():
            annotation.touch(request.user, expected_version=version)
            for name, value in serializer.validated_data.items():
                setattr(source, name, value)
            source.full_clean()
            source.save()
        return Response(serializers.SourceSerializer(source).data)

    def destroy(self, request, *args, **kwargs):
        source = self.get_object()
        annotation = source.annotation
        version = expected_version(request, annotation, required=False)
        with transaction.atomic():
            annotation.touch(request.user, expected_version=version)
            source.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
