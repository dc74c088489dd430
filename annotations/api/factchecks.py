"""Reference fact-checks of a workspace under /api/v1/workspaces/{slug}/factchecks/:
members list and read them; editors load a file of them (POST). There is no PUT, PATCH
or DELETE: they are fact-checks as published elsewhere, kept as loaded."""

import django_filters as filters
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from annotations.api import serializers
from annotations.api.base import ResourceViewSet
from annotations.api.exceptions import PayloadTooLarge, error_body
from annotations.api.parsers import RawBodyParser
from annotations.api.workspaces import WORKSPACE_SLUG, WorkspaceChildMixin
from annotations.models import ReferenceFactCheck
from annotations.permissions import Action, require
from annotations.services.factcheck_files import NOT_EDITOR, load_factchecks

# A response lists this many of the records left out; `skipped` counts them all.
REPORTED_PROBLEMS = 1000


class FactCheckFilter(filters.FilterSet):
    publisher = filters.CharFilter(
        field_name="publisher",
        lookup_expr="iexact",
        max_length=300,
        help_text="Only this publisher's (case-insensitive, the whole name).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="A workspace's reference fact-checks (published elsewhere)",
        parameters=[WORKSPACE_SLUG],
    ),
    retrieve=extend_schema(summary="One reference fact-check", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(
        summary="Load reference fact-checks from a file (editors)",
        description="The file as multipart field `file`, or as the request body: schema.org "
        "ClaimReview JSON-LD (an object, an array, a `@graph`, a DataFeed, the Fact Check "
        "Tools search answer, or JSON lines) or a TSV with a header row (claim, rating, "
        "url; optionally publisher, date, claimant, title, language). Records that cannot "
        "be read are listed in `errors` and skipped; the others are stored in one "
        "transaction. 201 when some were added, 200 when all were already there; 400 when "
        "the file cannot be read or no record in it can be.",
        parameters=[WORKSPACE_SLUG],
        request={
            "multipart/form-data": serializers.FactCheckUploadSerializer,
            "application/octet-stream": OpenApiTypes.BINARY,
        },
        responses={
            201: serializers.FactCheckLoadSerializer,
            200: serializers.FactCheckLoadSerializer,
        },
    ),
)
class ReferenceFactCheckViewSet(
    WorkspaceChildMixin,
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.ReferenceFactCheckSerializer
    model = ReferenceFactCheck
    filterset_class = FactCheckFilter
    parser_classes = [MultiPartParser, RawBodyParser]
    http_method_names = ["get", "post", "head", "options"]
    extra_error_codes = {"POST": ("413",)}

    def rows(self):
        return (
            ReferenceFactCheck.objects.filter(workspace=self.get_workspace())
            .select_related("loaded_by")
            .defer("match_text", "search_vector", "match_vector")
        )

    def create(self, request, *args, **kwargs):
        workspace = self.get_workspace()
        require(request.user, Action.FACTCHECKS_LOAD, workspace, NOT_EDITOR)
        data, filename = _sent_file(request)
        report = load_factchecks(workspace, data, request.user, filename=filename)
        problems = [
            {"line": p.line, "where": p.where, "message": p.message}
            for p in report.problems[:REPORTED_PROBLEMS]
        ]
        if not report.loaded and not report.duplicates:
            lines = [f"{p['where'].capitalize()}: {p['message']}" for p in problems]
            detail = f"No fact-check could be loaded: all {report.skipped} records have problems."
            body = error_body(detail, "no_valid_records", {"file": lines})
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        body = {
            "format": report.format,
            "loaded": report.loaded,
            "duplicates": report.duplicates,
            "skipped": report.skipped,
            "errors": problems,
        }
        return Response(body, status=status.HTTP_201_CREATED if report.loaded else 200)


def _sent_file(request) -> tuple[bytes, str | None]:
    """The uploaded file's bytes and name, or the request body's bytes."""
    limit = min(settings.MAX_UPLOAD_BYTES, settings.FACTCHECKS_MAX_BYTES)
    upload = request.FILES.get("file")
    if upload is not None:
        size, name = upload.size, upload.name
    elif request.content_type.startswith("multipart/"):
        raise ValidationError(
            {"file": ["Send the fact-checks as the multipart field file, or as the body."]}
        )
    else:
        # An empty body parses to no data at all: the reader calls it empty.
        body = request.data if isinstance(request.data, bytes) else b""
        size, name = len(body), None
    if size > limit:
        raise PayloadTooLarge(
            f"The file has {size:,} bytes; the limit is {limit:,}. Split it, or load it with "
            "manage.py import_factchecks."
        )
    return (upload.read() if upload is not None else body), name
