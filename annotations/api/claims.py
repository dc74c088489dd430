"""Claims: the statements of a document that are checked."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from annotations import parsing
from annotations.api import filters, serializers
from annotations.api.base import ResourceViewSet, get_by_id, get_readable, with_etag
from annotations.api.exceptions import PreconditionFailed
from annotations.matching import similar_claims
from annotations.models import NO_SUCH_MEMBER, Claim, Document, InvalidInput, Verdict
from annotations.permissions import claims_with_state, readable_workspace_ids, require
from annotations.text import anchoring


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
    destroy=extend_schema(
        summary="Delete a claim nobody has worked on (editors)",
        description="409 when the claim has annotations or a verdict. Its number is not "
        "given again.",
        responses={204: None},
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
    ResourceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.ClaimSerializer
    model = Claim
    filterset_class = filters.ClaimFilter
    object_related = ("document__workspace",)
    object_deferred = ("document__text",)
    # 409: a claim with work on it is not deleted, merged or split.
    extra_error_codes = {"PATCH": ("412",), "DELETE": ("409",), "POST": ("409",)}
    conflict_serializer = serializers.ClaimSerializer

    def rows(self):
        queryset = claim_list_queryset(self.request.user)
        if self.action == "list":
            # What only search and matching read: a page would carry the text three times.
            queryset = queryset.defer("search_vector", "match_text", "match_vector")
        return queryset

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

    def destroy(self, request, *args, **kwargs):
        self.get_object().delete_unworked(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Merge with the claim next to it in reading order (editors)",
        description="Neither may have annotations or a verdict (409). The merged claim "
        "keeps the lower number of the two; the other claim is deleted.",
        request=serializers.ClaimMergeSerializer,
        responses=serializers.ClaimSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        claim = self.get_object()
        serializer = serializers.ClaimMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = self.get_queryset().filter(pk=serializer.validated_data["other"]).first()
        if other is None:
            raise InvalidInput("No claim of this document has this id.", field="other")
        kept = claim.merge_with(other, request.user)
        data = serializers.ClaimSerializer(self.get_queryset().get(pk=kept.pk)).data
        return with_etag(Response(data), claim_etag(data))

    @extend_schema(
        summary="Split the claim in two at an offset inside it (editors)",
        description="The claim may not have annotations or a verdict (409). The first part "
        "keeps the claim and its number; the second is a new claim numbered last.",
        request=serializers.ClaimSplitSerializer,
        responses={201: serializers.ClaimSplitResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        claim = self.get_object()
        serializer = serializers.ClaimSplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        first, second = claim.split_at(serializer.validated_data["offset"], request.user)
        parts = self.get_queryset().filter(pk__in=[first.pk, second.pk]).in_bulk()
        body = {
            "first": serializers.ClaimSerializer(parts[first.pk]).data,
            "second": serializers.ClaimSerializer(parts[second.pk]).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

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

    @extend_schema(
        summary='Take the claim ("I\'m on it"), or let it go with DELETE',
        description="Shown live to everyone on the document. Not a lock: an annotation's "
        "ETag still decides whose save wins. A take ends with DELETE, the taker's "
        "submission, their leaving the document page, or after 30 minutes.",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["post", "delete"])
    def take(self, request, pk=None):
        claim = self.get_object()
        (claim.take if request.method == "POST" else claim.release)(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Similar claims in the workspace, with their published verdicts and why they match",
        parameters=[
            OpenApiParameter("limit", int, description="At most this many (1–50, default 10)."),
        ],
        responses={200: serializers.SimilarClaimSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request, pk=None):
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
                    "claim": serializers.claim_ref(match.claim),
                    "score": round(match.score, 4),
                    "verdict": serializers.verdict_ref(match.verdict),
                    **serializers.reasons(match),
                }
                for match in rows
            ]
        )
