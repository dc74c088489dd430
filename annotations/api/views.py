"""The REST API (DESIGN.md, "Interfaces others rely on").

Who may do what is asked of annotations.permissions.can(); lists are limited with the
QuerySet forms of the same rules (permissions.visible_annotations). Transitions go through
the model methods, whose WorkflowErrors carry their status (403/404/400/412).
A non-member gets 404 for anything in a workspace, as if it did not exist.
"""

import re

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import importers, parsing
from annotations.api import filters, serializers
from annotations.api.exceptions import (
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    error_body,
    exception_handler,
)
from annotations.api.pagination import IdCursorPagination
from annotations.api.parsers import BoundedJSONParser
from annotations.api.schema import ApiSchema
from annotations.api.serializers import JobSerializer
from annotations.api.throttling import AnonThrottle, TokenThrottle, UserThrottle
from annotations.models import (
    NO_SUCH_MEMBER,
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    InvalidInput,
    Membership,
    Rating,
    Source,
    Verdict,
    Workspace,
)
from annotations.permissions import (
    Action,
    can,
    claims_with_state,
    readable_workspace_ids,
    require,
    visible_annotations,
    visible_comments,
    visible_flags,
    visible_sources,
)
from annotations.text import anchoring

W3C_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
ID_PATTERN = r"[0-9]{1,18}"
MAX_ID = 2**63 - 1


# --- plumbing shared by every view ------------------------------------------------------


class W3CRenderer(JSONRenderer):
    media_type = W3C_MEDIA_TYPE
    format = "w3c"


class ApiView:
    """Mixed into every API view: one error body, live throttle rates, JSON only."""

    schema = ApiSchema()
    renderer_classes = [JSONRenderer]
    parser_classes = [BoundedJSONParser]
    throttle_classes = [AnonThrottle, UserThrottle]
    extra_error_codes: dict = {}

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Room for a maximal upload plus its multipart framing and the other fields.
        if length > settings.MAX_UPLOAD_BYTES + 1_000_000:
            raise PayloadTooLarge(
                f"The request has {length:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,}."
            )


def readable_workspaces(user) -> list[Workspace]:
    cached = getattr(user, "_api_workspaces", None)
    if cached is None:
        cached = list(Workspace.objects.filter(pk__in=readable_workspace_ids(user)))
        user._api_workspaces = cached
    return cached


def get_by_id(queryset, value, message="Not found."):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not 0 < pk <= MAX_ID:
        raise NotFound(message)
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def get_readable(queryset, value, user, message="Not found."):
    obj = get_by_id(queryset, value, message)
    if not can(user, Action.DOCUMENT_READ, obj):
        raise NotFound(message)
    return obj


_ETAG = re.compile(r'(W/)?"annotation-(\d+)-v(\d+)"')


def expected_version(request, annotation, body_version=None, required=True) -> int | None:
    """The version the client edited: from If-Match (the ETag of a GET) or the body.
    None when neither was sent and the precondition is optional."""
    header = request.headers.get("If-Match")
    if header is not None:
        header = header.strip()
        if header == "*":
            if not required:
                return None  # "any current version": no check asked for
            raise PreconditionRequired(
                "If-Match: * does not protect against lost updates; send the ETag."
            )
        versions = [
            int(version)
            for weak, pk, version in _ETAG.findall(header)
            if not weak and int(pk) == annotation.pk and len(version) < 10
        ]
        if not versions:
            # No tag names this annotation's version: stale by definition (412 below).
            return 0
        return annotation.version if annotation.version in versions else versions[0]
    if body_version is not None:
        return body_version
    if required:
        raise PreconditionRequired()
    return None


def with_etag(response: Response, etag: str) -> Response:
    response["ETag"] = etag
    return response


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag from GET, e.g. "annotation-7-v3". Needed unless the body has '
    "`version`; 428 without either, 412 (with the current annotation) when stale.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional: the annotation's ETag; 412 when it is stale.",
)


@csrf_exempt
def endpoint_not_found(request, *args, **kwargs):
    path = request.path
    hint = "" if path.endswith("/") else " Every path of the API ends in a slash."
    return JsonResponse(error_body(f"No such endpoint: {path}.{hint}", "not_found"), status=404)


# --- auth ---------------------------------------------------------------------------------


class TokenView(ApiView, APIView):
    """Exchange a username and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="auth_token",
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        data = serializers.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                code="invalid_credentials",
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- workspaces, members, rating scales --------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your workspaces"),
    retrieve=extend_schema(summary="One workspace"),
    partial_update=extend_schema(summary="Change a workspace's settings (editors)"),
)
class WorkspaceViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.WorkspaceSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"
    http_method_names = ["get", "patch", "head", "options"]
    pagination_class = None

    def get_queryset(self):
        return Workspace.objects.filter(pk__in=readable_workspace_ids(self.request.user))

    def get_object(self):
        workspace = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if workspace is None or not can(self.request.user, "document.read", workspace):
            raise NotFound()
        return workspace

    def perform_update(self, serializer):
        require(
            self.request.user,
            "workspace.manage",
            serializer.instance,
            "Only editors can change the workspace's settings.",
        )
        serializer.save()


class WorkspaceChildMixin:
    """Views under /workspaces/{slug}/: the workspace must be readable (else 404)."""

    def get_workspace(self) -> Workspace:
        if not hasattr(self, "_workspace"):
            slug = self.kwargs["workspace_slug"]
            workspace = Workspace.objects.filter(
                slug=slug, pk__in=readable_workspace_ids(self.request.user)
            ).first()
            if workspace is None or not can(self.request.user, "document.read", workspace):
                raise NotFound()
            self._workspace = workspace
        return self._workspace

    def require_manager(self, message):
        require(self.request.user, "workspace.manage", self.get_workspace(), message)


WORKSPACE_SLUG = OpenApiParameter(
    "workspace_slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"
)


@extend_schema_view(
    list=extend_schema(summary="Members of a workspace", parameters=[WORKSPACE_SLUG]),
    retrieve=extend_schema(summary="One membership", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(summary="Add a member (editors)", parameters=[WORKSPACE_SLUG]),
    partial_update=extend_schema(
        summary="Change a member's role (editors)",
        parameters=[WORKSPACE_SLUG],
        request=serializers.MembershipRoleSerializer,
    ),
    destroy=extend_schema(summary="Remove a member (editors)", parameters=[WORKSPACE_SLUG]),
)
class MembershipViewSet(WorkspaceChildMixin, ApiView, viewsets.ModelViewSet):
    serializer_class = serializers.MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_PATTERN
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Membership.objects.none()
        return (
            Membership.objects.filter(workspace=self.get_workspace())
            .select_related("user")
            .order_by("user__username")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "workspace_slug" in self.kwargs:
            context["workspace"] = self.get_workspace()
        return context

    def get_serializer_class(self):
        if self.action == "partial_update":
            return serializers.MembershipRoleSerializer
        return serializers.MembershipSerializer

    def get_object(self):
        return get_by_id(self.get_queryset(), self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        self.require_manager("Only editors can add members.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    workspace=self.get_workspace(),
                    user=serializer.context["new_member"],
                    role=serializer.validated_data["role"],
                )
        except IntegrityError:
            raise ValidationError({"username": ["This account is already a member."]}) from None
        return Response(
            serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        self.require_manager("Only editors can change roles.")
        membership = self.get_object()
        serializer = self.get_serializer(membership, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        membership.change_role(serializer.validated_data.get("role", membership.role), request.user)
        return Response(serializers.MembershipSerializer(membership).data)

    def destroy(self, request, *args, **kwargs):
        self.require_manager("Only editors can remove members.")
        self.get_object().remove(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="The ratings of a workspace's scale", parameters=[WORKSPACE_SLUG]),
    retrieve=extend_schema(summary="One rating", parameters=[WORKSPACE_SLUG]),
    create=extend_schema(summary="Add a rating (editors)", parameters=[WORKSPACE_SLUG]),
    partial_update=extend_schema(summary="Change a rating (editors)", parameters=[WORKSPACE_SLUG]),
    destroy=extend_schema(summary="Remove an unused rating (editors)", parameters=[WORKSPACE_SLUG]),
)
class RatingViewSet(WorkspaceChildMixin, ApiView, viewsets.ModelViewSet):
    serializer_class = serializers.RatingSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_PATTERN
    pagination_class = None
    extra_error_codes = {"DELETE": ("409",), "POST": ("409",), "PATCH": ("409",)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Rating.objects.none()
        return Rating.objects.filter(scale__workspace=self.get_workspace())

    def get_object(self):
        return get_by_id(self.get_queryset(), self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "workspace_slug" in self.kwargs:
            context["scale"] = self.get_workspace().rating_scale
        return context

    def _save(self, serializer, **kwargs):
        try:
            with transaction.atomic():
                serializer.save(**kwargs)
        except IntegrityError:
            raise ValidationError("Labels and positions must each be unique.") from None

    def perform_create(self, serializer):
        self.require_manager("Only editors can change the rating scale.")
        self._save(serializer, scale=self.get_workspace().rating_scale)

    def perform_update(self, serializer):
        self.require_manager("Only editors can change the rating scale.")
        self._save(serializer)

    def perform_destroy(self, instance):
        self.require_manager("Only editors can change the rating scale.")
        instance.delete()  # ProtectedError (in use) -> 409


class RatingScaleView(WorkspaceChildMixin, ApiView, APIView):
    """The workspace's rating scale with its ratings in order."""

    @extend_schema(
        parameters=[WORKSPACE_SLUG],
        responses=serializers.RatingScaleSerializer,
        summary="A workspace's rating scale",
    )
    def get(self, request, workspace_slug):
        scale = self.get_workspace().rating_scale
        return Response(serializers.RatingScaleSerializer(scale).data)

    @extend_schema(
        parameters=[WORKSPACE_SLUG],
        request=serializers.RatingScaleSerializer,
        responses=serializers.RatingScaleSerializer,
        summary="Rename the rating scale (editors)",
    )
    def patch(self, request, workspace_slug):
        self.require_manager("Only editors can change the rating scale.")
        scale = self.get_workspace().rating_scale
        serializer = serializers.RatingScaleSerializer(scale, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "name" in serializer.validated_data:
            scale.name = serializer.validated_data["name"]
            scale.save(update_fields=["name"])
        return Response(serializers.RatingScaleSerializer(scale).data)


# --- documents ----------------------------------------------------------------------------


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
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.DocumentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DocumentFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    extra_error_codes = {"POST": ("413",)}

    def get_queryset(self):
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
        document = get_readable(self.get_queryset(), self.kwargs["pk"], self.request.user)
        document.claim_count = document.claims.count()
        return document

    def create(self, request, *args, **kwargs):
        from annotations.services import import_document

        serializer = serializers.DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        workspace = Workspace.objects.filter(
            slug=data["workspace"], pk__in=readable_workspace_ids(request.user)
        ).first()
        if workspace is None:
            raise NotFound("No such workspace.")
        require(request.user, "document.import", workspace, "Only editors can import documents.")
        upload = data.get("file")
        if upload is not None:
            if upload.size > settings.MAX_UPLOAD_BYTES:
                raise PayloadTooLarge(
                    f"The file has {upload.size:,} bytes; the limit is "
                    f"{settings.MAX_UPLOAD_BYTES:,}. Split it or import it with the command line."
                )
            if upload.size > settings.BACKGROUND_IMPORT_BYTES:
                from annotations import jobs
                from annotations.api.jobs import accepted

                job = jobs.start_import(
                    workspace,
                    request.user,
                    upload.read(),
                    filename=upload.name,
                    content_type=upload.content_type,
                    title=data.get("title", ""),
                    speaker=data.get("speaker", ""),
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

    def get_renderers(self):
        if getattr(self, "action", None) == "annotations":
            return [JSONRenderer(), W3CRenderer()]
        return super().get_renderers()

    @extend_schema(
        summary="The annotations of a document",
        description="JSON: a cursor-paginated list, as /annotations/?document={id}. With "
        f"`Accept: {W3C_MEDIA_TYPE}`: a W3C AnnotationCollection (first page embedded); "
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
            from annotations.api.w3c import collection_response

            return collection_response(request, document, queryset)
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = serializers.AnnotationSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


def annotation_list_queryset(user):
    return (
        visible_annotations(user)
        .select_related("author", "rating")
        .annotate(document_id=F("claim__document_id"))
        .prefetch_related("sources")
    )


class AnyContentNegotiation(DefaultContentNegotiation):
    """Exports answer in their own format whatever the Accept header says; errors are
    JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), "application/json"


def _export_formats():
    from annotations.exports import FORMATS

    return FORMATS


class DocumentExportView(ApiView, APIView):
    content_negotiation_class = AnyContentNegotiation

    def get_format_suffix(self, **kwargs):
        return None  # `format` here names the export format, not DRF's suffix

    @extend_schema(
        operation_id="documents_export",
        summary="Export a document",
        description="Formats: html, pdf, md, csv, json, claimreview, w3c. Member formats "
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
                enum=["html", "pdf", "md", "csv", "json", "claimreview", "w3c"],
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
        exporter = _export_formats().get(format)
        if exporter is None:
            raise NotFound("No such export format.")
        document = get_readable(Document.objects.select_related("workspace"), pk, request.user)
        include_approved = request.query_params.get("include_approved") in ("1", "true", "True")
        if format == "pdf":
            from annotations import jobs
            from annotations.api.jobs import accepted

            job = jobs.start_export(document, request.user, include_approved=include_approved)
            return accepted(job)
        result = exporter.export(document, request.user, include_approved=include_approved)
        if isinstance(result, bytes):
            response = HttpResponse(result, content_type=exporter.content_type)
        else:
            response = StreamingHttpResponse(result, content_type=exporter.content_type)
        name = f"{slugify(document.title)[:60] or 'document'}-{document.pk}.{exporter.extension}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "private, no-store"
        return response


# --- claims -------------------------------------------------------------------------------


def claim_list_queryset(user):
    current_rating = (
        Verdict.objects.filter(claim=OuterRef("pk"), is_current=True, retracted_at__isnull=True)
        .order_by()  # one current verdict per claim: no sort (and no joins to sort by)
        .values("rating__label")[:1]
    )
    claims = Claim.objects.filter(document__workspace_id__in=readable_workspace_ids(user))
    return (
        claims_with_state(user, claims)
        .annotate(verdict_rating=Subquery(current_rating))
        .select_related("assignee")
    )


def claim_etag(data: dict) -> str:
    import hashlib
    import json

    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
    return f'"claim-{data["id"]}-{digest}"'


@extend_schema_view(
    list=extend_schema(summary="Claims (cursor-paginated, filterable)"),
    retrieve=extend_schema(summary="One claim, with a strong ETag"),
    create=extend_schema(
        summary="Create a claim from a selection",
        description="Offsets in code points; surrounding whitespace is trimmed. The same "
        "span again returns the existing claim (200).",
        request=serializers.ClaimCreateSerializer,
        responses={201: serializers.ClaimSerializer, 200: serializers.ClaimSerializer},
    ),
    partial_update=extend_schema(
        summary="Change the restatement or mark the claim not checkable",
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Optional: the claim's ETag; 412 when it is stale.",
            )
        ],
    ),
)
class ClaimViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.ClaimSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ClaimFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    extra_error_codes = {"PATCH": ("412",)}
    conflict_serializer = serializers.ClaimSerializer

    def get_queryset(self):
        queryset = claim_list_queryset(self.request.user)
        if self.action == "list":
            # What only search and matching read: a page would carry the text three times.
            queryset = queryset.defer("search_vector", "match_text")
        return queryset

    def get_object(self):
        queryset = self.get_queryset().select_related("document__workspace").defer("document__text")
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

    def retrieve(self, request, *args, **kwargs):
        data = serializers.ClaimSerializer(self.get_object()).data
        return with_etag(Response(data), claim_etag(data))

    def create(self, request, *args, **kwargs):
        serializer = serializers.ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document = get_readable(
            Document.objects.select_related("workspace"), data["document"], request.user
        )
        try:
            claim, created = Claim.from_selection(
                document,
                data["start"],
                data["end"],
                request.user,
                restatement=data.get("restatement", ""),
            )
        except anchoring.SpanError as exc:
            message = f"The selection is not a span of the text: {exc}."
            raise ValidationError({"end" if "end" in str(exc) else "start": [message]}) from None
        claim = get_by_id(self.get_queryset(), claim.pk)
        body = serializers.ClaimSerializer(claim).data
        response = Response(body, status=status.HTTP_201_CREATED if created else 200)
        return with_etag(response, claim_etag(body))

    def update(self, request, *args, **kwargs):
        claim = self.get_object()
        serializer = serializers.ClaimSerializer(claim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {
            name: serializer.validated_data[name]
            for name in ("restatement", "not_checkable")
            if name in serializer.validated_data
        }
        if "\x00" in fields.get("restatement", ""):
            raise ValidationError({"restatement": ["Text may not contain NUL characters."]})
        with transaction.atomic():
            locked = self.get_queryset().select_for_update(of=("self",)).get(pk=claim.pk)
            locked.document = claim.document
            data = serializers.ClaimSerializer(locked).data
            current = claim_etag(data)
            header = request.headers.get("If-Match")
            if (
                header is not None
                and header.strip() != "*"
                and current not in [t.strip() for t in header.split(",")]
            ):
                raise PreconditionFailed(
                    "This claim was changed since you loaded it; reload it and try again.",
                    current=data,
                    etag=current,
                )
            if fields:
                locked.update_details(request.user, **fields)
            else:
                require(request.user, "claim.create", locked, "You cannot change claims here.")
        claim = self.get_object()
        data = serializers.ClaimSerializer(claim).data
        return with_etag(Response(data), claim_etag(data))

    @extend_schema(
        summary="Assign the claim to a member, or to nobody (editors)",
        request=serializers.ClaimAssignSerializer,
        responses=serializers.ClaimSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        claim = self.get_object()
        serializer = serializers.ClaimAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee = None
        if serializer.validated_data["assignee"] is not None:
            assignee = (
                get_user_model().objects.filter(pk=serializer.validated_data["assignee"]).first()
            )
            if assignee is None:
                require(request.user, "moderate", claim, "Only editors can assign claims.")
                raise InvalidInput(NO_SUCH_MEMBER, field="assignee")
        claim.assign(assignee, request.user)
        data = serializers.ClaimSerializer(self.get_object()).data
        return with_etag(Response(data), claim_etag(data))

    # --- annotations ----------------------------------------------------------------------------

    @extend_schema(
        summary="Similar claims in the workspace, with their published verdicts",
        parameters=[
            OpenApiParameter("limit", int, description="At most this many (1–50, default 10)."),
        ],
        responses={200: serializers.SimilarClaimSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request, pk=None):
        from annotations.matching import similar_claims

        claim = self.get_object()
        try:
            limit = parsing.parse_int(request.query_params.get("limit", "10"), "limit")
        except parsing.InvalidValue:
            raise ValidationError({"limit": ["Give a whole number from 1 to 50."]}) from None
        limit = min(max(limit, 1), 50)
        rows = similar_claims(claim, request.user, limit=limit)
        return Response(
            [
                {
                    "claim": serializers.claim_ref(other),
                    "score": round(score, 4),
                    "verdict": serializers.verdict_ref(other.published_verdict),
                }
                for other, score in rows
            ]
        )


@extend_schema_view(
    list=extend_schema(summary="Annotations you may see (cursor-paginated, filterable)"),
    retrieve=extend_schema(
        summary="One annotation, with a strong ETag",
        description=f"With `Accept: {W3C_MEDIA_TYPE}`, a W3C Web Annotation.",
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
class AnnotationViewSet(ApiView, viewsets.ModelViewSet):
    serializer_class = serializers.AnnotationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.AnnotationFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN
    extra_error_codes = {
        "PUT": ("412", "428"),
        "PATCH": ("412", "428"),
        "DELETE": ("412", "428"),
        # 409: you have an annotation on this claim already.
        "POST": ("409", "412"),
    }

    def get_queryset(self):
        return annotation_list_queryset(self.request.user)

    def get_renderers(self):
        if getattr(self, "action", None) == "retrieve":
            return [JSONRenderer(), W3CRenderer()]
        return super().get_renderers()

    def get_object(self):
        queryset = (
            self.get_queryset()
            .select_related("claim__document__workspace")
            .defer("claim__document__text")
        )
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

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
            from annotations.api.w3c import annotation_document

            return with_etag(Response(annotation_document(annotation)), annotation.etag)
        return self._respond(annotation)

    def create(self, request, *args, **kwargs):
        # The claim first: someone who may not see it learns nothing from the other fields.
        target = serializers.AnnotationClaimSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        claim = get_readable(
            Claim.objects.select_related("document__workspace").defer("document__text"),
            target.validated_data["claim"],
            request.user,
        )
        serializer = serializers.AnnotationCreateSerializer(
            data=request.data, context={"workspace": claim.document.workspace}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = {name: data[name] for name in ("rating", "summary", "note") if name in data}
        sources = []
        with transaction.atomic():
            annotation = Annotation.start(claim, request.user, **fields)
            for position, source_fields in enumerate(data.get("sources", [])):
                source_fields.setdefault("position", position)
                source = Source(annotation=annotation, **source_fields)
                # The serializer checked the fields; the database checks the constraints.
                source.full_clean(exclude=["annotation"], validate_constraints=False)
                source.save()
                sources.append(source)
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


# --- sources -----------------------------------------------------------------------------


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
    annotation = serializers.serializers.IntegerField(min_value=1, max_value=2**31 - 1)


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
class SourceViewSet(ApiView, viewsets.ModelViewSet):
    serializer_class = serializers.SourceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.SourceFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    extra_error_codes = {"*": ("412",)}

    def get_queryset(self):
        return visible_sources(self.request.user)

    def get_object(self):
        queryset = (
            self.get_queryset()
            .select_related("annotation__claim__document__workspace")
            .defer("annotation__claim__document__text")
        )
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = SourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = get_readable(
            Annotation.objects.select_related("claim__document__workspace").defer(
                "claim__document__text"
            ),
            serializer.validated_data["annotation"],
            request.user,
        )
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


# --- comments -----------------------------------------------------------------------------


def comment_list_queryset(user):
    """Comments on visible annotations; hidden ones only in workspaces the user edits."""
    return visible_comments(user).select_related("author")


def post_comment(request, annotation, data):
    parent = None
    if data.get("parent"):
        # A comment the user cannot see answers as one that does not exist.
        parent = visible_comments(request.user).filter(pk=data["parent"]).first()
        if parent is None:
            raise ValidationError({"parent": ["No such comment."]})
    comment = Comment.post(annotation, request.user, data["body"], parent=parent)
    return Response(serializers.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Comments you may see"),
    retrieve=extend_schema(summary="One comment"),
    create=extend_schema(
        summary="Comment on an annotation (or reply with `parent`)",
        request=serializers.CommentCreateSerializer,
        responses={201: serializers.CommentSerializer},
    ),
)
class CommentViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.CommentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CommentFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return comment_list_queryset(self.request.user)

    def get_object(self):
        queryset = (
            self.get_queryset()
            .select_related("annotation__claim__document__workspace")
            .defer("annotation__claim__document__text")
        )
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = serializers.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = get_readable(
            Annotation.objects.select_related("claim__document__workspace").defer(
                "claim__document__text"
            ),
            serializer.validated_data["annotation"],
            request.user,
        )
        return post_comment(request, annotation, serializer.validated_data)

    @extend_schema(
        summary="Hide a comment (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._moderate(request, True)

    @extend_schema(
        summary="Unhide a comment (editors)",
        request=serializers.ModerationNoteSerializer,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._moderate(request, False)

    def _moderate(self, request, hidden):
        comment = self.get_object()
        serializer = serializers.ModerationNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data.get("note", "")
        if hidden:
            comment.hide(request.user, note)
        else:
            comment.unhide(request.user, note)
        return Response(serializers.CommentSerializer(comment).data)

    @extend_schema(
        summary="Resolve the thread this comment belongs to",
        request=None,
        responses=serializers.CommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        comment = self.get_object()
        comment.resolve_thread(request.user)
        comment.refresh_from_db()
        return Response(serializers.CommentSerializer(comment).data)


# --- verdicts -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Verdicts, earlier ones included (filter by claim or document)"),
    retrieve=extend_schema(summary="One verdict"),
    create=extend_schema(
        summary="Publish a verdict from an approved annotation, or correct one (editors)",
        description="A claim that had a verdict gets a correction: `note` must say what "
        "changed and why.",
        request=serializers.VerdictPublishSerializer,
        responses={201: serializers.VerdictSerializer},
    ),
)
class VerdictViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.VerdictSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.VerdictFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return (
            Verdict.objects.filter(
                claim__document__workspace_id__in=readable_workspace_ids(self.request.user)
            )
            .annotate(document_id=F("claim__document_id"))
            .select_related("rating", "checked_by", "reviewed_by", "published_by", "retracted_by")
        )

    def get_object(self):
        queryset = (
            self.get_queryset()
            .select_related("claim__document__workspace")
            .defer("claim__document__text")
        )
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

    def _respond(self, pk, status_code=200):
        self.kwargs["pk"] = pk
        return Response(serializers.VerdictSerializer(self.get_object()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = serializers.VerdictPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = get_readable(
            Annotation.objects.select_related("claim__document__workspace").defer(
                "claim__document__text"
            ),
            serializer.validated_data["annotation"],
            request.user,
        )
        verdict, created = Verdict.publish_once(
            annotation, request.user, serializer.validated_data.get("note", "")
        )
        # A repeated publication answers with the verdict the first one made.
        return self._respond(verdict.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Retract the current verdict, with a note (editors)",
        request=serializers.RetractSerializer,
        responses=serializers.VerdictSerializer,
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        verdict = self.get_object()
        serializer = serializers.RetractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict.retract(request.user, serializer.validated_data["note"])
        return self._respond(verdict.pk)


# --- flags ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Flags: all in the workspaces you edit, else your own"),
    retrieve=extend_schema(summary="One flag"),
    create=extend_schema(
        summary="Flag an annotation or a comment",
        request=serializers.FlagCreateSerializer,
        responses={201: serializers.FlagSerializer},
    ),
)
class FlagViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.FlagSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.FlagFilter
    pagination_class = IdCursorPagination
    lookup_value_regex = ID_PATTERN
    extra_error_codes = {"POST": ("409",)}  # you have flagged this already

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Flag.objects.none()
        return visible_flags(self.request.user).select_related("reporter", "resolved_by")

    def get_object(self):
        queryset = self.get_queryset().select_related(
            "annotation__claim__document__workspace",
            "comment__annotation__claim__document__workspace",
        )
        return get_readable(queryset, self.kwargs["pk"], self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = serializers.FlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("annotation"):
            target = get_readable(
                Annotation.objects.select_related("claim__document__workspace").defer(
                    "claim__document__text"
                ),
                data["annotation"],
                request.user,
            )
        else:
            target = get_readable(
                Comment.objects.select_related("annotation__claim__document__workspace").defer(
                    "annotation__claim__document__text"
                ),
                data["comment"],
                request.user,
            )
        if "\x00" in data["reason"]:
            raise ValidationError({"reason": ["Text may not contain NUL characters."]})
        flag = Flag.raise_on(target, request.user, data["reason"])
        return Response(serializers.FlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resolve a flag by hiding its target or dismissing it (editors)",
        request=serializers.FlagResolveSerializer,
        responses=serializers.FlagSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        flag = self.get_object()
        serializer = serializers.FlagResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag.resolve(
            request.user,
            hide=serializer.validated_data["decision"] == "hide",
            note=serializer.validated_data.get("note", ""),
        )
        return Response(serializers.FlagSerializer(flag).data)


class SearchView(ApiView, APIView):
    """Words and "quoted phrases" across a workspace's claims, annotations and verdicts."""

    @extend_schema(
        summary="Search claims, annotations and verdicts",
        parameters=[
            OpenApiParameter("q", str, required=True, description="Words and quoted phrases."),
            OpenApiParameter(
                "workspace", str, description="Workspace slug (needed with several workspaces)."
            ),
            OpenApiParameter("document", int),
            OpenApiParameter("speaker", str),
            OpenApiParameter("rating", int, description="A rating id."),
            OpenApiParameter("state", str, enum=[s.value for s in Claim.State]),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("limit", int, description="1–100, default 50."),
        ],
        responses={200: serializers.SearchResultSerializer},
    )
    def get(self, request):
        from annotations.search import SearchError, search

        params = request.query_params
        workspaces = readable_workspaces(request.user)
        slug = params.get("workspace")
        if slug:
            workspace = next((w for w in workspaces if w.slug == slug), None)
            if workspace is None:
                raise NotFound("No such workspace.")
        elif len(workspaces) == 1:
            workspace = workspaces[0]
        else:
            raise ValidationError({"workspace": ["Say which workspace to search (its slug)."]})
        try:
            limit = parsing.parse_int(params.get("limit", "50"), "limit")
        except parsing.InvalidValue:
            raise ValidationError({"limit": ["Give a whole number from 1 to 100."]}) from None
        limit = min(max(limit, 1), 100)
        try:
            hits = search(
                request.user,
                workspace,
                params.get("q", ""),
                document=params.get("document") or None,
                speaker=params.get("speaker") or None,
                rating=params.get("rating") or None,
                state=params.get("state") or None,
                date_from=params.get("date_from") or None,
                date_to=params.get("date_to") or None,
                limit=limit,
            )
        except SearchError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        return Response(
            {
                "query": params.get("q", ""),
                "results": [
                    {
                        "kind": hit.kind,
                        "id": hit.pk,
                        "claim": serializers.claim_ref(hit.claim),
                        "rank": round(hit.rank, 4),
                        "snippet": str(hit.snippet),
                    }
                    for hit in hits
                ],
            }
        )
