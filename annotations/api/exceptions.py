"""One error body for the whole API: {"detail": …, "code": …, "errors": {field: [...]}}.

`exception_handler` is set on every API view (annotations.api.base.ApiView), so the
shape holds without a settings change; REST_FRAMEWORK["EXCEPTION_HANDLER"] may name it too.
Workflow refusals from the model methods keep their status (403/404/400/412) and message.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.api.serializers import AnnotationSerializer
from annotations.errors import CONFLICT
from annotations.importers import ImportRefused
from annotations.models import VersionConflict, WorkflowError

NON_FIELD = "non_field_errors"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send the annotation's ETag in an If-Match header (or its version in the body) "
        "so that no one else's edit is overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    """412 carrying the current representation and its ETag."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you loaded it."
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, current: dict, etag: str):
        super().__init__(detail)
        self.current = current
        self.etag = etag


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            out += [f"{key}: {m}" for m in _flatten(value)]
        return out
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    return {NON_FIELD: _flatten(detail)}


def _first_code(codes) -> str:
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes or "invalid")


def error_body(detail: str, code: str, errors: dict | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or {}}


def exception_handler(exc, context):
    if isinstance(exc, VersionConflict):
        current = exc.current
        body = error_body(exc.message, exc.code)
        body["current"] = AnnotationSerializer(current, context=context).data
        return Response(body, status=412, headers={"ETag": current.etag})
    if isinstance(exc, WorkflowError):
        field = getattr(exc, "field", None)
        errors = {field: [exc.message]} if field else {}
        return Response(error_body(exc.message, exc.code, errors), status=exc.status_code)
    if isinstance(exc, ImportRefused):
        field = exc.field or (
            "file" if context.get("request") and context["request"].FILES else "text"
        )
        return Response(error_body(str(exc), exc.code, {field: [str(exc)]}), status=400)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(str(exc))
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ProtectedError):
        exc = Conflict("It is still in use and cannot be deleted.")
    elif isinstance(exc, IntegrityError):
        # A constraint refused a write that raced another request: a conflict, not an outage.
        exc = Conflict(CONFLICT)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        messages = [m for ms in errors.values() for m in ms]
        detail = messages[0] if len(messages) == 1 else "The request has invalid fields."
        if len(messages) == 1 and NON_FIELD not in errors:
            detail = f"{next(iter(errors))}: {messages[0]}"
        code = _first_code(exc.get_codes())
        response.data = error_body(detail, code, errors)
    elif isinstance(exc, PreconditionFailed):
        response.data = {**error_body(str(exc.detail), exc.default_code), "current": exc.current}
        response["ETag"] = exc.etag
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, (list, dict)):
            response.data = error_body(
                "; ".join(_flatten(detail)), _first_code(exc.get_codes()), _field_errors(detail)
            )
        else:
            response.data = error_body(str(detail), getattr(detail, "code", exc.default_code))
    elif isinstance(exc, Http404):
        response.data = error_body("Not found.", "not_found")
    elif isinstance(exc, PermissionDenied):
        response.data = error_body(
            "You do not have permission to perform this action.", "permission_denied"
        )
    return response
