"""What every API view shares: the ApiView mixin, the base viewset, lookups that answer
404 for what the user may not see, ETag preconditions and the JSON 404 for unknown paths.

Who may do what is asked of annotations.permissions.can(); lists are limited with the
QuerySet forms of the same rules (permissions.visible_annotations). Transitions go through
the model methods, whose WorkflowErrors carry their status (403/404/400/412).
A non-member gets 404 for anything in a workspace, as if it did not exist.
"""

import re

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from annotations.api.exceptions import (
    PayloadTooLarge,
    PreconditionRequired,
    error_body,
    exception_handler,
)
from annotations.api.pagination import IdCursorPagination
from annotations.api.parsers import BoundedJSONParser
from annotations.api.schema import ApiSchema
from annotations.api.throttling import AnonThrottle, UserThrottle
from annotations.models import Annotation, Workspace
from annotations.permissions import Action, can, readable_workspace_ids

W3C_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
ID_PATTERN = r"[0-9]{1,18}"
MAX_ID = 2**63 - 1


class W3CRenderer(JSONRenderer):
    media_type = W3C_MEDIA_TYPE
    format = "w3c"


class W3CContentNegotiation(DefaultContentNegotiation):
    """`Accept: application/ld+json` without a profile asks for the W3C form too: it is
    the only JSON-LD these views serve."""

    def get_accept_list(self, request):
        return [
            W3C_MEDIA_TYPE
            if accept.split(";")[0].strip() == "application/ld+json" and "profile" not in accept
            else accept
            for accept in super().get_accept_list(request)
        ]


def w3c_renderers() -> list:
    """JSON by default; the W3C form when asked for."""
    return [JSONRenderer(), W3CRenderer()]


class AnyContentNegotiation(DefaultContentNegotiation):
    """Exports answer in their own format whatever the Accept header says; errors are
    JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), "application/json"


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
    # One row by its key: no ordering to compile or sort by (first() would add one).
    obj = next(iter(queryset.filter(pk=pk).order_by()[:1]), None)
    if obj is None:
        raise NotFound(message)
    return obj


def get_readable(queryset, value, user, message="Not found."):
    obj = get_by_id(queryset, value, message)
    if not can(user, Action.DOCUMENT_READ, obj):
        raise NotFound(message)
    return obj


def readable_annotation(value, user):
    """The annotation a new source, comment, verdict or flag is about (404 if not visible)."""
    queryset = Annotation.objects.select_related("claim__document__workspace").defer(
        "claim__document__text"
    )
    return get_readable(queryset, value, user)


# The base of the API's viewsets: numeric ids, cursor pages, django-filter, no PUT.
# A viewset names its rows in `rows()`; `get_object` reads one of them with the relations
# in `object_related` (and without the fields in `object_deferred`) and answers 404 when
# the user may not read it. No docstring: the schema describes each viewset with the
# first docstring of its classes, which is ApiView's (or WorkspaceChildMixin's).
class ResourceViewSet(ApiView, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    pagination_class = IdCursorPagination
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # The model of `rows()`: schema generation asks for rows without a user.
    model = None
    object_related: tuple[str, ...] = ()
    object_deferred: tuple[str, ...] = ()

    def rows(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model.objects.none()
        return self.rows()

    def get_object(self):
        queryset = self.get_queryset()
        if self.object_related:
            queryset = queryset.select_related(*self.object_related)
        if self.object_deferred:
            queryset = queryset.defer(*self.object_deferred)
        return get_readable(queryset, self.kwargs["pk"], self.request.user)


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
