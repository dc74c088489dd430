"""Documents: import, read, their annotations and their exports."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import importers, jobs
from annotations.api import bulk, filters, live, serializers
from annotations.api.annotations import annotation_list_queryset, annotation_list_response
from annotations.api.base import (
    W3C_MEDIA_TYPE,
    AnyContentNegotiation,
    ApiView,
    ResourceViewSet,
    W3CContentNegotiation,
    get_readable,
    w3c_renderers,
)
from annotations.api.exceptions import PayloadTooLarge
from annotations.api.jobs import accepted
from annotations.api.pagination import IdCursorPagination
from annotations.api.parsers import BoundedJSONParser
from annotations.api.serializers import JobSerializer
from annotations.api.w3c import collection_response
from annotations.exports import FORMATS, TRUE_VALUES
from annotations.models import Document, Workspace
from annotations.permissions import readable_workspace_ids, require, visible_annotations
from annotations.services import import_document
from annotations.services.live import start_live_document

DOCUMENT_ANNOTATIONS_PAGE = 100


@extend_schema_view(
    list=extend_schema(summary="Documents (without their text)"),
    retrieve=extend_schema(summary="One document with its text"),
    create=extend_schema(
        summary="Import a document (editors)",
        description="JSON with `text`, or multipart with `file` (.txt, .md, .html, .docx, "
        ".pdf). The text is split into claims. The same text twice in a workspace returns "
        "the existing document (200, `created: false`). A file larger than the server's "
        "BACKGROUND_IMPORT_BYTES is imported by a background job: 202 with the job and "
        "`Location: /api/v1/jobs/{id}/`, whose `document` is set once it has succeeded.",
        request={
            "application/json": serializers.DocumentCreateSerializer,
            "multipart/form-data": serializers.DocumentCreateSerializer,
        },
        responses={
            201: serializers.DocumentCreatedSerializer,
            200: serializers.DocumentCreatedSerializer,
            202: JobSerializer,
        },
    ),
)
class DocumentViewSet(
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.DocumentSerializer
    model = Document
    filterset_class = filters.DocumentFilter
    content_negotiation_class = W3CContentNegotiation
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    # 409: a chunk out of order or for a document that is not live (append, close)
    extra_error_codes = {"POST": ("413", "409"), "DELETE": ("409",)}

    def rows(self):
        queryset = Document.objects.filter(
            workspace_id__in=readable_workspace_ids(self.request.user)
        ).select_related("workspace", "created_by")
        if self.action == "list":
            queryset = queryset.defer("text")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DocumentDetailSerializer
        if self.action == "create":
            return serializers.DocumentCreateSerializer
        return serializers.DocumentSerializer

    def get_object(self):
        document = super().get_object()
        document.claim_count = document.claims.count()
        return document

    @extend_schema(
        summary="Record whether the speaker is a person or an organization (editors)",
        request=serializers.DocumentUpdateSerializer,
        responses=serializers.DocumentDetailSerializer,
    )
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        serializer = serializers.DocumentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document.set_speaker_type(request.user, serializer.validated_data["speaker_type"])
        return Response(serializers.DocumentDetailSerializer(document).data)

    @extend_schema(
        summary="Delete a document nobody has worked on (editors)",
        description="409 when it has annotations or verdicts: archive it instead.",
        responses={204: None},
    )
    def destroy(self, request, *args, **kwargs):
        self.get_object().delete_by(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Archive a document (editors)",
        description="Takes it out of the document lists (`?archived=true` lists archived "
        "ones); its page, claims, verdicts and public report stay.",
        request=None,
        responses=serializers.DocumentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        document = self.get_object()
        document.archive(request.user)
        return Response(serializers.DocumentDetailSerializer(document).data)

    @extend_schema(
        summary="Bring an archived document back into the lists (editors)",
        request=None,
        responses=serializers.DocumentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def unarchive(self, request, pk=None):
        document = self.get_object()
        document.unarchive(request.user)
        return Response(serializers.DocumentDetailSerializer(document).data)

    @extend_schema(
        summary="Append a chunk of transcript to a live document (editors, ingest tokens)",
        description="Chunks are numbered 1, 2, … (`sequence`). Only the new text is split "
        "into claims, scored and matched; an unfinished last sentence is held until the "
        "next chunk completes it, or the document is closed. A retry (same number, same "
        "text) appends nothing and answers as the first time did (with `Chunk-Replayed: "
        "true`); a gap, or other text under a number already used, is 409, as is a "
        "document that is not live (or closed).",
        request={
            "application/json": serializers.ChunkSerializer,
            "multipart/form-data": serializers.ChunkSerializer,
        },
        responses={201: serializers.AppendedSerializer},
    )
    @action(detail=True, methods=["post"])
    def append(self, request, pk=None):
        return live.append(request, pk)

    @extend_schema(
        summary="Close a live document (editors, ingest tokens)",
        description="The held unfinished sentence becomes a claim; the document is an "
        "ordinary, immutable one from now on (appends answer 409). Closing it again "
        "changes nothing.",
        request=None,
        responses=serializers.AppendedSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return live.close(request, pk)

    def create(self, request, *args, **kwargs):
        serializer = serializers.DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        workspace = Workspace.objects.filter(
            slug=data["workspace"], pk__in=readable_workspace_ids(request.user)
        ).first()
        if workspace is None:
            raise NotFound("No such workspace.")
        require(request.user, "document.import", workspace, "Only editors can import documents.")
        if data["live"]:
            return self._start_live(request, workspace, data)
        upload = data.get("file")
        if upload is not None:
            if upload.size > settings.MAX_UPLOAD_BYTES:
                raise PayloadTooLarge(
                    f"The file has {upload.size:,} bytes; the limit is "
                    f"{settings.MAX_UPLOAD_BYTES:,}. Split it or import it with the command line."
                )
            if upload.size > settings.BACKGROUND_IMPORT_BYTES:
                job = jobs.start_import(
                    workspace,
                    request.user,
                    upload.read(),
                    filename=upload.name,
                    content_type=upload.content_type,
                    title=data.get("title", ""),
                    speaker=data.get("speaker", ""),
                    speaker_type=data.get("speaker_type", ""),
                    source_url=data.get("source_url", ""),
                    published=data.get("published"),
                    language=data.get("language", ""),
                )
                return accepted(job)
            imported = importers.import_file(
                upload.read(),
                filename=upload.name,
                content_type=upload.content_type,
                max_chars=settings.MAX_DOCUMENT_CHARS,
            )
        else:
            imported = importers.import_text(
                data["text"], as_markdown=data["markdown"], max_chars=settings.MAX_DOCUMENT_CHARS
            )
        result = import_document(
            workspace,
            imported,
            title=data.get("title", ""),
            speaker=data.get("speaker", ""),
            speaker_type=data.get("speaker_type", ""),
            source_url=data.get("source_url", ""),
            published=data.get("published"),
            language=data.get("language", ""),
            created_by=request.user,
        )
        document = result.document
        document.claim_count = result.claims
        document.created = result.created
        body = serializers.DocumentCreatedSerializer(document).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)

    def _start_live(self, request, workspace, data):
        document = start_live_document(
            workspace,
            title=data.get("title", ""),
            text=data.get("text", ""),
            speaker=data.get("speaker", ""),
            speaker_type=data.get("speaker_type", ""),
            source_url=data.get("source_url", ""),
            published=data.get("published"),
            language=data.get("language", ""),
            created_by=request.user,
        )
        document.claim_count = document.claims.count()
        document.created = True
        body = serializers.DocumentCreatedSerializer(document).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Import many documents as one background job (editors)",
        description="JSON with `documents`, up to 1,000 items each as `POST /documents/` "
        "takes them (`text`, `title`, `speaker`, …), or multipart with `file`, a ZIP of up "
        "to 1,000 files (.txt, .md, .html, .docx, .pdf). The ZIP passes the same inflation "
        "guard as a Word document: a ZIP bomb is refused with 400. Answers 202 with the job "
        "and `Location: /api/v1/jobs/{id}/`; once it has run, the job's `results` say what "
        "became of each item (imported, exists or failed, and why). Items that fail the "
        "checks are reported there too; the others are imported.",
        request={
            "application/json": serializers.DocumentBatchSerializer,
            "multipart/form-data": serializers.DocumentBatchSerializer,
        },
        responses={202: JobSerializer},
    )
    @action(detail=False, methods=["post"])
    def batch(self, request):
        return bulk.import_batch(request, self)

    def get_renderers(self):
        if getattr(self, "action", None) == "annotations":
            return w3c_renderers()
        return super().get_renderers()

    @extend_schema(
        summary="The annotations of a document",
        description="JSON: a cursor-paginated list, as /annotations/?document={id}. With "
        f"`Accept: {W3C_MEDIA_TYPE}` (or `application/ld+json`): a W3C AnnotationCollection "
        "(first page embedded, its `partOf` naming the collection by `id`, `label` and `total`); "
        "`?page=N` returns that AnnotationPage.",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="W3C only: a page number."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–500."),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="JSON only."),
        ],
        responses={
            (200, "application/json"): serializers.AnnotationSerializer(many=True),
            (200, W3C_MEDIA_TYPE): serializers.W3CCollectionSerializer,
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=IdCursorPagination)
    def annotations(self, request, pk=None):
        document = get_readable(
            Document.objects.select_related("workspace").defer("text"), pk, request.user
        )
        queryset = annotation_list_queryset(request.user).filter(claim__document=document)
        if request.accepted_renderer.format == "w3c":
            return collection_response(request, document, queryset)
        rows = visible_annotations(request.user).filter(claim__document=document)
        return annotation_list_response(rows, request, self)


class DocumentExportView(ApiView, APIView):
    content_negotiation_class = AnyContentNegotiation

    def get_format_suffix(self, **kwargs):
        return None  # `format` here names the export format, not DRF's suffix

    @extend_schema(
        operation_id="documents_export",
        summary="Export a document",
        description=f"Formats: {', '.join(FORMATS)}. Member formats "
        "(csv, json, w3c) hold what you may read; the others the published report. "
        "`?include_approved=1` adds approved work to the public formats. The PDF takes "
        "seconds to render: it is made by a background job, answered 202 with the job and "
        "`Location: /api/v1/jobs/{id}/`, whose `download` link gives the file once done.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(FORMATS),
            ),
            OpenApiParameter("include_approved", OpenApiTypes.BOOL),
        ],
        responses={
            (200, "text/html"): OpenApiTypes.STR,
            (202, "application/json"): JobSerializer,
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.ANY,
            (200, "application/ld+json"): OpenApiTypes.ANY,
        },
        tags=["documents"],
    )
    def get(self, request, pk, format):
        exporter = FORMATS.get(format)
        if exporter is None:
            raise NotFound("No such export format.")
        document = get_readable(Document.objects.select_related("workspace"), pk, request.user)
        include_approved = request.query_params.get("include_approved") in TRUE_VALUES
        if exporter.background:
            job = jobs.start_export(document, request.user, include_approved=include_approved)
            return accepted(job)
        return exporter.response(document, request.user, include_approved=include_approved)
