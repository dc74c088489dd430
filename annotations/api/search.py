"""GET /api/v1/search/: full-text search of a workspace."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import parsing
from annotations.api import serializers
from annotations.api.base import ApiView, readable_workspaces
from annotations.models import Claim
from annotations.search import SearchError, search


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
