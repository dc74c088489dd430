"""OpenAPI: every operation documents the error bodies it can answer with."""

from drf_spectacular.openapi import AutoSchema

from annotations.api.serializers import AnnotationSerializer, ClaimSerializer, ErrorSerializer

# 401: no or a bad token; 403: a member without the right; 404: not a member, or no such
# thing; 405/406/415: wrong method, Accept or Content-Type; 429: throttled.
COMMON_ERRORS = ("400", "401", "403", "404", "405", "406", "415", "429")


class VersionConflictSerializer(ErrorSerializer):
    current = AnnotationSerializer(help_text="The annotation as it is now.")


class ClaimConflictSerializer(ErrorSerializer):
    current = ClaimSerializer(help_text="The claim as it is now.")


class ApiSchema(AutoSchema):
    # Extra error codes per view: {"PATCH": ("412", "428"), …}; set on the view.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = getattr(self.view, "extra_error_codes", {})
        codes = (*COMMON_ERRORS, *extra.get(self.method, ()), *extra.get("*", ()))
        for code in codes:
            if code in responses:
                continue
            serializer = ErrorSerializer
            if code == "412":
                claims = getattr(self.view, "conflict_serializer", None) is ClaimSerializer
                serializer = ClaimConflictSerializer if claims else VersionConflictSerializer
            responses[code] = self._get_response_for_code(
                serializer, code, media_types=["application/json"], direction=direction
            )
        return responses
