"""Live documents in the API: appending a chunk, closing (actions of /documents/{id}/,
see annotations.api.documents), and a desk's ingest tokens under
/api/v1/workspaces/{slug}/ingest-tokens/ (editors)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from annotations import importers
from annotations.api import serializers
from annotations.api.base import ResourceViewSet, get_by_id
from annotations.api.exceptions import PayloadTooLarge
from annotations.api.workspaces import WORKSPACE_SLUG, WorkspaceChildMixin
from annotations.importers.chunks import chunk_from_bytes, refuse_bad_chunk
from annotations.models import Document, IngestToken
from annotations.services.live import append_chunk, close_live_document

MANAGE_TOKENS = "Only editors can manage the desk's ingest tokens."


def live_document(pk) -> Document:
    """The document a chunk or a close is for. Not limited to the readable documents: an
    ingest token reads none, and the permission map answers 404 or 403 (services.live)."""
    return get_by_id(Document.objects.select_related("workspace"), pk)


def append(request, pk) -> Response:
    document = live_document(pk)
    body = serializers.ChunkSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    upload = data.get("file")
    if upload is not None:
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(
                f"The file has {upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,}."
            )
        try:
            text = chunk_from_bytes(upload.read(), upload.name)
            refuse_bad_chunk(text, settings.MAX_CHUNK_CHARS)
        except importers.ImportRefused as refused:
            refused.field = "file"
            raise
    else:
        text = data["text"]
    appended = append_chunk(document, text, sequence=data["sequence"], by=request.user)
    answer = serializers.AppendedSerializer(appended).data
    headers = {"Chunk-Replayed": "true"} if appended.replayed else {}
    return Response(answer, status=status.HTTP_201_CREATED, headers=headers)


def close(request, pk) -> Response:
    document = live_document(pk)
    closed = close_live_document(document, request.user)
    if closed is None:  # closed before: nothing changed
        document.refresh_from_db()
        return Response({"document": document.pk, "live": False, "claims": []})
    return Response(serializers.AppendedSerializer(closed).data)


@extend_schema_view(
    list=extend_schema(summary="A desk's ingest tokens (editors)", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(
        summary="Create an ingest token (editors); its key is shown this once",
        description="For a transcription service: the key may append chunks to, and close, "
        "the desk's live documents, and nothing else. Send it as `Authorization: Token …`.",
        parameters=[WORKSPACE_SLUG],
        request=serializers.IngestTokenSerializer,
        responses={201: serializers.IngestTokenCreatedSerializer},
    ),
    destroy=extend_schema(summary="Revoke an ingest token (editors)", parameters=[WORKSPACE_SLUG]),
)
class IngestTokenViewSet(
    WorkspaceChildMixin,
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.IngestTokenSerializer
    model = IngestToken
    pagination_class = None

    def rows(self):
        self.require_manager(MANAGE_TOKENS)
        return IngestToken.objects.filter(workspace=self.get_workspace()).select_related(
            "created_by"
        )

    def create(self, request, *args, **kwargs):
        self.require_manager(MANAGE_TOKENS)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        token, key = IngestToken.issue(self.get_workspace(), name, request.user)
        token.token = key
        body = serializers.IngestTokenCreatedSerializer(token).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    def perform_destroy(self, instance):
        instance.delete()
