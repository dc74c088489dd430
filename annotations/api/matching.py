"""POST /api/v1/workspaces/{slug}/match/: checked before? for any text."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import matching
from annotations.api import serializers
from annotations.api.base import ApiView
from annotations.api.workspaces import WORKSPACE_SLUG, WorkspaceChildMixin
from annotations.models import InvalidInput


class MatchView(WorkspaceChildMixin, ApiView, APIView):
    """The desk's claims (with their verdicts) and reference fact-checks that say what a
    pasted text says, however worded, each with its score and why it matched."""

    @extend_schema(
        summary="Checked before? The nearest verdicts and reference fact-checks for a text",
        parameters=[WORKSPACE_SLUG],
        request=serializers.MatchRequestSerializer,
        responses={200: serializers.MatchResultSerializer},
    )
    def post(self, request, workspace_slug):
        workspace = self.get_workspace()
        body = request.data if isinstance(request.data, dict) else {}
        text = body.get("text")
        if text is None:
            raise ValidationError({"text": ["Give the text to look up."]})
        limit = body.get("limit", 10)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            raise ValidationError({"limit": ["Give a whole number from 1 to 50."]})
        try:
            found = matching.find_matches(workspace, text, request.user, limit=limit)
        except InvalidInput as exc:
            raise ValidationError({exc.field or "text": [str(exc)]}) from None
        return Response({"matches": [serializers.match_body(m) for m in found]})
