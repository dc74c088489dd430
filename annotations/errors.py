"""Error pages that say what happened without a stack trace."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import server_error as default_server_error

from annotations.middleware import too_large

UNAVAILABLE = (
    "The workbench cannot reach its database right now. Nothing you saved is lost; "
    "try again in a minute."
)


def bad_request(request, exception, *args, **kwargs):
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return default_bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """500, or 503 when the cause is the database being unreachable."""
    _, exc, _ = sys.exc_info()
    if isinstance(exc, DatabaseError):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": UNAVAILABLE, "code": "unavailable"}, status=503)
        return HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
    return default_server_error(request, *args, **kwargs)
